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

import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from relwatch.errors import ConfigError, SourceError
from relwatch.models import Artifact, Openness

if TYPE_CHECKING:
    from relwatch.http import Fetched, SourceSession

MAX_PAGES = 10_000


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


def table(value: Any) -> dict[str, Any]:
    """A JSON object field as a dict; anything else (missing, a list, a string) as an empty one."""
    return value if isinstance(value, dict) else {}


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

    @property
    def unchanged(self) -> bool:
        return self.artifacts is None


ParsePage = Callable[["Fetched"], tuple[list[Artifact], str | None]]


async def follow_pages(
    session: SourceSession, url: str, parse_page: ParsePage, *, headers: dict[str, str] | None = None
) -> AsyncIterator[Page]:
    """Request `url`, then each next URL that `parse_page` finds, until there is none.

    A page answered 304 is not parsed: its next URL and item ids come from the last sync.
    """
    seen: set[str] = set()
    while url:
        if url in seen or len(seen) >= MAX_PAGES:
            raise SourceError(f"pagination loops or runs past {MAX_PAGES} pages at {url}")
        seen.add(url)
        fetched = await session.get(url, headers=headers)
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
            )
            del artifacts
        del fetched  # neither the body nor the parsed page outlives its staging
        url = page.next_url or ""
        yield page
        del page


MAX_ID_LENGTH = 512  # far above any real repository, model or tag id (the Hub caps a repo id at 96)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_INT64 = (-(2**63), 2**63 - 1)


class Parsed(list[Artifact]):
    """The artifacts of one page, and `skipped`: one line per item that could not be read."""

    def __init__(self, artifacts: Iterable[Artifact] = (), skipped: Iterable[str] = ()) -> None:
        super().__init__(artifacts)
        self.skipped = list(skipped)


Item = TypeVar("Item")


def parse_each(items: Iterable[Item], parse: Callable[[Item], Artifact | None], where: str) -> Parsed:
    """`parse` applied to each item; an item it returns None for is left out on purpose.

    An item that `parse` cannot read (it raises ValueError, TypeError, KeyError, AttributeError,
    OverflowError, UnicodeError or SourceError) or whose artifact `check_artifact` refuses is
    skipped, and `skipped` says which and why: one bad upstream item never costs the rest of its page
    (rule from the nightly-sync hardening: a poison item is counted, not fatal).
    """
    parsed = Parsed()
    for index, item in enumerate(items):
        try:
            artifact = parse(item)
            if artifact is not None:
                check_artifact(artifact)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, UnicodeError, SourceError) as exc:
            parsed.skipped.append(f"item {index + 1} of {where}: {exc}")
            continue
        if artifact is not None:
            parsed.append(artifact)
    return parsed


def check_artifact(artifact: Artifact) -> None:
    """ValueError when an artifact cannot be stored or shown safely.

    Its id must be 1..512 characters without control, bidirectional or zero-width characters; its
    id, name and url must be valid Unicode (no lone surrogate); its numbers must fit SQLite's
    signed 64-bit integers.
    """
    check_id(artifact.external_id)
    for text in (artifact.name, artifact.url):
        if text is not None:
            text.encode("utf-8")
    for number in (artifact.parameters, artifact.downloads, artifact.likes):
        if number is not None and not _INT64[0] <= number <= _INT64[1]:
            raise ValueError(f"number {number} is out of range for '{artifact.external_id[:80]}'")


def check_id(external_id: str) -> str:
    """`external_id` itself, or ValueError naming what is wrong with it (see `check_artifact`)."""
    if not external_id or len(external_id) > MAX_ID_LENGTH:
        raise ValueError(f"id of {len(external_id)} characters (1 to {MAX_ID_LENGTH} allowed)")
    if _CONTROL.search(external_id):
        raise ValueError(f"id {external_id[:80].encode('unicode_escape').decode()} holds control characters")
    try:
        external_id.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"id {external_id[:80].encode('unicode_escape').decode()} is not valid Unicode") from None
    return external_id
