"""OpenRouter: the parser on the real 2026-05-15 capture, and the installed `relwatch` end to end."""

import json
import tomllib
from pathlib import Path

import pytest

from relwatch.errors import SourceError
from relwatch.models import DateKind, Openness
from relwatch.sources.openrouter import (
    display_name,
    listing_items,
    listing_url,
    next_page_url,
    parse_models,
)
from tests.conftest import invoke, query, write_config
from tests.loopback import Loopback, Reply, Request, json_reply, with_etag
from tests.public_data import fixture_json, openrouter_recording

SNAPSHOT_CONFIG = Path(__file__).parent / "fixtures" / "openrouter" / "sources.toml"


def capture():
    return fixture_json("openrouter/models_2026-05-15.json")


def models_of(author):
    return {a.external_id: a for a in parse_models(capture()["data"], author)}


# -- parser ---------------------------------------------------------------------------------


def test_listing_url_asks_for_every_output_modality():
    assert listing_url("https://openrouter.ai") == "https://openrouter.ai/api/v1/models?output_modalities=all"


@pytest.mark.parametrize(("author", "count"), [("google", 25), ("qwen", 44), ("baidu", 7), ("meta-llama", 12)])
def test_counts_per_author_in_the_real_capture(author, count):
    # google has 27 ids, two of them `:free` twins of listed models; qwen 47, three twins
    assert len(models_of(author)) == count


def test_closed_model_with_empty_hugging_face_id():
    model = models_of("google")["google/gemini-2.5-pro"]
    assert model.name == "Gemini 2.5 Pro"
    assert model.url == "https://openrouter.ai/google/gemini-2.5-pro"
    assert model.date == "2025-06-17T14:12:24Z"
    assert model.date_kind == DateKind.LISTED
    assert model.tier_hint == Openness.API
    assert model.raw["hugging_face_id"] == ""
    assert model.weights_ref is None
    assert model.licence is None
    assert model.extra == {
        "modality": "text+image+file+audio+video->text",
        "input_modalities": ["text", "image", "file", "audio", "video"],
        "output_modalities": ["text"],
        "context_length": 1048576,
        "canonical_slug": "google/gemini-2.5-pro",
        "price_prompt": "0.00000125",
        "price_completion": "0.00001",
        "knowledge_cutoff": "2025-01-31",
    }


def test_null_hugging_face_id_is_unknown_too():
    model = models_of("google")["google/gemini-3.1-flash-lite"]
    assert model.raw["hugging_face_id"] is None
    assert model.weights_ref is None
    assert model.date == "2026-05-07T15:47:08Z"


def test_hugging_face_id_names_the_weights():
    model = models_of("baidu")["baidu/ernie-4.5-21b-a3b"]
    assert model.weights_ref == "baidu/ERNIE-4.5-21B-A3B-PT"
    assert model.name == "ERNIE 4.5 21B A3B"
    assert model.date == "2025-08-12T21:29:27Z"
    assert model.tier_hint == Openness.API  # what OpenRouter says; the weights are evidence for later
    assert model.extra["knowledge_cutoff"] == "2025-03-31"
    assert model.extra["context_length"] == 120000


def test_variants_fold_into_their_base_and_a_lone_variant_stays():
    google = models_of("google")
    assert not [i for i in google if ":" in i]
    assert google["google/gemma-4-31b-it"].extra["variants"] == ["free"]
    assert google["google/gemma-4-31b-it"].weights_ref == "google/gemma-4-31B-it"
    assert "variants" not in google["google/gemini-2.5-pro"].extra
    assert models_of("qwen")["qwen/qwen-plus-2025-07-28"].extra["variants"] == ["thinking"]
    lone = models_of("baidu")["baidu/cobuddy:free"]
    assert lone.name == "CoBuddy (free)"
    assert lone.url == "https://openrouter.ai/baidu/cobuddy:free"


def test_tilde_aliases_are_skipped():
    data = capture()["data"]
    assert len([m for m in data if m["id"].startswith("~google/")]) == 2
    assert parse_models(data, "~google") == []


def test_deprecation_date_and_names_without_vendor_prefix():
    assert models_of("google")["google/gemini-2.0-flash-001"].extra["expiration_date"] == "2026-06-01"
    assert models_of("google")["google/gemma-4-26b-a4b-it"].name == "Gemma 4 26B A4B"
    assert models_of("qwen")["qwen/qwen-2.5-72b-instruct"].name == "Qwen2.5 72B Instruct"
    assert display_name("Baidu Qianfan: CoBuddy (free)", "baidu/cobuddy:free") == "CoBuddy (free)"
    assert display_name(None, "acme/model-x") == "model-x"


def test_author_matches_case_insensitively():
    assert len(parse_models(capture()["data"], "Google")) == 25


