"""Licence ids → how open they leave the weights. Pure lookups, no I/O.

Ids are the Hub's `license:` tag values (SPDX where one exists, the Hub's own ids for model
licences), lower-cased. `other` is resolved through the card's `license_name` and `license_link`.
"""

from __future__ import annotations

import re
from enum import StrEnum


class LicenceClass(StrEnum):
    PERMISSIVE = "permissive"  # use, modify and redistribute for any purpose
    RESTRICTED = "restricted"  # custom terms with use restrictions, or gated
    NONCOMMERCIAL = "noncommercial"  # research or non-commercial use only
    UNKNOWN = "unknown"  # no licence, or one relwatch does not recognise


PERMISSIVE = {
    "apache-2.0",
    "mit",
    "bsd",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "isc",
    "zlib",
    "unlicense",
    "cc0-1.0",
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    "mpl-2.0",
    "artistic-2.0",
    "afl-3.0",
    "ecl-2.0",
    "epl-1.0",
    "epl-2.0",
    "bsl-1.0",
    "gpl",
    "gpl-2.0",
    "gpl-3.0",
    "lgpl",
    "lgpl-2.1",
    "lgpl-3.0",
    "agpl-3.0",
    "osl-3.0",
    "eupl-1.1",
    "eupl-1.2",
    "postgresql",
    "ncsa",
    "odc-by",
    "pddl",
    "wtfpl",
    "openmdw",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "odbl",
    "cc-by-sa",
    # the rest of the Hub's own licence list (huggingface.co/docs/hub/repositories-licenses)
    "ms-pl",
    "etalab-2.0",
    "ofl-1.1",
    "lppl-1.3c",
    "cdla-sharing-1.0",
    "gfdl",
    "lgpl-lr",
    "open-mdw",
    "openmdw-1.0",
    "openmdw-1.1",
}
RESTRICTED = {
    "gemma",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "deepseek",
    "openrail",
    "openrail++",
    "bigscience-openrail-m",
    "creativeml-openrail-m",
    "bigcode-openrail-m",
    "bigscience-bloom-rail-1.0",
    "qwen",
    "tongyi-qianwen",
    "health-ai-developer-foundations",
    "cc-by-nd-4.0",
    "nvidia-open-model-license",
    "modified-mit",
    "glm-4",
    "tencent-hunyuan-community",
    "hunyuan",
    "c-uda",
    "apple-ascl",
    "jamba-open-model-license",
    "falcon-llm-license",
    "cc",  # the Hub's "Creative Commons family": which variant (NC? ND?) is not said
}
NONCOMMERCIAL = {
    "cc-by-nc-2.0",
    "cc-by-nc-3.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0",
    "cc-by-nc-nd-3.0",
    "cc-by-nc-nd-4.0",
    "mrl",
    "mnpl",
    "qwen-research",
    "apple-amlr",
    "fair-noncommercial-research-license",
    "intel-research",
    "research-only",
    "llama-research",
    "cc-by-nc",
    "deepfloyd-if-license",
    "h-research",
    "exaone",  # EXAONE AI Model License Agreement: research and non-commercial use only
    # Coqui Public Model License 1.0.0 (XTTS): "Non-Commercial Purposes" only, by its card's
    # `license_name` or its short name
    "coqui-public-model-license",
    "cpml",
}
# Fallbacks for ids not in the tables, tried in order.
PATTERNS: list[tuple[re.Pattern[str], LicenceClass]] = [
    (
        re.compile(r"(^|[-_\s])nc([-_\s]|$)|non[-_ ]?commercial|research|non[-_ ]?production"),
        LicenceClass.NONCOMMERCIAL,
    ),
    (re.compile(r"rail|llama|gemma|qwen|tongyi|deepseek|hunyuan|glm|community|custom"), LicenceClass.RESTRICTED),
]
# What a `license_link` (for `license: other`) says, tried in order against the lower-cased URL.
LINK_PATTERNS: list[tuple[re.Pattern[str], LicenceClass, str]] = [
    (
        re.compile(r"research|non[-_]?commercial|mrl|mnpl|/nc[-_]"),
        LicenceClass.NONCOMMERCIAL,
        "research or non-commercial licence",
    ),
    (re.compile(r"apache|/mit(\b|[-_.])|license-mit"), LicenceClass.PERMISSIVE, "permissive licence"),
    (re.compile(r"gemma"), LicenceClass.RESTRICTED, "Gemma terms of use"),
    (re.compile(r"llama"), LicenceClass.RESTRICTED, "Llama community licence"),
    (re.compile(r"qwen|tongyi"), LicenceClass.RESTRICTED, "Qwen licence"),
    (re.compile(r"deepseek"), LicenceClass.RESTRICTED, "DeepSeek licence"),
    (re.compile(r"hunyuan|tencent"), LicenceClass.RESTRICTED, "Tencent Hunyuan licence"),
    (re.compile(r"glm|zhipu|thudm"), LicenceClass.RESTRICTED, "GLM licence"),
    (re.compile(r"minimax|moonshot|kimi|mistral|phi|ernie|baidu"), LicenceClass.RESTRICTED, "vendor licence"),
    (re.compile(r"/license(\.md|\.txt)?$|/blob/main/license"), LicenceClass.RESTRICTED, "custom licence file"),
]
NO_LICENCE = {"", "none", "unknown", "other", "unlicensed", "proprietary"}
# Hub licence ids that are one vendor's terms for its own model line, → that vendor (the keys of
# `families.LINE_VENDORS`' values). The terms cover the line and works built on it: the Llama
# Community Licenses govern the "Llama Materials" (Meta's models and derivatives of them), the
# Gemma Terms of Use Gemma and its "Model Derivatives", the Tongyi Qianwen licences Qwen, the
# DeepSeek License DeepSeek's models, the Mistral Research and Non-Production Licenses Mistral's
# models and their "Derivatives", the Tencent Hunyuan Community License Hunyuan and its "Model
# Derivatives", the Health AI Developer Foundations terms Google's health models (MedGemma) and
# their "Model Derivatives". Weights another organisation publishes under one of them are built
# on that vendor's model.
LINE_LICENCES = {
    "llama2": "meta",
    "llama3": "meta",
    "llama3.1": "meta",
    "llama3.2": "meta",
    "llama3.3": "meta",
    "llama4": "meta",
    "gemma": "google",
    "qwen": "alibaba",
    "tongyi-qianwen": "alibaba",
    "qwen-research": "alibaba",
    "deepseek": "deepseek",
    "mrl": "mistral",
    "mnpl": "mistral",
    "tencent-hunyuan-community": "tencent",
    "hunyuan": "tencent",
    "health-ai-developer-foundations": "google",
}


