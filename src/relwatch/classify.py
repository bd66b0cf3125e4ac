"""Artifacts → openness tiers with reasons, families, and releases across sources. Pure.

Release dates follow this precedence (DESIGN.md, "dates"):
1. the vendor's own announcement: the earliest changelog, feed or GitHub release entry;
2. the earliest first-party artifact: a hub repository's creation date;
3. a curated catalogue's release date (models.dev);
4. the earliest third-party listing (OpenRouter's `created`);
5. the day relwatch first saw it, unless a hub repository of the release has an unknown
   creation date (the Hub's pre-2022 placeholder): then the date stays unknown.
An announcement is preferred over a repository date because repositories are often created days
before they go public. When an earlier candidate precedes the chosen date by more than
`EARLIER_EVIDENCE_DAYS` (a changelog that only mentions a model in a later deprecation notice,
say), the earliest date wins and `date_source` says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import orjson

from relwatch.config import FamilyPattern
from relwatch.families import (
    LINE_VENDORS,
    LINE_WORDS,
    NAMED_ROLES,
    PAIRED_LANGUAGES,
    ROLE,
    SIZE,
    display_name,
    family_of,
    family_with_language,
    is_model_like,
    languages_written,
    parameters_from_name,
    without_generation_task,
    without_leading_base,
    without_trailing_base,
    writes_language,
)
from relwatch.licences import LicenceClass, classify_licence, contradicts_line, licence_line_vendor
from relwatch.models import CLOSED_TIERS, Evidence, Openness, Release

HUB_KINDS = frozenset({"huggingface", "modelscope"})
ANNOUNCING_KINDS = frozenset({"changelog", "feed", "github"})
CATALOGUE_KINDS = frozenset({"modelsdev"})
EARLIER_EVIDENCE_DAYS = 14
TIER_OF_CLASS = {
    LicenceClass.PERMISSIVE: Openness.OPEN,
    LicenceClass.RESTRICTED: Openness.OPEN_RESTRICTED,
    LicenceClass.NONCOMMERCIAL: Openness.OPEN_NONCOMMERCIAL,
    LicenceClass.UNKNOWN: Openness.OPEN_RESTRICTED,  # weights are out, but on terms we cannot vouch for
}
BASE_FAMILY_RELATIONS = frozenset({"quantized", "adapter", "merge"})


@dataclass(frozen=True, kw_only=True)
class VendorRules:
    """What classification needs to know about a vendor from the config."""

    key: str
    orgs: frozenset[str] = frozenset()  # its hub organisations, lower-case
    overrides: tuple[tuple[FamilyPattern, str], ...] = ()  # RE2, linear time


@dataclass(kw_only=True)
class ArtifactLabel:
    artifact_id: int
    family: str | None
    release_id: str | None
    tier: Openness | None
    tier_reason: str
    licence_class: LicenceClass | None
    derivative_of: str | None = None

    def as_row(self) -> tuple[Any, ...]:
        return (
            self.release_id,
            self.family,
            _s(self.tier),
            self.tier_reason,
            _s(self.licence_class),
            self.derivative_of,
        )


def artifact_tier(row: Mapping[str, Any]) -> tuple[Openness | None, LicenceClass | None, str]:
    """The access one artifact gives by itself, with the licence class and the reason."""
    kind = row["kind"]
    extra = _json(row.get("extra"), {})
    if kind in HUB_KINDS or row.get("tier_hint") == Openness.OPEN:
        klass, why = classify_licence(row.get("licence"), name=extra.get("licence_name"), link=row.get("licence_link"))
        tier = TIER_OF_CLASS[klass]
        where = f"weights on {kind}" if kind in HUB_KINDS else f"{kind} lists open weights"
        reason = f"{where}; {why}"
        if row.get("gated"):
            reason += "; gated behind an access request"
            if tier is Openness.OPEN:
                tier = Openness.OPEN_RESTRICTED
        return tier, klass, reason
    hint = row.get("tier_hint")
    if hint:
        return Openness(hint), None, f"{kind} lists it as {hint}"
    return None, None, f"{kind} says nothing about access"


def weights_evidence(row: Mapping[str, Any]) -> Evidence | None:
    """A catalogue that points at published weights (OpenRouter's `hugging_face_id`)."""
    ref = row.get("weights_ref")
    if not ref or row["kind"] in HUB_KINDS or row.get("tier_hint") == Openness.OPEN:
        return None
    return Evidence(
        tier=Openness.OPEN_RESTRICTED,
        reason=f"{row['kind']} points at weights {ref}; their licence is not known from this source",
        artifact=f"{row['kind']}:{row['external_id']}",
        url=row.get("url"),
        licence_class=LicenceClass.UNKNOWN,
    )


def family_for(row: Mapping[str, Any], rules: VendorRules) -> str | None:
    """The family a row's own name gives: an override first, then the model name an announcement
    states; a catalogue's family field only when the id gives none (models.dev's `gemini-flash`
    or `qwen` is a hint, never the key)."""
    name = row.get("external_id") or row.get("name") or ""
    overridden = _override(row, rules)
    if overridden:
        return overridden
    if row.get("family_hint") and row["kind"] not in CATALOGUE_KINDS:
        hinted = family_of(row["family_hint"])  # a changelog's or feed's own model name
        if is_model_like(hinted):
            return hinted
    relations = _json(row.get("extra"), {}).get("base_model_relations", {})
    for base in _json(row.get("base_models"), []):
        if relations.get(base) in BASE_FAMILY_RELATIONS and _org(base) in rules.orgs:
            return family_of(base)
    # feeds, changelogs and GitHub name the model in `name`; hubs and catalogues in their ids
    family = family_of(row.get("name") or name) if row["kind"] in ANNOUNCING_KINDS else family_of(name)
    if is_model_like(family):
        return _size_the_licence_names(row, name, family)
    hinted = family_of(row["family_hint"]) if row.get("family_hint") else ""
    return hinted if is_model_like(hinted) else None


def _size_the_licence_names(row: Mapping[str, Any], name: str, family: str) -> str:
    """The family with the size that the repository's own licence name states with the line kept:
    Falcon 180B's `license_name` is `falcon-180b-license`, so `falcon-180B-chat` is `falcon-180b`,
    apart from the `falcon` of the 7B and 40B launch (a licence link names its own repository,
    so links are not read). Other families are returned as they are."""
    if row["kind"] not in HUB_KINDS:
        return family
    named = str(_json(row.get("extra"), {}).get("licence_name") or "").lower()  # a link names its repo
    if not named:
        return family
    words = family.split("-")
    for token in re.split(r"[-_\s]+", str(name).rsplit("/", 1)[-1].lower()):
        if SIZE.match(token) and token not in words and f"{words[0]}-{token}" in named:
            return f"{family}-{token}"
    return family


def _override(row: Mapping[str, Any], rules: VendorRules) -> str | None:
    name = row.get("external_id") or row.get("name") or ""
    for pattern, family in rules.overrides:
        if pattern.search(name) or pattern.search(row.get("name") or ""):
            return family
    return None


def derivative_of(row: Mapping[str, Any], rules: VendorRules, org_vendors: Mapping[str, str]) -> str | None:
    """The vendor (or hub org) whose model a repository is built on, when it is not this vendor's
    (its own `base_model`, or a catalogue entry's name: `perplexity/llama-3.1-sonar-…`).
    `evidence_labels` also follows chains through the vendor's stored repositories."""
    return evidence_labels([row], rules, org_vendors)[row["id"]][1]


# Lines whose name in another vendor's catalogue id says the model is built on them, first or
# after the model's own name (`nvidia/llama-3.1-nemotron-70b-instruct`,
# `cognitivecomputations/dolphin-mixtral-8x22b`, `nousresearch/hermes-3-llama-3.1-405b`).
# The lines are those of the configured vendors whose names no other line shares
# (`families.LINE_VENDORS`).
FOREIGN_LINES = re.compile(rf"(?:^|[-_])(?P<line>{'|'.join(LINE_VENDORS)})(?=[-_.\d]|$)")
# Llama 2 and Llama 3.x as fine-tuners abbreviate them in catalogue ids: `sao10k/l3.3-euryale-70b`,
# `gryphe/mythomax-l2-13b`, `jondurbin/airoboros-l2-70b`; Mistral NeMo as `mn-`
# (`nothingiisreal/mn-celeste-12b`, `inflatebot/mn-mag-mell-r1`).
ABBREVIATED_LINES = {"llama": re.compile(r"(?:^|[-_])l[23](?:\.\d)?(?=[-_]|$)"), "mistral": re.compile(r"^mn-")}
# Lines that are themselves built on another organisation's model, as their authors publish it,
# → the vendor of that base (`UNNAMED_BASE` when their checkpoints use several): Vicuna and Alpaca
# are LLaMA fine-tunes (LMSYS, 2023-03-30; Stanford CRFM, 2023-03-13), Code Llama is Meta's;
# T0 is T5 and mT0 mT5 fine-tuned (Sanh et al. 2021; Muennighoff et al. 2022); Flan-T5 and
# Flan-UL2 are Google's instruction-tuned T5 and UL2 (Chung et al. 2022); LLaVA joins a
# vision encoder to Vicuna, Mistral or Yi (Liu et al. 2023, 2024); WizardLM, WizardCoder and
# WizardMath are Llama 2, StarCoder, Code Llama and Mistral fine-tunes (Xu et al. 2023; Luo et
# al. 2023); VILA and NVILA join a vision encoder to LLaMA 2, Llama 3, Vicuna, Yi or Qwen2 (Lin et
# al. 2024; Liu et al. 2024), moondream to Microsoft's Phi-1.5 (vikhyatk/moondream README). A
# name in a repository's own name counts only where no `base_model` is stated.
UNNAMED_BASE = "unknown"
BUILT_ON_VENDORS = {
    "vicuna": "meta",
    "alpaca": "meta",
    "codellama": "meta",
    "t0": "google",
    "mt0": "google",
    "flan": "google",
    "llava": UNNAMED_BASE,
    "wizardlm": UNNAMED_BASE,
    "wizardcoder": UNNAMED_BASE,
    "wizardmath": UNNAMED_BASE,
    "vila": UNNAMED_BASE,
    "nvila": UNNAMED_BASE,
    "moondream": "microsoft",
}
BUILT_ON_LINES = re.compile(rf"(?:^|[-_])(?P<line>{'|'.join(BUILT_ON_VENDORS)})(?=[-_.\d]|$)")
# Base lines of labs that need not be configured vendors, as fine-tuners name them, → the lab's Hub
# organisation: `bge-reranker-v2-minicpm-layerwise` is BAAI's reranker on OpenBMB's MiniCPM,
# `faster-whisper-large-v3` OpenAI's Whisper converted, `asr-wav2vec2-commonvoice-en` a recipe on
# Meta's wav2vec 2.0 (published as `facebook/wav2vec2-*`), `Ziya-BLIP2-14B-Visual-v1` built on
# Salesforce's BLIP-2, `wespeaker-voxceleb-resnet34-LM` WeNet's WeSpeaker model. Stable
# Diffusion is CompVis's (Rombach et al. 2022; `runwayml`'s v1.5 continues its v1.2), written `sd`
# (`sd-controlnet-canny`, `control_v11p_sd15_canny`) by the models built on it; SDXL is Stability
# AI's. The lab's own repositories and catalogue entries keep their lines (`tiiuae/falcon-7b`).
LAB_LINES = {
    "minicpm": "openbmb",
    "falcon": "tiiuae",
    "bloom": "bigscience",
    "pythia": "eleutherai",
    "starcoder": "bigcode",
    "olmo": "allenai",
    "internlm": "internlm",
    "baichuan": "baichuan-inc",
    "stablelm": "stabilityai",
    "whisper": "openai",
    "wav2vec2": "facebook",
    "blip": "salesforce",
    "stable-diffusion": "compvis",
    "sd": "compvis",
    "sdxl": "stabilityai",
    "wespeaker": "wenet-e2e",
    "eva02": "baai",
}
NAMED_LINES = re.compile(rf"(?:^|[-_])(?P<line>{'|'.join(LAB_LINES)})(?=[-_.\d]|$)")
# A re-publisher's name for another organisation's weights: timm names a checkpoint
# `architecture.pretrained_tag` (`resnet50.tv_in1k`, `convnext_base.fb_in22k_ft_in1k`,
# `vit_base_patch16_224.augreg2_in21k_ft_in1k`, `vit_large_patch14_clip_224.openai`), and a tag
# that starts with the weights' source (timm's model cards and `pretrained_cfgs`) says whose they
# are: torchvision's (`tv`, `tv2`), Meta's (`fb`), Google's (`goog`, AugReg `augreg`), Microsoft's
# (`ms`), NVIDIA's (`nv`), OpenAI's and LAION's (`laion2b`, `laion400m`) → the source's Hub
# organisation. timm's own trainings (`a1_in1k`, `ra_in1k`) name none. EVA-02 is BAAI's line
# (Fang et al. 2024), whatever the tag (`eva02_base_patch14_224.mim_in22k`).
PRETRAINED_TAGS = {
    "tv": "pytorch",
    "fb": "facebook",
    "goog": "google",
    "augreg": "google",
    "ms": "microsoft",
    "nv": "nvidia",
    "openai": "openai",
    "laion": "laion",
}
PRETRAINED_TAG = re.compile(rf"\.(?P<line>{'|'.join(PRETRAINED_TAGS)})(?:\d+[bm]?)?(?=_|$)")
# A line glued after a word of the model's own name is its base as well: NorMistral
# (`normistral-7b-warm`, initialised from Mistral 7B), BioMistral, KoAlpaca. Only lines of five
# letters or more (`phi` and `glm` hide inside words: `delphi`), and never Llama, whose name
# models trained from scratch take for their architecture (TinyLlama, MobileLLaMA, LiteLlama).
GLUEABLE = [line for line in (*LINE_VENDORS, *BUILT_ON_VENDORS, *LAB_LINES) if len(line) >= 5 and "llama" not in line]
GLUED_BASES = re.compile(rf"(?:^|[-_])[a-z]{{2,}}(?P<line>{'|'.join(GLUEABLE)})(?=[-_.\d]|$)")
# A name that says its weights were trained from scratch names no base by a line in it
# (`normistral-7b-scratch` beside the `-warm` checkpoints initialised from Mistral).
FROM_SCRATCH = re.compile(r"(?:^|[-_])scratch(?=[-_.\d]|$)")
# A name that says its weights are another model adapted (continued pre-training on a new
# language or domain: Jais Adapted, Llama 2 adapted to Arabic) is built on a model it need not name.
ADAPTED = re.compile(r"(?:^|[-_])adapted(?=[-_.\d]|$)")
# An add-on named first, before any line of its own (`IP-Adapter`, `ControlNet-v1-1`,
# `T2I-Adapter`), conditions a base model that it need not name: an image-prompt adapter or a
# ControlNet is trained on a frozen diffusion model (Ye et al. 2023; Zhang et al. 2023). A vendor's
# add-on for its own model names that model first (`Kolors-IP-Adapter-Plus`,
# `kandinsky-2-2-controlnet-depth`).
ADD_ON_FIRST = re.compile(r"^(?:(?:ip|t2i)[-_]?adapter|controlnet)(?=[-_.\d]|$)")
# A licence link into another organisation's Hub repository names the weights whose terms the
# repository carries: `license: other` linking
# `https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/LICENSE` is built on Llama 3. The
# repository's name is read as a base's name; an organisation without a line in it counts when
# it is a configured vendor's. A link into the repository's own organisation says nothing.
HUB_LICENCE_LINK = re.compile(
    r"https?://(?:www\.)?huggingface\.co/(?:spaces/)?(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)", re.I
)
# `open` before a line names an open reproduction of it, trained from scratch: OpenLLaMA
# (`open_llama_7b`), "a permissively licensed open source reproduction of Meta AI's LLaMA".
REPRODUCTION = "open"
# A catalogue entry that states a parameter count (`neversleep/noromaid-20b`,
# `thedrummer/rocinante-12b`) names open weights; when its publisher has no hub organisation or
# stores only fine-tunes of others' models there, is no lab with lines of its own (`LINE_VENDORS`:
# `mistralai/ministral-8b` configured from the catalogue alone is Mistral's) and the entry points
# at no weights, those weights are someone else's model fine-tuned or merged (`UNNAMED_BASE`).


def evidence_labels(
    rows: Sequence[Mapping[str, Any]], rules: VendorRules, org_vendors: Mapping[str, str]
) -> dict[Any, tuple[str | None, str | None]]:
    """Per artifact id: (family, derivative-of vendor), from the sources' evidence, then names.

    - A quantised copy (or adapter, merge) of a stored repository of the vendor joins that
      repository's release; so does a fine-tune whose own name gives no family.
    - A catalogue entry whose `weights_ref` (OpenRouter's `hugging_face_id`, models.dev's weights
      link) names a stored repository joins that repository's release.
    - A repository is a derivative when a `base_model` chain through the vendor's stored
      repositories reaches another organisation (`allenai/Llama-3.1-Tulu-3-405B` →
      `…-405B-SFT` → Meta); one that states no `base_model` (or whose chain ends in such a
      repository) when its name names another vendor's line, a line built on another's model, a
      lab's base line or a line glued to its own word (`_named_base`), unless it names an open
      reproduction (`open_llama`) under a licence the line's terms rule out, or when its licence
      or licence name is another line's terms (`licences.LINE_LICENCES`) or its licence link
      names another organisation's Hub repository (`HUB_LICENCE_LINK`), or when its name says
      it is another model adapted (`jais-adapted-7b`, `UNNAMED_BASE`) or is an add-on named before
      any line (`ADD_ON_FIRST`: `IP-Adapter`), or when its organisation is named after another's
      line (`distil-whisper/distil-large-v3`), or when its line is one of fine-tunes: another
      checkpoint writes a base before the line's name, or states no base either and carries
      another line's terms (`lines_built_on_others`); a catalogue entry when its
      weights are, when its name names another vendor's line (`l3.3-` for Llama 3.3 too), or
      when it states a parameter count while its publisher has no hub organisation or stores only
      others' fine-tunes there, has no lines of its own, and the entry points at no weights
      (`UNNAMED_BASE`).
    - A size of a line without a version published weeks after the line's first is a launch of
      its own (`sizes_launched_apart`); a size word where a sibling writes `base` or a parameter
      count is a size of that launch (`sizes_in_one_slot`); a language every row of a family
      writes out is part of its name (`languages_of_every_checkpoint`) unless the line's other
      versions write other languages.
    - A first version written after a checkpoint's size and role is that checkpoint's revision
      (`role_revisions`: `Lucie-7B-Instruct-v1.1` is `lucie`).
    - Families one name apart join: written two ways (`same_spelling`), with the publisher
      (`publisher_prefixed`) or a base and its version (`base_named_first`) written first, a role
      glued or written after the first word (`glued_roles`), a word a sibling writes after its
      size (`qualifiers_written_after_a_size`) or a language code last
      (`language_codes_of_one_model`); a versioned base named last is dropped where the vendor
      has one such launch (`base_named_last`); then the checkpoints of one launch: sizes
      (`co_released`), qualifiers of one day, bases (`bases_of_one_launch`) and generation
      tasks (`tasks_of_one_launch`).
    Pure: `rows` are one vendor's stored artifacts (`base_models`/`extra` as JSON or decoded), in any
    order: they are read in the order of their ids (`_reading_order`), so that where a rule keeps
    "the first" of several (a spelling, a claimant) the labels do not depend on which source a
    sync finished first.
    """
    rows = sorted(rows, key=_reading_order)
    hub = {str(row["external_id"]).lower(): row for row in rows if row["kind"] in HUB_KINDS}
    own_lines = rules.key in LINE_VENDORS.values()  # a lab with lines of its own (`ministral-8b`)
    fine_tuner = False
    names = {row["id"]: family_for(row, rules) for row in rows}
    # `allenai/molmo-7b-d:free` is `allenai/molmo-7b-d` served free: it shares that entry's weights
    weights = {(row["kind"], row["external_id"]): row["weights_ref"] for row in rows if row.get("weights_ref")}

    def links_of(row: Mapping[str, Any]) -> list[tuple[str, str | None, Mapping[str, Any] | None]]:
        if row["kind"] in HUB_KINDS:
            relations = _json(row.get("extra"), {}).get("base_model_relations", {})
            return [(base, relations.get(base), hub.get(base.lower())) for base in _json(row.get("base_models"), [])]
        ref = row.get("weights_ref") or weights.get((row["kind"], str(row["external_id"]).split(":", 1)[0]))
        return [(ref, "weights", hub.get(ref.lower()))] if ref else []

    links = {row["id"]: links_of(row) for row in rows}

    def linked(row: Mapping[str, Any]) -> list[tuple[str, str | None, Mapping[str, Any] | None]]:
        return links[row["id"]]

    def family(row: Mapping[str, Any], seen: frozenset[Any]) -> str | None:
        own = names[row["id"]]
        if _override(row, rules):
            return own
        for _, relation, target in linked(row):
            if target is None or target["id"] in seen:
                continue
            if relation in BASE_FAMILY_RELATIONS or relation == "weights" or own is None:
                return family(target, seen | {row["id"]})
        return own

    def named_vendor(row: Mapping[str, Any], name: str) -> tuple[str | None, str | None]:
        line, vendor = _named_base(name)
        if (line in LAB_LINES or line in PRETRAINED_TAGS) and vendor is not None:  # no base of the lab's own repos
            own = vendor in rules.orgs or vendor == _org(str(row.get("external_id") or ""))
            vendor = rules.key if own else org_vendors.get(vendor, vendor)
        return line, vendor

    def linked_licence_vendor(row: Mapping[str, Any], link: str) -> str | None:
        match = HUB_LICENCE_LINK.match(link)
        org = match["org"].lower() if match else None
        if not match or org in rules.orgs or org == _org(str(row.get("external_id") or "")):
            return None  # no Hub repository, or one of the organisation's own
        return named_vendor(row, match["repo"].lower())[1] or org_vendors.get(org or "")

    def derived(row: Mapping[str, Any], seen: frozenset[Any]) -> str | None:
        for ref, relation, target in linked(row):
            org = _org(ref)
            if relation == "weights" and target is None:
                # weights in another configured vendor's org; an org nobody configured says nothing
                other = org_vendors.get(org or "")
                if other and other != rules.key:
                    return other
            elif org and org not in rules.orgs and target is None:
                return org_vendors.get(org, org)
            if target is not None and target["id"] not in seen:
                found = derived(target, seen | {row["id"]})
                if found:
                    return found
        if row["kind"] in HUB_KINDS and linked(row) and not any(target is None for _, _, target in linked(row)):
            return None  # a hub repo whose chain is known; one built on an unstored own repo is read by name
        name = _own_name(row)
        line, vendor = named_vendor(row, name)
        if line and row["kind"] in HUB_KINDS and _reproduces(name, line) and contradicts_line(line, row.get("licence")):
            vendor = None  # an open reproduction under a licence the line's terms rule out (OpenLLaMA)
        if not vendor and row.get("licence"):
            vendor = licence_line_vendor(row["licence"])
        if not vendor and row.get("extra"):  # `license: other` named `qwen`
            vendor = licence_line_vendor(_json(row["extra"], {}).get("licence_name"))
        if not vendor and row.get("licence_link"):
            vendor = linked_licence_vendor(row, str(row["licence_link"]))
        if not vendor and (ADAPTED.search(name) or ADD_ON_FIRST.match(name)):
            vendor = UNNAMED_BASE
        if not vendor and row["kind"] in HUB_KINDS:  # an organisation named after the line it builds on
            vendor = named_vendor(row, str(_org(str(row.get("external_id") or "")) or ""))[1]
        if vendor:
            return vendor if vendor != rules.key else None
        if row["kind"] not in HUB_KINDS | ANNOUNCING_KINDS and fine_tuner and not linked(row):
            return UNNAMED_BASE if parameters_from_name(name.split(":", 1)[0]) else None
        return None

    built_on = {row["id"]: derived(row, frozenset()) for row in rows if row["kind"] in HUB_KINDS}
    # a publisher whose stored repositories are all fine-tunes of others' models (TheDrummer), or
    # one with no hub organisation at all
    stored = bool(built_on) and all(vendor is not None for vendor in built_on.values())
    fine_tuner = not own_lines and (stored or not rules.orgs)

    def built_on_or_derived(row: Mapping[str, Any]) -> str | None:
        return built_on[row["id"]] if row["id"] in built_on else derived(row, frozenset())

    found = {row["id"]: (family(row, frozenset()), built_on_or_derived(row)) for row in rows}
    for key, revised in role_revisions(rows, {key: name for key, (name, _) in found.items()}).items():
        found[key] = (revised, found[key][1])
    for key, sized in sizes_launched_apart(rows, {key: name for key, (name, _) in found.items()}).items():
        found[key] = (sized, found[key][1])
    for key, versioned in same_snapshot(rows, {key: name for key, (name, _) in found.items()}).items():
        found[key] = (versioned, found[key][1])
    for key, slotted in sizes_in_one_slot(rows, {key: name for key, (name, _) in found.items()}).items():
        found[key] = (slotted, found[key][1])
    for key, named in languages_of_every_checkpoint(rows, {key: name for key, (name, _) in found.items()}).items():
        found[key] = (named, found[key][1])
    members: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        if found[row["id"]][0]:
            members.setdefault(str(found[row["id"]][0]), []).append(row)
    renamed = (
        same_spelling(members)
        | publisher_prefixed(members, publisher_words(rules))
        | glued_roles(members)
        | qualifiers_written_after_a_size(members)
        | language_codes_of_one_model(members)
        | base_named_first(members)
        | base_named_last(members)
    )
    spelled: dict[str, list[Mapping[str, Any]]] = {}
    for name, rows_of in members.items():
        spelled.setdefault(_follow(renamed, name), []).extend(rows_of)
    launched = (
        co_released(spelled)
        | qualifiers_of_one_day(spelled, rules.key)
        | bases_of_one_launch(spelled)
        | tasks_of_one_launch(spelled)
        | codes_of_one_launch(spelled)
    )
    labelled = {
        key: (_follow(launched, _follow(renamed, name)) if name else None, vendor)
        for key, (name, vendor) in found.items()
    }
    stored_bases = {row["id"]: [target["id"] for _, _, target in linked(row) if target is not None] for row in rows}
    bases_named = {}
    for row in rows:
        own = _own_name(row)
        line, vendor = named_vendor(row, own)
        if row["kind"] in HUB_KINDS and line and vendor and vendor != rules.key and _first(own, line):
            bases_named[row["id"]] = line
    lines = LineEvidence(names=names, bases_named=bases_named, stored_bases=stored_bases)
    return listings_follow_their_weights(rows, lines_built_on_others(rows, labelled, lines))


def _named_base(name: str) -> tuple[str | None, str | None]:
    """(line, vendor) of the model a lower-cased model name says it is built on: a re-publisher's
    tag naming the weights' source (`PRETRAINED_TAG`: `resnet50.tv_in1k`, Hub organisation
    `pytorch`), else another vendor's line in it (`FOREIGN_LINES`, `ABBREVIATED_LINES`: `l3.3-`
    is `llama`), else a line known to be built on another's model (`BUILT_ON_LINES`: `vicuna`,
    vendor `meta`), else a lab's base line (`LAB_LINES`: `minicpm`, its Hub organisation
    `openbmb`), else a line glued after a word of the model's own (`GLUED_BASES`: `normistral`);
    (None, None) when the name says none of these or says the weights were trained from scratch
    (`FROM_SCRATCH`)."""
    if FROM_SCRATCH.search(name):
        return None, None
    tagged = PRETRAINED_TAG.search(name)
    if tagged:
        return tagged["line"], PRETRAINED_TAGS[tagged["line"]]
    match = FOREIGN_LINES.search(name)
    if match:
        return match["line"], LINE_VENDORS[match["line"]]
    for line, pattern in ABBREVIATED_LINES.items():
        if pattern.search(name):
            return line, LINE_VENDORS[line]
    built = BUILT_ON_LINES.search(name)
    if built:
        return built["line"], BUILT_ON_VENDORS[built["line"]]
    named = NAMED_LINES.search(name)
    if named:
        return named["line"], LAB_LINES[named["line"]]
    glued = GLUED_BASES.search(name)
    if glued:
        line = glued["line"]
        return line, LINE_VENDORS.get(line) or BUILT_ON_VENDORS.get(line) or LAB_LINES[line]
    return None, None


def _reproduces(name: str, line: str) -> bool:
    """Whether a lower-cased name calls itself an open reproduction of `line` (`REPRODUCTION`
    right before it: `open_llama_7b`, `open-llama-3b`)."""
    return re.search(rf"(?:^|[-_]){REPRODUCTION}[-_]?{re.escape(line)}(?=[-_.\d]|$)", name) is not None


# A first version: `1`, `v1.0`, `v1.1`.
FIRST_VERSION = re.compile(r"^v?1(\.\d+)*$")


def role_revisions(rows: Sequence[Mapping[str, Any]], families: Mapping[Any, str | None]) -> dict[Any, str]:
    """Rows of a family ending in a first version (`1.0`, `v1.1`: a checkpoint without one is the
    first) that every row writes right after a size and a role (`Lucie-7B-Instruct-v1.1`,
    `Minerva-1B-base-v1.0`) → the family without it: the version is a revision of that
    checkpoint, not the line's (`lucie` beside `Lucie-7B-Instruct`, `minerva`). A second version
    is a new one (`llama-3-chinese-8b-instruct-v2`), a version that a row writes after the size
    alone is the line's (`jais-30b-v1` beside `jais-30b-chat-v1`), and so is one of several
    versions of one stem (`jais-30b-chat-v1` beside `-chat-v3`). Pure: `families` is the family
    per row id; the result holds only the rows that move."""
    versioned: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        family = families.get(row["id"])
        if family and "-" in family and VERSION_TOKEN.match(family.rsplit("-", 1)[1]):
            versioned.setdefault(family, []).append(row)
    stems: dict[str, set[str]] = {}
    for family in versioned:
        stems.setdefault(family.rsplit("-", 1)[0], set()).add(family)
    moved: dict[Any, str] = {}
    for family, members in versioned.items():
        stem, version = family.rsplit("-", 1)
        if not FIRST_VERSION.match(version) or len(stems[stem]) > 1:
            continue
        if all(_version_after_role(row, version) for row in members):
            moved |= {row["id"]: stem for row in members}
    return moved


def _version_after_role(row: Mapping[str, Any], version: str) -> bool:
    """Whether a row's id writes `version` (`v1.1`, `1.0`) right after roles that follow a size
    (`-7B-Instruct-v1.1`, `-1B-base-v1.0`)."""
    tokens = _name_tokens(row)
    bare = version.removeprefix("v")
    for index, token in enumerate(tokens):
        if token.removeprefix("v") != bare or not token[-1:].isdigit():
            continue
        start = index
        while start > 0 and ROLE.match(tokens[start - 1]):
            start -= 1
        return start < index and start > 0 and bool(SIZE.match(tokens[start - 1]))
    return False


# A size of a line without a version first published more than this many days after the line's
# first repository is a launch of its own: MPT-30B (2023-06-22) came 48 days after MPT-7B,
# Falcon 180B four months after Falcon 7B and 40B, EuroLLM-9B three months after EuroLLM-1.7B;
# Baichuan-13B, 26 days after Baichuan-7B, is the same line. Five weeks sits between the two, with
# room for repositories of one launch created some days apart before it went public.
SEPARATE_LAUNCH_DAYS = 35
# Active parameters count when no total is written: `XVERSE-MoE-A36B` beside `-A4.2B`.
STATED_SIZE = re.compile(r"(?:^|[-_:\s])(a?(?:\d+x)?\d+(?:\.\d+)?[bmt])(?=$|[-_:\s])")


def sizes_launched_apart(rows: Sequence[Mapping[str, Any]], families: Mapping[Any, str | None]) -> dict[Any, str]:
    """Rows of a family without a version whose stated size was first published more than
    `SEPARATE_LAUNCH_DAYS` after the family's first sized hub repository → the family with that
    size (`mpt-30b` beside `mpt`, `eurollm-22b` beside `eurollm`). Only hub repositories of known
    creation date that state a size date one (an older repository without a size, a tokenizer or
    a demo, moves nothing); a catalogue entry stating a moved size moves with it, and a family
    with a version (`gemma-2`, whose 2B came a month after 9B and 27B) never splits. Pure:
    `families` is the family per row id; the result holds only the rows that move."""
    lines = {family for family in set(families.values()) if family and not any(c.isdigit() for c in family)}
    unversioned = {row["id"]: family for row in rows if (family := families.get(row["id"])) in lines}
    sizes = {row["id"]: _stated_size(row) for row in rows if row["id"] in unversioned}
    first: dict[tuple[str, str], date] = {}
    for row in rows:
        family, size, known = unversioned.get(row["id"]), sizes.get(row["id"]), _known_date(row)
        if family and size and known and row["kind"] in HUB_KINDS:
            first[(family, size)] = min(first.get((family, size), _as_date(known)), _as_date(known))
    starts: dict[str, date] = {}
    for (line, _), day in first.items():
        starts[line] = min(starts.get(line, day), day)
    moved: dict[Any, str] = {}
    for row in rows:
        family, size = unversioned.get(row["id"]), sizes.get(row["id"])
        sized = first.get((family, size)) if family and size else None
        if family and sized and (sized - starts[family]).days > SEPARATE_LAUNCH_DAYS:
            moved[row["id"]] = f"{family}-{size}"
    return moved


def _stated_size(row: Mapping[str, Any]) -> str | None:
    """The first parameter count a row's id states (`MPT-30B-Chat` → `30b`, `8x22B`, `A36B`), lower-case."""
    match = STATED_SIZE.search(str(row.get("external_id") or "").rsplit("/", 1)[-1].lower())
    return match[1] if match else None


# A four-digit date code in an id: YYMM (`ministral-8b-2512`) or MMDD (`deepseek-r1-0528`).
SNAPSHOT_CODE = re.compile(
    r"(?:^|[-_])((?:2[2-9])(?:0[1-9]|1[0-2])|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?=[-_:]|$)"
)
VERSION_TOKEN = re.compile(r"^v?\d+(\.\d+)*$")


def same_snapshot(rows: Sequence[Mapping[str, Any]], families: Mapping[Any, str | None]) -> dict[Any, str]:
    """Rows whose family lacks the version that a sibling of the vendor states beside the same
    date code → the sibling's family: `mistralai/ministral-8b-2512` on the catalogue is
    `Ministral-3-8B-Instruct-2512` on the Hub, `ministral-3`. The sibling's family without its
    version words must be the row's own family (`devstral-2512` does not join
    `devstral-small-2-…-2512`), and one versioned family only may claim the code. Pure:
    `families` is the family per row id; the result holds only the rows that move."""
    versioned: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        family = families.get(row["id"])
        code = _snapshot_code(row)
        if family and code:
            words = family.split("-")
            bare = [word for word in words if not VERSION_TOKEN.match(word)]
            if len(bare) < len(words) and bare:
                versioned.setdefault(("-".join(bare), code), set()).add(family)
    moved: dict[Any, str] = {}
    for row in rows:
        family = families.get(row["id"])
        code = _snapshot_code(row)
        claimants = versioned.get((family, code), set()) if family and code else set()
        if len(claimants) == 1:
            moved[row["id"]] = next(iter(claimants))
    return moved


# Size words that a repository writes where its sibling writes `base` or a parameter count.
SLOT_SIZE_WORDS = frozenset({"small", "medium", "large"})
PARAMETER_COUNT = re.compile(r"^\d+(\.\d+)?[bm]$")
SLOT_SIZE_WORD = re.compile(rf"(?i)[-_/](?:{'|'.join(sorted(SLOT_SIZE_WORDS))})(?=$|[-_])")


def sizes_in_one_slot(rows: Sequence[Mapping[str, Any]], families: Mapping[Any, str | None]) -> dict[Any, str]:
    """Families of hub repositories whose name is a sibling's with a size word (`small`,
    `medium`, `large`) where the sibling writes `base` or a parameter count → the sibling's family:
    the sizes of one launch (`norbert3-small`/`-large` beside `norbert3-base`,
    `chinese-macbert-large` beside `-base`, `open-calm-small` beside `open-calm-1b`). Siblings
    whose repositories are both dated more than `SEPARATE_LAUNCH_DAYS` apart stay apart, and a
    family that two siblings claim moves nowhere. Pure: `families` is the family per row id; the
    result holds only the rows that move."""
    hub = [row for row in rows if row["kind"] in HUB_KINDS and families.get(row["id"])]
    if not any(SLOT_SIZE_WORD.search(str(row["external_id"])) for row in hub):
        return {}
    anchors: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Mapping[str, Any]]] = {}
    slotted: list[tuple[Mapping[str, Any], tuple[tuple[str, ...], tuple[str, ...]]]] = []
    for row in hub:
        tokens = _name_tokens(row)
        for index, token in enumerate(tokens):
            key = (tuple(tokens[:index]), tuple(tokens[index + 1 :]))
            if token == "base" or PARAMETER_COUNT.match(token):
                anchors.setdefault(key, []).append(row)
            elif token in SLOT_SIZE_WORDS:
                slotted.append((row, key))
    claims: dict[str, set[str]] = {}
    for row, key in slotted:
        own = str(families[row["id"]])
        for anchor in anchors.get(key, []):
            target = str(families[anchor["id"]])
            if target != own and not _dated_apart(row, anchor, SEPARATE_LAUNCH_DAYS):
                claims.setdefault(own, set()).add(target)
    moved_families = {own: next(iter(targets)) for own, targets in claims.items() if len(targets) == 1}
    return {
        row["id"]: moved_families[family]
        for row in rows
        if (family := families.get(row["id"])) and family in moved_families
    }


