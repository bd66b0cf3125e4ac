"""Run records: one `sync_runs` row per sync, one `source_runs` row per source read, and the
per-source state (`sources`: last success or error, a host's wait) and page validators."""

from __future__ import annotations

import json
from typing import Any

from relwatch.models import SOURCE_COUNTS, RunStatus, SourceCounts, SourceStatus
from relwatch.store.core import Database

SOURCE_RUN_COLUMNS = (
    "sync_run_id",
    "source_id",
    "started_at",
    "finished_at",
    "status",
    *SOURCE_COUNTS,
    "suspect",
    "error",
    "listing",
    "incomplete",
    "skipped",
    "skipped_reasons",
)
SKIPPED_REASONS_KEPT = 5  # the first reasons a source run keeps; the count says how many there were

PENDING = "pending:"  # the name prefix of a digest's pending cursor row (`mark_pending`)


class RunRecords(Database):
    """Writes and reads of sync and source runs."""

    def start_sync_run(self, *, started_at: str, vendors: list[str], mode: str) -> int:
        """Record a running sync and return its id; runs still marked running (their process
        died) become interrupted."""
        with self.transaction() as conn:
            conn.execute("UPDATE sync_runs SET status = ? WHERE status = ?", (RunStatus.INTERRUPTED, RunStatus.RUNNING))
            cursor = conn.execute(
                "INSERT INTO sync_runs (started_at, status, vendors, mode) VALUES (?, ?, ?, ?)",
                (started_at, RunStatus.RUNNING, json.dumps(vendors), mode),
            )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return cursor.lastrowid

    def finish_sync_run(
        self, run_id: int, *, finished_at: str, status: RunStatus, ok: int, failed: int, skipped: int
    ) -> None:
        """Record how a sync ended and how many sources were ok, failed and skipped (or waiting)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sync_runs SET finished_at = ?, status = ?, sources_ok = ?, sources_failed = ?, "
                "sources_skipped = ? WHERE id = ?",
                (finished_at, status, ok, failed, skipped, run_id),
            )

    def vendors_left_unlabelled(self) -> list[str]:
        """Vendors whose rows a sync that never finished (killed) merged, and may not have reclassified."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT s.vendor_id FROM sync_runs u JOIN source_runs r ON r.sync_run_id = u.id "
                "JOIN sources s ON s.id = r.source_id WHERE u.status = ? AND r.new + r.updated + r.gone > 0 "
                "ORDER BY s.vendor_id",
                (RunStatus.RUNNING,),
            )
        ]

    def write_source_run(
        self,
        *,
        sync_run_id: int,
        source_id: str,
        started_at: str,
        finished_at: str,
        status: SourceStatus,
        counts: SourceCounts,
        suspect: str | None,
        error: str | None,
        wait_until: str | None,
        listing: str | None = None,
        incomplete: str | None = None,
        skipped: list[str] | None = None,
    ) -> None:
        """Record one source's read and update the source's state, inside the caller's
        transaction (a merge records its run in the transaction that merges).

        ok: last success now, failures reset; failed: the error, one more failure; waiting: the
        host's wait. `wait_until` is an ISO 8601 UTC moment or None. `listing` is how a merged
        listing was read (full | incremental | incomplete, see sync.Listing) and `incomplete` why
        it did not end; an ok, full, unsuspected read is the source's last full sweep. `skipped`:
        one line per item that could not be read; their count and the first SKIPPED_REASONS_KEPT
        are recorded.
        """
        values: list[Any] = [sync_run_id, source_id, started_at, finished_at, status]
        values += [getattr(counts, name) for name in SOURCE_COUNTS]
        skipped = skipped or []
        values += [suspect, error, listing, incomplete]
        values += [len(skipped), json.dumps(skipped[:SKIPPED_REASONS_KEPT]) if skipped else None]
        self.conn.execute(
            f"INSERT INTO source_runs ({', '.join(SOURCE_RUN_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in SOURCE_RUN_COLUMNS)})",
            values,
        )
        if status == SourceStatus.OK:
            self.conn.execute(
                "UPDATE sources SET last_success = ?, consecutive_failures = 0, wait_until = ? WHERE id = ?",
                (finished_at, wait_until, source_id),
            )
            if listing == "full" and suspect is None:
                self.conn.execute("UPDATE sources SET last_full_sweep = ? WHERE id = ?", (finished_at, source_id))
        elif status == SourceStatus.FAILED:
            self.conn.execute(
                "UPDATE sources SET last_error = ?, last_error_at = ?, "
                "consecutive_failures = consecutive_failures + 1, wait_until = ? WHERE id = ?",
                (error, finished_at, wait_until, source_id),
            )
        elif status == SourceStatus.WAITING:
            self.conn.execute("UPDATE sources SET wait_until = ? WHERE id = ?", (wait_until, source_id))

    def stored_wait(self, source_id: str) -> str | None:
        """Until when (ISO 8601 UTC) the source's host asked to wait, if it did."""
        row = self.conn.execute("SELECT wait_until FROM sources WHERE id = ?", (source_id,)).fetchone()
        return None if row is None else row[0]

    def last_full_sweep(self, source_id: str) -> str | None:
        """When (ISO 8601 UTC) a complete listing of the source was last merged, if ever."""
        row = self.conn.execute("SELECT last_full_sweep FROM sources WHERE id = ?", (source_id,)).fetchone()
        return None if row is None else row[0]

    def modified_times(self, source_id: str) -> dict[str, str | None]:
        """external_id → stored `modified_at` (ISO 8601 UTC or None) of the source's artifacts that
        are not gone: what an incremental listing compares each repository with."""
        return dict(
            self.conn.execute(
                "SELECT external_id, modified_at FROM artifacts WHERE source_id = ? AND gone_at IS NULL",
                (source_id,),
            ).fetchall()
        )

    def previous_items(self, source_id: str) -> int | None:
        """Items of the source's last ok run that was not suspect (or whose drop was accepted), else
        of its last ok run; None before its first ok run. Incremental runs hold only what changed,
        so they are not counted."""
        for condition in ("suspect IS NULL OR accepted_at IS NOT NULL", "1 = 1"):
            row = self.conn.execute(
                f"SELECT items FROM source_runs WHERE source_id = ? AND status = ? AND ({condition}) "
                "AND listing IS NOT 'incremental' ORDER BY id DESC LIMIT 1",
                (source_id, SourceStatus.OK),
            ).fetchone()
            if row:
                items: int = row[0]
                return items
        return None

    def page_validators(self, source_id: str) -> list[dict[str, Any]]:
        """The source's stored page validators: url, etag, last_modified, next_url and item_ids
        (the ids the page held, decoded)."""
        rows = self.rows(
            "SELECT url, etag, last_modified, next_url, item_ids FROM http_validators WHERE source_id = ?",
            (source_id,),
        )
        for row in rows:
            row["item_ids"] = json.loads(row["item_ids"])
        return rows

    def source_known(self, source_id: str) -> bool:
        """Whether the database holds the source (a sync mirrored it from the config)."""
        return self.conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is not None

    def source_spelled(self, source_id: str) -> str | None:
        """The stored source id equal to `source_id` ignoring case (for a "did you mean"); None
        when there is none."""
        row = self.conn.execute(
            "SELECT id FROM sources WHERE lower(id) = lower(?) ORDER BY id LIMIT 1", (source_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def parked_since(self, source_id: str) -> str | None:
        """When (ISO 8601 UTC) the source's current run of `waiting` results began: the start of
        its first waiting run after its last ok or failed one; None when it is not waiting."""
        row = self.conn.execute(
            "SELECT min(started_at) FROM source_runs WHERE source_id = :sid AND status = :waiting AND id > "
            "coalesce((SELECT max(id) FROM source_runs WHERE source_id = :sid AND status IN (:ok, :failed)), 0)",
            {"sid": source_id, "waiting": SourceStatus.WAITING, "ok": SourceStatus.OK, "failed": SourceStatus.FAILED},
        ).fetchone()
        return None if row is None else row[0]

    def accept_drop(self, source_id: str, now: str) -> dict[str, Any] | None:
        """Accept the source's last ok run's suspect drop as permanent (`relwatch sources accept`):
        its item count becomes the one later runs are compared with, so the next sync marks what
        the listing no longer holds as gone, once. Returns that run (id, items, suspect), or None
        when the source's last ok run was not suspect (nothing to accept). `now`: ISO 8601 UTC."""
        rows = self.rows(
            "SELECT id, items, suspect, accepted_at FROM source_runs WHERE source_id = ? AND status = ? "
            "ORDER BY id DESC LIMIT 1",
            (source_id, SourceStatus.OK),
        )
        if not rows or rows[0]["suspect"] is None or rows[0]["accepted_at"] is not None:
            return None
        with self.transaction() as conn:
            conn.execute("UPDATE source_runs SET accepted_at = ? WHERE id = ?", (now, rows[0]["id"]))
        return rows[0]

    # -- the digest's cursor (`diff --since delivered`) -------------------------------------

    def delivered_event(self, name: str) -> int | None:
        """The last event id the digest `name` delivered; None before its first delivery."""
        row = self.conn.execute("SELECT event_id FROM digest_cursors WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    def mark_pending(self, name: str, event_id: int | None, now: str) -> None:
        """Remember `event_id` as the last event the digest `name` wrote out and awaits
        confirmation of (`diff --confirm-delivered`); None forgets any pending one. Kept as the row
        `PENDING + name` of `digest_cursors`."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM digest_cursors WHERE name = ?", (PENDING + name,))
            if event_id is not None:
                conn.execute(
                    "INSERT INTO digest_cursors (name, event_id, delivered_at) VALUES (?, ?, ?)",
                    (PENDING + name, event_id, now),
                )

    def confirm_delivered(self, name: str, now: str) -> int | None:
        """Advance the digest `name` to its pending event (`mark_pending`) and forget it; returns
        that event id, or None when no digest was pending."""
        pending = self.delivered_event(PENDING + name)
        if pending is None:
            return None
        self.mark_delivered(name, pending, now)
        self.mark_pending(name, None, now)
        return pending

    def mark_delivered(self, name: str, event_id: int, now: str) -> None:
        """Advance the digest `name` to `event_id` (never back), delivered at `now` (ISO 8601 UTC)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO digest_cursors (name, event_id, delivered_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET event_id = max(event_id, excluded.event_id), "
                "delivered_at = excluded.delivered_at",
                (name, event_id, now),
            )
