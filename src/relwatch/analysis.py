"""Questions answered from store rows: pure functions, no I/O."""

from __future__ import annotations

from datetime import date


def as_day(value: str) -> date:
    """`YYYY-MM-DD…` → that day; `YYYY-MM` → the first of the month."""
    return date.fromisoformat(value[:10] if len(value) >= 10 else value[:7] + "-01")


def days_between(earlier: str, later: str) -> int:
    return (as_day(later) - as_day(earlier)).days
