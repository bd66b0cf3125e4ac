"""Every SQL statement relwatch runs: the database file, its schema and migrations, staging and
merging a source's pages, run records, releases and the read queries.

    core        the connection, transactions, migrations, the config mirror
    migrations  the ordered schema scripts
    ingest      stage a source's pages, merge them in named steps
    runs        sync runs, source runs, per-source state and page validators
    releases    what reclassification reads and writes; a release with its artifacts
    lookups     the Hub repositories catalogues point at, and what asking for them gave
    queries     the reads of the query commands
    prices      price offers, their observations and price events
    lock        one sync at a time per file
"""

from __future__ import annotations

from pathlib import Path

from relwatch.errors import RelwatchError
from relwatch.store.core import DB_ENV, DatabaseFault, default_db_path, resolve_db_path
from relwatch.store.lock import sync_lock
from relwatch.store.lookups import HubLookups
from relwatch.store.prices import ValueRecords
from relwatch.store.queries import Queries
from relwatch.store.releases import ReleaseTables
from relwatch.store.runs import RunRecords

__all__ = ["DB_ENV", "DatabaseFault", "Store", "default_db_path", "resolve_db_path", "sync_lock"]


class Store(Queries, RunRecords, ReleaseTables, HubLookups, ValueRecords):
    """An open relwatch database, migrated to the current schema."""

    @classmethod
    def open_existing(cls, path: Path, *, readonly: bool = True) -> Store:
        """The database at `path`, read-only unless `readonly` is false; RelwatchError (one line)
        when there is none (nothing is created)."""
        if not path.exists():
            raise RelwatchError(f"no database at {path}: run `relwatch sync` first, or pass --db")
        return cls(path, readonly=readonly)
