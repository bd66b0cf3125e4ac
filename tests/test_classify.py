"""Tiers, families and releases on hand-built artifacts whose answers are known."""

import json

import pytest

from relwatch.classify import VendorRules, artifact_tier, family_for, label_artifacts
from relwatch.families import display_name, family_of, parameters_from_name
from relwatch.licences import LicenceClass, classify_licence
from relwatch.models import Openness


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("google/gemma-3-27b-it", "gemma-3"),
        ("google/gemma-3-1b-pt", "gemma-3"),
        ("google/gemma-3-270m", "gemma-3"),
        ("google/gemma-3-27b-it-qat-q4_0-gguf", "gemma-3"),
        ("google/gemma-3n-E4B-it", "gemma-3n"),
        ("google/medgemma-27b-text-it", "medgemma"),
        ("google/paligemma-3b-mix-224", "paligemma"),
        ("Qwen/Qwen3-8B-GPTQ-Int4", "qwen3"),
        ("qwen/qwen-2.5-coder-32b-instruct", "qwen2.5-coder"),
        ("qwen/qwen3.5-flash-02-23", "qwen3.5-flash"),
        ("microsoft/phi-1_5", "phi-1.5"),
        ("facebook/nllb-200-distilled-600M", "nllb-200"),
        ("openai/o3", "o3"),
        ("google/gemini-2.5-pro-preview-05-06", "gemini-2.5-pro"),
        ("google/gemini-2.5-flash", "gemini-2.5-flash"),
        ("gemini-2.0-flash-exp", "gemini-2.0-flash"),
        ("Qwen/Qwen3-235B-A22B-Instruct-2507", "qwen3"),
        ("Qwen/Qwen3-30B-A3B-GPTQ-Int4", "qwen3"),
        ("Qwen/Qwen2.5-0.5B-Instruct-AWQ", "qwen2.5"),
        ("qwen/qwen3-max", "qwen3-max"),
        ("Qwen/Qwen2.5-Coder-32B-Instruct", "qwen2.5-coder"),
        ("baidu/ERNIE-4.5-300B-A47B-PT", "ernie-4.5"),
        ("baidu/ERNIE-4.5-300B-A47B-Paddle", "ernie-4.5"),
        ("baidu/ernie-4.5-turbo-128k", "ernie-4.5-turbo"),
        ("baidu/ERNIE-4.5-VL-28B-A3B-PT", "ernie-4.5-vl"),
        ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral"),
        ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "mistral-small-3.1"),
        ("openai/gpt-4o-2024-08-06", "gpt-4o"),
        ("anthropic/claude-3-5-sonnet-20241022", "claude-3.5-sonnet"),
        ("meta-llama/Meta-Llama-3.1-8B-Instruct", "llama-3.1"),
        ("unsloth/Llama-3.2-1B-Instruct-bnb-4bit", "llama-3.2"),
        ("Qwen/Qwen3-8B-MLX-4bit", "qwen3"),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "deepseek-r1-distill"),
        ("deepseek/deepseek-chat-v3-0324", "deepseek-v3"),
        ("qwen/qwen3-235b-a22b:free", "qwen3"),
        ("~google/gemini-flash-latest", "gemini-flash"),
        ("gemini-1.5-pro-001", "gemini-1.5-pro"),
    ],
)
def test_family_grammar(name, family):
    assert family_of(name) == family


def test_display_names():
    assert display_name("ernie-4.5-vl") == "ERNIE 4.5 VL"
    assert display_name("gemini-2.5-flash-lite") == "Gemini 2.5 Flash Lite"


def test_parameters_from_names():
    assert parameters_from_name("Qwen3-235B-A22B") == 235_000_000_000
    assert parameters_from_name("gemma-3-270m") == 270_000_000
    assert parameters_from_name("Mixtral-8x7B") == 56_000_000_000
    assert parameters_from_name("gemini-2.5-pro") is None


