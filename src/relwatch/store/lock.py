"""The sync lock: one sync at a time per database file."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from relwatch.errors import SyncLocked


@contextmanager
def sync_lock(db_path: Path) -> Iterator[None]:
    """Hold an exclusive lock (`<db>.lock` beside the database) for the length of a sync.

    Raises SyncLocked when another process holds it.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncLocked(f"another relwatch sync is running on {db_path}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
