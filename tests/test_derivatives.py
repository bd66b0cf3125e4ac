"""Derivatives read from what a Hub listing carries when a card states no `base_model`: the
name's shape (another vendor's line with or without its version, a line glued to the model's own
word, a lab's base line, a model adapted or trained from scratch) and the licence's name."""

import json
import sys
from pathlib import Path

import pytest

from relwatch.classify import VendorRules, evidence_labels
from relwatch.licences import licence_line_vendor
from tests.test_release_identity import catalogue, hub

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

ACME = VendorRules(key="acme", orgs=frozenset({"acme"}))


def derived(repo, rules=ACME, org_vendors=None, **fields):
    return evidence_labels([hub(1, repo, **fields)], rules, org_vendors or {})[1][1]


@pytest.mark.parametrize(
    ("repo", "licence", "base"),
    [
        ("acme/Sheared-LLaMA-1.3B", "apache-2.0", "meta"),
        ("acme/chinese-llama-2-7b", "apache-2.0", "meta"),
        ("acme/llama-3-chinese-8b-instruct-v3", "apache-2.0", "meta"),
        ("acme/llama-3-widget-8b", "cc-by-sa-4.0", "meta"),
        ("acme/widget-reranker-v2-gemma", "apache-2.0", "google"),
        ("acme/open_llama_3b", "apache-2.0", None),
        ("acme/open-llama-7b-v2", "mit", None),
        ("acme/open_llama_7b", "llama2", "meta"),
    ],
)
def test_a_llama_or_gemma_name_is_a_base_unless_it_names_an_open_reproduction(repo, licence, base):
    """A permissive licence alone does not outweigh a Llama or Gemma name (Sheared-LLaMA and
    Chinese-LLaMA-2 carry apache-2.0); `open` before the line (OpenLLaMA) under a licence the
    line's terms rule out does."""
    assert derived(repo, licence=licence) == base


@pytest.mark.parametrize(
    ("repo", "base"),
    [
        ("acme/normistral-7b-warm", "mistral"),
        ("acme/normistral-11b-thinking", "mistral"),
        ("acme/BioMistral-7B", "mistral"),
        ("acme/KoAlpaca-Widget-5.8B", "meta"),
        ("acme/normistral-7b-scratch", None),
        ("acme/norbloom-7b-scratch", None),
        ("acme/TinyLlama-1.1B-Chat-v1.0", None),
        ("acme/delphi-7b", None),
    ],
)
def test_a_line_glued_after_a_word_of_the_models_own_is_its_base(repo, base):
    """NorMistral's `-warm` checkpoints start from Mistral 7B, its `-scratch` ones do not; Llama
    glued to a word names an architecture (TinyLlama), and short lines hide inside words."""
    assert derived(repo) == base


def test_a_labs_base_line_names_the_lab_and_the_lab_keeps_its_own():
    assert derived("acme/widget-reranker-v2-minicpm-layerwise") == "openbmb"
    assert derived("acme/gorilla-falcon-7b-hf", org_vendors={"tiiuae": "tii"}) == "tii"
    tii = VendorRules(key="tii", orgs=frozenset({"tiiuae"}))
    assert derived("tiiuae/falcon-7b", tii) is None
    catalogue_only = VendorRules(key="ai2")
    found = evidence_labels([catalogue(1, "allenai/olmo-3-7b-instruct")], catalogue_only, {})
    assert found[1][1] is None


def test_flan_names_google_and_adapted_names_an_unnamed_base():
    assert derived("acme/LaMini-Flan-T5-77M", licence="cc-by-nc-4.0") == "google"
    google = VendorRules(key="google", orgs=frozenset({"google"}))
    assert derived("google/flan-t5-xxl", google) is None
    assert derived("acme/widget-adapted-7b-chat") == "unknown"
    assert derived("acme/widget-adapted-7b-chat", licence="llama2") == "meta"
    assert derived("acme/widget-7b-chat") is None


