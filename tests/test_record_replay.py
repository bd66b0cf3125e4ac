"""`sync --record DIR` keeps every response; `sync --replay DIR` runs the same sync offline."""

import json

from tests.conftest import invoke, query, run, write_config
from tests.loopback import hf_models

ROWS = (
    "SELECT source_id, external_id, name, date, licence, parameters, raw "
    "FROM artifacts LEFT JOIN artifact_payloads ON artifact_id = id ORDER BY source_id, external_id"
)


def test_a_recorded_sync_replays_to_the_same_rows_without_the_server(tmp_path, env, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 25)
    hub.orgs["beta-lab"] = hf_models("beta-lab", 4)
    config = write_config(
        tmp_path / "sources.toml",
        {
            "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}],
            "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
        },
    )
    recording = tmp_path / "recording"
    live_db, replay_db = tmp_path / "live.db", tmp_path / "replay.db"
    recorded = run(
        ["sync", "--config", str(config), "--db", str(live_db), "--record", str(recording), "--format", "json"], env
    )
    assert recorded.returncode == 0, recorded.stderr
    exchanges = [json.loads(p.read_text()) for p in sorted(recording.glob("*.json"))]
    assert len(exchanges) == 4
    assert {e["status"] for e in exchanges} == {200}
    assert all(e["url"].startswith(hub.loopback.url + "/api/models?") for e in exchanges)
    assert all("etag" in {k.lower() for k in e["headers"]} for e in exchanges)

    hub.loopback.stop()
    replayed = run(
        ["sync", "--config", str(config), "--db", str(replay_db), "--replay", str(recording), "--format", "json"], env
    )
    assert replayed.returncode == 0, replayed.stderr
    summary = json.loads(replayed.stdout)
    assert summary["mode"] == "replay"
    assert summary["totals"]["new"] == 29
    assert query(replay_db, ROWS) == query(live_db, ROWS)


def test_recording_sends_no_validators_so_every_body_is_kept(tmp_path, env, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 5)
    config = write_config(
        tmp_path / "sources.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    db = tmp_path / "r.db"
    assert invoke(["sync", "--config", str(config), "--db", str(db)], env).returncode == 0
    result = invoke(
        ["sync", "--config", str(config), "--db", str(db), "--record", str(tmp_path / "rec"), "--format", "json"], env
    )
    assert json.loads(result.stdout)["totals"]["not_modified"] == 0
    assert "if-none-match" not in hub.loopback.log[-1].headers
    assert json.loads(next((tmp_path / "rec").glob("*.json")).read_text())["body"].startswith("[")


def test_sources_missing_from_a_recording_are_skipped_not_failed(tmp_path, env, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 3)
    one = write_config(
        tmp_path / "one.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    both = write_config(
        tmp_path / "both.toml",
        {
            "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}],
            "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
        },
    )
    rec = tmp_path / "rec"
    recorded = invoke(["sync", "--config", str(one), "--db", str(tmp_path / "a.db"), "--record", str(rec)], env)
    assert recorded.returncode == 0
    result = invoke(
        ["sync", "--config", str(both), "--db", str(tmp_path / "b.db"), "--replay", str(rec), "--format", "json"], env
    )
    assert result.returncode == 0, result.stderr
    by_source = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert by_source["acme/huggingface/acme-ai"]["new"] == 3
    assert by_source["beta/huggingface/beta-lab"]["status"] == "skipped"
    assert "is not in the recording" in by_source["beta/huggingface/beta-lab"]["error"]


def test_bad_recording_folder_is_one_line(tmp_path, env, hub):
    config = write_config(
        tmp_path / "sources.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    result = invoke(
        ["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--replay", str(tmp_path / "nope")], env
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"relwatch: error: no recording at {tmp_path / 'nope'} (expected a folder of *.json exchanges)"
    )


def test_recording_again_into_a_folder_numbers_after_the_highest_file(tmp_path, env, hub):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 3)
    config = write_config(
        tmp_path / "sources.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    rec = tmp_path / "rec"
    rec.mkdir()
    (rec / "00007.json").write_text("{}")  # a gap below: a count of files would write 00002.json, then 00007
    (rec / "00001.json").write_text("{}")
    result = invoke(["sync", "--config", str(config), "--db", str(tmp_path / "a.db"), "--record", str(rec)], env)
    assert result.returncode == 0, result.stderr
    assert (rec / "00007.json").read_text() == "{}" and (rec / "00001.json").read_text() == "{}"
    assert sorted(p.name for p in rec.iterdir())[2] == "00008.json"


def test_recording_into_a_file_is_one_line(tmp_path, env, hub):
    config = write_config(
        tmp_path / "sources.toml", {"acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}]}
    )
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--record", str(blocker)], env)
    assert result.returncode != 0
    assert result.stderr.strip() == f"relwatch: error: cannot record into {blocker}: File exists"
