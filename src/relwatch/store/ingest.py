"""Write one source's results: stage pages as they arrive, merge them in one transaction.

Pages go into temporary tables (in SQLite's temp store, gone if the process dies) so that a
source of any size is never held in memory, and the real tables change only in `commit`, all
at once: a sync killed at any moment leaves them as they were before that source.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from relwatch.models import VOLATILE_FIELDS, Artifact, EventType, SourceCounts
from relwatch.sources import registry

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.prices import PagePrices
    from relwatch.sources.base import Page
    from relwatch.store import Store

# Staged columns written from an Artifact, in order: the `artifacts` columns and the payload.
COLUMNS = (
    "source_id",
    "vendor_id",
    "kind",
    "external_id",
    "name",
    "url",
    "date",
    "date_kind",
    "modified_at",
    "licence",
    "licence_link",
    "gated",
    "pipeline_tag",
    "library",
    "parameters",
    "base_models",
    "downloads",
    "likes",
    "tier_hint",
    "weights_ref",
    "family_hint",
    "extra",
    "raw",
    "content_hash",
)
ARTIFACT_COLUMNS = tuple(c for c in COLUMNS if c != "raw")  # `raw` lives in artifact_payloads
# What `content_hash` reads: positions in an artifact's row values (COLUMNS from `external_id` to
# `raw`) of everything but the volatile counts, `raw` last.
VOLATILE_KEYS = frozenset(VOLATILE_FIELDS)
HASHED = tuple(i for i, name in enumerate(COLUMNS[3:-1]) if name not in VOLATILE_KEYS)
STAGED_TABLES = ("staged_artifacts", "staged_seen", "staged_new", "staged_pages")

# The ids this read of the listing held: those of pages read afresh, and those of pages answered
# 304, which their stored validator remembers (so a re-sync answered by 304s stages no ids).
SEEN_IDS = (
    "SELECT external_id FROM temp.staged_seen WHERE source_id = :sid UNION "
    "SELECT j.value FROM temp.staged_pages p JOIN http_validators v ON v.source_id = p.source_id AND v.url = p.url, "
    "json_each(v.item_ids) j WHERE p.source_id = :sid AND p.changed = 0"
)
EVENT_COLUMNS = "sync_run_id, at, vendor_id, type, source_id, artifact_id, subject, old_value, new_value"

STAGING = """
CREATE TEMP TABLE IF NOT EXISTS staged_artifacts (
    {columns},
    PRIMARY KEY (source_id, external_id)
);
CREATE TEMP TABLE IF NOT EXISTS staged_seen (
    source_id TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (source_id, external_id)
);
CREATE TEMP TABLE IF NOT EXISTS staged_new (
    source_id TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (source_id, external_id)
);
CREATE TEMP TABLE IF NOT EXISTS staged_pages (
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_url TEXT,
    item_ids TEXT NOT NULL,
    changed INTEGER NOT NULL,
    PRIMARY KEY (source_id, url)
);
PRAGMA temp.secure_delete = OFF;
""".format(columns=",\n    ".join(f"{c}" for c in COLUMNS))


def content_hash(artifact: Artifact, values: tuple[Any, ...]) -> str:
    """What the row says, not how it was encoded: a changed hash means a changed artifact (pure).

    `values` are the artifact's row values (COLUMNS from `external_id` to `raw`). The volatile
    counts (VOLATILE_FIELDS: downloads, likes), as fields and as top-level keys of the raw
    payload, are left out: a repository whose counts moved is not an updated artifact.
    """
    kept = [values[i] for i in HASHED]
    raw = artifact.raw
    if isinstance(raw, dict) and not VOLATILE_KEYS.isdisjoint(raw):
        kept[-1] = orjson.dumps({k: v for k, v in raw.items() if k not in VOLATILE_KEYS}).decode()
    return hashlib.sha1(orjson.dumps(kept), usedforsecurity=False).hexdigest()


def artifact_row(artifact: Artifact, source: SourceConfig) -> tuple[Any, ...]:
    """The artifacts-table values of one artifact, in COLUMNS order (pure)."""
    values = (
        artifact.external_id,
        artifact.name,
        artifact.url,
        artifact.date,
        str(artifact.date_kind) if artifact.date_kind else None,
        artifact.modified_at,
        artifact.licence,
        artifact.licence_link,
        None if artifact.gated is None else int(artifact.gated),
        artifact.pipeline_tag,
        artifact.library,
        artifact.parameters,
        orjson.dumps(artifact.base_models).decode(),
        artifact.downloads,
        artifact.likes,
        str(artifact.tier_hint) if artifact.tier_hint else None,
        artifact.weights_ref,
        artifact.family_hint,
        orjson.dumps(artifact.extra, option=orjson.OPT_SORT_KEYS).decode(),
        None if artifact.raw is None else orjson.dumps(artifact.raw).decode(),
    )
    return (source.id, source.vendor, source.kind, *values, content_hash(artifact, values))


class SourceIngest:
    """Stages one source's pages; `commit` merges them, `discard` forgets them."""

    def __init__(self, store: Store, source: SourceConfig, sync_run_id: int | None = None):
        self.store = store
        self.source = source
        self.sync_run_id = sync_run_id
        self.pages = 0
        self.items = 0  # as the pages said (repeats included); `items_seen` counts distinct ids
        self.changed_pages = 0
        self.incomplete: str | None = None  # why the listing did not end, when a page said so
        self.prices: list[PagePrices] = []  # the pages' price reads: a few hundred offers, kept in memory
        self.staged_rows = 0  # artifact rows staged (a repeated id counts each time)
        self._items_seen: int | None = None  # `items_seen`, once asked, until the next page
        if store.staged_sources is None:  # the connection's first source: its staging tables
            store.conn.executescript(STAGING)
            store.staged_sources = set()
        self.discard()  # what an earlier, unfinished ingest of the source left

    def add(self, page: Page) -> None:
        """Stage one page (its artifacts, the ids it held, its validators) in its own transaction."""
        self._staged().add(self.source.id)
        self._items_seen = None
        with self.store.transaction(immediate=False) as conn:
            if page.artifacts:
                placeholders = ", ".join("?" for _ in COLUMNS)
                conn.executemany(
                    f"INSERT OR REPLACE INTO temp.staged_artifacts VALUES ({placeholders})",
                    [artifact_row(a, self.source) for a in page.artifacts],
                )
            if not page.unchanged:  # an unchanged page's ids are in its stored validator: see SEEN_IDS
                conn.executemany(
                    "INSERT OR IGNORE INTO temp.staged_seen VALUES (?, ?)",
                    [(self.source.id, external_id) for external_id in page.item_ids],
                )
            conn.execute(
                "INSERT OR REPLACE INTO temp.staged_pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    self.source.id,
                    page.url,
                    page.etag,
                    page.last_modified,
                    page.next_url,
                    json.dumps(page.item_ids),
                    int(not page.unchanged),
                ),
            )
        if page.prices is not None:
            self.prices.append(page.prices)
        self.staged_rows += len(page.artifacts or ())
        self.pages += 1
        self.items += len(page.item_ids)
        self.changed_pages += not page.unchanged
        self.incomplete = page.incomplete or self.incomplete

    @property
    def items_seen(self) -> int:
        """Distinct ids the listing held so far (pages read afresh and pages answered 304)."""
        if self._items_seen is None:
            row = self.store.conn.execute(f"SELECT count(*) FROM ({SEEN_IDS})", {"sid": self.source.id}).fetchone()
            self._items_seen = int(row[0])
        return self._items_seen

    def _staged(self) -> set[str]:
        """The store's sources with staged rows (the staging tables exist once this object does)."""
        staged = self.store.staged_sources
        assert staged is not None
        return staged

    def commit(
        self,
        *,
        now: str,
        complete: bool,
        keep_validators: bool,
        on_commit: Callable[[SourceCounts], None],
        counts: SourceCounts | None = None,
    ) -> SourceCounts:
        """Merge staged rows into `artifacts` and validators into `http_validators`, atomically.

        `now`: ISO 8601 UTC, the moment recorded as seen / gone / event time.
        `complete`: the listing was read to its end, so what it no longer holds is gone.
        `keep_validators`: false for a suspect result, so that the next sync reads it afresh.
        `on_commit`: writes what belongs in the same transaction (the source run record) through
        the store, given the counts.
        `counts`: where the merge's counts (pages, items, new, updated, gone) go; a fresh
        SourceCounts when None. Returned.
        """
        counts = counts or SourceCounts()
        counts.items, counts.pages = self.items_seen, self.pages
        with self.store.transaction() as conn:
            if self.changed_pages:  # when every page answered 304 the listing is as stored: nothing to merge
                params = {"now": now, "sid": self.source.id, "run": self.sync_run_id}
                if self.staged_rows:
                    self._merge_artifacts(conn, params, counts)
                if complete:
                    counts.gone = self._mark_gone(conn, params)
                if keep_validators:
                    self._save_validators(conn, params, complete)
            if self.prices:
                self.store.record_prices(
                    conn,
                    source_id=self.source.id,
                    vendor=self.source.vendor,
                    run_id=self.sync_run_id,
                    reads=self.prices,
                    now=now,
                    complete=self.changed_pages == self.pages and registry.load(self.source.kind).COMPLETE_LISTING,
                )
            on_commit(counts)
        self.discard()
        return counts

    def _merge_artifacts(self, conn: sqlite3.Connection, params: dict[str, Any], counts: SourceCounts) -> None:
        """Write the staged artifacts and their payloads, with `new-artifact` events and licence and
        gating changes; counts new and updated. When every staged id is new (a first read) no
        stored row can have changed, so the comparisons with stored rows are not run."""
        counts.new = self._stage_new(conn, params)
        if counts.new < self._staged_count(conn, params):
            counts.updated = self._count_updated(conn, params)
            self._record_field_changes(conn, params)
        self._upsert_artifacts(conn, params)
        self._upsert_payloads(conn, params)
        if counts.new:
            self._record_new(conn, params)

    @staticmethod
    def _staged_count(conn: sqlite3.Connection, params: dict[str, Any]) -> int:
        """Distinct artifacts staged for the source."""
        count: int = conn.execute(
            "SELECT count(*) FROM temp.staged_artifacts WHERE source_id = :sid", params
        ).fetchone()[0]
        return count

    @staticmethod
    def _stage_new(conn: sqlite3.Connection, params: dict[str, Any]) -> int:
        """Note the staged ids the source never reported before; how many."""
        return conn.execute(
            "INSERT INTO temp.staged_new SELECT source_id, external_id FROM temp.staged_artifacts s "
            "WHERE s.source_id = :sid AND NOT EXISTS "
            "(SELECT 1 FROM artifacts a WHERE a.source_id = s.source_id AND a.external_id = s.external_id)",
            params,
        ).rowcount

    @staticmethod
    def _count_updated(conn: sqlite3.Connection, params: dict[str, Any]) -> int:
        """Stored artifacts whose content changed, or that are back after being gone."""
        count: int = conn.execute(
            "SELECT count(*) FROM temp.staged_artifacts s JOIN artifacts a "
            "ON a.source_id = s.source_id AND a.external_id = s.external_id "
            "WHERE s.source_id = :sid AND (a.content_hash != s.content_hash OR a.gone_at IS NOT NULL)",
            params,
        ).fetchone()[0]
        return count

    @staticmethod
    def _record_field_changes(conn: sqlite3.Connection, params: dict[str, Any]) -> None:
        """Events for licences and gating that changed (a field the source no longer sends is no change)."""
        for field, kind in (("licence", EventType.LICENCE_CHANGED), ("gated", EventType.GATED_CHANGED)):
            conn.execute(
                f"INSERT INTO events ({EVENT_COLUMNS}) SELECT :run, :now, a.vendor_id, :type, a.source_id, "
                f"a.id, a.external_id, a.{field}, s.{field} FROM temp.staged_artifacts s JOIN artifacts a "
                "ON a.source_id = s.source_id AND a.external_id = s.external_id "
                f"WHERE s.source_id = :sid AND s.{field} IS NOT NULL AND a.{field} IS NOT s.{field}",
                {**params, "type": kind.value},
            )

    @staticmethod
    def _upsert_artifacts(conn: sqlite3.Connection, params: dict[str, Any]) -> None:
        """Write every staged artifact, seen now and not gone; new ones first seen now."""
        columns = ", ".join(ARTIFACT_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ARTIFACT_COLUMNS[4:])
        conn.execute(
            f"INSERT INTO artifacts ({columns}, first_seen, last_seen) "
            f"SELECT {columns}, :now, :now FROM temp.staged_artifacts WHERE source_id = :sid "
            f"ON CONFLICT (source_id, external_id) DO UPDATE SET {updates}, "
            "last_seen = excluded.last_seen, gone_at = NULL",
            params,
        )

    @staticmethod
    def _upsert_payloads(conn: sqlite3.Connection, params: dict[str, Any]) -> None:
        """Write the raw payloads that changed."""
        conn.execute(
            "INSERT INTO artifact_payloads (artifact_id, raw) SELECT a.id, s.raw FROM temp.staged_artifacts s "
            "JOIN artifacts a ON a.source_id = s.source_id AND a.external_id = s.external_id "
            "WHERE s.source_id = :sid AND s.raw IS NOT NULL "
            "ON CONFLICT (artifact_id) DO UPDATE SET raw = excluded.raw WHERE raw IS NOT excluded.raw",
            params,
        )

    @staticmethod
    def _record_new(conn: sqlite3.Connection, params: dict[str, Any]) -> None:
        """A `new-artifact` event per id noted by `_stage_new`."""
        conn.execute(
            f"INSERT INTO events ({EVENT_COLUMNS}) SELECT :run, :now, a.vendor_id, :type, a.source_id, "
            "a.id, a.external_id, NULL, NULL FROM temp.staged_new n JOIN artifacts a "
            "ON a.source_id = n.source_id AND a.external_id = n.external_id WHERE n.source_id = :sid",
            {**params, "type": EventType.NEW_ARTIFACT.value},
        )

    @staticmethod
    def _mark_gone(conn: sqlite3.Connection, params: dict[str, Any]) -> int:
        """Mark gone (with an `artifact-gone` event) what a complete listing no longer held; how many."""
        events = conn.execute(
            f"INSERT INTO events ({EVENT_COLUMNS}) SELECT :run, :now, vendor_id, :type, source_id, "
            "id, external_id, NULL, NULL FROM artifacts WHERE source_id = :sid AND gone_at IS NULL "
            f"AND external_id NOT IN ({SEEN_IDS})",
            {**params, "type": EventType.ARTIFACT_GONE.value},
        ).rowcount
        if not events:  # one event per gone artifact: none, nothing to mark
            return 0
        return conn.execute(
            "UPDATE artifacts SET gone_at = :now WHERE source_id = :sid AND gone_at IS NULL "
            f"AND external_id NOT IN ({SEEN_IDS})",
            params,
        ).rowcount

    @staticmethod
    def _save_validators(conn: sqlite3.Connection, params: dict[str, Any], complete: bool) -> None:
        """Store the validators of pages read afresh; a complete listing drops those of pages it
        no longer has."""
        if complete:
            conn.execute(
                "DELETE FROM http_validators WHERE source_id = :sid AND url NOT IN "
                "(SELECT url FROM temp.staged_pages WHERE source_id = :sid)",
                params,
            )
        conn.execute(
            "DELETE FROM http_validators WHERE source_id = :sid AND url IN "
            "(SELECT url FROM temp.staged_pages WHERE source_id = :sid AND changed = 1)",
            params,
        )
        conn.execute(
            "INSERT INTO http_validators "
            "(source_id, url, etag, last_modified, next_url, item_ids, fetched_at) "
            "SELECT source_id, url, etag, last_modified, next_url, item_ids, :now FROM temp.staged_pages "
            "WHERE source_id = :sid AND changed = 1 AND (etag IS NOT NULL OR last_modified IS NOT NULL)",
            params,
        )

    def discard(self) -> None:
        """Forget what is staged for this source."""
        staged = self._staged()
        if self.source.id in staged:
            # the only source staged: the tables are emptied whole, which SQLite does without a scan
            where = "" if staged == {self.source.id} else " WHERE source_id = ?"
            for table in STAGED_TABLES:
                self.store.conn.execute(f"DELETE FROM temp.{table}{where}", (self.source.id,) if where else ())
            staged.discard(self.source.id)
        self.prices = []
        self.staged_rows = 0
        self._items_seen = None
