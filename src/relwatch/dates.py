"""Normalise the many ways sources write a time into ISO 8601 UTC strings.

Times become `YYYY-MM-DDTHH:MM:SSZ`; a value that only names a day stays `YYYY-MM-DD` and a
month-only value (models.dev has them) stays `YYYY-MM`, so no precision is invented.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
import warnings
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any, cast

DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_ONLY = re.compile(r"^\d{4}-\d{2}$")
# Already UTC to the second (Hugging Face's `2024-05-01T12:34:56.000Z`): only the fraction goes.
UTC_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$")


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    return iso_utc(datetime.now(UTC))


def normalise_time(value: object, naive_tz: tzinfo = UTC, zones: Mapping[str, int] | None = None) -> str | None:
    """An epoch number or a date/time string → ISO UTC; None for what cannot be read.

    A string of digits is an epoch number when it has 9 digits or more (seconds since 1973, or
    milliseconds), a day when it is 8 (`20250715`), and unreadable when shorter (`2025` is a year,
    not second 2,025 of 1970). A zone name is read by `ZONE_NAMES`, with `zones` (name → offset
    in seconds east of UTC) taking precedence; a zone name neither knows makes the text unreadable.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not 0 < value < 1e15:  # past year 33658 even in milliseconds: no time a source means
            return None
        seconds = value / 1000 if value > 10_000_000_000 else value
        try:
            return iso_utc(datetime.fromtimestamp(seconds, UTC))
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, datetime):
        return iso_utc(value if value.tzinfo else value.replace(tzinfo=naive_tz))
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if UTC_Z.match(text):
        return text[:19] + "Z" if _is_day(text[:10]) else None
    if DAY_ONLY.match(text):
        return text if _is_day(text) else None
    if MONTH_ONLY.match(text):
        return text if 1 <= int(text[5:]) <= 12 else None
    if text.isdigit():
        return _digits(text)
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)  # the common case, and much faster than dateutil
    except ValueError:
        parsed = _parse_loosely(text, zones)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=naive_tz)
    try:
        return iso_utc(parsed)
    except (OverflowError, ValueError):  # a zone that pushes year 1 or 9999 past the calendar
        return None


def read_time(value: object, naive_tz: tzinfo = UTC) -> str | None:
    """`normalise_time`, but a value that is present and unreadable raises ValueError naming it.

    For the date an item is keyed or dated by: an impossible date (`2025-04-31`) is the item's
    fault, and the caller skips the item and counts it rather than store it undated.
    """
    if value is None or value == "":
        return None
    normalised = normalise_time(value, naive_tz)
    if normalised is None:
        raise ValueError(f"unreadable date {str(value)[:60]!r}")
    return normalised


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _digits(text: str) -> str | None:
    """A string of digits: an epoch number from 9 digits on, a `YYYYMMDD` day at 8, else None."""
    if len(text) >= 9:
        return normalise_time(int(text))
    if len(text) == 8:
        day = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        return day if text.isascii() and _is_day(day) else None
    return None


_HOUR = 3600
# Zone names a feed or page may end a time with (offsets in seconds east of UTC): RFC 822's own
# (as `email.utils` reads them; CST is US Central there), and names that mean one offset only —
# Japan, Korea, Hong Kong, Singapore, central and eastern Europe in English and German (MEZ/MESZ,
# OEZ/OESZ), British Summer Time, Australian Eastern. Ambiguous ones (IST: India, Ireland or
# Israel) are left out, so a time written with them is unreadable rather than off by hours.
ZONE_NAMES: dict[str, int] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CST": -6 * _HOUR, "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR,
    "AST": -4 * _HOUR, "ADT": -3 * _HOUR,
    "JST": 9 * _HOUR, "KST": 9 * _HOUR, "HKT": 8 * _HOUR, "SGT": 8 * _HOUR,
    "CET": _HOUR, "MEZ": _HOUR, "CEST": 2 * _HOUR, "MESZ": 2 * _HOUR,
    "EET": 2 * _HOUR, "OEZ": 2 * _HOUR, "EEST": 3 * _HOUR, "OESZ": 3 * _HOUR,
    "WET": 0, "WEZ": 0, "WEST": _HOUR, "WESZ": _HOUR, "BST": _HOUR,
    "AEST": 10 * _HOUR, "AEDT": 11 * _HOUR,
}  # fmt: skip

