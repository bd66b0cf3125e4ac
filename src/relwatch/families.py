"""Model names → family keys: the variants of one launch share a key, separate lines do not.

`gemma-3-27b-it`, `gemma-3-1b-pt` and `gemma-3-27b-it-qat-q4_0-gguf` are all `gemma-3`;
`gemma-3n-E4B-it` is `gemma-3n`; `Qwen3-235B-A22B-Instruct-2507` is `qwen3`, `qwen3-max` stays
`qwen3-max`. The grammar drops what varies within a launch (sizes, roles, dated snapshots,
formats and quantisations) and keeps what names a line (its name, version and qualifiers such as
pro, flash, max, turbo, coder, vl).
"""

from __future__ import annotations

import re
from functools import lru_cache

# `p` for a decimal point too: `jais-family-6p7b`, `jais-family-1p3b-chat`.
# A ResNet backbone's depth is one (`rtdetr_r18vd` to `_r101vd`), written as torchvision's depths
# 18 to 152, with the `vd`/`d` tweaks of PaddleDetection's backbones (`RESNET_DEPTHS` after
# `resnet`: `detr-resnet-50`); so is SigLIP's shape-optimised size (`siglip-so400m-patch14-384`).
# A model's deployment size is one too: `PP-OCRv5_server_det` and `PP-OCRv5_mobile_rec` are PP-OCRv5
# (the detection and recognition models after it are words of one checkpoint).
SIZE = re.compile(
    r"^(\d+(\.\d+)?[bmkt]|\d+b\d+|\d+p\d+[bm]|e\d+(\.\d+)?b|a\d+(\.\d+)?[bm]|\d+x\d+(\.\d+)?[bm]|\d+(\.\d+)?b-a\d+(\.\d+)?b|\d+k|\d+e|"
    r"patch\d+|\d+e\d+t|\d+g|xxl|xl|xxs|xs|tiny|server|mobile|r(18|34|50|101|152)v?d?|so\d+m)$"
)
# `DeepSeek-R1-Distill-Qwen-32B` is `deepseek-r1-distill`: the base it was distilled into is a variant.
AFTER_DISTILL = {"qwen", "llama"}
# Formats, quantisations and companion files of a checkpoint; the words after one are read no
# further. Also written: bits per weight (`4.0bpw`), MLC's and GGUF's codes (`q4f16_1`, `tq2_0`),
# NVIDIA's `nvfp4a16`, adapters (`qlora`, `spinquant`) and speculative-decoding heads (`eagle3`,
# `speculator`, `accelerator`); a dotted scheme after a format word is the format's
# (`-quantized.w4a16`, `QUANT_PREFIX`).
QUANT = re.compile(
    r"^(gguf|ggml|awq|gptq|exl2|mlx|onnx|mlc|bf16|(nv|mx)?fp\d+(a\d+)?|w\d+a\d+|"
    r"bnb|\d+(\.\d+)?bits?|\d+(\.\d+)?bpw|q\d([._][a-z0-9]+)*|q\d+f\d+(\.\d+)?|[it]q\d([._][a-z0-9]+)*|"
    r"qat|quantized|dynamic|lora|qlora|spinquant|eagle\d+|speculator|accelerator|"
    r"paddle|pt|hf|original|safetensors|torch|pytorch|jax|flax|tf|keras|transformers|diffusers|"
    r"dwq|unsloth|mlx\d*|litert|int\d+|nf4|hqq|aqlm|exl3|f16|f32|float16|imatrix|"
    r"openvino|ov|coreml|mnn|executorch|ct2|ctranslate2)$"
)
# Formats named after the code that reads them, only as the name's last word.
FORMAT_LAST = frozenset({"openai"})
QUANT_PREFIX = re.compile(r"^(quantized|gptq|awq|fp8|int\d+)\.")
# Roles of one launch's checkpoints, `gen` and `agent` among them (`Emu3-Gen` beside `Emu3-Chat`,
# `Athene-V2-Agent` beside `Athene-V2-Chat`), ELECTRA's two halves (`-discriminator`,
# `-generator`) and extended training data (`chinese-bert-wwm-ext`; its size in gigabytes, `-180g`,
# is a `SIZE`). An image model's output resolution (`Sana_1600M_1024px`, `_4Kpx`,
# `PixArt-XL-2-512x512`, a video's `720P`) and the stages of one pipeline (`PIPELINE_STAGES`)
# are checkpoints of one launch too, and so are the guidance-distilled and
# timestep-distilled tiers of one image or video launch (`FLUX.1-dev` beside `FLUX.1-schnell`,
# `LTX-Video-0.9.7-dev`). Its tasks (`T2V`, `I2V`) are read with the vendor's other repositories
# (`classify.tasks_of_one_launch`).
ROLE = re.compile(
    r"^(it|inst|instruct|instruction|base|chat|thinking|think|nothinking|sft|dpo|rl|ft|tuned|hf|pretrain|pretrained|cased|uncased|"
    r"preview|exp|experimental|latest|beta|alpha|release|generate|gen|agent|ext|discriminator|generator|text|mix|distilled|high|customtools|"
    r"mpo|grpo|ppo|zero|wosyn|twin|captioner|ul2|prefixlm|rlhf|nothink|rm|\d{3,4}p|\d+k?px|\d{3,4}x\d{3,4}|"
    r"dev|schnell|"
    r"step\d+|stage\d+|iter\d+|epoch\d+|ckpt\d*)$"
)
# Training datasets a vision checkpoint names after its model (`oneformer_ade20k_swin_large`,
# `rtdetr_r50vd_coco_o365`, `dinat-mini-in1k-224`): the dataset and what follows it (a backbone,
# a resolution) qualify one checkpoint, and a size word right before it is the checkpoint's size.
# Speech checkpoints name theirs the same way: LibriSpeech's 960 hours (`hubert-large-ls960-ft`,
# `wav2vec2-base-960h`), Libri-Light's 60k hours (`-lv60-self`); so do ImageNet-22k pre-training
# and fine-tuning codes (`beit-base-patch16-224-pt22k-ft22k`).
TRAINING_SETS = re.compile(
    r"^(ade|ade20k|coco|cityscapes|o365|objects365|lvis|voc|imagenet|in1k|in21k|in22k|pt22k|ft22k|ls960|lv60|\d+h)$"
)
RESNET_DEPTHS = frozenset({"18", "34", "50", "101", "152"})
# Whisper's sizes are words (tiny, base, small, medium, large: Radford et al. 2022, the
# `openai/whisper-*` repositories), and so are those of lines that fine-tune it (`PhoWhisper-medium`);
# a version after the word names a later checkpoint (`whisper-large-v3`).
WHISPER_SIZES = frozenset({"small", "medium", "large"})
# ViT's sizes (Ti, S, B, L, H from Dosovitskiy et al. 2021 and Touvron et al. 2021; g from Zhai et
# al. 2022) with their patch size, as OpenCLIP writes them (`CLIP-ViT-B-32`, `-L-14`, `-g-14`);
# OpenCLIP's training tags, samples seen and batch size (`-s34B-b79K`), qualify one checkpoint.
VIT_SIZES = frozenset({"ti", "s", "b", "l", "h", "g"})
# Written as words after `vit` (`sam-vit-huge`, `sam-vit-base`) or before a patch size
# (`vit-large-patch16-224`, `clip-vit-base-patch32`), or glued with the patch (`dino-vitb16`); the
# input resolution and Swin's window after a patch size are the checkpoint's too
# (`swin-base-patch4-window7-224`).
VIT_SIZE_WORDS = frozenset({"tiny", "small", "base", "large", "huge", "giant"})
# DiT's sizes carry their patch size the same way (Peebles and Xie 2023: `DiT-XL/2`), written
# `-XL-2` in a repository's name (`DiT-XL-2-256`, `PixArt-Sigma-XL-2-1024-MS`).
DIT_PATCHES = frozenset({"2", "4", "8"})
GLUED_VIT_SIZE = re.compile(r"^vit(ti|s|b|l|h|g)\d+$")
PATCH = re.compile(r"^patch\d+$")
AFTER_PATCH = re.compile(r"^(\d{3}|window\d+)$")
OPENCLIP_TAG = re.compile(r"^(s\d+b|b\d+k)$")
# The conditions of ControlNet checkpoints (Zhang et al. 2023; the model specification of
# lllyasviel's ControlNet 1.1: `control_v11p_sd15_canny`, `control_v11f1p_sd15_depth`) are
# checkpoints of one launch, after `controlnet` or `control` (`sd-controlnet-canny`,
# `-openpose`); so is 1.1's status code after its version (`v11p` production, `v11e`
# experimental, `v11f1p` a fix), which leaves `v11`.
CONTROL_CONDITIONS = frozenset({
    "canny", "depth", "openpose", "pose", "seg", "scribble", "softedge", "lineart", "normal", "normalbae",
    "mlsd", "hed", "inpaint", "tile", "shuffle", "ip2p",
})
CONTROL_VERSION = re.compile(r"^(v\d+)(?:f\d+)?[pe]$")
# The Stable Diffusion release a ControlNet checkpoint is trained for, after its version: `sd15`
# of `control_v11p_sd15_canny`, `sd21`, `sdxl`.
STABLE_DIFFUSION = re.compile(r"^sd(\d+|xl)$")
# Words that tell checkpoints of one launch apart when they follow a size: the pruning axis of
# `Llama-3.1-Minitron-4B-Width-Base` / `-4B-Depth-Base`, the mode of `Seed-Coder-8B-Reasoning`
# (beside `-8B-Instruct`) and `nemotron-3-nano-omni-30b-a3b-reasoning`, and multi-scale training
# after a resolution (`PixArt-Sigma-XL-2-1024-MS` beside `-2K-MS`).
AFTER_SIZE = frozenset({"width", "depth", "reasoning", "multi", "mono", "ms"})
# Any other word right after a size is a checkpoint's own qualifier too when nothing but roles,
# sizes, snapshots or formats follow it: `pythia-12b-deduped`, `Falcon-H1-1.5B-Deep-Instruct`,
# `SmolVLM2-500M-Video-Instruct`, `codegen-16B-nl`, `xgen-7b-8k-inst`. Words that name a line stay
# (`Llama-3.2-11B-Vision`, `canary-1b-flash`), a long-context model trained after the line's
# launch (`Instella-3B-Long-Instruct`, AMD's Instella-Long) and a reward model trained on the
# line (`Ziya-LLaMA-7B-Reward`), and so does a word followed by more of the name
# (`qwq-32b-arliai-rpr-v1`).
LINE_WORDS = frozenset({
    "vision", "vl", "omni", "audio", "image", "coder", "code", "math", "guard", "flash", "lite",
    "pro", "max", "plus", "turbo", "air", "next", "search", "codex", "reasoning", "distill",
    "long", "reward",
})
WORD = re.compile(r"[a-z]{2,}")
# A word with a number, as a qualifier of one checkpoint: the five languages of `occiglot-7b-eu5`.
# So is a letter with a number after a size, naming the data a checkpoint was tuned on: `-p3` of
# `bloomz-7b1-p3` and `mt0-xxl-p3` (BigScience's xP3/P3 variants); not `v2` (a version) nor `r1`
# (a line: `mag-mell-r1`).
CODED_WORD = re.compile(r"[a-z]{2,}\d+|[a-qs-uw-z]\d+")
# The stages of one pipeline after a line's name of two words or more (`kandinsky-2-2-prior` beside
# `-decoder`, `stable-cascade-prior`); right after the first word they name a model
# (`consistency-decoder`).
PIPELINE_STAGES = frozenset({"prior", "decoder"})
# The stages of a cascaded model, each released in its own sizes: DeepFloyd's `IF-I-XL-v1.0`
# (64 px), `IF-II-L-v1.0` (the upscaler) are one launch, IF v1.0. Only a letter size after the
# stage says so: a Roman numeral before a parameter count is the line's version (`HuatuoGPT-II-7B`).
CASCADE_STAGES = frozenset({"i", "ii", "iii"})
# Letter sizes of one launch (`arctic-embed-xs`, `-s`, `-m`, `-l`), after two words of the name.
LETTER_SIZES = frozenset({"xs", "s", "m", "l"})
VERSION_WORD = re.compile(r"^v\d+(\.\d+)*$")
SERIES = re.compile(r"^v\d+$")
# A base model named after the line's own version is the base of one checkpoint, a variant:
# `shisa-v2-qwen2.5-7b`, `shisa-v2-mistral-nemo-12b` and `openhermes-2.5-mistral-7b` are
# `shisa-v2` and `openhermes-2.5`; so are `llava-v1.6-vicuna-7b` and `llava-v1.6-mistral-7b`.
# Without a version before it the base is the line's name (`eva-qwen-2.5-14b`,
# `aion-rp-llama-3.1-8b`).
BASE_LINE = re.compile(r"^(llama|qwen|mistral|mixtral|gemma|phi|vicuna)\d*(\.\d+)?$")
OWN_VERSION = re.compile(r"^v?\d+(\.\d+)*$")
# So is a dotted version glued to the line's name: `Dolphin3.0-Llama3.1-8B` and
# `Dolphin3.0-Qwen2.5-3b` are `dolphin3.0` (one launch on several bases, 2025-01-05).
GLUED_OWN_VERSION = re.compile(r"^[a-z]+\d+\.\d+$")
# The language of one checkpoint of a launch: `jina-embeddings-v2-small-en`, `bge-base-en-v1.5`,
# `granite-embedding-125m-english`.
# `MeloTTS-English` and `MeloTTS-Spanish` are one launch, and `gemma-2-2b-jpn-it` is Gemma 2.
# Languages written out in full or as ISO 639-2 codes; of the two-letter codes only `en` and `zh`
# (others are words of names: `pt` is a format, `it` a role).
# A language written out is part of a line's name when every checkpoint of the line carries it
# (`llama-3-chinese-8b`, `Mistral-Nemo-Japanese-Instruct-2408`): `family_with_language` keeps it,
# and `classify.languages_of_every_checkpoint` decides. Codes are always variants.
LANGUAGE_NAMES = frozenset({
    "multilingual", "english", "chinese", "japanese", "korean", "french", "german",
    "spanish", "italian", "portuguese", "russian", "arabic", "hindi", "vietnamese", "thai",
    "indonesian", "turkish", "polish", "dutch", "swedish", "ukrainian", "czech", "greek",
})
LANGUAGES = LANGUAGE_NAMES | {
    "en", "zh", "eng", "zho", "jpn", "kor", "fra", "deu", "spa", "ita", "por", "rus", "ara", "hin", "vie", "tha",
}
# After a size word, a two-letter code is a language too: `bge-small-en`, `bge-large-zh-v1.5`,
# `jina-embeddings-v2-base-de`, `jina-reranker-v1-turbo-en` (the pair names one checkpoint of a
# launch; alone, `pt` is a format and `it` a role).
PAIRED_SIZES = frozenset({"xs", "tiny", "mini", "small", "base", "medium", "large", "xl", "xxl", "turbo"})
PAIRED_LANGUAGES = LANGUAGES | {
    "de", "es", "fr", "it", "pt", "ja", "ko", "ru", "ar", "nl",
    "sv", "no", "da", "fi", "pl", "tr", "vi", "th", "id", "hi",
}
# A role glued to the name in camel case: `TowerInstruct-7B` and `TowerBase-7B` are `tower`; after
# a language model's acronym `Chat` too (`CroissantLLMChat-v0.1` beside `CroissantLLMBase`), not
# after a word (`OpenChat` names a line).
GLUED_ROLE = re.compile(r"(?<=[a-z])(?=(?:Instruct|Base)(?:$|[-_]))|(?<=LM)(?=(?:Instruct|Base|Chat)(?:$|[-_]))")
# A role written after a dot, as the name's other parts are: `dots.llm1.base`, `dots.llm1.inst`.
DOTTED_ROLE = re.compile(r"\.(?=(?:base|inst|instruct|chat|it)(?:$|[-_]))")
# Model lines of the configured vendors that no other line's name shares, and their vendor
# (`classify` reads a derivative's base from them).
LINE_VENDORS = {
    "llama": "meta",
    "mistral": "mistral",
    "mixtral": "mistral",
    "codestral": "mistral",
    "qwen": "alibaba",
    "qwq": "alibaba",
    "deepseek": "deepseek",
    "gemma": "google",
    "phi": "microsoft",
    "glm": "zhipu",
    "kimi": "moonshot",
    "ernie": "baidu",
    "hunyuan": "tencent",
    "minimax": "minimax",
    "nemotron": "nvidia",
    "mimo": "xiaomi",
    "longcat": "meituan",
    "grok": "xai",
}
# A line's name glued in camel case to a word of the model's own: `HunyuanVideo` is
# `hunyuan-video` (`HunyuanDiT` `hunyuan-dit`).
GLUED_LINE = re.compile(rf"^(?i:{'|'.join(LINE_VENDORS)})(?=[A-Z][a-z])")
DATE_PARTS = re.compile(r"^\d{2}$")
# A four-digit snapshot is a date, YYMM (`2507`) or MMDD (`0924`, `1206`); `r1-1776` is a name.
# A year and month written with a dot are one too: `-2025.01`, `-v2024.11`.
SNAPSHOT = re.compile(
    r"^((2\d)(0[1-9]|1[0-2])|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])|00\d|\d{6}|\d{8}|v?20\d\d\.(0?[1-9]|1[0-2]))$"
)
MONTH_YEAR = re.compile(r"^(0[1-9]|1[0-2])$")  # `command-r-08-2024`: a month, then the year
# A month's name before the year, apart or glued: `-nov-2024`, `-Nov2024`, `-january2025`.
MONTH_NAME = re.compile(
    r"^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?)(?P<year>20\d\d)?$"
)
YEAR = re.compile(r"^20\d\d$")
VERSION = re.compile(r"^v?\d+\.\d+$")
# Active parameters (`A3B`, `a400m`) are a size after a total size or a line's words
# (`Qwen3-30B-A3B`, `granite-3.1-1b-a400m`, `Kimi-VL-A3B`), and a name right after the brand
# (`Hunyuan-A13B` beside `Hunyuan-7B`).
ACTIVE_SIZE = re.compile(r"^a\d+(\.\d+)?[bm]$")
# A zero-led checkpoint number is no version of the line: `c4ai-command-r-v01` is `command-r`
# (the catalogue's `cohere/command-r`), while `-v1`, `-v2`, `-v1.5` stay.
CHECKPOINT = re.compile(r"^v0\d$")
# Nor is a pre-1.0 number after a size: `Mixtral-8x22B-v0.1` and `mixtral-8x7b-instruct` are one
# line, `Codestral-22B-v0.1` is `codestral` (`mistral-7b`, whose size is its name, is an override).
PRE_RELEASE = re.compile(r"^v0\.\d+$")
# Publisher names written before the line's own name: `Meta-Llama-3.1-8B` is `llama-3.1`,
# `Tencent-Hunyuan-Large` `hunyuan-large`, `NVIDIA-Nemotron-Nano-9B-v2` `nemotron-nano-v2`,
# `c4ai-command-r-plus` `command-r-plus`, `AI21-Jamba-1.5-Mini` `jamba-1.5`.
# So is a runtime's name before the model it converts: `faster-whisper-large-v3` is Whisper
# large-v3 for CTranslate2 (the `faster-whisper` library), `hf-seamless-m4t-medium` SeamlessM4T
# for transformers. So is `mn-`, Mistral NeMo's abbreviation before a fine-tune's own name
# (`mn-inferor-12b`, `mn-mag-mell-r1`): the base has one version, so it tells no launches apart.
NOISE_PREFIXES = ("meta", "tencent", "nvidia", "c4ai", "ai21", "faster", "hf", "mn")
# Lines whose version is glued to the name on the hubs (`Qwen2.5`) but not always elsewhere (`qwen-2.5`).
GLUED_VERSIONS = {"qwen"}
BRANDS = {
    "deepseek": "DeepSeek",
    "medgemma": "MedGemma",
    "paligemma": "PaliGemma",
    "shieldgemma": "ShieldGemma",
    "minimax": "MiniMax",
    "chatglm": "ChatGLM",
    "codegemma": "CodeGemma",
    "openai": "OpenAI",
    "qwq": "QwQ",
}
UPPER = {"ernie", "glm", "vl", "gpt", "oss", "tts", "asr", "ocr", "moe", "r1", "v3", "qwq", "k2", "m1", "t5", "sam"}


