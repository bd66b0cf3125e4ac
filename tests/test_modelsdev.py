"""models.dev: the parser on an api.json assembled from real catalogue files, and a sync end to end."""

import json
from pathlib import Path

import pytest

from relwatch.errors import SourceError
from relwatch.models import DateKind, Openness
from relwatch.sources.modelsdev import (
    catalogue_url,
    lab_models,
    parse_model,
    parse_models,
    provider_models,
    weights_ref_of,
)
from tests.conftest import invoke, query, write_config
from tests.loopback import json_reply, with_etag

FIXTURES = Path(__file__).parent / "fixtures" / "modelsdev"
WHERE = "https://models.dev/api.json"
CATALOG = "https://models.dev/catalog.json"


def catalogue():
    return json.loads((FIXTURES / "api.json").read_text())


def models_of(provider, family=None):
    return {a.external_id: a for a in parse_models(provider_models(catalogue(), provider, WHERE), family)}


def test_catalogue_url():
    assert catalogue_url("https://models.dev") == "https://models.dev/catalog.json"


def test_closed_first_party_model():
    google = models_of("google")
    assert sorted(google) == ["gemini-2.5-pro", "gemma-4-26b-a4b-it"]
    model = google["gemini-2.5-pro"]
    assert model.name == "Gemini 2.5 Pro"
    assert model.date == "2025-03-20"
    assert model.date_kind == DateKind.PUBLISHED
    assert model.modified_at == "2025-06-05"
    assert model.tier_hint == Openness.API
    assert model.family_hint == "gemini-pro"
    assert (model.licence, model.weights_ref, model.url, model.parameters) == (None, None, None, None)
    assert model.extra == {
        "input_modalities": ["text", "image", "audio", "video", "pdf"],
        "output_modalities": ["text"],
        "context_limit": 1048576,
        "knowledge": "2025-01",
        "cost": {"input": 1.25, "output": 10.0, "cache_read": 0.125},  # USD per 1M tokens; tiers left out
    }
    assert model.raw["cost"]["input"] == 1.25


def full_catalogue():
    return json.loads((FIXTURES / "catalog.json").read_text())


def catalogue_models(provider, **options):
    payload = full_catalogue()
    models = provider_models(payload, provider, CATALOG)
    parsed = parse_models(models, labs=lab_models(payload), provider=provider, where=CATALOG, **options)
    return {a.external_id: a for a in parsed}


def test_catalog_offers_are_joined_to_lab_metadata_by_canonical_path():
    alibaba = catalogue_models("alibaba")
    qwen3 = alibaba["qwen3-235b-a22b"]  # the offer names `alibaba/qwen3-235b-a22b` as its canonical model
    assert (qwen3.licence, qwen3.weights_ref, qwen3.parameters) == ("apache-2.0", "Qwen/Qwen3-235B-A22B", 235093634560)
    assert qwen3.url == "https://qwenlm.github.io/blog/qwen3/"
    assert qwen3.extra["lab_model"] == "alibaba/qwen3-235b-a22b"
    assert qwen3.date == "2025-04"  # the month precision of the catalogue is kept
    assert "cost" in qwen3.extra
    closed = alibaba["qwen3-max"]
    assert (closed.licence, closed.weights_ref, closed.tier_hint) == (None, None, Openness.API)


def test_catalog_offers_without_a_path_join_by_provider_and_id():
    gemma = catalogue_models("google")["gemma-4-26b-a4b-it"]
    assert (gemma.licence, gemma.weights_ref, gemma.extra["lab_model"]) == (
        "gemma",
        "google/gemma-4-26b-a4b-it",
        "google/gemma-4-26b-a4b-it",
    )
    assert "lab_model" not in catalogue_models("google")["gemini-2.5-pro"].extra


def test_a_third_party_host_joins_the_lab_entry_only_through_its_canonical_path():
    hosted = catalogue_models("abacus")["Qwen/Qwen3.6-27B"]
    assert "lab_model" not in hosted.extra  # its canonical lab entry is not in this catalogue


def test_one_unreadable_offer_is_skipped_and_counted():
    payload = full_catalogue()
    payload["providers"]["google"]["models"]["gemini-\x1b[2J"] = {"name": "hostile"}
    parsed = parse_models(provider_models(payload, "google", CATALOG), labs=lab_models(payload), where=CATALOG)
    assert sorted(a.external_id for a in parsed) == ["gemini-2.5-pro", "gemma-4-26b-a4b-it"]
    assert len(parsed.skipped) == 1 and "control characters" in parsed.skipped[0]


def test_open_weights_flag_gives_the_open_tier():
    model = models_of("google")["gemma-4-26b-a4b-it"]
    assert model.tier_hint == Openness.OPEN
    assert (model.name, model.family_hint, model.date) == ("Gemma 4 26B", "gemma", "2026-04-02")


def test_month_only_release_date_keeps_its_precision():
    alibaba = models_of("alibaba")
    model = alibaba["qwen3-235b-a22b"]
    assert model.date == "2025-04"
    assert model.modified_at == "2025-04"
    assert model.tier_hint == Openness.OPEN
    assert model.name == "Qwen3 235B-A22B"
    assert model.extra["canonical"] == "alibaba/qwen3-235b-a22b"
    assert alibaba["qwen3-max"].tier_hint == Openness.API
    assert alibaba["qwen3-max"].date == "2025-09-23"


