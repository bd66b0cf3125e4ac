"""The fault matrix: each fault against the real command, its exit code, its source-run record,
and that nothing stored before the fault is lost or changed."""

import json
import os
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import RELWATCH, query, run, write_config
from tests.loopback import Loopback, Reply, hf_models, json_reply

ACME = "acme/huggingface/acme-ai"
BETA = "beta/huggingface/beta-lab"


@pytest.fixture
def setup(tmp_path, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 25)
    hub.orgs["beta-lab"] = hf_models("beta-lab", 13, start_day=40)
    config = write_config(
        tmp_path / "sources.toml",
        {
            "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}],
            "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
        },
        settings={"timeout": 0.5},
    )
    return tmp_path / "r.db", config


def sync(db, config, env, *extra, timeout=60):
    return run(["sync", "--config", str(config), "--db", str(db), "--format", "json", *extra], env, timeout=timeout)


def artifacts(db):
    return query(db, "SELECT * FROM artifacts LEFT JOIN artifact_payloads ON artifact_id = id ORDER BY id")


def last_run(db, source):
    rows = query(
        db,
        "SELECT status, error, suspect, requests FROM source_runs WHERE source_id = ? ORDER BY id DESC LIMIT 1",
        (source,),
    )
    return dict(zip(("status", "error", "suspect", "requests"), rows[0], strict=True))


def fail_acme_with(hub, reply_factory):
    """Every request for acme's listing gets the reply; beta's are served normally."""
    original = hub.handle

    def handler(request):
        if request.arg("author") == "acme-ai":
            return reply_factory(request)
        return original(request)

    hub.loopback.route("/api/models", handler)


def synced_then_changed(setup, env, hub):
    """A first good sync, then a change upstream so that a lost update would show."""
    db, config = setup
    assert sync(db, config, env).returncode == 0
    hub.orgs["acme-ai"][0]["likes"] += 100
    return db, config, artifacts(db)


def test_429_with_short_retry_after_is_waited_out(setup, env, hub):
    db, config = setup
    hub.loopback.fail_next("/api/models", Reply(status=429, headers={"Retry-After": "1"}))
    started = time.monotonic()
    result = sync(db, config, env)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.0
    assert json.loads(result.stdout)["totals"]["new"] == 38


