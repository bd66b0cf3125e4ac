"""A vendor's release-notes page: dated sections, and the model ids each one mentions.

`GET url` (its scheme and host replaced by `base_url`'s when one is set). The page is read as
Markdown or plain text when it is served as `text/markdown` / `text/plain` or its URL ends in
`.md` / `.txt`, and as HTML (BeautifulSoup, "html.parser") otherwise.

- Sections. HTML: every h1–h4 or dt, and every p/strong, whose whole text is a date starts a
  section, as does a heading holding a `<time datetime>`, a time element standing alone, and a
  list item that opens with a date (a news list: its own text is the section); text in nav,
  aside and footer is left out. With the `section` and `date_selector` options the page says
  instead which elements are sections and where their dates are. Text: a line that is a date
  (`## January 29, 2026`, `**29 Jan 2026**`, `2026年1月29日`), or a list item opening with one
  (`- 2025-06-03：…`), starts a section. Either way a section runs to the next date, or to a
  non-date heading of its own level or above (a date in a p, strong or bold line sits at the
  level of the heading before it). Dates are read in the forms of `parse_day` (English and
  other languages' month names, ISO, slashed and dotted days, CJK and Korean marks, full-width
  digits; a weekday, a `Date:` label or a CJK weekday around them), a day without its year
  (`6月3日`, `June 3`) taking the year of the heading above that names one. Each (model id, day)
  gives one artifact, dated by the section: `announced`; its URL is the page's, with the date
  heading's id as fragment when it has one.
- Release tables. A table whose header has a release-date column (`date_column`: "release" or
  "launch", 发布时间 / 上线时间, リリース日 / 公開日, 출시일; else 更新时间 / 更新日期; else a
  header that is only "date" / 日期; the Gemini deprecations page: `| Model | Release date |
  Shutdown date | Recommended replacement |`) gives one artifact per model id in a row's model
  column, dated by that row's release date: `published`, since it is the model's release date
  and not a note's.

The layout relied on is only this: dates as whole heading texts (or table cells, or the
opening of a list item), ids written
as the `models` pattern says (see `relwatch.sources.mentions` for text that lost its markup).
A page with no dated section and no dated table row is an error (its layout has probably
changed); a page whose sections name no model is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from relwatch.dates import month_number
from relwatch.errors import SourceError
from relwatch.kinds import ChangelogOptions, options_as
from relwatch.models import Artifact, DateKind, Openness
from relwatch.patterns import Models, compile_models
from relwatch.sources.base import Page, follow_pages
from relwatch.sources.charsets import charset_of, decode_page
from relwatch.sources.items import Parsed, parse_each
from relwatch.sources.mentions import (
    ELLIPSIS,
    EXCERPT_LIMIT,
    Mention,
    find_mentions,
    page_url,
    sentence_around,
)

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

OPTIONS = ChangelogOptions
COMPLETE_LISTING = False  # release notes are trimmed and rewritten: a missing entry is not a gone model
STEADY_COUNT = True

TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_SUFFIXES = (".md", ".txt", ".markdown")

_MONTH = r"(?<![^\W\d_])(?P<month>[^\W\d_]{3,10})\.?"  # a month name in any of the languages `month_number` reads
_ORDINAL = r"(?:st|nd|rd|th)?"
_OF = r"(?:\s+de)?"  # `3 de junio de 2025`
DAY_FORMS = (
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?P<day>\d{{1,2}})(?:{_ORDINAL}|\.){_OF}\s+{_MONTH},?{_OF}\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"),  # `03.06.2025`, day first
    re.compile(r"(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日号일]"),
)
# Whole-text dates of a month only (`## April 2025`, `2025年4月`, `2025-06`): sections and table
# cells dated by month keep month precision, `YYYY-MM`, as models.dev dates do.
MONTH_FORMS = (
    re.compile(rf"{_MONTH},?{_OF}\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?P<year>\d{4})[-/](?P<month>\d{1,2})"),
    re.compile(r"(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월](?:份)?"),
)
# A day without its year (`12月26日`, `June 3`, `3 June`) under a heading that names the year
# (`## 2025年`, `## 2025`): the year comes from that heading.
YEARLESS_DAY = (
    re.compile(r"(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日号일]"),
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}", re.IGNORECASE),
    re.compile(rf"(?P<day>\d{{1,2}})(?:{_ORDINAL}|\.){_OF}\s+{_MONTH}", re.IGNORECASE),
)
# What may stand around a date in a date heading: a weekday before it (`Tuesday, June 3, 2025`),
# a label that says the date is a release's, ending in a colon (`Date:`, `Released:`, `发布日期：`;
# never "Last updated" or "Shutdown date", which date no release), a CJK weekday after it
# (`（火）`, `星期二`).
LEADING_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,\s*"
    r"|^(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mo|di|mi|do|fr|sa|so)\.?,\s*"
    r"|^(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)\.?,\s*"
    r"|^(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|mié|jue|vie|sáb)\.?,\s*",
    re.IGNORECASE,
)
LEADING_LABEL = re.compile(
    r"^(?:date|release date|released(?: on)?|published(?: on)?|posted(?: on)?"
    r"|日期|发布日期|发布时间|发布于|公開日|リリース日|출시일)\s*:\s*",
    re.IGNORECASE,
)
TRAILING_WEEKDAY = re.compile(
    r"\s*(?:\(\s*[月火水木金土日一二三四五六天월화수목금토일]\s*\)|(?:星期|礼拜|[周週])[一二三四五六日天]|[월화수목금토일]요일)$"
)
HEADING_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")
# Characters that vendors' pages scatter through text and that mean nothing: zero-width spaces and
# joiners, the byte-order mark, soft hyphens; non-breaking spaces read as spaces.
INVISIBLE = str.maketrans(
    {
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        "\u00a0": " ",
        "\u202f": " ",
        "\u3000": " ",
    }
)
# Release-table date columns, best first: a header that names a release or launch (English
# "release" / "launch"; Chinese 发布时间 / 发布日期 / 上线时间; Japanese リリース / 公開 / 発表;
# Korean 출시), else one that names an update (Chinese product-update tables: 更新时间 / 更新日期;
# Japanese 更新日), else a header that is only "date" (日期, 时间, 日付, 날짜). A table whose
# only date column names something else ("Shutdown date") is no release table.
RELEASE_HEADERS = (
    ("release", "launch", "发布时间", "发布日期", "上线时间", "上线日期", "リリース", "公開", "発表", "출시"),
    ("更新时间", "更新日期", "更新日"),
)
DATE_HEADERS = ("date", "日期", "时间", "時間", "日付", "날짜")
MODEL_HEADERS = ("model", "模型", "モデル", "모델")
NAME_HEADERS = ("name", "名称", "名前", "이름")
MARKUP = "#*_:： \t"  # heading marks, bold/italic marks and a trailing colon around a date line

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
DATE_HEADING_TAGS = {"h1", "h2", "h3", "h4", "dt", "p", "strong", "b"}
CHROME_TAGS = {"nav", "aside", "footer", "script", "style", "noscript", "template", "head"}
BLOCK_TAGS = {
    "address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "html", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "td", "th", "tr", "ul",
}  # fmt: skip
MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_LIST_MARK = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s+")
MD_TABLE_RULE = re.compile(r"^:?-+:?$")

Cell = tuple[str, list[str]]  # a table cell's plain text, and its text fragments (inline code kept apart)


@dataclass(kw_only=True)
class Section:
    """A dated part of the page; each block is a paragraph-like run of text, kept as its fragments."""

    heading: str
    day: str
    anchor: str | None = None
    rank: int = 0  # heading level 1–6 it sits at (0: none); a non-date heading at that level or above ends it
    blocks: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Row:
    """A dated row of a release table: its cells by header, and the fragments of its model cell."""

    heading: str | None
    cells: dict[str, str]
    model_fragments: list[str]
    day: str


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    options = options_as(source.options, ChangelogOptions)
    models, tier = compile_models(options.models, options.ignore_case), options.tier

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        content_type = fetched.headers.get("content-type", "")
        # bytes, so that a charset named only in a <meta> tag, or named nowhere, is found too
        artifacts = parse_changelog(
            fetched.content,
            url=fetched.url,
            content_type=content_type,
            models=models,
            tier=tier,
            section=options.section,
            date_selector=options.date_selector,
        )
        return artifacts, None

    return follow_pages(session, page_url(options.url, source.base_url), parse_page)


def parse_changelog(
    page: str | bytes,
    *,
    url: str,
    content_type: str,
    models: Models,
    tier: Openness = Openness.API,
    section: str | None = None,
    date_selector: str | None = None,
) -> Parsed:
    """A release-notes page → one artifact per (model id, day); a release table's row wins over a section.

    A mention that cannot be stored (an id past 512 characters or holding control characters:
    see `base.check_artifact`) is listed in `skipped`, and the rest of the page kept.

    `page` is text, or the bytes as served: then the charset comes from `content_type`, else
    from the page's own `<meta>`, else it is sniffed (see `decode_page`).
    """
    if is_text(content_type, url):
        text = page if isinstance(page, str) else decode_page(page, charset_of(content_type))
        sections, rows = read_text(text)
    else:
        sections, rows = read_html(page, charset=charset_of(content_type), section=section, date_selector=date_selector)
    if not sections and not rows:
        raise SourceError(f"no dated sections found in {url}: the page layout may have changed")
    found: dict[str, Artifact] = {}
    for row in rows:
        for artifact in row_artifacts(row, url, models, tier):
            found.setdefault(artifact.external_id, artifact)
    for part in sections:
        for artifact in section_artifacts(part, url, models, tier):
            found.setdefault(artifact.external_id, artifact)
    return parse_each(found.values(), lambda artifact: artifact, url)


def is_text(content_type: str, url: str) -> bool:
    """Markdown or plain text by the served type; by the URL's suffix when the type says neither."""
    media = content_type.split(";")[0].strip().lower()
    if media in TEXT_TYPES:
        return True
    if media in HTML_TYPES:
        return False
    return urlsplit(url).path.lower().endswith(TEXT_SUFFIXES)