def _dated_apart(row: Mapping[str, Any], other: Mapping[str, Any], days: int) -> bool:
    """Whether two rows are surely created more than `days` apart: both dated, or one a hub
    repository of unknown age (older than the Hub's placeholder day) and the other dated later."""
    bounds = [_date_bounds(row), _date_bounds(other)]
    if None in bounds:
        return False
    (first_start, first_end), (second_start, second_end) = [bound for bound in bounds if bound]
    gaps = [(start - end).days for start, end in ((second_start, first_end), (first_start, second_end)) if start]
    return any(gap > days for gap in gaps)


def _date_bounds(row: Mapping[str, Any]) -> tuple[date | None, date] | None:
    """(earliest, latest) day a row may have been created: its known date twice; for a hub
    repository of unknown age, no lower bound and the placeholder's day; None when undated."""
    known = _known_date(row)
    if known:
        return _as_date(known), _as_date(known)
    if _unknown_age(row):
        return None, _as_date(HUB_UNKNOWN_CREATED[0][:10])
    return None


def languages_of_every_checkpoint(
    rows: Sequence[Mapping[str, Any]], families: Mapping[Any, str | None]
) -> dict[Any, str]:
    """Rows of a family whose every row writes out one language in its name → the family with
    that language as part of the line's name (`families.family_with_language`): hfl's
    `llama-3-chinese-8b` and `-8b-instruct` are `llama-3-chinese`, CyberAgent's
    `Mistral-Nemo-Japanese-Instruct-2408` is `mistral-nemo-japanese`; a language on some rows only
    is a variant (`TinyLlama_v1.1_chinese` beside `TinyLlama_v1.1`, `MeloTTS-Spanish` beside
    `-English`), and so is one on every row of a family when the line's other versions are
    written in other languages (`MeloTTS-English-v2` beside `MeloTTS-Spanish`). Only families the
    grammar gave every row move. Pure: `families` is the family
    per row id; the result holds only the rows that move."""
    names = {row["id"]: str(row.get("external_id") or row.get("name") or "") for row in rows}
    writing = [row for row in rows if writes_language(names[row["id"]])]
    written: dict[str, set[str]] = {}
    for row in writing:
        family = families.get(row["id"])
        if family:
            written.setdefault(_unversioned(family), set()).update(languages_written(names[row["id"]]))
    candidates = {
        family
        for row in writing
        if (family := families.get(row["id"])) and len(written.get(_unversioned(family), ())) < 2
    }
    named: dict[str, set[str | None]] = {}
    for row in rows:
        family = families.get(row["id"])
        if family and family in candidates:
            name = names[row["id"]]
            with_language = family_with_language(name) if family_of(name) == family else None
            named.setdefault(family, set()).add(with_language)
    moved: dict[Any, str] = {}
    for row in rows:
        family = families.get(row["id"])
        spellings = named.get(family, set()) if family else set()
        if len(spellings) == 1 and None not in spellings and family not in spellings:
            moved[row["id"]] = str(next(iter(spellings)))
    return moved


