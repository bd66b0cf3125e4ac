"""The read queries of `list`, `show`, `compare`, `diff`, `report`, `vendors` and `sources`.

Releases and listed artifacts are `models` records, other rows dicts by column name; dates are ISO 8601 UTC
strings as stored.
"""

from __future__ import annotations

from typing import Any

from relwatch.models import FIGURE_FIELDS, ListedArtifact, Release, SourceStatus, figure_record
from relwatch.store.core import Database


class Queries(Database):
    """Reads for the query commands."""

    def source_health(self) -> list[dict[str, Any]]:
        """Per stored source: its state and its last run that was not skipped (`last_*`; a suspect
        drop accepted by `relwatch sources accept` is no longer suspect), and how many artifacts it
        holds; by vendor, then source id."""
        return self.rows(
            """
            SELECT s.vendor_id AS vendor, s.id AS source, s.kind, s.last_success, s.last_error,
                   s.last_error_at, s.consecutive_failures, s.wait_until, s.last_full_sweep,
                   r.status AS last_status, r.items AS last_items, r.requests AS last_requests,
                   r.not_modified AS last_not_modified,
                   CASE WHEN r.accepted_at IS NULL THEN r.suspect END AS last_suspect, r.skipped AS last_skipped,
                   r.listing AS last_listing, r.incomplete AS last_incomplete,
                   (SELECT count(*) FROM artifacts a WHERE a.source_id = s.id) AS artifacts
            FROM sources s
            LEFT JOIN source_runs r ON r.id = (
                SELECT max(id) FROM source_runs WHERE source_id = s.id AND status != :skipped)
            ORDER BY s.vendor_id, s.id
            """,
            {"skipped": SourceStatus.SKIPPED.value},
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
    ) -> list[Release]:
        """Releases, newest first (undated last): `since`/`until` are days or timestamps, inclusive;
        `family` matches a family key or its prefix before a dash."""
        where, params = _filters(vendors, tiers, family, since, until)
        sql = f"SELECT * FROM releases WHERE {' AND '.join(where)} ORDER BY date DESC, id DESC"
        if limit:
            sql += " LIMIT :limit"
            params["limit"] = limit
        return [Release.from_row(row) for row in self.rows(sql, params)]

    def figure_releases(self, vendors: list[str], since: str, until: str) -> list[dict[str, Any]]:
        """The vendors' releases dated inside [since, until] (days; a release's day is the first ten
        characters of its date, as `analysis.select_releases` reads it), newest first as
        `list_releases` orders them, as the records the compare figures read
        (`models.figure_record`: FIGURE_FIELDS of `Release.as_record`)."""
        where, params = _filters(vendors, None, None, None, None)
        where.append("date IS NOT NULL AND date != '' AND substr(date, 1, 10) BETWEEN :first AND :last")
        params.update(first=since, last=until)
        columns = ", ".join("vendor_id" if name == "vendor" else name for name in FIGURE_FIELDS)
        sql = f"SELECT {columns} FROM releases WHERE {' AND '.join(where)} ORDER BY date DESC, id DESC"
        return [figure_record(row) for row in self.conn.execute(sql, params)]

    def list_artifacts(
        self,
        *,
        vendors: list[str] | None = None,
        tiers: list[str] | None = None,
        family: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[ListedArtifact]:
        """Artifacts not gone, newest first, filtered as `list_releases` filters releases."""
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
        artifacts = self.rows(sql, params)
        for row in artifacts:
            row["gated"] = None if row["gated"] is None else bool(row["gated"])
        return [ListedArtifact(**row) for row in artifacts]

    def sync_run_before_latest(self) -> dict[str, Any] | None:
        """The run before the latest one (id, started_at, finished_at): `diff --since last` shows
        what came after it. None with fewer than two runs."""
        rows = self.rows("SELECT id, started_at, finished_at FROM sync_runs ORDER BY id DESC LIMIT 2")
        return rows[1] if len(rows) == 2 else None

    def sync_run(self, run_id: int) -> dict[str, Any] | None:
        """One run's id, started_at and finished_at; None when there is no such run."""
        rows = self.rows("SELECT id, started_at, finished_at FROM sync_runs WHERE id = ?", (run_id,))
        return rows[0] if rows else None

    def events_after(
        self,
        *,
        run_id: int | None = None,
        moment: str | None = None,
        vendors: list[str] | None = None,
        event_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Events of sync runs after `run_id` and events without a run at or after `moment`, oldest first;
        with `event_id`, the events after that one (`diff --since delivered`).

        With none, every event.
        """
        where, params = _filters(vendors, None, None, None, None)
        if event_id is not None:
            where.append("id > :event")
            params["event"] = event_id
        elif run_id is not None:
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