def test_documentation_example_without_hugging_face_id():
    payload = fixture_json("openrouter/models_openapi_example.json")
    [model] = parse_models(listing_items(payload, "example"), "openai", "http://127.0.0.1:9")
    assert model.external_id == "openai/gpt-4"
    assert model.name == "GPT-4"
    assert model.url == "http://127.0.0.1:9/openai/gpt-4"
    assert model.date == "2023-08-24T18:20:34Z"
    assert model.weights_ref is None
    assert model.extra["price_prompt"] == "0.00003"
    assert next_page_url(payload) is None


def test_next_page_link_is_made_absolute_and_keeps_the_modality_filter():
    documented = {"data": [], "total_count": 150, "links": {"next": "/api/v1/models?offset=500&limit=500"}}
    assert next_page_url(documented) == (
        "https://openrouter.ai/api/v1/models?offset=500&limit=500&output_modalities=all"
    )
    kept = {"links": {"next": "http://127.0.0.1:9/api/v1/models?output_modalities=text&offset=2"}}
    assert next_page_url(kept) == "http://127.0.0.1:9/api/v1/models?output_modalities=text&offset=2"
    assert next_page_url({"data": [], "links": {"next": None}}) is None
    assert next_page_url({"data": [], "links": "nope"}) is None


@pytest.mark.parametrize("payload", [[], {"models": []}, {"data": {"id": "x/y"}}, "text"])
def test_a_payload_without_a_data_array_is_an_error(payload):
    with pytest.raises(SourceError, match=r"'data' array of models from https://h/api"):
        listing_items(payload, "https://h/api")


def test_malformed_items_are_skipped_or_read_leniently():
    items = [
        "not a model",
        {"id": 7},
        {"name": "no id"},
        {
            "id": "google/odd",
            "name": None,
            "architecture": "text",
            "pricing": [],
            "hugging_face_id": 5,
            "context_length": True,
        },
    ]
    [model] = parse_models(items, "google")
    assert (model.external_id, model.name, model.date, model.weights_ref, model.extra) == (
        "google/odd",
        "odd",
        None,
        None,
        {},
    )


def test_an_item_with_an_unreadable_date_is_skipped_and_counted():
    page = [{"id": "google/gemini-2.5-pro", "created": 1750000000}, {"id": "google/odd", "created": "soon"}]
    parsed = parse_models(page, "google", where="https://openrouter.ai/api/v1/models")
    assert [a.external_id for a in parsed] == ["google/gemini-2.5-pro"]
    assert parsed.skipped == ["item 2 of https://openrouter.ai/api/v1/models: unreadable date 'soon'"]


# -- end to end -----------------------------------------------------------------------------


class OpenRouterSim:
    """`/api/v1/models`: the whole capture, or pages of it joined by `links.next` like the docs."""

    def __init__(self, loopback: Loopback, page_size: int | None = None):
        self.models = capture()["data"]
        self.page_size = page_size
        loopback.route("/api/v1/models", self.handle)

    def handle(self, request: Request) -> Reply:
        if self.page_size is None:
            return with_etag(request, json_reply({"data": self.models}))
        offset = int(request.arg("offset", "0") or 0)
        page = self.models[offset : offset + self.page_size]
        following = offset + self.page_size
        link = f"/api/v1/models?offset={following}&limit={self.page_size}" if following < len(self.models) else None
        body = {"data": page, "total_count": len(self.models), "links": {"next": link}}
        return with_etag(request, json_reply(body))


@pytest.fixture
def quiet_env(env):
    return {k: v for k, v in env.items() if k != "OPENROUTER_API_KEY"}


def three_vendors(tmp_path, loopback):
    return write_config(
        tmp_path / "sources.toml",
        {
            "google": [{"kind": "openrouter", "author": "google", "base_url": loopback.url}],
            "baidu": [{"kind": "openrouter", "author": "baidu", "base_url": loopback.url}],
            "alibaba": [{"kind": "openrouter", "author": "qwen", "base_url": loopback.url}],
        },
    )


def sync(tmp_path, env, config):
    return invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)


def test_sync_stores_each_authors_models(tmp_path, quiet_env, loopback):
    OpenRouterSim(loopback)
    result = sync(tmp_path, quiet_env, three_vendors(tmp_path, loopback))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["totals"]["new"] == 25 + 7 + 44
    assert {s["source"] for s in summary["sources"]} == {
        "google/openrouter/google",
        "baidu/openrouter/baidu",
        "alibaba/openrouter/qwen",
    }
    db = tmp_path / "r.db"
    assert query(db, "SELECT vendor_id, count(*) FROM artifacts GROUP BY vendor_id ORDER BY vendor_id") == [
        ("alibaba", 44),
        ("baidu", 7),
        ("google", 25),
    ]
    row = query(
        db,
        "SELECT name, url, date, date_kind, tier_hint, weights_ref, extra FROM artifacts "
        "WHERE external_id = 'baidu/ernie-4.5-21b-a3b'",
    )[0]
    assert row[:6] == (
        "ERNIE 4.5 21B A3B",
        f"{loopback.url}/baidu/ernie-4.5-21b-a3b",
        "2025-08-12T21:29:27Z",
        "listed",
        "api",
        "baidu/ERNIE-4.5-21B-A3B-PT",
    )
    assert json.loads(row[6])["modality"] == "text->text"
    requests = loopback.requests_to("/api/v1/models")
    assert len(requests) == 1  # the three authors' sources share one read of the catalogue
    assert all(r.query == {"output_modalities": ["all"]} for r in requests)
    assert all("authorization" not in r.headers for r in requests)