def test_429_with_long_retry_after_skips_the_source_until_then(setup, env, hub):
    db, config, before = synced_then_changed(setup, env, hub)
    fail_acme_with(hub, lambda r: json_reply({"error": "slow down"}, status=429, headers={"Retry-After": "3600"}))
    result = sync(db, config, env)
    assert result.returncode == 0  # waiting is not failing: the host asked us to
    outcome = {s["source"]: s for s in json.loads(result.stdout)["sources"]}[ACME]
    assert outcome["status"] == "waiting" and outcome["requests"] == 1
    waited = datetime.strptime(outcome["wait_until"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) - datetime.now(UTC)
    assert 3500 < waited.total_seconds() <= 3600
    assert artifacts(db) == before
    asked = len(hub.loopback.log)
    again = json.loads(sync(db, config, env).stdout)
    skipped = {s["source"]: s for s in again["sources"]}[ACME]
    assert skipped["status"] == "waiting" and skipped["requests"] == 0
    assert all(r.arg("author") != "acme-ai" for r in hub.loopback.log[asked:])
    health = json.loads(run(["sources", "--config", str(config), "--db", str(db), "-f", "json"], env).stdout)
    assert next(h for h in health if h["source"] == ACME)["wait_until"] == outcome["wait_until"]


def test_github_style_quota_headers_are_read(setup, env, hub):
    db, config = setup
    reset = str(int(time.time()) + 7200)
    fail_acme_with(
        hub,
        lambda r: json_reply(
            {"message": "API rate limit exceeded"},
            status=403,
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
        ),
    )
    outcome = {s["source"]: s for s in json.loads(sync(db, config, env).stdout)["sources"]}[ACME]
    assert outcome["status"] == "waiting"


def test_a_burst_of_503s_then_success(setup, env, hub):
    db, config = setup
    hub.loopback.fail_next("/api/models", *[Reply(status=503) for _ in range(3)])
    result = sync(db, config, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["new"] == 38


def test_503s_past_the_retries_fail_the_source_only(setup, env, hub):
    db, config, before = synced_then_changed(setup, env, hub)
    fail_acme_with(hub, lambda r: Reply(status=503))
    result = sync(db, config, env)
    assert result.returncode == 1
    assert last_run(db, ACME) == {
        "status": "failed",
        "suspect": None,
        "requests": 4,
        "error": f"HTTP 503 after 4 attempts from {hub.loopback.url}/api/models?…",
    }
    assert last_run(db, BETA)["status"] == "ok"
    assert artifacts(db) == before


@pytest.mark.parametrize(
    ("name", "reply", "message"),
    [
        ("timeout", lambda r: Reply(status=200, body=b"[]", delay=1.5), "timed out reading"),
        ("reset connection", lambda r: Reply(action="reset"), "cannot read"),
        ("truncated transfer", lambda r: truncated(json_reply([{"id": "acme-ai/x"}] * 50)), "cannot read"),
        (
            "truncated JSON",
            lambda r: Reply(body=b'[{"id": "acme-ai/x", "tags": [', headers={"Content-Type": "application/json"}),
            "is not valid JSON",
        ),
        (
            "invalid UTF-8",
            lambda r: Reply(body=b'[{"id": "acme-ai/\xff\xfe"}]', headers={"Content-Type": "application/json"}),
            "is not valid utf-8 text",
        ),
        (
            "oversized body",
            lambda r: json_reply([{"id": f"acme-ai/m{i}", "pad": "x" * 100} for i in range(2000)]),
            "over the 100,000-byte cap",
        ),
        (
            "HTML instead of JSON",
            lambda r: Reply(body=b"<html><body>Maintenance</body></html>", headers={"Content-Type": "text/html"}),
            "got text/html instead of JSON",
        ),
        ("JSON of another shape", lambda r: json_reply({"error": "Invalid cursor"}), "expected a JSON array of models"),
    ],
)
def test_faults_fail_one_source_and_keep_its_data(setup, env, hub, name, reply, message, tmp_path):
    db, config, before = synced_then_changed(setup, env, hub)
    if name == "oversized body":
        config.write_text(config.read_text().replace("[settings]", "[settings]\nmax_response_bytes = 100000"))
    fail_acme_with(hub, reply)
    result = sync(db, config, env)
    assert result.returncode == 1, result.stdout
    record = last_run(db, ACME)
    assert record["status"] == "failed"
    assert message in record["error"]
    assert "Traceback" not in result.stderr
    assert f"relwatch: {ACME}: " in result.stderr
    assert last_run(db, BETA)["status"] == "ok"
    assert artifacts(db) == before


def truncated(reply):
    """The headers promise the whole body; half of it arrives before the connection closes."""
    reply.action = "truncate"
    return reply


def test_a_listing_that_suddenly_shrinks_is_suspect_and_deletes_nothing(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    before = artifacts(db)
    hub.orgs["acme-ai"] = hub.orgs["acme-ai"][:3]
    result = sync(db, config, env)
    assert result.returncode == 1
    assert last_run(db, ACME)["suspect"] == "returned 3 items, 25 last time"
    assert query(db, "SELECT count(*) FROM artifacts WHERE gone_at IS NOT NULL")[0][0] == 0
    assert len(artifacts(db)) == len(before)
    hub.orgs["acme-ai"] = []
    result = sync(db, config, env, "--quiet")
    assert result.returncode == 1
    assert "suspect: returned no items, 25 last time" in result.stderr


def test_an_item_that_leaves_a_complete_listing_is_gone_not_deleted(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    removed = hub.orgs["acme-ai"].pop(5)["id"]
    totals = json.loads(sync(db, config, env).stdout)["totals"]
    assert totals["gone"] == 1
    assert query(db, "SELECT gone_at IS NOT NULL FROM artifacts WHERE external_id = ?", (removed,)) == [(1,)]


def test_a_redirect_to_another_host_drops_the_token(tmp_path, env, loopback):
    other = Loopback().start()
    try:
        other.route("/api/models", lambda r: json_reply(hf_models("acme-ai", 2)))
        target = other.url.replace("127.0.0.1", "localhost")
        loopback.route("/api/models", lambda r: Reply(status=307, headers={"Location": f"{target}{r.raw_path}"}))
        config = write_config(
            tmp_path / "sources.toml",
            {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": loopback.url, "send_token": True}]},
        )
        result = sync(tmp_path / "r.db", config, {**env, "HF_TOKEN": "hf_topsecret"})
        assert result.returncode == 1  # an API listing follows no redirect to another origin
        assert f"redirect to another origin not followed: {target}/api/models?…" in result.stderr
        assert loopback.log[0].headers["authorization"] == "Bearer hf_topsecret"
        assert not other.log
        assert query(tmp_path / "r.db", "SELECT count(*) FROM artifacts") == [(0,)]
    finally:
        other.stop()


def test_two_overlapping_syncs(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    before = artifacts(db)
    runs_before = query(db, "SELECT count(*) FROM sync_runs")
    original = hub.handle
    hub.loopback.route("/api/models", lambda r: _slow(original, r))
    first = subprocess.Popen([RELWATCH, "sync", "--config", str(config), "--db", str(db), "--quiet"], env=env)
    try:
        _wait_for(lambda: len(hub.loopback.log) > 5)
        second = sync(db, config, env)
        assert second.returncode == 3
        assert second.stderr.strip() == f"relwatch: error: another relwatch sync is running on {db}"
    finally:
        assert first.wait(timeout=60) == 0
    assert artifacts(db) == before
    assert query(db, "SELECT count(*) FROM sync_runs")[0][0] == runs_before[0][0] + 1


def _slow(handler, request):
    time.sleep(0.3)
    return handler(request)


def _wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.02)


def test_sigkill_in_the_middle_leaves_the_source_as_before(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    before = artifacts(db)
    for item in hub.orgs["acme-ai"]:
        item["lastModified"] = "2026-02-01T09:00:00.000Z"  # content: downloads and likes are not
    pages_served = []
    original = hub.handle

    def handler(request):
        if request.arg("author") == "acme-ai" and request.arg("cursor"):
            pages_served.append(request)
            time.sleep(30)  # the sync is killed while it waits for page 2
        return original(request)

    hub.loopback.route("/api/models", handler)
    process = subprocess.Popen([RELWATCH, "sync", "--config", str(config), "--db", str(db), "--quiet"], env=env)
    _wait_for(lambda: pages_served)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    # acme's first page was read and staged, but nothing of acme's may have reached the table
    acme_before = [row for row in before if row[3] == "acme"]
    acme_after = [row for row in artifacts(db) if row[3] == "acme"]
    assert acme_after == acme_before
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    hub.loopback.route("/api/models", original)
    result = sync(db, config, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["updated"] == 25
    statuses = [row[0] for row in query(db, "SELECT status FROM sync_runs ORDER BY id")]
    assert statuses == ["ok", "interrupted", "ok"]


def test_suspicion_rules():
    from relwatch.sync import suspicion

    assert suspicion(0, None) == "returned no items"
    assert suspicion(0, 0) is None  # always empty: said once, not every night
    assert suspicion(0, 25) == "returned no items, 25 last time"
    assert suspicion(3, 25) == "returned 3 items, 25 last time"
    assert suspicion(13, 25) is None
    assert suspicion(3, 5) is None  # too few to judge a drop


def test_a_dropped_source_stays_suspect_until_it_recovers(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    full = hub.orgs["acme-ai"]
    hub.orgs["acme-ai"] = []
    assert sync(db, config, env).returncode == 1
    assert sync(db, config, env).returncode == 1
    assert last_run(db, ACME)["suspect"] == "returned no items, 25 last time"
    hub.orgs["acme-ai"] = full
    assert sync(db, config, env).returncode == 0
    assert last_run(db, ACME)["suspect"] is None


def test_a_sync_killed_before_it_reclassified_is_finished_by_the_next(setup, env):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    labels = "SELECT id, release_id, family, tier, tier_reason FROM artifacts ORDER BY id"
    labelled = query(db, labels)
    # as a sync killed between beta's merge and its reclassification leaves the database
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE artifacts SET release_id = NULL, family = NULL, tier = NULL, tier_reason = NULL")
        conn.execute("DELETE FROM releases")
        conn.execute("UPDATE sync_runs SET status = 'running', finished_at = NULL")
        conn.execute("UPDATE source_runs SET new = 0 WHERE source_id = ?", (ACME,))
    conn.close()
    result = sync(db, config, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["new"] == 0  # every page answered 304
    relabelled = query(db, labels)
    assert [row for row in relabelled if row[1] and row[1].startswith("beta/")] == [
        row for row in labelled if row[1] and row[1].startswith("beta/")
    ]
    assert query(db, "SELECT count(*) FROM artifacts WHERE vendor_id = 'beta' AND tier_reason IS NULL") == [(0,)]
    # acme's rows were not merged by the unfinished run: it is not reclassified on its account
    assert query(db, "SELECT count(*) FROM artifacts WHERE vendor_id = 'acme' AND tier_reason IS NULL") == [(25,)]
    assert [row[0] for row in query(db, "SELECT status FROM sync_runs ORDER BY id")] == ["interrupted", "ok"]
