"""Tables for people: plain aligned text on a pipe, rich on a terminal."""

import io
import subprocess
import sys

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
    assert "│ google │        41 │" in terminal.getvalue().splitlines()


def test_a_table_on_a_pipe_does_not_import_rich():
    code = (
        "import sys\n"
        "from relwatch.render import Format, Result, Table, emit\n"
        "emit(Result([Table([{'a': 1}], title='T')]), Format.table)\n"
        "print('rich' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "False"
