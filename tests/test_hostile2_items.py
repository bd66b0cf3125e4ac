"""Upstream values that must not become evidence or split one id: Hub repo ids and padded ids."""

import pytest

from relwatch.models import Artifact
from relwatch.sources.items import hub_repo_id, parse_each, weights_ref
from relwatch.sources.modelsdev import parse_model as parse_modelsdev
from relwatch.sources.openrouter import parse_model as parse_openrouter


@pytest.mark.parametrize(
    "value",
    ["google/gemma-3-27b-it", "Qwen/Qwen3-235B-A22B", "a/b", "org_1/name.v2", " meta-llama/Llama-3.1-8B "],
)
def test_well_formed_hub_repo_ids_are_kept(value):
    assert hub_repo_id(value) == value.strip()


@pytest.mark.parametrize(
    "value",
    [
        "../../etc/passwd",
        "../etc",
        "org/..",
        "org/na..me",
        "org/-name",
        "org/name-",
        "org/.hidden",
        "org/na--me",
        "org/my model",
        "org/na\nme",
        "org/name\x1b[31m",
        "org/" + "x" * 97,
        "o" * 97 + "/name",
        "org/name/extra",
        "name",
        "/name",
        "org/",
        "org/repo.git",
        "org/naïve",
        "",
    ],
)
def test_malformed_hub_repo_ids_are_refused(value):
    assert hub_repo_id(value) is None


def test_the_longest_allowed_parts_are_96_characters():
    assert hub_repo_id("o" * 96 + "/" + "n" * 96) is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("org/repo", "org/repo"),
        ("https://www.kaggle.com/models/google/gemma", "https://www.kaggle.com/models/google/gemma"),
        ("https://huggingface.co/org/repo", "org/repo"),
        ("https://huggingface.co/../../etc/passwd", None),
        ("https://huggingface.co/org", None),
        ("file:///etc/passwd", None),
        ("javascript:alert(1)", None),
        ("https://example.com/a b", None),
        ("../../etc/passwd", None),
    ],
)
def test_weights_refs_are_hub_ids_or_absolute_http_urls(value, expected):
    assert weights_ref(value) == expected


@pytest.mark.parametrize("hf_id", ["../../etc/passwd", "org/my model", "a/b/c", "x" * 200 + "/y"])
def test_a_malformed_hugging_face_id_in_the_catalogue_is_no_weights_evidence(hf_id):
    model = parse_openrouter({"id": "acme/model-1", "name": "Acme: Model 1", "created": 1, "hugging_face_id": hf_id})
    assert model.weights_ref is None


def test_a_well_formed_hugging_face_id_still_names_the_weights():
    model = parse_openrouter(
        {"id": "acme/model-1", "name": "Acme: Model 1", "created": 1, "hugging_face_id": " acme/Model-1 "}
    )
    assert model.weights_ref == "acme/Model-1"


@pytest.mark.parametrize("url", ["https://huggingface.co/../../etc/passwd", "../../etc/passwd", "not a url"])
def test_a_malformed_weights_link_in_models_dev_is_no_weights_evidence(url):
    model = parse_modelsdev("m", {"weights": [{"url": url}]})
    assert model.weights_ref is None


def test_ids_differing_only_by_surrounding_white_space_are_one_id():
    def parse(item):
        return Artifact(external_id=item, name=item)

    parsed = parse_each(["acme/a", "acme/a ", "\tacme/a\n", "  "], parse, "the page")
    assert [a.external_id for a in parsed] == ["acme/a"] * 3
    assert len(parsed.skipped) == 1 and "id of 0 characters" in parsed.skipped[0]
