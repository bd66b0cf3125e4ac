"""Every command explains itself, exits with its documented code, and prints upstream values as text."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relwatch import __version__
from relwatch.cli import app
from relwatch.config import load_config
from relwatch.store import Store, sync_lock
from tests.conftest import RELWATCH, invoke, write_config

COMMANDS = sorted(command.name or command.callback.__name__ for command in app.registered_commands)


def test_the_commands_a_user_expects_are_there():
    assert {"sync", "list", "show", "compare", "diff", "vendors", "sources", "reclassify"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, env):
    result = invoke([command, "--help"], env)
    assert result.returncode == 0, result.stderr
    assert "Example: relwatch " in result.stdout


def test_help_does_not_import_the_network_or_parsing_stack():
    code = (
        "import sys; from relwatch.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('httpx', 'sqlite_utils', 'feedparser', 'bs4', 'tenacity', 'dateutil')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "heavy:\n" in result.stdout


def test_module_entry_point(env):
    result = subprocess.run([sys.executable, "-m", "relwatch", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "compare" in result.stdout


# In process: exit codes, errors as one line, output safety.

HOSTILE = "evil[/]\x1b]0;owned\x07\x1b[31mred\x9b"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run a command in process, in an isolated environment and an 80-column terminal: (exit code, stdout, stderr)."""
    for name in ("RELWATCH_DB", "RELWATCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke


@pytest.fixture
def db(tmp_path) -> str:
    """A database that knows the built-in vendors and holds nothing else."""
    path = tmp_path / "r.db"
    store = Store(path)
    store.save_config(load_config(None))
    store.close()
    return str(path)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--tier", "bogus"],
        ["list", "--since", "2025-13-01"],
        ["list", "--until", "2025-02-30"],
        ["list", "--since", "last week"],
        ["compare", "google", "baidu", "--since", "2025-13-01"],
        ["compare", "google", "baidu", "--modality", "smell"],
        ["report", "google", "--since", "2025-02-30", "-o", "-"],
        ["compare", "google"],
        ["compare", "google", "google"],
        ["diff", "--since", "999"],
        ["diff", "--since", "2025-02-30"],
        ["list", "nobody"],
        ["list", "--format", "atom"],
    ],
)
def test_usage_errors_exit_2_with_one_line(cli, db, args):
    code, out, err = cli(*args, "--db", db)
    assert code == 2, err
    assert out == "" and len(err.strip().splitlines()) in (1, 4)  # ours, or typer's usage block
    assert "Traceback" not in err


def test_an_unknown_vendor_names_the_database_not_a_config(cli, db):
    code, _, err = cli("list", "nobody", "--db", db)
    assert code == 2
    assert err.startswith("relwatch: error: unknown vendor 'nobody' in the database ") and "config" not in err


def test_a_missing_database_is_a_usage_error_and_is_not_created(cli, tmp_path):
    missing = tmp_path / "none.db"
    expected = f"relwatch: error: no database at {missing}: run `relwatch sync` first, or pass --db\n"
    for command in (["list"], ["compare", "a", "b"], ["diff"], ["show", "x"], ["report", "-o", "-"], ["reclassify"]):
        assert cli(*command, "--db", str(missing))[::2] == (2, expected)
    assert cli("vendors", "--db", str(missing))[0] == 0
    assert cli("sources", "--db", str(missing))[0] == 0
    assert list(tmp_path.glob("none.db*")) == []


def test_a_held_lock_exits_3(cli, db):
    with sync_lock(Path(db)):
        code, _, err = cli("reclassify", "--db", db)
    assert code == 3 and "another relwatch sync is running" in err


def test_ctrl_c_exits_130_with_one_line(cli, db, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "list_releases", interrupted)
    code, _, err = cli("list", "--db", db)
    assert (code, err) == (130, "relwatch: error: interrupted\n")


def test_a_closed_pipe_ends_quietly(db, env):
    process = subprocess.Popen(
        [RELWATCH, "sources", "--db", db, "-f", "json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


def test_version(cli):
    assert cli("--version")[:2] == (0, f"relwatch {__version__}\n")


def test_sync_takes_format_instead_of_json(cli, tmp_path):
    _, out, _ = cli("sync", "--help")
    assert "--format" in out and "--json" not in out
    assert cli("sync", "--db", str(tmp_path / "s.db"), "-f", "atom")[0] == 2


def test_errors_escape_control_characters_and_markup(cli, db):
    code, out, err = cli("show", HOSTILE, "--db", db)
    assert code == 2 and out == ""
    assert "\x1b" not in err and "\x07" not in err and "\x9b" not in err
    assert "evil[/]\\x1b]0;owned\\x07\\x1b[31mred\\x9b" in err


def test_every_help_states_the_real_exit_codes(cli):
    code, out, _ = cli("--help")
    assert code == 0 and "2 bad config or usage" in " ".join(out.split()) and "130 interrupted" in out


def test_a_failed_source_exits_1_with_one_line_per_host_and_error(cli, tmp_path):
    vendors = {"acme": [{"kind": "huggingface", "org": "acme", "base_url": "http://127.0.0.1:9"}]}
    config = write_config(tmp_path / "sources.toml", vendors, {"retries": 1})
    code, out, err = cli("sync", "--quiet", "--config", str(config), "--db", str(tmp_path / "f.db"))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines == ["relwatch: 127.0.0.1:9: connection refused — 1 source (acme/huggingface/acme)"]


def test_sync_prints_its_summary_as_json(cli, tmp_path):
    vendors = {"acme": [{"kind": "huggingface", "org": "acme", "base_url": "http://127.0.0.1:9"}]}
    config = write_config(tmp_path / "sources.toml", vendors, {"retries": 1})
    code, out, _ = cli("sync", "--format", "json", "--config", str(config), "--db", str(tmp_path / "f.db"))
    summary = json.loads(out)
    assert code == 1 and summary["totals"]["failed"] == 1


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["diff", "-f", "atom"], '<?xml version="1.0" encoding="utf-8"?>'),
        (["diff", "-f", "json"], '{\n  "title": "relwatch: changes since the first sync",\n  "count": 0'),
        (["diff", "-f", "csv"], "at,vendor_id,type,subject,old_value,new_value,release_id,source_id,sync_run_id\n"),
        (["diff", "-f", "markdown"], "# relwatch: changes since the first sync\n\nNothing changed.\n"),
        (["list", "-f", "csv"], "id,vendor,name,family,tier,date,"),
        (["list", "-f", "json"], "[]\n"),
        (["list", "-f", "markdown"], "### Releases\n\n| id | vendor |"),
        (["list"], "Releases\nvendor  name  tier  date  licence_class  largest  artifacts  seen_on\n(nothing"),
        (["vendors", "-f", "csv"], "vendor,name,aliases,sources,covers,artifacts,last_success,failing\ngoogle,Google,"),
    ],
)
def test_every_command_writes_through_one_output_layer(cli, db, args, start):
    code, out, err = cli(*args, "--db", db)
    assert (code, err) == (0, "") and out.startswith(start)
