"""The records that pass between sources, the store and the analysis."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
        return self in (Openness.OPEN, Openness.OPEN_RESTRICTED, Openness.OPEN_NONCOMMERCIAL)

    @property
    def rank(self) -> int:
        """0 for the most open tier; lower is more open."""
        return list(Openness).index(self)


class DateKind(StrEnum):
    """What an artifact's date means; sources mean different things by a date."""

    ANNOUNCED = "announced"  # the vendor's own announcement (changelog, release notes, feed)
    PUBLISHED = "published"  # a publication the vendor made (GitHub release, catalogue release date)
    REPO_CREATED = "repo-created"  # a hub repository's creation (may precede going public)
    LISTED = "listed"  # a third party listed it (OpenRouter's `created`)


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
