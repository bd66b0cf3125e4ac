"""Label a vendor's artifacts in a worker process, so that a sync's requests go on meanwhile."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

from relwatch.classify import ArtifactLabel, VendorRules, label_artifacts
from relwatch.models import Release

# Below this many artifacts a vendor is labelled in process: labelling costs about 0.1 ms of CPU
# per artifact, and a worker about 0.3 s to start (an interpreter importing relwatch.classify).
WORKER_ROWS = 1000


class Labeller:
    """Runs `classify.label_artifacts` for a sync: in one worker process for vendors of at least
    WORKER_ROWS artifacts, in process for the others (and for all of them if the worker dies).

    The sync's event loop is one thread, and labelling is Python: run in process, it holds the
    loop (0.1–0.2 s for a vendor of 1,000 repositories) while answers to the other sources'
    requests wait unread and their next requests wait unsent. In a worker it runs on another
    core while the loop reads and sends. The result is the same either way: labelling is pure.
    """

    def __init__(self) -> None:
        self._pool: Executor | None = None
        self._broken = False

    async def label(
        self, rows: list[dict[str, Any]], rules: VendorRules, org_vendors: Mapping[str, str]
    ) -> tuple[list[ArtifactLabel], list[Release]]:
        """The labels and releases of one vendor's artifact rows (`label_artifacts`'s result)."""
        if len(rows) < WORKER_ROWS or self._broken:
            return label_artifacts(rows, rules, org_vendors)
        from concurrent.futures.process import BrokenProcessPool

        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._started(), label_artifacts, rows, rules, dict(org_vendors)
            )
        except BrokenProcessPool:  # the worker was killed (out of memory, a signal): go on without it
            self._broken = True
            return label_artifacts(rows, rules, org_vendors)

    def close(self) -> None:
        """Stop the worker, if one was started; labelling not yet begun is dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _started(self) -> Executor:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: the sync's process has an event loop, a database connection and
            # resolver threads that a forked child must not inherit
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_ignore_interrupts)
        return self._pool


def _ignore_interrupts() -> None:
    """In the worker: Ctrl-C and SIGTERM are the sync's to handle (it stops the worker itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
