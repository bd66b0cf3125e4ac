"""Release identity beyond the tuned vendors: the name grammar's kinds of miss, grouping from the
sources' evidence, derivative chains, the Hub's licence list and its unknown creation dates."""

import json

import pytest

from relwatch.classify import VendorRules, evidence_labels, label_artifacts, publisher_words
from relwatch.families import family_of
from relwatch.licences import LicenceClass, classify_licence
from relwatch.models import Openness


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("ibm-granite/granite-3.1-1b-a400m-instruct", "granite-3.1"),
        ("ibm-granite/granite-3.1-8b-instruct", "granite-3.1"),
        ("baichuan-inc/Baichuan2-7B-Chat-4bits", "baichuan2"),
        ("01-ai/Yi-34B-Chat-8bits", "yi"),
        ("nvidia/NVIDIA-Nemotron-Nano-9B-v2", "nemotron-nano-v2"),
        ("nvidia/nemotron-nano-9b-v2", "nemotron-nano-v2"),
        ("CohereForAI/c4ai-command-r-plus-08-2024", "command-r-plus"),
        ("cohere/command-r-plus-04-2024", "command-r-plus"),
        ("cohere/command-r7b-12-2024", "command-r7b"),
        ("ai21labs/AI21-Jamba-Large-1.7", "jamba-large-1.7"),
        ("perplexity/r1-1776", "r1-1776"),
        ("CohereForAI/aya-101", "aya-101"),
        ("gemini-exp-1206", "gemini-exp-1206"),
        ("gemini-exp-1121", "gemini-exp-1121"),
        ("XiaomiMiMo/MiMo-7B-RL-Zero", "mimo"),
        ("OpenGVLab/InternVL2_5-8B-MPO", "internvl2.5"),
        ("allenai/OLMo-7B-Twin-2T", "olmo"),
        ("allenai/Molmo-7B-D-0924", "molmo"),
        ("ByteDance-Seed/Seed-OSS-36B-Base-woSyn", "seed-oss"),
        ("internlm/internlm-xcomposer2d5-7b-4bit", "internlm-xcomposer2.5"),
        ("RekaAI/reka-edge-2603", "reka-edge"),
        ("Qwen/Qwen3-Omni-30B-A3B-Captioner", "qwen3-omni"),
        ("google/t5gemma-s-s-ul2", "t5gemma"),
        ("google/t5gemma-ml-ml-prefixlm-it", "t5gemma"),
        ("google/t5gemma-2b-2b-ul2", "t5gemma"),
        ("ibm-granite/granite-4.0-h-small", "granite-4.0-small"),
        ("nvidia/Llama-3.1-Minitron-4B-Width-Base", "llama-3.1-minitron"),
        ("nvidia/Llama-3.1-Minitron-4B-Depth-Base", "llama-3.1-minitron"),
        ("ByteDance-Seed/Seed-Coder-8B-Reasoning", "seed-coder"),
        ("microsoft/Phi-4-mini-reasoning", "phi-4-mini-reasoning"),
        ("deepseek-ai/DeepSeek-R1-Zero", "deepseek-r1"),
        ("CohereForAI/c4ai-command-r-v01", "command-r"),
        ("cohere/command-r", "command-r"),
        ("google-bert/bert-base-uncased", "bert"),
        ("microsoft/kosmos-2-patch14-224", "kosmos-2"),
        ("openGPT-X/Teuken-7B-instruct-research-v0.4", "teuken"),
        ("stabilityai/stablelm-3b-4e1t", "stablelm"),
        ("Vikhrmodels/Vikhr-Nemo-12B-Instruct-R-21-09-24", "vikhr-nemo"),
        ("nvidia/parakeet-tdt-0.6b-v2", "parakeet-tdt-v2"),
        ("mistralai/Mixtral-8x22B-Instruct-v0.1", "mixtral"),
        ("mistralai/Codestral-22B-v0.1", "codestral"),
        ("nvidia/Llama-3.3-Nemotron-Super-49B-v1.5", "llama-3.3-nemotron-super-v1.5"),
        ("tencent/Hunyuan-A13B-Instruct", "hunyuan-a13b"),
        ("tencent/Hunyuan-7B-Instruct", "hunyuan"),
        ("moonshotai/Kimi-VL-A3B-Thinking-2506", "kimi-vl"),
        ("BAAI/Aquila_7B", "aquila"),
        ("facebook/m2m100_1.2B", "m2m100"),
        ("stabilityai/stablelm-2-1_6b-chat", "stablelm-2"),
        ("bigscience/bloomz-7b1", "bloomz"),
        ("acme/widget-2-2024-09", "widget-2"),
        ("acme/widget-2-7b-instruct-nf4", "widget-2"),
        ("acme/widget-2-7b-instruct-ov", "widget-2"),
        ("acme/widget-2-7b-stage1-step1000", "widget-2"),
        ("acme/widget-2-125m-multilingual", "widget-2"),
        ("Salesforce/codegen-350M-mono", "codegen"),
        ("Unbabel/TowerInstruct-7B-v0.2", "tower"),
        ("Unbabel/TowerBase-7B-v0.1", "tower"),
        ("jinaai/jina-embeddings-v2-small-en", "jina-embeddings-v2"),
        ("jinaai/jina-embeddings-v2-base-de", "jina-embeddings-v2"),
        ("jinaai/jina-reranker-v1-turbo-en", "jina-reranker-v1"),
        ("BAAI/bge-large-zh-v1.5", "bge-v1.5"),
        ("jinaai/jina-reranker-v2-base-multilingual", "jina-reranker-v2"),
        ("ltg/norbert3-xs", "norbert3"),
        ("princeton-nlp/Llama-3-Instruct-8B-SimPO", "simpo"),
        ("princeton-nlp/Llama-3-Instruct-8B-SimPO-v0.2", "simpo-v0.2"),
        ("defog/sqlcoder-7b-2", "sqlcoder-7b-2"),
        ("xverse/XVERSE-65B-2", "xverse-65b-2"),
        ("BAAI/Emu3-Gen", "emu3"),
        ("Nexusflow/Athene-V2-Agent", "athene-v2"),
        ("llm-jp/llm-jp-13b-instruct-full-jaster-dolly-oasst-v1.0", "llm-jp-v1.0"),
        ("llm-jp/llm-jp-13b-instruct-full-jaster-v1.0", "llm-jp-v1.0"),
        ("hfl/chinese-bert-wwm-ext", "chinese-bert-wwm"),
        ("BAAI/bge-reranker-v2-gemma", "bge-reranker-v2"),
        ("BAAI/bge-reranker-v2-minicpm-layerwise", "bge-reranker-v2"),
        ("hfl/chinese-electra-180g-base-discriminator", "chinese-electra"),
        ("hfl/chinese-electra-small-generator", "chinese-electra-small"),
        ("BAAI/bge-base-en-v1.5", "bge-v1.5"),
        ("openchat/openchat-3.5", "openchat-3.5"),
        ("EleutherAI/pythia-12b-deduped", "pythia"),
        ("tiiuae/Falcon-H1-1.5B-Deep-Instruct", "falcon-h1"),
        ("HuggingFaceTB/SmolVLM2-500M-Video-Instruct", "smolvlm2"),
        ("Salesforce/codegen-16B-nl", "codegen"),
        ("RWKV/v6-Finch-1B6-HF", "finch"),
        ("RWKV/v5-Eagle-7B-HF", "eagle"),
        ("bigscience/T0_3B", "t0"),
        ("internlm/internlm2_5-1_8b-chat", "internlm2.5"),
        ("rednote-hilab/dots.llm1.inst", "dots.llm1"),
        ("rednote-hilab/dots.ocr", "dots.ocr"),
        ("liuhaotian/llava-v1.6-vicuna-13b", "llava-v1.6"),
        ("occiglot/occiglot-7b-eu5-instruct", "occiglot"),
        ("aisingapore/gemma2-9b-cpt-sea-lionv3-base", "sea-lion-v3"),
        ("aisingapore/llama3-8b-cpt-sea-lionv2.1-instruct", "sea-lion-v2.1"),
        ("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama-3.2-vision"),
        ("Salesforce/xgen-7b-8k-inst", "xgen"),
        ("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama-3.2-vision"),
        ("nvidia/canary-1b-flash", "canary-flash"),
        ("ArliAI/QwQ-32B-ArliAI-RpR-v1", "qwq-arliai-rpr-v1"),
        ("shisa-ai/shisa-v2-qwen2.5-7b", "shisa-v2"),
        ("shisa-ai/shisa-v2-mistral-nemo-12b", "shisa-v2"),
        ("shisa-ai/shisa-v2-llama3.3-70b", "shisa-v2"),
        ("teknium/openhermes-2.5-mistral-7b", "openhermes-2.5"),
        ("aion-labs/aion-rp-llama-3.1-8b", "aion-rp-llama-3.1"),
        ("nvidia/OpenReasoning-Nemotron-7B", "openreasoning-nemotron"),
        ("Snowflake/snowflake-arctic-embed-xs", "snowflake-arctic-embed"),
        ("Snowflake/snowflake-arctic-embed-m-v1.5", "snowflake-arctic-embed-v1.5"),
        ("stabilityai/stablelm-tuned-alpha-7b", "stablelm"),
        ("cohere/command-r", "command-r"),
        ("tiiuae/Falcon3-7B-Instruct-1.58bit", "falcon3"),
        ("bigscience/bloomz-7b1-p3", "bloomz"),
        ("bigscience/mt0-xxl-p3", "mt0"),
        ("sao10k/l3.1-70b-hanami-x1", "l3.1-hanami-x1"),
        ("cognitivecomputations/Dolphin3.0-Llama3.1-8B", "dolphin3.0"),
        ("cognitivecomputations/Dolphin3.0-Qwen2.5-0.5B", "dolphin3.0"),
        ("Qwen/Qwen2.5-7B-Instruct", "qwen2.5"),
        ("Intel/neural-chat-7b-v3-1", family_of("Intel/neural-chat-7b-v3.1")),
        ("speakleash/Bielik-11B-v2", "bielik-v2"),
        ("OpenLLM-France/Lucie-7B-Instruct-human-data", "lucie"),
        ("Aleph-Alpha/Pharia-1-LLM-7B-control-aligned", "pharia-1-llm"),
        ("Aleph-Alpha/Pharia-1-LLM-7B-control-hf", "pharia-1-llm"),
        ("inceptionai/jais-family-6p7b-chat", "jais-family"),
        ("inceptionai/jais-family-590m", "jais-family"),
        ("ByteDance-Seed/Seed-X-RM-7B", "seed-x"),
        ("allenai/OLMo-2-1124-7B-RM", "olmo-2"),
        ("Wan-AI/Wan2.1-I2V-14B-720P", "wan2.1-i2v"),
        ("Wan-AI/Wan2.1-I2V-14B-480P", "wan2.1-i2v"),
        ("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16", "llama-3.1"),
        ("meta-llama/Llama-3.2-3B-Instruct-SpinQuant_INT4_EO8", "llama-3.2"),
        ("meta-llama/Llama-3.2-1B-Instruct-QLORA_INT4_EO8", "llama-3.2"),
        ("acme/widget-2-7b-instruct-4.0bpw-h6-exl2", "widget-2"),
        ("acme/widget-2-7b-instruct-q4f16_1-MLC", "widget-2"),
        ("acme/widget-2-7b-instruct-NVFP4A16", "widget-2"),
        ("acme/widget-2-7b-instruct-tq2_0", "widget-2"),
        ("acme/widget-2-7b-q4_0", "widget-2"),
        ("ibm-granite/granite-3.0-8b-instruct-accelerator", "granite-3.0"),
        ("acme/widget-2-7b-instruct-eagle3", "widget-2"),
        ("myshell-ai/MeloTTS-English", "melotts"),
        ("myshell-ai/MeloTTS-Spanish", "melotts"),
        ("google/gemma-2-2b-jpn-it", "gemma-2"),
        ("facebook/mms-tts-eng", "mms-tts"),
        ("acme/widget-2-nov-2024", "widget-2"),
        ("acme/widget-2-7b-Instruct-Jan2025", "widget-2"),
        ("acme/widget-2-2025.01", "widget-2"),
        ("acme/widget-2-7b-v2024.11", "widget-2"),
        ("claude-3-5-sonnet@20240620", "claude-3.5-sonnet"),
        ("amazon.nova-pro-v1:0", "nova-pro-v1"),
        ("rednote-hilab/dots.ocr", "dots.ocr"),
        ("facebook/sam2-1-hiera-large", family_of("facebook/sam2.1-hiera-large")),
        ("Efficient-Large-Model/Sana_1600M_1024px_MultiLing", "sana"),
        ("Efficient-Large-Model/Sana_1600M_4Kpx_BF16", "sana"),
        ("Efficient-Large-Model/SANA1.5_4.8B_1024px", "sana1.5"),
        ("PixArt-alpha/PixArt-XL-2-1024-MS", "pixart"),
        ("PixArt-alpha/PixArt-XL-2-512x512", "pixart"),
        ("PixArt-alpha/PixArt-Sigma-XL-2-2K-MS", "pixart-sigma"),
        ("playgroundai/playground-v2-1024px-aesthetic", "playground-v2"),
        ("playgroundai/playground-v2-512px-base", "playground-v2"),
        ("kandinsky-community/kandinsky-2-2-prior", "kandinsky-2.2"),
        ("kandinsky-community/kandinsky-2-2-decoder", "kandinsky-2.2"),
        ("openai/consistency-decoder", "consistency-decoder"),
        ("DeepFloyd/IF-I-XL-v1.0", "if-v1.0"),
        ("DeepFloyd/IF-II-L-v1.0", "if-v1.0"),
        ("FreedomIntelligence/HuatuoGPT-II-7B", "huatuogpt-ii"),
        ("PaddlePaddle/PP-OCRv5_server_det", "pp-ocr-v5"),
        ("PaddlePaddle/PP-OCRv5_mobile_rec", "pp-ocr-v5"),
        ("Langboat/mengzi-bert-base-fin", "mengzi-bert"),
        ("black-forest-labs/FLUX.1-dev", "flux.1"),
        ("black-forest-labs/FLUX.1-schnell", "flux.1"),
        ("CompVis/stable-diffusion-v-1-4-original", "stable-diffusion-v1.4"),
        ("openbmb/MiniCPM-V-2_6", "minicpm-v-2.6"),
        ("Systran/faster-whisper-large-v3", "whisper-large-v3"),
        ("distil-whisper/distil-large-v3-openai", "distil-large-v3"),
        ("facebook/hf-seamless-m4t-medium", "seamless-m4t-medium"),
        ("Tele-AI/TeleChat-12B-v2", "telechat-v2"),
    ],
)
def test_the_kinds_of_miss(name, family):
    assert family_of(name) == family


