"""The SQLite file: where it lives, how it is opened, its migrations and the config mirror."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from relwatch.dates import now_iso
from relwatch.errors import ConfigError, RelwatchError
from relwatch.models import match_vendor
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


# What any SQLite call may raise (full disk, locked, corrupt, read-only): the sync and the command
# line catch it by this name, so that no module outside the store imports sqlite3.
SqliteError = sqlite3.Error


class DatabaseFault(RelwatchError):
    """The database file cannot be used as asked: full disk, locked, corrupt, read-only, not a
    database, or written by a newer relwatch. The message is one line naming the file."""


# How long a statement waits for another program's lock before failing "database is locked".
BUSY_TIMEOUT_MS = 10_000
LOCKED = f"locked by another program for longer than the busy timeout ({BUSY_TIMEOUT_MS // 1000} s)"

# SQLite's words for a fault (sqlite3 error text) → what the user reads after the file's name.
FAULT_WORDS = (
    ("database or disk is full", "the disk is full"),
    ("database is locked", LOCKED),
    ("database table is locked", LOCKED),
    ("malformed", "the file is corrupt (database disk image is malformed)"),
    ("file is not a database", "the file is not an SQLite database"),
    ("readonly", "the file or its folder is read-only"),
    ("unable to open", "cannot open the file (missing folder, no permission, or not a regular file)"),
    ("disk i/o error", "a disk I/O error"),
)


def schema_number(name: str) -> int:
    """The number a migration's name starts with (`009_digest_cursor` → 9); 0 when it has none."""
    digits = name.split("_", 1)[0]
    return int(digits) if digits.isdigit() else 0


KNOWN_SCHEMA = max(schema_number(name) for name, _ in MIGRATIONS)


def describe_fault(exc: BaseException, path: Path, *, newer: int | None = None) -> str:
    """One line for a database fault (a sqlite3.Error or an OSError) on the file at `path`.

    `newer`: the schema number of a file written by a newer relwatch, named in the line.
    """
    if isinstance(exc, OSError):
        where = exc.filename or path
        return f"database {path}: {where}: {exc.strerror or exc}"
    text = str(exc)
    words = next((said for key, said in FAULT_WORDS if key in text.lower()), text)
    line = f"database {path}: {words}"
    if newer is not None:
        line += f" (written by a newer relwatch: schema {newer:03d}, this one knows up to {KNOWN_SCHEMA:03d})"
    return line