def _unversioned(family: str) -> str:
    """A family without its version words (`melotts-v2` → `melotts`)."""
    return "-".join(word for word in family.split("-") if not VERSION_TOKEN.match(word)) or family


def _snapshot_code(row: Mapping[str, Any]) -> str | None:
    match = SNAPSHOT_CODE.search(str(row.get("external_id") or "").rsplit("/", 1)[-1].lower())
    return match[1] if match else None


@dataclass(frozen=True, kw_only=True)
class LineEvidence:
    """What `lines_built_on_others` reads beside the labels, per artifact id: the family its own
    name gives (`names`), the base line its name names when that is another's (`bases_named`:
    `llama` for `llama-3-sqlcoder-8b`), the ids of the vendor's stored artifacts its base models
    or weights link name (`stored_bases`)."""

    names: Mapping[Any, str | None]
    bases_named: Mapping[Any, str]
    stored_bases: Mapping[Any, Sequence[Any]]


def lines_built_on_others(
    rows: Sequence[Mapping[str, Any]], labelled: Mapping[Any, tuple[str | None, str | None]], evidence: LineEvidence
) -> dict[Any, tuple[str | None, str | None]]:
    """A hub repository that states no base model and whose name names none is built on another's
    model (`UNNAMED_BASE`) when its line is shown to be a line of fine-tunes, whichever base each
    size took, by another of its repositories:
    - one whose name writes another's base before the line's own name: `llama-3-sqlcoder-8b`
      (SQLCoder on Llama 3) beside `sqlcoder-7b` (Mistral) and `-34b-alpha` (Code Llama). A base
      written after a name marks that line's checkpoint on that base, and the vendor may train
      the line's others itself (`gte-Qwen2-7B-instruct` beside the own `gte-multilingual-base`,
      `bge-multilingual-gemma2` beside `bge-small-en`);
    - one that states no base and names none either but carries another line's terms (licence,
      licence name or link): `karakuri-lm-70b-chat-v0.1` under `llama2` beside
      `karakuri-lm-8x7b-chat-v0.1` (Mixtral) under `apache-2.0`, `Smaug-72B-v0.1` under Qwen's
      terms beside `Smaug-34B-v0.1` (Yi's). A permissive licence does not say otherwise.
    The line is the family a repository's own name gives, without its sizes (`_line`), whatever
    release it joins; versions stay apart, since a line's next version can leave its own weights for
    another's (Jina embeddings v2, then v3 on XLM-R; `Llama-3-SEA-LION-v3.5` beside the own
    `sea-lion-7b`). A stated `base_model` speaks for its repository alone: a line's checkpoints
    that state none beside one that does are the vendor's own (`Molmo-7B-O` beside Qwen2's
    `Molmo-7B-D`, `K2` beside Qwen2.5's `K2-Think`). A repository whose name names a base, the
    vendor's own lines included, or says `scratch` or `adapted`, is read by its name alone.
    Copies and catalogue entries whose stated base or weights link is a repository so found
    follow it.
    Pure: (family, derivative-of) per artifact id in, the same out."""

    unstated = {
        row["id"]
        for row in rows
        if row["kind"] in HUB_KINDS and not _json(row.get("base_models"), []) and not _names_its_base(row)
    }
    lines = {key: _line(family) for key, family in evidence.names.items() if family}
    fine_tuned = {lines[key] for key in unstated if labelled[key][1] and key in lines}
    fine_tuned |= {_line(_without_base(lines[key], base)) for key, base in evidence.bases_named.items() if key in lines}
    result = dict(labelled)
    for key in unstated:
        family, vendor = labelled[key]
        if family and not vendor and lines.get(key) in fine_tuned:
            result[key] = (family, UNNAMED_BASE)
    followed = True
    while followed:
        followed = False
        for row in rows:
            family, vendor = result[row["id"]]
            if not vendor and any(
                result[base][1] for base in evidence.stored_bases.get(row["id"], ()) if base in result
            ):
                result[row["id"]] = (family, UNNAMED_BASE)
                followed = True
    return result


