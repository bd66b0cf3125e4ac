"""The `relwatch` command: parse options, call the core, hand the result to `render.emit`.

No `from __future__ import annotations` here: typer reads every command's annotations on each run,
and an annotation kept as a string costs it an `eval` (about 5 ms a run for this module).
`main` is the console script: the Typer app, plus the exits a shell expects on Ctrl-C and a closed pipe.
"""

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from relwatch import __version__
from relwatch.models import Period
from relwatch.render import DOCUMENT_FORMATS, Format

if TYPE_CHECKING:
    from relwatch.analysis import Comparison
    from relwatch.config import Config
    from relwatch.render import Result
    from relwatch.store import Store
    from relwatch.sync import SyncResult
    from relwatch.value import PeriodBlocks, ValueBlock

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 a source failed or looks suspect; 2 bad config or usage; 3 another sync is running;"
    " 130 interrupted."
)

app = typer.Typer(
    name="relwatch",
    help="Track AI model releases by vendor: who ships open weights, who keeps models closed.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DB_HELP = "SQLite database file [env RELWATCH_DB; default: the user data directory]"
CONFIG_HELP = "sources.toml to use [env RELWATCH_CONFIG; default: the built-in one]"
DbOption = Annotated[Path | None, typer.Option("--db", help=DB_HELP, show_default=False)]
ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help=CONFIG_HELP, show_default=False)]


def document_format(value: str | Format) -> Format:
    """`--format` of every command but diff: one of `DOCUMENT_FORMATS`; typer.BadParameter (exit 2) otherwise."""
    if value in DOCUMENT_FORMATS:
        return Format(value)
    raise typer.BadParameter(f"{value!r} is not one of {', '.join(DOCUMENT_FORMATS)}.")


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help=f"Output format: {', '.join(DOCUMENT_FORMATS)}.",
        parser=document_format,
        metavar="FORMAT",
    ),
]
VendorsArgument = Annotated[
    list[str] | None, typer.Argument(help="Vendor keys or aliases; all when none are given.", show_default=False)
]


def main(prog_name: str | None = None) -> None:
    """The console script: run the command line in `sys.argv` (`prog_name` names it in usage lines)."""
    app(prog_name=prog_name)


def show_version(value: bool) -> None:
    """`--version`: print the version and stop."""
    if value:
        sys.stdout.write(f"relwatch {__version__}\n")
        raise typer.Exit()


@app.callback()
def top_level(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=show_version, is_eager=True)
    ] = False,
) -> None:
    """Track AI model releases by vendor: who ships open weights, who keeps models closed."""


# errno values of a failed write with no file named: the output (standard output) could not be written.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EPIPE})


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn relwatch's own errors into one line on stderr and the exit code their class carries.

    Ctrl-C exits 130 with one line; a reader that closes the pipe early (`compare … | head -1`)
    ends the command quietly (exit 0): what is left of the output goes nowhere. A database fault
    (SqliteError: full disk, locked, corrupt, read-only) or a file-system error is one line
    naming the file, exit 1.
    """
    import os

    from relwatch.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_SOURCES_FAILED, RelwatchError
    from relwatch.store.core import Database, SqliteError, describe_fault

    try:
        yield
    except RelwatchError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except SqliteError as exc:
        opened = Database.current
        line = describe_fault(exc, opened.path, newer=opened.newer) if opened else f"database: {exc}"
        fail(line, EXIT_SOURCES_FAILED)
    except OSError as exc:
        where = exc.filename or ("cannot write the output" if exc.errno in WRITE_ERRORS else "file")
        fail(f"{where}: {exc.strerror or exc}", EXIT_SOURCES_FAILED)


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr (control characters escaped), then exit `code`."""
    from relwatch.render import safe

    sys.stderr.write(f"relwatch: error: {safe(message)}\n")
    raise typer.Exit(code)


def emit(result: "Result", fmt: Format | str) -> None:
    """Write a command's result in `fmt` through the one output layer."""
    from relwatch.render import emit as write

    with user_errors():
        write(result, fmt)


def load(config_path: Path | None) -> "Config":
    """The config at --config (or the built-in one); raises ConfigError."""
    from relwatch.config import load_config

    return load_config(config_path)


