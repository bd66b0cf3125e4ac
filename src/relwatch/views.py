"""What each command shows: `render.Result`s for the query commands, the sync progress and summary."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from relwatch.errors import UsageError
from relwatch.models import ListedArtifact, Release, ReleaseDetail, SourceStatus
from relwatch.render import Format, Markdown, Result, Table, human_count, one_line, plural, short_urls, terminal

if TYPE_CHECKING:
    from rich.console import Console

    from relwatch.config import Config, SourceConfig
    from relwatch.sync import SourceOutcome, SyncResult

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def window(since: str | None, until: str | None, months: int = 24) -> tuple[str, str]:
    """The compare window: the days given, else the last `months` months up to today."""
    from datetime import UTC, date, datetime, timedelta

    end = check_day(until, "--until") or datetime.now(UTC).date().isoformat()
    start = check_day(since, "--since")
    if start is None:
        last = date.fromisoformat(end)
        year, month = divmod(last.year * 12 + last.month - 1 - months, 12)
        following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        days = (following - timedelta(days=1)).day  # in the month `months` before
        start = date(year, month + 1, min(last.day, days)).isoformat()
    if start > end:
        raise UsageError(f"--since {start} is after --until {end}")
    return start, end


def diff_start(store: Any, since: str) -> tuple[dict[str, Any], str]:
    """`--since` → (keyword arguments for `Store.events_after`, words for the title)."""
    if since == "last":
        run = store.sync_run_before_latest()
        if run is None:
            return {}, "since the first sync"
    elif since.isdigit():
        run = store.sync_run(int(since))
        if run is None:
            raise UsageError(f"--since {since}: no sync run with that id")
    else:
        day = check_day(since, "--since")
        return {"moment": day}, f"since {day}"
    return {"run_id": run["id"], "moment": run["finished_at"] or run["started_at"]}, f"since sync run {run['id']}"


def check_day(value: str | None, option: str) -> str | None:
    """`value` if it is a real calendar day written YYYY-MM-DD (2025-02-30 is not); raises UsageError."""
    from datetime import date

    if value is None:
        return None
    if DAY.match(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise UsageError(f"{option} {quoted(value)} is not a day (YYYY-MM-DD)")


# A release date's kind (`releases.date_source`, set by classify) → the mark shown after it; the
# vendor's own dates (its announcement, its own repositories) carry none.
DATE_MARKS = {
    "announcement": "",
    "first-party artifact": "",
    "catalogue release date": "catalogue",
    "third-party listing": "listed",
    "first seen": "first seen",
}


def dated(day: str | None, source: str | None) -> str:
    """A release day for people: `2025-05-07 (listed)` when the date is not the vendor's own;
    a source like `third-party listing (earlier than the announcement)` is marked by its first part."""
    if not day:
        return ""
    kind = (source or "").split(" (", 1)[0]
    mark = DATE_MARKS.get(kind, kind)
    return f"{day[:10]} ({mark})" if mark else day[:10]


# An artifact date's kind (`artifacts.date_kind`) → the mark shown after it; the vendor's own
# announcements and publications carry none.
ARTIFACT_DATE_MARKS = {"repo-created": "repo created", "listed": "listed"}


def artifact_day(day: str | None, kind: str | None) -> str:
    """An artifact's day for people: `2025-05-07 (listed)`, `2025-03-10 (repo created)`."""
    if not day:
        return ""
    mark = ARTIFACT_DATE_MARKS.get(kind or "")
    return f"{day[:10]} ({mark})" if mark else day[:10]


def quoted(value: str) -> str:
    """A user's or upstream value for a one-line message: in quotes, control characters escaped."""
    return "'" + one_line(value) + "'"


