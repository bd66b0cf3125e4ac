"""The records that pass between sources, the store and the analysis."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


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


def match_vendor(name: str, vendors: Iterable[tuple[str, str, Iterable[str]]]) -> str | None:
    """The key of the vendor (key, display name, aliases) that `name` names, in any case."""
    wanted = name.strip().lower()
    for key, display, aliases in vendors:
        if wanted in {key, display.lower(), *(a.lower() for a in aliases)}:
            return key
    return None
