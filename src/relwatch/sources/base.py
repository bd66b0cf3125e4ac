"""The contract every source module follows (`SourceKind`), and helpers they share.

A source module is a `SourceKind`: its options class (`relwatch.kinds`: keys, identity, default
base URL, token variables), whether a full read lists everything, whether its count is steady,
and `fetch`, the thin network half; besides, pure parse functions from a payload to
`Artifact`s, the half the tests exercise most. A kind that can list only what changed since the
last sync is an `IncrementalKind` as well.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from relwatch.errors import SourceError
from relwatch.models import Artifact

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession
    from relwatch.kinds import SourceOptions
    from relwatch.prices import PagePrices

MAX_PAGES = 1000  # the default of `max_pages` in [settings]: pages of one listing before it counts as incomplete


class SourceKind(Protocol):
    """What a source module provides (each module in `relwatch.sources`, loaded by `registry.load`)."""

    @property
    def OPTIONS(self) -> type[SourceOptions]:
        """Its keys in sources.toml, identity, default base URL and token variables."""
        ...

    @property
    def COMPLETE_LISTING(self) -> bool:
        """Whether a full read lists everything (so what is missing is gone)."""
        ...

    @property
    def STEADY_COUNT(self) -> bool:
        """Whether a sudden drop in items means something broke."""
        ...

    def fetch(self, source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
        """The source's pages, in order: an async iterator (usually `follow_pages(...)` itself, so
        that no page is held while the next is awaited)."""
        ...


@runtime_checkable
class IncrementalKind(SourceKind, Protocol):
    """A kind that can also list only what changed since the last sync, between full sweeps."""

    def full_sweep_days(self, source: SourceConfig) -> int:
        """Days between full reads of the source's listing."""
        ...

    def fetch_changed(
        self, source: SourceConfig, session: SourceSession, stored: Mapping[str, str | None]
    ) -> AsyncIterator[Page]:
        """The pages of what changed since the stored `modified_at` of each artifact (external id →
        ISO 8601 UTC or None)."""
        ...


def text_or_none(value: Any) -> str | None:
    """A non-empty string from a payload, else None: payload fields are never trusted to be typed."""
    return value if isinstance(value, str) and value else None


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def strings(value: Any) -> list[str]:
    """The strings of a list field (other items, or a field that is no list, are dropped)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(kw_only=True, slots=True)
class Page:
    """One response's worth of a source's answer.

    `artifacts` is None when the server said the page is unchanged since the last sync (304):
    the sync then keeps what it stored and `item_ids` says which artifacts the page held.
    """

    url: str
    artifacts: list[Artifact] | None
    item_ids: list[str]
    next_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    skipped: list[str] = field(default_factory=list)  # one line per item that could not be read
    incomplete: str | None = None  # set on a listing's last page when the listing did not end: why
    prices: PagePrices | None = None  # the page's price reads, recorded with its merge

    @property
    def unchanged(self) -> bool:
        return self.artifacts is None


ParsePage = Callable[["Fetched"], tuple[list[Artifact], str | None]]


async def follow_pages(
    session: SourceSession,
    url: str,
    parse_page: ParsePage,
    *,
    headers: dict[str, str] | None = None,
    end_statuses: Collection[int] = (),
) -> AsyncGenerator[Page, None]:
    """Request `url`, then each next URL that `parse_page` finds, until there is none.

    A page answered 304 is not parsed: its next URL and item ids come from the last sync.
    Parsing runs on the event loop: it is Python, which a worker thread could not run beside the
    loop (one interpreter lock), and a parsing thread makes every database call of the other
    sources wait up to the interpreter's switch interval to get the lock back (the SQL of 20
    catalogue syncs took 17-22 s with parsing in a thread, 5.3 s without).

    The listing ends *incomplete* (the last page yielded has `incomplete` set, so nothing is
    marked gone) when a next URL repeats one already read, when `session.max_pages` pages were
    read, or when a page after the first answers a status in `end_statuses` (GitHub: 422 past
    1,000 results; that answer is yielded as an empty page). A next URL on another origin
    (scheme, host, port) is not followed: SourceError naming the link.
    """
    from relwatch.http import HttpStatusError, origin, short_url

    start = origin(url)
    seen: set[str] = set()
    while url:
        seen.add(url)
        try:
            fetched = await session.get(url, headers=headers)
        except HttpStatusError as exc:
            if exc.status not in end_statuses or len(seen) == 1:
                raise
            yield Page(url=url, artifacts=[], item_ids=[], incomplete=f"{exc}: the listing ends there")
            return
        if fetched.remembered is not None:
            page = Page(
                url=url, artifacts=None, item_ids=fetched.remembered.item_ids, next_url=fetched.remembered.next_url
            )
        else:
            artifacts, next_url = parse_page(fetched)
            page = Page(
                url=url,
                artifacts=artifacts,
                item_ids=[a.external_id for a in artifacts],
                next_url=next_url,
                etag=fetched.headers.get("etag"),
                last_modified=fetched.headers.get("last-modified"),
                skipped=getattr(artifacts, "skipped", []),
                prices=getattr(artifacts, "prices", None),
            )
            del artifacts
        del fetched  # neither the body nor the parsed page outlives its staging
        url = page.next_url or ""
        if url and origin(url) != start:
            raise SourceError(f"next link to another origin than the listing's not followed: {short_url(url)}")
        if url in seen:
            page.incomplete, url = f"pagination loops back to {url}", ""
        elif url and len(seen) >= session.max_pages:
            page.incomplete, url = f"pagination runs past {session.max_pages} pages (max_pages) at {url}", ""
        if page.incomplete and page.prices is not None:
            page.prices.complete = False
        yield page
        del page
