"""Rebuild releases from stored artifacts, and record what changed as events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relwatch.classify import ArtifactLabel, VendorRules, label_artifacts
from relwatch.config import Config, VendorConfig, compile_family
from relwatch.dates import now_iso
from relwatch.kinds import HubOrgOptions
from relwatch.labeller import Labeller
from relwatch.models import EventType, Openness, Release
from relwatch.store import Store
from relwatch.store.releases import LABEL_COLUMNS, ReleaseEvent

WEIGHTS_VALUES = frozenset(t.value for t in Openness if t.has_weights)


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
    return {key: rules_of(vendor) for key, vendor in config.vendors.items()}, org_vendors_of(config)


def rules_of(vendor: VendorConfig) -> VendorRules:
    """A vendor's hub orgs (lower case) and its family overrides, compiled."""
    overrides = tuple((compile_family(pattern), family) for pattern, family in vendor.families)
    return VendorRules(key=vendor.key, orgs=frozenset(_hub_orgs(vendor)), overrides=overrides)


def org_vendors_of(config: Config) -> dict[str, str]:
    """Every hub org (lower case) → the first vendor, in config order, that lists it."""
    org_vendors: dict[str, str] = {}
    for vendor in config.vendors.values():
        for org in _hub_orgs(vendor):
            org_vendors.setdefault(org, vendor.key)
    return org_vendors


def _hub_orgs(vendor: VendorConfig) -> set[str]:
    return {s.options.org.lower() for s in vendor.sources if isinstance(s.options, HubOrgOptions)}


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
    org_vendors = org_vendors_of(config)
    report = report or ReclassifyReport()
    for vendor in vendors:
        report.vendors.append(vendor)
        if vendor in config.vendors:
            rules = rules_of(config.vendors[vendor])
            rows = store.vendor_artifacts(rules.key)
            labels, releases = label_artifacts(rows, rules, org_vendors)
            _store_labels(store, rules.key, rows, labels, releases, report, sync_run_id)
    return report


async def reclassify_apart(
    store: Store, config: Config, vendor: str, labeller: Labeller, *, sync_run_id: int, report: ReclassifyReport
) -> ReclassifyReport:
    """`reclassify` of one vendor whose labelling (`classify.label_artifacts`, nearly all of the
    work) `labeller` may run in a worker process: the event loop goes on meanwhile. The vendor's
    artifacts are read before and the labels written after, here, on the store's connection."""
    if vendor in config.vendors:
        rules = rules_of(config.vendors[vendor])
        rows = store.vendor_artifacts(rules.key)
        labels, releases = await labeller.label(rows, rules, org_vendors_of(config))
        _store_labels(store, rules.key, rows, labels, releases, report, sync_run_id)
    report.vendors.append(vendor)
    return report


def _store_labels(
    store: Store,
    vendor: str,
    rows: list[dict[str, Any]],
    labels: list[ArtifactLabel],
    releases: list[Release],
    report: ReclassifyReport,
    run_id: int | None,
) -> None:
    """Write the labels that changed, the vendor's releases and their events; add to `report`."""
    current = {row["id"]: tuple(row[c] for c in LABEL_COLUMNS) for row in rows}
    changed = [label for label in labels if current[label.artifact_id] != label.as_row()]
    stored = store.vendor_release_rows(vendor)
    old = {row["id"]: row["tier"] for row in stored}
    closed = {row["id"]: row["first_closed_at"] for row in stored}
    previous: list[str | None] = []  # the vendor's previous read, asked for at the first tier change
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
            if not previous:
                previous.append(store.previous_read(vendor, run_id))
            late = weights_found_late(old[release_id], release, previous[0], closed.get(release_id))
            kind = EventType.WEIGHTS_FOUND if late else EventType.TIER_CHANGED
            events.append(ReleaseEvent(type=kind, release_id=release_id, old_value=old[release_id], new_value=tier))
    report.removed_releases += sorted(set(old) - set(new))
    report.releases += len(new)
    report.artifacts_relabelled += len(changed)
    release_rows = [release.as_row() for release in releases]
    if not changed and not events and _as_stored(release_rows, stored):
        return  # labels and releases as stored: a nightly whose news changed no release writes nothing
    store.replace_vendor_releases(
        vendor,
        relabelled=[(*label.as_row(), label.artifact_id) for label in changed],
        releases=release_rows,
        events=events,
        sync_run_id=run_id,
        at=now_iso(),
    )


def _as_stored(rows: list[dict[str, Any]], stored: list[dict[str, Any]]) -> bool:
    """Whether release rows to write are the stored ones, column for column and in order (pure)."""
    return len(rows) == len(stored) and all(
        all(old.get(column) == value for column, value in row.items()) for row, old in zip(rows, stored, strict=True)
    )


def weights_found_late(
    old_tier: str | None, release: Release, previous_read: str | None, first_closed: str | None
) -> bool:
    """Whether a move to open weights is evidence found late rather than an opening: the new
    tier has weights, the old one had none, and the weights' date (`first_open_at`: a Hub
    repository's creation, or the listing of a catalogue entry that points at the weights) is a
    day before the vendor's previous successful read (`previous_read`), or no later than the
    release's first closed availability (`first_closed`, as stored before). The vendor opened
    nothing since the last look: relwatch found out (OpenRouter began carrying `hugging_face_id`
    for Gemma 2, Llama 3… in 2025). Undated weights count as an opening."""
    opened = release.tier is not None and release.tier.has_weights
    if not opened or old_tier in WEIGHTS_VALUES or not release.first_open_at:
        return False
    weights_day = release.first_open_at[:10]
    return bool(previous_read and weights_day < previous_read[:10]) or bool(
        first_closed and weights_day <= first_closed[:10]
    )


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
