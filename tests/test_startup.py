"""The console script is the Typer app, and the query commands load no network or parsing code."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from relwatch import __version__
from tests.conftest import invoke, run

ROOT = Path(__file__).resolve().parents[1]
NETWORK_AND_PARSING = {"httpx", "feedparser", "bs4", "relwatch.sources", "relwatch.sync", "relwatch.http"}


def modules_after(args: list[str], env: dict[str, str]) -> set[str]:
    """The modules a `relwatch ARGS` run through the console script's function has imported."""
    code = (
        "import sys\n"
        "from relwatch.cli import main\n"
        f"sys.argv = ['relwatch', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write('\\nmodules: ' + ' '.join(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return set(result.stderr.rsplit("modules: ", 1)[1].split())


def test_the_console_script_is_the_typer_app():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"relwatch": "relwatch.cli:main"}


def test_version(env):
    result = run(["--version"], env)
    assert (result.returncode, result.stdout) == (0, f"relwatch {__version__}\n")


def test_no_arguments_print_the_help_as_a_usage_error(env):
    result = run([], env)
    assert result.returncode == 2 and "Commands:" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--artifacts"],
        ["compare", "google", "baidu"],
        ["diff"],
        ["show", "google/gemma-3"],
        ["vendors"],
        ["sources"],
    ],
)
def test_query_commands_import_no_network_or_parsing_code(tmp_path, env, args):
    db = str(tmp_path / "r.db")
    from relwatch.store import Store

    Store(Path(db)).close()
    loaded = modules_after([*args, "--db", db], env)
    assert "relwatch.store" in loaded
    assert not NETWORK_AND_PARSING & loaded
    assert not {m for m in loaded if m.startswith("relwatch.sources.")}


def test_list_on_a_pipe_imports_neither_rich_nor_the_analysis_nor_the_config(tmp_path, env):
    db = str(tmp_path / "r.db")
    (tmp_path / "empty").mkdir()
    assert invoke(["sync", "--db", db, "--replay", str(tmp_path / "empty")], env).returncode in (0, 1)
    loaded = modules_after(["list", "--db", db], env)
    assert "relwatch.store" in loaded
    assert not {"rich", "relwatch.analysis", "relwatch.config", "relwatch.licences", "tomllib"} & loaded


def test_list_loads_no_price_model_while_compare_does(tmp_path, env):
    db = str(tmp_path / "r.db")
    (tmp_path / "empty").mkdir()
    assert invoke(["sync", "--db", db, "--replay", str(tmp_path / "empty")], env).returncode in (0, 1)
    price_model = {"relwatch.value", "relwatch.prices", "decimal", "statistics", "csv"}
    assert not price_model & modules_after(["list", "--db", db], env)
    assert {"relwatch.value", "relwatch.prices", "decimal"} <= modules_after(
        ["compare", "google", "baidu", "--db", db], env
    )
