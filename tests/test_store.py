"""The schema: migrations from the first version on, and listings that use their indexes."""

import sqlite3

from relwatch.store import Store
from relwatch.store.migrations import MIGRATIONS


def test_a_first_version_database_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    name, script = MIGRATIONS[0]
    conn.executescript(f"BEGIN;\n{script}\nINSERT INTO migrations VALUES ('{name}', '2026-01-01T00:00:00Z');\nCOMMIT;")
    conn.execute("INSERT INTO vendors (id, name) VALUES ('acme', 'Acme')")
    conn.execute(
        "INSERT INTO sources (id, vendor_id, kind, base_url) VALUES ('acme/huggingface/a', 'acme', "
        "'huggingface', 'https://hub.example')"
    )
    for external_id, raw in (("a/m", '{"id": "a/m"}'), ("a/n", None)):
        conn.execute(
            "INSERT INTO artifacts (source_id, vendor_id, kind, external_id, name, raw, content_hash, first_seen, "
            "last_seen) VALUES ('acme/huggingface/a', 'acme', 'huggingface', ?, 'm', ?, 'h', 't', 't')",
            (external_id, raw),
        )
    conn.close()

    store = Store(path)
    assert store.conn.execute("PRAGMA page_size").fetchone() == (4096,)  # an existing file keeps its pages
    assert store.schema_version == len(MIGRATIONS)
    assert store.rows("SELECT external_id, release_id FROM artifacts ORDER BY id") == [
        {"external_id": "a/m", "release_id": None},
        {"external_id": "a/n", "release_id": None},
    ]
    # payloads moved beside the rows they belong to
    assert store.rows("SELECT external_id, raw FROM artifacts JOIN artifact_payloads ON artifact_id = id") == [
        {"external_id": "a/m", "raw": '{"id": "a/m"}'}
    ]
    assert "raw" not in {row["name"] for row in store.rows("PRAGMA table_info(artifacts)")}
    assert store.migrate() == []  # nothing left to apply
    store.close()


def test_listings_walk_an_index_instead_of_sorting(tmp_path):
    store = Store(tmp_path / "r.db")
    for sql in (
        "SELECT * FROM artifacts WHERE vendor_id IN ('a') AND gone_at IS NULL ORDER BY date DESC, external_id DESC "
        "LIMIT 50",
        "SELECT * FROM releases WHERE vendor_id IN ('a') ORDER BY date DESC, id DESC LIMIT 50",
    ):
        plan = " ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan
    store.close()


def test_the_config_mirror_is_written_only_when_the_config_changed(tmp_path):
    from relwatch.config import parse_config

    text = '[vendors.acme]\nname = "Acme"\n[[vendors.acme.sources]]\nkind = "huggingface"\norg = "acme-ai"\n'
    store = Store(tmp_path / "r.db")
    store.save_config(parse_config(text, "sources.toml"))
    changes = store.conn.total_changes
    store.save_config(parse_config(text, "sources.toml"))
    assert store.conn.total_changes == changes  # unchanged: nothing written
    store.save_config(parse_config(text.replace('"Acme"', '"Acme Labs"'), "sources.toml"))
    assert store.rows("SELECT id, name FROM vendors") == [{"id": "acme", "name": "Acme Labs"}]
    assert store.rows("SELECT id, kind FROM sources") == [{"id": "acme/huggingface/acme-ai", "kind": "huggingface"}]
    store.close()


def test_queries_name_vendors_as_the_last_sync_stored_them(tmp_path):
    import pytest

    from relwatch.config import parse_config
    from relwatch.errors import ConfigError

    text = (
        '[vendors.alibaba]\nname = "Alibaba"\naliases = ["qwen"]\n'
        '[[vendors.alibaba.sources]]\nkind = "huggingface"\norg = "Qwen"\n'
        '[vendors.baidu]\nname = "Baidu"\n[[vendors.baidu.sources]]\nkind = "huggingface"\norg = "baidu"\n'
    )
    store = Store(tmp_path / "r.db")
    store.save_config(parse_config(text, "sources.toml"))
    assert store.resolve_vendors(["QWEN", "Baidu", "alibaba"]) == ["alibaba", "baidu"]
    assert store.resolve_vendors(None) == ["alibaba", "baidu"]
    with pytest.raises(ConfigError, match=r"unknown vendor 'nobody' in .*r\.db \(stored: alibaba, baidu\)"):
        store.resolve_vendors(["nobody"])
    store.close()


def test_a_new_database_has_pages_that_hold_several_payloads(tmp_path):
    store = Store(tmp_path / "new.db")
    assert store.conn.execute("PRAGMA page_size").fetchone() == (16384,)
    assert store.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    store.close()
