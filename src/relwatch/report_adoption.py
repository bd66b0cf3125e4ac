"""The report's adoption chart: per open release of the window, its first-month downloads and the
community derivatives built on it; inline SVG, no script (the report's CSP holds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from relwatch.report import el, esc, section, svg
from relwatch.report_prices import PALETTE
from relwatch.value import DerivativeCount, Metric, OpenRelease, first_month_downloads

WIDTH = 900.0
LABEL, GAP, ROW, TOP = 260.0, 24.0, 22.0, 28.0
PANEL = (WIDTH - LABEL - 2 * GAP) / 2  # downloads on the left panel, derivatives on the right
SHOWN = 30  # releases drawn, most downloaded first; the legend says how many more there are


@dataclass(frozen=True, kw_only=True, slots=True)
class Adoption:
    """One open release's adoption: `downloads` its repositories' rolling 30-day downloads a month
    after release (None: not counted), `derivatives` other organisations' repositories built on it
    at `milestone` days after release (the latest milestone counted; None: not polled)."""

    vendor: str
    release: str
    released: str
    downloads: int | None
    derivatives: int | None
    milestone: int | None


def adoption_rows(
    releases: Sequence[OpenRelease],
    metrics: Sequence[Metric],
    derivatives: Sequence[DerivativeCount],
    since: str,
    until: str,
) -> list[Adoption]:
    """The open releases opened in [since, until] (ISO days) that have a count of either kind,
    most first-month downloads first (then most derivatives, then id) (pure). Figures as
    `relwatch.value` computes them for `compare`."""
    latest: dict[str, DerivativeCount] = {}
    for count in derivatives:
        if count.release not in latest or count.milestone > latest[count.release].milestone:
            latest[count.release] = count
    rows = []
    for release in releases:
        if not since <= release.released[:10] <= until:
            continue
        downloads = first_month_downloads(release, metrics)
        derived = latest.get(release.release)
        if downloads is None and derived is None:
            continue
        rows.append(
            Adoption(
                vendor=release.vendor,
                release=release.release,
                released=release.released[:10],
                downloads=downloads,
                derivatives=derived.total if derived else None,
                milestone=derived.milestone if derived else None,
            )
        )
    return sorted(rows, key=lambda r: (-(r.downloads or 0), -(r.derivatives or 0), r.release))


def adoption_chart(rows: Sequence[Adoption]) -> str:
    """Two bar panels sharing one row per release: first-month downloads and derivatives, each on
    a log scale (counts span several powers of ten) with a gridline per power of ten."""
    shown = list(rows[:SHOWN])
    height = TOP + ROW * len(shown) + 8
    vendors = sorted({r.vendor for r in shown})
    left = LABEL
    right = LABEL + PANEL + 2 * GAP
    columns = {left: [r.downloads for r in shown], right: [r.derivatives for r in shown]}
    tops = {origin: _top_power(values) for origin, values in columns.items()}
    content = el("text", "First-month downloads", x=left, y=14, class_="muted")
    content += el("text", "Derivatives (latest milestone)", x=right, y=14, class_="muted")
    for origin, top in tops.items():
        content += _grid(origin, top, height)
    for index, row in enumerate(shown):
        y = TOP + ROW * index
        colour = PALETTE[vendors.index(row.vendor) % len(PALETTE)]
        content += el("text", esc(row.release), x=LABEL - 8, y=y + 14, text_anchor="end")
        bars = (
            (left, row.downloads, f"{row.downloads} downloads in the first month"),
            (right, row.derivatives, f"{row.derivatives} derivatives at +{row.milestone} days"),
        )
        for origin, value, title in bars:
            if value is None:
                content += el("text", "not counted", x=origin + 4, y=y + 14, class_="muted")
                continue
            width = max(math.log10(value + 1) / tops[origin] * PANEL, 1.0)
            content += el(
                "rect",
                el("title", esc(f"{row.release}: {title}")),
                x=origin,
                y=y + 4,
                width=width,
                height=ROW - 8,
                fill=colour,
                data_vendor=row.vendor,
            )
            content += el("text", esc(f"{value:,}"), x=origin + width + 4, y=y + 14)
    return svg(WIDTH, height, content, kind="adoption", label="First-month downloads and derivatives per open release")


def adoption_section(rows: Sequence[Adoption]) -> str:
    """The report section, or "" when no open release of the window has adoption figures."""
    if not rows:
        return ""
    vendors = sorted({r.vendor for r in rows[:SHOWN]})
    swatch = [el("rect", x=0, y=0, width=14, height=10, fill=PALETTE[i % len(PALETTE)]) for i in range(len(vendors))]
    items = [el("li", svg(14, 10, swatch[i], kind="swatch") + " " + esc(v)) for i, v in enumerate(vendors)]
    legend = el("ul", "".join(items), class_="legend")
    more = f" The {len(rows) - SHOWN} less downloaded releases are left out." if len(rows) > SHOWN else ""
    note = el(
        "p",
        esc(
            "Downloads: the Hub's rolling 30-day count of a release's repositories, read a month after the release. "
            "Derivatives: other organisations' repositories whose base model is one of the release's (fine-tunes, "
            "adapters, quantisations, merges), at the latest milestone polled (+7, +30 or +90 days). Log scales. "
            "The Hub keeps no history: a release opened before relwatch's first sync has no first-month count." + more
        ),
        class_="muted",
    )
    return section("adoption", "Adoption", note + adoption_chart(rows) + legend)


def _grid(origin: float, top: int, height: float) -> str:
    """The gridlines of one panel: a line per power of ten from 1 to 10**top."""
    lines = ""
    for power in range(top + 1):
        x = origin + power / top * PANEL
        lines += el("line", x1=x, x2=x, y1=TOP - 4, y2=height - 4, stroke="#ddd", stroke_width="0.5")
        lines += el("text", esc(f"{10**power:,}"), x=x, y=TOP - 6, text_anchor="middle", class_="muted")
    return lines


def _top_power(values: Sequence[int | None]) -> int:
    """The smallest power of ten (at least 1) whose value reaches the largest count + 1."""
    counted = [v for v in values if v]
    return max(math.ceil(math.log10(max(counted) + 1)), 1) if counted else 1
