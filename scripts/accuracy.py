"""Family-grouping and tier accuracy of relwatch's classifier on the hand-labelled sets.

    python scripts/accuracy.py [--misses N] [--held-out-misses] [--dated]

Reads the hand-labelled sets in tests/data (real model ids; see ORIGINS.md, ORIGINS_2.md,
ORIGINS_3.md to ORIGINS_7.md beside them), labels each row with the same functions a sync uses,
and prints the accuracy of families (exact key), of the grouping (pairwise precision, recall and
F1: two rows that share a family should share one after classification, and only those), of
tiers, of derivative detection, and the misses. The second to seventh sets are also scored
for cross-source joins (a catalogue entry in the same release as the hub repository it names) and
for quantised or format copies left as releases of their own.

Tuning sets: the first set, the second set's tune half (organisations alternate by name), the
third set (labelled_models_3.csv) and the fourth (labelled_models_4.csv), each held out when
written and tuned on since, and the tune halves of the fifth to seventh sets (split as the second
is). Held-out: the other halves of the second and the fifth to seventh sets; their misses are
listed only with `--held-out-misses`, so that reading the figures does not mean reading the rows.

`--dated` prints the grouping of every set under four ways of dating the rows
(`DATINGS`): co-release grouping and the split of sizes launched apart read dates, and the sets
record none for hub repositories, so real dates (catalogue listings; the two hub repositories
whose `createdAt` ../shared records) are checked beside synthetic ones: all rows on one day
(co-release's ceiling, no size split) and rows 60 days apart (co-release never acts, every size
of a line without a version splits: the floor).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

from relwatch.classify import (
    VendorRules,
    artifact_tier,
    evidence_labels,
    weights_evidence,
)
from relwatch.config import load_config
from relwatch.models import Openness
from relwatch.releases import vendor_rules

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELS = DATA / "labelled_models.csv"
LABELS_2 = DATA / "labelled_models_2.csv"
LABELS_3 = DATA / "labelled_models_3.csv"
LABELS_4 = DATA / "labelled_models_4.csv"
LABELS_5 = DATA / "labelled_models_5.csv"
LABELS_6 = DATA / "labelled_models_6.csv"
LABELS_7 = DATA / "labelled_models_7.csv"
LABELS_8 = DATA / "labelled_models_8.csv"
SPLIT_LATER = {5: LABELS_5, 6: LABELS_6, 7: LABELS_7, 8: LABELS_8}  # written blind, then split as the second set is


@dataclass
class Scores:
    rows: int = 0
    family_hits: int = 0
    tier_hits: int = 0
    derivative_hits: int = 0
    grouping_f1: float = 0.0
    family_misses: list[tuple[str, str, str | None]] = field(default_factory=list)
    tier_misses: Counter[tuple[str, str]] = field(default_factory=Counter)
    tier_miss_ids: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def family_accuracy(self) -> float:
        return self.family_hits / self.rows

    @property
    def tier_accuracy(self) -> float:
        return self.tier_hits / self.rows

    @property
    def derivative_accuracy(self) -> float:
        return self.derivative_hits / self.rows


def artifact_row(label: dict[str, str]) -> dict[str, object]:
    """The artifact a sync would store for a labelled row (only what classification reads)."""
    hub = label["source"] == "huggingface"
    base = label["base_model"]
    return {
        "id": 0,
        "kind": label["source"],
        "external_id": label["id"],
        "name": label["id"].rsplit("/", 1)[-1],
        "licence": label["licence"] or None,
        "licence_link": label["licence_link"] or None,
        "gated": {"true": 1, "false": 0}.get(label["gated"]),
        "tier_hint": None if hub else "api",
        "base_models": json.dumps([base] if base else []),
        "extra": json.dumps(
            ({"base_model_relations": {base: label["base_relation"]}} if base else {})
            | ({"licence_name": label["licence_name"]} if label["licence_name"] else {})
        ),
    }


def evaluate(path: Path = LABELS, *, overrides: bool = True) -> Scores:
    """Scores with the default config's rules, grouping from evidence as a sync does;
    `overrides=False` measures the grammar and the evidence without the family overrides."""
    rules, org_vendors = vendor_rules(load_config())
    if not overrides:
        rules = {key: replace(rule, overrides=()) for key, rule in rules.items()}
    with path.open(encoding="utf-8", newline="") as handle:
        # `~vendor/…-latest` aliases are skipped by the openrouter source, so they are never labelled
        labels = [row for row in csv.DictReader(handle) if not row["id"].startswith("~")]
    scores = Scores(rows=len(labels))
    predicted: list[str | None] = []
    rows = [artifact_row(label) | {"id": index} for index, label in enumerate(labels)]
    found = labelled_by_evidence(rows, labels, rules, org_vendors)
    for row, label in zip(rows, labels, strict=True):
        family, derived = found[row["id"]]
        tier = artifact_tier(row)[0]
        predicted.append(family)
        if family == label["expected_family"]:
            scores.family_hits += 1
        else:
            scores.family_misses.append((label["id"], label["expected_family"], family))
        if tier is not None and tier.value == label["expected_tier"]:
            scores.tier_hits += 1
        else:
            scores.tier_misses[(label["expected_tier"], str(tier))] += 1
            scores.tier_miss_ids.append((label["id"], label["expected_tier"], str(tier)))
        if (derived is not None) == (label["derivative"] == "yes"):
            scores.derivative_hits += 1
    scores.grouping_f1 = pairwise_f1(
        [(lbl["vendor"], lbl["expected_family"]) for lbl in labels],
        [(lbl["vendor"], fam) for lbl, fam in zip(labels, predicted, strict=True)],
    )
    return scores


def pairwise_f1(truth: list[tuple[str, str | None]], guess: list[tuple[str, str | None]]) -> float:
    """F1 over pairs of rows: a pair is positive when both rows are in the same group."""
    return pairwise_scores(truth, guess)[2]


def pairwise_scores(
    truth: list[tuple[str, str | None]], guess: list[tuple[str, str | None]]
) -> tuple[float, float, float]:
    """(precision, recall, F1) over pairs of rows; a group keyed `None` groups nothing."""
    same_truth = _pairs(truth)
    same_guess = _pairs(guess)
    if not same_truth and not same_guess:
        return 1.0, 1.0, 1.0
    hits = len(same_truth & same_guess)
    precision = hits / len(same_guess) if same_guess else 0.0
    recall = hits / len(same_truth) if same_truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairs(keys: list[tuple[str, str | None]]) -> set[tuple[int, int]]:
    groups: dict[tuple[str, str], list[int]] = {}
    for index, (vendor, family) in enumerate(keys):
        if family is not None:
            groups.setdefault((vendor, family), []).append(index)
    return {pair for members in groups.values() for pair in combinations(members, 2)}


@dataclass
class SetScores:
    """Figures on one half of the second labelled set, or on the third or fourth (ORIGINS_2.md to _4.md)."""

    name: str
    rows: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    family_hits: int = 0
    tier_hits: int = 0
    derivative_hits: int = 0
    joins: int = 0
    joinable: int = 0
    variant_releases: int = 0
    variant_releases_formed: int = 0
    variants: int = 0
    dated: int = 0
    family_misses: list[tuple[str, str, str | None]] = field(default_factory=list)
    tier_miss_ids: list[tuple[str, str, str]] = field(default_factory=list)
    derivative_miss_ids: list[tuple[str, str]] = field(default_factory=list)
    join_miss_ids: list[tuple[str, str]] = field(default_factory=list)


def halves(path: Path = LABELS_2) -> dict[str, list[dict[str, str]]]:
    """The second set (or a later one) split by organisation: sorted vendor keys alternate tune, held-out."""
    with path.open(encoding="utf-8", newline="") as handle:
        labels = list(csv.DictReader(handle))
    vendors = sorted({label["vendor"] for label in labels})
    tune = set(vendors[0::2])
    return {
        "tune": [label for label in labels if label["vendor"] in tune],
        "held-out": [label for label in labels if label["vendor"] not in tune],
    }


def first_set(path: Path = LABELS) -> list[dict[str, str]]:
    """The first set in the second set's columns (it records no weights links, joins or variants;
    `~` aliases dropped as in `evaluate`), for the grammar-and-evidence figures of `--dated`."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["id"].startswith("~")]
    return [{"hugging_face_id": "", "same_release_as": "", "variant": "no"} | row for row in rows]