# -- dates ----------------------------------------------------------------------------------


def parse_day(text: str, year: str | None = None) -> str | None:
    """`YYYY-MM-DD`, or `YYYY-MM` for a month, if the whole of `text` is a date in a form release
    notes use (see `date_text` for what may stand around it); `year` completes a day written
    without one (`12月26日`, `June 3`)."""
    cleaned = date_text(text)
    for form in DAY_FORMS:
        match = form.fullmatch(cleaned)
        if match:
            return _day(match)
    for form in MONTH_FORMS:
        match = form.fullmatch(cleaned)
        if match:
            return _month(match)
    for form in YEARLESS_DAY if year else ():
        match = form.fullmatch(cleaned)
        if match:
            month = _month_of(match)
            try:
                return date(int(year or 0), month or 0, int(match["day"])).isoformat()
            except ValueError:
                return None
    return None


def date_text(text: str) -> str:
    """`text` as a date to read: Markdown links, heading and bold marks, invisible characters and
    extra spaces gone, full-width digits and signs made ASCII (NFKC), and a leading weekday
    (`Tuesday,`), a release label (`Date:`, `发布日期：`: `LEADING_LABEL`) or a CJK weekday after it
    (`（火）`) left out."""
    cleaned = " ".join(MD_LINK.sub(r"\1", text).translate(INVISIBLE).split())
    cleaned = unicodedata.normalize("NFKC", cleaned).strip(MARKUP)
    cleaned = LEADING_LABEL.sub("", LEADING_WEEKDAY.sub("", cleaned))
    return TRAILING_WEEKDAY.sub("", cleaned).strip(MARKUP)


