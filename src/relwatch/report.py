"""`relwatch report`: the compare figures, timelines, open share and release list as one HTML file.

The page fetches nothing: inline CSS, hand-written SVG, no script, and a Content-Security-Policy
that forbids every load. Model names come from the internet, so every piece of data is escaped.
Every chart element carries its numbers in `data-*` attributes, so the charts can be checked
against the data they draw.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from relwatch.analysis import OPEN_TIERS, TIERS, Comparison, VendorFigures, as_day, decoded, per_period
from relwatch.figures_text import MARKS, metric_rows
from relwatch.render import human_count
from relwatch.views import dated

UNKNOWN = "unknown"
TIER_NAMES = {
    "open": "open",
    "open-restricted": "open, restricted",
    "open-noncommercial": "open, non-commercial",
    "api": "API",
    "hosted": "hosted",
    "unreleased": "unreleased",
    UNKNOWN: "unknown",
}
# Open tiers are filled circles, closed tiers outlined squares, each with its letter from the terminal
# timeline: the tier reads without colour, in print and in greyscale.
TIER_COLOURS = {
    "open": "#1b7f3b",
    "open-restricted": "#0f7287",
    "open-noncommercial": "#7b4fa8",
    "api": "#c2410c",
    "hosted": "#9a5b00",
    "unreleased": "#5f6670",
    UNKNOWN: "#80868e",
}
DASHED = ("unreleased", UNKNOWN)
INK = "#1f2328"
MUTED = "#59636e"
GRID = "#dfe4e9"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RELEASE_COLUMNS = [
    ("vendor", None),
    ("release", None),
    ("tier", "nowrap"),
    ("date", "nowrap"),
    ("licence class", None),
    ("largest parameters", "num"),
    ("seen on", None),
]
PROVENANCE_COLUMNS = ("source", "last status", "last successful sync (UTC)", "artifacts", "note")
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

# Timeline geometry (SVG user units).
TIMELINE_WIDTH = 1120
TIMELINE_LEFT = 176
TIMELINE_RIGHT = 24
TIMELINE_TOP = 4
ROW = 24
LANE_PAD = 5
AXIS_HEIGHT = 40
MARK_RADIUS = 9.5
MIN_TICK_SPACING = 46

# Open-share chart geometry.
SHARE_LEFT = 46
SHARE_SLOT = 54
SHARE_TOP = 26
SHARE_PLOT = 120
SHARE_BOTTOM = 58
SHARE_BAR = 32

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d5dbe1; --soft: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 28px; }
header { padding-top: 26px; }
h1 { font-size: 27px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 34px 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 18px 0 2px; }
p.note, .sub { color: var(--muted); margin: 2px 0 8px; font-size: 13.5px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 2px 28px; margin: 0 0 14px; color: var(--muted); }
dl.facts div { display: flex; gap: 6px; }
dl.facts dt { font-weight: 600; color: var(--ink); }
dl.facts dd { margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 200px; }
.card .vendor { font-weight: 600; }
.card .big { font-size: 30px; font-weight: 700; line-height: 1.15; }
.card .big small { font-size: 14px; font-weight: 400; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.figures th[scope=row] { font-weight: 500; }
table.figures tr.sub th[scope=row] { padding-left: 28px; font-weight: 400; color: var(--muted); }
table.figures tr.sub td { color: var(--muted); }
figure { margin: 6px 0 14px; break-inside: avoid; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg text { fill: var(--ink); }
svg .axis text, svg text.muted { fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 6px 0 4px; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; font-size: 14px; }
.shares { display: flex; flex-wrap: wrap; gap: 8px 32px; }
.badge { display: inline-block; min-width: 20px; padding: 0 5px; margin-right: 6px;
  border: 2px solid; font-weight: 700; font-size: 12px; text-align: center; line-height: 16px; }
.nowrap, thead th { white-space: nowrap; }
footer { margin-top: 30px; padding-bottom: 30px; color: var(--muted); font-size: 13px; }
body { overflow-wrap: break-word; }
td { overflow-wrap: anywhere; }
.figure-grid { display: grid; gap: 10px 24px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 360px), 1fr)); }
table.figures caption { text-align: left; font-weight: 700; font-size: 16px; padding: 8px 0 4px; }
table.figures th[scope=row] { width: 45%; }
.mix { display: flex; align-items: center; gap: 12px; margin: 4px 0; }
.mix .vendor { flex: 0 0 110px; font-weight: 600; overflow-wrap: anywhere; }
.mixbar { display: flex; flex: 1 1 auto; min-width: 0; gap: 2px; }
.mixbar .part { border: 2px solid; padding: 1px 4px; font-size: 12px; font-weight: 700; white-space: nowrap;
  overflow: hidden; text-overflow: clip; min-width: 4px; }
.mixbar .part.open { color: #fff; border-radius: 8px; }
ul.lags { margin: 4px 0; padding-left: 20px; }
@media (max-width: 700px) {
  header, main, footer { padding: 0 12px; }
  h1 { font-size: 22px; }
  table.stack thead, table.releases thead { display: none; }
  table.stack tr, table.releases tr { display: block; padding: 6px 0; border-bottom: 1px solid var(--line); }
  table.stack td, table.releases td { display: inline-block; border: 0; padding: 1px 8px 1px 0; white-space: normal; }
  .mix .vendor { flex-basis: 80px; }
  .card { min-width: 0; flex: 1 1 140px; padding: 6px 10px; }
  .card .big { font-size: 22px; }
}
@media print {
  body { font-size: 11px; }
  header, main, footer { max-width: none; padding: 0; }
  h2, h3, p.note, .legend, figcaption { break-after: avoid; }
  #open-share, table.figures { break-inside: avoid; }
  tr, .card { break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


@dataclass(frozen=True)
class Provenance:
    """Where the report's data comes from: a row per source of the vendors (`Store.source_health`
    rows: vendor, source, kind, last_status, last_success, last_error, last_suspect, artifacts) and
    the data's date (the latest successful read of any of them, ISO 8601; None before any)."""

    sources: list[dict[str, Any]]
    data_as_of: str | None


