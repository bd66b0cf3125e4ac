"""Table and column descriptions, and the database served by Datasette (an optional extra)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path
from typing import Any

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


@pytest.fixture
def datasette(tmp_path: Path, env: dict[str, str]) -> Any:
    """Datasette (its app, in this process) serving a relwatch database with the metadata
    `relwatch datasette-metadata` wrote, as `datasette serve DB --metadata FILE` reads it."""
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("datasette is not installed (pip install -e '.[datasette]')")
    from datasette.app import Datasette

    db = make_db(tmp_path / "relwatch.db")
    meta = tmp_path / "metadata.json"
    written = invoke(["datasette-metadata", "--db", str(db), "-o", str(meta)], env)
    assert written.returncode == 0, written.stderr
    return Datasette([str(db)], metadata=json.loads(meta.read_text(encoding="utf-8")))


def served(app: Any, path: str) -> Any:
    """The app's answer to GET `path` (a 200, or the test fails), through its own HTTP client."""

    async def get() -> Any:
        response = await app.client.get(path)
        response.raise_for_status()
        return response

    return asyncio.run(get())


def test_datasette_serves_rows_and_descriptions(datasette: Any) -> None:
    rows = served(datasette, "/relwatch/vendors.json?_shape=array").json()
    assert sorted((row["id"], row["name"]) for row in rows) == [("baidu", "Baidu"), ("google", "Google")]
    assert json.loads(next(row for row in rows if row["id"] == "google")["aliases"]) == ["deepmind"]

    tables = served(datasette, "/-/metadata.json").json()["databases"]["relwatch"]["tables"]
    assert tables["releases"]["columns"]["date_source"] == DESCRIPTIONS["releases"]["columns"]["date_source"]
    assert tables["artifacts"]["description"] == DESCRIPTIONS["artifacts"]["description"]

    page = served(datasette, "/relwatch/sources").text
    assert "Where relwatch reads each vendor" in page