def heading_year(heading: str | None) -> str | None:
    """The year a heading names (`2025年`, `Updates in 2025`), for dates written without one."""
    match = HEADING_YEAR.search(heading.translate(INVISIBLE)) if heading else None
    return match["year"] if match else None


ITEM_SEPARATOR = re.compile(r"\s*(?:[:|·—–]|\s-\s)\s*")
DATE_START = re.compile(r"^[*_\[\s]*(?:\d|(?P<word>[^\W\d_]+))")


def leading_day(text: str, year: str | None = None) -> str | None:
    """The date a news-list item starts with (`2025-06-03：…`, `**2025-06-03** …`, `June 3, 2025 —
    …`, `2025-06-03 qwen3 上线`), when text follows it; None otherwise. The item must open with a
    digit or a month name, so that a label (`Note: 2025-06-03 is the shutdown date`) dates nothing."""
    cleaned = unicodedata.normalize("NFKC", " ".join(text.translate(INVISIBLE).split()))
    start = DATE_START.match(cleaned)
    if start is None or (start["word"] and month_number(start["word"]) is None):
        return None
    head, *rest = ITEM_SEPARATOR.split(cleaned, maxsplit=1)
    if rest and rest[0]:
        day = parse_day(head, year)
        if day:
            return day
    words = cleaned.split(" ")
    for count in range(min(4, len(words) - 1), 0, -1):
        day = parse_day(" ".join(words[:count]), year)
        if day:
            return day
    return None


