"""Normalise the many ways sources write a time into ISO 8601 UTC strings.

Times become `YYYY-MM-DDTHH:MM:SSZ`; a value that only names a day stays `YYYY-MM-DD` and a
month-only value (models.dev has them) stays `YYYY-MM`, so no precision is invented.
"""

from __future__ import annotations

import importlib
import re
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


def normalise_time(value: object, naive_tz: tzinfo = UTC) -> str | None:
    """An epoch number or a date/time string → ISO UTC; None for what cannot be read."""
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
        return normalise_time(int(text))
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)  # the common case, and much faster than dateutil
    except ValueError:
        parsed = _parse_loosely(text)
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


# `2025年07月15日 10:00` (CJK year/month/day marks) and a leading weekday in any language
# (`Mo, 25 Jun 2018`, `周一, …`), which dateutil does not know.
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?")
_LEADING_WEEKDAY = re.compile(r"^\s*[^\W\d]{1,12}\.?,\s*(?=\d)")
# Two far-apart defaults: a date part that dateutil fills from them was not in the text.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def _parse_loosely(text: str) -> datetime | None:
    """What fromisoformat cannot read, by dateutil; never completed from today's date.

    Reads `2016/6/29 15:07:41`, `2025/07/15`, `2025年07月15日 10:00` and RFC 822 dates with a
    localised weekday; a text without a full year-month-day gives None.
    """
    # only for what fromisoformat cannot read; imported by name as dateutil ships no type hints
    dateparser: Any = importlib.import_module("dateutil.parser")
    try:
        moment: datetime = dateparser.isoparse(text)
        return moment
    except (ValueError, OverflowError):
        pass
    cleaned = _CJK_DATE.sub(lambda m: f"{m[1]}-{m[2]}-{m[3] or ''} ", text)
    cleaned = _LEADING_WEEKDAY.sub("", cleaned).strip()
    try:
        first, second = (cast(datetime, dateparser.parse(cleaned, default=d)) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    return first if first.date() == second.date() else None


def day_of(value: str | None) -> str | None:
    """The `YYYY-MM-DD` part of a normalised value (None for month-only or missing)."""
    if not value or len(value) < 10:
        return None
    return value[:10]
