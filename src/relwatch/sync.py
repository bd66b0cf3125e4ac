"""Run the configured sources concurrently, isolate their failures, record runs."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from relwatch.config import Config, SourceConfig
from relwatch.dates import iso_utc, now_iso
from relwatch.errors import EXIT_OK, EXIT_SOURCES_FAILED, NotRecorded, RateLimited, RelwatchError
from relwatch.models import SOURCE_COUNTS, RunStatus, SourceCounts, SourceStatus
from relwatch.ratelimit import PARK_LIMIT
from relwatch.render import plural
from relwatch.sources import registry
from relwatch.store import DatabaseFault, Store
from relwatch.store.core import SqliteError, describe_fault
from relwatch.store.ingest import SourceIngest

if TYPE_CHECKING:
    from relwatch.http import Http, SourceSession, Validator
    from relwatch.releases import ReclassifyReport
    from relwatch.sources.base import Page
    from relwatch.sources.derivatives import AdoptionOutcome
    from relwatch.sources.hublookup import LookupReport


SUSPECT_MIN_PREVIOUS = 10
SUSPECT_SHARE = 0.5
# A source parked this long has missed at least one nightly sync: the sync exits 1 so cron mails it.
PARKED_TOO_LONG = timedelta(hours=12)


class Listing(StrEnum):
    """How a source's listing was read in one sync (source_runs.listing)."""

    FULL = "full"  # to its end: what it no longer holds is gone
    INCREMENTAL = "incremental"  # a Hub listing by lastModified, read until it reached what is stored
    INCOMPLETE = "incomplete"  # it did not end (page cap, loop, GitHub's 1,000-result limit): nothing is gone


class Interrupted(RelwatchError):
    """SIGINT or SIGTERM stopped a sync; exits 128 + the signal's number (130, 143)."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.exit_code = 128 + signum


@dataclass(kw_only=True)
class SourceOutcome(SourceCounts):
    """How one source's read went: its counts, status, and why it failed or looks wrong."""

    source: str
    vendor: str
    kind: str
    status: SourceStatus = SourceStatus.OK
    suspect: str | None = None
    error: str | None = None
    wait_until: str | None = None
    parked_since: str | None = None  # ISO 8601 UTC: since when the source has been waiting on its host
    skipped: int = 0  # items that could not be read and were left out
    skipped_reasons: list[str] = field(default_factory=list)  # one line per skipped item
    listing: Listing = Listing.FULL
    incomplete: str | None = None

    @property
    def parked_too_long(self) -> bool:
        """Waiting on its host since longer than PARKED_TOO_LONG (a night)."""
        if self.status != SourceStatus.WAITING or not self.parked_since:
            return False
        return datetime.fromisoformat(now_iso()) - datetime.fromisoformat(self.parked_since) > PARKED_TOO_LONG

    def as_dict(self) -> dict[str, object]:
        """The outcome as `sync --json` lists it: whose, its status, its counts, what went wrong."""
        values = asdict(self)
        return {**{key: values.pop(key) for key in ("source", "vendor", "kind", "status")}, **values}