def _own_name(row: Mapping[str, Any]) -> str:
    """An artifact's own model name, lower-cased, without its organisation."""
    return str(row.get("external_id") or row.get("name") or "").rsplit("/", 1)[-1].lower()


def _name_tokens(row: Mapping[str, Any]) -> list[str]:
    """An artifact's own model name split at dashes and underscores (`Lucie-7B-Instruct-v1.1` →
    `lucie`, `7b`, `instruct`, `v1.1`)."""
    return re.split(r"[-_]+", _own_name(row))


def _names_its_base(row: Mapping[str, Any]) -> bool:
    """Whether a repository's own name settles its base: it names a line (`_named_base`, the
    vendor's own lines included), says `scratch` or `adapted`, or is an add-on's (`ADD_ON_FIRST`)."""
    name = _own_name(row)
    return bool(_named_base(name)[0] or FROM_SCRATCH.search(name) or ADAPTED.search(name) or ADD_ON_FIRST.match(name))


def _first(name: str, line: str) -> bool:
    """Whether a lower-cased name starts with a base line (`llama-3-sqlcoder-8b`, `l3.3-…`)."""
    abbreviated = ABBREVIATED_LINES.get(line)
    return name.startswith(line) or bool(abbreviated and abbreviated.match(name))


def _without_base(family: str, line: str) -> str:
    """A family without a base line written first in it and the version after that line
    (`llama-3-sqlcoder` → `sqlcoder`, `llama3.1-maal` → `maal`, `l3.3-euryale` → `euryale`)."""
    words = family.split("-")
    if len(words) > 1 and _first(family, line):
        words = words[2:] if len(words) > 2 and VERSION_TOKEN.match(words[1]) else words[1:]
    return "-".join(words)