def open_store(db: Path | None, *, must_exist: bool, write: bool = False) -> "Store":
    """The database at --db (or the default path): read-only (`mode=ro`) when it `must_exist`
    unless `write`, created and migrated otherwise. Raises UsageError when `must_exist` and there
    is none (nothing is created), DatabaseFault when the file cannot be used."""
    from relwatch.store import Store, resolve_db_path
    from relwatch.store.core import check_target

    path = resolve_db_path(db)
    if must_exist:
        check_target(path, write=False)
    return Store.open_existing(path, readonly=not write) if must_exist else Store(path)


def stored_vendors(store: "Store", names: list[str] | None) -> list[str]:
    """Vendor keys for `names` (all when None) from the database; raises UsageError naming the vendors it holds."""
    from relwatch.errors import ConfigError, UsageError
    from relwatch.views import quoted

    if not names:
        return store.resolve_vendors(None)
    keys: list[str] = []
    for name in names:
        try:
            keys += store.resolve_vendors([name])
        except ConfigError:
            held = ", ".join(store.resolve_vendors(None)) or "none yet"
            raise UsageError(f"unknown vendor {quoted(name)} in the database {store.path} (stored: {held})") from None
    return list(dict.fromkeys(keys))


@app.command(epilog=EXIT_CODES_HELP)
def sync(
    vendors: VendorsArgument = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (for cron).")] = False,
    fmt: FormatOption = Format.table,
    record: Annotated[Path | None, typer.Option(help="Keep every response of this sync in DIR.", metavar="DIR")] = None,
    replay: Annotated[
        Path | None, typer.Option(help="Sync from a recording in DIR, without the network.", metavar="DIR")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Read every Hub listing whole now, not only what changed (a full sweep).")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Fetch every configured source (or those of VENDORS) and store what changed.

    With --format json, the run summary is printed as JSON.

    Example: relwatch sync google baidu
    """
    import asyncio

    from relwatch.errors import EXIT_USAGE
    from relwatch.render import safe
    from relwatch.store import resolve_db_path, sync_lock
    from relwatch.sync import run_sync

    if record and replay:
        fail("--record and --replay cannot be used together", EXIT_USAGE)
    with user_errors(), terminated_before_the_loop():
        cfg = load(config)
        chosen = cfg.resolve_vendors(vendors)
        path = resolve_db_path(db)
        with sync_lock(path):
            store = open_store(path, must_exist=False)
            show_progress = not quiet and fmt == Format.table and sys.stderr.isatty()
            with sync_progress(show_progress) as progress:
                result = asyncio.run(
                    run_sync(cfg, store, chosen, record_to=record, replay_from=replay, progress=progress, full=full)
                )
    from relwatch import views

    if fmt != Format.table or not quiet:
        emit(views.sync_summary(result), fmt)
    told = fmt == Format.table and not quiet  # the summary already groups the failures by host
    for line in sync_problems(result, quiet=quiet, failures_told=told):
        sys.stderr.write(f"relwatch: {safe(line)}\n")
    warn(store.warnings)
    raise typer.Exit(result.exit_code)


def warn(lines: list[str]) -> None:
    """One `relwatch: warning:` line on stderr per thing read but ignored (control characters escaped)."""
    from relwatch.render import safe

    for line in dict.fromkeys(lines):
        sys.stderr.write(f"relwatch: warning: {safe(line)}\n")


def sync_problems(result: "SyncResult", *, quiet: bool, failures_told: bool) -> list[str]:
    """The lines a sync writes on stderr, `--quiet` or not: each failed source (unless
    `failures_told`: the table summary already grouped them by host), each parked source (waiting
    on its host; cron sees it every night it lasts), each database fault, and under `--quiet` each
    suspect source (the summary, which shows it otherwise, is not printed). Under `--quiet` the
    failures are grouped like the summary's (`views.failure_lines`: one line per host and error)."""
    from relwatch.views import failure_lines

    lines = failure_lines(result) if quiet and not failures_told else []
    for outcome in result.outcomes:
        if outcome.status == "failed":
            if failures_told or quiet:
                continue
            lines.append(f"{outcome.source}: {outcome.error}")
        elif outcome.status == "waiting":
            lines.append(
                f"{outcome.source}: parked until {outcome.wait_until} (waiting on its host since "
                f"{outcome.parked_since}): {outcome.error}"
            )
        elif quiet and outcome.suspect:
            accept = f"if that is right: relwatch sources accept {outcome.source}"
            lines.append(f"{outcome.source}: suspect: {outcome.suspect} ({accept})")
    return lines + result.faults


@contextmanager
def terminated_before_the_loop() -> Iterator[None]:
    """SIGTERM while a sync sets up (config, lock, database) ends it like Ctrl-C: one line, exit 143.
    Once the sync runs, its own handler takes over (relwatch.sync.SignalStop)."""
    import signal

    from relwatch.errors import RelwatchError

    class Terminated(RelwatchError):
        exit_code = 128 + signal.SIGTERM

    def stop(signum: int, frame: object) -> None:
        raise Terminated("interrupted by SIGTERM before the sync started: nothing was synced")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def sync_progress(enabled: bool) -> Iterator[Any]:
    """A per-source progress display on stderr while a sync runs, or None when `enabled` is false."""
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
    from relwatch.render import Result, Table

    with user_errors():
        filters: dict[str, Any] = {
            "tiers": views.tier_filter(tier, open_=open_, closed=closed),
            "family": family,
            "since": views.check_day(since, "--since"),
            "until": views.check_day(until, "--until"),
            "limit": limit,
        }
        store = open_store(db, must_exist=True)
        filters["vendors"] = stored_vendors(store, vendors) if vendors else None
        if artifacts:
            rows = views.artifact_rows(store.list_artifacts(**filters), fmt)
            table = Table(rows, columns=views.artifact_columns(fmt), title="Artifacts")
        else:
            rows = views.release_rows(store.list_releases(**filters), fmt)
            table = Table(rows, columns=views.release_columns(fmt), title="Releases")
    emit(Result([table]), fmt)


@app.command()
def show(
    release: Annotated[
        str,
        typer.Argument(help="A release id (google/gemma-3), family (gemma-3), repository or catalogue id, or name."),
    ],
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """Show one release: its tier and the evidence behind it, its dates, and all its artifacts.

    Example: relwatch show baidu/ernie-4.5
    """
    from relwatch import views

    with user_errors():
        store = open_store(db, must_exist=True)
        detail = store.find_release(release)
    emit(views.release_result(detail), fmt)


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
    from relwatch.render import Result, Table
    from relwatch.store import resolve_db_path, sync_lock
    from relwatch.store.core import check_target
    from relwatch.views import reclassify_rows

    with user_errors():
        cfg = load(config)
        chosen = cfg.resolve_vendors(vendors)
        path = resolve_db_path(db)
        check_target(path, write=False)
        with sync_lock(path):
            store = open_store(path, must_exist=True, write=True)
            report = rebuild(store, cfg, chosen)
    warn(store.warnings)
    title = f"Reclassified {len(chosen)} vendors: {report.releases} releases"
    emit(Result([Table(reclassify_rows(report), title=title)]), fmt)


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
    import shutil

    from relwatch.compare_view import comparison_result
    from relwatch.errors import UsageError

    with user_errors():
        window = checked_window(since, until, modality)
        store = open_store(db, must_exist=True)
        chosen = stored_vendors(store, vendors)
        if len(chosen) < 2:
            raise UsageError("compare needs at least two different vendors")
        rows = store.figure_releases(chosen, *window)
        comparison = comparison_of(store, chosen, rows, window, modality, pipeline, by.value if by else None)
        value = price_and_value(store, chosen, window, by.value if by else None)
    colour = fmt == Format.table and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = shutil.get_terminal_size().columns if fmt == Format.table else None
    emit(with_value(comparison_result(comparison, colour=colour, width=width), *value), fmt)


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
    from relwatch.errors import EXIT_USAGE
    from relwatch.report import provenance_of, render_report

    with user_errors():
        window = checked_window(since, until, modality)
        store = open_store(db, must_exist=True)
        chosen = stored_vendors(store, vendors)
        rows = [release.as_record() for release in store.list_releases(vendors=chosen)]
        comparison = comparison_of(store, chosen, rows, window, modality, pipeline, None)
        provenance = provenance_of(store.source_health(), chosen)
        from relwatch.report_prices import price_days, price_section

        start, end = priced_window(store, chosen, window)
        prices = price_section(store.priced_models(chosen, price_days(start, end)), chosen, start, end)
        adoption = adoption_of(store, chosen, comparison.since, comparison.until)
    title = f"{' vs '.join(chosen)}: open and closed releases, {comparison.since} → {comparison.until}"
    more = [prices, adoption]
    page = render_report(comparison, rows, title=title, generated_at=now_iso(), provenance=provenance, more=more)
    if str(output) == "-":
        sys.stdout.write(page)
        return
    refuse_overwriting_a_database(output, db)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", EXIT_USAGE)
    sys.stderr.write(f"relwatch: wrote {output} ({len(chosen)} vendors, {comparison.since} → {comparison.until})\n")


def adoption_of(store: "Store", vendors: list[str], since: str, until: str) -> str:
    """The report's adoption section for the vendors' releases opened in [since, until] ("" without figures)."""
    from relwatch.report_adoption import adoption_rows, adoption_section

    metrics = store.first_month_metrics(vendors, since, until)
    records = adoption_rows(store.open_releases(vendors), metrics, store.derivative_records(vendors), since, until)
    return adoption_section(records)


def checked_window(since: str | None, until: str | None, modality: str | None) -> tuple[str, str]:
    """The (since, until) days of `compare` and `report`; raises UsageError on a bad day or modality."""
    from relwatch import views
    from relwatch.analysis import MODALITIES
    from relwatch.errors import UsageError

    if modality and modality not in MODALITIES:
        raise UsageError(f"--modality {views.quoted(modality)} is not one of: {', '.join(MODALITIES)}")
    return views.window(since, until)


def price_and_value(
    store: "Store", vendors: list[str], window: tuple[str, str], by: str | None
) -> tuple[list["ValueBlock"], list["PeriodBlocks"]]:
    """The "price and value" block of `vendors` over `window`, and per period with `by`. Prices are
    known as of the last price read: the window ends there when that is earlier than its end."""
    from relwatch import value

    start, end = priced_window(store, vendors, window)
    spans = value.periods(start, end, Period(by)) if by else []
    records = store.value_records(vendors, [end, *(last for _, _, last in spans)], since=start)
    blocks = value.compare_value(records, vendors, start, end)
    periods = value.compare_value_by(records, vendors, start, end, Period(by)) if by else []
    return blocks, periods


def priced_window(store: "Store", vendors: list[str], window: tuple[str, str]) -> tuple[str, str]:
    """`window`, ending at the last price read of `vendors` when that is inside it: prices are known
    as of that read, not after."""
    last_read = store.last_price_read(vendors)
    return window[0], min(window[1], last_read) if last_read and last_read >= window[0] else window[1]


def with_value(result: "Result", blocks: list["ValueBlock"], periods: list["PeriodBlocks"]) -> "Result":
    """`result` with the price and value block added (tables, and `price_and_value` in its JSON)."""
    from dataclasses import replace

    from relwatch.value_view import value_blocks, value_document

    document = {**result.document, "price_and_value": value_document(blocks, periods)}
    return replace(result, blocks=[*result.blocks, *value_blocks(blocks, periods)], document=document)


def comparison_of(
    store: "Store",
    vendors: list[str],
    rows: list[dict[str, Any]],
    window: tuple[str, str],
    modality: str | None,
    pipeline: str | None,
    by: str | None,
) -> "Comparison":
    """The figures `compare` and `report` show over `window` (since, until), from the vendors'
    release records `rows` (`Release.as_record`, or `Store.figure_releases` of the window)."""
    from relwatch.analysis import compare_releases

    stated = store.release_modalities(vendors) if modality or pipeline else None
    prices = store.release_output_prices(vendors)
    return compare_releases(
        rows,
        vendors,
        since=window[0],
        until=window[1],
        by=by,
        pipeline=pipeline,
        modality=modality,
        stated=stated,
        prices=prices,
    )


@app.command()
def prices(
    query: Annotated[
        str | None, typer.Argument(help="A vendor, a release id (vendor/family) or part of a model id.")
    ] = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """Catalogue offers: current input and output price (USD per 1M tokens) and their history.

    Example: relwatch prices google --format json
    """
    from relwatch.errors import ConfigError, UsageError
    from relwatch.prices_view import matching, prices_result
    from relwatch.render import safe

    with user_errors():
        store = open_store(db, must_exist=True)
        try:
            vendors: list[str] | None = store.resolve_vendors([query]) if query else None
            offers = store.price_offers(vendors)
        except ConfigError:
            offers = matching(store.price_offers(), query, store.release_model_ids(query or ""))
            if not offers:  # like `show`: a name that matches nothing is a usage error
                raise UsageError(f"no vendor, release or model offered matches {safe(query or '')!r}") from None
        history = store.price_observations(sorted({o.vendor for o in offers}))
    emit(prices_result(offers, history, terminal=fmt == Format.table and sys.stdout.isatty()), fmt)


@app.command()
def diff(
    vendors: VendorsArgument = None,
    since: Annotated[
        str,
        typer.Option(
            help="'last' (the previous sync run), 'delivered' (what the last delivered digest did not hold), "
            "a sync run id, or a day."
        ),
    ] = "last",
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when anything changed.")] = False,
    confirm_delivered: Annotated[
        bool,
        typer.Option(
            "--confirm-delivered",
            help="Mark the last digest written by --since delivered (for the same VENDORS) as delivered, "
            "print nothing.",
        ),
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    db: DbOption = None,
) -> None:
    """What changed: new releases, tier changes (closed → open marked), licence and gating changes, gone.

    With --since delivered, the output holds every event after the last delivered digest (per set
    of VENDORS) and is remembered as pending once written out whole; a reader that closes the pipe
    early makes it exit 1. Only --confirm-delivered, run after the digest went out, moves the
    digest on, to the last event that digest held: events that arrived in between come next time.
    Example: relwatch diff --since delivered > d.md && mail me@x.org < d.md && relwatch diff --confirm-delivered
    """
    from relwatch.dates import now_iso
    from relwatch.diff_view import diff_result
    from relwatch.views import diff_start

    delivered = since == "delivered"
    with user_errors():
        store = open_store(db, must_exist=True, write=delivered or confirm_delivered)
        chosen = stored_vendors(store, vendors) if vendors else None
        cursor = ",".join(sorted(chosen)) if chosen else "all"
        if confirm_delivered:
            confirm_digest(store, cursor, now_iso())
            return
        if delivered:
            last = store.delivered_event(cursor)
            start: dict[str, Any] = {"event_id": last or 0}
            described = "since the last digest" if last is not None else "since the first sync"
        else:
            start, described = diff_start(store, since)
        events = store.events_after(**start, vendors=chosen)
    result = diff_result(events, f"relwatch: changes {described}", now_iso())
    if not delivered:
        emit(result, fmt)
    else:
        write_digest(result, fmt)
        with user_errors():
            store.mark_pending(cursor, max((e["id"] for e in events), default=None), now_iso())
    if exit_code and events:
        raise typer.Exit(1)


def write_digest(result: "Result", fmt: Format) -> None:
    """Write a digest whole: to a pipe or file, straight to the descriptor with every byte
    accounted for (a buffered write can end short without an error when the reader goes away).
    A reader that closed the pipe (EPIPE) or any write error is one line and exit 1: the digest
    was not delivered."""
    import io

    from relwatch.errors import EXIT_SOURCES_FAILED
    from relwatch.render import emit as write

    try:
        if sys.stdout.isatty():
            write(result, fmt)
            sys.stdout.flush()
            return
        text = io.StringIO()
        write(result, fmt, text)
        data = memoryview(text.getvalue().encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict"))
        sys.stdout.flush()
        try:
            descriptor = sys.stdout.fileno()
        except (io.UnsupportedOperation, ValueError):  # not a real file (an in-process runner)
            sys.stdout.write(text.getvalue())
            return
        while data:
            data = data[os.write(descriptor, data) :]
    except OSError as exc:
        with suppress(OSError, ValueError):  # what is left of the output goes nowhere at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        why = "the reader closed the pipe before the end" if isinstance(exc, BrokenPipeError) else exc.strerror
        fail(f"the digest was not delivered: cannot write the output: {why or exc}", EXIT_SOURCES_FAILED)


def confirm_digest(store: "Store", cursor: str, now: str) -> None:
    """`diff --confirm-delivered`: move the digest `cursor` on to its pending event; one line on
    stderr when no digest was pending (exit 0: a night with nothing to send leaves none)."""
    if store.confirm_delivered(cursor, now) is None:
        sys.stderr.write("relwatch: no digest is pending (the last one held no events or was confirmed)\n")


@app.command(name="datasette-metadata")
def datasette_metadata(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON file to write; '-' writes to standard output.")
    ] = Path("metadata.json"),
    db: DbOption = None,
) -> None:
    """Write Datasette's metadata (every table and column described) for the database.

    Example: relwatch datasette-metadata -o metadata.json && datasette serve relwatch.db --metadata metadata.json
    """
    import json

    from relwatch.descriptions import metadata, write_metadata
    from relwatch.errors import EXIT_USAGE
    from relwatch.store import resolve_db_path

    with user_errors():
        open_store(db, must_exist=True).close()  # a missing or corrupt database is refused here
    name = resolve_db_path(db).stem  # Datasette serves a database under its file's stem
    if str(output) == "-":
        sys.stdout.write(json.dumps(metadata(name), indent=2, ensure_ascii=False) + "\n")
        return
    refuse_overwriting_a_database(output, db)
    replaced = output.exists()
    try:
        write_metadata(output, name)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", EXIT_USAGE)
    sys.stderr.write(f"relwatch: {'replaced' if replaced else 'wrote'} {output} (database '{name}')\n")


def refuse_overwriting_a_database(output: Path, db: Path | None) -> None:
    """A usage error (exit 2) when `output` is the database (`--db`, `RELWATCH_DB` or the default)
    or any existing SQLite file (its first 16 bytes are SQLite's header, `SQLite format 3\\0`,
    sqlite.org/fileformat.html §1.3): a typo in `-o` never replaces a database."""
    from relwatch.errors import EXIT_USAGE
    from relwatch.store import resolve_db_path

    target, database = output.expanduser().resolve(), resolve_db_path(db).expanduser().resolve()
    if target == database:
        fail(f"-o {output}: that is the database; choose another file", EXIT_USAGE)
    try:
        with target.open("rb") as existing:
            header = existing.read(16)
    except OSError:
        return  # not there (or unreadable): writing it says what goes wrong
    if header == b"SQLite format 3\x00":
        fail(f"-o {output}: that is an SQLite database; choose another file", EXIT_USAGE)


def health_of(db: Path | None) -> list[dict[str, Any]]:
    """Each source's stored health; none for a database that does not exist yet (it is not created)."""
    from relwatch.store import resolve_db_path

    path = resolve_db_path(db)
    return open_store(path, must_exist=True).source_health() if path.exists() else []


@app.command()
def vendors(
    fmt: FormatOption = Format.table,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Configured vendors, their sources, and how their last sync went.

    Example: relwatch vendors --format markdown
    """
    from relwatch.render import Result
    from relwatch.views import vendor_table

    with user_errors():
        cfg = load(config)
        health = health_of(db)
    emit(Result([vendor_table(cfg, health, fmt)]), fmt)


@app.command()
def sources(
    vendors: VendorsArgument = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Each source's health: last success, last error, failures in a row, 304 share, wait-until.

    `relwatch sources accept SOURCE_ID` accepts a suspect drop as permanent (an organisation that
    moved its repositories elsewhere): the next sync marks what the listing no longer holds as
    gone, once, and the source is healthy again.
    Example: relwatch sources google --format json
    """
    from relwatch.render import Result
    from relwatch.views import source_table

    if vendors and vendors[0] == "accept":
        accept_drop(vendors[1:], db)
        return
    with user_errors():
        cfg = load(config)
        chosen = cfg.resolve_vendors(vendors)
        health = health_of(db)
    emit(Result([source_table(cfg, health, chosen, fmt)]), fmt)


def accept_drop(source_ids: list[str], db: Path | None) -> None:
    """`relwatch sources accept SOURCE_ID`: accept the source's last suspect drop (one line on
    stdout saying what the next sync does); UsageError for a wrong count of ids, an unknown source
    or one whose last run was not suspect."""
    from relwatch.dates import now_iso
    from relwatch.errors import UsageError
    from relwatch.render import safe
    from relwatch.store import resolve_db_path, sync_lock
    from relwatch.store.core import check_target

    with user_errors():
        if len(source_ids) != 1:
            raise UsageError("usage: relwatch sources accept SOURCE_ID (one source id, as `relwatch sources` lists it)")
        path = resolve_db_path(db)
        check_target(path, write=False)
        with sync_lock(path):
            store = open_store(path, must_exist=True, write=True)
            source = source_ids[0]
            if not store.source_known(source):
                spelled = store.source_spelled(source)
                hint = f" (did you mean {safe(spelled)!r}?)" if spelled else ""
                raise UsageError(f"unknown source {safe(source)!r} in {path}{hint}")
            run = store.accept_drop(source, now_iso())
            if run is None:
                raise UsageError(f"source {safe(source)!r}: its last run was not suspect; nothing to accept")
    sys.stdout.write(
        f"accepted the drop of {safe(source)} ({run['suspect']}): the next sync marks what its listing no longer "
        "holds as gone, once\n"
    )