ARTIFACT_COLUMNS = [
    "vendor",
    "kind",
    "external_id",
    "date",
    "date_kind",
    "tier",
    "licence",
    "gated",
    "pipeline_tag",
    "parameters",
    "downloads",
    "likes",
    "release_id",
    "derivative_of",
    "url",
]
ARTIFACT_TABLE_COLUMNS = ["vendor", "kind", "external_id", "date", "tier", "licence", "gated", "parameters"]
RELEASE_COLUMNS = [
    "id",
    "vendor",
    "name",
    "family",
    "tier",
    "date",
    "date_source",
    "licence_class",
    "licences",
    "announced_at",
    "first_closed_at",
    "first_open_at",
    "largest_parameters",
    "artifact_count",
    "kinds",
    "pipeline_tags",
    "tier_reason",
]
RELEASE_TABLE_COLUMNS = ["vendor", "name", "tier", "date", "licence_class", "largest", "artifacts", "seen_on"]


def artifact_columns(fmt: Format) -> list[str]:
    """The artifact columns shown: a short set on a table, every column otherwise."""
    return ARTIFACT_TABLE_COLUMNS if fmt == Format.table else ARTIFACT_COLUMNS


def artifact_rows(artifacts: list[ListedArtifact], fmt: Format) -> list[dict[str, Any]]:
    """Stored artifacts shaped for `fmt`: on a table, days and human counts."""
    shaped = []
    for artifact in artifacts:
        row = asdict(artifact)
        if fmt == Format.table:
            row["date"] = artifact_day(row["date"], row["date_kind"])
            row["parameters"] = human_count(row["parameters"])
        shaped.append(row)
    return shaped


def vendor_rows(config: Config, health: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A row per configured vendor: its source kinds, the sides they cover, stored artifacts, last
    success and failing sources."""
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
                "covers": covered_sides(vendor.sources),
                "artifacts": sum(s["artifacts"] for s in states if s),
                "last_success": max((s["last_success"] for s in synced), default=None),
                "failing": len(failing),
            }
        )
    return rows


SOURCE_TABLE_COLUMNS = [
    "source",
    "status",
    "artifacts",
    "last_success",
    "last_full_sweep",
    "failures_in_a_row",
    "last_error",
]
VENDOR_TABLE_COLUMNS = ["vendor", "name", "covers", "artifacts", "last_success", "failing"]
SIDES = ("open", "closed")


def covered_sides(sources: Sequence[SourceConfig]) -> str:
    """Which sides of the open/closed picture a vendor's sources show ("open, closed", "open only",
    "closed only", "none"): a vendor seen from one side only looks more open or more closed than it is."""
    sides = [side for side in SIDES if any(side == s.options.SIDE for s in sources)]
    if len(sides) == len(SIDES):
        return ", ".join(sides)
    return f"{sides[0]} only" if sides else "none"


def source_table(config: Config, health: list[dict[str, Any]], vendors: list[str], fmt: Format) -> Table:
    """`sources`: every column for programs; on a table, the ones that fit 80 columns, days without times."""
    rows = source_rows(config, health, vendors)
    if fmt != Format.table:
        return Table(rows, title="Sources")
    days = ("last_success", "last_full_sweep")
    shown = [{**row, **{key: (row[key] or "")[:10] for key in days}} for row in rows]
    return Table(shown, columns=SOURCE_TABLE_COLUMNS, title="Sources")


def vendor_table(config: Config, health: list[dict[str, Any]], fmt: Format) -> Table:
    """`vendors`: every column for programs; on a table, the ones that fit 80 columns, days without times."""
    rows = vendor_rows(config, health)
    if fmt != Format.table:
        return Table(rows, title="Vendors")
    shown = [{**row, "last_success": (row["last_success"] or "")[:10]} for row in rows]
    return Table(shown, columns=VENDOR_TABLE_COLUMNS, title="Vendors")


def source_rows(config: Config, health: list[dict[str, Any]], vendors: list[str]) -> list[dict[str, Any]]:
    """A row per source of `vendors`: its stored health, or `never synced`."""
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
                    "skipped": state.get("last_skipped") or 0,
                    "wait_until": state.get("wait_until"),
                    "listing": state.get("last_listing"),
                    "incomplete": state.get("last_incomplete"),
                    "last_full_sweep": state.get("last_full_sweep"),
                }
            )
    return rows


def summary_rows(result: SyncResult) -> list[dict[str, Any]]:
    """A row per source of a sync run that read something or looks wrong: status, requests, 304s,
    items, new, updated, gone, the note. Failed sources and sources a replay skipped are told in
    `problem_lines` instead, grouped by host."""
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
            "skipped": o.skipped,
            "note": short_urls(o.error or o.suspect or (o.skipped_reasons[0] if o.skipped_reasons else "")),
        }
        for o in result.outcomes
        if o.status not in (SourceStatus.FAILED, SourceStatus.SKIPPED)
    ]


# The host-level failures of `http.transport_error` ("cannot resolve host huggingface.co").
HOST_FAILURE = re.compile(r"^(?P<what>cannot resolve host|connection refused by|cannot connect to) (?P<host>\S+)$")
HOST_FAILURE_WORDS = {
    "cannot resolve host": "cannot resolve host",
    "connection refused by": "connection refused",
    "cannot connect to": "cannot connect",
}
URL_HOST = re.compile(r"https?://(?P<host>[^/\s:?#]+)\S*")


def failure_key(error: str) -> tuple[str, str]:
    """(host, what went wrong) of a source's error: `cannot resolve host huggingface.co` →
    (`huggingface.co`, `cannot resolve host`), `connection refused by h` → (h, `connection
    refused`); an error naming URLs → the first one's host and the error with the URLs left out
    (the key sources are grouped by; `failure_lines` shows a representative URL); anything else →
    ("", the error)."""
    matched = HOST_FAILURE.match(error)
    if matched:
        return matched["host"], HOST_FAILURE_WORDS[matched["what"]]
    url = URL_HOST.search(error)
    if url:
        return url["host"], " ".join(URL_HOST.sub("", error).split())
    return "", error


NAMED_SOURCES = 2  # a failure that hit this many sources or fewer names them


def failure_lines(result: SyncResult) -> list[str]:
    """The failed sources, one line per (host, error) with how many sources it hit (named when
    `NAMED_SOURCES` or fewer), most sources first. An error naming a URL is shown whole with its
    URLs shortened (`render.short_urls`), those of the group's first source."""
    groups: dict[tuple[str, str], list[str]] = {}
    shown: dict[tuple[str, str], str] = {}
    for outcome in result.outcomes:
        if outcome.status == SourceStatus.FAILED:
            error = one_line(outcome.error or "failed")
            key = failure_key(error)
            groups.setdefault(key, []).append(short_urls(one_line(outcome.source)))
            shown.setdefault(key, short_urls(error) if URL_HOST.search(error) else "")
    lines = []
    for key, sources in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        host, what = key
        named = f" ({', '.join(sources)})" if len(sources) <= NAMED_SOURCES else ""
        text = shown[key] or (f"{host}: {what}" if host else what)
        lines.append(f"{text} — {plural(len(sources), 'source')}{named}")
    return lines