def hub(index, repo, *, base=None, relation="finetune", date="2025-01-01T00:00:00.000Z", **fields):
    return {
        "id": index,
        "kind": "huggingface",
        "external_id": repo,
        "name": repo.split("/")[-1],
        "date": date,
        "date_kind": "repo-created",
        "licence": "apache-2.0",
        "gated": 0,
        "base_models": json.dumps([base] if base else []),
        "extra": json.dumps({"base_model_relations": {base: relation}} if base else {}),
        "first_seen": "2026-11-20T00:00:00Z",
        **fields,
    }


def catalogue(index, model_id, *, weights=None):
    return {
        "id": index,
        "kind": "openrouter",
        "external_id": model_id,
        "name": model_id.split("/")[-1],
        "date": "2025-02-01T00:00:00Z",
        "date_kind": "listed",
        "tier_hint": "api",
        "weights_ref": weights,
        "base_models": "[]",
        "extra": "{}",
        "first_seen": "2026-11-20T00:00:00Z",
    }


def test_a_catalogue_entry_joins_the_hub_repo_its_weights_link_names():
    rules = VendorRules(key="liquid", orgs=frozenset({"liquidai"}))
    rows = [hub(1, "LiquidAI/LFM2-2.6B"), catalogue(2, "liquid/lfm-2.2-6b", weights="LiquidAI/LFM2-2.6B")]
    [release] = label_artifacts(rows, rules, {})[1]
    assert release.id == "liquid/lfm2" and release.artifact_count == 2
    assert release.tier is Openness.OPEN


