from __future__ import annotations

import functools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.loopback import HfHub, Loopback

# Compiled modules are cached even where PYTHONDONTWRITEBYTECODE is set (as bench/measure.py does): otherwise
# every spawned `relwatch` compiles the package again, and every worker rewrites every test module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

RELWATCH = str(Path(sys.executable).parent / "relwatch")
# Public recordings and captures live beside the clone, not in it (CI checks `shared/` out there).
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FAST_SETTINGS = {"timeout": 5.0, "retries": 3, "backoff": 0.01, "max_backoff": 0.05, "max_wait": 2.0}


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Every test process runs offline (`loopback_only`, from the first fixture on; spawned `relwatch`
    commands are pointed at loopback servers by their configs). Temporary folders are in memory (a
    fresh folder in /dev/shm, removed when the run ends) when the machine has /dev/shm and no
    `--basetemp` was given: nearly every test creates SQLite databases, and creating one on a disk
    waits ~80 ms for fsyncs (a shared 2-core VM) against ~12 ms of CPU work. pytest-xdist workers
    get their folders inside the main process's."""
    socket.getaddrinfo = loopback_only(socket.getaddrinfo)
    shm = Path("/dev/shm")
    if hasattr(config, "workerinput") or config.option.basetemp or not (shm.is_dir() and os.access(shm, os.W_OK)):
        return
    config.option.basetemp = tempfile.mkdtemp(prefix="relwatch-tests-", dir=shm)
    config.add_cleanup(functools.partial(shutil.rmtree, config.option.basetemp, ignore_errors=True))


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def loopback_only(resolve: Callable[..., Any]) -> Callable[..., Any]:
    """`socket.getaddrinfo` for tests, which run offline as CI does: any host but the loopback fails
    to resolve (`socket.gaierror`, naming the host), as it would on a machine without internet."""

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and str(name).lower() not in LOOPBACK_HOSTS:
            raise socket.gaierror(socket.EAI_NONAME, f"tests run offline: no lookup of {name}")
        return resolve(host, *args, **kwargs)

    return lookup


def modules_with_a_module_fixture() -> set[str]:
    """The test files (`tests/test_x.py`, as node ids start) that define a module-scoped fixture."""
    here = Path(__file__).parent
    return {
        f"{here.name}/{path.name}" for path in here.glob("test_*.py") if 'scope="module"' in path.read_text("utf-8")
    }


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` (pyproject's addopts), its groups made here: each test is a unit of work,
    except that the tests of a file with a module-scoped fixture are one unit, so that fixture is
    made once; the scheduler sends the largest units first, so a long fixture never starts last.
    (pytest-xdist groups by its `xdist_group` mark through a node-id attribute pytest 9 no longer
    reads, so that mark would group nothing.) Any other `--dist` keeps pytest-xdist's scheduler."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    shared = modules_with_a_module_fixture()

    class ByModuleFixture(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path in shared else nodeid

    return ByModuleFixture(config, log)


def shared_path(*parts: str) -> Path:
    """`../shared/<parts>`: public test data. Missing: the test fails under CI=true, else skips (one line)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"public test data not found: {path} (check out shared/ beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture
def openrouter_captures() -> Path:
    """The shared OpenRouter captures, which the labelled sets' catalogue rows are dated and served
    from (`scripts/accuracy.py`): a test that reads them skips without them (fails under CI)."""
    shared_path("payloads", "openrouter_api_v1_models_2026-05-15.json")
    return shared_path("captures", "openrouter")


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback().start()
    yield server
    server.stop()


@pytest.fixture
def hub(loopback: Loopback) -> HfHub:
    return HfHub(loopback, page_size=10)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def write_config(path: Path, vendors: dict[str, list[dict[str, Any]]], settings: dict[str, Any] | None = None) -> Path:
    """A sources.toml with `vendors` → their source tables."""
    lines = ["[settings]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in {**FAST_SETTINGS, **(settings or {})}.items()]
    for vendor, sources in vendors.items():
        lines += ["", f"[vendors.{vendor}]", f'name = "{vendor.title()}"']
        for source in sources:
            lines.append(f"[[vendors.{vendor}.sources]]")
            lines += [f"{k} = {toml_value(v)}" for k, v in source.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with no tokens, no user config, and a fixed terminal."""
    return isolated_env(tmp_path)


def isolated_env(folder: Path) -> dict[str, str]:
    """This process's environment without tokens or RELWATCH_* settings, its HOME and XDG folders
    under `folder`, no colour, a 200-column dumb terminal (for fixtures wider than one test)."""
    secrets = ("_TOKEN", "_API_KEY")
    clean = {k: v for k, v in os.environ.items() if not k.endswith(secrets) and not k.startswith("RELWATCH_")}
    clean.update(
        {
            "HOME": str(folder / "home"),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_CACHE_HOME": str(folder / "cache"),
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "TERM": "dumb",
        }
    )
    return clean


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the installed `relwatch` command."""
    return subprocess.run([RELWATCH, *args], env=env, capture_output=True, text=True, timeout=timeout)


def invoke(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run relwatch in this process (Typer's CliRunner) with exactly `env` as the environment.

    Same result shape as `run` (returncode, stdout, stderr as text), at a fraction of the cost of
    spawning the command. An exception the command does not turn into an exit is raised here. The
    database the command leaves open is closed afterwards, as the end of its process would.
    For what needs a real process (signals, locks, the installed entry point), use `run`.
    """
    import typer.testing
    from typer.testing import CliRunner

    from relwatch.cli import app  # imported late: the CLI module may move

    # Typer turns the app into its click command on every invocation (~2 ms of signature reading);
    # a process does it once, so the tests build it once too.
    typer.testing._get_command = click_command

    overrides: dict[str, str | None] = {key: None for key in os.environ if key not in env}
    overrides.update(env)
    try:
        result = CliRunner(env=overrides).invoke(app, args, prog_name="relwatch")
    finally:
        close_left_open()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["relwatch", *args], result.exit_code, result.stdout, result.stderr)


@functools.cache
def click_command(app: Any) -> Any:
    """The click command Typer makes of `app`, made once per test process."""
    import typer.main

    return typer.main.get_command(app)


def close_left_open() -> None:
    """Close the database a command leaves open for its process's exit to close (the last one it
    opened), as that exit would: its WAL is checkpointed and the next command starts with none."""
    from relwatch.store.core import Database

    if Database.current is not None:
        Database.current.close()


@pytest.fixture
def cli(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`cli("list", "--db", path)`: relwatch in process, in the isolated `env` (no tokens, tmp HOME/XDG,
    NO_COLOR, COLUMNS=200). Pass `env=` to run with another environment."""

    def call(*args: str, env: dict[str, str] = env) -> subprocess.CompletedProcess[str]:
        return invoke(list(args), env)

    return call


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()