def third_set(path: Path = LABELS_3) -> list[dict[str, str]]:
    """The third set, whole (ORIGINS_3.md): held out when written, a tuning set since."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fourth_set(path: Path = LABELS_4) -> list[dict[str, str]]:
    """The fourth set, whole (ORIGINS_4.md): held out when written, a tuning set since."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CAPTURES = DATA.parent.parent.parent / "shared" / "captures" / "openrouter"
LATEST = DATA.parent.parent.parent / "shared" / "payloads" / "openrouter_api_v1_models_2026-05-15.json"


def listed_dates() -> dict[str, str]:
    """OpenRouter id → its `created` (ISO), from the shared monthly captures and the 2026-05-15
    payload (ids listed only there are dated too, as a sync would see them), first seen wins."""
    dates: dict[str, str] = {}
    for capture in [*sorted(CAPTURES.glob("openrouter_models_*.json")), LATEST]:
        for item in json.loads(capture.read_text(encoding="utf-8")).get("data", []):
            if isinstance(item.get("created"), int):
                dates.setdefault(item["id"], datetime.fromtimestamp(item["created"], UTC).isoformat())
    return dates


PAYLOADS = DATA.parent.parent.parent / "shared" / "payloads"


def hub_created() -> dict[str, str]:
    """Hub repo id (lower-case) → its real `createdAt`, from the recorded model-info payloads in
    ../shared/payloads (few: the labelled sets record no creation dates)."""
    dates: dict[str, str] = {}
    for payload in sorted(PAYLOADS.glob("hf_model_info_*.json")):
        for item in _model_infos(json.loads(payload.read_text(encoding="utf-8"))):
            dates.setdefault(str(item["id"]).lower(), str(item["createdAt"]))
    return dates


