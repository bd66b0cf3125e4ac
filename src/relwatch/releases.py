"""Rebuild releases from stored artifacts, and record what changed as events."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from relwatch.classify import VendorRules, label_artifacts
from relwatch.config import Config
from relwatch.dates import now_iso
from relwatch.store import Store

HUB_ORG_KINDS = ("huggingface", "modelscope")
ARTIFACT_FIELDS = (
    "id, vendor_id, kind, external_id, name, url, date, date_kind, licence, licence_link, gated, parameters, "
    "base_models, tier_hint, weights_ref, family_hint, extra, pipeline_tag, first_seen, gone_at, "
    "release_id, family, tier, tier_reason, licence_class, derivative_of"
)
LABEL_COLUMNS = ("release_id", "family", "tier", "tier_reason", "licence_class", "derivative_of")


@dataclass(kw_only=True)
class ReclassifyReport:
    vendors: list[str] = field(default_factory=list)
    releases: int = 0
    artifacts_relabelled: int = 0
    new_releases: list[str] = field(default_factory=list)
    tier_changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    removed_releases: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.artifacts_relabelled or self.new_releases or self.tier_changes or self.removed_releases)


def vendor_rules(config: Config) -> tuple[dict[str, VendorRules], dict[str, str]]:
    """Per vendor: its hub orgs and family overrides; and every hub org → its vendor."""
    rules: dict[str, VendorRules] = {}
    org_vendors: dict[str, str] = {}
    for vendor in config.vendors.values():
        orgs = {s.option("org").lower() for s in vendor.sources if s.kind in HUB_ORG_KINDS and s.option("org")}
        for org in orgs:
            org_vendors.setdefault(org, vendor.key)
        overrides = tuple((re.compile(pattern, re.IGNORECASE), family) for pattern, family in vendor.families)
        rules[vendor.key] = VendorRules(key=vendor.key, orgs=frozenset(orgs), overrides=overrides)
    return rules, org_vendors


def reclassify(
    store: Store,
    config: Config,
    vendors: list[str],
    *,
    sync_run_id: int | None = None,
    report: ReclassifyReport | None = None,
) -> ReclassifyReport:
    """Relabel the vendors' artifacts and rebuild their releases; idempotent. What changed is
    added to `report` when one is given (a sync reclassifies each vendor as its sources finish)."""
    rules, org_vendors = vendor_rules(config)
    report = report or ReclassifyReport()
    for vendor in vendors:
        report.vendors.append(vendor)
        if vendor in rules:
            _reclassify_vendor(store, rules[vendor], org_vendors, report, sync_run_id)
    return report


def _reclassify_vendor(
    store: Store, rules: VendorRules, org_vendors: dict[str, str], report: ReclassifyReport, run_id: int | None
) -> None:
    rows = store.rows(f"SELECT {ARTIFACT_FIELDS} FROM artifacts WHERE vendor_id = ?", (rules.key,))
    labels, releases = label_artifacts(rows, rules, org_vendors)
    current = {row["id"]: tuple(row[c] for c in LABEL_COLUMNS) for row in rows}
    changed = [label for label in labels if current[label.artifact_id] != label.as_row()]
    old = {row["id"]: row for row in store.rows("SELECT id, tier FROM releases WHERE vendor_id = ?", (rules.key,))}
    new = {release.id: release for release in releases}
    now = now_iso()
    events: list[tuple[Any, ...]] = []
    for release_id, release in sorted(new.items()):
        if release_id not in old:
            report.new_releases.append(release_id)
            events.append((run_id, now, rules.key, "new-release", release_id, release_id, None, _s(release.tier)))
        elif old[release_id]["tier"] != _s(release.tier):
            report.tier_changes.append((release_id, old[release_id]["tier"], _s(release.tier)))
            events.append(
                (
                    run_id,
                    now,
                    rules.key,
                    "tier-changed",
                    release_id,
                    release_id,
                    old[release_id]["tier"],
                    _s(release.tier),
                )
            )
    report.removed_releases += sorted(set(old) - set(new))
    report.releases += len(new)
    report.artifacts_relabelled += len(changed)
    with store.transaction() as conn:
        conn.executemany(
            f"UPDATE artifacts SET {', '.join(f'{c} = ?' for c in LABEL_COLUMNS)} WHERE id = ?",
            [(*label.as_row(), label.artifact_id) for label in changed],
        )
        conn.execute("DELETE FROM releases WHERE vendor_id = ?", (rules.key,))
        if releases:
            rows = [release.as_row() for release in releases]
            columns = list(rows[0])
            conn.executemany(
                f"INSERT INTO releases ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                [tuple(row.values()) for row in rows],
            )
        conn.executemany(
            "INSERT INTO events (sync_run_id, at, vendor_id, type, release_id, subject, old_value, new_value) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )


def release_detail(store: Store, release_id: str) -> dict[str, Any] | None:
    rows = store.rows("SELECT * FROM releases WHERE id = ?", (release_id,))
    if not rows:
        return None
    release = rows[0]
    for key in ("licences", "kinds", "pipeline_tags", "evidence"):
        release[key] = json.loads(release[key])
    release["artifacts"] = store.rows(
        "SELECT kind, external_id, date, date_kind, tier, tier_reason, licence, gated, parameters, url "
        "FROM artifacts WHERE release_id = ? ORDER BY date IS NULL, date, external_id",
        (release_id,),
    )
    return release


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