# Amazon Bedrock's model ids name the publisher before a dot (`amazon.nova-pro-v1:0`,
# `meta.llama3-1-70b-instruct-v1:0`, `anthropic.claude-3-5-sonnet-20240620-v1:0`); a dot after
# any other word is part of the name (`dots.ocr`, `A.X-4.0`).
BEDROCK_PUBLISHER = re.compile(
    r"^(amazon|anthropic|meta|cohere|ai21|mistral|deepseek|qwen|openai|writer|stability|luma|twelvelabs)\.(?=[a-z])",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def family_of(name: str) -> str:
    """The family key of a model name or id (pure; namespaces and `:variant` suffixes ignored)."""
    return _family(name, keep_languages=False)


@lru_cache(maxsize=65536)
def family_with_language(name: str) -> str:
    """The family key with the languages a name writes out (`LANGUAGE_NAMES`) kept as part of the
    line's name, and the base a distillation names with them (`llama-3-chinese-8b-instruct-v2` →
    `llama-3-chinese-v2`, `DeepSeek-R1-Distill-Qwen-14B-Japanese` →
    `deepseek-r1-distill-qwen-japanese`); `family_of(name)` when it writes none. A language
    paired with a size word (`base-multilingual`) stays a variant. Pure."""
    if not writes_language(name):
        return family_of(name)
    return _family(name, keep_languages=True)


WRITTEN_LANGUAGE = re.compile(rf"(?i)(?:^|[-_\s./])(?:{'|'.join(sorted(LANGUAGE_NAMES))})(?=$|[-_\s./])")


def writes_language(name: str) -> bool:
    """Whether a name writes a language out as one of its words (`LANGUAGE_NAMES`). Pure."""
    return bool(WRITTEN_LANGUAGE.search(name))


def languages_written(name: str) -> set[str]:
    """The languages a name writes out as its words (`LANGUAGE_NAMES`), lower-case. Pure."""
    return {match.strip("-_ ./").lower() for match in WRITTEN_LANGUAGE.findall(name)}


def _family(name: str, *, keep_languages: bool) -> str:
    own = name.rsplit("/", 1)[-1].split(":", 1)[0].lstrip("~")
    glued = GLUED_LINE.match(own)
    if glued:
        own = f"{own[: glued.end()]}-{own[glued.end() :]}"
    own = own.replace("@", "-")  # `claude-3-5-sonnet@20240620`: a snapshot after an at sign
    own = BEDROCK_PUBLISHER.sub("", own)  # `amazon.nova-pro-v1:0` is `nova-pro-v1`
    base = GLUED_ROLE.sub("-", own).strip().lower()
    base = DOTTED_ROLE.sub("-", base)  # `dots.llm1.inst` is `dots.llm1`
    base = re.sub(r"\s*\([^)]*\)", "", base)  # `Claude Opus 4.7 (Fast)`, `Cobuddy (free)`
    base = re.sub(r"[\s_]+(?![a-z0-9]*_)", "-", base) if " " in base else base
    base = re.sub(r"(?<=[a-z]\d)_(?=\d+[bmk](?![a-z0-9.]))", "-", base)  # a size after a name: `T0_3B`
    base = re.sub(r"(?<=\d)_(?=\d(?![\d.]))", ".", base)  # phi-1_5 → phi-1.5, not `m2m100_1.2B`
    base = base.replace("_", "-")  # `Aquila_7B`, `gemma-3-27b-it-qat-q4_0-gguf` (`q4` ends the name anyway)
    base = re.sub(r"\.en(?=$|-)", "-en", base)  # an English-only checkpoint: `whisper-medium.en`
    base = re.sub(r"(?<=[a-z]\d)d(?=\d)", ".", base)  # internlm-xcomposer2d5 → internlm-xcomposer2.5
    tokens = [t for t in re.split(r"-+", base) if t]
    tokens = _merge_split_versions([part for token in tokens for part in _glued_v_version(token)])
    if len(tokens) > 2 and SERIES.match(tokens[0]) and WORD.fullmatch(tokens[1]) and not _variant_only(tokens[1]):
        tokens = tokens[1:]  # an architecture generation before the name: `v6-Finch-1B6` is `finch`
    tokens = _without_base_prefix(tokens)
    kept: list[str] = []
    dropped = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if kept and token == following and (len(token) <= 2 or SIZE.match(token)):
            index += 2  # encoder and decoder sizes: `t5gemma-s-s-ul2`, `-ml-ml-`, `-2b-2b-`
            dropped = True
            continue
        month = MONTH_NAME.match(token) if kept else None
        if month and (month["year"] or YEAR.match(following)):
            index += 1 if month["year"] else 2  # a snapshot by the month's name: `-nov-2024`, `-jan2025`
            dropped = True
            continue
        if kept and MONTH_YEAR.match(token) and YEAR.match(following):
            index += 2  # a month-year snapshot: `command-r7b-12-2024`
            dropped = True
            continue
        if kept and YEAR.match(token):
            index += 1  # a bare year or a year-month snapshot: `-2024`, `-2024-09`
            for _ in range(2):
                if index < len(tokens) and DATE_PARTS.match(tokens[index]):
                    index += 1
            dropped = True
            continue
        if kept and index == len(tokens) - 1 and token in FORMAT_LAST:
            break  # `distil-large-v3-openai`: the weights in the original Whisper code's format
        if kept and (QUANT.match(token) or QUANT_PREFIX.match(token)):
            break  # formats and quantisations come last: `-GPTQ-Int4`, `-litert-lm`, `-q4_0-gguf`
        if kept and DATE_PARTS.match(token) and index + 1 < len(tokens) and DATE_PARTS.match(tokens[index + 1]):
            index += 2  # a month-day snapshot: `qwen3.5-flash-02-23`; a day-month-year one: `-21-09-24`
            if index < len(tokens) and DATE_PARTS.match(tokens[index]):
                index += 1
            continue
        if kept and kept[-1] in GLUED_VERSIONS and re.fullmatch(r"\d+(\.\d+)?", token):
            kept[-1] += token
            index += 1
            continue
        if dropped and index == len(tokens) - 1 and re.fullmatch(r"[1-9]\d\d", token):
            break  # a trailing resolution or checkpoint number: `paligemma-3b-mix-224`, not `aya-101`
        if SNAPSHOT.match(token) and kept:
            index += 1
            while index < len(tokens) and DATE_PARTS.match(tokens[index]):
                index += 1  # 2024-08-06, preview-05-20
            continue
        if token == "exp" and kept and not any(c.isdigit() for c in "".join(kept)) and SNAPSHOT.match(following):
            kept += [token, following]  # `gemini-exp-1206` is its own model, not the bare brand
            index += 2
            continue
        if token in ("preview", "exp") and kept:
            index += 1
            while index < len(tokens) and DATE_PARTS.match(tokens[index]):
                index += 1
            continue
        paired = kept and token in PAIRED_SIZES and following in PAIRED_LANGUAGES
        if paired and all(_variant_or_version(word) for word in tokens[index + 2 :]):
            index += 2  # a size word and a language: one checkpoint of a launch (`bge-small-en-v1.5`)
            dropped = True
            continue
        if kept and keep_languages and token in LANGUAGE_NAMES:
            kept.append(token)
            index += 1
            continue
        sized_version = kept and SIZE.match(token) and token[0].isdigit() and re.fullmatch(r"[1-9]", following)
        if sized_version and all(_variant_only(word) for word in tokens[index + 2 :]):
            kept += [token, following]  # a sized model's own version: `sqlcoder-7b-2`, `XVERSE-65B-2`
            index += 2
            continue
        if len(kept) == 1 and ACTIVE_SIZE.match(token) and not dropped:
            kept.append(token)  # active parameters right after the brand name the line: `Hunyuan-A13B`
            index += 1
            continue
        if kept and token == "xl" and following in DIT_PATCHES:
            index += 2  # a DiT size and its patch: `PixArt-Sigma-XL-2-1024-MS`, `DiT-XL-2-256`
            dropped = True
            continue
        if kept and kept[-1] == "vit" and token in VIT_SIZES and following.isdigit():
            index += 2  # a ViT size and its patch: `CLIP-ViT-L-14`
            dropped = True
            continue
        vit_size = kept and kept[-1] == "vit" and token in VIT_SIZE_WORDS
        if vit_size or (kept and (GLUED_VIT_SIZE.match(token) or (token in VIT_SIZE_WORDS and PATCH.match(following)))):
            index += 1  # `sam-vit-huge`, `dino-vitb16`, `vit-large-patch16-224`
            dropped = True
            continue
        before = tokens[index - 1] if index else ""
        if kept and AFTER_PATCH.match(token) and (PATCH.match(before) or AFTER_PATCH.match(before)):
            index += 1  # `-patch4-window7-224`
            continue
        if kept and kept[-1] in ("resnet", "resnext") and token in RESNET_DEPTHS:
            index += 1  # `detr-resnet-50`, `detr-resnet-101`
            dropped = True
            continue
        control = kept and ("controlnet" in kept or kept[0] == "control")
        trained_for = len(kept) > 1 and kept[0] == "control" and STABLE_DIFFUSION.match(token)
        if control and (token in CONTROL_CONDITIONS or trained_for):
            index += 1  # `sd-controlnet-canny`, `control_v11p_sd15_canny`
            dropped = True
            continue
        status = CONTROL_VERSION.match(token) if kept == ["control"] else None
        if status:
            kept.append(status[1])  # `control_v11f1p` is ControlNet 1.1
            index += 1
            continue
        if kept and TRAINING_SETS.match(token):
            if len(kept) > 1 and kept[-1] in PAIRED_SIZES | SMALL_SIZE_WORDS:
                kept.pop()  # `dinat-mini-in1k-224`
            break
        whisper_size = kept and kept[-1].endswith("whisper") and token in WHISPER_SIZES
        if whisper_size and not re.match(r"v?\d", following):
            index += 1  # `PhoWhisper-medium`, `whisper-small`; not `whisper-large-v3`
            dropped = True
            continue
        if dropped and OPENCLIP_TAG.match(token):
            index += 1  # `-s34B-b79K` after a ViT size
            continue
        if len(kept) == 1 and not dropped and token in NAMED_ROLES and SIZE.match(following) and following[0].isdigit():
            kept.append(token)  # a role between a one-word name and its size names the line: `neural-chat-7b`
            index += 1
            continue
        if kept and (SIZE.match(token) or ROLE.match(token) or CHECKPOINT.match(token) or token in LANGUAGES):
            index += 1
            dropped = True
            continue
        if len(kept) > 1 and token in PIPELINE_STAGES:
            index += 1
            dropped = True
            continue
        if kept and token in CASCADE_STAGES and (following in LETTER_SIZES or following in ("xl", "xxl")):
            index += 1  # a stage of a cascade, then its size: `IF-I-XL-v1.0`, `IF-II-L-v1.0`
            dropped = True
            continue
        if kept and len(token) == 1 and token.isalpha() and (dropped or (VERSION.match(kept[-1]) and following)):
            index += 1  # a letter after a size or version: `Molmo-7B-D`, `granite-4.0-h-small`
            continue
        if len(kept) > 1 and token in LETTER_SIZES and all(_variant_or_version(w) for w in tokens[index + 1 :]):
            index += 1  # a letter size last or before a version: `snowflake-arctic-embed-m-v1.5`
            dropped = True
            continue
        if kept and kept[-1] == "distill" and token in AFTER_DISTILL and not keep_languages:
            index += 1
            continue
        if dropped and (token in AFTER_SIZE or PRE_RELEASE.match(token)):
            index += 1
            continue
        if dropped and _checkpoint_word(tokens, index, kept):
            index += 1
            continue
        if (BASE_LINE.match(token) or token in ARCHITECTURE_BASES) and _ends_in_own_version(kept):
            rest = tokens[index + 1 : index + 4]
            sized = next((n for n, word in enumerate(rest) if SIZE.match(word)), None)
            if sized is not None and BASE_LINE.match(token):
                index += sized + 2  # the base and its words up to its size
                dropped = True
                continue
            if all(_variant_only(word) or _plain_word(word) for word in tokens[index + 1 :]):
                break  # the base named last, and words of its checkpoint: `bge-reranker-v2-minicpm-layerwise`
        kept.append(token)
        index += 1
    while len(kept) > 1 and kept[0] in NOISE_PREFIXES:
        kept.pop(0)
    return "-".join(kept) or base


# A chat role written between a one-word name and its size is a word of the line's name
# (`neural-chat-7b-v3-1` is Intel's Neural Chat, `SUS-Chat-34B`); after the size it is a role
# (`Qwen-7B-Chat`). A vendor that stores the line without it (`internlm-7b` beside
# `internlm-chat-7b`) joins them (`classify.glued_roles`).
NAMED_ROLES = frozenset({"chat"})


RESOLUTION = re.compile(r"^(\d+k?px|\d{3,4}x\d{3,4})$")
# At most this many such words in a row qualify one checkpoint: `Lucie-7B-Instruct-human-data`,
# `Pharia-1-LLM-7B-control-aligned`, the tuning data of `llm-jp-13b-instruct-full-jaster-dolly-oasst-v1.0`.
CHECKPOINT_RUN = 4


def _checkpoint_word(tokens: list[str], index: int, kept: list[str]) -> bool:
    """Whether `tokens[index]` starts a run of up to `CHECKPOINT_RUN` words after a dropped size
    or size word (`mengzi-bert-base-fin`, a finance checkpoint) or an image resolution
    (`playground-v2-1024px-aesthetic`), and roles, that only qualifies one checkpoint: no line
    words, and followed by nothing but roles, sizes, snapshots or formats (`Falcon-H1-1.5B-Deep-Instruct`,
    `Teuken-7B-instruct-research-v0.4`, `Lucie-7B-Instruct-human-data`), or after a role by the
    line's version (`llm-jp-13b-instruct-full-jaster-dolly-oasst-v1.0`). The run's later words are
    read the same way in turn, as the size still precedes them. After a base line's name alone
    the words name the model (`l3.1-70b-hanami-x1`)."""
    if not kept or (len(kept) == 1 and (BASE_LINE.match(kept[0]) or ABBREVIATED_BASE.match(kept[0]))):
        return False
    run = index
    while run < len(tokens) and run - index < CHECKPOINT_RUN and _plain_word(tokens[run]):
        run += 1
    if run == index or not all(_variant_or_version(word) for word in tokens[run:]):
        return False
    start = index
    while start > 0 and tokens[start - 1] != kept[-1]:
        if not (_variant_only(tokens[start - 1]) or _plain_word(tokens[start - 1])):
            break
        start -= 1
    # words then a version, a pre-1.0 one too, right after the size name the model:
    # `QwQ-32B-ArliAI-RpR-v1`, `karakuri-lm-7b-apm-v0.1`
    versioned = not all(_variant_only(word) and not PRE_RELEASE.match(word) for word in tokens[run:])
    if versioned and not any(ROLE.match(w) for w in tokens[start:index]):
        return False
    return any(SIZE.match(word) or word in PAIRED_SIZES or RESOLUTION.match(word) for word in tokens[start:index])


def _plain_word(token: str) -> bool:
    """A word that may qualify a checkpoint: letters (or letters and a number), no line word."""
    return token not in LINE_WORDS and bool(WORD.fullmatch(token) or CODED_WORD.fullmatch(token))


def _ends_in_own_version(kept: list[str]) -> bool:
    """Whether the name kept so far ends in its own version, written apart after a name
    (`shisa-v2`, `openhermes-2.5`) or glued to it with a dot (`dolphin3.0`), not a base line's."""
    if len(kept) > 1 and OWN_VERSION.match(kept[-1]):
        return True
    return bool(kept) and bool(GLUED_OWN_VERSION.match(kept[-1])) and not BASE_LINE.match(kept[-1])


def _variant_only(token: str) -> bool:
    """A token that never names a line: a size, role, snapshot, format or checkpoint number."""
    return bool(
        SIZE.match(token)
        or ROLE.match(token)
        or QUANT.match(token)
        or SNAPSHOT.match(token)
        or DATE_PARTS.match(token)
        or CHECKPOINT.match(token)
        or PRE_RELEASE.match(token)
        or token in LANGUAGES
    )


def _variant_or_version(token: str) -> bool:
    return _variant_only(token) or bool(VERSION_WORD.match(token))


# Training words between a base named first and the model's own name: continued pre-training
# (`llama3-8b-cpt-sea-lionv2-base`).
TRAINING_WORDS = frozenset({"cpt"})


def _without_base_prefix(tokens: list[str]) -> list[str]:
    """The tokens without a base model named first with its size when the model's own name
    follows the size (`gemma2-9b-cpt-sea-lion-v3-base` → `sea-lion-v3-base`): a base line
    (`BASE_LINE`), its version if written apart, a size, then a word that is no role, size or
    format. A size followed by roles (`Llama-3.2-1B-Instruct-QLORA`) or by a word that names a
    line (`Llama-3.2-11B-Vision`) keeps the line."""
    if not tokens or not BASE_LINE.match(tokens[0]):
        return tokens
    index = 1
    if index < len(tokens) and OWN_VERSION.match(tokens[index]):
        index += 1
    while index < len(tokens) and ROLE.match(tokens[index]):
        index += 1  # the base's role before its size: `Llama-3-Instruct-8B-SimPO` is `simpo`
    if index >= len(tokens) or not SIZE.match(tokens[index]):
        return tokens
    index += 1
    while index < len(tokens) and tokens[index] in TRAINING_WORDS:
        index += 1
    rest = tokens[index:]
    if not rest or _variant_only(rest[0]) or not WORD.fullmatch(rest[0]) or rest[0] in LINE_WORDS:
        return tokens
    return rest


def without_leading_base(family: str) -> str | None:
    """The family without a base line and its version named first, when a name with its own
    version follows (`llama-3-vila1.5` → `vila1.5`, `llama-3.1-whiterabbitneo-2` →
    `whiterabbitneo-2`); None otherwise. Whether the base is dropped is the vendor's evidence
    (`classify.base_named_first`): `Llama-3.1-Tulu-3` is a line's own name. Pure."""
    words = family.split("-")
    if len(words) < 3 or not BASE_LINE.match(words[0]):
        return None
    index = 2 if OWN_VERSION.match(words[1]) else 1
    if index == 1 and not re.search(r"\d", words[0]):
        return None  # the base's version is written: `llama3`, `llama-3.1`
    return "-".join(words[index:]) if _own_versioned_name(words[index:]) else None


SMALL_SIZE_WORDS = frozenset({"mini", "nano", "micro", "lite"})


def _own_versioned_name(rest: list[str]) -> bool:
    """Whether the words after a base and its version start a name with its own version: a word of
    four letters or more with a version glued (`vila1.5`) or written next (`whiterabbitneo-2`),
    that names no line of the base (`coder`, `vl`, `guard`), no language (`llama-3-chinese-v2`) and
    is no size word (`small-3.1`)."""
    if not rest:
        return False
    word = rest[0]
    glued = GLUED_OWN_VERSION.match(word)
    name = re.match(r"[a-z]+", word)
    if not name or len(name[0]) < 4 or name[0] in LINE_WORDS | PAIRED_SIZES | LANGUAGE_NAMES | SMALL_SIZE_WORDS:
        return False
    if glued:
        return True
    return WORD.fullmatch(word) is not None and len(rest) > 1 and OWN_VERSION.match(rest[1]) is not None


# A base line's abbreviation in a fine-tune's name: Llama 2 and 3.x as `l2`, `l3.1` (`mythomax-l2`).
ABBREVIATED_BASE = re.compile(r"^l[1-4](\.\d)?$")


# Architectures named as the base of a fine-tune after the model's own name, without a version
# (`LaMini-Flan-T5-77M`, `LaMini-T5-61M`, `LaMini-GPT-124M`, `LaMini-Neo-125M`: one launch of
# MBZUAI, April 2023), and the words written before some of them (`flan-t5`, `gpt-neo`).
ARCHITECTURE_BASES = frozenset({"t5", "mt5", "gpt", "gpt2", "neo", "neox", "bloom", "opt", "pythia", "minicpm"})
ARCHITECTURE_PREFIXES = frozenset({"flan", "gpt"})


def without_trailing_base(family: str) -> str | None:
    """The family without the base line named last, with that line's version
    (`skywork-reward-llama-3.1`, `skywork-reward-gemma-2`, `remm-slerp-l2` → `skywork-reward`,
    `remm-slerp`), when at least two words of the model's own name stay; None otherwise
    (`eva-qwen2.5` keeps its base: one word alone does not name the launch). A base architecture
    without a version (`ARCHITECTURE_BASES`: `lamini-flan-t5`, `lamini-gpt` → `lamini`) leaves
    one word enough, as no version of a base tells such launches apart; an architecture's own
    names (`gpt-neo`, `gpt-neox`, `flan-t5`) are no stem and base, and a language alone names no
    launch (`japanese-gpt2` beside `japanese-gpt-neox`). Pure."""
    words = family.split("-")
    end = len(words)
    if end > 1 and words[-1] in ARCHITECTURE_BASES:
        end -= 2 if end > 2 and words[-2] in ARCHITECTURE_PREFIXES else 1
        stem = words[:end]  # not an architecture's own name (`gpt-neo`, `flan-t5`) nor a language
        return None if stem[-1] in ARCHITECTURE_BASES | ARCHITECTURE_PREFIXES | LANGUAGES else "-".join(stem)
    if end > 1 and OWN_VERSION.match(words[-1]) and BASE_LINE.match(words[-2]) and not re.search(r"\d", words[-2]):
        end -= 1  # `-llama-3.1`: the version written apart from the base's name
    if end < 2 or not (BASE_LINE.match(words[end - 1]) or ABBREVIATED_BASE.match(words[end - 1])):
        return None
    stem = words[: end - 1]
    return "-".join(stem) if len(stem) >= 2 else None


# A `v` version glued to a word of three letters or more: `sea-lionv3` is `sea-lion-v3`, as the
# same line is written `Llama-SEA-LION-v3.5` (`internvl2`, `glm-4v` have no such `v`).
GLUED_V_VERSION = re.compile(r"^([a-z]{3,})(v\d+(?:\.\d+)*)$")


def _glued_v_version(token: str) -> list[str]:
    """`lionv2.1` → [`lion`, `v2.1`]; any other token alone."""
    match = GLUED_V_VERSION.match(token)
    return [match[1], match[2]] if match else [token]


GLUED_MAJOR = re.compile(r"^(v|[a-z]{2,})\d+$")


# The tasks of one video or image launch: text-to-video, image-to-video, both, text-to-image.
GENERATION_TASK = re.compile(r"^(t2v|i2v|ti2v|t2i|i2i|v2v)$")


def without_generation_task(family: str) -> str | None:
    """The family without its generation-task words (`wan2.1-i2v` → `wan2.1`), or None when it
    writes none or nothing else. Pure."""
    words = family.split("-")
    kept = [word for word in words if not GENERATION_TASK.match(word)]
    return "-".join(kept) if kept and len(kept) < len(words) else None


def _merge_split_versions(tokens: list[str]) -> list[str]:
    """`claude-3-5-sonnet` → `claude-3.5-sonnet`: two lone digits in a row are one version, and so
    are a `v` version or a name glued to its major version and a lone digit after it
    (`neural-chat-7b-v3-1` → `v3.1`, Bedrock's `llama3-1` → `llama3.1`); a `v` written apart from
    a version split by a hyphen is glued to it (`stable-diffusion-v-1-4-original` → `v1.4`; the
    `V` of `MiniCPM-V-2_6` names the line)."""
    merged: list[str] = []
    for index, token in enumerate(tokens):
        lone = len(token) == 1 and token.isdigit()
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if merged and merged[-1] == "v" and lone and len(following) == 1 and following.isdigit():
            merged[-1] = f"v{token}"
        elif merged and lone and ((len(merged[-1]) == 1 and merged[-1].isdigit()) or GLUED_MAJOR.match(merged[-1])):
            merged[-1] = f"{merged[-1]}.{token}"
        else:
            merged.append(token)
    return merged


def display_name(family: str) -> str:
    """`gemini-2.5-pro` → `Gemini 2.5 Pro`; `ernie-4.5-vl` → `ERNIE 4.5 VL`."""
    words = []
    for token in family.split("-"):
        if token in UPPER:
            words.append(token.upper())
        elif token in BRANDS:
            words.append(BRANDS[token])
        elif token[:1].isalpha():
            words.append(token[:1].upper() + token[1:])
        else:
            words.append(token)
    return " ".join(words)


def is_model_like(family: str) -> bool:
    """Whether a key names a model line at all (a GitHub tag like `v1.2.0` does not; `o3` does)."""
    return bool(re.search(r"[a-z]", family)) and not re.fullmatch(r"v?[\d.]+(-[a-z]+)?", family)


PARAMETER_SIZE = re.compile(r"^(?:(?P<experts>\d+)x)?(?P<number>\d+(?:\.\d+)?)(?P<unit>[bmt])$")
UNITS = {"m": 10**6, "b": 10**9, "t": 10**12}


def parameters_from_name(name: str) -> int | None:
    """Total parameters that a name states (`27b`, `0.5B`, `270m`, `235B-A22B` → 235B, `8x7B` → 56B)."""
    best = None
    for token in re.split(r"[-_/:\s]+", name.lower()):
        match = PARAMETER_SIZE.match(token)
        if match:
            value = float(match["number"]) * UNITS[match["unit"]] * int(match["experts"] or 1)
            best = max(best or 0, int(value))
    return best
