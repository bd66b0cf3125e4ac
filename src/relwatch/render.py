"""The one output layer: `emit` writes any command's `Result` as a table, JSON, CSV, Markdown or Atom.

A `Result` is a list of blocks (tables, Markdown lines, preformatted lines) plus, where they differ
from the blocks, the JSON document, the CSV records and the Atom feed. Tables are rich on a
terminal (folded at word boundaries, too-long words and URLs shortened with an ellipsis, the widest
columns giving way first) and plain aligned text on a pipe, one line per row for grep and awk.

Every value is printed as text: rich markup in upstream values is never interpreted, control
characters (C0, DEL, C1: the start of ANSI CSI/OSC sequences) are shown escaped as `\\x1b`, and CSV
cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'` so that a
spreadsheet reads them as text (OWASP, "CSV Injection").
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, Literal

from relwatch.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    """Every output format; `atom` exists for events only (`relwatch diff`)."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    atom = "atom"


DOCUMENT_FORMATS = [f.value for f in Format if f != Format.atom]
NOTHING = "(nothing to show)"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
URL = re.compile(r"https?://([^/\s]+)(/[^\s]*)?")
URL_PATH_KEPT = 24
GAP = 2  # spaces between two columns of a terminal table
SHORT_CELL = 10  # a cell this wide (a day, a tier) keeps its width while longer ones give way


@dataclass(frozen=True)
class Table:
    """Rows of one shape; `columns` picks and orders the keys shown (default: the first row's)."""

    rows: Sequence[dict[str, Any]]
    columns: Sequence[str] | None = None
    title: str | None = None

    def names(self) -> list[str]:
        """The columns shown, in order."""
        return list(self.columns or (self.rows[0].keys() if self.rows else []))


@dataclass(frozen=True)
class Markdown:
    """Lines of Markdown (headings `#`, bold `**`, bullets); on a terminal shown without the marks."""

    lines: Sequence[str]


@dataclass(frozen=True)
class Preformatted:
    """Lines whose spacing matters (a timeline); a code block in Markdown.

    `styles` gives, per line, (start, end, rich style) spans to colour on a terminal.
    """

    lines: Sequence[str]
    title: str | None = None
    styles: Sequence[Sequence[tuple[int, int, str]]] = ()


Block = Table | Markdown | Preformatted


@dataclass(frozen=True)
class Result:
    """What a command shows. JSON defaults to the tables' rows, CSV to the first table."""

    blocks: Sequence[Block]
    document: Any = None
    records: Table | None = None
    feed: str | None = None
    colour: bool = field(default=False)

    def json_document(self) -> Any:
        """The value `--format json` prints: `document`, else the CSV table's rows as objects."""
        if self.document is not None:
            return self.document
        table = self.csv_table()
        return [{c: row.get(c) for c in table.names()} for row in table.rows]

    def csv_table(self) -> Table:
        """The table `--format csv` prints."""
        if self.records is not None:
            return self.records
        return next((b for b in self.blocks if isinstance(b, Table)), Table([]))


def emit(result: Result, fmt: Format | str, out: IO[str] | None = None) -> None:
    """Write `result` in `fmt` to `out` (default: standard output).

    Raises UsageError for `atom` on a result that is not a list of events.
    """
    fmt = Format(fmt)
    stream = out or sys.stdout
    if fmt == Format.json:
        stream.write(json.dumps(result.json_document(), indent=2, ensure_ascii=False) + "\n")
    elif fmt == Format.csv:
        stream.write(csv_text(result.csv_table()) + "\n")
    elif fmt == Format.atom:
        if result.feed is None:
            raise UsageError("--format atom is for events only (relwatch diff)")
        stream.write(result.feed + "\n")
    elif fmt == Format.markdown:
        stream.write("\n\n".join(markdown_block(b) for b in result.blocks) + "\n")
    elif stream.isatty():
        write_terminal(result, terminal(stream))
    else:
        stream.write("\n".join(plain_block(b) for b in result.blocks) + "\n")


def csv_text(table: Table) -> str:
    """CSV with a header row; strings that a spreadsheet would run as a formula are neutralised."""
    import csv  # only --format csv writes it

    columns = table.names()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[csv_cell(row.get(c)) for c in columns] for row in table.rows])
    return buffer.getvalue().rstrip("\n")


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers as they are; text starting with = + - @ tab or CR prefixed with `'`.

    Control characters other than tab and line breaks are escaped, as everywhere.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = safe(plain(value), CONTROL_BUT_LAYOUT)
    return "'" + text if text.startswith(FORMULA_START) else text


def markdown_block(block: Block) -> str:
    """A block as Markdown: a pipe table, the lines as they are, or a fenced code block."""
    if isinstance(block, Table):
        return markdown_table(block)
    if isinstance(block, Markdown):
        return "\n".join(safe(line) for line in block.lines)
    title = [f"### {safe(block.title)}", ""] if block.title else []
    return "\n".join([*title, "```", *(safe(line) for line in block.lines), "```"])


