"""How `compare` shows the "price and value" block (relwatch.value): a figure per row, a vendor
per column, the numbers behind each reading, and a warning when a figure rests on little data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from relwatch.render import Markdown, Table
from relwatch.value import (
    PRICE_LED_DEEPEST_CUT_PCT,
    PRICE_LED_MIN_CUTS,
    VALUE_LED_MIN_DOWNLOADS,
    VALUE_LED_MIN_RELEASES,
    ModelPrice,
    PeriodBlocks,
    ValueBlock,
)

FEW = 3  # a median or mean over fewer items than this is marked as resting on little data
THRESHOLDS = {
    "price_led_min_cuts": PRICE_LED_MIN_CUTS,
    "price_led_deepest_cut_pct": str(PRICE_LED_DEEPEST_CUT_PCT),
    "value_led_min_open_releases": VALUE_LED_MIN_RELEASES,
    "value_led_min_first_month_downloads": VALUE_LED_MIN_DOWNLOADS,
}


def value_rows(blocks: Sequence[ValueBlock]) -> list[dict[str, Any]]:
    """One row per figure, a cell per vendor (USD per 1M output tokens; `(n=…)` when the figure
    rests on fewer than FEW items)."""
    figures: list[tuple[str, Any]] = [
        ("flagship (output $/1M, launch → now)", lambda b: _model(b.flagship)),
        ("lite (output $/1M, launch → now)", lambda b: _model(b.lite)),
        ("latest closed flagship", lambda b: _model(b.closed_flagship)),
        ("current priced text models", lambda b: b.current_text_models),
        ("price cuts (deepest)", lambda b: f"{b.cuts} ({_pct(b.deepest_cut_pct)})"),
        ("price rises (steepest)", lambda b: f"{b.rises} ({_pct(b.steepest_rise_pct)})"),
        ("open models, median output $/1M", lambda b: _few(_usd(b.open_median_output), b.open_priced_models)),
        ("closed models, median output $/1M", lambda b: _few(_usd(b.closed_median_output), b.closed_priced_models)),
        ("closed / open price", lambda b: "-" if b.closed_to_open_ratio is None else f"{b.closed_to_open_ratio}×"),
        ("open releases", lambda b: b.open_releases),
        (
            "median first-month downloads",
            lambda b: _few(
                "-" if b.median_first_month_downloads is None else f"{b.median_first_month_downloads:,.0f}",
                b.releases_with_downloads,
            ),
        ),
        *(
            (
                f"derivatives per open release at +{m} days",
                lambda b, m=m: _few(
                    "-" if b.derivatives_per_release.get(m) is None else f"{b.derivatives_per_release[m]:.1f}",
                    b.releases_at_milestone.get(m, 0),
                ),
            )
            for m in (30, 90)
        ),
        ("share of new derivatives", lambda b: "-" if b.derivative_share is None else f"{b.derivative_share:.0%}"),
        ("reading", lambda b: str(b.reading)),
    ]
    return [{"figure": name, **{b.vendor: cell(b) for b in blocks}} for name, cell in figures]


def value_blocks(blocks: Sequence[ValueBlock], periods: Sequence[PeriodBlocks] = ()) -> list[Any]:
    """The block as a table, the lines behind each reading, and with --by one table per period."""
    if not blocks:
        return []
    vendors = [b.vendor for b in blocks]
    out: list[Any] = [
        Table(
            value_rows(blocks),
            columns=["figure", *vendors],
            title=f"Price and value, {blocks[0].start} → {blocks[0].end} (prices as of the last read)",
        ),
        Markdown([f"- {b.vendor}: {b.reading} — " + "; ".join(b.because) for b in blocks]),
    ]
    for period in periods:
        out.append(
            Table(value_rows(period.blocks), columns=["figure", *vendors], title=f"Price and value, {period.label}")
        )
    return out


def value_document(blocks: Sequence[ValueBlock], periods: Sequence[PeriodBlocks] = ()) -> dict[str, Any]:
    """The JSON of the block (README "compare: price and value"): `thresholds`, `vendors` (one
    object per vendor, every ValueBlock field; decimals as strings) and, with --by, `periods`."""
    return {
        "thresholds": THRESHOLDS,
        "vendors": [_plain(asdict(b)) for b in blocks],
        "periods": [
            {"label": p.label, "start": p.start, "end": p.end, "vendors": [_plain(asdict(b)) for b in p.blocks]}
            for p in periods
        ],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _model(price: ModelPrice | None) -> str:
    if price is None:
        return "-"
    return f"{price.model}: ${price.launch} → ${price.now}"


def _usd(value: Decimal | None) -> str:
    return "-" if value is None else f"${value}"


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:+}%"


def _few(text: str, count: int) -> str:
    return f"{text} (n={count}, little data)" if 0 < count < FEW else text
