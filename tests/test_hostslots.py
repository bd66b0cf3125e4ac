"""Per-host slots: at most `per_host` in flight, sources under way served before new ones."""

import asyncio

from relwatch.hostslots import HostSlots


async def served_order(arrivals: list[tuple[str, int]], size: int = 1) -> list[str]:
    """The order in which requests (name, priority) that queue behind a held slot get one."""
    slots = HostSlots(size)
    order: list[str] = []
    gate = asyncio.Event()

    async def holder() -> None:
        async with slots.slot(1):
            await gate.wait()

    async def request(name: str, priority: int) -> None:
        async with slots.slot(priority):
            order.append(name)
            await asyncio.sleep(0)

    tasks = [asyncio.create_task(holder()) for _ in range(size)]
    await asyncio.sleep(0)
    for name, priority in arrivals:
        tasks.append(asyncio.create_task(request(name, priority)))
        await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(*tasks)
    return order


def test_a_source_under_way_is_served_before_sources_that_have_not_started():
    arrivals = [("first-a", 1), ("first-b", 1), ("next-page-a", 0), ("first-c", 1), ("next-page-b", 0)]
    assert asyncio.run(served_order(arrivals)) == ["next-page-a", "next-page-b", "first-a", "first-b", "first-c"]


def test_no_more_than_size_requests_hold_a_slot_at_once():
    async def run() -> int:
        slots, held, most = HostSlots(3), [0], [0]

        async def request(priority: int) -> None:
            async with slots.slot(priority):
                held[0] += 1
                most[0] = max(most[0], held[0])
                await asyncio.sleep(0.001)
                held[0] -= 1

        await asyncio.gather(*(request(i % 2) for i in range(20)))
        assert slots.free == 3
        return most[0]

    assert asyncio.run(run()) == 3


def test_a_waiter_cancelled_in_the_queue_or_as_it_is_served_leaks_no_slot():
    async def run() -> int:
        slots = HostSlots(1)
        gate = asyncio.Event()

        async def holder() -> None:
            async with slots.slot(1):
                await gate.wait()

        async def request() -> None:
            async with slots.slot(0):
                await asyncio.sleep(0)

        held = asyncio.create_task(holder())
        await asyncio.sleep(0)
        queued, served = asyncio.create_task(request()), asyncio.create_task(request())
        await asyncio.sleep(0)
        queued.cancel()  # still waiting
        gate.set()
        await held  # the slot passes to `served`...
        served.cancel()  # ...cancelled before it could run: the slot must pass on, not vanish
        await asyncio.gather(queued, served, return_exceptions=True)
        return slots.free

    assert asyncio.run(run()) == 1
