"""Output for people and programs: tables (rich on a terminal, plain text on a pipe), JSON, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


NOTHING = "(nothing to show)"


def format_rows(
    rows: Sequence[dict[str, Any]], fmt: Format, *, columns: Sequence[str] | None = None, title: str | None = None
) -> str | None:
    """Text for the machine formats; None for `table`, which `print_table` draws instead."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == Format.json:
        return json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False)
    if fmt == Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(row.get(c)) for c in columns] for row in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == Format.markdown:
        return markdown_table(rows, columns, title)
    return None


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> str:
    lines = [f"### {title}", ""] if title else []
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        cells = [_plain(row.get(c)).replace("|", "\\|").replace("\n", " ") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def output_rows(
    rows: Sequence[dict[str, Any]], fmt: Format, *, columns: Sequence[str] | None = None, title: str | None = None
) -> None:
    text = format_rows(rows, fmt, columns=columns, title=title)
    if text is not None:
        sys.stdout.write(text + "\n")
        return
    print_table(rows, columns=columns, title=title)


def print_table(
    rows: Sequence[dict[str, Any]], *, columns: Sequence[str] | None = None, title: str | None = None
) -> None:
    """A rich table on a terminal; plain aligned text otherwise, one line per row for grep and awk."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if sys.stdout.isatty():
        print_rich_table(rows, columns, title)
    else:
        sys.stdout.write(plain_table(rows, columns, title) + "\n")


def print_rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, justify="right" if is_numeric(rows, column) else "left", overflow="fold")
    for row in rows:
        table.add_row(*[_plain(row.get(c)) for c in columns])
    console().print(table)
    if not rows:
        console().print(NOTHING)


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> str:
    """The title, a header and a line per row; columns two spaces apart, numbers on the right, nothing wrapped."""
    cells = [[_one_line(row.get(c)) for c in columns] for row in rows]
    right = [is_numeric(rows, c) for c in columns]
    widths = [max(map(text_width, texts)) for texts in zip(columns, *cells, strict=True)]
    lines = [title] if title else []
    if columns:
        lines += [_aligned(line, widths, right) for line in (columns, *cells)]
    if not rows:
        lines.append(NOTHING)
    return "\n".join(lines)


def is_numeric(rows: Sequence[dict[str, Any]], column: str) -> bool:
    """Whether a column holds only numbers (or blanks), which line up on the right."""
    values = [row.get(column) for row in rows]
    return bool(rows) and all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values)


def text_width(text: str) -> int:
    """Columns `text` takes on a terminal: East Asian wide and full-width characters take two."""
    if text.isascii():
        return len(text)
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def _aligned(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    padded = []
    for text, width, on_right in zip(cells, widths, right, strict=True):
        gap = " " * (width - text_width(text))
        padded.append(gap + text if on_right else text + gap)
    return "  ".join(padded).rstrip()


def _one_line(value: Any) -> str:
    return " ".join(_plain(value).splitlines()).replace("\t", " ")


def print_text(text: str, *, style: str | None = None) -> None:
    """A line for people: styled by rich on a terminal, as it is (and never wrapped) otherwise."""
    if not sys.stdout.isatty():
        sys.stdout.write(text + "\n")
        return
    from rich.text import Text

    console().print(Text(text, style=style or ""))


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def human_count(value: int | None) -> str:
    if value is None:
        return ""
    for unit, size in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if value >= size:
            return f"{value / size:.1f}{unit}".replace(".0", "")
    return str(value)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
