"""Normalise the many ways sources write a time into ISO 8601 UTC strings.

Times become `YYYY-MM-DDTHH:MM:SSZ`; a value that only names a day stays `YYYY-MM-DD` and a
month-only value (models.dev has them) stays `YYYY-MM`, so no precision is invented.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

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
        if value <= 0:
            return None
        seconds = value / 1000 if value > 10_000_000_000 else value
        return iso_utc(datetime.fromtimestamp(seconds, UTC))
    if isinstance(value, datetime):
        return iso_utc(value if value.tzinfo else value.replace(tzinfo=naive_tz))
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if UTC_Z.match(text):
        return text[:19] + "Z" if _is_day(text[:10]) else None
    if DAY_ONLY.match(text) or MONTH_ONLY.match(text):
        return text
    if text.isdigit():
        return normalise_time(int(text))
    try:
        parsed = datetime.fromisoformat(text)  # the common case, and much faster than dateutil
    except ValueError:
        parsed = _parse_loosely(text)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=naive_tz)
    return iso_utc(parsed)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _parse_loosely(text: str) -> datetime | None:
    from dateutil import parser as dateparser  # only for what fromisoformat cannot read

    try:
        return dateparser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            return dateparser.parse(text)
        except (ValueError, OverflowError):
            return None


def day_of(value: str | None) -> str | None:
    """The `YYYY-MM-DD` part of a normalised value (None for month-only or missing)."""
    if not value or len(value) < 10:
        return None
    return value[:10]