# Month names and abbreviations in German, French, Spanish, Italian and Portuguese (as
# localised feeds and pages write them, accents or not), to the English ones dateutil reads.
_LOCAL_MONTHS = {
    "jan": ("januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro"),
    "feb": ("februar", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "fevereiro", "fev"),
    "mar": ("märz", "maerz", "mär", "mrz", "mars", "marzo", "março", "marco"),
    "apr": ("avril", "avr", "abril", "abr", "aprile"),
    "may": ("mai", "mayo", "maggio", "mag", "maio"),
    "jun": ("juni", "juin", "junio", "giugno", "giu", "junho"),
    "jul": ("juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    "aug": ("août", "aout", "agosto", "ago"),
    "sep": ("septembre", "septiembre", "setiembre", "settembre", "setembro", "set"),
    "oct": ("oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"),
    "nov": ("novembre", "noviembre", "novembro"),
    "dec": ("dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "dezembro"),
}
_MONTH_WORD = {word: english for english, words in _LOCAL_MONTHS.items() for word in words}
_ENGLISH_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ENGLISH_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_NUMBERS = {
    **{word: _ENGLISH_MONTHS.index(english) + 1 for word, english in _MONTH_WORD.items()},
    **{name: number for number, full in enumerate(_ENGLISH_MONTH_NAMES, 1) for name in (full, full[:3])},
    "sept": 9,
}
# The patterns below serve only dates that fromisoformat cannot read: they are compiled on first
# use (`re`'s cache keeps them), not when a command that never meets such a date starts.
_LOCAL_MONTH = r"(?i)(?<![^\W\d_])(" + "|".join(sorted(_MONTH_WORD, key=len, reverse=True)) + r")(?![^\W\d_])\.?"
# `2025年07月15日 10:00` and `2025년 7월 15일` (CJK year/month/day marks), `7月` alone; a leading
# weekday in any language (`Mo, 25 Jun 2018`, `周一, …`); a CJK weekday after the date
# (`星期二`, `周二`, `(火)`, `（화）`, `화요일`); the Spanish and Portuguese `de` of `15 de julio de 2025`.
_CJK_DATE = r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(?:(\d{1,2})\s*[日号일])?"
_CJK_MONTH = r"(?<!\d)(\d{1,2})\s*月"
_LEADING_WEEKDAY = r"^\s*[^\W\d]{1,12}\.?,\s*(?=\d)"
_CJK_WEEKDAY = (
    r"\(\s*[月火水木金土日一二三四五六天월화수목금토일]\s*\)|(?:星期|礼拜|[周週])[一二三四五六日天]|[월화수목금토일]요일"
)
_OF = r"(?i)(?<=[\d\s])de(?=\s)"
# `GMT+8`, `UTC+08:00`: an offset written after the name of UTC, meant as UTC+8 (POSIX, and so
# dateutil, would read it as UTC-8); and a zone name or comment after a numeric offset
# (`+0800 (CST)`, `+0800 CST`), which the offset already says.
_NAMED_OFFSET = r"\b(?:GMT|UTC|UT)\s*([+-])(\d{1,2})(?::?(\d{2}))?(?!\d)"
_ZONE_AFTER_OFFSET = r"([+-]\d{2}:?\d{2})\s*(?:\([^)]{1,40}\)|[A-Za-z]{2,5})\s*$"
# Morning and afternoon before a time (Chinese 上午/下午, Japanese 午前/午後, Korean 오전/오후),
# hours and minutes marked `時`/`分` as well as by colons (`午後3時`, `下午3:00`).
_AFTERNOON = ("下午", "午後", "오후")
_HALF_DAY = (
    r"(?P<mark>上午|下午|午前|午後|오전|오후)\s*(?P<hour>\d{1,2})(?:\s*[:時时시]\s*(?P<minute>\d{2})?)?"
    r"(?:\s*[:分분]\s*(?P<second>\d{2})?)?\s*[秒초]?"
)
# Two far-apart defaults: a date part that dateutil fills from them was not in the text.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def month_number(word: str) -> int | None:
    """1-12 for a month name or its abbreviation in English, German, French, Spanish, Italian or
    Portuguese (`June`, `Jun`, `Sept`, `juin`, `Juli`, `Mär`, `déc`; any case), else None."""
    return _MONTH_NUMBERS.get(word.lower())


def tidy_zone(text: str) -> str:
    """`text` with `GMT+8` / `UTC+08:00` written as the offset they mean (`+0800`) and a zone name
    or comment after a numeric offset left out (`+0800 (CST)` → `+0800`)."""
    text = re.sub(_NAMED_OFFSET, lambda m: f"{m[1]}{int(m[2]):02d}{m[3] or '00'}", text)
    return re.sub(_ZONE_AFTER_OFFSET, r"\1", text)


def _half_day(match: re.Match[str]) -> str:
    hour = int(match["hour"]) % 12 + (12 if match["mark"] in _AFTERNOON else 0)
    return f" {hour:02d}:{match['minute'] or '00'}:{match['second'] or '00'} "


def _parse_loosely(text: str, zones: Mapping[str, int] | None = None) -> datetime | None:
    """What fromisoformat cannot read, by dateutil; never completed from today's date.

    Reads `2016/6/29 15:07:41`, `2025/07/15`, `2025年07月15日 10:00`, `2025년 7월 15일`, full-width
    digits, German, French, Spanish, Italian and Portuguese month names, CJK morning and afternoon
    marks (`下午3:00`, `午後3時`), offsets after UTC's name (`GMT+8`, see `tidy_zone`), and RFC 822
    dates with a localised weekday; a text without a full year-month-day, or whose zone name is neither in
    `zones` nor in `ZONE_NAMES`, gives None.
    """
    # only for what fromisoformat cannot read; imported by name as dateutil ships no type hints
    dateparser: Any = importlib.import_module("dateutil.parser")
    text = tidy_zone(unicodedata.normalize("NFKC", text).strip())
    try:
        moment: datetime = dateparser.isoparse(text)
        return moment
    except (ValueError, OverflowError):
        pass
    cleaned = re.sub(_CJK_DATE, lambda m: f"{m[1]}-{m[2]}-{m[3] or ''} ", re.sub(_HALF_DAY, _half_day, text))
    cleaned = re.sub(
        _CJK_MONTH, lambda m: f" {_ENGLISH_MONTHS[int(m[1]) - 1]} " if 1 <= int(m[1]) <= 12 else m[0], cleaned
    )
    cleaned = re.sub(_CJK_WEEKDAY, " ", cleaned)
    cleaned = re.sub(_LEADING_WEEKDAY, "", cleaned).strip()
    cleaned = re.sub(_OF, " ", re.sub(_LOCAL_MONTH, lambda m: _MONTH_WORD[m[1].lower()], cleaned))
    names = {**ZONE_NAMES, **(zones or {})}
    try:
        with warnings.catch_warnings():
            # dateutil warns of a zone name it cannot place, and leaves the time without a zone
            warnings.simplefilter("error", dateparser.UnknownTimezoneWarning)
            first, second = (cast(datetime, dateparser.parse(cleaned, default=d, tzinfos=names)) for d in _DEFAULTS)
    except (ValueError, OverflowError, dateparser.UnknownTimezoneWarning):
        return None
    return first if first.date() == second.date() else None


def day_of(value: str | None) -> str | None:
    """The `YYYY-MM-DD` part of a normalised value (None for month-only or missing)."""
    if not value or len(value) < 10:
        return None
    return value[:10]