def problem_lines(result: SyncResult) -> list[str]:
    """What went wrong in a sync: `failure_lines`, then one line for every source a replay held no
    recording of, then a hint when no host answered at all (every failure a DNS or connection
    failure, `HOST_FAILURE`; an HTTP error is an answer)."""
    lines = failure_lines(result)
    skipped = [o for o in result.outcomes if o.status == SourceStatus.SKIPPED]
    if skipped:
        hosts: dict[str, int] = {}
        for outcome in skipped:
            host = failure_key(outcome.error or "")[0] or "other"
            hosts[host] = hosts.get(host, 0) + 1
        spread = ", ".join(f"{host} {count}" for host, count in sorted(hosts.items(), key=lambda item: -item[1]))
        lines.append(f"{plural(len(skipped), 'source')} not in the recording, skipped ({spread})")
    answered = [o for o in result.outcomes if o.status not in (SourceStatus.FAILED, SourceStatus.SKIPPED)]
    unreached = all(
        HOST_FAILURE.match(one_line(o.error or "")) for o in result.outcomes if o.status == SourceStatus.FAILED
    )
    if result.outcomes and not answered and result.failed and unreached:
        lines.append("no host answered: offline? Check the network, or replay a recording with --replay DIR.")
    return lines


def sync_summary(result: SyncResult) -> Result:
    """The run summary: a row per source that answered, the problems grouped by host, then a line of
    totals; JSON is `SyncResult.as_dict()`."""
    totals = result.as_dict()["totals"]
    assert isinstance(totals, dict)
    line = (
        f"{plural(int(totals['sources']), 'source')}: {totals['failed']} failed, {totals['suspect']} suspect; "
        f"{plural(int(totals['requests']), 'request')}, {totals['not_modified']} answered 304; "
        f"{plural(int(totals['items']), 'item')}, {totals['new']} new, {totals['updated']} updated, "
        f"{totals['gone']} gone"
    )
    if totals["skipped_items"] or totals["parked"]:
        skipped, parked = plural(int(totals["skipped_items"]), "item"), plural(int(totals["parked"]), "source")
        line += f"; {skipped} skipped (unreadable), {parked} parked"
    blocks: list[Table | Markdown] = []
    rows = summary_rows(result)
    if rows:
        blocks.append(Table(rows, title=f"Sync run {result.run_id} ({result.mode})"))
    else:
        blocks.append(Markdown([f"Sync run {result.run_id} ({result.mode}): no source answered"]))
    blocks.append(Markdown([f"- {problem}" for problem in problem_lines(result)] + [line]))
    return Result(blocks, document=result.as_dict())


