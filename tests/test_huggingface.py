from urllib.parse import parse_qs, urlsplit

import pytest

from relwatch.models import DateKind
from relwatch.sources.huggingface import EXPAND, listing_url, parse_model, parse_models
from tests.public_data import fixture_json


def load(name):
    return fixture_json(f"huggingface/{name}")


def test_flan_t5_full_body():
    artifact = parse_model(load("model_google_flan-t5-xxl.json"))
    assert artifact.external_id == "google/flan-t5-xxl"
    assert artifact.name == "flan-t5-xxl"
    assert artifact.url == "https://huggingface.co/google/flan-t5-xxl"
    assert artifact.date == "2022-10-21T15:54:59Z"
    assert artifact.date_kind == DateKind.REPO_CREATED
    assert artifact.modified_at == "2023-07-27T11:42:14Z"
    assert artifact.licence == "apache-2.0"
    assert artifact.gated is False
    assert artifact.pipeline_tag == "text2text-generation"
    assert artifact.library == "transformers"
    assert artifact.parameters == 11266928640
    assert artifact.base_models == []
    assert artifact.downloads == 266006
    assert artifact.likes == 1235
    assert artifact.raw["sha"] == "ae7c9136adc7555eeccc78cdd960dfd60fb346ce"


def test_gated_llama_with_base_model_tags():
    artifact = parse_model(load("model_meta-llama_Llama-3.1-8B-Instruct.json"))
    assert artifact.gated is True
    assert artifact.extra["gated_mode"] == "manual"
    assert artifact.licence == "llama3.1"
    # the computed tag has the renamed repo; the card keeps the old name
    assert artifact.base_models == ["meta-llama/Llama-3.1-8B"]
    assert artifact.extra["base_model_relations"] == {"meta-llama/Llama-3.1-8B": "finetune"}
    assert artifact.parameters == 8030261248


def test_listing_page_projection_parses_same_as_full_bodies():
    listing = parse_models(load("listing_projected.json"))
    full = [
        parse_model(load("model_meta-llama_Llama-3.1-8B-Instruct.json")),
        parse_model(load("model_google_flan-t5-xxl.json")),
    ]
    for from_listing, from_body in zip(listing, full, strict=True):
        assert (
            from_listing.external_id,
            from_listing.licence,
            from_listing.gated,
            from_listing.parameters,
            from_listing.date,
            from_listing.base_models,
        ) == (
            from_body.external_id,
            from_body.licence,
            from_body.gated,
            from_body.parameters,
            from_body.date,
            from_body.base_models,
        )


@pytest.mark.parametrize("placeholder", ["2022-03-02T23:29:04.000Z", "2022-03-02T23:29:05.000Z"])
def test_sentinel_creation_dates_are_unknown(placeholder):
    item = load("model_google_flan-t5-xxl.json")
    item["createdAt"] = placeholder
    artifact = parse_model(item)
    assert artifact.date is None
    assert artifact.extra["created_before"] == "2022-03-02"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("createdAt", "2025-04-31T10:00:00.000Z", "unreadable date '2025-04-31T10:00:00.000Z'"),
        ("downloads", 18446744073709551615, "number 18446744073709551615 is out of range"),
        ("id", "google/\u202egnp.exe", "holds control characters"),
        ("id", "google/" + "x" * 600, "id of 607 characters"),
    ],
)
def test_one_poison_item_is_skipped_and_the_listing_page_kept(field, value, reason):
    page = load("listing_projected.json")
    page[1] = page[1] | {field: value}
    parsed = parse_models(page, where="https://huggingface.co/api/models?author=google")
    assert len(parsed) == len(page) - 1
    assert len(parsed.skipped) == 1
    assert parsed.skipped[0].startswith("item 2 of https://huggingface.co/api/models?author=google: ")
    assert reason in parsed.skipped[0]


def test_licence_falls_back_to_card_and_link():
    item = {
        "id": "Qwen/Qwen3-30B-A3B",
        "tags": ["transformers"],
        "cardData": {"license": "other", "license_link": "https://huggingface.co/Qwen/Qwen3-30B-A3B/blob/main/LICENSE"},
    }
    artifact = parse_model(item)
    assert artifact.licence == "other"
    assert artifact.licence_link.endswith("/LICENSE")
    assert artifact.gated is None


def test_items_without_an_id_are_skipped():
    assert [a.external_id for a in parse_models([{"_id": "x"}, "junk", {"id": "a/b"}])] == ["a/b"]


def test_listing_url_asks_for_every_parsed_field():
    url = listing_url("https://hub.example", "google", 500)
    query = parse_qs(urlsplit(url).query)
    assert query["author"] == ["google"]
    assert query["sort"] == ["lastModified"]
    assert query["limit"] == ["500"]
    assert query["expand"] == list(EXPAND)
    for field in (
        "createdAt",
        "lastModified",
        "gated",
        "tags",
        "cardData",
        "safetensors",
        "pipeline_tag",
        "library_name",
        "downloads",
        "likes",
    ):
        assert field in query["expand"]
