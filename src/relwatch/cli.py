"""Commands only: parse options, call the core, hand the result to `render`.

No `from __future__ import annotations` here: typer reads every command's annotations on each run,
and an annotation kept as a string costs it an `eval` (about 5 ms a run for this module).
`relwatch.entry` is the console script; it comes here for everything but the top-level help.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from relwatch.render import Format

if TYPE_CHECKING:
    from relwatch.analysis import Comparison
    from relwatch.config import Config
    from relwatch.store import Store

app = typer.Typer(
    name="relwatch",
    help="Track AI model releases by vendor: who ships open weights, who keeps models closed.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DB_HELP = "SQLite database file [env RELWATCH_DB; default: the user data directory]"
CONFIG_HELP = "sources.toml to use [env RELWATCH_CONFIG; default: the built-in one]"
DbOption = Annotated[Path | None, typer.Option("--db", help=DB_HELP, show_default=False)]
ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help=CONFIG_HELP, show_default=False)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
VendorsArgument = Annotated[
    list[str] | None, typer.Argument(help="Vendor keys or aliases; all when none are given.", show_default=False)
]

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 a source failed or looks suspect; 2 bad config or usage; 3 another sync is running."
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn relwatch's own errors into one line on stderr and a documented exit code."""
    from relwatch.errors import EXIT_LOCKED, EXIT_SOURCES_FAILED, EXIT_USAGE, ConfigError, RelwatchError, SyncLocked

    try:
        yield
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    except SyncLocked as exc:
        fail(str(exc), EXIT_LOCKED)
    except RelwatchError as exc:
        fail(str(exc), EXIT_SOURCES_FAILED)


def fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"relwatch: error: {message}\n")
    raise typer.Exit(code)


def load(config_path: Path | None) -> "Config":
    from relwatch.config import load_config

    return load_config(config_path)


def open_store(db: Path | None, *, must_exist: bool) -> "Store":
    from relwatch.store import Store, resolve_db_path

    path = resolve_db_path(db)
    return Store.open_existing(path) if must_exist else Store(path)