def find_day(text: str) -> str | None:
    """The first date anywhere in `text`."""
    cleaned = " ".join(text.translate(INVISIBLE).split())
    for form in DAY_FORMS:
        for match in form.finditer(cleaned):
            day = _day(match)
            if day:
                return day
    return None


def _month_of(match: re.Match[str]) -> int | None:
    text = match["month"]
    month = int(text) if text.isdigit() else month_number(text)
    return month if month is not None and 1 <= month <= 12 else None


def _month(match: re.Match[str]) -> str | None:
    month = _month_of(match)
    return None if month is None else f"{int(match['year']):04d}-{month:02d}"


def _day(match: re.Match[str]) -> str | None:
    month = _month_of(match)
    if month is None:
        return None
    try:
        return date(int(match["year"]), month, int(match["day"])).isoformat()
    except ValueError:
        return None


# -- artifacts ------------------------------------------------------------------------------


def section_artifacts(part: Section, url: str, models: Models, tier: Openness) -> list[Artifact]:
    """One artifact per distinct id in the section, with the sentence of its first mention."""
    found: dict[str, Artifact] = {}
    link = f"{url.split('#')[0]}#{part.anchor}" if part.anchor else url
    lead = ""
    for fragments in part.blocks:
        block = "".join(fragments)
        mentions = _block_mentions(fragments, models)
        bare = not re.search(r"\w", _without(block, mentions))
        for mention in mentions:
            if mention.model_id in found:
                continue
            excerpt = sentence_around(block, mention.start, mention.end)
            if bare and lead:
                excerpt = _with_lead(lead, excerpt)
            found[mention.model_id] = _artifact(
                mention.model_id, part.day, link, DateKind.ANNOUNCED, tier, part.heading, excerpt
            )
        if not bare:
            lead = sentence_around(block, len(block), len(block))
    return list(found.values())


def _block_mentions(fragments: list[str], models: Models) -> list[Mention]:
    """Mentions found fragment by fragment, placed in the text of the whole block."""
    mentions = []
    offset = 0
    for fragment in fragments:
        mentions += [Mention(m.model_id, offset + m.start, offset + m.end) for m in find_mentions(fragment, models)]
        offset += len(fragment)
    return mentions


def _without(text: str, mentions: list[Mention]) -> str:
    for mention in reversed(mentions):
        text = text[: mention.start] + text[mention.end :]
    return text


def _with_lead(lead: str, excerpt: str) -> str:
    """A bare list item of ids, after the sentence that introduces the list ("…will be shut down:")."""
    text = f"{lead} {excerpt}"
    return text if len(text) <= EXCERPT_LIMIT else ELLIPSIS + text[-(EXCERPT_LIMIT - 1) :]


def row_artifacts(row: Row, url: str, models: Models, tier: Openness) -> list[Artifact]:
    ids = dict.fromkeys(m.model_id for fragment in row.model_fragments for m in find_mentions(fragment, models))
    excerpt = " | ".join(row.cells.values())[:EXCERPT_LIMIT]
    return [
        _artifact(model_id, row.day, url, DateKind.PUBLISHED, tier, row.heading, excerpt, raw=row.cells)
        for model_id in ids
    ]


