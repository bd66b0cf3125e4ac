"""How `relwatch compare` shows its figures: a table of metrics, per-period rows, a timeline."""

from __future__ import annotations

from typing import Any

from relwatch.analysis import Comparison
from relwatch.figures_text import MARKS, metric_rows
from relwatch.render import Markdown, Preformatted, Result, Table

COLOURS = {
    "open": "green",
    "open-restricted": "yellow",
    "open-noncommercial": "magenta",
    "api": "red",
    "hosted": "red",
    "unreleased": "bright_black",
    "unknown": "bright_black",
}
MAX_MARKS = 4
LEGEND_LINES = (
    "O open · R open, restricted · N open, non-commercial · A API · H hosted",
    "U unreleased · ? unknown · + more than shown · . none",
)  # each under 80 columns
LEGEND = " · ".join(LEGEND_LINES)
COARSER = {"month": "quarter", "quarter": "year"}


def flat_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One CSV row per vendor (or per vendor and period with --by), scalar columns only."""
    if comparison.periods:
        return comparison.periods
    rows = []
    for v in comparison.vendors:
        rows.append(
            {
                "vendor": v.vendor,
                "releases": v.releases,
                "open_weights": v.open_weights,
                "open_share": v.open_share,
                **{f"tier_{tier}": n for tier, n in v.by_tier.items()},
                **{f"licence_{kind}": n for kind, n in v.licence_mix.items()},
                "open_share_by_parameters": v.open_share_by_parameters,
                "closed_then_open": len(v.closed_then_open),
                "median_closed_to_open_days": v.median_closed_to_open_days,
                "still_closed": len(v.still_closed),
                "largest_open": v.largest_open.name if v.largest_open else None,
                "largest_open_parameters": v.largest_open.parameters if v.largest_open else None,
                "latest_closed_flagship": v.latest_closed_flagship.name if v.latest_closed_flagship else None,
                "median_days_between_releases": v.median_days_between_releases,
                "releases_per_quarter": v.releases_per_quarter,
                "latest_open": v.latest_open.name if v.latest_open else None,
                "latest_closed": v.latest_closed.name if v.latest_closed else None,
            }
        )
    return rows


def period_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """With --by: one row per period, a cell per vendor like `3 (2 open)`."""
    table: dict[str, dict[str, Any]] = {}
    for row in comparison.periods:
        cell = f"{row['releases']} ({row['open_weights']} open)" if row["releases"] else "-"
        table.setdefault(row["period"], {"period": row["period"]})[row["vendor"]] = cell
    return list(table.values())


def fitted(comparison: Comparison, width: int | None) -> tuple[str, list[str], dict[str, dict[str, list[str]]]]:
    """(period, labels, vendor → label → tiers) of the timeline, coarsened from months to quarters
    to years until its rows fit `width` columns (None: no limit), so no row wraps on a terminal."""
    by = comparison.by or "month"
    labels, cells = comparison.timeline_labels, comparison.timeline
    while width is not None and by in COARSER and timeline_width(labels, cells) > width:
        by = COARSER[by]
        labels, cells = coarsened(labels, cells, by)
    return by, labels, cells


def coarsened(
    labels: list[str], cells: dict[str, dict[str, list[str]]], by: str
) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """Month or quarter labels and cells merged into `by` (quarter or year) periods."""

    def period(label: str) -> str:
        year, _, rest = label.partition("-")
        if by == "year":
            return year
        return f"{year}-Q{(int(rest) - 1) // 3 + 1}"

    merged_labels = list(dict.fromkeys(period(label) for label in labels))
    merged: dict[str, dict[str, list[str]]] = {}
    for vendor, by_label in cells.items():
        merged[vendor] = {label: [] for label in merged_labels}
        for label, tiers in by_label.items():
            merged[vendor][period(label)] += tiers
        rank = {tier: index for index, tier in enumerate(MARKS)}
        for tiers in merged[vendor].values():
            tiers.sort(key=lambda t: rank.get(t, len(rank)))
    return merged_labels, merged


def timeline_width(labels: list[str], cells: dict[str, dict[str, list[str]]]) -> int:
    """The columns a timeline row takes: the vendor names, the bar, each cell and the gaps."""
    widths = [min(MAX_MARKS, max([1, *(len(c[label]) for c in cells.values())])) for label in labels]
    return max(len(v) for v in cells) + 2 + sum(widths) + max(len(widths) - 1, 0)


def timeline(comparison: Comparison, width: int | None = None) -> Preformatted:
    """A row per vendor, a column per month (or --by period), a mark per release, coloured by tier on
    a terminal; coarser periods when months would not fit `width` columns."""
    by, labels, cells = fitted(comparison, width)
    block = timeline_of(by, labels, cells)
    asked = comparison.by or "month"
    if by != asked:
        title = f"Timeline by {by} (by {asked} it would not fit {width} columns)"
        return Preformatted(block.lines, title=title, styles=block.styles)
    return block


def timeline_of(by: str, labels: list[str], timeline_cells: dict[str, dict[str, list[str]]]) -> Preformatted:
    """The timeline block of `labels` and `timeline_cells` (vendor → label → tiers)."""
    widths = {label: min(MAX_MARKS, max([1, *(len(c[label]) for c in timeline_cells.values())])) for label in labels}
    name_width = max(len(v) for v in timeline_cells)
    lines = [" " * name_width + " │" + _axis(labels, [widths[label] for label in labels])]
    styles: list[list[tuple[int, int, str]]] = [[]]
    for vendor, cells in timeline_cells.items():
        line = f"{vendor:<{name_width}} │"
        spans = []
        for index, label in enumerate(labels):
            if index:
                line += " "
            text, tiers = _cell(cells[label], widths[label])
            spans += [(len(line) + i, len(line) + i + 1, COLOURS.get(t, "white")) for i, t in enumerate(tiers)]
            line += text
        lines.append(line)
        styles.append(spans)
    lines += LEGEND_LINES
    return Preformatted(lines, title=f"Timeline by {by}", styles=styles)


def comparison_result(comparison: Comparison, *, colour: bool, width: int | None = None) -> Result:
    """`compare`: the figures, the per-period table with --by, the timeline (fitted to `width`
    columns when given); JSON is the whole comparison."""
    vendors = [v.vendor for v in comparison.vendors]
    title = f"{' vs '.join(vendors)}, {comparison.since} → {comparison.until}"
    blocks: list[Any] = [Table(metric_rows(comparison), columns=["figure", *vendors], title=title)]
    if comparison.periods:
        blocks.append(Table(period_rows(comparison), columns=["period", *vendors], title=f"Per {comparison.by}"))
    blocks.append(timeline(comparison, width))
    note = left_out_note(comparison)
    if note:
        blocks.append(Markdown([note]))
    return Result(blocks, document=comparison.as_dict(), records=Table(flat_rows(comparison)), colour=colour)


def left_out_note(comparison: Comparison) -> str | None:
    """The line saying how many releases a --modality or --pipeline filter left out because no
    source states their modality (or tags); None when it left none out."""
    if not comparison.unknown_modality:
        return None
    total = sum(comparison.unknown_modality.values())
    wanted = f"--modality {comparison.modality}" if comparison.modality else f"--pipeline {comparison.pipeline}"
    what = "modality" if comparison.modality else "pipeline tag"
    counts = ", ".join(f"{vendor} {n}" for vendor, n in comparison.unknown_modality.items())
    return f"{wanted} left out {total} releases whose {what} no source states ({counts})."


def _axis(labels: list[str], widths: list[int]) -> str:
    """Year labels above the cells: at the cell where each year starts, or the first one of that year with room."""
    axis = ""
    offset = 0
    for label, width in zip(labels, widths, strict=True):
        year = label[:4]
        if year not in axis.split() and offset >= len(axis) + (1 if axis else 0):
            axis = axis.ljust(offset) + year
        offset += width + 1
    return axis


def _cell(tiers: list[str], width: int) -> tuple[str, list[str]]:
    """A cell's marks padded to `width`, and the tier of each mark (`+`: more than fit)."""
    if not tiers:
        return ".".ljust(width), []
    shown = tiers[:width]
    text = "".join(MARKS.get(t, "?") for t in shown)
    if len(tiers) > width:
        text = text[:-1] + "+"
    return text + " " * (width - len(shown)), shown
