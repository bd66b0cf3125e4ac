"""Release grouping and family keys on vendors nobody tuned for: words that name a line or a
checkpoint, a role's own revision, and names one launch writes two ways."""

import pytest

from relwatch.classify import VendorRules, evidence_labels
from relwatch.families import family_of
from tests.test_release_identity import hub


def families(vendor: str, repos: list[str]) -> dict[str, str | None]:
    org = repos[0].split("/")[0].lower()
    rows = [hub(index, repo, date=None) for index, repo in enumerate(repos)]
    found = evidence_labels(rows, VendorRules(key=vendor, orgs=frozenset({org})), {})
    return {repo: found[index][0] for index, repo in enumerate(repos)}


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("amd/Instella-3B-Long-Instruct", "instella-long"),
        ("amd/Instella-3B-SFT", "instella"),
        ("IDEA-CCNL/Ziya-LLaMA-7B-Reward", "ziya-llama-reward"),
        ("Intel/neural-chat-7b-v3-1", "neural-chat-v3.1"),
        ("SUSTech/SUS-Chat-34B", "sus-chat"),
        ("Qwen/Qwen-7B-Chat", "qwen"),
        ("infermatic/mn-inferor-12b", "inferor"),
        ("inflatebot/mn-mag-mell-r1", "mag-mell-r1"),
    ],
)
def test_words_that_name_a_line_and_a_base_that_does_not(name, family):
    assert family_of(name) == family


def test_a_chat_role_before_the_size_joins_the_line_stored_without_it():
    found = families("internlm", ["internlm/internlm-7b", "internlm/internlm-chat-7b"])
    assert set(found.values()) == {"internlm"}


def test_a_version_written_after_a_role_is_that_checkpoints_revision():
    found = families(
        "openllm-france",
        ["OpenLLM-France/Lucie-7B", "OpenLLM-France/Lucie-7B-Instruct", "OpenLLM-France/Lucie-7B-Instruct-v1.1"],
    )
    assert set(found.values()) == {"lucie"}
    minerva = families("sapienzanlp", ["sapienzanlp/Minerva-1B-base-v1.0", "sapienzanlp/Minerva-7B-instruct-v1.0"])
    assert set(minerva.values()) == {"minerva"}


def test_a_version_the_base_checkpoint_writes_too_is_the_lines():
    found = families(
        "inceptionai",
        ["inceptionai/jais-30b-v1", "inceptionai/jais-30b-chat-v1", "inceptionai/jais-30b-chat-v3"],
    )
    assert found["inceptionai/jais-30b-v1"] == found["inceptionai/jais-30b-chat-v1"]
    assert found["inceptionai/jais-30b-chat-v1"] != found["inceptionai/jais-30b-chat-v3"]
    chats = families("inceptionai", ["inceptionai/jais-30b-chat-v1", "inceptionai/jais-30b-chat-v3"])
    assert chats == {"inceptionai/jais-30b-chat-v1": "jais-v1", "inceptionai/jais-30b-chat-v3": "jais-v3"}


def test_a_qualifier_a_sibling_writes_after_its_size_is_a_checkpoints():
    found = families("bigscience", ["bigscience/bloomz", "bigscience/bloomz-7b1-mt", "bigscience/bloomz-mt"])
    assert set(found.values()) == {"bloomz"}
    unwritten = families("bigscience", ["bigscience/bloomz-7b1-mt", "bigscience/bloomz-p3"])
    assert unwritten["bigscience/bloomz-p3"] == "bloomz-p3"


def test_lines_named_after_anothers_base_and_its_version_stay_apart_on_one_day():
    rules = VendorRules(key="nvidia", orgs=frozenset({"nvidia"}))
    rows = [
        hub(1, "nvidia/Llama-3.1-Nemotron-70B-Instruct"),
        hub(2, "nvidia/Llama-3.1-Minitron-4B-Width-Base"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] != found[2][0]
    meta = VendorRules(key="meta", orgs=frozenset({"meta-llama"}))
    launch = [hub(1, "meta-llama/Llama-4-Scout-17B-16E"), hub(2, "meta-llama/Llama-4-Maverick-17B-128E")]
    assert {family for family, _ in evidence_labels(launch, meta, {}).values()} == {"llama-4"}


def test_a_versioned_base_named_last_is_dropped_when_the_vendor_has_one_such_launch():
    found = families("aion-labs", ["aion-labs/aion-rp-llama-3.1-8b"])
    assert found == {"aion-labs/aion-rp-llama-3.1-8b": "aion-rp"}
    architecture = families("ai-forever", ["ai-forever/FRED-T5-1.7B"])
    assert architecture == {"ai-forever/FRED-T5-1.7B": "fred-t5"}
    abbreviated = families("undi95", ["undi95/remm-slerp-l2-13b"])
    assert abbreviated == {"undi95/remm-slerp-l2-13b": "remm-slerp-l2"}


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("lllyasviel/control_v11p_sd15_openpose", "control-v11"),
        ("lllyasviel/control_sd15_canny", "control-sd15"),
        ("diffusers/controlnet-sdxl-canny", "controlnet-sdxl"),
        ("PixArt-alpha/PixArt-Sigma-XL-2-1024-MS", "pixart-sigma"),
        ("facebook/DiT-XL-2-256", "dit"),
    ],
)
def test_a_controlnets_stable_diffusion_release_and_a_dit_patch_are_variants(name, family):
    assert family_of(name) == family
