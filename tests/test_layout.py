"""The layout holds: only the `relwatch.store` package talks SQL."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "relwatch"
STORE = PACKAGE / "store"
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})
SQL_MODULES = frozenset({"sqlite3", "sqlite_utils"})
SQL_TEXT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|BEGIN|WITH)\s")


def sql_sites(source: str) -> list[str]:
    """Each place `source` executes SQL, imports an SQLite library or spells an SQL statement:
    `line: what`."""
    sites = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            sites.append(f"{node.lineno}: .{node.func.attr}()")
        elif isinstance(node, ast.Import):
            sites += [f"{node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] in SQL_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in SQL_MODULES:
            sites.append(f"{node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            sites.append(f"{node.lineno}: SQL text {node.value.strip()[:40]!r}")
    return sites


@pytest.mark.parametrize(
    "line",
    [
        "store.conn.execute(query)",
        "cursor.executemany(sql, rows)",
        "conn.executescript(script)",
        "import sqlite3",
        "import sqlite_utils.db",
        "from sqlite3 import Connection",
        "rows = store.rows('SELECT id FROM releases WHERE family = ?', (name,))",
        "sql = '''\n    INSERT INTO events VALUES (1)'''",
    ],
)
def test_the_check_finds_each_way_of_talking_sql(line):
    assert len(sql_sites(line)) == 1


def test_the_check_leaves_other_code_alone():
    assert sql_sites("run(['sync'])\nhelp = 'Select releases by vendor'\nexecutor.submit(job)\n") == []


def test_no_module_outside_the_store_talks_sql():
    found = {
        str(path.relative_to(PACKAGE)): sites
        for path in sorted(PACKAGE.rglob("*.py"))
        if STORE not in path.parents and (sites := sql_sites(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"SQL outside relwatch/store/: {found}"


def test_the_store_does_talk_sql():
    """The walk sees the package it exempts (a moved or renamed store would make the test above vacuous)."""
    assert sum(len(sql_sites(path.read_text(encoding="utf-8"))) for path in STORE.rglob("*.py")) > 20