@pytest.mark.parametrize(
    ("name", "vendor"),
    [
        ("qwen-research-license", "alibaba"),
        ("tongyi-qianwen-license-agreement", "alibaba"),
        ("llama3-license", "meta"),
        ("gemma", "google"),
        ("plamo-community-license", None),
        ("license", None),
    ],
)
def test_a_licence_name_is_read_without_its_licence_words(name, vendor):
    assert licence_line_vendor(name) == vendor
    extra = json.dumps({"licence_name": name})
    assert derived("acme/widget-embeddings-v4", licence="other", extra=extra) == vendor


@pytest.mark.parametrize(
    ("licence", "vendor"),
    [("mrl", "mistral"), ("mnpl", "mistral"), ("tencent-hunyuan-community", "tencent"), ("mit", None)],
)
def test_terms_that_govern_a_lines_derivatives_name_its_vendor(licence, vendor):
    assert derived("acme/Widget-22B", licence=licence) == vendor
    assert (
        derived(
            "mistralai/Codestral-22B-v0.1", VendorRules(key="mistral", orgs=frozenset({"mistralai"})), licence="mrl"
        )
        is None
    )


@pytest.mark.parametrize(
    ("link", "org_vendors", "vendor"),
    [
        ("https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/LICENSE", {}, "meta"),
        ("https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/LICENSE.txt", {"tiiuae": "tii"}, "tii"),
        ("https://huggingface.co/gizmo-lab/Gizmo-7B/blob/main/LICENSE", {"gizmo-lab": "gizmo"}, "gizmo"),
        ("https://huggingface.co/gizmo-lab/Gizmo-7B/blob/main/LICENSE", {}, None),
        ("https://huggingface.co/acme/Widget-7B/blob/main/LICENSE", {"acme": "acme"}, None),
        ("https://huggingface.co/acme/llama-widget/blob/main/LICENSE", {}, None),
        ("https://example.com/meta-llama/Meta-Llama-3-8B/LICENSE", {}, None),
    ],
)
def test_a_licence_link_into_another_organisations_repository_names_the_base(link, org_vendors, vendor):
    """`license: other` linking another organisation's Hub repository carries that model's terms;
    a link into the repository's own organisation, or off the Hub, says nothing."""
    assert derived("acme/Widget-8B-Chat", org_vendors=org_vendors, licence="other", licence_link=link) == vendor


def test_the_fifth_sets_tune_half(openrouter_captures):
    """Floors at the figures reached on the tune half of the fifth set (ORIGINS_5.md). The 30
    derivatives missed state no base in their name, tags or licence (XLM-R and Qwen2 encoders
    and readers under cc-by-nc-4.0, Platypus2, Starling, LaMini-T5 and -GPT, Athene, BERT-wwm)."""
    from accuracy import DATA, evaluate_second, halves

    scores = evaluate_second("tune", halves(DATA / "labelled_models_5.csv")["tune"])
    assert scores.rows >= 190
    assert scores.derivative_hits / scores.rows >= 0.845


@pytest.mark.parametrize(
    ("repo", "org_vendors", "base"),
    [
        ("acme/asr-wav2vec2-commonvoice-en", {}, "facebook"),
        ("acme/Widget-BLIP2-14B-Visual-v1", {}, "salesforce"),
        ("acme/sd-controlnet-canny", {}, "compvis"),
        ("acme/control_v11p_sd15_canny", {}, "compvis"),
        ("acme/Widget-Stable-Diffusion-1B-Chinese-v0.1", {}, "compvis"),
        ("acme/widget-sdxl-lightning", {}, "stabilityai"),
        ("acme/faster-whisper-large-v3", {"openai": "openai"}, "openai"),
        ("acme/VILA1.5-3b", {}, "unknown"),
        ("acme/NVILA-8B", {}, "unknown"),
        ("acme/moondream2", {}, "microsoft"),
        ("acme/wespeaker-voxceleb-resnet34-LM", {}, "wenet-e2e"),
        ("acme/musicgen-small", {}, None),
        ("acme/consistency-decoder", {}, None),
    ],
)
def test_image_and_audio_base_lines_name_their_lab(repo, org_vendors, base):
    """Whisper, wav2vec 2.0, BLIP, Stable Diffusion (written `sd`, `sd15` by ControlNet), SDXL and
    WeSpeaker are labs' base lines; VILA and moondream are published as built on others' models."""
    assert derived(repo, org_vendors=org_vendors) == base