@dataclass(kw_only=True)
class SyncResult:
    """One sync: its run id, mode (live | record | replay), ISO 8601 UTC times, per-source outcomes."""

    run_id: int
    mode: str
    started_at: str
    finished_at: str = ""
    outcomes: list[SourceOutcome] = field(default_factory=list)
    reclassified: ReclassifyReport | None = None
    faults: list[str] = field(default_factory=list)  # database faults outside any one source, one line each
    adoption: AdoptionOutcome | None = None
    lookups: LookupReport | None = None

    @property
    def failed(self) -> list[SourceOutcome]:
        """Sources whose read failed."""
        return [o for o in self.outcomes if o.status == SourceStatus.FAILED]

    @property
    def suspect(self) -> list[SourceOutcome]:
        """Sources merged with a count of items that looks wrong (see `suspicion`)."""
        return [o for o in self.outcomes if o.suspect]

    @property
    def parked(self) -> list[SourceOutcome]:
        """Sources waiting on their host (a long Retry-After or rate-limit reset)."""
        return [o for o in self.outcomes if o.status == SourceStatus.WAITING]

    @property
    def exit_code(self) -> int:
        """1 when a source failed, looks wrong or has been parked longer than a night, or the
        database had a fault; else 0 (the README's exit-code table)."""
        trouble = self.failed or self.suspect or self.faults or any(o.parked_too_long for o in self.outcomes)
        return EXIT_SOURCES_FAILED if trouble else EXIT_OK

    def as_dict(self) -> dict[str, object]:
        """The `sync --json` document: the run, totals over sources (every SourceCounts count,
        failed and suspect sources, new releases and tier changes) and each source's outcome."""
        return {
            "run_id": self.run_id,
            "mode": self.mode,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "exit_code": self.exit_code,
            "totals": {
                "sources": len(self.outcomes),
                "failed": len(self.failed),
                "suspect": len(self.suspect),
                "parked": len(self.parked),
                "skipped_items": sum(o.skipped for o in self.outcomes),
                **{name: sum(getattr(o, name) for o in self.outcomes) for name in SOURCE_COUNTS},
                "new_releases": len(self.reclassified.new_releases) if self.reclassified else 0,
                "tier_changes": len(self.reclassified.tier_changes) if self.reclassified else 0,
            },
            "sources": [o.as_dict() for o in self.outcomes],
            "faults": self.faults,
            "adoption": self.adoption.as_dict() if self.adoption else None,
            "lookups": asdict(self.lookups) if self.lookups else None,
        }


class Progress(Protocol):
    """What a sync tells its display as sources start, read pages and end."""

    def started(self, source: SourceConfig) -> None:
        """The source's first request is about to go out."""

    def advanced(self, source: SourceConfig, pages: int, items: int) -> None:
        """The source has staged `pages` pages holding `items` items so far."""

    def finished(self, outcome: SourceOutcome) -> None:
        """The source is done (merged, failed, waiting or skipped)."""


class NoProgress:
    """A display that shows nothing: the default when `run_sync` is given none."""

    def started(self, source: SourceConfig) -> None:
        """Nothing to show."""

    def advanced(self, source: SourceConfig, pages: int, items: int) -> None:
        """Nothing to show."""

    def finished(self, outcome: SourceOutcome) -> None:
        """Nothing to show."""


def suspicion(items: int, previous: int | None) -> str | None:
    """Why a source's count of items looks wrong, or None (pure).

    `previous` is the count of the last run that did not look wrong (or, when every run so far
    did, of the last run), so a source that has always been empty is flagged once, not nightly,
    while one that dropped stays flagged until it recovers or the drop is accepted. Suspect: a
    listing of SUSPECT_MIN_PREVIOUS items or more that lost SUSPECT_SHARE of them or more, and any
    source that held items and now holds none (rule from the nightly-sync hardening).
    """
    if items == 0 and previous != 0:
        return "returned no items" + (f", {previous} last time" if previous else "")
    if previous is not None and previous >= SUSPECT_MIN_PREVIOUS and items <= previous * SUSPECT_SHARE:
        return f"returned {items} items, {previous} last time"
    return None


def source_token(source: SourceConfig) -> str | None:
    """The first token set among the source kind's environment variables, if any."""
    for name in source.options.TOKEN_ENV:
        value = os.environ.get(name)
        if value:
            return value
    return None


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every given secret replaced by `***` (pure)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def sweep_due(last_full_sweep: str | None, days: int, now: str) -> bool:
    """Whether a source read incrementally needs a full sweep now (pure): never swept, or swept
    `days` or more days before `now` (both ISO 8601 UTC). A sweep finds gone repositories and the
    gating and licence changes that leave `lastModified` as it was (issue 14: every N days)."""
    if last_full_sweep is None:
        return True
    elapsed = datetime.fromisoformat(now) - datetime.fromisoformat(last_full_sweep)
    return elapsed >= timedelta(days=days)


