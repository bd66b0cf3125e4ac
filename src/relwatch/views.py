"""What each command shows: rows shaped for `render`, the sync progress and summary."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from relwatch.errors import RelwatchError
from relwatch.render import Format, console, human_count

if TYPE_CHECKING:
    from relwatch.config import Config, SourceConfig
    from relwatch.sync import SourceOutcome, SyncResult

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    if not DAY.match(value):
        raise RelwatchError(f"{option} '{value}' is not a day (YYYY-MM-DD)")
    return value


ARTIFACT_COLUMNS = [
    "vendor",
    "kind",
    "external_id",
    "date",
    "date_kind",
    "licence",
    "gated",
    "pipeline_tag",
    "parameters",
    "downloads",
    "likes",
    "url",
]
ARTIFACT_TABLE_COLUMNS = ["vendor", "kind", "external_id", "date", "licence", "gated", "parameters"]


def artifact_columns(fmt: Format) -> list[str]:
    return ARTIFACT_TABLE_COLUMNS if fmt == Format.table else ARTIFACT_COLUMNS


def artifact_rows(rows: list[dict[str, Any]], fmt: Format) -> list[dict[str, Any]]:
    shaped = []
    for row in rows:
        row = dict(row)
        row["gated"] = None if row["gated"] is None else bool(row["gated"])
        if fmt == Format.table:
            row["date"] = (row["date"] or "")[:10]
            row["parameters"] = human_count(row["parameters"])
        shaped.append(row)
    return shaped


def vendor_rows(config: Config, health: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_vendor: dict[str, list[dict[str, Any]]] = {}
    for row in health:
        by_vendor.setdefault(row["vendor"], []).append(row)
    rows = []
    for vendor in config.vendors.values():
        known = {r["source"]: r for r in by_vendor.get(vendor.key, [])}
        states = [known.get(s.id) for s in vendor.sources]
        synced = [s for s in states if s and s["last_success"]]
        failing = [s for s in states if s and s["consecutive_failures"]]
        rows.append(
            {
                "vendor": vendor.key,
                "name": vendor.name,
                "aliases": ", ".join(vendor.aliases),
                "sources": ", ".join(sorted({s.kind for s in vendor.sources})),
                "artifacts": sum(s["artifacts"] for s in states if s),
                "last_success": max((s["last_success"] for s in synced), default=None),
                "failing": len(failing),
            }
        )
    return rows


def source_rows(config: Config, health: list[dict[str, Any]], vendors: list[str]) -> list[dict[str, Any]]:
    known = {r["source"]: r for r in health}
    rows = []
    for vendor in vendors:
        for source in config.vendors[vendor].sources:
            state = known.get(source.id) or {}
            requests = state.get("last_requests") or 0
            rows.append(
                {
                    "source": source.id,
                    "kind": source.kind,
                    "status": state.get("last_status") or "never synced",
                    "artifacts": state.get("artifacts") or 0,
                    "last_success": state.get("last_success"),
                    "last_error": state.get("last_error"),
                    "failures_in_a_row": state.get("consecutive_failures") or 0,
                    "share_304": round((state.get("last_not_modified") or 0) / requests, 2) if requests else None,
                    "suspect": state.get("last_suspect"),
                    "wait_until": state.get("wait_until"),
                }
            )
    return rows


def summary_rows(result: SyncResult) -> list[dict[str, Any]]:
    return [
        {
            "source": o.source,
            "status": o.status + (" (suspect)" if o.suspect else ""),
            "requests": o.requests,
            "304": o.not_modified,
            "items": o.items,
            "new": o.new,
            "updated": o.updated,
            "gone": o.gone,
            "note": o.error or o.suspect or "",
        }
        for o in result.outcomes
    ]


def print_sync_summary(result: SyncResult) -> None:
    from relwatch.render import print_table

    totals = result.as_dict()["totals"]
    assert isinstance(totals, dict)
    print_table(summary_rows(result), title=f"Sync run {result.run_id} ({result.mode})")
    console().print(
        f"{totals['sources']} sources: {totals['failed']} failed, {totals['suspect']} suspect; "
        f"{totals['requests']} requests, {totals['not_modified']} answered 304; "
        f"{totals['items']} items, {totals['new']} new, {totals['updated']} updated, {totals['gone']} gone"
    )


class RichSyncProgress:
    """A line per source on the terminal while a sync runs."""

    def __enter__(self) -> RichSyncProgress:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[state]}"),
            TimeElapsedColumn(),
            console=console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, Any] = {}
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def started(self, source: SourceConfig) -> None:
        self.tasks[source.id] = self.progress.add_task(source.id, total=None, state="starting")

    def advanced(self, source: SourceConfig, pages: int, items: int) -> None:
        self.progress.update(self.tasks[source.id], state=f"{pages} pages, {items} items")

    def finished(self, outcome: SourceOutcome) -> None:
        task = self.tasks.get(outcome.source)
        if task is not None:
            self.progress.update(task, state=outcome.status, total=1, completed=1)