@app.command(epilog=EXIT_CODES_HELP)
def sync(
    vendors: VendorsArgument = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (for cron).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
    record: Annotated[Path | None, typer.Option(help="Keep every response of this sync in DIR.", metavar="DIR")] = None,
    replay: Annotated[
        Path | None, typer.Option(help="Sync from a recording in DIR, without the network.", metavar="DIR")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Fetch every configured source (or those of VENDORS) and store what changed.

    Example: relwatch sync google baidu
    """
    import asyncio

    from relwatch.store import resolve_db_path, sync_lock
    from relwatch.sync import run_sync

    if record and replay:
        fail("--record and --replay cannot be used together", 2)
    with user_errors():
        cfg = load(config)
        chosen = cfg.resolve_vendors(vendors)
        path = resolve_db_path(db)
        with sync_lock(path):
            store = open_store(path, must_exist=False)
            show_progress = not quiet and not as_json and sys.stderr.isatty()
            with sync_progress(show_progress) as progress:
                result = asyncio.run(
                    run_sync(cfg, store, chosen, record_to=record, replay_from=replay, progress=progress)
                )
    from relwatch import views

    if as_json:
        import json

        sys.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
    elif not quiet:
        views.print_sync_summary(result)
    for outcome in result.outcomes:
        if outcome.status == "failed" or (quiet and outcome.suspect):
            problem = outcome.error or f"suspect: {outcome.suspect}"
            sys.stderr.write(f"relwatch: {outcome.source}: {problem}\n")
    raise typer.Exit(result.exit_code)


@contextmanager
def sync_progress(enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from relwatch.views import RichSyncProgress

    with RichSyncProgress() as progress:
        yield progress


@app.command(name="list")
def list_(
    vendors: VendorsArgument = None,
    artifacts: Annotated[bool, typer.Option("--artifacts", help="List artifacts (repos, entries) instead.")] = False,
    open_: Annotated[bool, typer.Option("--open", help="Only releases with open weights (any licence).")] = False,
    closed: Annotated[bool, typer.Option("--closed", help="Only releases without weights (api, hosted).")] = False,
    tier: Annotated[list[str] | None, typer.Option(help="Only this tier (repeatable), e.g. open-restricted.")] = None,
    family: Annotated[str | None, typer.Option(help="Only this family, e.g. gemma-3 (also matches gemma-3-*).")] = None,
    since: Annotated[str | None, typer.Option(help="Only dated on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Only dated on or before this day (YYYY-MM-DD).")] = None,
    limit: Annotated[int | None, typer.Option(help="Show at most N rows.", min=1)] = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """List releases (a model line's launch, all its repos and listings together), newest first.

    Example: relwatch list qwen --open --since 2025-01-01 --format csv
    """
    from relwatch import views
    from relwatch.render import output_rows

    with user_errors():
        store = open_store(db, must_exist=True)
        filters = {
            "vendors": store.resolve_vendors(vendors) if vendors else None,
            "tiers": views.tier_filter(tier, open_=open_, closed=closed),
            "family": family,
            "since": views.check_day(since, "--since"),
            "until": views.check_day(until, "--until"),
            "limit": limit,
        }
        if artifacts:
            rows = views.artifact_rows(store.list_artifacts(**filters), fmt)
            output_rows(rows, fmt, columns=views.artifact_columns(fmt), title="Artifacts")
        else:
            rows = views.release_rows(store.list_releases(**filters), fmt)
            output_rows(rows, fmt, columns=views.release_columns(fmt), title="Releases")


@app.command()
def show(
    release: Annotated[str, typer.Argument(help="A release id (google/gemma-3) or family (gemma-3).")],
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """Show one release: its tier and the evidence behind it, its dates, and all its artifacts.

    Example: relwatch show baidu/ernie-4.5
    """
    from relwatch import views

    with user_errors():
        store = open_store(db, must_exist=True)
        detail = views.find_release(store, release)
    views.print_release(detail, fmt)


@app.command()
def reclassify(
    vendors: VendorsArgument = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Rebuild releases from the stored artifacts (no network), and report what changed.

    Run it after editing family overrides in sources.toml or upgrading relwatch.
    Example: relwatch reclassify google
    """
    from relwatch.releases import reclassify as rebuild
    from relwatch.render import output_rows
    from relwatch.store import resolve_db_path, sync_lock
    from relwatch.views import reclassify_rows

    with user_errors():
        cfg = load(config)
        chosen = cfg.resolve_vendors(vendors)
        path = resolve_db_path(db)
        with sync_lock(path):
            report = rebuild(open_store(path, must_exist=True), cfg, chosen)
    output_rows(reclassify_rows(report), fmt, title=f"Reclassified {len(chosen)} vendors: {report.releases} releases")


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


@app.command()
def compare(
    vendors: Annotated[list[str], typer.Argument(help="Two or more vendor keys or aliases.", show_default=False)],
    since: Annotated[
        str | None, typer.Option(help="Start of the window (YYYY-MM-DD) [default: 24 months ago].")
    ] = None,
    until: Annotated[str | None, typer.Option(help="End of the window (YYYY-MM-DD) [default: today].")] = None,
    by: Annotated[Period | None, typer.Option(help="Also give the figures per month, quarter or year.")] = None,
    modality: Annotated[str | None, typer.Option(help="Only text, vision, image, audio, video or embedding.")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Only releases with this pipeline tag.")] = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """Vendors side by side: releases, open share, licences, closed-then-open lags, sizes, cadence.

    Example: relwatch compare google baidu --by quarter
    """
    import os

    from relwatch.compare_view import print_comparison
    from relwatch.errors import RelwatchError

    with user_errors():
        store = open_store(db, must_exist=True)
        chosen = store.resolve_vendors(vendors)
        if len(chosen) < 2:
            raise RelwatchError("compare needs at least two different vendors")
        comparison, _ = comparison_of(store, chosen, since, until, modality, pipeline, by.value if by else None)
    colour = fmt == Format.table and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    print_comparison(comparison, fmt, colour=colour)


@app.command()
def report(
    vendors: VendorsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="HTML file to write; '-' writes to standard output.")
    ] = Path("relwatch-report.html"),
    since: Annotated[
        str | None, typer.Option(help="Start of the window (YYYY-MM-DD) [default: 24 months ago].")
    ] = None,
    until: Annotated[str | None, typer.Option(help="End of the window (YYYY-MM-DD) [default: today].")] = None,
    modality: Annotated[str | None, typer.Option(help="Only text, vision, image, audio, video or embedding.")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Only releases with this pipeline tag.")] = None,
    db: DbOption = None,
) -> None:
    """One self-contained HTML page: compare figures, timelines by tier, open share per quarter, releases.

    The page loads nothing from the network; open it in any browser or print it.
    Example: relwatch report google baidu alibaba --since 2025-01-01 -o report.html
    """
    from relwatch.dates import now_iso
    from relwatch.report import render_report

    with user_errors():
        store = open_store(db, must_exist=True)
        chosen = store.resolve_vendors(vendors)
        comparison, rows = comparison_of(store, chosen, since, until, modality, pipeline, None)
    title = f"{' vs '.join(chosen)}: open and closed releases, {comparison.since} → {comparison.until}"
    page = render_report(comparison, rows, title=title, generated_at=now_iso())
    if str(output) == "-":
        sys.stdout.write(page)
        return
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", 2)
    sys.stderr.write(f"relwatch: wrote {output} ({len(chosen)} vendors, {comparison.since} → {comparison.until})\n")


def comparison_of(
    store: "Store",
    vendors: list[str],
    since: str | None,
    until: str | None,
    modality: str | None,
    pipeline: str | None,
    by: str | None,
) -> tuple["Comparison", list[dict[str, Any]]]:
    """The figures `compare` and `report` show, from the database."""
    from relwatch import views
    from relwatch.analysis import MODALITIES, compare_releases
    from relwatch.errors import RelwatchError

    if modality and modality not in MODALITIES:
        raise RelwatchError(f"--modality '{modality}' is not one of: {', '.join(MODALITIES)}")
    window = views.window(since, until)
    rows = store.list_releases(vendors=vendors)
    comparison = compare_releases(
        rows, vendors, since=window[0], until=window[1], by=by, pipeline=pipeline, modality=modality
    )
    return comparison, rows


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    atom = "atom"


@app.command()
def diff(
    vendors: VendorsArgument = None,
    since: Annotated[str, typer.Option(help="'last' (the previous sync run), a sync run id, or a day.")] = "last",
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when anything changed.")] = False,
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.table,
    db: DbOption = None,
) -> None:
    """What changed: new releases, tier changes (closed → open marked), licence and gating changes, gone.

    Example: relwatch sync --quiet && relwatch diff --format markdown | mail -s relwatch me@example.org
    """
    from relwatch.dates import now_iso
    from relwatch.diff_view import print_diff
    from relwatch.views import diff_start

    with user_errors():
        store = open_store(db, must_exist=True)
        chosen = store.resolve_vendors(vendors) if vendors else None
        start, described = diff_start(store, since)
        events = store.events_after(**start, vendors=chosen)
    print_diff(events, fmt.value, f"relwatch: changes {described}", now_iso())
    if exit_code and events:
        raise typer.Exit(1)


@app.command()
def vendors(
    fmt: FormatOption = Format.table,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Configured vendors, their sources, and how their last sync went.

    Example: relwatch vendors --format markdown
    """
    from relwatch.render import output_rows
    from relwatch.views import vendor_rows

    with user_errors():
        cfg = load(config)
        health = open_store(db, must_exist=False).source_health()
    output_rows(vendor_rows(cfg, health), fmt, title="Vendors")


@app.command()
def sources(
    vendors: VendorsArgument = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Each source's health: last success, last error, failures in a row, 304 share, wait-until.

    Example: relwatch sources google --format json
    """
    from relwatch.render import output_rows
    from relwatch.views import source_rows

    with user_errors():
        cfg = load(config)
        chosen = cfg.resolve_vendors(vendors)
        health = open_store(db, must_exist=False).source_health()
    output_rows(source_rows(cfg, health, chosen), fmt, title="Sources")