async def run_sync(
    config: Config,
    store: Store,
    vendors: list[str],
    *,
    record_to: Path | None = None,
    replay_from: Path | None = None,
    progress: Progress | None = None,
    full: bool = False,
) -> SyncResult:
    """Read every source of `vendors` concurrently, merge each as it ends, reclassify each vendor
    as its last source ends, and record the run. A source's failure is in its outcome, not raised.
    `full`: read every listing to its end, even those that would be read incrementally.

    Raises Interrupted when SIGINT or SIGTERM stops the sync: the sources that finished stay
    merged, the unfinished ones are rolled back, and the run is marked interrupted. Raises
    DatabaseFault (one line) when the database cannot be written at the start; a fault later is
    in the result's `faults`, and the run is marked failed when the file can still be written.
    """
    from relwatch.http import Http

    progress = progress or NoProgress()
    mode = "record" if record_to else "replay" if replay_from else "live"
    sources = [s for v in vendors for s in config.vendors[v].sources]
    started = now_iso()
    try:
        store.save_config(config)
        unlabelled = store.vendors_left_unlabelled()
        run_id = store.start_sync_run(started_at=started, vendors=vendors, mode=mode)
    except SqliteError as exc:
        raise DatabaseFault(describe_fault(exc, store.path) + "; nothing was synced") from None
    http = Http(config.settings, record_to=record_to, replay_from=replay_from)
    result = SyncResult(run_id=run_id, mode=mode, started_at=started)
    settle = VendorSettling(store, config, run_id, sources, result.faults, http)
    runner = SourceRunner(store, http, run_id, progress, replaying=replay_from is not None, full=full)
    runner.data_time = http.recorded_at
    with SignalStop() as stop:
        try:
            if unlabelled:  # a vendor this sync reads is reclassified once, when its last source ends
                settle.changed.update(v for v in unlabelled if v in settle.running)
                settle.reclassify([v for v in unlabelled if v in config.vendors and v not in settle.running])
            async with http:
                result.outcomes = list(await asyncio.gather(*(settle.after(s, runner.run(s)) for s in sources)))
                if replay_from is None:
                    result.adoption = await poll_adoption(store, http, sources)
        except asyncio.CancelledError:
            if stop.signum is None:
                raise
            result.outcomes = runner.done
            settle.reclassify(sorted(settle.changed - settle.settled))
            interrupted = finish_run(store, result, RunStatus.INTERRUPTED)
            raise Interrupted(interrupted_line(stop.signum, result, len(sources), interrupted), stop.signum) from None
        finally:
            settle.labeller.close()
    result.reclassified = settle.report
    result.lookups = settle.lookups
    failed = len(result.failed)
    status = RunStatus.OK if not failed else RunStatus.FAILED if failed == len(sources) else RunStatus.PARTIAL
    finish_run(store, result, RunStatus.FAILED if result.faults else status)
    return result


def finish_run(store: Store, result: SyncResult, status: RunStatus) -> bool:
    """Record how the run ended; a database fault while doing so goes to `result.faults`.
    Whether the run could be recorded."""
    result.finished_at = now_iso()
    failed = len(result.failed)
    skipped = sum(o.status in (SourceStatus.SKIPPED, SourceStatus.WAITING) for o in result.outcomes)
    try:
        store.finish_sync_run(
            result.run_id,
            finished_at=result.finished_at,
            status=status,
            ok=len(result.outcomes) - failed - skipped,
            failed=failed,
            skipped=skipped,
        )
    except SqliteError as exc:
        fault = describe_fault(exc, store.path)
        result.faults.append(f"{fault}; sync run {result.run_id} could not be marked {status}")
        return False
    return True


def interrupted_line(signum: int, result: SyncResult, sources: int, recorded: bool) -> str:
    """The one line an interrupted sync ends with: what was kept, what was rolled back (pure)."""
    name = signal.Signals(signum).name
    merged = sum(o.status == SourceStatus.OK for o in result.outcomes)
    line = (
        f"interrupted by {name}: kept the {plural(len(result.outcomes), 'source')} that had finished "
        f"({merged} merged), "
        f"rolled back the {sources - len(result.outcomes)} unfinished"
    )
    if recorded:
        return f"{line}; sync run {result.run_id} marked interrupted"
    return f"{line}; {'; '.join(result.faults)}"


