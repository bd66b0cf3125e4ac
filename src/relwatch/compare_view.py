"""How `relwatch compare` shows its figures: a table of metrics, per-period rows, a timeline."""

from __future__ import annotations

import sys
from typing import Any

from relwatch.analysis import TIERS, Comparison, ReleaseRef, VendorFigures
from relwatch.render import Format, console, format_rows, human_count, markdown_table, print_table, print_text

MARKS = {
    "open": "O",
    "open-restricted": "R",
    "open-noncommercial": "N",
    "api": "A",
    "hosted": "H",
    "unreleased": "U",
    "unknown": "?",
}
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
LEGEND = "O open · R open, restricted · N open, non-commercial · A API · H hosted · U unreleased · . none"


def metric_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per figure, one column per vendor."""
    metrics: list[tuple[str, Any]] = [
        ("releases", lambda v: v.releases),
        ("open weights", lambda v: f"{v.open_weights} ({_percent(v.open_share)})"),
        *[(f"  {tier}", _tier_count(tier)) for tier in TIERS],
        ("licence mix (open)", lambda v: " · ".join(f"{k} {n}" for k, n in v.licence_mix.items() if n) or "-"),
        ("open share by parameters", _by_parameters),
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


def timeline_lines(comparison: Comparison, *, colour: bool) -> list[str]:
    """A row per vendor, a column per month (or --by period), a mark per release."""
    labels = comparison.timeline_labels
    widths = {
        label: min(MAX_MARKS, max([1, *(len(c[label]) for c in comparison.timeline.values())])) for label in labels
    }
    name_width = max(len(v) for v in comparison.timeline)
    lines = [" " * name_width + " │" + _axis(labels, [widths[label] for label in labels])]
    for vendor, cells in comparison.timeline.items():
        marks = " ".join(_cell(cells[label], widths[label], colour) for label in labels)
        lines.append(f"{vendor:<{name_width}} │{marks}")
    lines.append(LEGEND)
    return lines


def print_comparison(comparison: Comparison, fmt: Format, *, colour: bool) -> None:
    import json

    if fmt == Format.json:
        sys.stdout.write(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    if fmt == Format.csv:
        sys.stdout.write((format_rows(flat_rows(comparison), fmt) or "") + "\n")
        return
    title = f"{' vs '.join(v.vendor for v in comparison.vendors)}, {comparison.since} → {comparison.until}"
    if fmt == Format.markdown:
        parts = [markdown_table(metric_rows(comparison), ["figure", *[v.vendor for v in comparison.vendors]], title)]
        if comparison.periods:
            parts.append(
                markdown_table(
                    period_rows(comparison), ["period", *[v.vendor for v in comparison.vendors]], f"Per {comparison.by}"
                )
            )
        parts.append("```\n" + "\n".join(timeline_lines(comparison, colour=False)) + "\n```")
        sys.stdout.write("\n\n".join(parts) + "\n")
        return
    print_table(metric_rows(comparison), title=title)
    if comparison.periods:
        print_table(period_rows(comparison), title=f"Per {comparison.by}")
    print_text(f"Timeline by {comparison.by or 'month'}", style="bold")
    lines = timeline_lines(comparison, colour=colour)
    if colour:
        print_coloured(lines)
    else:
        for line in lines:
            print_text(line)


def print_coloured(lines: list[str]) -> None:
    """Timeline lines holding rich markup, on a terminal."""
    from rich.text import Text

    out = console()
    for line in lines:
        out.print(Text.from_markup(line))


def _axis(labels: list[str], widths: list[int]) -> str:
    """Year labels above the cells where each year starts, where there is room for them."""
    axis = ""
    offset = 0
    for index, (label, width) in enumerate(zip(labels, widths, strict=True)):
        year = label[:4]
        starts_year = index == 0 or labels[index - 1][:4] != year
        if starts_year and offset >= len(axis) + (1 if axis else 0):
            axis = axis.ljust(offset) + year
        offset += width + 1
    return axis


def _cell(tiers: list[str], width: int, colour: bool) -> str:
    if not tiers:
        return ".".ljust(width)
    shown = tiers[:width]
    text = "".join(MARKS.get(t, "?") for t in shown)
    if len(tiers) > width:
        text = text[:-1] + "+"
    if colour:
        text = "".join(f"[{COLOURS.get(t, 'white')}]{mark}[/]" for t, mark in zip(shown, text, strict=False))
    return text + " " * (width - len(shown))


def _by_parameters(v: VendorFigures) -> str:
    if v.open_share_by_parameters is None:
        return "-"
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
    details = [(ref.date or "")[:10]]
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