def _artifact(
    model_id: str,
    day: str,
    url: str,
    kind: DateKind,
    tier: Openness,
    heading: str | None,
    excerpt: str,
    raw: Any = None,
) -> Artifact:
    return Artifact(
        external_id=f"{model_id}@{day}",
        name=model_id,
        url=url,
        date=day,
        date_kind=kind,
        tier_hint=tier,
        extra={"heading": heading, "excerpt": excerpt},
        raw=raw,
    )


# -- Markdown and plain text ----------------------------------------------------------------


def read_text(text: str) -> tuple[list[Section], list[Row]]:
    """Date lines start sections; other lines are blocks of the current one; tables are read whole."""
    text = text.translate(INVISIBLE)
    sections: list[Section] = []
    rows: list[Row] = []
    current: Section | None = None
    heading: str | None = None  # the last heading line, for tables
    year: str | None = None  # the year the last heading naming one names, for days written without it
    last_rank = 0  # of the last `#` heading: a bold or plain date line sits at that level
    for kind, lines in _text_chunks(text.splitlines()):
        if kind == "table":
            table_rows, is_release_table = read_md_table(lines, heading)
            rows.extend(table_rows)
            if current is not None and not is_release_table:
                current.blocks.extend(md_fragments(line) for line in lines)
            continue
        line = lines[0]
        rank = len(line) - len(line.lstrip("#")) if line.startswith("#") else 0
        day = parse_day(line, year)
        if day:
            heading = line.strip(MARKUP)
            year = day[:4]
            current = Section(heading=heading, day=day, rank=rank or last_rank)
            sections.append(current)
            last_rank = rank or last_rank
            continue
        item = MD_LIST_MARK.match(line)
        day = leading_day(line[item.end() :], year) if item else None
        if day:
            current = Section(heading=MD_LINK.sub(r"\1", line[item.end() :] if item else line), day=day, rank=last_rank)
            current.blocks.append(md_fragments(line))
            sections.append(current)
            continue
        if rank:
            heading = line.strip(MARKUP)
            year = heading_year(heading) or year
            last_rank = rank
            if current is not None and current.rank and rank <= current.rank:
                current = None
        if current is not None:
            current.blocks.append(md_fragments(line))
    return sections, rows


