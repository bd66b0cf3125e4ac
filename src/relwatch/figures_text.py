"""The figures of a `Comparison` as labelled text cells: one row per figure, one cell per vendor.

Shared by `relwatch compare` and the HTML report; built from `analysis.Comparison` only.
"""

from __future__ import annotations

from typing import Any

from relwatch.analysis import TIERS, Comparison, ReleaseRef, VendorFigures
from relwatch.render import human_count
from relwatch.views import dated

MARKS = {
    "open": "O",
    "open-restricted": "R",
    "open-noncommercial": "N",
    "api": "A",
    "hosted": "H",
    "unreleased": "U",
    "unknown": "?",
}


def metric_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per figure, one column per vendor."""
    metrics: list[tuple[str, Any]] = [
        ("releases", lambda v: v.releases),
        ("open weights", lambda v: f"{v.open_weights} ({_percent(v.open_share)})"),
        *[(f"  {tier}", _tier_count(tier)) for tier in TIERS],
        ("licence mix (open)", lambda v: " · ".join(f"{k} {n}" for k, n in v.licence_mix.items() if n) or "-"),
        ("open share by parameters (sized)", _by_parameters),
        ("closed first, open later", _closed_then_open),
        ("still closed", lambda v: _names(v.still_closed)),
        ("largest open model", lambda v: _release(v.largest_open, size=True)),
        ("latest closed flagship", lambda v: _release(v.latest_closed_flagship, size=True)),
        ("median days between releases", lambda v: _number(v.median_days_between_releases)),
        ("releases per quarter", lambda v: _number(v.releases_per_quarter)),
        ("latest open release", lambda v: _release(v.latest_open)),
        ("latest closed release", lambda v: _release(v.latest_closed)),
    ]
    return [{"figure": label, **{v.vendor: get(v) for v in comparison.vendors}} for label, get in metrics]


def _by_parameters(v: VendorFigures) -> str:
    if v.open_share_by_parameters is None:
        return "- (no closed size known)" if v.sized_releases and not v.sized_closed else "-"
    return f"{_percent(v.open_share_by_parameters)} ({v.sized_releases} of {v.releases} sized)"


def _tier_count(tier: str) -> Any:
    return lambda v: v.by_tier.get(tier, 0)


def _closed_then_open(v: VendorFigures) -> str:
    if not v.closed_then_open:
        return "-"
    named = ", ".join(f"{c.name} {c.lag_days} d" for c in v.closed_then_open[:3])
    more = f" +{len(v.closed_then_open) - 3}" if len(v.closed_then_open) > 3 else ""
    return f"{len(v.closed_then_open)}, median {_number(v.median_closed_to_open_days)} d ({named}{more})"


def _release(ref: ReleaseRef | None, size: bool = False) -> str:
    if ref is None:
        return "-"
    details = [dated(ref.date, ref.date_source).replace(" (", ", ").rstrip(")")]
    if size and ref.parameters:
        details.insert(0, human_count(ref.parameters))
    return f"{ref.name} ({', '.join(d for d in details if d)})"


def _names(names: list[str]) -> str:
    if not names:
        return "0"
    return f"{len(names)}: " + ", ".join(names[:4]) + (" …" if len(names) > 4 else "")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"