def _model_infos(value: object) -> list[dict[str, object]]:
    """Every model-info object (an `id` and a `createdAt`) inside a recorded payload."""
    if isinstance(value, dict):
        if "id" in value and "createdAt" in value:
            return [value]
        return [info for item in value.values() for info in _model_infos(item)]
    if isinstance(value, list):
        return [info for item in value for info in _model_infos(item)]
    if isinstance(value, str) and value.startswith("{"):
        try:
            return _model_infos(json.loads(value))
        except json.JSONDecodeError:
            return []
    return []


# How rows are dated, as co-release grouping (`classify.co_released`) and the split of sizes
# launched apart (`classify.sizes_launched_apart`) read dates:
# - `listed`: real dates only: catalogue rows by OpenRouter's `created` (shared captures), hub
#   rows by a recorded `createdAt` where ../shared has one; the rest undated (the default).
# - `undated`: no row dated, so neither acts.
# - `one-day`: every row on one day: co-release acts wherever the names allow (its ceiling) and
#   no size splits.
# - `months-apart`: every row 60 days after the one before: co-release must never act, and every
#   hub repository's size of a line without a version is a launch of its own (the floor).
#   Synthetic dates come from row order, never from the labels.
DATINGS = ("listed", "undated", "one-day", "months-apart")
SYNTHETIC_DAY = datetime(2025, 1, 1, tzinfo=UTC)


def row_date(
    index: int, label: dict[str, str], dating: str, listed: dict[str, str], created: dict[str, str]
) -> str | None:
    """The date a row gets under one of `DATINGS` (ISO, or None when undated)."""
    if dating == "undated":
        return None
    if dating == "one-day":
        return SYNTHETIC_DAY.isoformat()
    if dating == "months-apart":
        return (SYNTHETIC_DAY + timedelta(days=60 * index)).isoformat()
    if label["source"] == "huggingface":
        return created.get(label["id"].lower())
    return listed.get(label["id"])


def second_set_row(index: int, label: dict[str, str], date: str | None) -> dict[str, object]:
    """The stored artifact for a row of the second, third or fourth set, with the catalogue's weights
    pointer and the row's date."""
    return artifact_row(label) | {"id": index, "weights_ref": label["hugging_face_id"] or None, "date": date}


def evaluate_second(name: str, labels: list[dict[str, str]], dating: str = "listed") -> SetScores:
    """Scores one half of the second set (or the third or fourth set) with the default config, grammar and
    evidence only, its rows dated as `dating` says (one of `DATINGS`)."""
    rules, org_vendors = vendor_rules(load_config())
    rules = {key: replace(rule, overrides=()) for key, rule in rules.items()}
    org_vendors = dict(org_vendors)
    for label in labels:
        if label["source"] == "huggingface" and label["vendor"] not in rules:
            org_vendors.setdefault(label["id"].split("/", 1)[0].lower(), label["vendor"])
    for org, vendor in org_vendors.items():
        if vendor not in rules or org not in rules[vendor].orgs:
            base = rules.get(vendor, VendorRules(key=vendor))
            rules[vendor] = replace(base, orgs=base.orgs | {org})
    listed, created = listed_dates(), hub_created()
    rows = [
        second_set_row(index, label, row_date(index, label, dating, listed, created))
        for index, label in enumerate(labels)
    ]
    families, derived, tiers = classify_rows(rows, labels, rules, org_vendors)
    scores = score_set(name, labels, families, derived, tiers)
    scores.dated = sum(1 for row in rows if row["date"])
    return scores


