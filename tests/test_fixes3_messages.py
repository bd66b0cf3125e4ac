"""Small messages: price figures without float noise, a `prices` query that matches nothing, a
missing replay folder, a source id in the wrong case, plural forms."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from relwatch.prices_view import significant
from relwatch.render import plural
from relwatch.sources.pricehistory import parse_ledger
from relwatch.store import Store

Cli = Callable[..., CompletedProcess[str]]


def test_float_noise_is_gone_from_ledger_prices_and_table_figures() -> None:
    read = parse_ledger(
        {"models": {"a/m": {"points": [["2025-01-01", 0.20000000000000002, 0.6]]}}}, "l", "s", "2026-01-01"
    )
    assert read.observations[0].price.input_per_million is not None
    assert str(read.observations[0].price.input_per_million) == "0.2"
    assert significant("0.20000000000000002") == "0.2"
    assert significant("1.2345678") == "1.23457"
    assert significant("1500000") == "1500000"
    assert significant(None) is None


def test_plural_forms() -> None:
    assert (plural(1, "source"), plural(0, "source"), plural(2, "source")) == ("1 source", "0 sources", "2 sources")


def test_prices_of_nothing_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    db = tmp_path / "r.db"
    Store(db).close()
    result = cli("prices", "nosuch", "--db", str(db))
    assert result.returncode == 2 and "matches 'nosuch'" in result.stderr and result.stdout == ""


def test_a_missing_replay_folder_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    result = cli("sync", "--replay", str(tmp_path / "nonexist"), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2 and "no recording at" in result.stderr


def test_accept_suggests_the_source_id_in_its_stored_case(tmp_path: Path, cli: Cli) -> None:
    db = tmp_path / "r.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO vendors (id, name) VALUES ('acme', 'Acme')")
        conn.execute(
            "INSERT INTO sources (id, vendor_id, kind, base_url) VALUES ('acme/huggingface/Acme-AI', 'acme', "
            "'huggingface', 'https://huggingface.co')"
        )
    result = cli("sources", "accept", "acme/huggingface/acme-ai", "--db", str(db))
    assert result.returncode == 2
    assert "did you mean 'acme/huggingface/Acme-AI'?" in result.stderr


def test_a_full_device_on_standard_output_says_the_output_cannot_be_written(
    tmp_path: Path, env: dict[str, str]
) -> None:
    import subprocess

    from tests.conftest import RELWATCH

    db = tmp_path / "r.db"
    Store(db).close()
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [RELWATCH, "sources", "--db", str(db)], env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["relwatch: error: cannot write the output: No space left on device"]