class SignalStop:
    """While entered (in a running event loop, main thread): SIGINT and SIGTERM cancel the current
    task once and note the signal in `signum`; a second signal is ignored while the sync winds down."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.installed: list[signal.Signals] = []

    def __enter__(self) -> SignalStop:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self._stop, sig, task)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread: signals stay as they are
                continue
            self.installed.append(sig)
        return self

    def _stop(self, signum: int, task: asyncio.Task[object] | None) -> None:
        if self.signum is None and task is not None:
            self.signum = signum
            task.cancel()

    def __exit__(self, *exc: object) -> None:
        loop = asyncio.get_running_loop()
        for sig in self.installed:
            loop.remove_signal_handler(sig)


async def poll_adoption(store: Store, http: Http, sources: list[SourceConfig]) -> AdoptionOutcome:
    """Poll the due adoption figures of the open releases the sync's hub sources list, within
    `derivative_requests` of `[settings]` (see `relwatch.sources.derivatives`)."""
    from relwatch.sources.derivatives import AdoptionPoller

    hub = [s for s in sources if s.kind == "huggingface"] if http.settings.derivative_requests else []
    sessions = {s.id: http.session(s.base_url, token=source_token(s)) for s in hub}
    return await AdoptionPoller(store, sessions, budget=http.settings.derivative_requests, now=now_iso()).run()


class VendorSettling:
    """As soon as a vendor's last source is done: looks up the Hub repositories its catalogue
    entries point at and no listing stored (relwatch.sources.hublookup: bounded per sync, cached),
    then reclassifies the vendor if anything changed. Its releases are current while other
    vendors' pages are still on the way, and the work fills time the sync would otherwise spend
    waiting on the network. A database fault while doing so goes to `faults`, one line."""

    def __init__(
        self, store: Store, config: Config, run_id: int, sources: list[SourceConfig], faults: list[str], http: Http
    ):
        from relwatch.labeller import Labeller
        from relwatch.sources.hublookup import LookupReport

        self.store = store
        self.http = http
        self.lookups = LookupReport()
        self.config = config
        self.run_id = run_id
        self.running = Counter(s.vendor for s in sources)
        self.changed: set[str] = set()
        self.settled: set[str] = set()
        self.faults = faults
        self.report: ReclassifyReport | None = None
        self.labeller = Labeller()

    async def after(self, source: SourceConfig, run: Awaitable[SourceOutcome]) -> SourceOutcome:
        """Await the source's run; when it was the vendor's last, look up its catalogue's weights
        and reclassify the vendor if any source or look-up changed anything."""
        from relwatch.sources import hublookup

        outcome = await run
        if outcome.new or outcome.updated or outcome.gone:
            self.changed.add(source.vendor)
        self.running[source.vendor] -= 1
        if self.running[source.vendor] == 0:
            try:
                found = await hublookup.look_up(self.store, self.config, self.http, [source.vendor], now_iso())
            except SqliteError as exc:
                self.faults.append(describe_fault(exc, self.store.path) + f"; look-ups of {source.vendor} not stored")
            else:
                self.lookups.add(found)
                if found.found:
                    self.changed.add(source.vendor)
        if self.running[source.vendor] == 0 and source.vendor in self.changed:
            await self.rebuild(source.vendor)
        return outcome

    async def rebuild(self, vendor: str) -> None:
        """Rebuild the releases of `vendor`, its labelling done by `labeller` (in a worker process
        for a large vendor) while the other sources' requests go on."""
        from relwatch.releases import ReclassifyReport, reclassify_apart

        report = self.report = self.report or ReclassifyReport()
        try:
            await reclassify_apart(
                self.store, self.config, vendor, self.labeller, sync_run_id=self.run_id, report=report
            )
        except SqliteError as exc:
            self.faults.append(describe_fault(exc, self.store.path) + f"; releases of {vendor} not rebuilt")
        self.settled.add(vendor)

    def reclassify(self, vendors: list[str]) -> None:
        """Rebuild the releases of `vendors` now (none: nothing to do)."""
        if not vendors:
            return
        from relwatch.releases import reclassify

        try:
            self.report = reclassify(self.store, self.config, vendors, sync_run_id=self.run_id, report=self.report)
        except SqliteError as exc:
            self.faults.append(describe_fault(exc, self.store.path) + f"; releases of {', '.join(vendors)} not rebuilt")
        self.settled.update(vendors)