def waiting_for(source: SourceConfig, pages: int) -> str:
    """What a running source waits for, for the progress display: `waiting for huggingface.co (page 1)`."""
    matched = URL_HOST.match(source.base_url)
    host = matched["host"] if matched else source.kind
    return f"waiting for {host} (page {pages + 1})"


# The progress line's columns besides the label and the state: a spinner, the elapsed time
# `0:00:05`, and a space between each two of the four columns.
PROGRESS_FIXED = 1 + 7 + 3
SHORTEST_LABEL = 10


def progress_label(source_id: str, state: str, width: int) -> str:
    """The source label of a progress line `width` columns wide, shortened so that the state
    (`3 pages, 400 items; waiting for huggingface.co (page 4)`) keeps its host: the label gives
    way first — the source's identity dropped (`google/huggingface`), then cut with an ellipsis,
    no shorter than SHORTEST_LABEL."""
    room = max(width - PROGRESS_FIXED - len(state), SHORTEST_LABEL)
    if len(source_id) <= room:
        return source_id
    vendor_kind = "/".join(source_id.split("/")[:2])
    if len(vendor_kind) <= room:
        return vendor_kind
    return vendor_kind[: room - 1] + "…"


class RichSyncProgress:
    """A line per source on the terminal while a sync runs, each fitted to the terminal's width
    (`progress_label`). `console`: where to draw (default: stderr's terminal)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console

    def __enter__(self) -> RichSyncProgress:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = self.console or terminal(sys.stderr)
        self.width = console.width
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            TextColumn("{task.fields[state]}", markup=False),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, Any] = {}
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def started(self, source: SourceConfig) -> None:
        state = waiting_for(source, 0)
        label = progress_label(source.id, state, self.width)
        self.tasks[source.id] = self.progress.add_task(label, total=None, state=state)

    def advanced(self, source: SourceConfig, pages: int, items: int) -> None:
        state = f"{pages} pages, {items} items; {waiting_for(source, pages)}"
        label = progress_label(source.id, state, self.width)
        self.progress.update(self.tasks[source.id], description=label, state=state)

    def finished(self, outcome: SourceOutcome) -> None:
        task = self.tasks.get(outcome.source)
        if task is not None:
            state = str(outcome.status)
            label = progress_label(outcome.source, state, self.width)
            self.progress.update(task, description=label, state=state, total=1, completed=1)


def tier_filter(tiers: list[str] | None, *, open_: bool, closed: bool) -> list[str] | None:
    """The tiers --tier, --open and --closed ask for (None: all); raises UsageError on an unknown tier."""
    from relwatch.models import Openness

    chosen: list[str] = []
    for tier in tiers or []:
        try:
            chosen.append(Openness(tier).value)
        except ValueError:
            known = ", ".join(t.value for t in Openness)
            raise UsageError(f"--tier '{tier}' is not a tier (one of: {known})") from None
    if open_ and closed:
        raise UsageError("--open and --closed exclude each other")
    if open_ or closed:  # --open: every tier with weights; --closed: every tier without
        chosen += [t.value for t in Openness if t.has_weights == open_]
    return chosen or None


def release_columns(fmt: Format) -> list[str]:
    """The release columns shown: a short set on a table, every column otherwise."""
    return RELEASE_TABLE_COLUMNS if fmt == Format.table else RELEASE_COLUMNS


def release_rows(releases: list[Release], fmt: Format) -> list[dict[str, Any]]:
    """Stored releases shaped for `fmt`, by RELEASE_COLUMNS (lists space-joined for CSV and Markdown); on a
    table, short cells and each day marked with its kind where it is not the vendor's own (`2025-05-07 (listed)`)."""
    shaped = []
    for release in releases:
        record = release.as_record()
        row = {column: record[column] for column in RELEASE_COLUMNS}
        if fmt == Format.table:
            row["date"] = dated(row["date"], row["date_source"])
            row["largest"] = human_count(row["largest_parameters"])
            row["artifacts"] = row["artifact_count"]
            row["seen_on"] = ", ".join(row["kinds"])
        elif fmt in (Format.csv, Format.markdown):
            for key in ("licences", "kinds", "pipeline_tags"):
                row[key] = " ".join(row[key])
        shaped.append(row)
    return shaped


