"""End to end: the installed `relwatch` against a Hugging Face-shaped server on 127.0.0.1."""

import json

from tests.conftest import invoke, query, write_config
from tests.loopback import Reply, hf_models, json_reply


def two_orgs(tmp_path, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 25)
    hub.orgs["beta-lab"] = hf_models("beta-lab", 13, start_day=40)
    return write_config(
        tmp_path / "sources.toml",
        {
            "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}],
            "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
        },
    )


def sync(tmp_path, env, config, *extra):
    return invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json", *extra], env)


def test_sync_stores_every_repository_of_every_page(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    result = sync(tmp_path, env, config)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["totals"]["new"] == 38
    by_source = {s["source"]: s for s in summary["sources"]}
    assert by_source["acme/huggingface/acme-ai"]["pages"] == 3
    assert by_source["acme/huggingface/acme-ai"]["requests"] == 3
    db = tmp_path / "r.db"
    assert query(db, "SELECT vendor_id, count(*) FROM artifacts GROUP BY vendor_id") == [("acme", 25), ("beta", 13)]
    row = query(
        db,
        "SELECT name, licence, parameters, date, date_kind, gated, raw FROM artifacts "
        "JOIN artifact_payloads ON artifact_id = id WHERE external_id = 'acme-ai/model-0000'",
    )[0]
    assert row[:6] == ("model-0000", "apache-2.0", 11266928640, "2025-01-01T10:00:00Z", "repo-created", 0)
    assert json.loads(row[6])["id"] == "acme-ai/model-0000"
    # the expand parameters went out repeated, as the official clients send them
    first = hub.loopback.requests_to("/api/models")[0]
    assert "tags" in first.query["expand"] and "cardData" in first.query["expand"]
    assert "authorization" not in first.headers
    assert first.headers["user-agent"].startswith("relwatch/")


def test_second_sync_adds_nothing_and_is_answered_by_304s(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    before = query(tmp_path / "r.db", "SELECT id, content_hash, first_seen, last_seen FROM artifacts ORDER BY id")
    second = sync(tmp_path, env, config, "--full")
    assert second.returncode == 0, second.stderr
    totals = json.loads(second.stdout)["totals"]
    assert (totals["new"], totals["updated"], totals["gone"]) == (0, 0, 0)
    assert totals["requests"] == 5
    assert totals["not_modified"] == 5
    after = query(tmp_path / "r.db", "SELECT id, content_hash, first_seen, last_seen FROM artifacts ORDER BY id")
    assert after == before


def test_resync_of_changed_page_updates_only_what_changed(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    hub.orgs["acme-ai"][0]["lastModified"] = "2026-02-01T09:00:00.000Z"
    hub.orgs["acme-ai"][1]["likes"] += 1
    hub.orgs["acme-ai"].insert(0, hf_models("acme-ai", 1, start_day=300)[0] | {"id": "acme-ai/brand-new"})
    totals = json.loads(sync(tmp_path, env, config).stdout)["totals"]
    assert (totals["new"], totals["updated"]) == (1, 1)
    assert query(tmp_path / "r.db", "SELECT count(*) FROM artifacts")[0][0] == 39


def test_moved_downloads_and_likes_are_stored_but_update_nothing(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    db = tmp_path / "r.db"
    hashes = "SELECT external_id, content_hash FROM artifacts ORDER BY id"
    before = query(db, hashes)
    for item in hub.orgs["acme-ai"]:
        item["downloads"] += 7
        item["likes"] += 1
    second = sync(tmp_path, env, config, "--full")
    assert second.returncode == 0, second.stderr
    totals = json.loads(second.stdout)["totals"]
    assert totals["not_modified"] == 2  # beta-lab's pages; acme-ai's were read afresh
    assert (totals["new"], totals["updated"], totals["gone"]) == (0, 0, 0)
    assert query(db, hashes) == before
    first = hub.orgs["acme-ai"][0]
    stored = query(db, "SELECT downloads, likes FROM artifacts WHERE external_id = ?", (first["id"],))
    assert stored == [(first["downloads"], first["likes"])]
    assert query(db, "SELECT count(*) FROM events WHERE sync_run_id = 2") == [(0,)]


ACME_ROWS = (
    "SELECT * FROM artifacts LEFT JOIN artifact_payloads ON artifact_id = id WHERE vendor_id = 'acme' ORDER BY id"
)


def test_a_failing_org_keeps_its_rows_and_the_others_sync(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    db = tmp_path / "r.db"
    before = query(db, ACME_ROWS)
    hub.orgs["beta-lab"].insert(0, hf_models("beta-lab", 1, start_day=300)[0] | {"id": "beta-lab/new-one"})
    # every attempt at acme's first page fails
    hub.loopback.fail_next("/api/models", *[json_reply({"error": "boom"}, status=500) for _ in range(4)])
    original = hub.handle

    def acme_fails(request):
        if request.arg("author") == "acme-ai":
            return json_reply({"error": "boom"}, status=500)
        return original(request)

    hub.loopback.route("/api/models", acme_fails)
    hub.loopback.faults.clear()
    result = sync(tmp_path, env, config)
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    by_source = {s["source"]: s for s in summary["sources"]}
    assert by_source["acme/huggingface/acme-ai"]["status"] == "failed"
    assert "HTTP 500" in by_source["acme/huggingface/acme-ai"]["error"]
    assert by_source["acme/huggingface/acme-ai"]["requests"] == 4  # 1 + 3 retries
    assert by_source["beta/huggingface/beta-lab"]["new"] == 1
    assert query(db, ACME_ROWS) == before
    assert (
        query(
            db,
            "SELECT status, error FROM source_runs WHERE source_id = 'acme/huggingface/acme-ai' "
            "ORDER BY id DESC LIMIT 1",
        )[0][0]
        == "failed"
    )
    assert "relwatch: acme/huggingface/acme-ai: HTTP 500" in result.stderr
    health = json.loads(invoke(["sources", "--config", str(config), "--db", str(db), "-f", "json"], env).stdout)
    acme = next(h for h in health if h["source"] == "acme/huggingface/acme-ai")
    assert acme["failures_in_a_row"] == 1 and acme["last_success"] and "HTTP 500" in acme["last_error"]


def test_retries_transient_errors_then_succeeds(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    hub.loopback.fail_next("/api/models", Reply(status=503), Reply(status=429, headers={"Retry-After": "0"}))
    result = sync(tmp_path, env, config)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["new"] == 38


def test_token_is_sent_to_its_host_and_never_stored(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    config.write_text(
        config.read_text().replace('kind = "huggingface"', 'kind = "huggingface"\nsend_token = true')
    )  # a loopback mirror
    secret = "hf_secretvalue123"
    hub.loopback.route("/api/models", lambda request: json_reply({"error": "boom"}, status=500))
    result = sync(tmp_path, {**env, "HF_TOKEN": secret}, config)
    assert result.returncode == 1
    assert all(r.headers.get("authorization") == f"Bearer {secret}" for r in hub.loopback.log)
    assert secret not in result.stdout + result.stderr
    dump = "\n".join((tmp_path / "r.db").read_bytes().decode("latin-1").splitlines())
    assert secret not in dump


def test_list_shows_stored_artifacts_in_every_format(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    base = ["list", "--artifacts", "--db", str(tmp_path / "r.db")]
    rows = json.loads(invoke([*base, "beta", "--format", "json"], env).stdout)
    assert len(rows) == 13 and {r["vendor"] for r in rows} == {"beta"}
    assert rows[0]["date"] >= rows[-1]["date"]
    limited = json.loads(invoke([*base, "--limit", "5", "--since", "2025-02-01", "-f", "json"], env).stdout)
    assert len(limited) == 5 and all(r["date"] >= "2025-02-01" for r in limited)
    csv_out = invoke([*base, "acme", "--until", "2025-01-05", "-f", "csv"], env).stdout.splitlines()
    assert csv_out[0].startswith("vendor,kind,external_id,date,date_kind,tier,licence")
    assert len(csv_out) == 1 + 5
    markdown = invoke([*base, "acme", "--limit", "2", "-f", "markdown"], env).stdout
    assert "| vendor | kind | external_id |" in markdown
    table = invoke([*base, "acme", "--limit", "3"], env)
    assert table.returncode == 0 and "acme-ai/model-0024" in table.stdout
    bad = invoke([*base, "--since", "last week"], env)
    assert bad.returncode == 2 and "--since 'last week' is not a day" in bad.stderr
    unknown = invoke([*base, "nobody"], env)
    assert unknown.returncode == 2 and "unknown vendor 'nobody'" in unknown.stderr


def test_vendors_shows_last_sync(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    rows = json.loads(
        invoke(["vendors", "--config", str(config), "--db", str(tmp_path / "r.db"), "-f", "json"], env).stdout
    )
    assert [(r["vendor"], r["artifacts"], r["failing"]) for r in rows] == [("acme", 25, 0), ("beta", 13, 0)]
    assert all(r["last_success"] for r in rows)


def test_two_syncs_within_one_second_record_each_new_artifact_once(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    hub.orgs["beta-lab"].insert(0, hf_models("beta-lab", 1, start_day=300)[0] | {"id": "beta-lab/new-one"})
    assert sync(tmp_path, env, config).returncode == 0
    events = query(
        tmp_path / "r.db",
        "SELECT subject, count(*) FROM events WHERE type = 'new-artifact' GROUP BY subject HAVING count(*) > 1",
    )
    assert events == []
    assert query(tmp_path / "r.db", "SELECT count(*) FROM events WHERE type = 'new-artifact'") == [(39,)]


def test_a_repository_leaving_the_last_page_is_gone_and_the_unchanged_pages_keep_theirs(tmp_path, env, hub):
    config = two_orgs(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    last = hub.orgs["acme-ai"].pop()  # pages 1 and 2 stay as they were: they are answered 304
    result = sync(tmp_path, env, config, "--full")
    assert result.returncode == 0, result.stderr
    acme = {s["source"]: s for s in json.loads(result.stdout)["sources"]}["acme/huggingface/acme-ai"]
    assert (acme["requests"], acme["not_modified"]) == (3, 2)
    assert (acme["items"], acme["gone"], acme["suspect"]) == (24, 1, None)
    db = tmp_path / "r.db"
    assert query(db, "SELECT external_id FROM artifacts WHERE gone_at IS NOT NULL") == [(last["id"],)]
    assert query(db, "SELECT count(*) FROM artifacts WHERE vendor_id = 'acme' AND gone_at IS NULL") == [(24,)]
