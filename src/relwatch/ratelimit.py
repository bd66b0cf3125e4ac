"""Read how long a host wants us to wait, from the headers the real APIs send.

- `Retry-After`: delay-seconds or an HTTP date (RFC 9110).
- Hugging Face: `RateLimit: "api";r=<remaining>;t=<seconds until reset>` (IETF draft v9).
- GitHub: `x-ratelimit-remaining: 0` with `x-ratelimit-reset: <epoch seconds>`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

RATELIMIT_ITEM = re.compile(r'"?(?P<name>[^";]*)"?\s*;\s*(?P<params>[^,]*)')


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


def draft_ratelimit_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until reset when a `RateLimit` header says nothing remains."""
    value = headers.get("ratelimit")
    if not value:
        return None
    for match in RATELIMIT_ITEM.finditer(value):
        params = dict(part.strip().split("=", 1) for part in match["params"].split(";") if "=" in part)
        try:
            if int(params.get("r", "1")) <= 0:
                return float(params.get("t", "0")) + 1.0
        except ValueError:
            continue
    return None


def github_reset_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until `x-ratelimit-reset` when `x-ratelimit-remaining` is zero."""
    if headers.get("x-ratelimit-remaining") != "0":
        return None
    try:
        return max(0.0, float(headers["x-ratelimit-reset"]) - now)
    except (KeyError, ValueError):
        return None


def wait_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """The longest wait any of the known headers asks for, or None."""
    hints = [
        retry_after_seconds(headers, now),
        draft_ratelimit_seconds(headers),
        github_reset_seconds(headers, now),
    ]
    known = [h for h in hints if h is not None]
    return max(known) if known else None
