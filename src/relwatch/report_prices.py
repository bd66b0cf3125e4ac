"""The report's price chart: each vendor's flagship and lite output price (USD per 1M tokens) over
the window, a point per month, on a log scale; inline SVG, no script (the report's CSP holds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relwatch.report import TimeScale, el, esc, month_starts, number, section, svg, time_axis
from relwatch.value import PricedModel, flagship, lite

WIDTH, HEIGHT = 900.0, 320.0
LEFT, RIGHT, TOP, BOTTOM = 64.0, 16.0, 16.0, 40.0
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True, kw_only=True, slots=True)
class Series:
    """One line: a vendor's flagship or lite output price on each month's first day that has one."""

    vendor: str
    role: str  # flagship | lite
    points: tuple[tuple[date, Decimal], ...]


def price_days(since: str, until: str) -> list[str]:
    """The days the chart has a point on: each month's first day in [since, until], and both ends (pure)."""
    start, end = date.fromisoformat(since[:10]), date.fromisoformat(until[:10])
    return [d.isoformat() for d in sorted({*(d for d in month_starts(start, end) if start <= d <= end), start, end})]


def price_series(models: Sequence[PricedModel], vendors: Sequence[str], since: str, until: str) -> list[Series]:
    """The flagship and lite series of each vendor over [since, until] (ISO days), a point on each of
    `price_days` (relwatch.value's choice of flagship and lite on that day) (pure)."""
    days = [date.fromisoformat(d) for d in price_days(since, until)]
    out = []
    for vendor in vendors:
        own = [m for m in models if m.vendor == vendor]
        for role, choose in (("flagship", flagship), ("lite", lite)):
            points = []
            for day in days:
                chosen = choose(own, day.isoformat())
                if chosen is not None and chosen.now > 0:
                    points.append((day, chosen.now))
            if points:
                out.append(Series(vendor=vendor, role=role, points=tuple(points)))
    return out


def price_chart(series: Sequence[Series], since: str, until: str) -> str:
    """The chart's SVG: log-scaled y with a gridline per power of ten, a line per series (lite dashed)."""
    scale = TimeScale(date.fromisoformat(since[:10]), date.fromisoformat(until[:10]), LEFT, WIDTH - RIGHT)
    values = [float(p) for s in series for _, p in s.points]
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    high = max(high, low + 1)
    bottom = HEIGHT - BOTTOM

    def y(price: float) -> float:
        return bottom - (math.log10(price) - low) / (high - low) * (bottom - TOP)

    grid = "".join(
        el("line", x1=LEFT, x2=WIDTH - RIGHT, y1=y(10.0**p), y2=y(10.0**p), stroke="#ccc", stroke_width="0.5")
        + el("text", esc(f"${10.0**p:g}"), x=LEFT - 6, y=y(10.0**p) + 4, text_anchor="end", class_="muted")
        for p in range(low, high + 1)
    )
    vendors = sorted({s.vendor for s in series})
    lines = ""
    for s in series:
        colour = PALETTE[vendors.index(s.vendor) % len(PALETTE)]
        path = " ".join(f"{number(scale.x(d))},{number(y(float(p)))}" for d, p in s.points)
        lines += el(
            "polyline",
            el("title", esc(f"{s.vendor} {s.role}")),
            points=path,
            fill="none",
            stroke=colour,
            stroke_width="2",
            stroke_dasharray="5 4" if s.role == "lite" else None,
            data_vendor=s.vendor,
            data_role=s.role,
        )
    content = grid + time_axis(scale, top=TOP, bottom=bottom) + lines
    return svg(WIDTH, HEIGHT, content, label="Flagship and lite output price per vendor, log scale", kind="prices")


def price_section(models: Sequence[PricedModel], vendors: Sequence[str], since: str, until: str) -> str:
    """The report section: the chart and its legend, or a line saying there are no prices yet."""
    series = price_series(models, vendors, since, until)
    if not series:
        return section("prices", "Prices", el("p", "No prices observed in this window: sync an OpenRouter source."))
    vendors = sorted({s.vendor for s in series})
    items = []
    for s in series:
        swatch = el(
            "line",
            x1=0,
            x2=28,
            y1=5,
            y2=5,
            stroke=PALETTE[vendors.index(s.vendor) % len(PALETTE)],
            stroke_width="2",
            stroke_dasharray="5 4" if s.role == "lite" else None,
        )
        text = f"{s.vendor} {s.role}: ${s.points[0][1]} → ${s.points[-1][1]} per 1M output tokens"
        items.append(el("li", svg(28, 10, swatch, kind="swatch") + " " + esc(text)))
    legend = el("ul", "".join(items), class_="legend")
    note = el(
        "p",
        "Flagship: the vendor's most expensive current text model; lite: its cheapest (output USD per 1M tokens, "
        "cheapest offer, free variants left out). Log scale: a price of zero is not drawn.",
        class_="muted",
    )
    return section("prices", "Prices", note + price_chart(series, since, until) + legend)