def provenance_of(health: Sequence[dict[str, Any]], vendors: Sequence[str]) -> Provenance:
    """The `Provenance` of `vendors` from every stored source's health."""
    chosen = [dict(row) for row in health if row["vendor"] in vendors]
    latest = max((row["last_success"] for row in chosen if row.get("last_success")), default=None)
    return Provenance(sources=chosen, data_as_of=latest)


def render_report(
    comparison: Comparison,
    releases: list[dict[str, Any]],
    *,
    title: str,
    generated_at: str,
    provenance: Provenance | None = None,
    more: Sequence[str] = (),
) -> str:
    """The whole report as one HTML document: the picture first (open share per quarter, tier mix,
    closed-then-open lags, timelines), then the figures, the releases and where the data comes from.

    `releases` are stored release rows (`Store.list_releases`); only those the comparison counted
    are drawn, so the list and the charts agree with the figures. Quarters that start after
    `provenance.data_as_of` read "no data", not zero. `more`: further pictures (markup), placed
    after the closed-then-open lags (the price chart).
    """
    chosen = releases_in_comparison(comparison, releases)
    as_of = provenance.data_as_of if provenance else None
    sections = [
        header_section(comparison, title=title, generated_at=generated_at, shown=len(chosen), as_of=as_of),
        "<main>",
        share_section(comparison, chosen, as_of),
        mix_section(comparison),
        lag_section(comparison),
        *more,
        timeline_section(comparison, chosen),
        figures_section(comparison),
        release_section(chosen),
        provenance_section(provenance) if provenance else "",
        "</main>",
        "<footer>Made by relwatch from its release database. Counts are releases (model lines), not repositories."
        "</footer>",
    ]
    return page(title, "\n".join(sections))