def score_set(
    name: str, labels: list[dict[str, str]], families: list[str | None], derived: list[bool], tiers: list[str | None]
) -> SetScores:
    """The figures of labelled rows (the second set's columns) given, per row, the family, the
    derivative flag and the tier a classification gave them."""
    scores = SetScores(name=name, rows=len(labels))
    scores.precision, scores.recall, scores.f1 = pairwise_scores(
        [(lbl["vendor"], lbl["expected_family"]) for lbl in labels],
        [(lbl["vendor"], families[i]) for i, lbl in enumerate(labels)],
    )
    hub_index = {lbl["id"].lower(): i for i, lbl in enumerate(labels) if lbl["source"] == "huggingface"}
    for i, label in enumerate(labels):
        if families[i] == label["expected_family"]:
            scores.family_hits += 1
        else:
            scores.family_misses.append((label["id"], label["expected_family"], families[i]))
        if tiers[i] == label["expected_tier"]:
            scores.tier_hits += 1
        else:
            scores.tier_miss_ids.append((label["id"], label["expected_tier"], str(tiers[i])))
        if derived[i] == (label["derivative"] == "yes"):
            scores.derivative_hits += 1
        else:
            scores.derivative_miss_ids.append((label["id"], label["derivative"]))
        target = hub_index.get(label["same_release_as"].lower()) if label["same_release_as"] else None
        if target is not None:
            scores.joinable += 1
            if families[i] is not None and families[i] == families[target]:
                scores.joins += 1
            else:
                scores.join_miss_ids.append((label["id"], label["same_release_as"]))
        if label["variant"] == "yes":
            scores.variants += 1
            own = {
                families[j]
                for j, other in enumerate(labels)
                if other["vendor"] == label["vendor"] and other["variant"] == "no" and j != i
            }
            if families[i] not in own:
                scores.variant_releases += 1
                # a copy flagged as a derivative (a re-publisher's) is in no release of its publisher
                scores.variant_releases_formed += not derived[i]
    return scores


def labelled_by_evidence(
    rows: list[dict[str, object]],
    labels: list[dict[str, str]],
    rules: dict[str, VendorRules],
    org_vendors: dict[str, str],
) -> dict[object, tuple[str | None, str | None]]:
    """Row id → (family, the vendor its weights are derived from), each vendor's rows labelled
    together from their evidence, as reclassification labels a vendor's artifacts."""
    by_vendor: dict[str, list[dict[str, object]]] = {}
    for row, label in zip(rows, labels, strict=True):
        by_vendor.setdefault(label["vendor"], []).append(row)
    found: dict[object, tuple[str | None, str | None]] = {}
    for vendor, members in by_vendor.items():
        found |= evidence_labels(members, rules.get(vendor, VendorRules(key=vendor)), org_vendors)
    return found


