"""Tables for people: plain aligned text on a pipe, rich on a terminal."""

import csv
import io
import re
import subprocess
import sys

import pytest

from relwatch.errors import UsageError
from relwatch.render import Format, Result, Table, emit, plain_table

ROWS = [
    {"vendor": "google", "name": "Gemma 3", "artifacts": 41, "gated": False},
    {"vendor": "baidu", "name": "ERNIE 4.5", "artifacts": 7, "gated": True},
    {"vendor": "meta", "name": "Llama 4", "artifacts": None, "gated": None},
]


def test_columns_are_padded_two_spaces_apart_with_numbers_on_the_right():
    assert plain_table(ROWS, ["vendor", "name", "artifacts", "gated"], "Releases").splitlines() == [
        "Releases",
        "vendor  name       artifacts  gated",
        "google  Gemma 3           41  no",
        "baidu   ERNIE 4.5          7  yes",
        "meta    Llama 4",
    ]


def test_a_long_cell_is_never_wrapped():
    text = plain_table([{"id": "x" * 300, "n": 1}], ["id", "n"])
    assert [len(line) for line in text.splitlines()] == [303, 303]


def test_a_cell_with_line_breaks_stays_on_its_row():
    text = plain_table([{"why": "gated\nlicence:\tother", "n": 2}], ["why", "n"])
    assert text.splitlines() == ["why" + " " * 19 + "n", "gated licence: other  2"]


def test_wide_characters_take_two_columns():
    text = plain_table([{"name": "通义千问", "n": 1}, {"name": "qwen", "n": 22}], ["name", "n"])
    assert text.splitlines() == ["name       n", "通义千问   1", "qwen      22"]


def test_nothing_to_show():
    assert plain_table([], ["vendor", "name"], "Releases") == "Releases\nvendor  name\n(nothing to show)"
    assert plain_table([], []) == "(nothing to show)"


def test_a_pipe_gets_the_plain_table(capsys):
    emit(Result([Table(ROWS, ["vendor", "artifacts"], "Releases")]), Format.table)
    assert capsys.readouterr().out == plain_table(ROWS, ["vendor", "artifacts"], "Releases") + "\n"


def test_a_terminal_gets_the_rich_table(monkeypatch):
    terminal = io.StringIO()
    monkeypatch.setattr(terminal, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    emit(Result([Table(ROWS, ["vendor", "artifacts"], "Releases")]), Format.table)
    assert "google         41" in terminal.getvalue().splitlines()


def test_a_table_on_a_pipe_does_not_import_rich():
    code = (
        "import sys\n"
        "from relwatch.render import Format, Result, Table, emit\n"
        "emit(Result([Table([{'a': 1}], title='T')]), Format.table)\n"
        "print('rich' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "False"


# Output safety and narrow terminals.

HOSTILE_ROWS = [
    {"id": "evil[/]x", "note": "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \x1b[2J\x9bcleared"},
    {"id": "=HYPERLINK(\"http://x\")", "note": "+1 -2 @SUM(A1) \ttab"},
]
LONG_URL = "https://huggingface.co/api/models?author=google&full=true&limit=100&sort=lastModified"
WORDS = ["google/gemma-3-27b-it", "open-restricted", "anthropic", "ConnectError", "after", "5", "attempts", LONG_URL]
SGR = re.compile("\x1b\\[[0-9;]*m")
WIDE_ROWS = [
    {
        "vendor": "anthropic",
        "name": "google/gemma-3-27b-it-qat-q4_0-unquantized",
        "tier": "open-restricted",
        "date": "2025-03-12",
        "licence_class": "open-restricted",
        "largest": "27B",
        "artifacts": 41,
        "seen_on": "huggingface, openrouter, changelog",
        "error": " ".join(WORDS),
    }
] * 3


class Terminal(io.StringIO):
    """Standard output as a terminal."""

    def isatty(self) -> bool:
        return True


def on_terminal(result: Result, width: int, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = Terminal()
    emit(result, Format.table, out=out)
    return SGR.sub("", out.getvalue())


def test_markup_and_control_characters_are_text_on_a_terminal(monkeypatch):
    text = on_terminal(Result([Table(HOSTILE_ROWS, title="[bold]T[/]")]), 200, monkeypatch)
    assert "evil[/]x" in text and "[bold]T[/]" in text
    assert not {"\x1b", "\x07", "\x9b"} & set(text)
    assert "\\x1b]8;;" in text and "\\x9bcleared" in text


@pytest.mark.parametrize("fmt", [Format.table, Format.markdown, Format.csv])
def test_control_characters_are_escaped_on_a_pipe(fmt):
    out = io.StringIO()
    emit(Result([Table(HOSTILE_ROWS)]), fmt, out=out)
    assert not {"\x1b", "\x07", "\x9b"} & set(out.getvalue())


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    out = io.StringIO()
    emit(Result([Table([*HOSTILE_ROWS, {"id": "-", "note": -3.5}])]), Format.csv, out=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[2] == ["'=HYPERLINK(\"http://x\")", "'+1 -2 @SUM(A1) \ttab"]
    assert rows[3] == ["'-", "-3.5"]


def test_atom_is_for_events_only():
    with pytest.raises(UsageError):
        emit(Result([Table(ROWS)]), Format.atom, out=io.StringIO())


@pytest.mark.parametrize("width", [80, 120])
def test_tables_fit_the_terminal_without_breaking_a_word(width, monkeypatch):
    text = on_terminal(Result([Table(WIDE_ROWS, title="Releases")]), width, monkeypatch)
    lines = [line for line in text.splitlines() if line.strip() and set(line.strip()) != {"─"}]
    assert max(len(line) for line in lines) <= width
    cells = ["Releases", *map(str, WIDE_ROWS[0].values()), *(column.replace("_", " ") for column in WIDE_ROWS[0])]
    known = {word for cell in cells for word in cell.replace(",", " ").split()}
    for token in " ".join(lines).replace(",", " ").split():
        if token.endswith("…"):  # shortened: still the start (or, for a URL, a part) of a whole word
            assert any(token[:-1] in word for word in known), token
        else:
            assert token in known, token


@pytest.mark.parametrize("width", [80, 120])
def test_urls_in_terminal_tables_are_shortened(width, monkeypatch):
    text = on_terminal(Result([Table([{"n": 1, "error": LONG_URL}])]), width, monkeypatch)
    assert "https://" not in text and "huggingface.co/api/models" in text


@pytest.mark.parametrize("terminal", [False, True])
def test_the_sync_summary_prints_a_hostile_error_as_text(terminal, monkeypatch):
    from relwatch.sync import SourceOutcome, SyncResult
    from relwatch.views import sync_summary

    outcome = SourceOutcome(source="x/feed[/]", vendor="x", kind="feed", status="failed", error=HOSTILE_ROWS[0]["note"])
    result = SyncResult(run_id=7, mode="live", started_at="2026-01-01T00:00:00Z", outcomes=[outcome])
    if terminal:
        text = on_terminal(sync_summary(result), 80, monkeypatch)
    else:
        out = io.StringIO()
        emit(sync_summary(result), Format.table, out=out)
        text = out.getvalue()
    assert "x/feed[/]" in text and "\\x1b" in text
    assert not {"\x1b", "\x07", "\x9b"} & set(text)
