"""Catalogue-only open models: the Hub repository a catalogue points at is looked up, once."""

import copy
import json
import sqlite3

import pytest

from relwatch.sources import hublookup
from tests.conftest import query, write_config
from tests.loopback import HfHub, hf_models, hf_template, json_reply, with_etag
from tests.public_data import fixture_json

LOOKUP = "minimax/huggingface-lookup/catalogue"


def minimax_catalogue() -> list[dict]:
    """The real 2026-05-15 OpenRouter capture's MiniMax lines (some with a `hugging_face_id`)."""
    return [i for i in fixture_json("openrouter/models_2026-05-15.json")["data"] if i["id"].startswith("minimax/")]


def model_info(repo_id: str, licence: str, gated: bool | str = False) -> dict:
    item = copy.deepcopy(hf_template())
    item.update(id=repo_id, author=repo_id.split("/")[0], createdAt="2025-06-16T08:00:00.000Z", gated=gated)
    item["tags"] = [t for t in item["tags"] if not t.startswith("license:")] + [f"license:{licence}"]
    item["cardData"] = {"license": licence}
    item["safetensors"] = {"total": 456_000_000_000}
    return item


@pytest.fixture
def world(tmp_path, loopback):
    hub = HfHub(loopback)
    hub.orgs["acme-ai"] = hf_models("acme-ai", 3)
    catalogue = minimax_catalogue()
    refs = sorted({i["hugging_face_id"] for i in catalogue if i.get("hugging_face_id")})
    assert len(refs) >= 3
    answered = refs[:-1]  # the last one is not on the Hub: 404
    for repo_id in answered:
        info = model_info(repo_id, "mit")
        loopback.route(f"/api/models/{repo_id}", lambda r, info=info: json_reply(info))
    loopback.route("/api/v1/models", lambda r: with_etag(r, json_reply({"data": catalogue})))
    config = write_config(
        tmp_path / "sources.toml",
        {
            "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": loopback.url}],
            "minimax": [{"kind": "openrouter", "author": "minimax", "base_url": loopback.url}],
        },
    )
    return loopback, config, tmp_path / "r.db", refs, answered


