"""`relwatch`, `relwatch -h` and `relwatch --help` answer from stored text, exactly as typer would, without typer."""

import subprocess
import sys
from pathlib import Path

import pytest

from relwatch import entry
from tests.conftest import run

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from render_help import render, rendered_help

STORED = Path(entry.HELP_FILE).read_text(encoding="utf-8")


def modules_after(args: list[str], env: dict[str, str]) -> set[str]:
    """The modules a `relwatch ARGS` run through the console script's entry point has imported."""
    code = (
        "import sys\n"
        "from relwatch.entry import main\n"
        f"sys.argv = ['relwatch', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write('\\nmodules: ' + ' '.join(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return set(result.stderr.rsplit("modules: ", 1)[1].split())


def test_the_stored_help_is_what_typer_renders_now():
    assert rendered_help() == STORED, "help.txt is stale: run python scripts/render_help.py"


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_help_prints_the_stored_text(env, option):
    result = run([option], env)
    assert (result.returncode, result.stdout, result.stderr) == (0, STORED, "")


def test_no_arguments_behave_as_typer_does(env):
    typer_run = render(args=())
    result = run([], env)
    assert (result.returncode, result.stdout, result.stderr) == (typer_run.returncode, "", typer_run.stderr)
    assert result.returncode == 2 and result.stderr == STORED


def test_the_module_entry_names_itself_in_the_usage_line(env):
    result = subprocess.run([sys.executable, "-m", "relwatch", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and result.stdout == rendered_help("python -m relwatch")


def test_help_imports_neither_typer_nor_rich(env):
    assert not {"typer", "rich", "relwatch.cli"} & modules_after(["--help"], env)


def test_anything_else_goes_to_typer(env):
    result = run(["--no-such-option"], env)
    assert result.returncode == 2 and "No such option: --no-such-option" in result.stderr


def test_list_on_a_pipe_imports_neither_rich_nor_the_analysis_nor_the_config(tmp_path, env):
    db = str(tmp_path / "r.db")
    assert run(["vendors", "--db", db], env).returncode == 0
    loaded = modules_after(["list", "--db", db], env)
    assert "relwatch.store" in loaded
    assert not {"rich", "relwatch.analysis", "relwatch.config", "tomllib"} & loaded
