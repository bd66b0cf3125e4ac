"""Read how long a host wants us to wait, from the headers the real APIs send.

- `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
- Hugging Face: `RateLimit: "api";r=<remaining>;t=<seconds until reset>` (IETF draft v9).
- GitHub: `x-ratelimit-remaining: 0` with `x-ratelimit-reset: <epoch seconds>`; its secondary
  limit is a 403 with `Retry-After` while requests remain (docs.github.com, "Rate limits for the
  REST API").
- OpenRouter: `X-RateLimit-Reset` in epoch *milliseconds* (sources-reference.md). A reset value
  above 10^11 cannot be epoch seconds (that is the year 5138), so it is read as milliseconds.

A value that is malformed (not ASCII digits, absurdly long, inf, nan, negative) is ignored, so
the caller falls back to its backoff policy. Every wait is capped at PARK_LIMIT.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

PARK_LIMIT = 7 * 24 * 3600.0  # seconds: the longest a host can make relwatch leave a source alone
MILLISECONDS_ABOVE = 10**11  # an epoch value this large is in milliseconds
DIGITS = re.compile(r"[0-9]{1,15}", re.ASCII)
RATELIMIT_ITEM = re.compile(r'"?(?P<name>[^";,]*)"?\s*;\s*(?P<params>[^,]*)')


def _number(value: str | None) -> float | None:
    """ASCII digits (at most 15) → float; anything else → None."""
    if value is None:
        return None
    value = value.strip()
    return float(value) if DIGITS.fullmatch(value) else None


def _bounded(seconds: float) -> float | None:
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), PARK_LIMIT)


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds a `Retry-After` header asks for (now: epoch seconds); None if absent or malformed."""
    value = headers.get("retry-after")
    if value is None:
        return None
    number = _number(value)
    if number is not None:
        return _bounded(number)
    try:
        return _bounded(parsedate_to_datetime(value.strip()).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def draft_ratelimit_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until reset when a `RateLimit` header says nothing remains; None otherwise."""
    value = headers.get("ratelimit")
    if not value:
        return None
    for match in RATELIMIT_ITEM.finditer(value):
        params = dict(part.strip().split("=", 1) for part in match["params"].split(";") if "=" in part)
        remaining = _number(params.get("r", "1"))
        reset = _number(params.get("t", "0"))
        if remaining == 0 and reset is not None:
            return _bounded(reset + 1.0)
    return None


def github_reset_seconds(headers: Mapping[str, str], now: float, *, limited: bool = False) -> float | None:
    """Seconds until `x-ratelimit-reset` (epoch seconds, or milliseconds when above 10^11) when
    `x-ratelimit-remaining` is zero or the answer was a 429 (`limited`); None otherwise."""
    if headers.get("x-ratelimit-remaining") != "0" and not limited:
        return None
    reset = _number(headers.get("x-ratelimit-reset"))
    if reset is None:
        return None
    if reset > MILLISECONDS_ABOVE:
        reset /= 1000.0
    return _bounded(reset - now)


def is_secondary_limit(headers: Mapping[str, str], wait: float | None) -> bool:
    """A 403 that is a rate limit: nothing remains, or the host names a wait (GitHub's secondary limit)."""
    return headers.get("x-ratelimit-remaining") == "0" or (wait is not None and "retry-after" in headers)


def wait_seconds(headers: Mapping[str, str], now: float, *, limited: bool = False) -> float | None:
    """The longest wait any of the known headers asks for (seconds, at most PARK_LIMIT), or None.

    `limited`: the answer was a 429, so a reset time counts even without `remaining: 0`.
    """
    hints = [
        retry_after_seconds(headers, now),
        draft_ratelimit_seconds(headers),
        github_reset_seconds(headers, now, limited=limited),
    ]
    known = [h for h in hints if h is not None]
    return max(known) if known else None