class SourceRunner:
    """Runs one source at a time through fetch → stage → merge, and records how it went."""

    def __init__(
        self, store: Store, http: Http, run_id: int, progress: Progress, *, replaying: bool, full: bool = False
    ):
        self.full = full
        self.store = store
        self.http = http
        self.run_id = run_id
        self.progress = progress
        self.replaying = replaying
        self.done: list[SourceOutcome] = []  # outcomes of the sources that finished, in that order
        self.data_time: str | None = None  # a replay's recording time: its sources' reads are dated by it

    async def run(self, source: SourceConfig) -> SourceOutcome:
        """Read, stage and merge one source; its outcome (a failure is recorded, not raised)."""
        outcome = SourceOutcome(source=source.id, vendor=source.vendor, kind=source.kind)
        started = self.data_time or now_iso()
        try:
            if self._still_parked(source, outcome, started):
                self._record(source, outcome, started)
                return self._done(outcome)
        except SqliteError as exc:
            return self._done(self._fault(outcome, exc))
        token = source_token(source)
        session = self.http.session(source.base_url, token=token, validators=self._validators(source))
        ingest = SourceIngest(self.store, source, self.run_id)
        self.progress.started(source)
        incomplete = False
        try:
            async for page in self._pages(source, session, outcome, started):
                await asyncio.sleep(0)  # requests waiting for the slot this page freed go out first
                ingest.add(page)
                outcome.skipped_reasons += page.skipped
                incomplete = incomplete or bool(page.incomplete) or bool(page.skipped)
                del page  # staged: not held while the next page is awaited
                self.progress.advanced(source, ingest.pages, ingest.items)
        except NotRecorded as exc:
            outcome.status, outcome.error = SourceStatus.SKIPPED, str(exc)
        except RateLimited as exc:
            outcome.status, outcome.error, outcome.wait_until = SourceStatus.WAITING, str(exc), exc.until
        except RelwatchError as exc:
            outcome.status, outcome.error = SourceStatus.FAILED, str(exc)
        except asyncio.CancelledError:
            ingest.discard()
            raise
        except SqliteError as exc:
            self._fault(outcome, exc)
        except Exception as exc:  # a parser bug must not take the other sources down
            outcome.status = SourceStatus.FAILED
            outcome.error = f"unexpected {type(exc).__name__} while reading {source.id}: {exc}"
        stats = session.stats
        outcome.requests, outcome.not_modified, outcome.bytes = stats.requests, stats.not_modified, stats.bytes
        outcome.shared = stats.shared
        outcome.wait_until = outcome.wait_until or stats.wait_until
        outcome.skipped = len(outcome.skipped_reasons)
        outcome.incomplete = ingest.incomplete
        if ingest.incomplete:
            outcome.listing = Listing.INCOMPLETE
        if outcome.error:
            outcome.error = redact(outcome.error, [token])
        try:
            if outcome.status == SourceStatus.WAITING:
                outcome.parked_since = self.store.parked_since(source.id) or started
            if outcome.status == SourceStatus.OK:
                self._merge(source, ingest, outcome, started, complete=not incomplete)
            else:
                ingest.discard()
                self._record(source, outcome, started)
        except SqliteError as exc:
            self._fault(outcome, exc)
            self._try_record(source, outcome, started)
        return self._done(outcome)

    def _done(self, outcome: SourceOutcome) -> SourceOutcome:
        self.done.append(outcome)
        self.progress.finished(outcome)
        return outcome

    def _fault(self, outcome: SourceOutcome, exc: SqliteError) -> SourceOutcome:
        """The outcome of a source the database failed under: failed, the fault as its error."""
        outcome.status = SourceStatus.FAILED
        outcome.error = describe_fault(exc, self.store.path)
        outcome.new = outcome.updated = outcome.gone = 0
        return outcome

    def _try_record(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> None:
        """Record a failed source's run if the database still takes writes (a full disk may not)."""
        try:
            self.store.rollback_open()
            self._record(source, outcome, started)
        except SqliteError:
            return

    def _still_parked(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> bool:
        """Whether the source's host asked to wait past now (a replay never waits); fills the outcome.

        A source is parked at most PARK_LIMIT (7 days) counted from its first waiting run, whatever
        the stored wait says (a wait stored before that bound existed may run to 2126).
        """
        wait_until = self.store.stored_wait(source.id)
        if not wait_until or wait_until <= started or self.replaying:
            return False
        since = self.store.parked_since(source.id) or started
        bound = iso_utc(datetime.fromisoformat(since) + timedelta(seconds=PARK_LIMIT))
        if bound <= started:
            return False
        outcome.status = SourceStatus.WAITING
        outcome.wait_until = min(wait_until, bound)
        outcome.parked_since = since
        outcome.error = f"the host asked to wait until {outcome.wait_until}"
        return True

    def _pages(
        self, source: SourceConfig, session: SourceSession, outcome: SourceOutcome, now: str
    ) -> AsyncIterator[Page]:
        """The source's pages: only what changed since the last sync (`fetch_changed`, with the
        stored `modified_at` of each artifact) when its kind lists incrementally and no full sweep
        is due (`full_sweep_days`, or `sync --full`), else its whole listing (`fetch`)."""
        incremental = registry.incremental(source.kind)
        if (
            incremental is None
            or self.full
            or sweep_due(self.store.last_full_sweep(source.id), incremental.full_sweep_days(source), now)
        ):
            return registry.load(source.kind).fetch(source, session)
        outcome.listing = Listing.INCREMENTAL
        return incremental.fetch_changed(source, session, self.store.modified_times(source.id))

    def _merge(
        self, source: SourceConfig, ingest: SourceIngest, outcome: SourceOutcome, started: str, *, complete: bool
    ) -> None:
        spec = registry.load(source.kind)
        items = ingest.items_seen
        if spec.STEADY_COUNT and outcome.listing == Listing.FULL:
            outcome.suspect = suspicion(items, self.store.previous_items(source.id))
        whole = outcome.listing == Listing.FULL and complete and outcome.suspect is None

        ingest.commit(
            now=self.data_time or now_iso(),
            complete=spec.COMPLETE_LISTING and whole,
            keep_validators=outcome.suspect is None and outcome.listing != Listing.INCREMENTAL,
            on_commit=lambda _: self._write_run_and_metrics(source, outcome, started),
            counts=outcome,
        )

    def _write_run_and_metrics(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> None:
        """In the merge's transaction: the day's adoption counts of the staged artifacts, the run."""
        self.store.record_staged_metrics(source.id, started[:10])
        self._write_run(source, outcome, started)

    def _record(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> None:
        with self.store.transaction():
            self._write_run(source, outcome, started)

    def _write_run(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> None:
        self.store.write_source_run(
            sync_run_id=self.run_id,
            source_id=source.id,
            started_at=started,
            finished_at=self.data_time or now_iso(),
            status=outcome.status,
            counts=outcome,
            suspect=outcome.suspect,
            error=outcome.error,
            wait_until=outcome.wait_until,
            skipped=outcome.skipped_reasons,
            listing=outcome.listing if outcome.status == SourceStatus.OK else None,
            incomplete=outcome.incomplete,
        )

    def _validators(self, source: SourceConfig) -> dict[str, Validator]:
        from relwatch.http import Validator

        return {
            row["url"]: Validator(
                url=row["url"],
                etag=row["etag"],
                last_modified=row["last_modified"],
                next_url=row["next_url"],
                item_ids=row["item_ids"],
            )
            for row in self.store.page_validators(source.id)
        }
