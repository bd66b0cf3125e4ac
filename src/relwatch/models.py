"""The records that pass between sources, the store and the analysis."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relwatch.licences import LicenceClass


class Openness(StrEnum):
    """Access tiers, most open first, named to line up with Epoch AI's "Model accessibility"."""

    OPEN = "open"
    OPEN_RESTRICTED = "open-restricted"
    OPEN_NONCOMMERCIAL = "open-noncommercial"
    API = "api"
    HOSTED = "hosted"
    UNRELEASED = "unreleased"

    @property
    def has_weights(self) -> bool:
        """Whether the weights are out ("open" in `--open`, open shares and `first_open_at`)."""
        return self in WEIGHTS_TIERS

    @property
    def is_closed(self) -> bool:
        """Whether it is available without its weights: an API or a hosted product.

        `unreleased` is neither open nor closed: nothing is available yet, so it counts in no
        open or closed share and never sets `first_closed_at`.
        """
        return self in CLOSED_TIERS

    @property
    def rank(self) -> int:
        """0 for the most open tier; lower is more open."""
        return list(Openness).index(self)


WEIGHTS_TIERS = frozenset({Openness.OPEN, Openness.OPEN_RESTRICTED, Openness.OPEN_NONCOMMERCIAL})
CLOSED_TIERS = frozenset({Openness.API, Openness.HOSTED})
TIER_VALUES = frozenset(tier.value for tier in Openness)  # what a stored tier column holds when it is one of ours


class DateKind(StrEnum):
    """What an artifact's date means; sources mean different things by a date."""

    ANNOUNCED = "announced"  # the vendor's own announcement (changelog, release notes, feed)
    PUBLISHED = "published"  # a publication the vendor made (GitHub release, catalogue release date)
    REPO_CREATED = "repo-created"  # a hub repository's creation (may precede going public)
    LISTED = "listed"  # a third party listed it (OpenRouter's `created`)


class EventType(StrEnum):
    """What an event records (the `events.type` column)."""

    NEW_ARTIFACT = "new-artifact"  # a source reports an id it never reported before
    NEW_RELEASE = "new-release"  # reclassification built a release that did not exist
    TIER_CHANGED = "tier-changed"  # a release's tier moved (old_value → new_value)
    WEIGHTS_FOUND = "weights-found"  # moved to open weights on evidence dated before it was seen closed
    LICENCE_CHANGED = "licence-changed"  # an artifact's licence moved
    GATED_CHANGED = "gated-changed"  # an artifact's gating moved
    ARTIFACT_GONE = "artifact-gone"  # a complete listing no longer holds the artifact
    PRICE_CUT = "price-cut"  # an offer's price went down (old_value → new_value: prices in USD per 1M)
    PRICE_RISE = "price-rise"  # an offer's price went up
    MODEL_RETIRED = "model-retired"  # a catalogue model left a complete listing


class Period(StrEnum):
    """The periods figures are grouped by (`compare --by`, the price-and-value block per period)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class SourceStatus(StrEnum):
    """How one source's read in a sync ended (the `source_runs.status` column)."""

    OK = "ok"  # read and merged
    FAILED = "failed"  # an error: nothing merged
    WAITING = "waiting"  # the host asked to wait (rate limit): nothing read or merged
    SKIPPED = "skipped"  # a replay held no recording of it


class RunStatus(StrEnum):
    """How a whole sync run ended (the `sync_runs.status` column)."""

    RUNNING = "running"  # started, not finished yet (or killed: see INTERRUPTED)
    OK = "ok"  # no source failed
    PARTIAL = "partial"  # some sources failed
    FAILED = "failed"  # every source failed
    INTERRUPTED = "interrupted"  # found still running by the next sync: the process died


@dataclass(kw_only=True)
class SourceCounts:
    """Every count one source's read in a sync keeps (the `source_runs` columns of the same names,
    the `sync --json` totals): requests made, those answered 304, pages answered by another
    source's response to the same URL, bytes received, pages read, distinct items the listing
    held, and artifacts new, updated (content changed, or back after being gone) and gone."""

    requests: int = 0
    not_modified: int = 0
    shared: int = 0
    bytes: int = 0
    pages: int = 0
    items: int = 0
    new: int = 0
    updated: int = 0
    gone: int = 0


SOURCE_COUNTS = tuple(f.name for f in fields(SourceCounts))

