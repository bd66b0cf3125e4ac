"""The SQLite file: where it lives, its schema and migrations, the sync lock, and queries."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relwatch.dates import now_iso
from relwatch.errors import ConfigError, RelwatchError, SyncLocked
from relwatch.migrations import MIGRATIONS
from relwatch.models import match_vendor

if TYPE_CHECKING:
    from relwatch.config import Config

DB_ENV = "RELWATCH_DB"


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("relwatch") / "relwatch.db"


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    chosen = option or os.environ.get(DB_ENV)
    return Path(chosen).expanduser() if chosen else default_db_path()


class Store:
    """An open relwatch database, migrated to the current schema."""

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

    @classmethod
    def open_existing(cls, path: Path) -> Store:
        if not path.exists():
            raise RelwatchError(f"no database at {path}: run `relwatch sync` first, or pass --db")
        return cls(path)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self, immediate: bool = True) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> list[str]:
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
        return self.conn.execute("SELECT count(*) FROM migrations").fetchone()[0]

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
            db["vendors"].upsert_all(vendors, pk="id")
            db["sources"].upsert_all(sources, pk="id")

    def _mirrors(self, rows: list[dict[str, Any]], table: str) -> bool:
        """Whether every row is stored as it is."""
        if not rows:
            return True
        columns = list(rows[0])
        stored = {row[0]: row for row in self.conn.execute(f"SELECT {', '.join(columns)} FROM {table}")}
        return all(stored.get(row["id"]) == tuple(row.values()) for row in rows)

    # -- queries --------------------------------------------------------------------------

    def resolve_vendors(self, names: list[str] | None) -> list[str]:
        """Keys of the vendors that `names` name (keys, display names, aliases, as the last sync
        stored them from the config); every stored vendor when none are given."""
        stored = [
            (key, name, json.loads(aliases))
            for key, name, aliases in self.conn.execute("SELECT id, name, aliases FROM vendors ORDER BY id")
        ]
        if not names:
            return [key for key, _, _ in stored]
        keys = []
        for name in names:
            key = match_vendor(name, stored)
            if key is None:
                known = ", ".join(key for key, _, _ in stored) or "none yet"
                raise ConfigError(f"unknown vendor '{name}' in {self.path} (stored: {known})")
            keys.append(key)
        return list(dict.fromkeys(keys))

    def rows(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def source_health(self) -> list[dict[str, Any]]:
        return self.rows(
            """
            SELECT s.vendor_id AS vendor, s.id AS source, s.kind, s.last_success, s.last_error,
                   s.last_error_at, s.consecutive_failures, s.wait_until,
                   r.status AS last_status, r.items AS last_items, r.requests AS last_requests,
                   r.not_modified AS last_not_modified, r.suspect AS last_suspect,
                   (SELECT count(*) FROM artifacts a WHERE a.source_id = s.id) AS artifacts
            FROM sources s
            LEFT JOIN source_runs r ON r.id = (
                SELECT max(id) FROM source_runs WHERE source_id = s.id AND status != 'skipped')
            ORDER BY s.vendor_id, s.id
            """
        )

    def list_releases(
        self,
        *,
        vendors: list[str] | None = None,
        tiers: list[str] | None = None,
        family: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where, params = _filters(vendors, tiers, family, since, until)
        sql = (
            "SELECT id, vendor_id AS vendor, name, family, tier, date, date_source, licence_class, licences, "
            "announced_at, first_closed_at, first_open_at, largest_parameters, artifact_count, kinds, "
            "pipeline_tags, tier_reason FROM releases "
            f"WHERE {' AND '.join(where)} ORDER BY date DESC, id DESC"
        )
        if limit:
            sql += " LIMIT :limit"
            params["limit"] = limit
        return self.rows(sql, params)

    def sync_run_before_latest(self) -> dict[str, Any] | None:
        """The run before the latest one: `diff --since last` shows what came after it."""
        rows = self.rows("SELECT id, started_at, finished_at FROM sync_runs ORDER BY id DESC LIMIT 2")
        return rows[1] if len(rows) == 2 else None

    def sync_run(self, run_id: int) -> dict[str, Any] | None:
        rows = self.rows("SELECT id, started_at, finished_at FROM sync_runs WHERE id = ?", (run_id,))
        return rows[0] if rows else None

    def events_after(
        self, *, run_id: int | None = None, moment: str | None = None, vendors: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Events of sync runs after `run_id` and events without a run at or after `moment`, oldest first.

        With neither, every event.
        """
        where, params = _filters(vendors, None, None, None, None)
        if run_id is not None:
            where.append("(sync_run_id > :run OR (sync_run_id IS NULL AND at >= :moment))")
            params.update(run=run_id, moment=moment or "")
        elif moment:
            where.append("at >= :moment")
            params["moment"] = moment
        return self.rows(
            "SELECT id, sync_run_id, at, vendor_id, type, source_id, artifact_id, release_id, subject, old_value, "
            f"new_value FROM events WHERE {' AND '.join(where)} ORDER BY id",
            params,
        )

    def list_artifacts(
        self,
        *,
        vendors: list[str] | None = None,
        tiers: list[str] | None = None,
        family: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where, params = _filters(vendors, tiers, family, since, until)
        where.append("gone_at IS NULL")
        sql = (
            "SELECT vendor_id AS vendor, kind, external_id, name, date, date_kind, tier, licence, gated, "
            "pipeline_tag, parameters, downloads, likes, release_id, derivative_of, url FROM artifacts "
            f"WHERE {' AND '.join(where)} ORDER BY date DESC, external_id DESC"
        )
        if limit:
            sql += " LIMIT :limit"
            params["limit"] = limit
        return self.rows(sql, params)


def _filters(
    vendors: list[str] | None, tiers: list[str] | None, family: str | None, since: str | None, until: str | None
) -> tuple[list[str], dict[str, Any]]:
    """WHERE clauses and parameters shared by the release and artifact listings."""
    where = ["1 = 1"]
    params: dict[str, Any] = {}
    for column, prefix, values in (("vendor_id", "v", vendors), ("tier", "t", tiers)):
        if values:
            where.append(f"{column} IN ({', '.join(f':{prefix}{i}' for i in range(len(values)))})")
            params.update({f"{prefix}{i}": v for i, v in enumerate(values)})
    if family:
        where.append("(family = :family OR family LIKE :family_prefix)")
        params.update(family=family.lower(), family_prefix=family.lower() + "-%")
    if since:
        where.append("date >= :since")
        params["since"] = since
    if until:
        where.append("substr(date, 1, 10) <= :until")
        params["until"] = until
    return where, params


@contextmanager
def sync_lock(db_path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the database for the length of a sync."""
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