def test_an_open_model_known_only_from_a_catalogue_weights_link_is_not_api():
    rules = VendorRules(key="stepfun", orgs=frozenset({"stepfun-ai"}))
    [release] = label_artifacts(
        [catalogue(1, "stepfun/step-3.5-flash", weights="stepfun-ai/Step-3.5-Flash")], rules, {}
    )[1]
    assert release.tier is Openness.OPEN_RESTRICTED


def test_a_quantised_copy_joins_its_base_and_derivatives_follow_chains():
    rules = VendorRules(key="allenai", orgs=frozenset({"allenai"}))
    rows = [
        hub(1, "allenai/Llama-3.1-Tulu-3-405B-SFT", base="meta-llama/Llama-3.1-405B"),
        hub(2, "allenai/Llama-3.1-Tulu-3-405B", base="allenai/Llama-3.1-Tulu-3-405B-SFT"),
        hub(3, "allenai/Llama-3.1-Tulu-3-405B-AWQ", base="allenai/Llama-3.1-Tulu-3-405B", relation="quantized"),
        catalogue(4, "allenai/llama-3.1-tulu-3-405b"),
        hub(5, "allenai/OLMo-2-1124-7B"),
        hub(6, "allenai/OLMo-2-1124-7B-GGUF", base="allenai/OLMo-2-1124-7B", relation="quantized"),
    ]
    found = evidence_labels(rows, rules, {"meta-llama": "meta"})
    assert [found[i][1] for i in range(1, 7)] == ["meta", "meta", "meta", "meta", None, None]
    assert found[6][0] == found[5][0] == "olmo-2"


def test_catalogue_names_that_start_with_another_vendors_line_are_derivatives():
    rules = VendorRules(key="perplexity", orgs=frozenset({"perplexity-ai"}))
    found = evidence_labels(
        [catalogue(1, "perplexity/llama-3.1-sonar-large-128k-online"), catalogue(2, "perplexity/sonar-pro")], rules, {}
    )
    assert found[1][1] == "meta" and found[2][1] is None


def test_catalogue_names_that_name_another_vendors_line_after_their_own_are_derivatives():
    rules = VendorRules(key="nousresearch", orgs=frozenset({"nousresearch"}))
    found = evidence_labels(
        [
            catalogue(1, "nousresearch/hermes-3-llama-3.1-405b"),
            catalogue(2, "nousresearch/hermes-2-pro-mistral-7b"),
            catalogue(3, "nousresearch/hermes-4-70b"),
            catalogue(4, "nousresearch/nous-hermes-llamafied"),
        ],
        rules,
        {},
    )
    assert [found[i][1] for i in range(1, 5)] == ["meta", "mistral", None, None]


def test_lines_of_every_configured_vendor_mark_derivatives_but_not_the_vendors_own_entries():
    tuner = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [catalogue(1, "acme/phi-4-uncensored"), catalogue(2, "acme/glm-4.5-air-abliterated")]
    rows += [catalogue(3, "acme/kimi-dev-72b-tuned"), catalogue(4, "acme/philosopher-7b")]
    found = evidence_labels(rows, tuner, {})
    assert [found[i][1] for i in range(1, 5)] == ["microsoft", "zhipu", "moonshot", None]
    own = evidence_labels([catalogue(1, "microsoft/phi-4-reasoning-plus")], VendorRules(key="microsoft"), {})
    assert own[1][1] is None


def test_llama_abbreviated_in_a_catalogue_id_marks_a_derivative():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [catalogue(1, "acme/l3.3-euryale-70b"), catalogue(2, "acme/mythomax-l2-13b"), catalogue(3, "acme/l4-widget")]
    found = evidence_labels(rows, rules, {})
    assert [found[i][1] for i in (1, 2, 3)] == ["meta", "meta", None]


def test_a_sized_listing_of_a_publisher_without_weights_is_a_derivative():
    """A parameter count names open weights; a publisher with no hub organisation whose entry
    points at no weights has fine-tuned or merged someone else's model."""
    tuner = VendorRules(key="acme")
    rows = [catalogue(1, "acme/noromaid-20b"), catalogue(2, "acme/rocinante-12b:free"), catalogue(3, "acme/weaver")]
    rows.append(catalogue(4, "acme/widget-7b", weights="acme-labs/Widget-7B"))
    found = evidence_labels(rows, tuner, {})
    assert [found[i][1] for i in (1, 2, 3, 4)] == ["unknown", "unknown", None, None]
    publisher = VendorRules(key="acme", orgs=frozenset({"acme-labs"}))
    assert evidence_labels([catalogue(1, "acme/widget-20b")], publisher, {})[1][1] is None
    lab = VendorRules(key="mistral")  # configured from the catalogue alone
    assert evidence_labels([catalogue(1, "mistralai/ministral-8b")], lab, {})[1][1] is None
    tuner_with_repos = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [hub(1, "acme/Widget-12B", base="mistralai/Mistral-Nemo-Base-2407"), catalogue(2, "acme/gizmo-12b")]
    assert evidence_labels(rows, tuner_with_repos, {"mistralai": "mistral"})[2][1] == "unknown"
    rows = [hub(1, "acme/Widget-12B"), catalogue(2, "acme/gizmo-12b")]
    assert evidence_labels(rows, tuner_with_repos, {})[2][1] is None