def test_second_sync_is_answered_by_304s(tmp_path, quiet_env, loopback):
    OpenRouterSim(loopback)
    config = three_vendors(tmp_path, loopback)
    assert sync(tmp_path, quiet_env, config).returncode == 0
    second = sync(tmp_path, quiet_env, config)
    assert second.returncode == 0, second.stderr
    totals = json.loads(second.stdout)["totals"]
    assert (totals["new"], totals["updated"], totals["gone"]) == (0, 0, 0)
    assert (totals["requests"], totals["not_modified"], totals["shared"]) == (1, 1, 2)
    assert query(tmp_path / "r.db", "SELECT count(*) FROM artifacts WHERE gone_at IS NULL")[0][0] == 76


def test_sync_follows_links_next_across_pages(tmp_path, quiet_env, loopback):
    OpenRouterSim(loopback, page_size=100)
    result = sync(tmp_path, quiet_env, three_vendors(tmp_path, loopback))
    assert result.returncode == 0, result.stderr
    by_source = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert by_source["google/openrouter/google"]["pages"] == 4  # 364 models, 100 a page
    assert by_source["google/openrouter/google"]["new"] == 25
    requests = loopback.requests_to("/api/v1/models")
    assert sorted(r.arg("offset", "0") for r in requests) == ["0", "100", "200", "300"]  # each page read once
    assert all(r.arg("output_modalities") == "all" for r in requests)


def test_token_is_sent_to_its_host_and_never_stored(tmp_path, quiet_env, loopback):
    OpenRouterSim(loopback)
    secret = "sk-or-v1-secretvalue123"
    config = three_vendors(tmp_path, loopback)
    config.write_text(
        config.read_text().replace('kind = "openrouter"', 'kind = "openrouter"\nsend_token = true')
    )  # a loopback mirror
    result = sync(tmp_path, {**quiet_env, "OPENROUTER_API_KEY": secret}, config)
    assert result.returncode == 0, result.stderr
    assert all(r.headers.get("authorization") == f"Bearer {secret}" for r in loopback.log)
    assert secret.encode() not in (tmp_path / "r.db").read_bytes()


def test_a_payload_of_the_wrong_shape_fails_only_that_sync(tmp_path, quiet_env, loopback):
    loopback.route("/api/v1/models", lambda request: json_reply([{"id": "google/x"}]))
    result = sync(tmp_path, quiet_env, three_vendors(tmp_path, loopback))
    assert result.returncode == 1
    by_source = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert by_source["google/openrouter/google"]["status"] == "failed"
    assert "'data' array of models" in by_source["google/openrouter/google"]["error"]
    assert query(tmp_path / "r.db", "SELECT count(*) FROM artifacts")[0][0] == 0


# -- the shipped snapshot -------------------------------------------------------------------


def expected_counts_from_capture():
    """Per vendor of the snapshot's sources.toml: ids under its authors, less `:variant` twins."""
    ids = {m["id"] for m in capture()["data"]}
    config = tomllib.loads(SNAPSHOT_CONFIG.read_text())
    counts = {}
    for vendor, table in config["vendors"].items():
        authors = {s["author"] for s in table["sources"]}
        counts[vendor] = sum(1 for i in ids if i.split("/")[0] in authors and not (":" in i and i.split(":")[0] in ids))
    return counts


def test_snapshot_replays_with_no_network(tmp_path, quiet_env):
    db = tmp_path / "x.db"
    config, recording = SNAPSHOT_CONFIG, openrouter_recording(tmp_path / "recording")
    synced = invoke(["sync", "--replay", str(recording), "--config", str(config), "--db", str(db)], quiet_env)
    assert synced.returncode == 0, synced.stderr + synced.stdout
    assert query(db, "SELECT mode, status, sources_ok FROM sync_runs") == [("replay", "ok", 21)]
    counts = dict(query(db, "SELECT vendor_id, count(*) FROM artifacts WHERE kind = 'openrouter' GROUP BY vendor_id"))
    expected = expected_counts_from_capture()
    assert counts == expected
    assert (expected["google"], expected["alibaba"], expected["meta"], sum(expected.values())) == (25, 45, 12, 267)
    listed = invoke(["list", "--db", str(db)], quiet_env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(invoke(["list", "--db", str(db), "--format", "json"], quiet_env).stdout)
    assert {row["vendor"] for row in rows} == set(expected)
