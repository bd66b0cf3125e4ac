"""Output for people and programs: rich tables, JSON, CSV and Markdown from the same rows."""

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
    from rich.table import Table

    columns = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        numeric = bool(rows) and all(isinstance(r.get(column), int | float) or r.get(column) is None for r in rows)
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*[_plain(row.get(c)) for c in columns])
    console().print(table)
    if not rows:
        console().print("(nothing to show)")


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
