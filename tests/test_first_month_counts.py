"""compare's first-month downloads read from stored rows (migration 012): the same counts as the
daily series gives, kept in step when counts arrive, and passed over when they no longer match."""

import sqlite3

import pytest

from relwatch.store import Store
from relwatch.store.metrics import _FIRST_COUNTED_DAY
from relwatch.store.migrations import M012_FIRST_MONTH_COUNTS
from relwatch.value import FIRST_MONTH_DAYS, MILESTONE_SLACK_DAYS
from tests.conftest import query, write_config
from tests.loopback import hf_models

ORG = "acme-ai"
OPENED = "2026-03-02T10:00:00.000Z"  # every repository's open day: its first month is 2026-04-01 … 2026-04-08
ROWS = (
    "SELECT a.external_id, f.released, f.day, f.downloads FROM first_month_counts f "
    "JOIN artifacts a ON a.id = f.artifact_id"
)


@pytest.fixture
def synced(tmp_path, hub, cli, monkeypatch):
    """A database synced on 2026-04-03 and 2026-04-04 (inside the first month) from a listing of
    three repositories, one release each, whose counts grow by 10 a day; `sync(moment)` syncs again."""
    hub.orgs[ORG] = hf_models(ORG, 3)
    for index, item in enumerate(sorted(hub.orgs[ORG], key=lambda item: item["id"])):
        item["createdAt"] = item["lastModified"] = OPENED
        item["downloads"], item["downloadsAllTime"], item["likes"] = 1000 * (index + 1), 5000, index
    source = {"kind": "huggingface", "org": ORG, "base_url": hub.loopback.url, "full_sweep_days": 0}
    config = write_config(tmp_path / "sources.toml", {"acme": [source]}, {"derivative_requests": 0})
    db = tmp_path / "r.db"

    def sync(moment: str) -> None:
        monkeypatch.setattr("relwatch.sync.now_iso", lambda: moment)
        result = cli("sync", "--config", str(config), "--db", str(db), "--format", "json")
        assert result.returncode == 0, result.stderr + result.stdout
        for item in hub.orgs[ORG]:
            item["downloads"] += 10

    sync("2026-04-03T06:00:00Z")
    sync("2026-04-04T06:00:00Z")
    return db, sync


def first_month(db):
    store = Store(db)
    try:
        return [(release, m.artifact, m.day, m.downloads) for release, m in store.first_month_counts(["acme"], "", "9")]
    finally:
        store.close()


def from_the_series(db):
    """What the read gives with no stored row: every repository's count read from the series."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM first_month_counts")
    return first_month(db)


def test_the_rows_a_sync_stores_give_the_counts_of_the_series(synced):
    db, _ = synced
    # the first sync merged the repositories before their releases existed: the second wrote the rows
    assert sorted(query(db, ROWS)) == [
        (f"{ORG}/model-0000", "2026-03-02", "2026-04-03", 1000),
        (f"{ORG}/model-0001", "2026-03-02", "2026-04-03", 2000),
        (f"{ORG}/model-0002", "2026-03-02", "2026-04-03", 3000),
    ]
    stored = first_month(db)
    assert [(repo, day, downloads) for _, repo, day, downloads in stored] == [
        (f"{ORG}/model-0000", "2026-04-03", 1000),
        (f"{ORG}/model-0001", "2026-04-03", 2000),
        (f"{ORG}/model-0002", "2026-04-03", 3000),
    ]
    assert from_the_series(db) == stored


def test_a_count_inside_the_first_month_replaces_the_row_and_one_after_it_keeps_it(synced):
    db, sync = synced
    ids = dict(query(db, "SELECT external_id, id FROM artifacts"))
    with sqlite3.connect(db) as conn:  # counts written outside the store: the first month's removes its row
        conn.execute("INSERT INTO artifact_metrics VALUES (?, '2026-04-02', 7, 7, 7)", (ids[f"{ORG}/model-0001"],))
        conn.execute("INSERT INTO artifact_metrics VALUES (?, '2026-04-20', 9, 9, 9)", (ids[f"{ORG}/model-0002"],))
    assert sorted(row[0] for row in query(db, ROWS)) == [f"{ORG}/model-0000", f"{ORG}/model-0002"]
    assert (f"{ORG}/model-0001", "2026-04-02", 7) in [(repo, day, n) for _, repo, day, n in first_month(db)]

    sync("2026-04-05T06:00:00Z")  # counts arrive: the row is written again
    assert (f"{ORG}/model-0001", "2026-03-02", "2026-04-02", 7) in query(db, ROWS)
    assert len(query(db, ROWS)) == 3
    assert first_month(db) == from_the_series(db)


def test_a_count_read_alone_rewrites_the_repositorys_row(synced):
    db, _ = synced
    (artifact,) = query(db, "SELECT id FROM artifacts WHERE external_id = ?", (f"{ORG}/model-0000",))[0]
    store = Store(db)
    try:
        store.record_metric(artifact, "2026-04-01", downloads=42, downloads_all_time=None, likes=None)
    finally:
        store.close()
    assert (f"{ORG}/model-0000", "2026-03-02", "2026-04-01", 42) in query(db, ROWS)
    assert first_month(db) == from_the_series(db)


def test_a_row_taken_for_another_open_day_is_not_read(synced):
    db, _ = synced
    (release,) = query(db, "SELECT release_id FROM artifacts WHERE external_id = ?", (f"{ORG}/model-0002",))[0]
    with sqlite3.connect(db) as conn:  # opened on 2026-03-05: the first month starts on 2026-04-04
        conn.execute("UPDATE releases SET first_open_at = '2026-03-05T00:00:00Z' WHERE id = ?", (release,))
    assert (release, f"{ORG}/model-0002", "2026-04-04", 3010) in first_month(db)
    assert first_month(db) == from_the_series(db)


def test_the_migration_stores_the_rows_of_a_database_it_upgrades(synced):
    db, _ = synced
    written = sorted(query(db, ROWS))
    with sqlite3.connect(db) as conn:  # the file as relwatch left it before migration 012
        conn.executescript(
            "DROP TABLE first_month_counts; DROP TRIGGER IF EXISTS first_month_counts_added; "
            "DROP TRIGGER IF EXISTS first_month_counts_changed; DROP TRIGGER IF EXISTS first_month_counts_removed; "
            "DELETE FROM migrations WHERE name = '012_first_month_counts';"
        )
    Store(db).close()
    assert sorted(query(db, ROWS)) == written


def test_the_rows_their_triggers_and_the_series_read_take_the_first_month_value_takes():
    days = (f"'+{FIRST_MONTH_DAYS} days'", f"'+{FIRST_MONTH_DAYS + MILESTONE_SLACK_DAYS} days'")
    for sql in (M012_FIRST_MONTH_COUNTS, _FIRST_COUNTED_DAY):
        assert all(day in sql for day in days)