def _line(family: str) -> str:
    """A family without its size words (`karakuri-lm-8x7b` → `karakuri-lm`)."""
    return "-".join(word for word in family.split("-") if not SIZE.match(word)) or family


def listings_follow_their_weights(
    rows: Sequence[Mapping[str, Any]], labelled: Mapping[Any, tuple[str | None, str | None]]
) -> dict[Any, tuple[str | None, str | None]]:
    """A catalogue entry that points at no weights is a derivative of the vendor whose model the
    rest of its release is built on, when every hub repository and weights-linked entry of that
    release says so (`allenai/molmo-7b-d:free` beside `allenai/Molmo-7B-D-0924`, built on Qwen2).
    Pure: (family, derivative-of) per artifact id in, the same out."""
    evidence: dict[str, set[str | None]] = {}
    for row in rows:
        family, vendor = labelled[row["id"]]
        if family and (row["kind"] in HUB_KINDS or row.get("weights_ref")):
            evidence.setdefault(family, set()).add(vendor)
    result = dict(labelled)
    for row in rows:
        family, vendor = labelled[row["id"]]
        if vendor or not family or row["kind"] in HUB_KINDS | ANNOUNCING_KINDS or row.get("weights_ref"):
            continue
        bases = evidence.get(family, set())
        if len(bases) == 1 and None not in bases:
            result[row["id"]] = (family, next(iter(bases)))
    return result


def _follow(renamed: Mapping[str, str], family: str) -> str:
    """Where a chain of renames ends (`nvidia-nemotron-nano-v2` → `nemotron-nano-v2` → …)."""
    seen = {family}
    while family in renamed and renamed[family] not in seen:
        family = renamed[family]
        seen.add(family)
    return family


# Endings of a hub organisation's name that are no part of the publisher's own name:
# `ai21labs` → `ai21`, `moonshotai` → `moonshot`, `stepfun-ai` → `stepfun`.
ORG_ENDINGS = re.compile(r"(labs?|ai|research|corp|org|inc|team|hf)$")


