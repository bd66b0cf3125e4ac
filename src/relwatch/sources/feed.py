"""Any RSS or Atom feed: the model ids its entries mention.

`GET url` (its scheme and host replaced by `base_url`'s when one is set), parsed by feedparser.
One artifact per model id and day: `external_id` is `<model id>@<YYYY-MM-DD>`, the day of the
entry's date (`published`, else `updated`, in UTC). Two entries of one day that name the same
model give one artifact, from the first of them in feed order.

Dates are read from the entry's own text, not from feedparser's parsed struct: feedparser fills
what a date lacks from the current time (`2016/6/29 15:07:41` got the machine's month) and drops
dates with no zone or a localised weekday (`Mo, 25 Jun 2018 …`). RFC 822 dates are read by the
standard library (it knows the US zone names), anything else, and RFC 822 dates whose zone it
cannot place (`JST`, `MEZ`, `+08:00`), by `relwatch.dates` (dateutil, localised month names,
`relwatch.dates.ZONE_NAMES`, never completed from today); a date without a zone is UTC. In a
feed whose language is Chinese (`<language>zh-cn</language>`), `CST` is China Standard Time
(UTC+8), not RFC 822's US Central. An entry whose date cannot be read (no year, a zone that
cannot be placed, such as `IST`) is skipped and listed in the page's `skipped`: without a day
there is no key to file it under.

Fields relied on (feedparser's names): each entry's raw `published` / `updated`; `title`,
`summary` and `content[].value` are searched for ids when present; `link` and `id` are kept
when present.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from relwatch.dates import day_of, iso_utc, normalise_time, tidy_zone
from relwatch.errors import SourceError
from relwatch.kinds import FeedOptions, options_as
from relwatch.models import Artifact, DateKind, Openness
from relwatch.patterns import Models, compile_models
from relwatch.sources.base import Page, follow_pages, text_or_none
from relwatch.sources.charsets import charset_of, decode_page
from relwatch.sources.items import Parsed, check_artifact
from relwatch.sources.mentions import model_ids, page_url

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

OPTIONS = FeedOptions
COMPLETE_LISTING = False  # a feed holds its latest entries only: one that drops out is not gone
# How many mentions the latest entries hold swings from night to night, so a drop says nothing;
# a feed that stops being a feed is an error of its own.
STEADY_COUNT = False
XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
UNICODE_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")  # byte-order marks: feedparser reads those itself
# Zone names that mean another offset in a Chinese feed: China Standard Time, UTC+8.
CHINESE_ZONES = {"CST": 8 * 3600}


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    options = options_as(source.options, FeedOptions)
    models, tier = compile_models(options.models, options.ignore_case), options.tier

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        return parse_feed(fetched.content, fetched.url, models, tier, fetched.headers.get("content-type")), None

    return follow_pages(session, page_url(options.url, source.base_url), parse_page)


def parse_feed(
    content: bytes,
    url: str,
    models: Models,
    tier: Openness = Openness.API,
    content_type: str | None = None,
) -> Parsed:
    """A feed document → one artifact per (model id, day); SourceError if it is not a feed at all.

    An entry without a readable date, or whose artifacts cannot be stored, is listed in `skipped`.
    """
    # imported here: it is slow to import and only a sync reading a feed needs it (by name, as it
    # ships no type hints)
    feedparser: Any = importlib.import_module("feedparser")

    content, content_type = as_utf8(content, content_type)
    # content-location resolves relative links; a missing content-type would itself make the feed "bozo".
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    # A file object, never bytes or str: feedparser would open a body that reads like a path.
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") if parsed.get("version") else "not an RSS or Atom document"
        raise SourceError(f"cannot read the feed at {url}: {reason}")
    language = text_or_none((parsed.get("feed") or {}).get("language")) or ""
    zones = CHINESE_ZONES if language.lower().startswith("zh") else None
    found: dict[str, Artifact] = {}
    skipped: list[str] = []
    for index, entry in enumerate(entries):
        try:
            artifacts = entry_artifacts(entry, models, tier, zones)
            for artifact in artifacts:
                check_artifact(artifact)
        except ValueError as exc:
            title = text_or_none(entry.get("title")) or "untitled"
            skipped.append(f"entry {index + 1} ({title[:80]!r}) of {url}: {exc}")
            continue
        for artifact in artifacts:
            found.setdefault(artifact.external_id, artifact)
    return Parsed(found.values(), skipped)


def as_utf8(content: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """A feed's bytes and Content-Type, as UTF-8 when its charset had to be told from the bytes.

    feedparser believes the labels: a GBK feed named nowhere, or declared UTF-8, or served as
    ISO-8859-1, became mojibake and its CJK dates unreadable. A feed with non-ASCII bytes and no
    byte-order mark is read by `charsets.decode_page` (the labels as the bytes bear them out, else
    the charset charset-normalizer detects) and handed on as UTF-8, its XML declaration and type
    saying so.
    """
    if content.isascii() or content.startswith(UNICODE_MARKS):
        return content, content_type
    text = decode_page(content, charset_of(content_type or ""))
    media = (content_type or "application/xml").split(";")[0].strip()
    return XML_ENCODING.sub(r"\g<1>utf-8\g<2>", text, count=1).encode("utf-8"), f"{media}; charset=utf-8"


def entry_artifacts(
    entry: dict[str, Any], models: Models, tier: Openness, zones: Mapping[str, int] | None = None
) -> list[Artifact]:
    """One artifact per distinct model id that `entry` mentions; ValueError if it has no readable
    date (an entry without one that mentions no model gives nothing, silently). `zones`: zone
    names the feed's language gives another offset (seconds east of UTC), see `read_feed_date`."""
    ids = list(dict.fromkeys(i for text in entry_texts(entry) for i in model_ids(text, models)))
    if not ids:
        return []
    date = entry_date(entry, zones)
    day = day_of(date)
    if day is None:
        given = text_or_none(dict.get(entry, "published")) or text_or_none(dict.get(entry, "updated"))
        raise ValueError(f"unreadable date {given[:60]!r}" if given else "no date")
    title = text_or_none(entry.get("title"))
    entry_id = text_or_none(entry.get("id"))
    link = text_or_none(entry.get("link"))
    raw = {
        "id": entry_id,
        "title": title,
        "link": link,
        "published": text_or_none(dict.get(entry, "published")),
        "updated": text_or_none(dict.get(entry, "updated")),
    }
    return [
        Artifact(
            external_id=f"{model_id}@{day}",
            name=model_id,
            url=link,
            date=date,
            date_kind=DateKind.ANNOUNCED,
            tier_hint=tier,
            extra={"title": title, "entry_id": entry_id},
            raw=raw,
        )
        for model_id in ids
    ]


