"""The SQLite file: where it lives, how it is opened, its migrations and the config mirror."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relwatch.dates import now_iso
from relwatch.errors import RelwatchError
from relwatch.store.migrations import MIGRATIONS

if TYPE_CHECKING:
    from relwatch.config import Config

DB_ENV = "RELWATCH_DB"


def default_db_path() -> Path:
    """The per-user data file (platformdirs' user data directory, `relwatch/relwatch.db`)."""
    import platformdirs

    return platformdirs.user_data_path("relwatch") / "relwatch.db"


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    """The database file: `--db` when given, else $RELWATCH_DB, else the per-user default."""
    chosen = option or os.environ.get(DB_ENV)
    return Path(chosen).expanduser() if chosen else default_db_path()


class Database:
    """An open relwatch database, migrated to the current schema.

    Raises RelwatchError (one line naming the file) when the file is not a database.
    """

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # A new database only (a page size is fixed once a file has tables): a payload of a few
            # KB per artifact packs into 16 KiB pages with little left over; 4 KiB pages hold one.
            conn.execute("PRAGMA page_size=16384")
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise RelwatchError(f"cannot open database {path}: {exc}") from None
        conn.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt, may lose the last commit on power loss
        conn.execute("PRAGMA cache_size=-16384")  # 16 MiB of page cache
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        # Some builds (Debian's) zero every freed page; public data needs no scrubbing, and staging
        # tables free a page per artifact at every source's end.
        conn.execute("PRAGMA secure_delete=OFF")
        self.conn = conn
        self.migrate()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self, immediate: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE by default: the write lock is taken at once); rolled
        back if the block raises, committed otherwise."""
        self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def rows(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """The rows of one query, each a dict by column name."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations not applied yet, each in its own transaction; their names."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
        applied = []
        for name, script in MIGRATIONS:
            if name in done:
                continue
            self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\n"
                f"INSERT INTO migrations (name, applied_at) VALUES ('{name}', '{now_iso()}');\nCOMMIT;"
            )
            applied.append(name)
        return applied

    @property
    def schema_version(self) -> int:
        """How many migrations the file has had."""
        count: int = self.conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
        return count

    # -- configuration mirror -------------------------------------------------------------

    def save_config(self, config: Config) -> None:
        """Mirror vendors and sources from the config, so the file explains itself."""
        vendors = [
            {"id": v.key, "name": v.name, "aliases": json.dumps(list(v.aliases))} for v in config.vendors.values()
        ]
        sources = [
            {
                "id": s.id,
                "vendor_id": s.vendor,
                "kind": s.kind,
                "base_url": s.base_url,
                "options": json.dumps({k: v for k, v in s.options.items() if v is not None}, default=str),
            }
            for s in config.sources
        ]
        if self._mirrors(vendors, "vendors") and self._mirrors(sources, "sources"):
            return  # the nightly case: nothing to write
        import sqlite_utils  # only a changed config is written; syncs of an unchanged one start without it

        db = sqlite_utils.Database(self.conn)
        with self.transaction():
            db.table("vendors").upsert_all(vendors, pk="id")
            db.table("sources").upsert_all(sources, pk="id")

    def _mirrors(self, rows: list[dict[str, Any]], table: str) -> bool:
        """Whether every row is stored as it is."""
        if not rows:
            return True
        columns = list(rows[0])
        stored = {row[0]: row for row in self.conn.execute(f"SELECT {', '.join(columns)} FROM {table}")}
        return all(stored.get(row["id"]) == tuple(row.values()) for row in rows)