# Lines whose licences pass on to everything built on them: the Llama licences ask that
# derivatives be distributed with the agreement (Llama 2 Community License §1.b.i), the Gemma
# Terms of Use that their use restrictions bind every Model Derivative (§3.1). Weights built on
# them carry no permissive licence alone.
TERMS_PASS_ON = frozenset({"llama", "gemma"})


# What a card's `license_name` adds after the licence's own id: `qwen-research-license`,
# `tongyi-qianwen-license-agreement` (rinna's Nekomata) name the `qwen-research` and
# `tongyi-qianwen` terms.
LICENCE_WORDS = re.compile(r"(?:[-_\s]+(?:licen[cs]e|agreement))+$")


def licence_line_vendor(licence: str | None) -> str | None:
    """The vendor whose model line a licence id or `license_name` is the terms of (`llama3.1` →
    `meta`, `gemma` → `google`, `qwen-research-license` → `alibaba`; `LINE_LICENCES`, after
    trailing `-license`/`-agreement` words), or None for any other licence."""
    named = (licence or "").strip().lower()
    return LINE_LICENCES.get(named) or LINE_LICENCES.get(LICENCE_WORDS.sub("", named))


def classify_licence(
    licence: str | None, *, name: str | None = None, link: str | None = None
) -> tuple[LicenceClass, str]:
    """(class, reason) for a licence id, resolving `other` through its name and link."""
    licence = (licence or "").strip().lower()
    if licence and licence not in NO_LICENCE:
        return _classify_id(licence)
    if name:
        known, reason = _classify_id(name.strip().lower())
        if known is not LicenceClass.UNKNOWN:
            return known, f"{reason} (license_name)"
    if link:
        lowered = link.lower()
        for pattern, klass, what in LINK_PATTERNS:
            if pattern.search(lowered):
                return klass, f"{what}: {link}"
    if licence == "proprietary":
        return LicenceClass.UNKNOWN, "licence 'proprietary' on published weights"
    return LicenceClass.UNKNOWN, f"licence {licence!r} not recognised" if licence else "no licence given"


def _classify_id(licence: str) -> tuple[LicenceClass, str]:
    for table, klass in (
        (PERMISSIVE, LicenceClass.PERMISSIVE),
        (RESTRICTED, LicenceClass.RESTRICTED),
        (NONCOMMERCIAL, LicenceClass.NONCOMMERCIAL),
    ):
        if licence in table:
            return klass, f"licence {licence}"
    for pattern, klass in PATTERNS:
        if pattern.search(licence):
            return klass, f"licence {licence} (by its name)"
    return LicenceClass.UNKNOWN, f"licence {licence!r} not recognised"


def contradicts_line(line: str, licence: str | None) -> bool:
    """Whether a licence rules out weights built on a model line (`llama`, `gemma`): a
    permissive licence alone on weights named after a line whose terms pass on
    (`TERMS_PASS_ON`), as OpenLLaMA's apache-2.0 on a model trained from scratch."""
    if line not in TERMS_PASS_ON or not licence:
        return False
    return _classify_id(licence.strip().lower())[0] is LicenceClass.PERMISSIVE
