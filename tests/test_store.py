"""The schema: migrations from the first version on, and listings that use their indexes."""

import sqlite3

from relwatch.migrations import MIGRATIONS
from relwatch.store import Store


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
    conn.execute(
        "INSERT INTO artifacts (source_id, vendor_id, kind, external_id, name, content_hash, first_seen, "
        "last_seen) VALUES ('acme/huggingface/a', 'acme', 'huggingface', 'a/m', 'm', 'h', 't', 't')"
    )
    conn.close()

    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.rows("SELECT external_id, release_id FROM artifacts") == [{"external_id": "a/m", "release_id": None}]
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