def classify_rows(
    rows: list[dict[str, object]],
    labels: list[dict[str, str]],
    rules: dict[str, VendorRules],
    org_vendors: dict[str, str],
) -> tuple[list[str | None], list[bool], list[str | None]]:
    """Per row: its family, whether it is a derivative, and the tier of the release it is in."""
    found = labelled_by_evidence(rows, labels, rules, org_vendors)
    families = [found[row["id"]][0] for row in rows]
    derived = [found[row["id"]][1] is not None for row in rows]
    own: list[str | None] = []
    for row in rows:
        tier = artifact_tier(row)[0]
        evidence = weights_evidence(row)
        if evidence is not None and (tier is None or evidence.tier.rank < tier.rank):
            tier = evidence.tier
        own.append(tier.value if tier is not None else None)
    best: dict[tuple[str, str], str] = {}
    for label, family, value in zip(labels, families, own, strict=True):
        if family is None or value is None or label["source"] != "huggingface":
            continue
        key = (label["vendor"], family)
        if key not in best or Openness(value).rank < Openness(best[key]).rank:
            best[key] = value
    tiers = [
        best.get((label["vendor"], family), value) if family and label["source"] != "huggingface" else value
        for label, family, value in zip(labels, families, own, strict=True)
    ]
    return families, derived, tiers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=40, help="how many misses to list")
    parser.add_argument(
        "--held-out-misses", action="store_true", help="list the misses of the held-out half too"
    )
    parser.add_argument(
        "--dated", action="store_true", help="grouping of every set under each way of dating rows"
    )
    args = parser.parse_args()
    if args.dated:
        print_dated()
        return 0
    scores = evaluate()
    grammar = evaluate(overrides=False)
    print(f"rows:                  {scores.rows}")
    print(f"family, no overrides:  {grammar.family_accuracy:.1%}  (without sources.toml's family overrides)")
    print(f"family (exact key):    {scores.family_accuracy:.1%}  ({scores.family_hits}/{scores.rows})")
    print(f"grouping (pairwise F1): {scores.grouping_f1:.1%}")
    print(f"tier:                  {scores.tier_accuracy:.1%}  ({scores.tier_hits}/{scores.rows})")
    print(f"derivative flag:       {scores.derivative_accuracy:.1%}")
    print("\nfamily misses (id: expected → got):")
    for repo, expected, got in scores.family_misses[: args.misses]:
        print(f"  {repo}: {expected} → {got}")
    print("\ntier confusion of the misses (expected → got: count):")
    for (expected, got), count in scores.tier_misses.most_common():
        print(f"  {expected} → {got}: {count}")
    for repo, expected, got in scores.tier_miss_ids[: args.misses]:
        print(f"  {repo}: {expected} → {got}")
    held_out_misses = args.misses if args.held_out_misses else 0
    second = halves()
    print_second(evaluate_second("tune", second["tune"]), args.misses)
    print_second(evaluate_second("tune (whole set)", third_set()), args.misses, LABELS_3.name)
    print_second(evaluate_second("tune (whole set)", fourth_set()), args.misses, LABELS_4.name)
    print_second(evaluate_second("held-out", second["held-out"]), held_out_misses)
    for path in SPLIT_LATER.values():
        split = halves(path)
        print_second(evaluate_second("tune", split["tune"]), args.misses, path.name)
        print_second(evaluate_second("held-out", split["held-out"]), held_out_misses, path.name)
    return 0


def print_dated() -> None:
    """Grouping figures of each set under each of `DATINGS` (grammar and evidence, no overrides)."""
    later = [(f"set {n} {half}", rows) for n, path in SPLIT_LATER.items() for half, rows in halves(path).items()]
    sets = [("set 1", first_set()), *halves().items(), ("set 3", third_set()), ("set 4", fourth_set()), *later]
    print(f"{'set':14} {'dating':13} {'dated rows':>10}  grouping P / R / F1")
    for name, labels in sets:
        for dating in DATINGS:
            scores = evaluate_second(name, labels, dating)
            print(
                f"{name:14} {dating:13} {scores.dated:>4}/{scores.rows:<5}  "
                f"{scores.precision:.3f} / {scores.recall:.3f} / {scores.f1:.3f}"
            )


def print_second(scores: SetScores, misses: int, file: str = LABELS_2.name) -> None:
    """The figures of one half of the second set (or of the third or fourth set), then its misses."""
    print(f"\n== {file}, {scores.name}: {scores.rows} rows (grammar and evidence, no overrides)")
    print(f"grouping P/R/F1:       {scores.precision:.3f} / {scores.recall:.3f} / {scores.f1:.3f}")
    print(f"family (exact key):    {scores.family_hits / scores.rows:.1%}  ({scores.family_hits}/{scores.rows})")
    print(f"tier:                  {scores.tier_hits / scores.rows:.1%}  ({scores.tier_hits}/{scores.rows})")
    print(f"derivative flag:       {scores.derivative_hits / scores.rows:.1%}")
    print(f"hub↔catalogue joins:   {scores.joins} of {scores.joinable}")
    print(
        f"variant releases:      {scores.variant_releases} of {scores.variants} quantised/format copies "
        f"({scores.variant_releases_formed} not flagged derivative, so releases of their own)"
    )
    for title, items in (
        ("family misses (id: expected → got)", [f"{a}: {b} → {c}" for a, b, c in scores.family_misses]),
        ("tier misses (id: expected → got)", [f"{a}: {b} → {c}" for a, b, c in scores.tier_miss_ids]),
        ("derivative misses (id: expected)", [f"{a}: {b}" for a, b in scores.derivative_miss_ids]),
        ("join misses (catalogue id: hub repo)", [f"{a}: {b}" for a, b in scores.join_miss_ids]),
    ):
        if items and misses:
            print(f"{title}:")
            for item in items[:misses]:
                print(f"  {item}")


if __name__ == "__main__":
    sys.exit(main())
