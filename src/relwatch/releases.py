"""Rebuild releases from stored artifacts, and record what changed as events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relwatch.classify import VendorRules, label_artifacts
from relwatch.config import Config, compile_family
from relwatch.dates import now_iso
from relwatch.models import EventType
from relwatch.store import Store
from relwatch.store.releases import LABEL_COLUMNS, ReleaseEvent

HUB_ORG_KINDS = ("huggingface", "modelscope")


@dataclass(kw_only=True)
class ReclassifyReport:
    """What reclassification did: vendors done, releases built, artifacts relabelled, release ids
    new and removed, and tier changes as (release id, old tier, new tier)."""

    vendors: list[str] = field(default_factory=list)
    releases: int = 0
    artifacts_relabelled: int = 0
    new_releases: list[str] = field(default_factory=list)
    tier_changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    removed_releases: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything changed."""
        return bool(self.artifacts_relabelled or self.new_releases or self.tier_changes or self.removed_releases)


def vendor_rules(config: Config) -> tuple[dict[str, VendorRules], dict[str, str]]:
    """Per vendor: its hub orgs and family overrides; and every hub org → its vendor."""
    rules: dict[str, VendorRules] = {}
    org_vendors: dict[str, str] = {}
    for vendor in config.vendors.values():
        orgs = {s.option("org").lower() for s in vendor.sources if s.kind in HUB_ORG_KINDS and s.option("org")}
        for org in orgs:
            org_vendors.setdefault(org, vendor.key)
        overrides = tuple((compile_family(pattern), family) for pattern, family in vendor.families)
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
    rows = store.vendor_artifacts(rules.key)
    labels, releases = label_artifacts(rows, rules, org_vendors)
    current = {row["id"]: tuple(row[c] for c in LABEL_COLUMNS) for row in rows}
    changed = [label for label in labels if current[label.artifact_id] != label.as_row()]
    old = store.release_tiers(rules.key)
    new = {release.id: release for release in releases}
    events: list[ReleaseEvent] = []
    for release_id, release in sorted(new.items()):
        tier = _s(release.tier)
        if release_id not in old:
            report.new_releases.append(release_id)
            events.append(
                ReleaseEvent(type=EventType.NEW_RELEASE, release_id=release_id, old_value=None, new_value=tier)
            )
        elif old[release_id] != tier:
            report.tier_changes.append((release_id, old[release_id], tier))
            events.append(
                ReleaseEvent(
                    type=EventType.TIER_CHANGED, release_id=release_id, old_value=old[release_id], new_value=tier
                )
            )
    report.removed_releases += sorted(set(old) - set(new))
    report.releases += len(new)
    report.artifacts_relabelled += len(changed)
    store.replace_vendor_releases(
        rules.key,
        relabelled=[(*label.as_row(), label.artifact_id) for label in changed],
        releases=[release.as_row() for release in releases],
        events=events,
        sync_run_id=run_id,
        at=now_iso(),
    )


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
