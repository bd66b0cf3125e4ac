"""`report -o` and `datasette-metadata -o` never replace a database; `datasette-metadata`
refuses a missing or corrupt database like the other read commands."""

import sqlite3
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from relwatch.store import Store

Cli = Callable[..., CompletedProcess[str]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO vendors (id, name) VALUES ('acme', 'Acme')")
    return path


@pytest.mark.parametrize("command", [["report", "acme"], ["datasette-metadata"]])
def test_the_output_is_never_the_database_or_another_sqlite_file(
    tmp_path: Path, cli: Cli, db: Path, command: list[str]
) -> None:
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = other.read_bytes()
    for output, why in ((db, "that is the database"), (other, "that is an SQLite database")):
        result = cli(*command, "--db", str(db), "-o", str(output))
        assert result.returncode == 2, result.stderr
        assert why in result.stderr
    assert other.read_bytes() == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM vendors").fetchall() == [("acme",)]


def test_metadata_refuses_the_database_file_and_a_missing_or_corrupt_database(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    same = cli("datasette-metadata", "--db", str(db), "-o", str(db))
    assert same.returncode == 2 and "that is the database" in same.stderr
    missing = cli("datasette-metadata", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "m.json"))
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m.json").exists() and not (tmp_path / "none.db").exists()
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"not a database at all" * 100)
    bad = cli("datasette-metadata", "--db", str(corrupt), "-o", str(tmp_path / "m.json"))
    assert bad.returncode == 1 and bad.stderr.strip().splitlines() == [
        f"relwatch: error: database {corrupt}: the file is not an SQLite database"
    ]
    written = cli("datasette-metadata", "--db", str(db), "-o", str(tmp_path / "m.json"))
    assert written.returncode == 0 and "wrote" in written.stderr
    again = cli("datasette-metadata", "--db", str(db), "-o", str(tmp_path / "m.json"))
    assert again.returncode == 0 and "replaced" in again.stderr