@pytest.mark.parametrize(
    ("licence", "name", "link", "klass"),
    [
        ("apache-2.0", None, None, LicenceClass.PERMISSIVE),
        ("MIT", None, None, LicenceClass.PERMISSIVE),
        ("gemma", None, None, LicenceClass.RESTRICTED),
        ("llama3.1", None, None, LicenceClass.RESTRICTED),
        ("llama4", None, None, LicenceClass.RESTRICTED),
        ("creativeml-openrail-m", None, None, LicenceClass.RESTRICTED),
        ("cc-by-nc-4.0", None, None, LicenceClass.NONCOMMERCIAL),
        ("other", "qwen-research", None, LicenceClass.NONCOMMERCIAL),
        ("other", None, "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE", LicenceClass.RESTRICTED),
        ("other", None, "https://mistral.ai/licenses/MRL-0.1.md", LicenceClass.NONCOMMERCIAL),
        ("other", None, None, LicenceClass.UNKNOWN),
        (None, None, None, LicenceClass.UNKNOWN),
        ("some-new-thing", None, None, LicenceClass.UNKNOWN),
    ],
)
def test_licence_classes(licence, name, link, klass):
    assert classify_licence(licence, name=name, link=link)[0] is klass


def hub(external_id, **fields):
    return {
        "id": fields.pop("id", 1),
        "kind": "huggingface",
        "external_id": external_id,
        "name": external_id.split("/")[-1],
        "extra": "{}",
        "base_models": "[]",
        **fields,
    }


def test_hub_tiers_come_from_licence_and_gating():
    assert artifact_tier(hub("google/flan-t5-xxl", licence="apache-2.0", gated=0))[0] is Openness.OPEN
    tier, klass, reason = artifact_tier(hub("x/y", licence="apache-2.0", gated=1))
    assert tier is Openness.OPEN_RESTRICTED and klass is LicenceClass.PERMISSIVE and "gated" in reason
    assert artifact_tier(hub("google/gemma-3-1b-it", licence="gemma"))[0] is Openness.OPEN_RESTRICTED
    assert artifact_tier(hub("x/y", licence="cc-by-nc-4.0"))[0] is Openness.OPEN_NONCOMMERCIAL
    tier, klass, reason = artifact_tier(hub("x/y", licence=None))
    assert (tier, klass) == (Openness.OPEN_RESTRICTED, LicenceClass.UNKNOWN)
    assert reason == "weights on huggingface; no licence given"


def test_catalogue_and_changelog_tiers():
    listed = {"kind": "openrouter", "external_id": "google/gemini-2.5-pro", "tier_hint": "api", "extra": "{}"}
    assert artifact_tier(listed) == (Openness.API, None, "openrouter lists it as api")
    catalogued = {"kind": "modelsdev", "external_id": "qwen3-235b", "tier_hint": "open", "licence": "apache-2.0"}
    assert artifact_tier(catalogued)[0] is Openness.OPEN
    release = {"kind": "github", "external_id": "v1.0", "extra": "{}"}
    assert artifact_tier(release)[0] is None


RULES = VendorRules(key="baidu", orgs=frozenset({"baidu", "paddlepaddle"}))


def row(index, kind, external_id, date, date_kind, **fields):
    return {
        "id": index,
        "kind": kind,
        "external_id": external_id,
        "name": external_id.split("/")[-1],
        "date": date,
        "date_kind": date_kind,
        "extra": "{}",
        "base_models": "[]",
        "first_seen": "2026-01-01T00:00:00Z",
        **fields,
    }


def test_closed_first_then_open_is_one_release_with_both_dates():
    rows = [
        row(
            1, "changelog", "ernie-4.5@2025-03-16", "2025-03-16", "announced", tier_hint="api", family_hint="ernie-4.5"
        ),
        row(2, "openrouter", "baidu/ernie-4.5-300b-a47b", "2025-07-01T00:00:00Z", "listed", tier_hint="api"),
        row(
            3,
            "huggingface",
            "baidu/ERNIE-4.5-300B-A47B-PT",
            "2025-06-30T01:00:00Z",
            "repo-created",
            licence="apache-2.0",
            gated=0,
            parameters=300_000_000_000,
        ),
        row(
            4,
            "huggingface",
            "baidu/ERNIE-4.5-0.3B-Paddle",
            "2025-06-29T12:00:00Z",
            "repo-created",
            licence="apache-2.0",
            gated=0,
            parameters=360_000_000,
        ),
        row(
            5,
            "huggingface",
            "baidu/ERNIE-4.5-VL-28B-A3B-PT",
            "2025-06-30T01:00:00Z",
            "repo-created",
            licence="apache-2.0",
            gated=0,
        ),
    ]
    labels, releases = label_artifacts(rows, RULES, {})
    by_id = {r.id: r for r in releases}
    assert sorted(by_id) == ["baidu/ernie-4.5", "baidu/ernie-4.5-vl"]
    ernie = by_id["baidu/ernie-4.5"]
    assert ernie.artifact_count == 4
    assert ernie.tier is Openness.OPEN
    assert ernie.first_closed_at == "2025-03-16"
    assert ernie.first_open_at == "2025-06-29T12:00:00Z"
    assert (ernie.date, ernie.date_source) == ("2025-03-16", "announcement")
    assert ernie.largest_parameters == 300_000_000_000
    # one claim per distinct reason: the two Apache-2.0 repos make the same one
    assert [(e.tier, e.artifacts) for e in ernie.evidence] == [(Openness.OPEN, 2), (Openness.API, 1), (Openness.API, 1)]
    assert {label.release_id for label in labels} == {"baidu/ernie-4.5", "baidu/ernie-4.5-vl"}


