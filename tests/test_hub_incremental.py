"""Incremental Hub listings: by lastModified, stopping at what is stored; full sweeps every N days."""

import json
import sqlite3

import pytest

from relwatch.sync import sweep_due
from tests.conftest import query, write_config
from tests.loopback import hf_models

ACME = "acme/huggingface/acme-ai"
ROWS = "SELECT * FROM artifacts LEFT JOIN artifact_payloads ON artifact_id = id ORDER BY id"


def by_last_modified(org: str, count: int, *, start_day: int = 0) -> list[dict]:
    """Listing items whose lastModified is their creation time, most recently modified first (the
    order the Hub gives `sort=lastModified`)."""
    items = hf_models(org, count, start_day=start_day)
    for item in items:
        item["lastModified"] = item["createdAt"]
    return items


def touch(hub, org: str, index: int, when: str) -> dict:
    """A new commit on one repository: it moves to the top of the listing."""
    item = hub.orgs[org].pop(index)
    item["lastModified"] = when
    hub.orgs[org].insert(0, item)
    return item


@pytest.fixture
def setup(tmp_path, hub, cli):
    hub.orgs["acme-ai"] = by_last_modified("acme-ai", 25)  # pages of 10: 3 pages
    hub.orgs["beta-lab"] = by_last_modified("beta-lab", 13, start_day=40)
    sources = {
        "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}],
        "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
    }
    config = write_config(tmp_path / "sources.toml", sources)
    db = tmp_path / "r.db"

    def sync(*extra: str) -> dict:
        result = cli("sync", "--config", str(config), "--db", str(db), "--format", "json", *extra)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    first = sync()
    assert [s["listing"] for s in first["sources"]] == ["full", "full"]
    return sync, db, config


def test_a_nightly_with_drifted_counts_makes_one_request_per_source_and_writes_nothing(setup, hub):
    sync, db, _ = setup
    before = query(db, ROWS)
    for items in hub.orgs.values():
        for item in items:
            item["downloads"] += 1000
            item["likes"] += 3
    requests_before = len(hub.loopback.requests_to("/api/models"))
    night = sync()
    assert len(hub.loopback.requests_to("/api/models")) - requests_before == 2
    assert [(s["listing"], s["requests"], s["not_modified"]) for s in night["sources"]] == [
        ("incremental", 1, 0),
        ("incremental", 1, 0),
    ]
    totals = night["totals"]
    assert (totals["new"], totals["updated"], totals["gone"], totals["suspect"]) == (0, 0, 0, 0)
    assert query(db, ROWS) == before


def test_the_listing_is_read_until_a_page_holds_only_stored_repositories(setup, hub):
    sync, db, _ = setup
    touched = touch(hub, "acme-ai", 24, "2026-03-01T08:00:00.000Z")  # the oldest repo, modified
    touched["gated"] = "auto"
    hub.orgs["acme-ai"][1:1] = by_last_modified("acme-ai", 12, start_day=400)  # new repos on pages 1 and 2
    for index, item in enumerate(hub.orgs["acme-ai"][1:13]):
        item["id"] = f"acme-ai/new-{index:02d}"
    removed = hub.orgs["acme-ai"].pop()  # an incremental read cannot tell it is gone
    night = sync()
    acme = next(s for s in night["sources"] if s["source"] == ACME)
    # page 1: the touched repo and 9 new; page 2: 3 new and 7 stored; page 3: stored only → stop
    assert (acme["listing"], acme["requests"], acme["new"], acme["updated"], acme["gone"]) == (
        "incremental",
        3,
        12,
        1,
        0,
    )
    assert query(db, "SELECT gated FROM artifacts WHERE external_id = ?", (touched["id"],)) == [(1,)]
    assert query(db, "SELECT gone_at FROM artifacts WHERE external_id = ?", (removed["id"],)) == [(None,)]
    assert query(db, "SELECT count(*) FROM artifacts WHERE source_id = ?", (ACME,)) == [(37,)]
    assert query(
        db, "SELECT listing, items FROM source_runs WHERE source_id = ? ORDER BY id DESC LIMIT 1", (ACME,)
    ) == [("incremental", 13)]


def test_a_full_sweep_is_due_after_full_sweep_days_and_marks_gone(setup, hub, cli):
    sync, db, config = setup
    removed = hub.orgs["acme-ai"].pop()
    hub.orgs["acme-ai"][3]["gated"] = "manual"  # gating changed without a commit
    assert next(s for s in sync()["sources"] if s["source"] == ACME)["gone"] == 0
    swept = query(db, "SELECT last_full_sweep FROM sources WHERE id = ?", (ACME,))[0][0]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sources SET last_full_sweep = '2020-01-01T00:00:00Z' WHERE id = ?", (ACME,))
    night = sync()
    acme = next(s for s in night["sources"] if s["source"] == ACME)
    beta = next(s for s in night["sources"] if s["source"] != ACME)
    assert (acme["listing"], acme["gone"], acme["updated"], beta["listing"]) == ("full", 1, 1, "incremental")
    assert query(db, "SELECT gone_at IS NOT NULL FROM artifacts WHERE external_id = ?", (removed["id"],)) == [(1,)]
    assert query(db, "SELECT last_full_sweep >= ? FROM sources WHERE id = ?", (swept, ACME)) == [(1,)]
    shown = cli("sources", "--config", str(config), "--db", str(db), "--format", "json")
    rows = {row["source"]: row for row in json.loads(shown.stdout)}
    assert rows[ACME]["last_full_sweep"] >= swept and rows[ACME]["listing"] == "full"
    assert rows["beta/huggingface/beta-lab"]["listing"] == "incremental"


def test_sync_full_reads_every_listing_whole(setup, hub):
    sync, _, _ = setup
    hub.orgs["beta-lab"].pop()
    night = sync("--full")
    assert [(s["listing"], s["requests"]) for s in night["sources"]] == [("full", 3), ("full", 2)]
    assert night["totals"]["gone"] == 1


def test_full_sweep_days_zero_reads_the_whole_listing_every_time(tmp_path, hub, cli):
    hub.orgs["acme-ai"] = by_last_modified("acme-ai", 25)
    source = {"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url, "full_sweep_days": 0}
    config = write_config(tmp_path / "sources.toml", {"acme": [source]})
    args = ("sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json")
    assert cli(*args).returncode == 0
    again = json.loads(cli(*args).stdout)["sources"][0]
    assert (again["listing"], again["requests"], again["not_modified"]) == ("full", 3, 3)


@pytest.mark.parametrize(
    ("last", "days", "now", "due"),
    [
        (None, 7, "2026-05-15T00:00:00Z", True),
        ("2026-05-08T00:00:01Z", 7, "2026-05-15T00:00:00Z", False),
        ("2026-05-08T00:00:00Z", 7, "2026-05-15T00:00:00Z", True),
        ("2026-05-15T00:00:00Z", 0, "2026-05-15T00:00:00Z", True),
    ],
)
def test_sweep_due(last, days, now, due):
    assert sweep_due(last, days, now) is due
