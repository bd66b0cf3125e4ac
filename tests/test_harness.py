"""The test harness itself: locating ../shared, and relwatch run in process like the installed command."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests import conftest
from tests.conftest import invoke, run, shared_path


def test_shared_path_skips_with_one_line_when_shared_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"^public test data not found: .*payloads[/\\]x\.json") as skipped:
        shared_path("payloads", "x.json")
    assert "\n" not in str(skipped.value)


def test_shared_path_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="public test data not found"):
        shared_path("captures")


def test_shared_path_finds_a_present_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shared" / "payloads").mkdir(parents=True)
    (tmp_path / "shared" / "payloads" / "x.json").write_text("{}")
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    assert shared_path("payloads", "x.json") == tmp_path / "shared" / "payloads" / "x.json"


@pytest.mark.parametrize(
    "args",
    [["list", "--db", "{tmp}/missing.db"], ["list", "--tier", "bogus", "--db", "{tmp}/missing.db"], ["list"]],
)
def test_in_process_run_answers_like_the_installed_command(
    args: list[str], tmp_path: Path, env: dict[str, str]
) -> None:
    argv = [a.format(tmp=tmp_path) for a in args]
    spawned, in_process = run(argv, env), invoke(argv, env)
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == (
        spawned.returncode,
        spawned.stdout,
        spawned.stderr,
    )


def test_in_process_run_uses_only_the_given_environment(
    cli: Callable[..., CompletedProcess[str]], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/nonexistent/real-user-data")
    before = dict(os.environ)
    result = cli("list")  # the default database lives under the environment's XDG_DATA_HOME
    assert result.returncode != 0
    assert env["XDG_DATA_HOME"] in result.stderr and "/nonexistent/real-user-data" not in result.stderr
    assert dict(os.environ) == before


def test_the_tests_run_offline_and_reach_the_loopback(
    tmp_path: Path, cli: Callable[..., CompletedProcess[str]]
) -> None:
    """A source that names a live host fails to resolve it, as on CI's machine without internet,
    and says so in one line; the loopback still resolves."""
    import socket

    assert socket.getaddrinfo("localhost", 80)
    with pytest.raises(socket.gaierror, match=r"tests run offline: no lookup of huggingface\.co"):
        socket.getaddrinfo("huggingface.co", 443)
    config = tmp_path / "sources.toml"
    config.write_text('[vendors.acme]\n[[vendors.acme.sources]]\nkind = "huggingface"\norg = "acme-ai"\n')
    result = cli("sync", "--config", str(config), "--db", str(tmp_path / "r.db"))
    said = result.stdout + result.stderr
    assert result.returncode == 1 and "huggingface.co: cannot resolve host" in said, said