def markdown_table(table: Table) -> str:
    """A Markdown pipe table, `|` in cells escaped and line breaks folded into spaces."""
    columns = table.names()
    lines = [f"### {safe(table.title)}", ""] if table.title else []
    lines.append("| " + " | ".join(safe(c) for c in columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in table.rows:
        cells = [one_line(row.get(c)).replace("|", "\\|") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plain_block(block: Block) -> str:
    """A block as plain text for a pipe: aligned columns, Markdown marks removed, lines as they are."""
    if isinstance(block, Table):
        return plain_table(block.rows, block.names(), block.title)
    if isinstance(block, Markdown):
        return "\n".join(safe(unmarked(line)) for line in block.lines)
    return "\n".join([*([safe(block.title)] if block.title else []), *(safe(line) for line in block.lines)])


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> str:
    """The title, a header and a line per row; columns two spaces apart, numbers on the right, nothing wrapped."""
    cells = [[one_line(row.get(c)) for c in columns] for row in rows]
    right = [is_numeric(rows, c) for c in columns]
    widths = [max(map(text_width, texts)) for texts in zip(columns, *cells, strict=True)]
    lines = [safe(title)] if title else []
    if columns:
        lines += [_aligned(line, widths, right) for line in (columns, *cells)]
    if not rows:
        lines.append(NOTHING)
    return "\n".join(lines)


def write_terminal(result: Result, console: Console) -> None:
    """Draw the blocks with rich: tables that fit the console's width, bold headings, coloured marks."""
    from rich.text import Text

    for block in result.blocks:
        if isinstance(block, Table):
            console.print(rich_table(block, console.width))
            if not block.rows:
                console.print(Text(NOTHING))
        elif isinstance(block, Markdown):
            for line in block.lines:
                console.print(Text(safe(unmarked(line)), style="bold" if line.startswith("#") else ""))
        else:
            if block.title:
                console.print(Text(safe(block.title), style="bold"))
            for index, line in enumerate(block.lines):
                text = Text(safe(line), no_wrap=True, overflow="ellipsis")
                if result.colour and index < len(block.styles):
                    for start, end, style in block.styles[index]:
                        text.stylize(style, start, end)
                console.print(text)


def rich_table(table: Table, width: int) -> Any:
    """A rich Table of Text cells (never markup) that fits `width` columns, wrapped at word boundaries.

    The widest columns give way first (`column_widths`); a word longer than its column ends in `…`,
    and URLs show as host and the start of the path. Headers wrap at their underscores.
    """
    from rich.table import Table as RichTable
    from rich.text import Text

    columns = table.names()
    headers = [safe(column.replace("_", " ")) for column in columns]
    cells = [[short_urls(one_line(row.get(c))) for c in columns] for row in table.rows]
    drawn = RichTable(
        title=Text(safe(table.title)) if table.title else None,
        header_style="bold underline",
        box=None,
        pad_edge=False,
        padding=(0, 1),
    )
    widths = column_widths(headers, cells, width - GAP * max(len(columns) - 1, 0))
    for index, (column, header) in enumerate(zip(columns, headers, strict=True)):
        justify: Literal["right", "left"] = "right" if is_numeric(table.rows, column) else "left"
        drawn.add_column(Text(header), justify=justify, overflow="ellipsis", max_width=widths[index])
    for row in cells:
        drawn.add_row(*[Text(cell) for cell in row])
    return drawn


def column_widths(headers: Sequence[str], cells: Sequence[Sequence[str]], room: int) -> list[int]:
    """Widths that fit `room`: each column's widest cell (headers wrap at spaces), then the widest column
    loses a character at a time.

    First no column goes below its natural width up to `SHORT_CELL` (a day, a tier stay whole);
    then, if that is not enough, none below its longest header word.
    """
    header_words = [max(text_width(word) for word in h.split() or [""]) for h in headers]
    natural = [max([header_words[i], *(text_width(row[i]) for row in cells)]) for i in range(len(headers))]
    widths = list(natural)
    for floors in ([max(f, min(n, SHORT_CELL)) for f, n in zip(header_words, natural, strict=True)], header_words):
        while sum(widths) > room:
            candidates = [i for i, w in enumerate(widths) if w > floors[i]]
            if not candidates:
                break
            widths[max(candidates, key=lambda i: widths[i])] -= 1
    return widths


def terminal(stream: IO[str] | None = None) -> Console:
    """A rich console on `stream` (default: standard output), its width the terminal's."""
    from rich.console import Console

    return Console(file=stream or sys.stdout, highlight=False, markup=False, emoji=False)


def print_text(text: str, *, style: str | None = None, out: IO[str] | None = None) -> None:
    """A line for people, control characters escaped: styled by rich on a terminal, as it is otherwise."""
    stream = out or sys.stdout
    if not stream.isatty():
        stream.write(safe(text) + "\n")
        return
    from rich.text import Text

    terminal(stream).print(Text(safe(text), style=style or ""))


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


def safe(text: str, control: re.Pattern[str] = CONTROL) -> str:
    """`text` with every control character (C0, DEL, C1) written as a visible escape like `\\x1b`."""
    return control.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(value: Any) -> str:
    """A cell's text on one line: line breaks and tabs become spaces, other control characters escaped."""
    return safe(" ".join(plain(value).splitlines()).replace("\t", " "))


def short_urls(text: str) -> str:
    """URLs in `text` as host and the start of the path, ending in `…` when cut: for narrow tables."""

    def shorten(match: re.Match[str]) -> str:
        path = match.group(2) or ""
        return match.group(1) + (path if len(path) <= URL_PATH_KEPT else path[: URL_PATH_KEPT - 1] + "…")

    return URL.sub(shorten, text)


def plural(count: int, noun: str) -> str:
    """`1 source`, `2 sources`: a count with its noun (English regular plural)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def unmarked(line: str) -> str:
    """A Markdown line without its heading marks and bold stars."""
    return line.lstrip("# ").replace("**", "")


def human_count(value: int | None) -> str:
    """A count for people: 27000000000 → 27B; None → empty."""
    if value is None:
        return ""
    for unit, size in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if value >= size:
            return f"{value / size:.1f}{unit}".replace(".0", "")
    return str(value)


def plain(value: Any) -> str:
    """A value as text: None → empty, booleans → yes/no, lists and dicts → JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _aligned(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    padded = []
    for text, width, on_right in zip(cells, widths, right, strict=True):
        gap = " " * (width - text_width(text))
        padded.append(gap + text if on_right else text + gap)
    return "  ".join(padded).rstrip()