def publisher_words(rules: VendorRules) -> frozenset[str]:
    """Words that name the publisher rather than the model: the vendor key, its hub organisations
    and their parts, with and without `labs`/`ai`-like endings (`AI21-Jamba-1.5-Mini` in
    `ai21labs`, `NVIDIA-Nemotron-…` in `nvidia`). Pure."""
    words = {rules.key.lower()}
    for org in rules.orgs:
        for part in {org, *re.split(r"[-_]", org)}:
            words |= {part, ORG_ENDINGS.sub("", part).rstrip("-_")}
    return frozenset(word for word in words if len(word) >= 2 and not ORG_ENDINGS.fullmatch(word))


def publisher_prefixed(members: Mapping[str, Sequence[Mapping[str, Any]]], words: frozenset[str]) -> dict[str, str]:
    """Families that are another family of the vendor with the publisher's name written first
    (`nvidia-nemotron-nano-v2` on the Hub, `nemotron-nano-v2` on the catalogue) → the shorter
    one. Only a family that exists without the prefix is renamed, so `cerebras-gpt` stays. Pure."""
    merged: dict[str, str] = {}
    for family in members:
        first, _, rest = family.partition("-")
        if rest and first in words and rest in members:
            merged[family] = rest
    return merged


def base_named_first(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that name a base line and its version before a name with its own version
    (`families.without_leading_base`) → that name, when the vendor's other families name the
    same line without the base: `llama-3-vila1.5` beside `vila1.5`, `llama-3.1-whiterabbitneo-2`
    beside `whiterabbitneo-v1`. A vendor whose line is only ever named after its base keeps the
    whole name (`llama-3.1-tulu-3`). Pure."""
    firsts = {re.sub(r"[\d.]+$", "", family.split("-")[0]) for family in members}
    merged: dict[str, str] = {}
    for family in members:
        rest = without_leading_base(family)
        if rest and (rest in members or re.sub(r"[\d.]+$", "", rest.split("-")[0]) in firsts):
            merged[family] = rest
    return merged


# A base line named with its version, glued or apart: `llama-3.1`, `gemma2`, `qwen2.5`.
VERSIONED_BASE = re.compile(r"(llama|qwen|mistral|mixtral|gemma|phi)(\d+(\.\d+)?|-\d+(\.\d+)?)")


def base_named_last(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that name a base line with its version after two words or more of the model's own
    name (`families.without_trailing_base`: `aion-rp-llama-3.1`, `wayfarer-large-llama-3.3`,
    `bge-multilingual-gemma2`) → that name, when no other family of the vendor shares it: the
    base of the launch's only checkpoint names no line. Several such families (one launch on
    several bases, or launches on new bases months apart) are left to `bases_of_one_launch`; a
    base without its version, an abbreviated one (`remm-slerp-l2`) and an architecture
    (`fred-t5`) stay. Pure."""
    stems: dict[str, list[str]] = {}
    for family in members:
        stem = without_trailing_base(family)
        if stem and VERSIONED_BASE.fullmatch(family[len(stem) + 1 :]):
            stems.setdefault(stem, []).append(family)
    return {families[0]: stem for stem, families in stems.items() if len(families) == 1 and stem not in members}


def language_codes_of_one_model(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that are another family of the vendor with a two-letter language code last, when
    a repository of that family ends its own name in a language code too → that family: the
    languages of one recipe (`asr-wav2vec2-commonvoice-fr` beside `-en`, whose `en` the grammar
    drops). A code no sibling writes stays a word of the name. Pure."""
    merged: dict[str, str] = {}
    for family in members:
        stem, _, code = family.rpartition("-")
        if stem in members and code in PAIRED_LANGUAGES and any(_ends_in_language(row) for row in members[stem]):
            merged[family] = stem
    return merged


def qualifiers_written_after_a_size(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that are another family of the vendor with one word last, when a repository of
    that family writes the word right after its size → that family: the word qualifies one
    checkpoint (the data a model was tuned on: `bloomz-mt`, the largest model's, beside
    `bloomz-7b1-mt`, whose `mt` the grammar drops after the size). A word no sibling writes after
    a size, or one that names a line (`LINE_WORDS`), stays a word of the name. Pure."""
    merged: dict[str, str] = {}
    for family in members:
        stem, _, word = family.rpartition("-")
        qualifier = stem in members and word and word not in LINE_WORDS and not word[0].isdigit()
        if qualifier and any(_written_after_a_size(row, word) for row in members[stem]):
            merged[family] = stem
    return merged


def _written_after_a_size(row: Mapping[str, Any], word: str) -> bool:
    tokens = _name_tokens(row)
    return any(SIZE.match(before) and after == word for before, after in pairwise(tokens))


def _ends_in_language(row: Mapping[str, Any]) -> bool:
    words = re.split(r"[-_]", str(row.get("external_id") or "").rsplit("/", 1)[-1].lower())
    return words[-1] in PAIRED_LANGUAGES


# Roles written into a word without a separator: `starcoderbase`, `AmberChat`, `instructcodet5p`.
GLUED_ROLES = ("instruct", "base", "chat")


def glued_roles(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families whose first or last word carries a role glued to it and that are another family
    of the vendor without it → that family (`starcoderbase` → `starcoder`, `amberchat` → `amber`,
    `instructcodet5p` → `codet5p`), also before the first word's version (`aquilachat2` →
    `aquila2`, BAAI's AquilaChat2 beside Aquila2). Only a family that exists without the role is
    renamed, so `openchat` stays. A chat role written apart after the first word joins the same
    way (`internlm-chat` → `internlm`; `neural-chat` stays without a `neural`). Pure."""
    merged: dict[str, str] = {}
    for family in members:
        words = family.split("-")
        if len(words) > 1 and words[1] in NAMED_ROLES and "-".join([words[0], *words[2:]]) in members:
            merged[family] = "-".join([words[0], *words[2:]])
            continue
        for role in GLUED_ROLES:
            first, last = words[0], words[-1]
            versioned = re.fullmatch(rf"([a-z]{{3,}}){role}(\d+(?:\.\d+)?)", first)
            if len(first) > len(role) and first.startswith(role):
                bare = "-".join([first[len(role) :], *words[1:]])
            elif len(last) > len(role) and last.endswith(role):
                bare = "-".join([*words[:-1], last[: -len(role)]])
            elif versioned:
                bare = "-".join([versioned[1] + versioned[2], *words[1:]])
            else:
                continue
            if bare in members and bare != family:
                merged[family] = bare
                break
    return merged


def same_spelling(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that are one name written two ways across sources (`gemini-flash-1.5` and
    `gemini-1.5-flash`; `lfm-2` and `lfm2`) → the spelling a hub repository uses, then the one
    without a `v1` the other writes, then the earliest dated, then the first read
    (`_spelling_rank`). Words are compared as a multiset, a version glued to a name counting
    apart. A `v1` that one family writes and the other leaves out is one spelling across sources
    (`nova-lite-v1` on a catalogue); between families of hub repositories alone, only when the
    versioned one's sizes are all sizes of the other (`TinyLlama-1.1B-Chat-v1.0` beside
    `TinyLlama-1.1B-…`), not for a new size (`jais-30b-v1` beside `jais-13b`); nor, there, is a
    version glued to the name in one and written apart in the other unless the sizes agree so
    (`TeleChat2-35B` is a new line, `TeleChat-12B-v2` the 12B's second version). Pure."""
    spellings: dict[tuple[str, ...], list[str]] = {}
    for family in members:
        spellings.setdefault(_spelling(family), []).append(family)
    merged: dict[str, str] = {}
    for families in spellings.values():
        if len(families) > 1:
            hubbed = [f for f in families if any(row["kind"] in HUB_KINDS for row in members[f])]
            chosen = min(hubbed or families, key=lambda f: _spelling_rank(f, members[f], families))
            merged |= {
                family: chosen
                for family in families
                if family != chosen
                and (
                    (
                        _spelling(family, with_v1=True) == _spelling(chosen, with_v1=True)
                        and _glued(family) == _glued(chosen)
                    )
                    or not all(row["kind"] in HUB_KINDS for row in [*members[family], *members[chosen]])
                    or _sizes_within(members[family], members[chosen])
                )
            }
    return merged


def _spelling_rank(family: str, rows: Sequence[Mapping[str, Any]], families: Sequence[str]) -> tuple[bool, str, int]:
    """Which of several spellings of one family `same_spelling` keeps: the one that writes no `v1`
    (`tinyllama` beside `tinyllama-v1.0`), then the one dated first (the launch's own spelling),
    then the first in reading order."""
    writes_v1 = len(_spelling(family, with_v1=True)) > len(_spelling(family))
    dates = [known for known in (_known_date(row) for row in rows) if known]
    return writes_v1, min(dates, default="~"), families.index(family)


def _glued(family: str) -> list[str]:
    """The words of a family that glue a version to a name (`telechat2`, `qwen2.5`), in order."""
    return re.findall(r"[a-z]+\d+(?:\.\d+)*", family)


def _sizes_within(rows: Sequence[Mapping[str, Any]], others: Sequence[Mapping[str, Any]]) -> bool:
    """Whether every row states a size, each stated by one of `others` too."""
    sizes = [_stated_size(row) for row in rows]
    return None not in sizes and set(sizes) <= {_stated_size(row) for row in others}


def _spelling(family: str, *, with_v1: bool = False) -> tuple[str, ...]:
    """The words of a family as a sorted multiset, versions without a `v` or a trailing `.0`
    (`granite-4.0-micro` and `granite-4-micro`, `nemotron-nano-v2` and `nemotron-nano-2`), and
    without a `v1` that one source writes and another leaves out (`nova-lite-v1`, `nova-lite`)
    unless `with_v1`."""
    words = []
    for word in re.findall(r"v?\d+(?:\.\d+)*|[a-z]+", family):
        versioned = word[0] == "v" and word[1:2].isdigit()
        word = re.sub(r"(?<=\d)(\.0)+$", "", word[1:] if versioned else word)
        if with_v1 or not (versioned and word == "1"):
            words.append(word)
    return tuple(sorted(words))


# Size words that tell checkpoints of one launch apart (`granite-4.0-h-micro`/`-h-tiny`/`-h-small`,
# `jamba-1.5-mini`/`-large`, `nova-lite`/`-micro`/`-pro`): one release when launched together.
# Catalogues list the members of one launch up to two weeks apart (OpenRouter listed
# `seed-2.0-mini` on 2026-02-26 and `seed-2.0-lite` on 2026-03-10). A speed tier is one too
# (`morph-v3-fast` and `morph-v3-large`, listed the same day); a bare stem still keeps its `-fast`
# sibling apart (`grok-4` and `grok-4-fast`). So is a full model beside its distilled tiers
# (`HiDream-I1-Full` beside `-Dev` and `-Fast`).
SIZE_WORDS = frozenset(
    {"nano", "micro", "tiny", "mini", "lite", "light", "small", "medium", "large", "pro", "huge", "fast", "full"}
)
CO_RELEASE_DAYS = 14


def co_released(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that differ only by a size word, first dated within `CO_RELEASE_DAYS` of each
    other, → their shared stem (`jamba-1.5-mini`, `jamba-1.5-large` → `jamba-1.5`). Nothing
    merges when a family has no known date. A stem that is a family itself keeps its siblings
    apart (`gpt-5` beside `gpt-5-mini`) unless it is known only from hub repositories dated with
    them: `granite-4.0-h-tiny` (a size the grammar drops) launched with `-h-micro` and `-h-small`.
    A stem without a version merges only when it is such a family and every sibling is a hub
    repository too (`whisper-small` and `-medium` with `whisper-tiny` and `-base`, created the
    same day; not the catalogue's `yi-large` beside `Yi-34B`). Pure."""
    stems: dict[str, list[str]] = {}
    for family in members:
        stem = _without_size_word(family)
        if stem:
            stems.setdefault(stem, []).append(family)
    merged: dict[str, str] = {}
    for stem, families in stems.items():
        if stem in members:
            if not all(row["kind"] in HUB_KINDS for row in members[stem]):
                continue  # `gpt-5` with `gpt-5-mini`: the bare stem is a model of its own
            families = [*families, stem]
        if not re.search(r"\d", stem) and not all(row["kind"] in HUB_KINDS for f in families for row in members[f]):
            continue  # `yi-large` on a catalogue beside `Yi-34B`: a brand's stem joins hub siblings only
        spans = [_launch_span(members[family], stem in members) for family in families]
        if len(families) < 2 or not _launched_within(spans, CO_RELEASE_DAYS):
            continue
        merged |= {family: stem for family in families if family != stem}
    return merged


def qualifiers_of_one_day(
    members: Mapping[str, Sequence[Mapping[str, Any]]], vendor: str | None = None
) -> dict[str, str]:
    """Families that differ only by their last word, all first dated on one day, when their
    shared stem (ending in a version) is no family → the stem: `llama-4-scout` and
    `llama-4-maverick` (code names of one launch, 2025-04-05), `inflection-3-pi` and
    `-productivity`. A word that names a line (`deepseek-v4-pro` and `-flash`) or a size (left to
    `co_released`) keeps its family, and so does a word after another vendor's line alone: the
    base that `vendor`'s lines are built on (NVIDIA's `Llama-3.1-Nemotron` and
    `Llama-3.1-Minitron`) is no launch of its own. Pure."""
    stems: dict[str, list[str]] = {}
    for family in members:
        words = family.split("-")
        last = words[-1]
        if len(words) > 2 and last.isalpha() and last not in LINE_WORDS | SIZE_WORDS and re.search(r"\d", words[-2]):
            stems.setdefault("-".join(words[:-1]), []).append(family)
    merged: dict[str, str] = {}
    for stem, families in stems.items():
        if stem in members or len(families) < 2 or _anothers_line_alone(stem, vendor):
            continue
        dates = {_launch_date(members[family], False) for family in families}
        if len(dates) == 1 and None not in dates:
            merged |= {family: stem for family in families}
    return merged


def _anothers_line_alone(stem: str, vendor: str | None) -> bool:
    """Whether a stem is nothing but a line of a vendor other than `vendor` and its version
    (`llama-3.1` for NVIDIA; not `llama-4` for Meta)."""
    words = stem.split("-")
    owner = LINE_VENDORS.get(re.sub(r"[\d.]+$", "", words[0]))
    return owner is not None and owner != vendor and all(VERSION_TOKEN.match(word) for word in words[1:])


def bases_of_one_launch(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that differ only by the base line named last (`families.without_trailing_base`),
    first dated within `CO_RELEASE_DAYS` of each other, → their shared stem: one launch fine-tuned
    on several bases (`Skywork-Reward-Llama-3.1-8B` and `Skywork-Reward-Gemma-2-27B`, published
    together in September 2024). A stem that is a family itself keeps them apart (the vendor's
    own model beside its distillation into another base: `deepseek-r1` and `DeepSeek-R1-0528-
    Qwen3-8B`), so do launches on a new base months later, and an unknown date merges nothing.
    Pure."""
    stems: dict[str, list[str]] = {}
    for family in members:
        stem = without_trailing_base(family)
        if stem:
            stems.setdefault(stem, []).append(family)
    merged: dict[str, str] = {}
    for stem, families in stems.items():
        spans = [_launch_span(members[family], False) for family in families]
        if stem in members or len(families) < 2 or not _launched_within(spans, CO_RELEASE_DAYS):
            continue
        merged |= {family: stem for family in families}
    return merged


def _first_dates_apart(groups: Sequence[Sequence[Mapping[str, Any]]], days: int) -> bool:
    """Whether the first known dates of some two groups of rows (families) are more than `days`
    apart; groups without a known date count for nothing (a conversion made weeks later does not
    move its family's first date)."""
    firsts = [day for rows in groups if (day := _launch_date(rows, False)) is not None]
    return bool(firsts) and (max(firsts) - min(firsts)).days > days


def tasks_of_one_launch(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that differ only by a generation task (`families.without_generation_task`:
    `wan2.1-t2v` and `wan2.1-i2v`, `wan2.2-ti2v`) → their shared stem, when at least two such
    families (or one beside the stem itself) share it and no two of them were first dated more
    than `SEPARATE_LAUNCH_DAYS` apart (an image-to-video model published months after the
    text-to-video one is a launch of its own). A task word alone keeps its family. Pure."""
    stems: dict[str, list[str]] = {}
    for family in members:
        stem = without_generation_task(family)
        if stem:
            stems.setdefault(stem, []).append(family)
    merged: dict[str, str] = {}
    for stem, families in stems.items():
        group = [*families, stem] if stem in members else families
        if len(group) < 2:
            continue
        if _first_dates_apart([members[family] for family in group], SEPARATE_LAUNCH_DAYS):
            continue
        merged |= {family: stem for family in families}
    return merged


# A letter code of one or two letters after a line's name: the base (`DS` for DeepSeek-Coder, `CL`
# for Code Llama) or the training stage (`S`) of one checkpoint (`Magicoder-S-DS-6.7B`).
LETTER_CODE = re.compile(r"^[a-z]{1,2}$")


def codes_of_one_launch(members: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, str]:
    """Families that differ only by letter codes after the line's name (`LETTER_CODE`, no line
    word: `magicoder-s-ds`, `magicoder-ds`, `magicoder-cl`) → their shared stem, when at least
    two families that are not the stem share it and no two of them were first dated more than
    `SEPARATE_LAUNCH_DAYS` apart. A stem that is a family itself keeps them apart (`gpt-j`
    beside a `gpt`). Pure."""
    stems: dict[str, list[str]] = {}
    for family in members:
        words = family.split("-")
        kept = [words[0], *(w for w in words[1:] if not LETTER_CODE.match(w) or w in LINE_WORDS)]
        if len(kept) < len(words) and not re.search(r"\d", kept[-1]):
            stems.setdefault("-".join(kept), []).append(family)
    merged: dict[str, str] = {}
    for stem, families in stems.items():
        if stem in members or len(families) < 2:
            continue
        if _first_dates_apart([members[family] for family in families], SEPARATE_LAUNCH_DAYS):
            continue
        merged |= {family: stem for family in families}
    return merged


def _without_size_word(family: str) -> str | None:
    """The family with its last word taken out when that word is a size word, last or followed
    only by versions (`jamba-1.5-mini`, `jamba-mini-1.6` → `jamba-1.6`); None otherwise
    (`phi-4-mini-reasoning` names its own line)."""
    words = family.split("-")
    index = len(words)
    while index > 1 and re.fullmatch(r"v?\d+(\.\d+)*", words[index - 1]):
        index -= 1
    if index < 2 or words[index - 1] not in SIZE_WORDS:
        return None
    return "-".join(words[: index - 1] + words[index:])


def _launch_date(rows: Sequence[Mapping[str, Any]], stem_is_family: bool) -> date | None:
    """The earliest known date of a family's rows for co-release. Beside a stem that is a hub
    family itself, a family made only of hub repositories of unknown age (the Hub's pre-2022
    placeholder: `bert-large` beside `bert-base`, which is `bert`) counts as launched on the
    placeholder's day, so such siblings co-release with each other and never with a dated
    family; without such a stem an unknown age merges nothing (`granite-5.0-h-micro`)."""
    dates = [_as_date(value) for value in (_known_date(row) for row in rows) if value]
    if stem_is_family and not dates and rows and all(_unknown_age(row) for row in rows):
        return _as_date(HUB_UNKNOWN_CREATED[0][:10])
    return min(dates, default=None)


def _launch_span(rows: Sequence[Mapping[str, Any]], stem_is_family: bool) -> tuple[date, date] | None:
    """The first and last day a family's earliest date may be (`_launch_date`'s day, read as a
    span): a date known to the month only (models.dev's `release_date` `2024-09`) may be any day
    of that month. None when no row is dated."""
    spans = [_day_span(value) for value in (_known_date(row) for row in rows) if value]
    if not spans:
        day = _launch_date(rows, stem_is_family)
        return (day, day) if day else None
    return min(start for start, _ in spans), min(end for _, end in spans)


def _day_span(value: str) -> tuple[date, date]:
    """(first, last) day of an ISO date or timestamp, or of a `YYYY-MM` month."""
    start = _as_date(value)
    if len(value) > 7:
        return start, start
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, following - timedelta(days=1)


def _launched_within(spans: Sequence[tuple[date, date] | None], days: int) -> bool:
    """Whether launches known as day spans may all fall within `days` of each other: the latest
    first day is at most `days` after the earliest last day. False when one is unknown."""
    known = [span for span in spans if span is not None]
    if len(known) < len(spans) or not known:
        return False
    return (max(start for start, _ in known) - min(end for _, end in known)).days <= days


def _unknown_age(row: Mapping[str, Any]) -> bool:
    return row["kind"] in HUB_KINDS and str(row.get("date") or "").startswith(HUB_UNKNOWN_CREATED)


def label_artifacts(
    rows: Iterable[Mapping[str, Any]], rules: VendorRules, org_vendors: Mapping[str, str]
) -> tuple[list[ArtifactLabel], list[Release]]:
    """Label every artifact of one vendor and group them into releases."""
    labels: list[ArtifactLabel] = []
    members: dict[str, list[tuple[Mapping[str, Any], ArtifactLabel, Evidence | None]]] = {}
    decoded = [
        {**stored, "extra": _json(stored.get("extra"), {}), "base_models": _json(stored.get("base_models"), [])}
        for stored in rows
    ]
    evidence = evidence_labels(decoded, rules, org_vendors)
    for row in decoded:
        tier, klass, reason = artifact_tier(row)
        family, derived = evidence[row["id"]]
        release_id = f"{rules.key}/{family}" if family and not derived and not row.get("gone_at") else None
        label = ArtifactLabel(
            artifact_id=row["id"],
            family=family,
            release_id=release_id,
            tier=tier,
            tier_reason=reason,
            licence_class=klass,
            derivative_of=derived,
        )
        labels.append(label)
        if release_id:
            members.setdefault(release_id, []).append((row, label, weights_evidence(row)))
    releases = [build_release(release_id, rules.key, group) for release_id, group in members.items()]
    return labels, releases


def build_release(
    release_id: str, vendor: str, group: list[tuple[Mapping[str, Any], ArtifactLabel, Evidence | None]]
) -> Release:
    family = release_id.split("/", 1)[1]
    release = Release(id=release_id, vendor=vendor, family=family, name=display_name(family))
    claims: dict[tuple[Openness, str], Evidence] = {}
    for row, label, extra_evidence in group:
        found = [extra_evidence] if extra_evidence else []
        if label.tier is not None:
            found.append(
                Evidence(
                    tier=label.tier,
                    reason=label.tier_reason,
                    artifact=f"{row['kind']}:{row['external_id']}",
                    url=row.get("url"),
                    licence=row.get("licence"),
                    licence_class=label.licence_class,
                )
            )
        for claim in found:
            if (claim.tier, claim.reason) in claims:
                claims[(claim.tier, claim.reason)].artifacts += 1
            else:
                claims[(claim.tier, claim.reason)] = claim
    release.evidence = sorted(claims.values(), key=_evidence_rank)
    if release.evidence:
        best = release.evidence[0]
        release.tier, release.tier_reason, release.licence_class = best.tier, best.reason, best.licence_class
    release.licences = sorted({row["licence"] for row, _, _ in group if row.get("licence")})
    release.kinds = sorted({row["kind"] for row, _, _ in group})
    release.pipeline_tags = sorted({row["pipeline_tag"] for row, _, _ in group if row.get("pipeline_tag")})
    release.artifact_count = len(group)
    _set_dates(release, group)
    _set_parameters(release, group)
    return release


def _set_dates(release: Release, group: list[tuple[Mapping[str, Any], ArtifactLabel, Evidence | None]]) -> None:
    known_dates = [(row, label, _known_date(row)) for row, label, _ in group]

    def earliest(predicate: Any) -> str | None:
        dates = [known for row, label, known in known_dates if known and predicate(row, label)]
        return min(dates, key=_sortable) if dates else None

    release.announced_at = earliest(lambda r, _: r["kind"] in ANNOUNCING_KINDS and not _is_farewell(r))
    _set_availability(release, earliest)
    release.first_seen = min((row["first_seen"] for row, _, _ in group if row.get("first_seen")), default=None)
    candidates = [
        ("announcement", release.announced_at),
        ("first-party artifact", earliest(lambda r, _: r["kind"] in HUB_KINDS)),
        ("catalogue release date", earliest(lambda r, _: r["kind"] in CATALOGUE_KINDS)),
        ("third-party listing", earliest(lambda r, _: r["kind"] not in HUB_KINDS | ANNOUNCING_KINDS | CATALOGUE_KINDS)),
    ]
    if not any(row["kind"] in HUB_KINDS and not known for row, _, known in known_dates):
        # a repository of unknown age (the Hub's pre-2022 placeholder) may be years old: the day
        # relwatch first saw it says nothing, so such a release keeps an unknown date
        candidates.append(("first seen", release.first_seen))
    known = [(source, value) for source, value in candidates if value]
    if not known:
        return
    source, chosen = known[0]
    earliest_source, earliest_value = min(known, key=lambda pair: _sortable(pair[1]))
    if (_as_date(chosen) - _as_date(earliest_value)).days > EARLIER_EVIDENCE_DAYS:
        source, chosen = f"{earliest_source} (earlier than the {source})", earliest_value
    release.date, release.date_source = chosen, source


def _set_availability(release: Release, earliest: Any) -> None:
    """`first_open_at`: the weights' own date (a Hub repository), else the earliest source saying
    the weights are out, a catalogue entry pointing at published weights included (the host serves
    those weights since its listing date). `first_closed_at`: availability WITHOUT published
    weights, so a host or catalogue serving a model on or after its weights' date is hosting, not
    closed (Gemma 3); an API, catalogue or changelog date before the weights' date is closed
    availability (ERNIE 4.5: announced and served 2025-03-16, weights 2025-06-30). With no weights date, an entry that
    points at published weights (OpenRouter's `hugging_face_id`) is hosting too."""
    weights_at = earliest(lambda r, label: r["kind"] in HUB_KINDS and label.tier is not None and label.tier.has_weights)
    release.first_open_at = weights_at or earliest(
        lambda r, label: (label.tier is not None and label.tier.has_weights) or bool(r.get("weights_ref"))
    )
    if weights_at is None:
        release.first_closed_at = earliest(lambda r, label: label.tier in CLOSED_TIERS and not r.get("weights_ref"))
        return
    served_at = earliest(
        lambda r, label: (
            r["kind"] not in HUB_KINDS
            and label.tier is not None
            and (label.tier in CLOSED_TIERS or label.tier.has_weights)
        )
    )
    closed_before = served_at is not None and _sortable(served_at) < _sortable(weights_at)
    release.first_closed_at = served_at if closed_before else None


# The Hub's `createdAt` for repositories older than its records (both values occur):
# the creation date is unknown, not 2 March 2022.
HUB_UNKNOWN_CREATED = ("2022-03-02T23:29:04", "2022-03-02T23:29:05")


def _reading_order(row: Mapping[str, Any]) -> tuple[str, str, str]:
    """A row's place in the order `evidence_labels` reads a vendor's rows: its id in lower case,
    then its source kind, then its id as written."""
    external = str(row.get("external_id") or "")
    return external.lower(), str(row["kind"]), external


def _known_date(row: Mapping[str, Any]) -> str | None:
    value = row.get("date")
    if not value or (row["kind"] in HUB_KINDS and str(value).startswith(HUB_UNKNOWN_CREATED)):
        return None
    return str(value)


FAREWELL = re.compile(r"deprecat|shut(ting)?[ -]?down|retir|discontinu|sunset|下线|停止")


def _is_farewell(row: Mapping[str, Any]) -> bool:
    """A dated mention that says a model is going away is no announcement of its launch.

    Only `announced` mentions are read this way: a deprecations table's `published` row carries
    the model's release date even though its row also names a shutdown date.
    """
    if row.get("date_kind") != "announced":
        return False
    extra = _json(row.get("extra"), {})
    return bool(FAREWELL.search(" ".join(str(extra.get(k, "")) for k in ("excerpt", "title", "heading"))))


def _set_parameters(release: Release, group: list[tuple[Mapping[str, Any], ArtifactLabel, Evidence | None]]) -> None:
    counted = [row["parameters"] for row, _, _ in group if row.get("parameters")]
    if counted:
        release.largest_parameters, release.parameters_source = max(counted), "safetensors"
        return
    named = [n for row, _, _ in group if (n := parameters_from_name(row.get("external_id") or ""))]
    if named:
        release.largest_parameters, release.parameters_source = max(named), "name"


def _evidence_rank(evidence: Evidence) -> tuple[int, int]:
    return evidence.tier.rank, evidence.licence_class is LicenceClass.UNKNOWN


def _sortable(value: str) -> str:
    return value if len(value) > 7 else value + "-01"


def _as_date(value: str) -> date:
    return date.fromisoformat(_sortable(value)[:10])


def _org(repo: str) -> str | None:
    return repo.split("/", 1)[0].lower() if "/" in repo else None


def _json(value: Any, default: Any) -> Any:
    if value is None or value in ("{}", "[]"):
        return default
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return default
    return value


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