SHOWN_ARTIFACT_COLUMNS = ["kind", "external_id", "date", "tier", "licence", "parameters"]


def release_result(detail: ReleaseDetail) -> Result:
    """`show`: the facts, the evidence and the artifacts; JSON is the whole detail (the `releases` row with
    its lists decoded, and its artifacts), CSV the artifacts."""
    release = detail.release
    facts = release_facts(release)
    evidence = [{"tier": str(e.tier), "artifact": e.artifact, "reason": e.reason} for e in release.evidence]
    heading = f"{release.name} ({release.id})"
    stored = [asdict(a) for a in detail.artifacts]
    artifacts = [
        {**a, "date": artifact_day(a["date"], a["date_kind"]), "parameters": human_count(a["parameters"])}
        for a in stored
    ]
    record = release.as_record()
    document = {"id": record.pop("id"), "vendor_id": record.pop("vendor"), **record}
    return Result(
        [
            Table([{"": key, "value": value} for key, value in facts.items()], title=heading),
            Table(evidence, title="Evidence"),
            Table(artifacts, columns=SHOWN_ARTIFACT_COLUMNS, title="Artifacts"),
        ],
        document={**document, "artifacts": stored, "closed_to_open_days": facts["closed → open (days)"]},
        records=Table(stored),
    )


def release_facts(release: Release) -> dict[str, Any]:
    """A release's facts as label → value, including the closed → open lag in days."""
    from relwatch.analysis import days_between

    lag = None
    if release.first_closed_at and release.first_open_at:
        lag = days_between(release.first_closed_at, release.first_open_at)
    return {
        "vendor": release.vendor,
        "tier": None if release.tier is None else str(release.tier),
        "why": release.tier_reason,
        "licences": ", ".join(release.licences),
        "date": f"{dated(release.date, release.date_source)}, from the {release.date_source}"
        if release.date
        else None,
        "announced": release.announced_at,
        "first closed": release.first_closed_at,
        "first open weights": release.first_open_at,
        "closed → open (days)": lag,
        "first seen": release.first_seen,
        "largest": human_count(release.largest_parameters),
        "artifacts": release.artifact_count,
    }


def reclassify_rows(report: Any) -> list[dict[str, Any]]:
    """A row per change a reclassification made: new or removed releases, tier changes, relabelled artifacts."""
    rows = [{"change": "new release", "release": r, "from": None, "to": None} for r in report.new_releases]
    rows += [{"change": "tier changed", "release": r, "from": a, "to": b} for r, a, b in report.tier_changes]
    rows += [{"change": "release removed", "release": r, "from": None, "to": None} for r in report.removed_releases]
    if report.artifacts_relabelled:
        relabelled = {"change": "artifacts relabelled", "release": str(report.artifacts_relabelled)}
        rows.append({**relabelled, "from": None, "to": None})
    return rows