def _text_chunks(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """("table", its lines) for each run of `|` lines, ("line", [line]) for each other non-blank line."""
    table: list[str] = []
    for line in lines:
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            yield "table", table
            table = []
        if line.strip():
            yield "line", [line.strip()]
    if table:
        yield "table", table


def md_fragments(line: str) -> list[str]:
    """A Markdown line's text, split at backticks so that inline code stays apart from its words."""
    text = MD_LIST_MARK.sub("", MD_LINK.sub(r"\1", line))
    return [part for part in text.split("`") if part]


def read_md_table(lines: list[str], heading: str | None) -> tuple[list[Row], bool]:
    """A Markdown table → its dated rows, and whether it is a release table at all."""
    grid = [_md_cells(line) for line in lines]
    grid = [cells for cells in grid if not all(MD_TABLE_RULE.match(c.replace(" ", "")) for c in cells if c)]
    if not grid:
        return [], False
    header = [_plain(c) for c in grid[0]]
    body = [[(_plain(c), md_fragments(c)) for c in cells] for cells in grid[1:]]
    return _table_rows(header, body, heading)


def _md_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _plain(cell: str) -> str:
    return " ".join(MD_LINK.sub(r"\1", cell).replace("`", "").replace("**", "").split())


def date_column(headers: list[str]) -> int | None:
    """The index of a table's release-date column among its (lower-case) `headers`, by the order
    of `RELEASE_HEADERS` then `DATE_HEADERS`; None if it has none."""
    for words in RELEASE_HEADERS:
        found = next((i for i, h in enumerate(headers) if any(word in h for word in words)), None)
        if found is not None:
            return found
    return next((i for i, h in enumerate(headers) if h in DATE_HEADERS), None)


def _table_rows(header: list[str], body: list[list[Cell]], heading: str | None) -> tuple[list[Row], bool]:
    """The dated rows of a table whose header has a release-date column (`RELEASE_HEADERS`), and
    whether it has one.

    The model column is the first other one whose header says "model" (`MODEL_HEADERS`), else
    "name" (`NAME_HEADERS`), else the first column that is not the date's. A date without a year
    (`12月26日`) takes the year of the heading above the table.
    """
    lowered = [unicodedata.normalize("NFKC", h.translate(INVISIBLE)).lower().strip(MARKUP) for h in header]
    release = date_column(lowered)
    if release is None:
        return [], False
    others = [i for i in range(len(lowered)) if i != release]
    model = next(
        (i for words in (MODEL_HEADERS, NAME_HEADERS) for i in others if any(w in lowered[i] for w in words)),
        others[0] if others else release,
    )
    year = heading_year(heading)
    rows = []
    for cells in body:
        if len(cells) <= max(release, model):
            continue
        day = parse_day(cells[release][0], year)
        if day is None:
            continue
        named = {header[i] or f"column {i + 1}": text for i, (text, _) in enumerate(cells[: len(header)])}
        rows.append(Row(heading=heading, cells=named, model_fragments=cells[model][1], day=day))
    return rows, True


# -- HTML -----------------------------------------------------------------------------------


def read_html(
    markup: str | bytes, *, charset: str | None = None, section: str | None = None, date_selector: str | None = None
) -> tuple[list[Section], list[Row]]:
    from bs4 import BeautifulSoup  # imported here: slow to import, needed only when a page is read

    soup = BeautifulSoup(decode_page(markup, charset) if isinstance(markup, bytes) else markup, "html.parser")
    rows, release_tables = read_html_tables(soup)
    if section:
        return _select_sections(soup, section, date_selector, release_tables), rows
    if date_selector:
        chosen = {id(el) for el in _select(soup, date_selector, "date_selector")}
        return _walk_sections(soup, lambda tag, year: id(tag) in chosen, release_tables), rows
    texts = short_texts(soup)
    timed = time_headings(soup)

    def is_heading(tag: Tag, year: str | None) -> bool:
        if id(tag) in timed:
            return True
        if tag.name == "li":
            return leading_day(next((t for t in tag.strings if t.strip()), ""), year) is not None
        text = texts.get(id(tag))
        return tag.name in DATE_HEADING_TAGS and text is not None and parse_day(text, year) is not None

    return _walk_sections(soup, is_heading, release_tables), rows


def time_headings(soup: BeautifulSoup) -> set[int]:
    """The elements (by `id`) that a `<time datetime>` holding a date makes date headings: the
    h1–h4 or dt it is in (`<h2>Qwen3 <time datetime="2025-06-03">June 3</time></h2>`); else the
    li it opens (a dated news item); else the p, strong or b whose whole text it is; else the
    time element itself when it stands alone, with no text beside it (`<h2>Title</h2><time
    datetime=…>Jun 3</time><p>…`). A time inside a sentence ("Last updated <time>…") dates
    nothing."""
    from bs4.element import NavigableString

    found: set[int] = set()
    for time in soup.find_all("time"):
        value = time.get("datetime")
        if not isinstance(value, str) or parse_day(value[:10]) is None:
            continue
        holder = time.find_parent(["h1", "h2", "h3", "h4", "dt"])
        parent = time.parent
        if holder is not None:
            found.add(id(holder))
        elif parent is not None and parent.name == "li" and not "".join(_text_before(time)).strip():
            found.add(id(parent))  # `<li><time datetime=…>Jun 3</time> qwen3 is out</li>`
        elif parent is not None and parent.name in ("p", "strong", "b") and _cell_text(parent) == _cell_text(time):
            found.add(id(parent))
        elif parent is not None and not any(type(node) is NavigableString and node.strip() for node in parent.children):
            found.add(id(time))
    return found


def is_date_heading(tag: Tag) -> bool:
    return tag.name in DATE_HEADING_TAGS and parse_day(tag.get_text(" ")) is not None


SHORT_TEXT = 80  # longer than any date heading, so a longer text is never one


def short_texts(root: Tag, limit: int = SHORT_TEXT) -> dict[int, str]:
    """The text of every tag under `root` whose text is at most `limit` characters, by `id(tag)`.

    Built children first in one pass, so that telling date headings apart costs the page's size,
    not its size times its depth (asking each tag for its text walks its whole subtree).
    """
    from bs4.element import CData, NavigableString, Tag

    texts: dict[int, str] = {}
    stack: list[tuple[Tag, bool]] = [(root, False)]
    while stack:
        tag, children_done = stack.pop()
        if not children_done:
            stack.append((tag, True))
            stack.extend((child, False) for child in tag.contents if isinstance(child, Tag))
            continue
        parts: list[str] = []
        total = 0
        for child in tag.contents:
            if isinstance(child, Tag):
                part = texts.get(id(child))
                if part is None:
                    break
            elif type(child) in (NavigableString, CData):
                part = str(child)
            else:
                continue
            parts.append(part)
            total += len(part)
            if total > limit:
                break
        else:
            texts[id(tag)] = " ".join(parts)
    return texts


def read_html_tables(soup: BeautifulSoup) -> tuple[list[Row], list[Tag]]:
    """Dated rows of every release table, and those tables (their text is not section text)."""
    rows: list[Row] = []
    tables = []
    for table in soup.find_all("table"):
        trs = table.find_all("tr")
        if not trs:
            continue
        header = [_cell_text(c) for c in trs[0].find_all(["th", "td"])]
        body = [[(_cell_text(c), [str(s) for s in c.strings]) for c in tr.find_all(["th", "td"])] for tr in trs[1:]]
        heading_tag = table.find_previous(list(HEADING_TAGS))
        heading = _cell_text(heading_tag) if heading_tag else None
        table_rows, is_release_table = _table_rows(header, body, heading)
        if is_release_table:
            rows.extend(table_rows)
            tables.append(table)
    return rows, tables


def _text_before(tag: Tag) -> Iterator[str]:
    """The text of `tag`'s earlier siblings."""
    from bs4.element import NavigableString, Tag

    for sibling in tag.previous_siblings:
        if isinstance(sibling, Tag):
            yield sibling.get_text()
        elif type(sibling) is NavigableString:
            yield str(sibling)


def _walk_sections(
    soup: BeautifulSoup, is_heading: Callable[[Tag, str | None], bool], skip: list[Tag]
) -> list[Section]:
    """Sections from date headings in document order, each running to the next (see module docstring).

    `is_heading(tag, year)` tells date headings; `year` is the one the last heading naming a
    year names, for days written without one (`<h2>2025年</h2><h3>6月3日</h3>`).

    One pass in document order, linear in the page's size whatever its depth: a heading, a
    skipped table or page chrome is not entered, and each text node gets its block element from
    the walk instead of looking through its ancestors.
    """
    from bs4.element import NavigableString, Tag

    sections: list[Section] = []
    current: Section | None = None
    last_block: Tag | None = None
    last_rank = 0  # of the last h1–h6: a date in a p, strong or dt sits at that level
    year: str | None = None
    skipped = {id(tag) for tag in skip}
    closed: set[int] = set()  # tags whose contents the walk leaves out
    for node, block in _preorder(soup, lambda tag: id(tag) not in closed):
        if isinstance(node, Tag):
            if node.name in CHROME_TAGS or id(node) in skipped:
                closed.add(id(node))
                continue
            rank = _rank(node)
            if is_heading(node, year):
                closed.add(id(node))
                last_block = None
                last_rank = rank or last_rank
                day = _element_day(node, year) or ""
                year = day[:4] or year
                current = Section(heading=_cell_text(node), day=day, anchor=_anchor(node), rank=last_rank)
                if node.name == "li":  # a dated news item is a section of its own text
                    current.heading = current.heading[:SHORT_TEXT]
                    current.blocks.append([re.sub(r"\s+", " ", str(t).translate(INVISIBLE)) for t in node.strings])
                sections.append(current)
            elif rank:
                year = heading_year(_cell_text(node)) or year
                last_rank = rank
                if current is not None and current.rank and rank <= current.rank:
                    current = None
            continue
        if current is not None and type(node) is NavigableString:
            last_block = _add_fragment(current, node, block, last_block)
    return [s for s in sections if s.day]


def _preorder(root: Tag, enter: Callable[[Tag], bool]) -> Iterator[tuple[Any, Tag | None]]:
    """Every node under `root` in document order, with its nearest block element (or None).

    A tag's children are walked only if `enter(tag)`, asked once the caller has seen the tag.
    Iterative, so that no depth of nesting reaches Python's recursion limit.
    """
    from bs4 import Tag

    start = root if root.name in BLOCK_TAGS else None
    stack: list[tuple[Any, Tag | None]] = [(child, start) for child in reversed(root.contents)]
    while stack:
        node, block = stack.pop()
        yield node, block
        if isinstance(node, Tag) and enter(node):
            inner = node if node.name in BLOCK_TAGS else block
            stack.extend((child, inner) for child in reversed(node.contents))


def _select_sections(soup: BeautifulSoup, selector: str, date_selector: str | None, skip: list[Tag]) -> list[Section]:
    """Each element `selector` picks is a section, dated by `date_selector` inside it (else its first date heading)."""
    from bs4.element import NavigableString, Tag

    sections = []
    skipped = {id(tag) for tag in skip}
    for element in _select(soup, selector, "section"):
        if date_selector:
            date_element = _select_one(element, date_selector)
        else:
            date_element = next((t for t in element.find_all(True) if t.name == "time" or is_date_heading(t)), None)
        day = _element_day(date_element) if date_element is not None else None
        if day is None or date_element is None or _in_chrome(element):
            continue
        current = Section(heading=_cell_text(date_element), day=day, anchor=_anchor(element))
        last_block = None
        closed = {id(date_element)}

        def enter(tag: Tag, closed: set[int] = closed) -> bool:
            return id(tag) not in closed

        for node, block in _preorder(element, enter):
            if isinstance(node, Tag):
                if node.name in CHROME_TAGS or id(node) in skipped:
                    closed.add(id(node))
            elif type(node) is NavigableString:
                last_block = _add_fragment(current, node, block, last_block)
        sections.append(current)
    return sections


def _add_fragment(section: Section, node: Any, block: Tag | None, last_block: Tag | None) -> Tag | None:
    """Append a text node to the section's current block, or start a block when its block element changes."""
    if block is not last_block or not section.blocks:
        section.blocks.append([])
    section.blocks[-1].append(re.sub(r"\s+", " ", str(node).translate(INVISIBLE)))
    return block


def _element_day(element: Tag, year: str | None = None) -> str | None:
    """A `datetime` attribute, else the element's text as a whole date (`year` completing one
    written without it), else the `datetime` of a `<time>` inside, else the first date in it."""
    attribute = element.get("datetime")
    if isinstance(attribute, str) and attribute:
        return parse_day(attribute[:10])
    text = element.get_text(" ")
    day = parse_day(text, year)
    if day:
        return day
    inner = element.find("time", attrs={"datetime": True})
    value = inner.get("datetime") if inner is not None else None
    return (parse_day(value[:10]) if isinstance(value, str) else None) or find_day(text)


def _select(soup: Any, selector: str, option: str) -> list[Tag]:
    from soupsieve import SelectorSyntaxError

    try:
        return list(soup.select(selector))
    except SelectorSyntaxError as exc:
        raise SourceError(f"option '{option}': '{selector}' is not a CSS selector: {exc}") from None


def _select_one(element: Tag, selector: str) -> Tag | None:
    found = _select(element, selector, "date_selector")
    return found[0] if found else None


def _in_chrome(node: Any) -> bool:
    return any(p.name in CHROME_TAGS for p in node.parents) or getattr(node, "name", None) in CHROME_TAGS


def _anchor(tag: Tag) -> str | None:
    value = tag.get("id")
    return value if isinstance(value, str) and value else None


def _rank(tag: Tag) -> int:
    return HEADING_TAGS.get(tag.name, 0)


def _cell_text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").translate(INVISIBLE).split())
