"""The contract every source module follows, and helpers they share.

A source module defines:

- `DEFAULT_BASE_URL`: the real host, overridable per source with `base_url`;
- `OPTIONS`: its keys in sources.toml (`Option`s), and `IDENTITY`: the key that names it;
- `TOKEN_ENV`: environment variables that may hold a token for its host (may be empty);
- `COMPLETE_LISTING`: whether a full read lists everything (so what is missing is gone);
- `STEADY_COUNT` (optional, default true): whether a sudden drop in items means something broke;
- `fetch(source, session)`: an async iterator of `Page`s (usually `follow_pages(...)` itself, so that
  no page is held while the next is awaited), the thin network half;
- pure parse functions from a payload to `Artifact`s, the half the tests exercise most.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relwatch.errors import ConfigError, SourceError
from relwatch.models import Artifact, Openness

if TYPE_CHECKING:
    from relwatch.http import Fetched, SourceSession
    from relwatch.prices import PagePrices

MAX_PAGES = 1000  # the default of `max_pages` in [settings]: pages of one listing before it counts as incomplete


@dataclass(frozen=True, kw_only=True)
class Option:
    """One key of a source table in sources.toml."""

    type: type | str  # a Python type, or "regex", "tier", "list[str]"
    help: str
    required: bool = False
    default: Any = None
    pattern: str | None = None  # a string value must match it whole
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any, at: str) -> Any:
        checked = self._check_type(value, at)
        if self.pattern is not None and not re.fullmatch(self.pattern, checked):
            raise ConfigError(f"{at}: {checked!r} is not {self.help}")
        if self.minimum is not None and checked < self.minimum:
            raise ConfigError(f"{at}: {checked} is below the minimum of {self.minimum}")
        if self.maximum is not None and checked > self.maximum:
            raise ConfigError(f"{at}: {checked} is above the maximum of {self.maximum}")
        return checked

    def _check_type(self, value: Any, at: str) -> Any:
        if self.type == "regex":
            check_type(value, str, at)
            try:
                re.compile(value)
            except re.error as exc:
                raise ConfigError(f"{at}: not a regular expression: {exc}") from None
            return value
        if self.type == "tier":
            check_type(value, str, at)
            try:
                return Openness(value)
            except ValueError:
                tiers = ", ".join(t.value for t in Openness)
                raise ConfigError(f"{at}: unknown tier '{value}' (one of: {tiers})") from None
        if self.type == "list[str]":
            check_type(value, list, at)
            for item in value:
                check_type(item, str, at)
            return tuple(value)
        assert isinstance(self.type, type)
        return check_type(value, self.type, at)


def check_type(value: Any, expected: type, at: str) -> Any:
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(f"{at}: expected {_type_name(expected)}, got {_type_name(type(value))} {value!r}")
    return value


def _type_name(kind: type) -> str:
    names = {str: "a string", int: "an integer", bool: "true/false", list: "a list", dict: "a table", float: "a number"}
    return names.get(kind, kind.__name__)


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
) -> AsyncIterator[Page]:
    """Request `url`, then each next URL that `parse_page` finds, until there is none.

    A page answered 304 is not parsed: its next URL and item ids come from the last sync.
    Parsing runs in a worker thread, off the event loop. The listing ends *incomplete* (the last
    page yielded has `incomplete` set, so nothing is marked gone) when a next URL repeats one
    already read, when `session.max_pages` pages were read, or when a page after the first
    answers a status in `end_statuses` (GitHub: 422 past 1,000 results; that answer is yielded
    as an empty page). A next URL on another origin (scheme, host, port) is not followed:
    SourceError naming the link.
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
            artifacts, next_url = await asyncio.to_thread(parse_page, fetched)
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
