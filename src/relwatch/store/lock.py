"""The sync lock: one sync at a time per database file, whatever name the file is reached by."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from relwatch.errors import SyncLocked
from relwatch.store.core import DatabaseFault, check_target, refuse_newer


def lock_path(db_path: Path) -> Path:
    """The lock file of a database: `<file>.lock` beside the file its path resolves to (symbolic
    links followed), so every name of one file shares one lock."""
    real = db_path.expanduser().resolve()
    return real.with_name(real.name + ".lock")


@contextmanager
def sync_lock(db_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the database file's identity for the length of a sync.

    The lock is `lock_path(db_path)`; a file with more than one hard link is refused before
    anything is created (see `check_target`), so no two names of one file sync at once.
    Raises SyncLocked when another process holds the lock, DatabaseFault when the path cannot be
    a writable database (or was written by a newer relwatch) or the lock file cannot be made.
    """
    check_target(db_path, write=True)
    refuse_newer(db_path)
    path = lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - held open for the length of the block below
    except OSError as exc:
        raise DatabaseFault(f"database {db_path}: cannot make its lock file {path}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncLocked(f"another relwatch sync is running on {db_path}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