def test_status_and_family_filter():
    mistral = models_of("mistral")
    assert mistral["open-mixtral-8x7b"].extra["status"] == "deprecated"
    assert mistral["open-mixtral-8x7b"].tier_hint == Openness.OPEN
    assert mistral["mistral-medium-2505"].tier_hint == Openness.API
    assert sorted(models_of("mistral", family="^mistral-")) == ["mistral-medium-2505", "mistral-small-2506"]
    assert sorted(models_of("google", family="gemma")) == ["gemma-4-26b-a4b-it"]
    assert models_of("deepseek", family="^gemma") == {}


def test_a_third_party_host_keeps_its_own_ids():
    [model] = models_of("abacus").values()
    assert model.external_id == "Qwen/Qwen3.6-27B"
    assert model.extra["canonical"] == "alibaba/qwen3.6-27b"
    assert model.extra["input_modalities"] == ["text"]  # the host's override of the lab's list
    assert model.date == "2026-04-22"


def test_lab_metadata_fields_when_an_entry_carries_them():
    # models.dev's own lab-metadata fixture (packages/core/test/generate.test.ts), as models.json holds it
    item = {
        "name": "Lab Model",
        "family": "gpt",
        "release_date": "2026-01-02",
        "last_updated": "2026-01-03",
        "open_weights": True,
        "license": "Example License",
        "links": [{"label": "Model card", "url": "https://example.com/model", "type": "model_card"}],
        "weights": [{"label": "Weights", "url": "https://huggingface.co/lab/model", "format": "safetensors"}],
        "parameters": {"total": 27781427952, "source": "https://huggingface.co/Qwen/Qwen3.6-27B"},
    }
    model = parse_model("lab/model", item)
    assert model.licence == "Example License"
    assert model.weights_ref == "lab/model"
    assert model.url == "https://example.com/model"
    assert model.parameters == 27781427952
    assert model.tier_hint == Openness.OPEN


def test_weights_link_is_the_fallback_and_other_hosts_keep_their_url():
    by_link = parse_model("m", {"links": [{"type": "weights", "url": "https://huggingface.co/org/repo/tree/main"}]})
    assert by_link.weights_ref == "org/repo"
    assert by_link.url is None
    assert weights_ref_of("https://www.kaggle.com/models/google/gemma") == "https://www.kaggle.com/models/google/gemma"
    assert weights_ref_of("https://huggingface.co/org") == "https://huggingface.co/org"


def test_unknown_provider_names_close_keys():
    with pytest.raises(SourceError, match=r"no provider 'mistralai' at https://models.dev/api.json \(close: mistral"):
        provider_models(catalogue(), "mistralai", WHERE)


@pytest.mark.parametrize(
    ("payload", "message"),
    [([], "JSON object of providers"), ({"google": {"id": "google"}}, "has no 'models' table")],
)
def test_payloads_of_the_wrong_shape_are_errors(payload, message):
    with pytest.raises(SourceError, match=message):
        provider_models(payload, "google", WHERE)


def test_malformed_models_are_skipped_or_read_leniently():
    models = {
        "broken": "not a table",
        "odd": {"name": "", "release_date": 2025, "open_weights": "yes", "limit": [], "links": 3, "weights": "x"},
    }
    [model] = parse_models(models)
    assert (model.external_id, model.name, model.date, model.tier_hint, model.extra) == (
        "odd",
        "odd",
        None,
        Openness.API,
        {},
    )


def test_sync_through_loopback(tmp_path, env, loopback):
    body = full_catalogue()
    loopback.route("/catalog.json", lambda request: with_etag(request, json_reply(body)))
    config = write_config(
        tmp_path / "sources.toml",
        {
            "google": [{"kind": "modelsdev", "provider": "google", "base_url": loopback.url}],
            "alibaba": [{"kind": "modelsdev", "provider": "alibaba", "base_url": loopback.url}],
            "mistral": [{"kind": "modelsdev", "provider": "mistral", "family": "^mistral-", "base_url": loopback.url}],
        },
    )
    args = ["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"]
    first = invoke(args, env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["totals"]["new"] == 6
    db = tmp_path / "r.db"
    assert query(
        db,
        "SELECT source_id, external_id, date, date_kind, tier_hint, family_hint FROM artifacts "
        "WHERE vendor_id = 'alibaba' ORDER BY external_id",
    ) == [
        ("alibaba/modelsdev/alibaba", "qwen3-235b-a22b", "2025-04", "published", "open", "qwen"),
        ("alibaba/modelsdev/alibaba", "qwen3-max", "2025-09-23", "published", "api", "qwen"),
    ]
    second = invoke(args, env)
    totals = json.loads(second.stdout)["totals"]
    # three sources read the same catalog.json: one request, answered 304, and two shared answers
    assert (totals["new"], totals["gone"], totals["requests"], totals["not_modified"], totals["shared"]) == (
        0,
        0,
        1,
        1,
        2,
    )
