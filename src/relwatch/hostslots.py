"""At most `per_host` requests in flight to one host, and sources already under way served first."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostSlots:
    """A counting limit whose waiters are served by priority, then in arrival order.

    A request of a source that has already sent one (its next page, a retry) asks with priority 0
    and goes ahead of the first requests of sources that have not started (priority 1). Sources
    then end one after another while the others' requests are in flight, so each is merged and
    its vendor rebuilt during the sync's network waits; with a plain FIFO every source's second
    page queues behind every other source's first, and all of them end together at the close.
    """

    def __init__(self, size: int):
        self.free = size
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @asynccontextmanager
    async def slot(self, priority: int) -> AsyncIterator[None]:
        """Hold one slot for the body of the `async with`; lower `priority` values are served first."""
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, priority: int) -> None:
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # the slot was handed over as the waiter was cancelled: pass it on
            else:
                self._waiting = [w for w in self._waiting if w[2] is not future]
                heapq.heapify(self._waiting)
            raise

    def _release(self) -> None:
        while self._waiting:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)  # the slot passes straight to the waiter
                return
        self.free += 1