def test_a_labs_own_image_and_audio_lines_are_no_derivatives():
    compvis = VendorRules(key="compvis", orgs=frozenset({"compvis"}))
    assert derived("CompVis/stable-diffusion-v1-4", compvis) is None
    openai = VendorRules(key="openai", orgs=frozenset({"openai"}))
    assert derived("openai/whisper-large-v3", openai, {"openai": "openai"}) is None
    assert derived("runwayml/stable-diffusion-v1-5", VendorRules(key="runwayml", orgs=frozenset({"runwayml"}))) == (
        "compvis"
    )


def test_an_organisation_named_after_another_labs_line_builds_on_it():
    """`distil-whisper/distil-large-v3` states no base and names none; its organisation does."""
    rules = VendorRules(key="distil-whisper", orgs=frozenset({"distil-whisper"}))
    assert derived("distil-whisper/distil-large-v3", rules, {"openai": "openai"}) == "openai"
    assert derived("acme/distil-large-v3") is None


def test_the_sixth_sets_tune_half(openrouter_captures):
    """Floors at the figures reached on the tune half of the sixth set (ORIGINS_6.md). The
    derivatives missed name no base in their name, tags or licence (Atom, Triplex, Tongyi
    DeepResearch, Ziya-Coding, bigstral)."""
    from accuracy import DATA, evaluate_second, halves

    scores = evaluate_second("tune", halves(DATA / "labelled_models_6.csv")["tune"])
    assert scores.rows >= 160
    assert scores.derivative_hits / scores.rows >= 0.96


def labelled_line(*repos, rules=ACME):
    """Derivative-of per repository of one vendor, each given as (repo, fields)."""
    rows = [hub(index, repo, **fields) for index, (repo, fields) in enumerate(repos, 1)]
    return [vendor for _, vendor in (evidence_labels(rows, rules, {})[row["id"]] for row in rows)]


def test_a_line_whose_names_hide_their_base_is_built_on_others_when_one_checkpoint_carries_anothers_terms():
    """`karakuri-lm-70b` under `llama2` makes its line a line of fine-tunes: the `-8x7b` sizes
    under `apache-2.0` (Mixtral's) are built on another's model too, whichever."""
    assert labelled_line(
        ("acme/widget-lm-70b-chat-v0.1", {"licence": "llama2"}),
        ("acme/widget-lm-8x7b-chat-v0.1", {}),
        ("acme/widget-lm-8x7b-instruct-v0.1", {}),
    ) == ["meta", "unknown", "unknown"]


def test_a_base_written_before_a_lines_name_makes_the_line_one_of_fine_tunes():
    """`llama-3-sqlcoder-8b` is SQLCoder on Llama 3: `sqlcoder-7b` and `-34b-alpha`, which name
    no base, are fine-tunes too. A base written after the name marks one checkpoint of a line the
    vendor may train itself (`gte-Qwen2-7B-instruct` beside `gte-multilingual-base`)."""
    assert labelled_line(
        ("acme/llama-3-widgetcoder-8b", {}), ("acme/widgetcoder-7b", {}), ("acme/widgetcoder-34b-alpha", {})
    ) == ["meta", "unknown", "unknown"]
    assert labelled_line(("acme/l3.3-widget-70b", {}), ("acme/widget-12b", {})) == ["meta", "unknown"]
    assert labelled_line(("acme/widget-Qwen2-7B-instruct", {}), ("acme/widget-multilingual-base", {})) == [
        "alibaba",
        None,
    ]


def test_a_line_keeps_its_own_checkpoints_beside_ones_that_state_or_name_their_base():
    """A stated `base_model` or a base named in the repository's name speaks for it alone
    (Molmo-7B-O beside Molmo-7B-D on Qwen2; `bge-reranker-v2-m3` beside `-gemma`); versions of a
    line stay apart (Jina embeddings v2 beside v4 under Qwen's terms); `scratch` says no base."""
    assert labelled_line(("acme/Widget-7B-D", {"base": "Qwen/Qwen2-7B"}), ("acme/Widget-7B-O", {})) == ["qwen", None]
    assert labelled_line(("acme/widget-reranker-v2-gemma", {}), ("acme/widget-reranker-v2-m3", {})) == ["google", None]
    extra = json.dumps({"licence_name": "qwen-research-license"})
    assert labelled_line(
        ("acme/widget-embeddings-v4", {"licence": "other", "extra": extra}), ("acme/widget-embeddings-v2-base", {})
    ) == ["alibaba", None]
    assert labelled_line(("acme/widget-11b", {"licence": "gemma"}), ("acme/widget-7b-scratch", {})) == ["google", None]


