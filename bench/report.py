"""The printed table: one line per measured configuration, target lines under the figure they judge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(kw_only=True)
class Line:
    figure: str = ""
    config: str = ""
    wall: float | None = None  # seconds, median over repeats
    requests: int | None = None
    not_modified: int | None = None
    bytes: int | None = None
    rss: int | None = None  # bytes
    ratio: str = ""  # what was compared, and the figure reached
    target: str = ""
    passed: bool | None = None  # None: no target, for information


HEADER = ("figure", "configuration", "wall", "requests", "304", "bytes", "peak RSS", "ratio", "target", "result")


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def size(value: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} B"


def cells(line: Line) -> tuple[str, ...]:
    def maybe(value: object, show: object) -> str:
        return "" if value is None else str(show)

    result = "" if line.passed is None else "PASS" if line.passed else "FAIL"
    return (
        line.figure,
        line.config,
        maybe(line.wall, line.wall is not None and seconds(line.wall)),
        maybe(line.requests, f"{line.requests:,}" if line.requests is not None else ""),
        maybe(line.not_modified, line.not_modified),
        maybe(line.bytes, line.bytes is not None and size(line.bytes)),
        maybe(line.rss, line.rss is not None and size(line.rss)),
        line.ratio,
        line.target,
        result,
    )


def table(lines: Sequence[Line]) -> str:
    """A Markdown table, aligned so that it also reads as plain text."""
    rows = [HEADER, *(cells(line) for line in lines)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    numeric = {2, 3, 4, 5, 6}

    def render(row: Sequence[str]) -> str:
        padded = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    return "\n".join([render(rows[0]), rule, *(render(row) for row in rows[1:])])