def test_the_coqui_public_model_license_is_non_commercial():
    assert classify_licence("other", name="coqui-public-model-license")[0] is LicenceClass.NONCOMMERCIAL
    assert classify_licence("cpml")[0] is LicenceClass.NONCOMMERCIAL


def test_a_speed_tier_listed_with_its_siblings_is_one_release_but_a_bare_stem_keeps_it_apart():
    rules = VendorRules(key="acme")
    rows = [
        catalogue(1, "acme/widget-v3-fast") | {"date": "2025-07-07T00:00:00Z"},
        catalogue(2, "acme/widget-v3-large") | {"date": "2025-07-07T00:00:00Z"},
        catalogue(3, "acme/gizmo-4") | {"date": "2025-07-09T00:00:00Z"},
        catalogue(4, "acme/gizmo-4-fast") | {"date": "2025-07-10T00:00:00Z"},
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in (1, 2, 3, 4)] == ["widget-v3", "widget-v3", "gizmo-4", "gizmo-4-fast"]


@pytest.mark.parametrize(
    "licence", ["ms-pl", "etalab-2.0", "ofl-1.1", "lppl-1.3c", "cdla-sharing-1.0", "gfdl", "lgpl-lr", "openmdw-1.1"]
)
def test_the_hubs_own_licence_list_is_recognised(licence):
    assert classify_licence(licence)[0] is LicenceClass.PERMISSIVE


def test_a_licence_known_by_name_only_is_classified_by_name():
    assert classify_licence("other", name="exaone")[0] is LicenceClass.NONCOMMERCIAL
    assert classify_licence("other", name="EXAONE AI Model License Agreement 1.1 - NC")[0] is LicenceClass.NONCOMMERCIAL


@pytest.mark.parametrize("placeholder", ["2022-03-02T23:29:04.000Z", "2022-03-02T23:29:05.000Z"])
def test_a_repo_of_unknown_age_never_dates_its_release_by_first_seen(placeholder):
    rules = VendorRules(key="google", orgs=frozenset({"google"}))
    [release] = label_artifacts([hub(1, "google/flan-t5-xxl", date=placeholder)], rules, {})[1]
    assert release.date is None


def test_an_undated_repo_takes_the_date_of_the_rest_of_its_release():
    rules = VendorRules(key="google", orgs=frozenset({"google"}))
    rows = [
        hub(1, "google/flan-t5-xxl", date="2022-03-02T23:29:05.000Z"),
        hub(2, "google/flan-t5-xl", date="2022-11-10T00:00:00.000Z"),
    ]
    [release] = label_artifacts(rows, rules, {})[1]
    assert release.date == "2022-11-10T00:00:00.000Z"


def test_size_words_of_one_launch_are_one_release_and_launches_apart_are_not():
    rules = VendorRules(key="ai21", orgs=frozenset({"ai21labs"}))
    rows = [
        catalogue(1, "ai21/jamba-1-5-mini") | {"date": "2024-08-22T00:00:00Z"},
        catalogue(2, "ai21/jamba-1-5-large") | {"date": "2024-08-22T00:00:00Z"},
        catalogue(3, "ai21/jamba-2-mini") | {"date": "2025-01-01T00:00:00Z"},
        catalogue(4, "ai21/jamba-2-large") | {"date": "2025-03-01T00:00:00Z"},
        hub(5, "ai21labs/AI21-Jamba-1.5-Mini", date="2024-08-21T00:00:00Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 6)] == [
        "jamba-1.5",
        "jamba-1.5",
        "jamba-2-mini",
        "jamba-2-large",
        "jamba-1.5",
    ]


def test_one_launch_listed_up_to_two_weeks_apart_is_one_release():
    rules = VendorRules(key="bytedance", orgs=frozenset())
    rows = [
        catalogue(1, "bytedance-seed/seed-2.0-mini") | {"date": "2026-02-26T18:38:27Z"},
        catalogue(2, "bytedance-seed/seed-2.0-lite") | {"date": "2026-03-10T15:40:31Z"},
        catalogue(3, "bytedance-seed/seed-3.0-mini") | {"date": "2026-05-01T00:00:00Z"},
        catalogue(4, "bytedance-seed/seed-3.0-lite") | {"date": "2026-05-20T00:00:00Z"},
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 5)] == ["seed-2.0", "seed-2.0", "seed-3.0-mini", "seed-3.0-lite"]


