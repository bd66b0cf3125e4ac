"""The fault matrix: each fault against the real command, its exit code, its source-run record,
and that nothing stored before the fault is lost or changed."""

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

import relwatch.http
from relwatch.store.migrations import MIGRATIONS
from tests.conftest import RELWATCH, invoke, query, write_config
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
            "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url, "full_sweep_days": 0}],
            "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url, "full_sweep_days": 0}],
        },
        settings={"timeout": 0.5},
    )
    return tmp_path / "r.db", config


def sync(db, config, env, *extra):
    return invoke(["sync", "--config", str(config), "--db", str(db), "--format", "json", *extra], env)


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


def test_429_with_short_retry_after_is_waited_out(setup, env, hub, monkeypatch):
    db, config = setup
    hub.loopback.fail_next("/api/models", Reply(status=429, headers={"Retry-After": "1"}))
    waits = []

    async def wait(seconds):  # the sync's waits, through Http's sleep seam, taken at once
        waits.append(seconds)

    class Http(relwatch.http.Http):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, sleep=wait, **kwargs)

    monkeypatch.setattr(relwatch.http, "Http", Http)
    result = sync(db, config, env)
    assert result.returncode == 0, result.stderr
    assert sum(waits) >= 1.0
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
    health = json.loads(invoke(["sources", "--config", str(config), "--db", str(db), "-f", "json"], env).stdout)
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
    if name == "timeout":  # each attempt waits out the 0.5 s timeout: one retry, not three
        config.write_text(config.read_text().replace("retries = 3", "retries = 1"))
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
    refused, asked = _slow_until_set(hub), len(hub.loopback.log)
    first = subprocess.Popen([RELWATCH, "sync", "--config", str(config), "--db", str(db), "--quiet"], env=env)
    try:
        _wait_for(lambda: len(hub.loopback.log) > asked)  # the first sync holds the lock before it asks
        second = sync(db, config, env)
        assert second.returncode == 3
        assert second.stderr.strip() == f"relwatch: error: another relwatch sync is running on {db}"
    finally:
        refused.set()
        assert first.wait(timeout=60) == 0
    assert artifacts(db) == before
    assert query(db, "SELECT count(*) FROM sync_runs")[0][0] == runs_before[0][0] + 1


def _slow_until_set(hub):
    """Hub listings answered 0.3 s late (within the 0.5 s timeout) until the returned event is set,
    then at once: a sync started meanwhile is still running when the test looks."""
    original, done = hub.handle, threading.Event()

    def handler(request):
        done.wait(0.3)
        return original(request)

    hub.loopback.route("/api/models", handler)
    return done


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
    acme_before = [row for row in before if row[2] == "acme"]
    acme_after = [row for row in artifacts(db) if row[2] == "acme"]
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


# -- local faults: signals, the lock's identity, database faults, the digest's cursor -----------


def _summary_lines(result):
    return [line for line in result.stderr.splitlines() if line.strip()]


