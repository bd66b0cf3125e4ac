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
    assert "shared" in {row["name"] for row in store.rows("PRAGMA table_info(source_runs)")}
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


def test_volatile_counts_leave_the_content_hash_and_content_does_not():
    from relwatch.config import SourceConfig
    from relwatch.kinds import HuggingfaceOptions
    from relwatch.models import Artifact
    from relwatch.store.ingest import COLUMNS, artifact_row

    options = HuggingfaceOptions(org="acme")
    hub = "https://hub.example"
    source = SourceConfig(vendor="acme", kind="huggingface", base_url=hub, options=options, id="acme/hf")

    def row(**changes):
        raw = {"id": "a/m", "downloads": 10, "likes": 2, "tags": ["x"]} | changes.pop("raw", {})
        fields = {"external_id": "a/m", "name": "m", "downloads": 10, "likes": 2, "licence": "mit"} | changes
        return dict(zip(COLUMNS, artifact_row(Artifact(**fields, raw=raw), source), strict=True))

    first = row()
    counted = row(downloads=99, likes=5, raw={"downloads": 99, "likes": 5})
    assert (counted["downloads"], counted["likes"]) == (99, 5)  # stored as the latest values
    assert counted["content_hash"] == first["content_hash"]
    assert row(licence="apache-2.0")["content_hash"] != first["content_hash"]
    assert row(raw={"tags": ["y"]})["content_hash"] != first["content_hash"]


def test_a_source_run_records_every_count(tmp_path):
    from relwatch.config import parse_config
    from relwatch.models import SOURCE_COUNTS, RunStatus, SourceCounts, SourceStatus

    text = '[vendors.acme]\nname = "Acme"\n[[vendors.acme.sources]]\nkind = "huggingface"\norg = "acme-ai"\n'
    store = Store(tmp_path / "r.db")
    store.save_config(parse_config(text, "sources.toml"))
    run = store.start_sync_run(started_at="2026-01-01T00:00:00Z", vendors=["acme"], mode="live")
    counts = SourceCounts(**{name: index + 1 for index, name in enumerate(SOURCE_COUNTS)})
    with store.transaction():
        store.write_source_run(
            sync_run_id=run,
            source_id="acme/huggingface/acme-ai",
            started_at="2026-01-01T00:00:00Z",
            finished_at="2026-01-01T00:00:05Z",
            status=SourceStatus.OK,
            counts=counts,
            suspect=None,
            error=None,
            wait_until=None,
        )
    stored = store.rows(f"SELECT {', '.join(SOURCE_COUNTS)} FROM source_runs")
    assert stored == [{name: getattr(counts, name) for name in SOURCE_COUNTS}]
    assert store.previous_items("acme/huggingface/acme-ai") == counts.items
    assert store.rows("SELECT last_success FROM sources") == [{"last_success": "2026-01-01T00:00:05Z"}]
    # the run merged changes and never finished: its vendor may not be reclassified
    assert store.vendors_left_unlabelled() == ["acme"]
    # a second start finds the first still running: its process died
    store.start_sync_run(started_at="2026-01-01T01:00:00Z", vendors=["acme"], mode="live")
    assert [r["status"] for r in store.rows("SELECT status FROM sync_runs ORDER BY id")] == [
        RunStatus.INTERRUPTED,
        RunStatus.RUNNING,
    ]
    assert store.vendors_left_unlabelled() == []  # the new run has merged nothing yet
    store.close()


def test_an_upgrade_that_fails_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    """The pending migrations run in one transaction: one that fails undoes the ones before it."""
    import pytest

    from relwatch.store import core

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    name, script = MIGRATIONS[0]
    conn.executescript(f"BEGIN;\n{script}\nINSERT INTO migrations VALUES ('{name}', '2026-01-01T00:00:00Z');\nCOMMIT;")
    first = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    monkeypatch.setattr(core, "MIGRATIONS", [*MIGRATIONS[:3], ("999_broken", "ALTER TABLE nowhere ADD COLUMN x;")])
    with pytest.raises(core.DatabaseFault, match="no such table: nowhere"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM migrations").fetchall() == [(name,)]
    assert {row[0] for row in conn.execute("SELECT name FROM sqlite_master")} == first