def check_target(path: Path, *, write: bool) -> None:
    """Refuse, before anything is created, a database path that cannot work (pure checks on the
    file system; creates nothing).

    Raises DatabaseFault naming the path: a folder or a device where the file should be, a parent
    that is a file, a file reached through a hard link (link count > 1: SQLite keys its WAL and
    lock on the name, so two names of one file lose commits), a file or folder that cannot be
    written when `write`. Raises UsageError for a missing file when not `write`.
    """
    from relwatch.errors import UsageError

    for parent in (path, *path.parents):
        if parent != path and parent.exists():
            if not parent.is_dir():
                raise DatabaseFault(f"database {path}: {parent} is a file, not a folder")
            break
    if not path.exists():
        if not write:
            raise UsageError(f"no database at {path}: run `relwatch sync` first, or pass --db")
        return
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseFault(f"database {path}: is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseFault(f"database {path}: is not a regular file (a device or special file cannot hold a database)")
    if write and info.st_nlink > 1:
        raise DatabaseFault(
            f"database {path}: the file has {info.st_nlink} hard links; a database must be reached through "
            "one name only (use a symbolic link instead)"
        )
    if write and not os.access(path, os.W_OK):
        raise DatabaseFault(f"database {path}: the file is read-only (read commands still work on it)")


def refuse_newer(path: Path) -> None:
    """DatabaseFault when the file at `path` was written by a newer relwatch (checked read-only,
    before a writer takes its lock or creates anything); nothing when there is no file yet."""
    if not path.exists():
        return
    probe = Database(path, readonly=True)
    probe.close()
    if probe.newer is not None:
        raise DatabaseFault(
            f"database {path}: written by a newer relwatch (schema {probe.newer:03d}); this one knows up to "
            f"{KNOWN_SCHEMA:03d}: upgrade relwatch to write it (read commands still work)"
        )


class Database:
    """An open relwatch database, migrated to the current schema.

    `readonly`: opened with `mode=ro` (as read commands open it), never migrated nor written; a
    file on a read-only mount is opened immutable. Otherwise created if missing and migrated.
    Raises DatabaseFault (one line naming the file) when the file cannot be used that way; a file
    written by a newer relwatch (a schema this one does not know) is refused for writing.
    """

    current: Database | None = None  # the file this process opened last: named in a fault's line

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self.newer: int | None = None
        self.warnings: list[str] = []  # what was read but ignored (one line each), for the command to print
        # Sources with rows in this connection's staging tables (relwatch.store.ingest); None until
        # the connection has made those tables, once for all the sources it stages.
        self.staged_sources: set[str] | None = None
        check_target(path, write=not readonly)
        created = not path.exists()
        try:
            self.conn = self._connect_readonly() if readonly else self._connect_writable()
            Database.current = self
            self._check_schema()
        except sqlite3.Error as exc:
            self._abandon(created)
            raise DatabaseFault(describe_fault(exc, path, newer=self.newer)) from None
        except OSError as exc:
            self._abandon(created)
            raise DatabaseFault(describe_fault(exc, path)) from None
        except DatabaseFault:
            self._abandon(created)
            raise

    def _connect_writable(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn = conn
        # A new database only (a page size is fixed once a file has tables): a payload of a few
        # KB per artifact packs into 16 KiB pages with little left over; 4 KiB pages hold one.
        conn.execute("PRAGMA page_size=16384")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt, may lose the last commit on power loss
        conn.execute("PRAGMA cache_size=-16384")  # 16 MiB of page cache
        conn.execute("PRAGMA foreign_keys=ON")
        # Some builds (Debian's) zero every freed page; public data needs no scrubbing, and staging
        # tables free a page per artifact at every source's end.
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    def _connect_readonly(self) -> sqlite3.Connection:
        uri = "file:" + quote(str(self.path.absolute())) + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            if "unable to open" not in str(exc):
                raise
            # A WAL file on a read-only mount, or in a folder this account cannot write: SQLite
            # cannot make its shared-memory index, so the file is read as immutable.
            conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
        self.conn = conn
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA cache_size=-16384")
        conn.execute("PRAGMA query_only=ON")
        return conn

    def _check_schema(self) -> None:
        """Migrate a file opened for writing, or one opened read-only whose schema is older and that
        this account can write; note (and for writing refuse) a schema newer than this relwatch's."""
        has_table = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        ).fetchone()[0]
        stored = {row[0] for row in self.conn.execute("SELECT name FROM migrations")} if has_table else set()
        unknown = stored - {name for name, _ in MIGRATIONS}
        if unknown:
            self.newer = max(schema_number(name) for name in unknown)
            if not self.readonly:
                raise DatabaseFault(
                    f"database {self.path}: written by a newer relwatch (schema {self.newer:03d}); this one knows "
                    f"up to {KNOWN_SCHEMA:03d}: upgrade relwatch to write it (read commands still work)"
                )
        elif not self.readonly:
            self.migrate()
        elif has_table and {name for name, _ in MIGRATIONS} - stored and os.access(self.path, os.W_OK):
            # written by an older relwatch: brought up to date once, so reads find the columns they need
            Database(self.path).close()
            Database.current = self

    def _abandon(self, created: bool) -> None:
        """Close a connection that failed to set up; remove the files it made for a new database."""
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()
        if Database.current is self:
            Database.current = None
        if created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
        if Database.current is self:
            Database.current = None

    def rollback_open(self) -> None:
        """Roll back a transaction a fault left open, if any (the next write starts clean)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

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
        """Apply the migrations not applied yet, all in one transaction (a file is upgraded whole
        or not at all, with one commit: a new database is made in one write); their names."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
        pending = [(name, script) for name, script in MIGRATIONS if name not in done]
        if not pending:
            return []
        when = now_iso()
        steps = [
            f"{script}\nINSERT INTO migrations (name, applied_at) VALUES ('{name}', '{when}');"
            for name, script in pending
        ]
        try:
            self.conn.executescript("BEGIN IMMEDIATE;\n" + "\n".join(steps) + "\nCOMMIT;")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        return [name for name, _ in pending]

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
                "options": json.dumps(s.options.stored()),
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

    def resolve_vendors(self, names: list[str] | None) -> list[str]:
        """Keys of the vendors that `names` name (keys, display names, aliases, as the last sync
        stored them from the config); every stored vendor when none are given.

        Raises ConfigError naming the database and the stored keys for a name it does not know.
        """
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

    def _mirrors(self, rows: list[dict[str, Any]], table: str) -> bool:
        """Whether every row is stored as it is."""
        if not rows:
            return True
        columns = list(rows[0])
        stored = {row[0]: row for row in self.conn.execute(f"SELECT {', '.join(columns)} FROM {table}")}
        return all(stored.get(row["id"]) == tuple(row.values()) for row in rows)