def test_a_stem_known_only_from_hub_repos_of_the_launch_joins_its_size_word_siblings():
    rules = VendorRules(key="ibm", orgs=frozenset({"ibm-granite"}))
    rows = [
        hub(1, "ibm-granite/granite-4.0-h-tiny", date="2025-10-02T00:00:00.000Z"),
        hub(2, "ibm-granite/granite-4.0-h-micro", date="2025-10-02T00:00:00.000Z"),
        hub(3, "ibm-granite/granite-4.0-h-small", date="2025-10-01T00:00:00.000Z"),
        hub(4, "ibm-granite/granite-4.0-micro", date="2025-10-02T00:00:00.000Z"),
        hub(5, "ibm-granite/granite-3.3-8b-instruct", date="2025-04-16T00:00:00.000Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 6)] == ["granite-4.0"] * 4 + ["granite-3.3"]


def test_a_bare_stem_keeps_its_size_word_siblings_apart():
    rules = VendorRules(key="openai", orgs=frozenset())
    day = {"date": "2025-08-07T00:00:00Z"}
    rows = [
        catalogue(1, "openai/gpt-5") | day,
        catalogue(2, "openai/gpt-5-mini") | day,
        catalogue(3, "openai/gpt-5-nano") | day,
    ]
    assert [evidence_labels(rows, rules, {})[i][0] for i in (1, 2, 3)] == ["gpt-5", "gpt-5-mini", "gpt-5-nano"]


def test_one_name_spelt_two_ways_across_sources_is_one_release():
    rules = VendorRules(key="google", orgs=frozenset({"google"}))
    rows = [
        catalogue(1, "google/gemini-flash-1.5"),
        catalogue(2, "google/gemini-1.5-flash"),
        catalogue(3, "google/gemini-flash"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "gemini-1.5-flash" and found[3][0] == "gemini-flash"
    assert evidence_labels(rows[::-1], rules, {}) == found  # whichever source a sync read first
    liquid = VendorRules(key="liquid", orgs=frozenset({"liquidai"}))
    found = evidence_labels([catalogue(1, "liquid/lfm-2-24b-a2b"), hub(2, "LiquidAI/LFM2-1.2B")], liquid, {})
    assert found[1][0] == found[2][0] == "lfm2"


def test_a_size_word_before_the_version_is_one_launch_and_a_size_word_before_a_line_word_is_not():
    rules = VendorRules(key="ai21", orgs=frozenset({"ai21labs"}))
    rows = [
        hub(1, "ai21labs/AI21-Jamba-Mini-1.6", date="2025-03-06T00:00:00.000Z"),
        hub(2, "ai21labs/AI21-Jamba-Large-1.6", date="2025-03-06T00:00:00.000Z"),
        catalogue(3, "ai21/jamba-1.6-mini") | {"date": "2025-03-10T00:00:00Z"},
    ]
    assert {evidence_labels(rows, rules, {})[i][0] for i in (1, 2, 3)} == {"jamba-1.6"}
    microsoft = VendorRules(key="microsoft", orgs=frozenset({"microsoft"}))
    day = "2025-04-30T00:00:00.000Z"
    rows = [hub(1, "microsoft/Phi-4-reasoning", date=day), hub(2, "microsoft/Phi-4-mini-reasoning", date=day)]
    found = evidence_labels(rows, microsoft, {})
    assert [found[1][0], found[2][0]] == ["phi-4-reasoning", "phi-4-mini-reasoning"]


def test_co_release_acts_within_days_and_not_across_months():
    rules = VendorRules(key="ibm", orgs=frozenset({"ibm-granite"}))

    def families(first: str, second: str) -> list[str | None]:
        rows = [
            hub(1, "ibm-granite/granite-5.0-h-micro", date=first),
            hub(2, "ibm-granite/granite-5.0-h-small", date=second),
        ]
        found = evidence_labels(rows, rules, {})
        return [found[1][0], found[2][0]]

    apart = ["granite-5.0-micro", "granite-5.0-small"]
    assert families("2026-01-10T00:00:00.000Z", "2026-01-13T00:00:00.000Z") == ["granite-5.0"] * 2
    assert families("2026-01-10T00:00:00.000Z", "2026-04-10T00:00:00.000Z") == apart
    unknown = "2022-03-02T23:29:05.000Z"
    assert families(unknown, unknown) == apart


def test_a_publisher_name_written_before_the_line_joins_the_unprefixed_family():
    rules = VendorRules(key="acme", orgs=frozenset({"acmelabs"}))
    rows = [hub(1, "acmelabs/Acme-Widget-2-7B-Instruct"), catalogue(2, "acme/widget-2-7b")]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "widget-2"
    cerebras = VendorRules(key="cerebras", orgs=frozenset({"cerebras"}))
    found = evidence_labels([hub(1, "cerebras/Cerebras-GPT-111M"), hub(2, "cerebras/btlm-3b-8k-base")], cerebras, {})
    assert [found[1][0], found[2][0]] == ["cerebras-gpt", "btlm"]
    words = publisher_words(VendorRules(key="deepseek", orgs=frozenset({"deepseek-ai", "ai21labs", "moonshotai"})))
    assert {"deepseek", "ai21", "moonshot"} <= words and "ai" not in words


def test_versions_written_with_a_v_or_a_trailing_zero_are_one_spelling():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/granite-4.0-micro"),
        catalogue(2, "acme/granite-4-micro"),
        hub(3, "acme/nano-v2-9b"),
        catalogue(4, "acme/nano-2"),
        catalogue(5, "acme/nano-2.1"),
        catalogue(6, "acme/nova-lite-v1"),
        catalogue(7, "acme/nova-lite"),
        catalogue(8, "acme/nova-lite-v2"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "granite-4.0-micro"
    assert found[3][0] == found[4][0] == "nano-v2" and found[5][0] == "nano-2.1"
    assert found[6][0] == found[7][0] != found[8][0]


def test_a_free_listing_shares_the_weights_of_its_paid_listing():
    rules = VendorRules(key="allenai", orgs=frozenset({"allenai"}))
    rows = [
        hub(1, "allenai/Molmo-7B-D-0924", base="Qwen/Qwen2-7B"),
        hub(2, "allenai/Molmo-7B-O-0924", base="allenai/OLMo-7B-1024"),
        catalogue(3, "allenai/molmo-7b-d", weights="allenai/Molmo-7B-D-0924"),
        catalogue(4, "allenai/molmo-7b-d:free"),
    ]
    found = evidence_labels(rows, rules, {"qwen": "alibaba"})
    assert [found[i][1] for i in (1, 2, 3, 4)] == ["alibaba", None, "alibaba", "alibaba"]


def test_a_listing_without_weights_is_a_derivative_when_its_whole_release_is():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/Widget-12B-v2", base="mistralai/Mistral-Nemo-Base-2407"),
        catalogue(2, "acme/widget-12b-v2"),
        hub(3, "acme/Gadget-8B", base="meta-llama/Llama-3.1-8B"),
        hub(4, "acme/Gadget-70B"),
        catalogue(5, "acme/gadget-70b"),
    ]
    found = evidence_labels(rows, rules, {"mistralai": "mistral", "meta-llama": "meta"})
    assert [found[i][1] for i in (1, 2, 3, 4, 5)] == ["mistral", "mistral", "meta", None, None]


def test_one_date_code_across_sources_is_the_versioned_release():
    """`ministral-8b-2512` on the catalogue is the Hub's `Ministral-3-8B-Instruct-2512`; another
    line's code (`devstral-2512` beside `Devstral-Small-2-…-2512`) and other codes stay apart."""
    rules = VendorRules(key="mistral", orgs=frozenset({"mistralai"}))
    rows = [
        hub(1, "mistralai/Ministral-3-8B-Instruct-2512"),
        catalogue(2, "mistralai/ministral-8b-2512"),
        catalogue(3, "mistralai/ministral-8b-2410"),
        hub(4, "mistralai/Devstral-Small-2-24B-Instruct-2512"),
        catalogue(5, "mistralai/devstral-2512"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 6)] == [
        "ministral-3",
        "ministral-3",
        "ministral",
        "devstral-small-2",
        "devstral",
    ]


def test_decisions_the_default_overrides_leave_to_the_evidence():
    """Whisper's sizes, created the same day, are one release by co-release; the catalogue's
    `mistral-small-2603` joins the Hub repository its weights link names (`mistral-small-4`)."""
    from relwatch.config import load_config
    from relwatch.releases import vendor_rules

    rules, org_vendors = vendor_rules(load_config())
    day = "2022-09-26T00:00:00.000Z"
    whisper = [hub(i, f"openai/whisper-{size}", date=day) for i, size in enumerate(("tiny", "base", "small", "medium"))]
    found = evidence_labels(whisper, rules["openai"], org_vendors)
    assert {found[i][0] for i in range(4)} == {"whisper"}
    rows = [
        hub(1, "mistralai/Mistral-Small-4-119B-2603"),
        catalogue(2, "mistralai/mistral-small-2603", weights="mistralai/Mistral-Small-4-119B-2603"),
    ]
    found = evidence_labels(rows, rules["mistral"], org_vendors)
    assert found[1][0] == found[2][0] == "mistral-small-4"


def test_size_words_of_repositories_of_unknown_age_co_release_only_with_each_other():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    old = "2022-03-02T23:29:05.000Z"
    rows = [
        hub(1, "acme/widget-base", date=old),
        hub(2, "acme/widget-large", date="2022-03-02T23:29:04.000Z"),
        hub(3, "acme/widget-small", date=old),
        hub(4, "acme/gizmo-base", date=old),
        hub(5, "acme/gizmo-large", date="2023-05-01T00:00:00.000Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 6)] == ["widget", "widget", "widget", "gizmo", "gizmo-large"]


def test_a_brands_stem_joins_size_word_siblings_only_when_all_are_hub_repositories():
    rules = VendorRules(key="01-ai", orgs=frozenset({"01-ai"}))
    day = "2024-05-13T00:00:00Z"
    rows = [hub(1, "01-ai/Yi-34B", date=day), catalogue(2, "01-ai/yi-large") | {"date": day}]
    found = evidence_labels(rows, rules, {})
    assert [found[1][0], found[2][0]] == ["yi", "yi-large"]


def test_a_role_glued_to_a_word_joins_the_family_without_it():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/starcoder"),
        hub(2, "acme/starcoderbase-7b"),
        hub(3, "acme/AmberChat"),
        hub(4, "acme/Amber"),
        hub(5, "acme/instructcodet5p-16b"),
        hub(6, "acme/codet5p-2b"),
        hub(7, "acme/openchat-3.5"),
        hub(8, "BAAI/AquilaChat2-34B"),
        hub(9, "BAAI/Aquila2-34B"),
        hub(10, "BAAI/AquilaChat-7B"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 11)] == [
        "starcoder",
        "starcoder",
        "amber",
        "amber",
        "codet5p",
        "codet5p",
        "openchat-3.5",
        "aquila2",
        "aquila2",
        "aquilachat",
    ]


def test_code_names_listed_on_one_day_are_one_launch_but_line_words_are_not():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    day, later = {"date": "2025-04-05T00:00:00Z"}, {"date": "2025-04-06T00:00:00Z"}
    rows = [
        catalogue(1, "acme/widget-4-scout") | day,
        catalogue(2, "acme/widget-4-maverick") | day,
        catalogue(3, "acme/widget-5-pro") | day,
        catalogue(4, "acme/widget-5-flash") | day,
        catalogue(5, "acme/gizmo-2-pi") | day,
        catalogue(6, "acme/gizmo-2-productivity") | later,
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 7)] == [
        "widget-4",
        "widget-4",
        "widget-5-pro",
        "widget-5-flash",
        "gizmo-2-pi",
        "gizmo-2-productivity",
    ]


def test_a_size_the_licence_name_states_is_the_lines_name():
    rules = VendorRules(key="tii", orgs=frozenset({"tiiuae"}))
    named = {"extra": json.dumps({"licence_name": "falcon-180b-license"})}
    linked = {"licence_link": "https://huggingface.co/acme/widget-7b/blob/main/LICENSE"}
    rows = [
        hub(1, "tiiuae/falcon-7b"),
        hub(2, "tiiuae/falcon-180B", **named),
        hub(3, "tiiuae/falcon-180B-chat", **named),
        hub(4, "acme/widget-7b", **linked),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 5)] == ["falcon", "falcon-180b", "falcon-180b", "widget"]


def test_a_hub_repo_without_a_base_model_is_read_by_its_name_and_its_licence():
    """A repository whose card states no `base_model` is a derivative when its name names
    another vendor's line (`llama3-8b-cpt-…`, `-mistral-7b`), a line known to be built on
    another's model (Vicuna, LLaVA), or when its licence is another line's terms (`llama2`)."""
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/llama3-8b-cpt-widget-base", licence="llama3"),
        hub(2, "acme/gizmo-v1.6-mistral-7b"),
        hub(3, "acme/vicuna-7b-v1.5", licence="llama2"),
        hub(4, "acme/llava-v1.6-34b"),
        hub(5, "acme/leo-hessianai-7b", licence="llama2"),
        hub(6, "acme/Widget-9B", licence="gemma"),
        hub(7, "acme/mn-widget-12b"),
        hub(8, "acme/Gadget-7B"),
        hub(9, "acme/Gadget-7B-Chat", base="acme/Gadget-7B"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][1] for i in range(1, 10)] == [
        "meta", "mistral", "meta", "unknown", "meta", "google", "mistral", None, None
    ]
    qwen_terms = hub(1, "acme/Widget-72B", licence="other", extra=json.dumps({"licence_name": "qwen"}))
    assert evidence_labels([qwen_terms], rules, {})[1][1] == "alibaba"
    chained = [
        hub(1, "acme/gemma2-9b-cpt-widget-base", licence="gemma"),
        hub(2, "acme/Widget-v3-9B-IT", base="acme/gemma2-9b-cpt-widget-base"),
    ]
    assert evidence_labels(chained, rules, {})[2][1] == "google"


def test_a_permissive_licence_outweighs_a_llama_name_and_a_vendor_keeps_its_own_lines():
    """OpenLLaMA (apache-2.0, trained from scratch) is no Llama derivative: Llama's and Gemma's
    terms pass on to what is built on them. A Mistral name under apache-2.0 still says Mistral;
    Meta's own repositories under its licence are Meta's."""
    rules = VendorRules(key="openlm", orgs=frozenset({"openlm-research"}))
    rows = [hub(1, "openlm-research/open_llama_7b"), hub(2, "openlm-research/open_llama_7b_v2")]
    assert {evidence_labels(rows, rules, {})[i][1] for i in (1, 2)} == {None}
    mistral_based = [hub(1, "acme/leo-mistral-hessianai-7b")]
    assert evidence_labels(mistral_based, VendorRules(key="acme"), {})[1][1] == "mistral"
    meta = VendorRules(key="meta", orgs=frozenset({"meta-llama"}))
    assert evidence_labels([hub(1, "meta-llama/Llama-2-7b-hf", licence="llama2")], meta, {})[1][1] is None


def test_a_size_of_a_line_without_a_version_published_weeks_later_is_its_own_launch():
    """MPT-30B came 48 days after MPT-7B: `mpt-30b` beside `mpt`; the catalogue entry naming
    the 30B follows it. Sizes of one launch, a size 26 days later (Baichuan-13B), a size of a
    versioned line (Gemma 2's 2B a month later) or repositories of unknown age stay one family."""
    rules = VendorRules(key="mosaicml", orgs=frozenset({"mosaicml"}))
    rows = [
        hub(1, "mosaicml/mpt-7b", date="2023-05-05T00:00:00.000Z"),
        hub(2, "mosaicml/mpt-7b-chat", date="2023-05-05T00:00:00.000Z"),
        hub(3, "mosaicml/mpt-7b-8k", date="2023-07-18T00:00:00.000Z"),
        hub(4, "mosaicml/mpt-30b", date="2023-06-22T00:00:00.000Z"),
        hub(5, "mosaicml/mpt-30b-chat", date="2023-06-23T00:00:00.000Z"),
        catalogue(6, "mosaicml/mpt-30b-chat"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 7)] == ["mpt"] * 3 + ["mpt-30b"] * 3
    baichuan = [
        hub(1, "acme/Widget-7B", date="2023-06-15T00:00:00.000Z"),
        hub(2, "acme/Widget-13B-Chat", date="2023-07-11T00:00:00.000Z"),
    ]
    assert {evidence_labels(baichuan, rules, {})[i][0] for i in (1, 2)} == {"widget"}
    versioned = [
        hub(1, "acme/gizmo-2-9b", date="2024-06-27T00:00:00.000Z"),
        hub(2, "acme/gizmo-2-2b", date="2024-07-31T00:00:00.000Z"),
    ]
    assert {evidence_labels(versioned, rules, {})[i][0] for i in (1, 2)} == {"gizmo-2"}
    unknown = [
        hub(1, "acme/Widget-7B", date="2023-06-15T00:00:00.000Z"),
        hub(2, "acme/Widget-70B", date="2022-03-02T23:29:05.000Z"),
    ]
    assert {evidence_labels(unknown, rules, {})[i][0] for i in (1, 2)} == {"widget"}


def test_an_older_repository_without_a_size_splits_no_launch():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/Widget", date="2023-01-05T00:00:00.000Z"),
        hub(2, "acme/Widget-7B", date="2024-03-01T00:00:00.000Z"),
        hub(3, "acme/Widget-70B", date="2024-03-02T00:00:00.000Z"),
    ]
    assert {evidence_labels(rows, rules, {})[i][0] for i in (2, 3)} == {"widget"}


def test_one_launch_fine_tuned_on_several_bases_is_one_release_but_bases_months_apart_are_not():
    rules = VendorRules(key="skywork", orgs=frozenset({"skywork"}))
    rows = [
        hub(1, "Skywork/Skywork-Reward-Llama-3.1-8B", date="2024-09-05T00:00:00.000Z"),
        hub(2, "Skywork/Skywork-Reward-Gemma-2-27B", date="2024-09-06T00:00:00.000Z"),
        hub(3, "Skywork/Skywork-Critic-Llama-3.1-8B", date="2024-09-10T00:00:00.000Z"),
        hub(4, "Skywork/Skywork-Critic-Qwen2.5-7B", date="2025-01-20T00:00:00.000Z"),
        hub(5, "Skywork/Skywork-Judge-Qwen2.5-7B", date="2025-01-20T00:00:00.000Z"),
        hub(6, "Skywork/Skywork-Judge-Llama-3.1-8B"),
        hub(7, "Skywork/Skywork-Judge", date="2025-01-20T00:00:00.000Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 8)] == [
        "skywork-reward",
        "skywork-reward",
        "skywork-critic-llama-3.1",
        "skywork-critic-qwen2.5",
        "skywork-judge-qwen2.5",
        "skywork-judge-llama-3.1",
        "skywork-judge",
    ]


def test_bedrock_ids_join_the_hub_family_they_name():
    rules = VendorRules(key="meta", orgs=frozenset({"meta-llama"}))
    rows = [
        hub(1, "meta-llama/Llama-3.1-70B-Instruct"),
        catalogue(2, "meta.llama3-1-70b-instruct-v1:0"),
        catalogue(3, "meta.llama3-2-90b-instruct-v1:0"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "llama-3.1"
    assert found[3][0] != "llama-3.1"


def test_a_release_date_known_to_the_month_may_fall_on_any_day_of_it():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        catalogue(1, "acme/widget-2-mini") | {"kind": "modelsdev", "date": "2024-09"},
        hub(2, "acme/Widget-2-Large-Instruct", date="2024-09-25T00:00:00.000Z"),
        catalogue(3, "acme/widget-3-mini") | {"kind": "modelsdev", "date": "2024-07"},
        hub(4, "acme/Widget-3-Large-Instruct", date="2024-09-25T00:00:00.000Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 5)] == ["widget-2", "widget-2", "widget-3-mini", "widget-3-large"]


def test_a_language_written_in_every_checkpoint_names_the_line_and_on_some_is_a_variant():
    rules = VendorRules(key="hfl", orgs=frozenset({"hfl"}))
    rows = [
        hub(1, "hfl/llama-3-chinese-8b"),
        hub(2, "hfl/llama-3-chinese-8b-instruct"),
        hub(3, "hfl/llama-3-chinese-8b-instruct-v2"),
        hub(4, "hfl/TinyLlama_v1.1"),
        hub(5, "hfl/TinyLlama_v1.1_chinese"),
        hub(6, "hfl/Mistral-Nemo-Japanese-Instruct-2408"),
        hub(7, "hfl/DeepSeek-R1-Distill-Qwen-14B-Japanese"),
        hub(8, "hfl/jina-colbert-v1-en"),
    ]
    families = {key: family for key, (family, _) in evidence_labels(rows, rules, {}).items()}
    assert families == {
        1: "llama-3-chinese",
        2: "llama-3-chinese",
        3: "llama-3-chinese-v2",
        4: "tinyllama-v1.1",
        5: "tinyllama-v1.1",
        6: "mistral-nemo-japanese",
        7: "deepseek-r1-distill-qwen-japanese",
        8: "jina-colbert-v1",
    }


def test_a_size_word_where_a_sibling_writes_base_or_a_parameter_count_is_one_launch():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/norbert3-base"),
        hub(2, "acme/norbert3-large"),
        hub(3, "acme/open-calm-1b"),
        hub(4, "acme/open-calm-medium"),
        hub(5, "acme/widget-base", date="2024-01-01T00:00:00.000Z"),
        hub(6, "acme/widget-large", date="2024-06-01T00:00:00.000Z"),
        hub(7, "acme/mistral-small-instruct"),
    ]
    families = {key: family for key, (family, _) in evidence_labels(rows, rules, {}).items()}
    assert families == {
        1: "norbert3",
        2: "norbert3",
        3: "open-calm",
        4: "open-calm",
        5: "widget",
        6: "widget-large",
        7: "mistral-small",
    }


def test_a_v1_of_hub_repositories_alone_is_the_same_spelling_only_for_sizes_already_published():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/jais-13b"),
        hub(2, "acme/jais-30b-v1"),
        hub(3, "acme/TinyLlama-1.1B-intermediate-step-1431k-3T"),
        hub(4, "acme/TinyLlama-1.1B-Chat-v1.0"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] != found[2][0]
    assert found[3][0] == found[4][0] == "tinyllama"


def test_an_active_size_published_weeks_later_is_its_own_launch():
    rules = VendorRules(key="xverse", orgs=frozenset({"xverse"}))
    rows = [
        hub(1, "xverse/XVERSE-MoE-A4.2B", date="2024-04-01T00:00:00.000Z"),
        hub(2, "xverse/XVERSE-MoE-A4.2B-Chat", date="2024-04-02T00:00:00.000Z"),
        hub(3, "xverse/XVERSE-MoE-A36B", date="2024-09-10T00:00:00.000Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in (1, 2, 3)] == ["xverse-moe", "xverse-moe", "xverse-moe-a36b"]


def test_one_launch_on_several_base_architectures_is_one_release_but_an_architectures_own_lines_are_not():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    day = "2023-04-20T00:00:00.000Z"
    rows = [
        hub(1, "acme/LaMini-Flan-T5-77M", date=day),
        hub(2, "acme/LaMini-T5-61M", date=day),
        hub(3, "acme/LaMini-GPT-124M", date=day),
        hub(4, "acme/LaMini-Neo-125M", date=day),
        hub(5, "acme/gpt-neo-125m", date=day),
        hub(6, "acme/gpt-neox-20b", date=day),
        hub(7, "acme/japanese-gpt2-1b", date=day),
        hub(8, "acme/japanese-gpt-neox-3.6b", date=day),
        hub(9, "acme/Cerebras-GPT-111M", date=day),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 10)] == [
        "lamini",
        "lamini",
        "lamini",
        "lamini",
        "gpt-neo",
        "gpt-neox",
        "japanese-gpt2",
        "japanese-gpt-neox",
        "cerebras-gpt",
    ]


def test_a_version_glued_to_the_name_is_a_new_line_beside_one_written_after_another_size():
    rules = VendorRules(key="tele-ai", orgs=frozenset({"tele-ai"}))
    rows = [
        hub(1, "Tele-AI/TeleChat-12B-v2"),
        hub(2, "Tele-AI/TeleChat2-35B"),
        hub(3, "Tele-AI/TeleChat2-115B"),
        hub(4, "acme/widget-7b-v2"),
        hub(5, "acme/Widget2-7B"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == "telechat-v2" and found[2][0] == found[3][0] == "telechat2"
    assert found[4][0] == found[5][0]


def test_a_base_named_first_is_dropped_only_when_the_vendor_names_the_line_without_it():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/VILA1.5-3b"),
        hub(2, "acme/Llama-3-VILA1.5-8B"),
        hub(3, "acme/WhiteRabbitNeo-13B-v1"),
        hub(4, "acme/Llama-3.1-WhiteRabbitNeo-2-70B"),
        hub(5, "acme/Llama-3.1-Tulu-3-8B"),
        hub(6, "acme/llama-3-chinese-8b-instruct-v2"),
        hub(7, "acme/chinese-bert-wwm"),
    ]
    found = evidence_labels(rows, rules, {})
    assert [found[i][0] for i in range(1, 7)] == [
        "vila1.5",
        "vila1.5",
        "whiterabbitneo-v1",
        "whiterabbitneo-2",
        "llama-3.1-tulu-3",
        "llama-3-chinese-v2",
    ]


def test_language_codes_and_languages_of_one_line_are_variants():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/asr-wav2vec2-commonvoice-en"),
        hub(2, "acme/asr-wav2vec2-commonvoice-fr"),
        hub(3, "acme/sepformer-whamr"),
        hub(4, "acme/sepformer-whamr-de"),
        hub(5, "acme/MeloTTS-English"),
        hub(6, "acme/MeloTTS-Spanish"),
        hub(7, "acme/MeloTTS-English-v2"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "asr-wav2vec2-commonvoice"
    assert found[4][0] == "sepformer-whamr-de"  # no sibling writes a code: a word of the name
    assert [found[i][0] for i in (5, 6, 7)] == ["melotts", "melotts", "melotts-v2"]


def test_generation_tasks_and_letter_codes_of_one_launch_are_one_release_unless_months_apart():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    day, later = "2025-02-25T00:00:00.000Z", "2025-06-01T00:00:00.000Z"
    rows = [
        hub(1, "acme/Wan2.1-T2V-14B", date=day),
        hub(2, "acme/Wan2.1-I2V-14B-720P", date=day),
        hub(3, "acme/Wan2.1-FLF2V-14B-720P", date=later),
        hub(4, "acme/Video-2", date=day),
        hub(5, "acme/Video-2-I2V", date=later),
        hub(6, "acme/Magicoder-S-DS-6.7B", date=day),
        hub(7, "acme/Magicoder-CL-7B", date=day),
        hub(8, "acme/Solo-T2V-1B", date=day),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "wan2.1" and found[3][0] == "wan2.1-flf2v"
    assert found[4][0] == "video-2" and found[5][0] == "video-2-i2v"
    assert found[6][0] == found[7][0] == "magicoder"
    assert found[8][0] == "solo-t2v"  # a task word alone keeps its family


def test_size_words_of_hub_repositories_of_one_launch_join_without_a_stem():
    rules = VendorRules(key="acme", orgs=frozenset({"acme"}))
    rows = [
        hub(1, "acme/musicgen-small", date="2023-06-08T00:00:00.000Z"),
        hub(2, "acme/musicgen-large", date="2023-06-09T00:00:00.000Z"),
        hub(3, "acme/HiDream-I1-Full", date="2025-04-06T00:00:00.000Z"),
        hub(4, "acme/HiDream-I1-Dev", date="2025-04-06T00:00:00.000Z"),
        hub(5, "acme/HiDream-I1-Fast", date="2025-04-06T00:00:00.000Z"),
        hub(6, "acme/audiogen-small", date="2023-06-08T00:00:00.000Z"),
        hub(7, "acme/audiogen-large", date="2023-12-01T00:00:00.000Z"),
    ]
    found = evidence_labels(rows, rules, {})
    assert found[1][0] == found[2][0] == "musicgen"
    assert found[3][0] == found[4][0] == found[5][0] == "hidream-i1"
    assert found[6][0] != found[7][0]


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("PekingU/rtdetr_r18vd", "rtdetr"),
        ("PekingU/rtdetr_r101vd", "rtdetr"),
        ("PekingU/rtdetr_r50vd_coco_o365", "rtdetr"),
        ("PekingU/rtdetr_v2_r34vd", "rtdetr-v2"),
        ("deepseek-ai/DeepSeek-R1", "deepseek-r1"),  # `r1` is a line, no backbone depth
        ("shi-labs/oneformer_ade20k_swin_tiny", "oneformer"),
        ("shi-labs/oneformer_cityscapes_swin_large", "oneformer"),
        ("shi-labs/dinat-mini-in1k-224", "dinat"),
        ("vinai/PhoWhisper-medium", "phowhisper"),
        ("vinai/PhoWhisper-large", "phowhisper"),
        ("openai/whisper-small", "whisper"),
        ("openai/whisper-large-v3", "whisper-large-v3"),
        ("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "clip-vit-laion2b"),
        ("laion/CLIP-ViT-g-14-laion2B-s12B-b42K", "clip-vit-laion2b"),
        ("croissantllm/CroissantLLMBase", "croissantllm"),
        ("croissantllm/CroissantLLMChat-v0.1", "croissantllm"),
        ("openchat/openchat-3.5-0106", "openchat-3.5"),  # a role glued after a word names a line
        ("karakuri-ai/karakuri-lm-7b-apm-v0.1", "karakuri-lm-apm"),
        ("karakuri-ai/karakuri-lm-70b-chat-v0.1", "karakuri-lm"),
        ("facebook/detr-resnet-50", "detr-resnet"),
        ("facebook/detr-resnet-101", "detr-resnet"),
        ("google/vit-base-patch16-224", "vit"),
        ("google/vit-large-patch16-224-in21k", "vit"),
        ("microsoft/swin-base-patch4-window7-224", "swin"),
        ("openai/clip-vit-large-patch14-336", "clip-vit"),
        ("google/siglip-so400m-patch14-384", "siglip"),
        ("facebook/sam-vit-huge", "sam-vit"),
        ("facebook/dino-vitb16", "dino"),
        ("microsoft/beit-base-patch16-224-pt22k-ft22k", "beit"),
        ("facebook/hubert-large-ls960-ft", "hubert"),
        ("facebook/wav2vec2-large-960h-lv60-self", "wav2vec2"),
        ("openai/whisper-medium.en", "whisper"),
        ("lllyasviel/sd-controlnet-canny", "sd-controlnet"),
        ("lllyasviel/sd-controlnet-openpose", "sd-controlnet"),
        ("lllyasviel/control_v11p_sd15_canny", "control-v11"),
        ("lllyasviel/control_v11f1p_sd15_depth", "control-v11"),
        ("lllyasviel/ControlNet-v1-1", "controlnet-v1.1"),
    ],
)
def test_backbone_depths_training_sets_whisper_and_vit_sizes_are_checkpoints(name: str, family: str) -> None:
    assert family_of(name) == family