def test_announcement_beats_an_earlier_repository_by_days_but_not_by_months():
    days = [
        row(1, "changelog", "gemma-3@2025-03-12", "2025-03-12", "announced", tier_hint="api", family_hint="gemma-3"),
        row(2, "huggingface", "google/gemma-3-27b-it", "2025-03-10T00:00:00Z", "repo-created", licence="gemma"),
    ]
    rules = VendorRules(key="google", orgs=frozenset({"google"}))
    release = label_artifacts(days, rules, {})[1][0]
    assert (release.date, release.date_source) == ("2025-03-12", "announcement")
    months = [days[0] | {"date": "2025-09-01", "external_id": "gemma-3@2025-09-01"}, days[1]]
    release = label_artifacts(months, rules, {})[1][0]
    assert release.date == "2025-03-10T00:00:00Z"
    assert release.date_source == "first-party artifact (earlier than the announcement)"


def test_quantised_repos_join_their_base_and_derivatives_are_set_apart():
    rules = VendorRules(key="alibaba", orgs=frozenset({"qwen"}))
    rows = [
        row(1, "huggingface", "Qwen/Qwen3-8B", "2025-04-29", "repo-created", licence="apache-2.0"),
        row(
            2,
            "huggingface",
            "Qwen/Qwen3-8B-Custom-Quant",
            "2025-05-01",
            "repo-created",
            licence="apache-2.0",
            base_models=json.dumps(["Qwen/Qwen3-8B"]),
            extra=json.dumps({"base_model_relations": {"Qwen/Qwen3-8B": "quantized"}}),
        ),
        row(
            3,
            "huggingface",
            "Qwen/Llama-Tuned",
            "2025-05-02",
            "repo-created",
            licence="llama3.1",
            base_models=json.dumps(["meta-llama/Llama-3.1-8B"]),
        ),
    ]
    labels, releases = label_artifacts(rows, rules, {"meta-llama": "meta"})
    assert [r.id for r in releases] == ["alibaba/qwen3"]
    assert releases[0].artifact_count == 2
    assert labels[2].derivative_of == "meta" and labels[2].release_id is None


def test_overrides_win_over_the_grammar():
    import re

    rules = VendorRules(
        key="mistral", orgs=frozenset({"mistralai"}), overrides=((re.compile("mixtral-8x22b", re.I), "mixtral-8x22b"),)
    )
    assert family_for(row(1, "huggingface", "mistralai/Mixtral-8x22B-v0.1", None, None), rules) == "mixtral-8x22b"
    assert family_for(row(2, "huggingface", "mistralai/Mixtral-8x7B-v0.1", None, None), rules) == "mixtral"


def test_github_tags_without_a_model_name_form_no_release():
    rules = VendorRules(key="baidu", orgs=frozenset())
    labels, releases = label_artifacts([row(1, "github", "v3.0.1", "2025-01-01", "published")], rules, {})
    assert releases == [] and labels[0].release_id is None


def test_a_shutdown_notice_is_not_a_launch_announcement():
    rules = VendorRules(key="google", orgs=frozenset({"google"}))
    rows = [
        row(
            1,
            "changelog",
            "gemini-1.5-pro@2025-09-24",
            "2025-09-24",
            "announced",
            tier_hint="api",
            name="gemini-1.5-pro",
            extra=json.dumps({"excerpt": "gemini-1.5-pro will be shut down on September 24, 2025"}),
        ),
        row(
            2,
            "changelog",
            "gemini-1.5-pro@2025-09-10",
            "2025-09-10",
            "published",
            tier_hint="api",
            name="gemini-1.5-pro",
            extra=json.dumps({"excerpt": "| gemini-1.5-pro | September 10, 2025 | No shutdown date announced |"}),
        ),
    ]
    [release] = label_artifacts(rows, rules, {})[1]
    assert release.announced_at == "2025-09-10"
    assert release.date_source == "announcement"