def test_a_copy_follows_a_checkpoint_found_built_on_anothers_model_by_its_line():
    assert labelled_line(
        ("acme/Widget-72B-v0.1", {"licence": "other", "extra": json.dumps({"licence_name": "tongyi-qianwen"})}),
        ("acme/Widget-34B-v0.1", {}),
        ("acme/Widget-34B-v0.1-GGUF", {"base": "acme/Widget-34B-v0.1", "relation": "quantized"}),
    ) == ["alibaba", "unknown", "unknown"]


@pytest.mark.parametrize(
    ("repo", "base"),
    [
        ("acme/IP-Adapter", "unknown"),
        ("acme/IP-Adapter-FaceID", "unknown"),
        ("acme/T2I-Adapter", "unknown"),
        ("acme/ControlNet-v1-1", "unknown"),
        ("acme/Widget-IP-Adapter-Plus", None),
        ("acme/widget-2-2-controlnet-depth", None),
        ("acme/adapter-transformers", None),
    ],
)
def test_an_add_on_named_before_any_line_conditions_a_base_it_does_not_name(repo, base):
    """An image-prompt adapter or a ControlNet is trained on another's diffusion model; a vendor's
    add-on for its own model names that model first."""
    assert derived(repo) == base


@pytest.mark.parametrize(
    ("repo", "org_vendors", "base"),
    [
        ("timm/resnet50.tv_in1k", {}, "pytorch"),
        ("timm/resnet50.tv2_in1k", {}, "pytorch"),
        ("timm/convnext_base.fb_in22k_ft_in1k", {"facebook": "meta"}, "meta"),
        ("timm/vit_base_patch16_224.augreg2_in21k_ft_in1k", {}, "google"),
        ("timm/vit_large_patch14_clip_224.openai", {"openai": "openai"}, "openai"),
        ("timm/vit_base_patch16_clip_224.laion2b_ft_in12k_in1k", {}, "laion"),
        ("timm/swin_base_patch4_window7_224.ms_in22k", {}, "microsoft"),
        ("timm/eva02_base_patch14_224.mim_in22k", {}, "baai"),
        ("timm/resnet50.a1_in1k", {}, None),
        ("timm/efficientnet_b0.ra_in1k", {}, None),
        ("acme/widget-small.en", {}, None),
        ("acme/dots.ocr", {}, None),
    ],
)
def test_a_re_publishers_pretrained_tag_names_the_weights_source(repo, org_vendors, base):
    """timm's `architecture.pretrained_tag`: a tag starting with the weights' source is a copy of
    (or a fine-tune on) another organisation's weights; timm's own trainings name none."""
    rules = VendorRules(key="timm", orgs=frozenset({"timm"}))
    assert derived(repo, rules, org_vendors) == base


def test_a_labs_own_repositories_keep_a_tag_naming_the_lab():
    openai = VendorRules(key="openai", orgs=frozenset({"openai"}))
    assert derived("openai/clip_vit_large.openai", openai, {"openai": "openai"}) is None


def test_the_seventh_sets_tune_half(openrouter_captures):
    """Floors at the figures reached on the tune half of the seventh set (ORIGINS_7.md). The
    derivatives missed name no base in their name, tags or licence (TigerBot, SUS-Chat, Sailor,
    Sailor2, Claire, karasu, NSQL on CodeGen, BCE on XLM-R, Chroma on FLUX.1); AMD-Llama and
    AMD-OLMo, trained from scratch on another's architecture, are taken for derivatives."""
    from accuracy import DATA, evaluate_second, halves

    scores = evaluate_second("tune", halves(DATA / "labelled_models_7.csv")["tune"])
    assert scores.rows >= 140
    assert scores.derivative_hits / scores.rows >= 0.74
    assert scores.variant_releases_formed == 0