def entry_date(entry: dict[str, Any], zones: Mapping[str, int] | None = None) -> str | None:
    """The raw `published`, else `updated`, read by `read_feed_date`, as ISO UTC; None if neither reads.

    Read with `dict.get`: feedparser's own lookup maps a missing `updated` to `published`
    with a deprecation warning.
    """
    for key in ("published", "updated"):
        value = text_or_none(dict.get(entry, key))
        date = read_feed_date(value, zones) if value else None
        if date:
            return date
    return None


def read_feed_date(text: str, zones: Mapping[str, int] | None = None) -> str | None:
    """A feed's date text → ISO UTC: RFC 822 (any weekday word, US zone names) by the standard
    library; else, or when its zone is one the standard library cannot place or one `zones`
    (name → seconds east of UTC) overrides, by `relwatch.dates`; no zone means UTC. `GMT+8` is
    UTC+8, and a zone name after a numeric offset is left to the offset (`dates.tidy_zone`)."""
    text = tidy_zone(text)
    words = text.split()
    if zones and words and words[-1].upper() in zones:
        return normalise_time(text, zones=zones)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return normalise_time(text, zones=zones)
    if moment.tzinfo is None:  # no zone, `-0000`, or a zone it does not know (`JST`, `+08:00`)
        return normalise_time(text, zones=zones)
    try:
        return iso_utc(moment)
    except (OverflowError, ValueError):
        return None


def entry_texts(entry: dict[str, Any]) -> list[str]:
    """The title, then each text fragment of the summary and contents (HTML taken apart by element)."""
    texts = [text_or_none(entry.get("title")) or ""]
    bodies = [entry.get("summary"), *(c.get("value") for c in entry.get("content") or [] if isinstance(c, Mapping))]
    for body in dict.fromkeys(b for b in bodies if isinstance(b, str) and b):
        texts.extend(html_fragments(body))
    return texts


def html_fragments(markup: str) -> Iterable[str]:
    """The text nodes of an HTML fragment, so that an id in `<code>` never runs into its neighbours."""
    from bs4 import BeautifulSoup  # imported here for the same reason as feedparser

    return list(BeautifulSoup(markup, "html.parser").stripped_strings)