def sync(cli, config, db, *extra):
    result = cli("sync", "--config", str(config), "--db", str(db), "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lookup_requests(loopback):
    return [r for r in loopback.log if r.path.startswith("/api/models/")]


def test_catalogue_weights_are_looked_up_once_and_give_the_release_its_tier(world, cli):
    loopback, config, db, refs, answered = world
    first = sync(cli, config, db)
    lookups = first["lookups"]
    assert (lookups["asked"], lookups["found"], lookups["left"]) == (len(refs), len(answered), 0)
    assert len(lookups["errors"]) == 1 and "HTTP 404" in lookups["errors"][0]
    request = lookup_requests(loopback)[0]
    assert {"cardData", "gated", "safetensors", "createdAt", "tags"} <= set(request.query["expand"])
    stored = query(
        db, "SELECT external_id, kind, licence, gated, parameters FROM artifacts WHERE source_id = ?", (LOOKUP,)
    )
    assert sorted(stored) == [(repo, "huggingface", "mit", 0, 456_000_000_000) for repo in answered]
    entry = next(i for i in minimax_catalogue() if i.get("hugging_face_id") == answered[0])
    release = query(
        db,
        "SELECT r.tier FROM artifacts a JOIN releases r ON r.id = a.release_id WHERE a.external_id = ?",
        (entry["id"],),
    )
    assert release == [("open",)]  # from the weights' own licence, not "open-restricted: licence unknown"
    assert query(db, "SELECT repo_id, outcome = 'found' FROM hub_lookups ORDER BY repo_id") == sorted(
        (repo, repo in answered) for repo in refs
    )
    asked = len(lookup_requests(loopback))
    again = sync(cli, config, db)
    assert (again["lookups"]["asked"], len(lookup_requests(loopback))) == (0, asked)  # cached: none asked again


def test_lookups_are_bounded_per_sync_and_the_rest_wait_for_the_next(world, cli, monkeypatch):
    loopback, config, db, refs, _ = world
    monkeypatch.setattr(hublookup, "MAX_LOOKUPS", 2)
    first = sync(cli, config, db)["lookups"]
    assert (first["asked"], first["left"]) == (2, len(refs) - 2)
    second = sync(cli, config, db)["lookups"]
    assert second["asked"] == min(2, len(refs) - 2)
    assert len({r.path for r in lookup_requests(loopback)}) == len(lookup_requests(loopback))


def test_a_failed_lookup_is_asked_again_only_after_retry_days(world, cli):
    loopback, config, db, refs, _ = world
    sync(cli, config, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE hub_lookups SET checked_at = '2020-01-01T00:00:00Z' WHERE outcome != 'found'")
    again = sync(cli, config, db)["lookups"]
    assert (again["asked"], again["found"]) == (1, 0)
    assert lookup_requests(loopback)[-1].path == f"/api/models/{refs[-1]}"


@pytest.mark.parametrize(
    ("refs", "chosen"),
    [
        ([("minimax", "MiniMaxAI/MiniMax-M1")], [("minimax", "MiniMaxAI/MiniMax-M1")]),
        (
            [("minimax", "minimaxai/minimax-m1"), ("minimax", "MiniMaxAI/MiniMax-M1")],
            [("minimax", "minimaxai/minimax-m1")],
        ),
        ([("minimax", "stored/repo")], []),
        ([("minimax", "recent/repo")], []),
        ([("nvidia", "meta-llama/Llama-3.1-70B")], []),  # another configured vendor's organisation
        ([("minimax", "../etc/passwd"), ("minimax", "no-slash"), ("minimax", "a/b/c")], []),
        ([("minimax", "Swept/Unlisted-Repo"), ("minimax", "other/repo")], [("minimax", "other/repo")]),
    ],
)
def test_choose(refs, chosen):
    stored, recent, orgs = {"stored/repo"}, {"recent/repo"}, {"meta-llama": "meta"}
    assert hublookup.choose(refs, stored, recent, orgs, frozenset({"swept"})) == chosen


def test_a_repository_its_own_organisations_complete_listing_lacks_is_not_looked_up(tmp_path, loopback, cli):
    hub = HfHub(loopback)
    catalogue = minimax_catalogue()
    refs = sorted({i["hugging_face_id"] for i in catalogue if i.get("hugging_face_id")})
    org = refs[0].split("/")[0]
    assert all(ref.split("/")[0] == org for ref in refs)
    hub.orgs[org] = hf_models(org, 3)  # a listing that holds none of the catalogue's repositories
    loopback.route("/api/v1/models", lambda r: with_etag(r, json_reply({"data": catalogue})))
    config = write_config(
        tmp_path / "sources.toml",
        {
            "minimax": [
                {"kind": "huggingface", "org": org, "base_url": loopback.url},
                {"kind": "openrouter", "author": "minimax", "base_url": loopback.url},
            ]
        },
    )
    lookups = sync(cli, config, tmp_path / "r.db")["lookups"]
    assert (lookups["asked"], lookups["errors"], lookup_requests(loopback)) == (0, [], [])


def test_a_catalogue_read_from_a_mirror_sends_no_lookup_to_the_real_hub(tmp_path, loopback, cli):
    catalogue = minimax_catalogue()
    loopback.route("/api/v1/models", lambda r: with_etag(r, json_reply({"data": catalogue})))
    config = write_config(
        tmp_path / "sources.toml", {"minimax": [{"kind": "openrouter", "author": "minimax", "base_url": loopback.url}]}
    )
    lookups = sync(cli, config, tmp_path / "r.db")["lookups"]
    assert (lookups["asked"], lookups["errors"]) == (0, [])
    assert [r.path for r in loopback.log] == ["/api/v1/models"]
