"""Table and column descriptions, and the database served by Datasette (an optional extra)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from relwatch.config import parse_config
from relwatch.descriptions import DESCRIPTIONS, metadata, write_metadata
from relwatch.store import Store
from tests.conftest import invoke

CONFIG = """
[vendors.google]
name = "Google"
aliases = ["deepmind"]
[[vendors.google.sources]]
kind = "huggingface"
org = "google"

[vendors.baidu]
name = "Baidu"
[[vendors.baidu.sources]]
kind = "huggingface"
org = "baidu"
"""
STARTUP_LIMIT = 30.0  # seconds for Datasette to answer its first request


def make_db(path: Path) -> Path:
    """A relwatch database made by relwatch's own Store, with two vendors and their sources."""
    store = Store(path)
    store.save_config(parse_config(CONFIG, "test.toml"))
    store.close()
    return path


def schema(path: Path) -> dict[str, list[str]]:
    """Every table of the file and its columns, as SQLite reports them."""
    store = Store(path)
    tables = [row["name"] for row in store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {name: [row["name"] for row in store.rows(f"PRAGMA table_info({name})")] for name in tables}
    store.close()
    return found


def test_every_table_and_column_of_the_schema_is_described(tmp_path: Path) -> None:
    actual = schema(make_db(tmp_path / "relwatch.db"))
    assert set(actual) == set(DESCRIPTIONS)
    for table, columns in actual.items():
        described = DESCRIPTIONS[table]["columns"]
        assert list(described) == columns, f"{table}: descriptions out of step with the schema"
        assert all(text.strip() for text in described.values()), table
        assert DESCRIPTIONS[table]["description"].strip(), table


def test_metadata_is_in_datasettes_shape(tmp_path: Path) -> None:
    written = json.loads(write_metadata(tmp_path / "metadata.json", "mine").read_text(encoding="utf-8"))
    assert written == metadata("mine")
    tables = written["databases"]["mine"]["tables"]
    assert set(tables) == set(DESCRIPTIONS)
    assert "rolling 30-day" in tables["artifact_metrics"]["columns"]["downloads"]
    assert "USD per 1M tokens" in tables["price_observations"]["description"]
    assert "repo-created" in tables["artifacts"]["columns"]["date_kind"]


def test_relwatch_writes_the_metadata_under_the_databases_name(tmp_path: Path, env: dict[str, str]) -> None:
    meta = tmp_path / "m.json"
    missing = invoke(["datasette-metadata", "--db", str(tmp_path / "mine.db"), "-o", str(meta)], env)
    assert missing.returncode == 2 and not meta.exists()  # like the other read commands
    assert not (tmp_path / "mine.db").exists()  # and it creates no database
    Store(tmp_path / "mine.db").close()
    Store(tmp_path / "x.db").close()
    result = invoke(["datasette-metadata", "--db", str(tmp_path / "mine.db"), "-o", str(meta)], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(meta.read_text(encoding="utf-8")) == metadata("mine")
    shown = invoke(["datasette-metadata", "--db", str(tmp_path / "x.db"), "-o", "-"], env)
    assert json.loads(shown.stdout) == metadata("x")
    refused = invoke(
        ["datasette-metadata", "--db", str(tmp_path / "mine.db"), "-o", str(tmp_path / "no" / "such" / "m.json")], env
    )
    assert refused.returncode == 2 and refused.stderr.startswith("relwatch: error: cannot write")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def datasette(tmp_path: Path, env: dict[str, str]) -> Iterator[str]:
    """Datasette serving a relwatch database and the metadata `relwatch datasette-metadata` wrote,
    on loopback; yields its base URL."""
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("datasette is not installed (pip install -e '.[datasette]')")
    db = make_db(tmp_path / "relwatch.db")
    meta = tmp_path / "metadata.json"
    written = invoke(["datasette-metadata", "--db", str(db), "-o", str(meta)], env)
    assert written.returncode == 0, written.stderr
    port = free_port()
    argv = [sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(meta)]
    log = (tmp_path / "datasette.log").open("w")
    server = subprocess.Popen([*argv, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while True:
            try:
                httpx.get(f"{base}/-/versions.json", timeout=2.0).raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"datasette did not start: {(tmp_path / 'datasette.log').read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_datasette_serves_rows_and_descriptions(datasette: str) -> None:
    rows = httpx.get(f"{datasette}/relwatch/vendors.json?_shape=array", timeout=10.0).json()
    assert sorted((row["id"], row["name"]) for row in rows) == [("baidu", "Baidu"), ("google", "Google")]
    assert json.loads(next(row for row in rows if row["id"] == "google")["aliases"]) == ["deepmind"]

    served = httpx.get(f"{datasette}/-/metadata.json", timeout=10.0).json()
    tables = served["databases"]["relwatch"]["tables"]
    assert tables["releases"]["columns"]["date_source"] == DESCRIPTIONS["releases"]["columns"]["date_source"]
    assert tables["artifacts"]["description"] == DESCRIPTIONS["artifacts"]["description"]

    page = httpx.get(f"{datasette}/relwatch/sources", timeout=10.0).text
    assert "Where relwatch reads each vendor" in page
