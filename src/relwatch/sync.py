"""Run the configured sources concurrently, isolate their failures, record runs."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from relwatch.config import Config, SourceConfig
from relwatch.dates import now_iso
from relwatch.errors import EXIT_OK, EXIT_SOURCES_FAILED, NotRecorded, RateLimited, RelwatchError
from relwatch.models import SOURCE_COUNTS, RunStatus, SourceCounts, SourceStatus
from relwatch.sources import registry
from relwatch.store import Store
from relwatch.store.ingest import SourceIngest

if TYPE_CHECKING:
    from relwatch.http import Http, SourceSession, Validator
    from relwatch.releases import ReclassifyReport
    from relwatch.sources.base import Page
    from relwatch.sources.hublookup import LookupReport


SUSPECT_MIN_PREVIOUS = 10
SUSPECT_SHARE = 0.5


class Listing(StrEnum):
    """How a source's listing was read in one sync (source_runs.listing)."""

    FULL = "full"  # to its end: what it no longer holds is gone
    INCREMENTAL = "incremental"  # a Hub listing by lastModified, read until it reached what is stored
    INCOMPLETE = "incomplete"  # it did not end (page cap, loop, GitHub's 1,000-result limit): nothing is gone


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
    listing: Listing = Listing.FULL
    incomplete: str | None = None

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
    def exit_code(self) -> int:
        """1 when a source failed or looks wrong, else 0 (the README's exit-code table)."""
        return EXIT_SOURCES_FAILED if self.failed or self.suspect else EXIT_OK

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
                **{name: sum(getattr(o, name) for o in self.outcomes) for name in SOURCE_COUNTS},
                "new_releases": len(self.reclassified.new_releases) if self.reclassified else 0,
                "tier_changes": len(self.reclassified.tier_changes) if self.reclassified else 0,
            },
            "sources": [o.as_dict() for o in self.outcomes],
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
    while one that dropped stays flagged until it recovers.
    """
    if items == 0 and previous != 0:
        return "returned no items" + (f", {previous} last time" if previous else "")
    if previous is not None and previous >= SUSPECT_MIN_PREVIOUS and items < previous * SUSPECT_SHARE:
        return f"returned {items} items, {previous} last time"
    return None


def sweep_due(last_full_sweep: str | None, days: int, now: str) -> bool:
    """Whether a source read incrementally needs a full sweep now (pure): never swept, or swept
    `days` or more days before `now` (both ISO 8601 UTC). A sweep finds gone repositories and the
    gating and licence changes that leave `lastModified` as it was (issue 14: every N days)."""
    if last_full_sweep is None:
        return True
    elapsed = datetime.fromisoformat(now) - datetime.fromisoformat(last_full_sweep)
    return elapsed >= timedelta(days=days)


def source_token(source: SourceConfig) -> str | None:
    """The first token set among the source kind's environment variables, if any."""
    for name in registry.load(source.kind).TOKEN_ENV:
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
    """
    from relwatch.http import Http

    progress = progress or NoProgress()
    mode = "record" if record_to else "replay" if replay_from else "live"
    sources = [s for v in vendors for s in config.vendors[v].sources]
    http = Http(config.settings, record_to=record_to, replay_from=replay_from)
    store.save_config(config)
    started = now_iso()
    unlabelled = store.vendors_left_unlabelled()
    run_id = store.start_sync_run(started_at=started, vendors=vendors, mode=mode)
    result = SyncResult(run_id=run_id, mode=mode, started_at=started)
    settle = VendorSettling(store, config, run_id, sources, http)
    if unlabelled:
        from relwatch.releases import reclassify

        settle.report = reclassify(store, config, [v for v in unlabelled if v in config.vendors], sync_run_id=run_id)
    async with http:
        runner = SourceRunner(store, http, run_id, progress, replaying=replay_from is not None, full=full)
        result.outcomes = list(await asyncio.gather(*(settle.after(s, runner.run(s)) for s in sources)))
    result.lookups = settle.lookups
    result.reclassified = settle.report
    result.finished_at = now_iso()
    failed = len(result.failed)
    skipped = sum(o.status in (SourceStatus.SKIPPED, SourceStatus.WAITING) for o in result.outcomes)
    status = RunStatus.OK if not failed else RunStatus.FAILED if failed == len(sources) else RunStatus.PARTIAL
    store.finish_sync_run(
        run_id,
        finished_at=result.finished_at,
        status=status,
        ok=len(sources) - failed - skipped,
        failed=failed,
        skipped=skipped,
    )
    return result


class VendorSettling:
    """As soon as a vendor's last source is done: looks up the Hub repositories its catalogue
    entries point at and no listing stored (relwatch.sources.hublookup: bounded per sync, cached),
    then reclassifies the vendor if anything changed. Its releases are current while other
    vendors' pages are still on the way, and the work fills time the sync would otherwise spend
    waiting on the network."""

    def __init__(self, store: Store, config: Config, run_id: int, sources: list[SourceConfig], http: Http):
        from relwatch.sources.hublookup import LookupReport

        self.store = store
        self.config = config
        self.run_id = run_id
        self.http = http
        self.running = Counter(s.vendor for s in sources)
        self.changed: set[str] = set()
        self.report: ReclassifyReport | None = None
        self.lookups = LookupReport()

    async def after(self, source: SourceConfig, run: Awaitable[SourceOutcome]) -> SourceOutcome:
        """Await the source's run; when it was the vendor's last, look up its catalogue's weights
        and reclassify the vendor if any source or look-up changed anything."""
        from relwatch.sources import hublookup

        outcome = await run
        if outcome.new or outcome.updated or outcome.gone:
            self.changed.add(source.vendor)
        self.running[source.vendor] -= 1
        if self.running[source.vendor] == 0:
            found = await hublookup.look_up(self.store, self.config, self.http, [source.vendor], now_iso())
            self.lookups.add(found)
            if found.found:
                self.changed.add(source.vendor)
        if self.running[source.vendor] == 0 and source.vendor in self.changed:
            from relwatch.releases import reclassify

            self.report = reclassify(
                self.store, self.config, [source.vendor], sync_run_id=self.run_id, report=self.report
            )
        return outcome


class SourceRunner:
    """Runs one source at a time through fetch → stage → merge, and records how it went."""

    def __init__(
        self, store: Store, http: Http, run_id: int, progress: Progress, *, replaying: bool, full: bool = False
    ):
        self.store = store
        self.http = http
        self.run_id = run_id
        self.progress = progress
        self.replaying = replaying
        self.full = full

    async def run(self, source: SourceConfig) -> SourceOutcome:
        """Read, stage and merge one source; its outcome (a failure is recorded, not raised)."""
        outcome = SourceOutcome(source=source.id, vendor=source.vendor, kind=source.kind)
        started = now_iso()
        wait_until = self.store.stored_wait(source.id)
        if wait_until and wait_until > started and not self.replaying:
            outcome.status = SourceStatus.WAITING
            outcome.wait_until = wait_until
            outcome.error = f"the host asked to wait until {wait_until}"
            self._record(source, outcome, started)
            self.progress.finished(outcome)
            return outcome
        token = source_token(source)
        session = self.http.session(source.base_url, token=token, validators=self._validators(source))
        ingest = SourceIngest(self.store, source, self.run_id)
        self.progress.started(source)
        try:
            async for page in self._pages(source, session, outcome, started):
                ingest.add(page)
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
        except Exception as exc:  # a parser bug must not take the other sources down
            outcome.status = SourceStatus.FAILED
            outcome.error = f"unexpected {type(exc).__name__} while reading {source.id}: {exc}"
        outcome.incomplete = ingest.incomplete
        if ingest.incomplete:
            outcome.listing = Listing.INCOMPLETE
        stats = session.stats
        outcome.requests, outcome.not_modified, outcome.bytes = stats.requests, stats.not_modified, stats.bytes
        outcome.shared = stats.shared
        outcome.wait_until = outcome.wait_until or stats.wait_until
        if outcome.error:
            outcome.error = redact(outcome.error, [token])
        if outcome.status == SourceStatus.OK:
            self._merge(source, ingest, outcome, started)
        else:
            ingest.discard()
            self._record(source, outcome, started)
        self.progress.finished(outcome)
        return outcome

    def _pages(
        self, source: SourceConfig, session: SourceSession, outcome: SourceOutcome, now: str
    ) -> AsyncIterator[Page]:
        """The source's pages: only what changed since the last sync (`fetch_changed`, with the
        stored `modified_at` of each artifact) when its kind lists incrementally and no full sweep
        is due (`full_sweep_days`, or `sync --full`), else its whole listing (`fetch`)."""
        spec = registry.load(source.kind)
        fetch_changed = getattr(spec, "fetch_changed", None)
        if (
            fetch_changed is None
            or self.full
            or sweep_due(self.store.last_full_sweep(source.id), source.option("full_sweep_days"), now)
        ):
            pages: AsyncIterator[Page] = spec.fetch(source, session)
            return pages
        outcome.listing = Listing.INCREMENTAL
        changed: AsyncIterator[Page] = fetch_changed(source, session, self.store.modified_times(source.id))
        return changed

    def _merge(self, source: SourceConfig, ingest: SourceIngest, outcome: SourceOutcome, started: str) -> None:
        spec = registry.load(source.kind)
        items = ingest.items_seen
        if getattr(spec, "STEADY_COUNT", True) and outcome.listing == Listing.FULL:
            outcome.suspect = suspicion(items, self.store.previous_items(source.id))
        whole = outcome.listing == Listing.FULL and outcome.suspect is None

        ingest.commit(
            now=now_iso(),
            complete=spec.COMPLETE_LISTING and whole,
            keep_validators=outcome.suspect is None and outcome.listing != Listing.INCREMENTAL,
            on_commit=lambda _: self._write_run(source, outcome, started),
            counts=outcome,
        )

    def _record(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> None:
        with self.store.transaction():
            self._write_run(source, outcome, started)

    def _write_run(self, source: SourceConfig, outcome: SourceOutcome, started: str) -> None:
        self.store.write_source_run(
            sync_run_id=self.run_id,
            source_id=source.id,
            started_at=started,
            finished_at=now_iso(),
            status=outcome.status,
            counts=outcome,
            suspect=outcome.suspect,
            error=outcome.error,
            wait_until=outcome.wait_until,
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