# Artifact fields that move without the artifact changing (and the same keys in its raw payload,
# where the Hub's `downloadsAllTime` is one more): stored as the latest values and in the adoption
# series (`artifact_metrics`), left out of the content hash (issue 14, item 1; issue 13, item 4).
VOLATILE_FIELDS = ("downloads", "likes", "downloadsAllTime")


@dataclass(kw_only=True, slots=True)
class Artifact:
    """One thing one source reports, keyed by (source, external_id)."""

    external_id: str
    name: str
    url: str | None = None
    date: str | None = None  # ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DD`
    date_kind: DateKind | None = None
    modified_at: str | None = None
    licence: str | None = None
    licence_link: str | None = None
    gated: bool | None = None
    pipeline_tag: str | None = None
    library: str | None = None
    parameters: int | None = None
    base_models: list[str] = field(default_factory=list)
    downloads: int | None = None
    likes: int | None = None
    tier_hint: Openness | None = None  # what the source itself says about access
    weights_ref: str | None = None  # where the weights are, when the source points elsewhere
    family_hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    raw: Any = None


@dataclass(kw_only=True)
class Evidence:
    """One claim about a release's access, from its first artifact; `artifacts` make the same claim
    (an element of the `releases.evidence` JSON list)."""

    tier: Openness
    reason: str
    artifact: str  # `kind:external_id`
    url: str | None = None
    licence: str | None = None
    licence_class: LicenceClass | None = None
    artifacts: int = 1

    def as_dict(self) -> dict[str, Any]:
        """The claim as stored in `releases.evidence` (enums as their values)."""
        return {
            "tier": str(self.tier),
            "reason": self.reason,
            "artifact": self.artifact,
            "url": self.url,
            "licence": self.licence,
            "licence_class": _text(self.licence_class),
            "artifacts": self.artifacts,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Evidence | None:
        """A stored claim read back; None when its tier is no tier (written by hand or a newer relwatch)."""
        tier = tier_or_none(stored.get("tier"))
        if tier is None:
            return None
        return cls(
            tier=tier,
            reason=str(stored.get("reason") or ""),
            artifact=str(stored.get("artifact") or ""),
            url=stored.get("url"),
            licence=stored.get("licence"),
            licence_class=licence_class_or_none(stored.get("licence_class")),
            artifacts=int(stored.get("artifacts") or 1),
        )


@dataclass(kw_only=True)
class Release:
    """A release (a model line's launch, all its repositories and listings together): one row of
    the `releases` table. Dates are ISO 8601 UTC strings as stored; `largest_parameters` a count."""

    id: str  # `vendor/family`
    vendor: str
    family: str
    name: str
    tier: Openness | None = None
    tier_reason: str = ""
    licence_class: LicenceClass | None = None
    licences: list[str] = field(default_factory=list)
    date: str | None = None
    date_source: str | None = None
    announced_at: str | None = None
    first_closed_at: str | None = None
    first_open_at: str | None = None
    first_seen: str | None = None
    largest_parameters: int | None = None
    parameters_source: str | None = None
    artifact_count: int = 0
    kinds: list[str] = field(default_factory=list)
    pipeline_tags: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        """The `releases` row to store: enums as values, lists as JSON text."""
        row = self.as_record()
        row["vendor_id"] = row.pop("vendor")
        for key in ("licences", "kinds", "pipeline_tags"):
            row[key] = json.dumps(row[key])
        row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Release:
        """A stored `releases` row read back (JSON lists decoded; a tier or licence class that is
        none of ours reads as None, a JSON column that is no list as an empty list)."""
        evidence = (Evidence.from_dict(e) for e in _json_list(row["evidence"]) if isinstance(e, dict))
        return cls(
            id=row["id"],
            vendor=row["vendor_id"],
            family=row["family"],
            name=row["name"],
            tier=tier_or_none(row["tier"]),
            tier_reason=row["tier_reason"] or "",
            licence_class=licence_class_or_none(row["licence_class"]),
            licences=_json_list(row["licences"]),
            date=row["date"],
            date_source=row["date_source"],
            announced_at=row["announced_at"],
            first_closed_at=row["first_closed_at"],
            first_open_at=row["first_open_at"],
            first_seen=row["first_seen"],
            largest_parameters=row["largest_parameters"],
            parameters_source=row["parameters_source"],
            artifact_count=row["artifact_count"] or 0,
            kinds=_json_list(row["kinds"]),
            pipeline_tags=_json_list(row["pipeline_tags"]),
            evidence=[e for e in evidence if e is not None],
        )

    def as_record(self) -> dict[str, Any]:
        """The release as one flat record by column name for output and the analysis: `vendor` for
        `vendor_id`, enums as their values, lists as lists, evidence as stored."""
        return {
            "vendor": self.vendor,
            "id": self.id,
            "family": self.family,
            "name": self.name,
            "tier": _text(self.tier),
            "tier_reason": self.tier_reason,
            "licence_class": _text(self.licence_class),
            "licences": list(self.licences),
            "date": self.date,
            "date_source": self.date_source,
            "announced_at": self.announced_at,
            "first_closed_at": self.first_closed_at,
            "first_open_at": self.first_open_at,
            "first_seen": self.first_seen,
            "largest_parameters": self.largest_parameters,
            "parameters_source": self.parameters_source,
            "artifact_count": self.artifact_count,
            "kinds": list(self.kinds),
            "pipeline_tags": list(self.pipeline_tags),
            "evidence": [e.as_dict() for e in self.evidence],
        }


# The fields of `Release.as_record` that the compare figures read (relwatch.analysis): no
# evidence, licences or kinds, whose decoding is most of a release's.
FIGURE_FIELDS = (
    "vendor",
    "id",
    "family",
    "name",
    "tier",
    "licence_class",
    "date",
    "date_source",
    "first_closed_at",
    "first_open_at",
    "largest_parameters",
    "pipeline_tags",
)


def figure_record(values: Iterable[Any]) -> dict[str, Any]:
    """A stored release's FIGURE_FIELDS, in that order (`vendor` is `vendor_id`) → those fields of
    its `Release.as_record`, decoded as `Release.from_row` decodes them: a tier that is none of ours
    reads as None, `pipeline_tags` as a list. `licence_class` stays as stored: the figures count a
    class they do not know as unknown, as they count None (`analysis.LICENCE_MIX`)."""
    record = dict(zip(FIGURE_FIELDS, values, strict=True))
    tier = record["tier"]
    record["tier"] = tier if isinstance(tier, str) and tier in TIER_VALUES else None
    record["pipeline_tags"] = _json_list(record["pipeline_tags"])
    return record


@dataclass(frozen=True, kw_only=True)
class ReleaseArtifact:
    """One artifact of a release as `show` lists it (a subset of the `artifacts` row)."""

    kind: str
    external_id: str
    date: str | None
    date_kind: str | None
    tier: str | None
    tier_reason: str | None
    licence: str | None
    gated: bool | None
    parameters: int | None
    url: str | None


@dataclass(frozen=True, kw_only=True)
class ListedArtifact:
    """One artifact as `list --artifacts` lists it (a subset of the `artifacts` row, `vendor` for
    `vendor_id`); `parameters`, `downloads` and `likes` are counts."""

    vendor: str
    kind: str
    external_id: str
    name: str
    date: str | None
    date_kind: str | None
    tier: str | None
    licence: str | None
    gated: bool | None
    pipeline_tag: str | None
    parameters: int | None
    downloads: int | None
    likes: int | None
    release_id: str | None
    derivative_of: str | None
    url: str | None


@dataclass(frozen=True, kw_only=True)
class ReleaseDetail:
    """A release with its artifacts, oldest first (`show`)."""

    release: Release
    artifacts: list[ReleaseArtifact]


def tier_or_none(value: object) -> Openness | None:
    """The tier a stored value names; None for None or a value that is no tier."""
    try:
        return Openness(value) if isinstance(value, str) else None
    except ValueError:
        return None


def licence_class_or_none(value: object) -> LicenceClass | None:
    """The licence class a stored value names; None for None or a value that is no class."""
    from relwatch.licences import LicenceClass  # its patterns cost `list` start-up; only a release needs it

    try:
        return LicenceClass(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _json_list(value: object) -> list[Any]:
    """A stored JSON list column as a list; an empty list for anything else."""
    if not isinstance(value, str):
        return value if isinstance(value, list) else []
    if value == "[]":  # most stored lists
        return []
    import orjson  # loaded by the first stored list read: a command that reads none starts without it

    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        return []
    return decoded if isinstance(decoded, list) else []


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def match_vendor(name: str, vendors: Iterable[tuple[str, str, Iterable[str]]]) -> str | None:
    """The key of the vendor (key, display name, aliases) that `name` names, in any case."""
    wanted = name.strip().lower()
    for key, display, aliases in vendors:
        if wanted in {key, display.lower(), *(a.lower() for a in aliases)}:
            return key
    return None
