"""Family-grouping and tier accuracy of relwatch's classifier on the hand-labelled set.

    python scripts/accuracy.py [--misses N]

Reads tests/data/labelled_models.csv (real model ids, labelled by hand; see ORIGINS.md beside
it), labels each row with the same functions a sync uses, and prints the accuracy of families
(exact key), of the grouping (pairwise F1: two rows that share a family should share one after
classification, and only those), of tiers, of derivative detection, and the misses.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

from relwatch.classify import VendorRules, artifact_tier, derivative_of, family_for
from relwatch.config import load_config
from relwatch.releases import vendor_rules

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled_models.csv"


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
    """Scores with the default config's rules; `overrides=False` measures the name grammar alone."""
    rules, org_vendors = vendor_rules(load_config())
    if not overrides:
        rules = {key: replace(rule, overrides=()) for key, rule in rules.items()}
    with path.open(encoding="utf-8", newline="") as handle:
        # `~vendor/…-latest` aliases are skipped by the openrouter source, so they are never labelled
        labels = [row for row in csv.DictReader(handle) if not row["id"].startswith("~")]
    scores = Scores(rows=len(labels))
    predicted: list[str | None] = []
    for label in labels:
        row = artifact_row(label)
        vendor_rules_ = rules.get(label["vendor"], VendorRules(key=label["vendor"]))
        family = family_for(row, vendor_rules_)
        tier = artifact_tier(row)[0]
        derived = derivative_of(row, vendor_rules_, org_vendors)
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
    same_truth = {pair for pair in combinations(range(len(truth)), 2) if truth[pair[0]] == truth[pair[1]]}
    same_guess = {
        pair
        for pair in combinations(range(len(guess)), 2)
        if guess[pair[0]] == guess[pair[1]] and guess[pair[0]][1] is not None
    }
    if not same_truth and not same_guess:
        return 1.0
    hits = len(same_truth & same_guess)
    precision = hits / len(same_guess) if same_guess else 0.0
    recall = hits / len(same_truth) if same_truth else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=40, help="how many misses to list")
    args = parser.parse_args()
    scores = evaluate()
    grammar = evaluate(overrides=False)
    print(f"rows:                  {scores.rows}")
    print(f"family, grammar alone: {grammar.family_accuracy:.1%}  (without sources.toml's family overrides)")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