def _no_traceback(result):
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def _acme_page_two_hangs(hub, pages_served):
    original = hub.handle

    def handler(request):
        if request.arg("author") == "acme-ai" and request.arg("cursor"):
            pages_served.append(request)
            time.sleep(20)
        return original(request)

    hub.loopback.route("/api/models", handler)
    return original


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_sync_keeps_what_finished_and_marks_the_run(setup, env, hub, signum, code):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    before = artifacts(db)
    for item in hub.orgs["acme-ai"] + hub.orgs["beta-lab"]:
        item["lastModified"] = "2026-02-01T09:00:00.000Z"
    pages_served = []
    _acme_page_two_hangs(hub, pages_served)
    process = subprocess.Popen(
        [RELWATCH, "sync", "--config", str(config), "--db", str(db), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(
        lambda: pages_served and query(db, "SELECT count(*) FROM source_runs WHERE source_id = ?", (BETA,))[0][0] == 2
    )
    process.send_signal(signum)
    _, err = process.communicate(timeout=15)  # the hanging page is abandoned, not waited for
    assert process.returncode == code, err
    name = signal.Signals(signum).name
    assert err.splitlines() == [
        f"relwatch: error: interrupted by {name}: kept the 1 source that had finished (1 merged), "
        "rolled back the 1 unfinished; sync run 2 marked interrupted"
    ]
    assert query(db, "SELECT status, finished_at IS NOT NULL, sources_ok FROM sync_runs ORDER BY id") == [
        ("ok", 1, 2),
        ("interrupted", 1, 1),
    ]
    after = artifacts(db)
    assert [r for r in after if r[2] == "acme"] == [r for r in before if r[2] == "acme"]  # rolled back
    assert [r for r in after if r[2] == "beta"] != [r for r in before if r[2] == "beta"]  # kept
    assert query(db, "SELECT count(*) FROM artifacts WHERE vendor_id = 'beta' AND tier_reason IS NULL") == [(0,)]


def test_a_symlink_to_the_database_shares_its_lock(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    link = db.parent / "link.db"
    link.symlink_to(db)
    refused, asked = _slow_until_set(hub), len(hub.loopback.log)
    first = subprocess.Popen([RELWATCH, "sync", "--config", str(config), "--db", str(db), "--quiet"], env=env)
    try:
        _wait_for(lambda: len(hub.loopback.log) > asked)
        second = sync(link, config, env)
        assert second.returncode == 3, second.stderr
        assert "another relwatch sync is running" in second.stderr
    finally:
        refused.set()
        assert first.wait(timeout=60) == 0


def test_a_database_with_a_hard_link_is_refused_for_writing(setup, env):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    runs = query(db, "SELECT count(*) FROM sync_runs")
    other = db.parent / "other.db"
    os.link(db, other)
    for path in (db, other):
        result = _no_traceback(sync(path, config, env))
        assert result.returncode == 1
        assert _summary_lines(result) == [
            f"relwatch: error: database {path}: the file has 2 hard links; a database must be reached through "
            "one name only (use a symbolic link instead)"
        ]
    assert query(db, "SELECT count(*) FROM sync_runs") == runs
    assert invoke(["list", "--db", str(other), "-f", "json"], env).returncode == 0  # reading is harmless


def test_a_write_lock_held_by_another_program_is_one_line(setup, env, monkeypatch):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    monkeypatch.setattr("relwatch.store.core.BUSY_TIMEOUT_MS", 200)  # the wait, not its length, is tested
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert invoke(["list", "--db", str(db), "-f", "json"], env).returncode == 0  # readers are not blocked
        result = _no_traceback(sync(db, config, env))
        assert result.returncode == 1
        assert _summary_lines(result) == [
            f"relwatch: error: database {db}: locked by another program for longer than the busy timeout (10 s); "
            "nothing was synced"
        ]
    finally:
        holder.kill()
        holder.wait()
    assert [row[0] for row in query(db, "SELECT status FROM sync_runs")] == ["ok"]


def test_a_database_from_a_newer_relwatch_is_not_written(setup, env):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO migrations VALUES ('999_future', '2027-01-01T00:00:00Z')")
    conn.close()
    before = artifacts(db), query(db, "SELECT * FROM sync_runs")
    for command in (["sync", "--config", str(config)], ["reclassify", "--config", str(config)]):
        result = _no_traceback(invoke([*command, "--db", str(db)], env))
        assert result.returncode == 1
        assert _summary_lines(result) == [
            f"relwatch: error: database {db}: written by a newer relwatch (schema 999); this one knows up to "
            f"{MIGRATIONS[-1][0][:3]}: "
            "upgrade relwatch to write it (read commands still work)"
        ]
    assert (artifacts(db), query(db, "SELECT * FROM sync_runs")) == before
    listed = invoke(["list", "--db", str(db), "-f", "json"], env)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) > 0


def test_every_command_on_a_corrupt_database_is_one_line(setup, env, cli):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    with open(db, "r+b") as handle:
        handle.seek(0)
        handle.write(b"this is not an sqlite file at all" * 100)
    commands = [
        ["list"],
        ["list", "--artifacts"],
        ["show", "acme/x"],
        ["compare", "acme", "beta"],
        ["diff"],
        ["diff", "--since", "delivered"],
        ["report", "-o", "-"],
        ["vendors", "--config", str(config)],
        ["sources", "--config", str(config)],
        ["sync", "--config", str(config)],
        ["reclassify", "--config", str(config)],
        ["sources", "accept", ACME],
    ]
    for command in commands:
        result = _no_traceback(cli(*command, "--db", str(db)))
        assert result.returncode == 1, (command, result.stderr)
        assert _summary_lines(result) == [f"relwatch: error: database {db}: the file is not an SQLite database"], (
            command
        )


@pytest.fixture
def small_mount(tmp_path):
    """An 8 MiB tmpfs at tmp_path/mnt (needs root and mount); skipped with the reason when it cannot be made."""
    point = tmp_path / "mnt"
    point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode().strip() or 'mount failed'}")
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _fill(folder, leave=0):
    """Fill the file system of `folder` to the last byte, then free `leave` bytes."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
        os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)


def test_disk_full_fails_the_sources_with_one_line_each_and_keeps_what_was_stored(small_mount, setup, env, hub):
    _, config = setup
    db = small_mount / "r.db"
    assert sync(db, config, env).returncode == 0
    before = artifacts(db)
    for org in ("acme-ai", "beta-lab"):
        for item in hub.orgs[org]:
            item["lastModified"] = "2026-02-01T09:00:00.000Z"
            item["cardData"] = {"description": "x" * 4000}
    _fill(small_mount, leave=160 * 1024)  # room to start the run, not to merge the sources
    result = _no_traceback(sync(db, config, env))
    assert result.returncode == 1
    lines = _summary_lines(result)
    assert lines and all("the disk is full" in line for line in lines), lines
    (small_mount / "filler").unlink()
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert artifacts(db) == before
    assert [row[0] for row in query(db, "SELECT status FROM sync_runs ORDER BY id")] == ["ok", "failed"]
    again = sync(db, config, env)
    assert again.returncode == 0, again.stderr
    assert "running" not in [row[0] for row in query(db, "SELECT status FROM sync_runs")]


def test_creating_a_database_on_a_full_disk_is_one_line_and_leaves_no_file(small_mount, setup, env):
    _, config = setup
    _fill(small_mount)
    db = small_mount / "new.db"
    result = _no_traceback(sync(db, config, env))
    assert result.returncode == 1
    assert len(_summary_lines(result)) == 1 and "the disk is full" in result.stderr, result.stderr
    assert sorted(p.name for p in small_mount.iterdir() if p.name.startswith("new.db")) in ([], ["new.db.lock"])


def test_a_read_only_mount_serves_reads_and_refuses_writes_creating_nothing(small_mount, setup, env):
    _, config = setup
    db = small_mount / "r.db"
    assert sync(db, config, env).returncode == 0
    (small_mount / "r.db.lock").unlink()
    if subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only")
    listed = invoke(["list", "--db", str(db), "-f", "json"], env)
    assert listed.returncode == 0 and json.loads(listed.stdout), listed.stderr
    for args in (["sources", "--config", str(config)], ["diff"], ["compare", "acme", "beta"]):
        assert invoke([*args, "--db", str(db)], env).returncode == 0
    for command in (["sync", "--config", str(config)], ["reclassify", "--config", str(config)]):
        result = _no_traceback(invoke([*command, "--db", str(db)], env))
        assert result.returncode == 1
        assert _summary_lines(result) == [
            f"relwatch: error: database {db}: the file is read-only (read commands still work on it)"
        ]
    assert sorted(p.name for p in small_mount.iterdir()) == ["r.db"]


@pytest.mark.parametrize(
    "where, line",
    [
        ("file/r.db", "{parent} is a file, not a folder"),
        ("folder", "is a folder, not a database file"),
        ("/dev/null", "is not a regular file (a device or special file cannot hold a database)"),
    ],
)
def test_a_path_that_cannot_be_a_database_is_one_line(setup, env, cli, tmp_path, where, line):
    _, config = setup
    (tmp_path / "file").write_text("a file\n")
    (tmp_path / "folder").mkdir()
    db = tmp_path / where
    listing = sorted(p.name for p in tmp_path.iterdir())
    for command in (["sync", "--config", str(config)], ["list"], ["reclassify", "--config", str(config)]):
        result = _no_traceback(cli(*command, "--db", str(db)))
        assert result.returncode == 1, (command, result.stderr)
        assert _summary_lines(result) == [f"relwatch: error: database {db}: " + line.format(parent=db.parent)]
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_database_under_proc_is_one_line(setup, env, cli):
    _, config = setup
    result = _no_traceback(cli("sync", "--config", str(config), "--db", "/proc/relwatch-test.db"))
    assert result.returncode == 1
    assert len(_summary_lines(result)) == 1 and result.stderr.startswith(
        "relwatch: error: database /proc/relwatch-test.db"
    )


def _digest(cli, db, *vendors):
    """The events of `diff --since delivered` (JSON), flattened, oldest first, then confirmed delivered."""
    result = cli("diff", "--since", "delivered", *vendors, "--db", str(db), "-f", "json")
    assert result.returncode == 0, result.stderr
    assert cli("diff", "--confirm-delivered", *vendors, "--db", str(db)).returncode == 0
    grouped = json.loads(result.stdout)["vendors"]
    return sorted((e for kinds in grouped.values() for events in kinds.values() for e in events), key=lambda e: e["id"])


def test_the_digest_loses_nothing_across_a_failed_source_and_a_failed_delivery(setup, env, hub, cli):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    assert len(_digest(cli, db)) > 0
    assert _digest(cli, db) == []  # delivered: not again
    # a night when one source fails: `sync` exits 1, the digest still holds the other's news
    hub.orgs["beta-lab"].insert(0, hf_models("beta-lab", 14, start_day=40)[0])
    fail_acme_with(hub, lambda r: Reply(status=500))
    assert sync(db, config, env).returncode == 1
    hub.orgs["acme-ai"].insert(0, hf_models("acme-ai", 26)[0])
    hub.loopback.route("/api/models", hub.handle)
    # that night's digest cannot be written (stdout is a full device): nothing is advanced
    with open("/dev/full", "w") as full:
        failed = subprocess.run(
            [RELWATCH, "diff", "--since", "delivered", "--db", str(db)],
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    # the next night's sync works; the digest then holds both nights
    assert sync(db, config, env).returncode == 0
    new = [e["subject"] for e in _digest(cli, db) if e["type"] == "new-artifact"]
    assert sorted(new) == ["acme-ai/model-0025", "beta-lab/model-0013"]
    assert _digest(cli, db) == []
    assert _digest(cli, db, "beta") != []  # a digest of other vendors keeps its own cursor


def test_a_parked_source_is_reported_every_night_and_fails_the_second(setup, env, hub):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    fail_acme_with(hub, lambda r: json_reply({"error": "slow down"}, status=429, headers={"Retry-After": "86400"}))
    first = sync(db, config, env, "--quiet")
    assert first.returncode == 0
    assert [line for line in first.stderr.splitlines() if ACME in line and "parked until" in line]
    # the next night: still parked, for longer than a night now
    night_before = (datetime.now(UTC) - timedelta(hours=13)).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE source_runs SET started_at = ? WHERE status = 'waiting'", (night_before,))
        conn.execute("UPDATE sources SET wait_until = '2126-01-01T00:00:00Z' WHERE id = ?", (ACME,))
    conn.close()
    second = sync(db, config, env, "--quiet")
    assert second.returncode == 1
    assert [line for line in second.stderr.splitlines() if ACME in line and "parked until" in line]
    # a stored wait past the 7-day bound (counted from the first waiting run) no longer holds
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE source_runs SET started_at = '2020-01-01T00:00:00Z' WHERE status = 'waiting'")
    conn.close()
    hub.loopback.route("/api/models", hub.handle)
    third = sync(db, config, env)
    assert third.returncode == 0, third.stderr
    assert last_run(db, ACME)["status"] == "ok"


def test_a_listing_that_loses_exactly_half_is_suspect(setup, env, hub):
    db, config = setup
    hub.orgs["acme-ai"] = hf_models("acme-ai", 20)
    assert sync(db, config, env).returncode == 0
    hub.orgs["acme-ai"] = hub.orgs["acme-ai"][:10]
    assert sync(db, config, env).returncode == 1
    assert last_run(db, ACME)["suspect"] == "returned 10 items, 20 last time"
    assert query(db, "SELECT count(*) FROM artifacts WHERE gone_at IS NOT NULL") == [(0,)]


def test_a_small_source_that_empties_is_suspect(setup, env, hub):
    db, config = setup
    hub.orgs["acme-ai"] = hf_models("acme-ai", 3)
    assert sync(db, config, env).returncode == 0
    hub.orgs["acme-ai"] = []
    assert sync(db, config, env).returncode == 1
    assert last_run(db, ACME)["suspect"] == "returned no items, 3 last time"
    assert query(db, "SELECT count(*) FROM artifacts WHERE gone_at IS NOT NULL") == [(0,)]


def test_an_accepted_drop_marks_the_missing_gone_once_and_the_source_is_healthy(setup, env, hub, cli):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    hub.orgs["acme-ai"] = hub.orgs["acme-ai"][:4]
    assert sync(db, config, env).returncode == 1
    accepted = cli("sources", "accept", ACME, "--db", str(db))
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.startswith(f"accepted the drop of {ACME} (returned 4 items, 25 last time)")
    health = json.loads(cli("sources", "--config", str(config), "--db", str(db), "-f", "json").stdout)
    assert next(h for h in health if h["source"] == ACME)["suspect"] is None
    totals = json.loads(sync(db, config, env).stdout)["totals"]
    assert totals["gone"] == 21 and totals["suspect"] == 0
    assert json.loads(sync(db, config, env).stdout)["totals"]["gone"] == 0
    assert cli("sources", "accept", ACME, "--db", str(db)).returncode == 2  # nothing left to accept
    assert cli("sources", "accept", "nope/x", "--db", str(db)).returncode == 2


def test_skipped_items_are_recorded_and_keep_the_rest_from_being_marked_gone(setup, env, hub, cli):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    hub.orgs["acme-ai"][3]["createdAt"] = "2025-02-30T00:00:00.000Z"  # an impossible day: the item is skipped
    hub.orgs["acme-ai"][4]["id"] = "acme-ai/\x1b]0;owned\x07"
    result = sync(db, config, env)
    assert result.returncode == 0, result.stderr
    outcome = {s["source"]: s for s in json.loads(result.stdout)["sources"]}[ACME]
    assert outcome["skipped"] == 2
    stored = query(db, "SELECT skipped, skipped_reasons FROM source_runs WHERE source_id = ? ORDER BY id DESC", (ACME,))
    assert stored[0][0] == 2 and len(json.loads(stored[0][1])) == 2
    assert query(db, "SELECT count(*) FROM artifacts WHERE gone_at IS NOT NULL") == [(0,)]
    listed = cli("sources", "--config", str(config), "--db", str(db), "-f", "json")
    assert next(h for h in json.loads(listed.stdout) if h["source"] == ACME)["skipped"] == 2


def test_an_impossible_stored_date_does_not_crash_a_later_sync_or_reclassify(setup, env, cli):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE artifacts SET date = '2025-02-30', first_seen = '2025-13-45T99:00:00Z' WHERE id = 1")
    conn.close()
    assert _no_traceback(cli("reclassify", "--config", str(config), "--db", str(db))).returncode == 0
    assert _no_traceback(sync(db, config, env)).returncode == 0


def test_a_read_command_on_an_older_schema_brings_it_up_to_date_first(setup, env, cli):
    db, config = setup
    assert sync(db, config, env).returncode == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM migrations WHERE name = '009_digest_and_skipped'")
        conn.execute("DROP TABLE digest_cursors")
        for column in ("accepted_at", "skipped_reasons", "skipped"):
            conn.execute(f"ALTER TABLE source_runs DROP COLUMN {column}")
    conn.close()
    result = cli("sources", "--config", str(config), "--db", str(db), "-f", "json")
    assert result.returncode == 0, result.stderr
    assert {h["source"] for h in json.loads(result.stdout)} == {ACME, BETA}
    assert query(db, "SELECT count(*) FROM migrations WHERE name = '009_digest_and_skipped'") == [(1,)]