def releases_in_comparison(comparison: Comparison, releases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows the comparison counted (`Comparison.counted`), decoded, oldest first."""
    counted = set(comparison.counted)
    chosen = [decoded(r) for r in releases if r["id"] in counted]
    return sorted(chosen, key=lambda r: (r["date"][:10], r["id"]))


def page(title: str, body: str) -> str:
    """The whole HTML document: head with the CSP and the inline style, then `body`."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


# -- Sections ---------------------------------------------------------------------------------------


def header_section(
    comparison: Comparison, *, title: str, generated_at: str, shown: int, as_of: str | None = None
) -> str:
    """The title, the facts (window, vendors, releases, data as of, when made, filters) and a card per vendor."""
    facts = [
        ("Window", f"{comparison.since} → {comparison.until}"),
        ("Vendors", ", ".join(v.vendor for v in comparison.vendors)),
        ("Releases", str(shown)),
        ("Data as of", (as_of or "never synced")[:10]),
        ("Generated", generated_at),
    ]
    if comparison.unknown_modality:
        left_out = sum(comparison.unknown_modality.values())
        facts.append(("Left out", f"{left_out} releases of unknown modality"))
    if comparison.modality:
        facts.append(("Modality", comparison.modality))
    if comparison.pipeline:
        facts.append(("Pipeline tag", comparison.pipeline))
    items = "".join(el("div", el("dt", esc(name)) + el("dd", esc(value))) for name, value in facts)
    cards = "".join(vendor_card(v) for v in comparison.vendors)
    return el("header", el("h1", esc(title)) + el("dl", items, class_="facts") + el("div", cards, class_="cards"))


def vendor_card(figures: VendorFigures) -> str:
    """A vendor's headline: its open share and the counts behind it."""
    content = (
        el("div", esc(figures.vendor), class_="vendor")
        + el("div", f"{esc(percent(figures.open_share))} <small>open weights</small>", class_="big")
        + el("div", f"{figures.open_weights} of {figures.releases} releases", class_="sub")
    )
    return el(
        "div",
        content,
        class_="card",
        data_vendor=figures.vendor,
        data_releases=figures.releases,
        data_open=figures.open_weights,
        data_share=share_attr(figures.open_share),
    )


def figures_section(comparison: Comparison) -> str:
    """The figures `relwatch compare` prints, from the same rows, as one small table per vendor
    laid out in a grid: any number of vendors fits any width."""
    rows = metric_rows(comparison)
    tables = []
    for v in comparison.vendors:
        body = []
        for row in rows:
            figure = str(row["figure"])
            label = el("th", esc(figure.strip()), scope="row")
            cell = el("td", esc(row[v.vendor]), data_vendor=v.vendor, data_figure=figure.strip())
            body.append(el("tr", label + cell, class_="sub" if figure.startswith(" ") else None))
        caption = el("caption", esc(v.vendor))
        tables.append(el("table", caption + el("tbody", "".join(body)), class_="figures", data_vendor=v.vendor))
    return section("figures", "Figures", el("div", "".join(tables), class_="figure-grid"))


def mix_section(comparison: Comparison) -> str:
    """The tier mix: a bar per vendor split by tier, each part as wide as its share of the releases."""
    rows = []
    for v in comparison.vendors:
        parts = []
        for tier in TIERS:
            count = v.by_tier.get(tier, 0)
            if count:
                width = f"{100 * count / v.releases:.1f}%"
                colour = TIER_COLOURS[tier]
                style = f"width: {width}; background: {colour if is_open(tier) else '#fff'}; border-color: {colour}"
                tip = f"{v.vendor}: {count} {TIER_NAMES[tier]}"
                label = f"{MARKS[tier]} {count}"
                parts.append(
                    el(
                        "span",
                        esc(label),
                        class_=f"part {'open' if is_open(tier) else 'closed'}",
                        style=style,
                        title=tip,
                        data_vendor=v.vendor,
                        data_tier=tier,
                        data_count=count,
                    )
                )
        bar = el("div", "".join(parts) or el("span", "no releases", class_="sub"), class_="mixbar")
        rows.append(el("div", el("div", esc(v.vendor), class_="vendor") + bar, class_="mix", data_vendor=v.vendor))
    intro = el("p", "Each vendor’s releases in the window by tier (letters as in the timelines).", class_="note")
    return section("tier-mix", "Tier mix", intro + "".join(rows))


def lag_section(comparison: Comparison) -> str:
    """Releases served closed first and published with weights later, with the lag, per vendor."""
    items = []
    for v in comparison.vendors:
        for lag in v.closed_then_open:
            text = (
                f"{v.vendor}: {lag.name} — closed {lag.first_closed_at[:10]}, weights {lag.first_open_at[:10]}, "
                f"{lag.lag_days} days"
            )
            items.append(
                el("li", esc(text), class_="lag", data_vendor=v.vendor, data_release_id=lag.id, data_days=lag.lag_days)
            )
    if items:
        content = el("ul", "".join(items), class_="lags")
    else:
        content = el("p", "No release went from closed to open weights in this window.", class_="note")
    intro = el(
        "p",
        "Served by an API or a catalogue before the weights were published (a host serving published "
        "weights is hosting, not closed).",
        class_="note",
    )
    return section("closed-then-open", "Closed first, open later", intro + content)


def provenance_section(provenance: Provenance) -> str:
    """Which sources answered, each one's last successful sync, the data's date, what was skipped and why."""
    head = "".join(el("th", esc(name), scope="col") for name in PROVENANCE_COLUMNS)
    rows = []
    for row in provenance.sources:
        status = row.get("last_status") or "never answered"
        why = row.get("last_error") or row.get("last_suspect") or ("" if row.get("last_success") else "no read yet")
        cells = [
            esc(row["source"]),
            esc(status),
            esc((row.get("last_success") or "never")[:16].replace("T", " ")),
            esc(row.get("artifacts") or 0),
            esc(why),
        ]
        content = "".join(el("td", cell, data_label=name) for name, cell in zip(PROVENANCE_COLUMNS, cells, strict=True))
        rows.append(el("tr", content, data_source=row["source"], data_status=status))
    answered = sum(1 for row in provenance.sources if row.get("last_success"))
    as_of = (provenance.data_as_of or "never")[:10]
    intro = el(
        "p",
        f"{answered} of {len(provenance.sources)} sources have answered at least once. Data as of {as_of}: "
        "quarters after it show “no data”, not zero. Sources that never answered, or whose last read "
        "failed, say why.",
        class_="note",
    )
    return section("provenance", "Where the data comes from", intro + table(head, rows, kind="provenance stack"))


def timeline_section(comparison: Comparison, chosen: Sequence[dict[str, Any]]) -> str:
    """A timeline chart per vendor: a mark per release, a lane per tier, and the legend."""
    lanes = lane_tiers(chosen)
    charts = []
    for figures in comparison.vendors:
        own = [r for r in chosen if r["vendor"] == figures.vendor]
        chart = timeline_chart(figures.vendor, own, lanes, since=comparison.since, until=comparison.until)
        share = percent(figures.open_share)
        summary = f"{figures.releases} releases · {figures.open_weights} with open weights ({share})"
        caption = el("figcaption", el("h3", esc(figures.vendor)) + el("p", esc(summary), class_="sub"))
        charts.append(el("figure", caption + chart, class_="timeline", data_vendor=figures.vendor))
    intro = el(
        "p",
        "One mark per release at its date; hover a mark for its name. "
        "Filled circles have published weights, outlined squares do not.",
        class_="note",
    )
    return section("timeline", "Releases over time, by tier", intro + legend(lanes) + "".join(charts))


def share_section(comparison: Comparison, chosen: Sequence[dict[str, Any]], as_of: str | None = None) -> str:
    """Open share per quarter, a bar chart per vendor; a quarter that starts after `as_of` (the
    data's date) reads "no data"."""
    vendors = [v.vendor for v in comparison.vendors]
    rows = per_period(chosen, vendors, since=comparison.since, until=comparison.until, by="quarter")
    for row in rows:
        row["no_data"] = as_of is not None and quarter_start(str(row["period"])) > as_of[:10]
    charts = [
        el(
            "figure",
            el("figcaption", el("h3", esc(v))) + share_chart(v, [r for r in rows if r["vendor"] == v]),
            class_="share",
            data_vendor=v,
        )
        for v in vendors
    ]
    intro = el(
        "p",
        "Share of each quarter’s releases that came with open weights (any licence). Under each bar: "
        "releases with open weights / all releases; – marks a quarter without releases, “no data” one "
        "after the data’s date.",
        class_="note",
    )
    return section("open-share", "Open share per quarter", intro + el("div", "".join(charts), class_="shares"))


def release_section(chosen: Sequence[dict[str, Any]]) -> str:
    """Every release in the window, a table row each."""
    head = "".join(el("th", esc(name), scope="col", class_=kind) for name, kind in RELEASE_COLUMNS)
    rows = [release_row(r) for r in sorted(chosen, key=lambda r: (r["date"][:10], r["id"]), reverse=True)]
    note = el("p", f"{len(chosen)} releases in the window, newest first; hover a name for its id.", class_="note")
    return section("releases", "Releases", note + table(head, rows, kind="releases"))


def release_row(release: dict[str, Any]) -> str:
    """One release as a table row: vendor, name, tier badge, day, licence class, size, where it was seen."""
    tier = tier_of(release)
    cells = [
        esc(release["vendor"]),
        el("span", esc(release["name"]), title=release["id"]),
        badge(tier) + esc(TIER_NAMES[tier]),
        esc(dated(release["date"], release.get("date_source"))),
        esc(release.get("licence_class") or "-"),
        esc(human_count(release.get("largest_parameters")) or "-"),
        esc(", ".join(map(str, release.get("kinds") or [])) or "-"),
    ]
    content = "".join(el("td", cell, class_=kind) for (_, kind), cell in zip(RELEASE_COLUMNS, cells, strict=True))
    return el("tr", content, data_release_id=release["id"], data_vendor=release["vendor"], data_tier=tier)


def section(anchor: str, heading: str, content: str) -> str:
    """A `<section id=anchor>` with its heading."""
    return el("section", el("h2", esc(heading)) + content, id=anchor)


def table(head: str, rows: Sequence[str], *, kind: str) -> str:
    """A table from its header cells and row markup, classed `kind`."""
    return el("table", el("thead", el("tr", head)) + el("tbody", "".join(rows)), class_=kind)


# -- Timeline chart ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeScale:
    """Days across the window → x positions between `left` and `right`."""

    start: date
    end: date
    left: float
    right: float

    def x(self, day: date) -> float:
        span = max(1, (self.end - self.start).days)
        return self.left + (day - self.start).days / span * (self.right - self.left)


def lane_tiers(chosen: Sequence[dict[str, Any]]) -> list[str]:
    """A lane per tier, most open first; an `unknown` lane only when some release has no known tier."""
    return [*TIERS, UNKNOWN] if any(tier_of(r) == UNKNOWN for r in chosen) else list(TIERS)


def timeline_chart(vendor: str, releases: Sequence[dict[str, Any]], lanes: list[str], *, since: str, until: str) -> str:
    """Lanes by tier, x = time across the window, one mark per release (stacked when they would touch)."""
    scale = TimeScale(as_day(since), as_day(until), TIMELINE_LEFT, TIMELINE_WIDTH - TIMELINE_RIGHT)
    backgrounds: list[str] = []
    marks: list[str] = []
    top = TIMELINE_TOP
    for index, tier in enumerate(lanes):
        own = [r for r in releases if tier_of(r) == tier]
        xs = [scale.x(as_day(r["date"])) for r in own]
        rows = stack_rows(xs, gap=2 * MARK_RADIUS + 2)
        height = (1 + max(rows, default=0)) * ROW + 2 * LANE_PAD
        after_switch = index > 0 and is_open(lanes[index - 1]) != is_open(tier)
        backgrounds.append(lane_background(tier, index, top, height, separated=after_switch))
        marks += [
            timeline_mark(r, x, top + LANE_PAD + ROW / 2 + row * ROW) for r, x, row in zip(own, xs, rows, strict=True)
        ]
        top += height
    if not releases:
        marks.append(
            el(
                "text",
                "no releases in the window",
                x=(scale.left + scale.right) / 2,
                y=top / 2,
                text_anchor="middle",
                class_="muted",
            )
        )
    content = "".join(backgrounds) + time_axis(scale, top=TIMELINE_TOP, bottom=top) + "".join(marks)
    label = f"Timeline of {vendor}'s releases by tier, {since} to {until}"
    return svg(TIMELINE_WIDTH, top + AXIS_HEIGHT, content, label=label, kind="timeline")


def stack_rows(xs: Sequence[float], *, gap: float) -> list[int]:
    """A row for each x so that positions in one row stay `gap` apart; xs come in ascending order."""
    ends: list[float] = []
    rows = []
    for x in xs:
        row = next((i for i, end in enumerate(ends) if x - end >= gap), len(ends))
        if row == len(ends):
            ends.append(x)
        ends[row] = x
        rows.append(row)
    return rows


def lane_background(tier: str, index: int, top: float, height: float, *, separated: bool) -> str:
    """A lane's band, with the tier's name and mark on its left; a rule where open lanes give way to closed."""
    middle = top + height / 2
    width = TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT
    parts = [
        el("rect", x=TIMELINE_LEFT, y=top, width=width, height=height, fill="#f4f6f8" if index % 2 == 0 else "#ffffff"),
        glyph(tier, TIMELINE_LEFT - 16, middle, radius=7.5),
        el(
            "text",
            esc(TIER_NAMES[tier]),
            x=TIMELINE_LEFT - 30,
            y=middle,
            text_anchor="end",
            dominant_baseline="central",
            font_size=13,
        ),
    ]
    if separated:
        parts.append(el("line", x1=8, x2=TIMELINE_WIDTH - TIMELINE_RIGHT, y1=top, y2=top, stroke=INK, stroke_width=1.5))
    return "".join(parts)


def time_axis(scale: TimeScale, *, top: float, bottom: float) -> str:
    """Month grid lines, dashed year lines, and month and year labels under the lanes."""
    months = month_starts(scale.start, scale.end)
    per_month = (scale.right - scale.left) / max(1, len(months))
    step = next((s for s in (1, 2, 3, 6, 12) if s * per_month >= MIN_TICK_SPACING), 12)
    parts = [el("line", x1=scale.left, x2=scale.right, y1=bottom, y2=bottom, stroke=MUTED)]
    labelled_year = False
    for day in months:
        x = scale.x(day)
        if day.month == 1:
            parts.append(el("line", x1=x, x2=x, y1=top, y2=bottom + 34, stroke="#8c959f", stroke_dasharray="3 3"))
        else:
            parts.append(el("line", x1=x, x2=x, y1=top, y2=bottom, stroke=GRID))
        if (day.month - 1) % step:
            continue
        parts.append(el("line", x1=x, x2=x, y1=bottom, y2=bottom + 5, stroke=MUTED))
        parts.append(el("text", MONTHS[day.month - 1], x=x + 3, y=bottom + 18))
        if day.month == 1 or not labelled_year:
            parts.append(el("text", str(day.year), x=x + 3, y=bottom + 33, font_weight=700))
            labelled_year = True
    return el("g", "".join(parts), class_="axis", font_size=12)


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every month that begins inside [start, end]."""
    year, month = (start.year, start.month) if start.day == 1 else next_month(start.year, start.month)
    days = []
    while date(year, month, 1) <= end:
        days.append(date(year, month, 1))
        year, month = next_month(year, month)
    return days


def next_month(year: int, month: int) -> tuple[int, int]:
    """The (year, month) after this one."""
    return (year + 1, 1) if month == 12 else (year, month + 1)


def timeline_mark(release: dict[str, Any], x: float, y: float) -> str:
    """A release's mark on a timeline at (x, y), its name, day and tier as a tooltip."""
    tier = tier_of(release)
    day = release["date"][:10]
    tip = el("title", esc(f"{release['name']} · {day} · {TIER_NAMES[tier]} ({release['id']})"))
    return el(
        "g",
        tip + glyph(tier, x, y),
        class_="mark",
        data_release_id=release["id"],
        data_vendor=release["vendor"],
        data_tier=tier,
        data_date=day,
    )


def glyph(tier: str, x: float, y: float, *, radius: float = MARK_RADIUS) -> str:
    """A tier's mark: a filled circle for open weights, an outlined square otherwise, with its letter."""
    colour = TIER_COLOURS[tier]
    if is_open(tier):
        shape = el("circle", cx=x, cy=y, r=radius, fill=colour)
        ink = "#ffffff"
    else:
        side = 2 * radius - 2
        dash = "3 2" if tier in DASHED else None
        shape = el(
            "rect",
            x=x - side / 2,
            y=y - side / 2,
            width=side,
            height=side,
            rx=2,
            fill="#ffffff",
            stroke=colour,
            stroke_width=2,
            stroke_dasharray=dash,
        )
        ink = colour
    letter = el(
        "text",
        MARKS[tier],
        x=x,
        y=y + 0.5,
        text_anchor="middle",
        dominant_baseline="central",
        font_size=radius * 1.2,
        font_weight=700,
        style=f"fill: {ink}",
    )
    return shape + letter


def legend(lanes: list[str]) -> str:
    """The tiers drawn on the timelines, each with its mark and name."""
    items = [
        el("li", svg(20, 20, glyph(tier, 10, 10), kind="glyph") + esc(f"{MARKS[tier]} · {TIER_NAMES[tier]}"))
        for tier in lanes
    ]
    return el("ul", "".join(items), class_="legend")


def badge(tier: str) -> str:
    """The tier's letter for the release table, drawn like its mark: filled and round when open, else outlined."""
    colour = TIER_COLOURS[tier]
    if is_open(tier):
        style = f"background: {colour}; color: #fff; border-color: {colour}; border-radius: 10px"
    else:
        line = "dashed" if tier in DASHED else "solid"
        style = f"background: #fff; color: {colour}; border-color: {colour}; border-style: {line}; border-radius: 3px"
    return el("span", MARKS[tier], class_="badge", style=style)


# -- Open-share chart -------------------------------------------------------------------------------


def share_chart(vendor: str, rows: Sequence[dict[str, Any]]) -> str:
    """A bar per quarter: the open share, written above the bar, and the counts under it."""
    width = SHARE_LEFT + len(rows) * SHARE_SLOT + 8
    base = SHARE_TOP + SHARE_PLOT
    bars = [share_bar(row, SHARE_LEFT + (i + 0.5) * SHARE_SLOT, base, first=i == 0) for i, row in enumerate(rows)]
    content = share_grid(width, base) + "".join(bars)
    return svg(width, base + SHARE_BOTTOM, content, label=f"Open share per quarter for {vendor}", kind="open-share")


def share_grid(width: float, base: float) -> str:
    """The share chart's gridlines at 0, 50 and 100 %."""
    parts = []
    for share in (0.0, 0.5, 1.0):
        y = base - share * SHARE_PLOT
        parts.append(el("line", x1=SHARE_LEFT - 4, x2=width - 4, y1=y, y2=y, stroke=MUTED if share == 0 else GRID))
        parts.append(el("text", percent(share), x=SHARE_LEFT - 8, y=y + 4, text_anchor="end"))
    return el("g", "".join(parts), class_="axis", font_size=11)


def share_bar(row: dict[str, Any], centre: float, base: float, *, first: bool) -> str:
    """One quarter: a bar (or a dash for a quarter without releases), its percentage, counts and label."""
    releases, opened, share = row["releases"], row["open_weights"], row["open_share"]
    year, quarter = str(row["period"]).split("-")
    tip = f"{row['vendor']}, {row['period']}: {opened} of {releases} releases with open weights ({percent(share)})"
    left = centre - SHARE_BAR / 2
    parts = [el("title", esc(tip))]
    if row.get("no_data"):
        parts.append(el("text", "no", x=centre, y=base - 20, class_="muted"))
        parts.append(el("text", "data", x=centre, y=base - 6, class_="muted"))
    elif releases:
        height = (share or 0) * SHARE_PLOT
        parts += [
            el("rect", x=left, y=SHARE_TOP, width=SHARE_BAR, height=SHARE_PLOT, fill="#eef1f4"),
            el("rect", x=left, y=base - height, width=SHARE_BAR, height=height, fill=TIER_COLOURS["open"]),
            el("text", percent(share), x=centre, y=SHARE_TOP - 6, font_size=12.5, font_weight=700),
        ]
    else:
        parts.append(el("text", "–", x=centre, y=base - 6, class_="muted"))
    parts += [
        el("text", "–" if row.get("no_data") else f"{opened}/{releases}", x=centre, y=base + 16),
        el("text", esc(quarter), x=centre, y=base + 33, class_="muted"),
    ]
    if first or quarter == "Q1":
        parts.append(el("text", esc(year), x=centre, y=base + 49, font_weight=700))
    return el(
        "g",
        el("g", "".join(parts), text_anchor="middle", font_size=12),
        class_="bar",
        data_vendor=row["vendor"],
        data_period=row["period"],
        data_releases=releases,
        data_open=opened,
        data_share=share_attr(share),
        data_no_data="true" if row.get("no_data") else None,
    )


def quarter_start(period: str) -> str:
    """`2025-Q3` → `2025-07-01`."""
    year, quarter = period.split("-Q")
    return f"{year}-{(int(quarter) - 1) * 3 + 1:02d}-01"


# -- Small helpers ----------------------------------------------------------------------------------


def svg(width: float, height: float, content: str, *, kind: str, label: str | None = None) -> str:
    """An inline SVG: a chart (with a label) scales down with the page, an unlabelled glyph keeps its size."""
    return el(
        "svg",
        content,
        class_=f"chart {kind}" if label else kind,
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        width=round(width),
        height=round(height),
        role="img" if label else None,
        aria_label=label,
        aria_hidden=None if label else "true",
    )


def el(name: str, content: str | None = None, /, **attributes: object) -> str:
    """An element; `content` is markup already escaped, and no content makes an empty (SVG) element."""
    if content is None:
        return f"<{name}{attrs(**attributes)}/>"
    return f"<{name}{attrs(**attributes)}>{content}</{name}>"


def attrs(**values: object) -> str:
    """Escaped ` name="value"` pairs: `data_vendor` → `data-vendor`, `class_` → `class`; None leaves one out."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{esc(number(value) if isinstance(value, float) else value)}"'
        for name, value in values.items()
        if value is not None
    )


def number(value: float) -> str:
    """A coordinate to one decimal, without a trailing `.0`."""
    return f"{value:.1f}".removesuffix(".0")


def esc(value: object) -> str:
    """Text for HTML, quotes escaped; None → empty."""
    return html.escape("" if value is None else str(value), quote=True)


def tier_of(release: dict[str, Any]) -> str:
    """A release's tier, `unknown` when it has none the report knows."""
    tier = release.get("tier")
    return tier if tier in TIERS else UNKNOWN


def is_open(tier: str) -> bool:
    """Whether `tier` publishes weights."""
    return tier in OPEN_TIERS


def percent(value: float | None) -> str:
    """A share (0–1) as a whole percentage; None → `-`."""
    return "-" if value is None else f"{value * 100:.0f}%"


def share_attr(value: float | None) -> str:
    """A share as a data attribute: the number as computed, or empty when there was nothing to share."""
    return "" if value is None else str(value)
