"""Questions answered from release rows: pure functions, no I/O.

A release row is a dict as stored in the `releases` table (JSON columns decoded or not).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from relwatch.averages import median
from relwatch.models import Openness

OPEN_TIERS = tuple(t.value for t in Openness if t.has_weights)
CLOSED_TIERS = tuple(t.value for t in Openness if t.is_closed)  # `unreleased` is neither: see Openness.is_closed
TIERS = tuple(t.value for t in Openness)
LICENCE_MIX = {
    "permissive": "permissive",
    "restricted": "custom",
    "noncommercial": "non-commercial",
    "unknown": "unknown",
}
# A release counts as "closed first, open later" when its weights came at least this long after
# its first API availability; same-week differences are publication noise, not a strategy.
CLOSED_FIRST_MIN_DAYS = 7
MODALITIES = {
    "text": {
        "text-generation",
        "text2text-generation",
        "conversational",
        "fill-mask",
        "summarization",
        "translation",
        "question-answering",
        "text-classification",
        "token-classification",
    },
    "vision": {
        "image-text-to-text",
        "image-to-text",
        "visual-question-answering",
        "image-classification",
        "object-detection",
        "image-segmentation",
        "zero-shot-image-classification",
        "video-text-to-text",
    },
    "image": {"text-to-image", "image-to-image", "unconditional-image-generation"},
    "audio": {
        "automatic-speech-recognition",
        "text-to-speech",
        "text-to-audio",
        "audio-classification",
        "audio-to-audio",
        "any-to-any",
    },
    "video": {"text-to-video", "image-to-video", "video-classification", "video-text-to-text"},
    "embedding": {"feature-extraction", "sentence-similarity", "text-ranking"},
}


# Catalogue modalities (OpenRouter `architecture.input_modalities`/`output_modalities` or its
# `modality` "text+image->text+audio", models.dev `modalities.input`/`output`) → the modalities
# above: what a model writes, and what it reads beyond text (an image-reading chat model is a
# vision model too, as `image-text-to-text` is). A model that writes media (image, audio, music,
# video) is a model of that medium even when it also returns some text (Lyria 3 Pro writes
# "text+audio": it is an audio model; Gemini 2.5 Flash Image writes "image+text": an image model).
CATALOGUE_OUTPUTS = {
    "text": {"text"},
    "image": {"image"},
    "audio": {"audio"},
    "music": {"audio"},
    "speech": {"audio"},
    "video": {"video"},
    "embeddings": {"embedding"},
    "embedding": {"embedding"},
}
MEDIA = frozenset({"image", "audio", "video"})
CATALOGUE_INPUTS = {"image": {"vision"}, "video": {"vision", "video"}, "audio": {"audio"}}


def modalities_of(pipeline_tags: Iterable[str], inputs: Iterable[str] = (), outputs: Iterable[str] = ()) -> set[str]:
    """The modalities (keys of MODALITIES) that Hub pipeline tags and one model's catalogue
    input/output modalities state; empty when no source states any. Media outputs (image, audio,
    music, video) outweigh text among the outputs: see CATALOGUE_OUTPUTS."""
    tags = set(pipeline_tags)
    found = {name for name, wanted in MODALITIES.items() if tags & wanted}
    written: set[str] = set()
    for output in outputs:
        written |= CATALOGUE_OUTPUTS.get(output.lower(), set())
    if written & MEDIA:
        written -= {"text"}
    found |= written
    if "text" in written:
        for given in inputs:
            found |= CATALOGUE_INPUTS.get(given.lower(), set())
    return found


def split_signature(signature: str) -> tuple[list[str], list[str]]:
    """OpenRouter's `modality` notation `text+image->text+audio` → (inputs, outputs); a
    signature without `->` states nothing: ([], [])."""
    given, arrow, written = signature.partition("->")
    if not arrow:
        return [], []
    return [m for m in given.split("+") if m], [m for m in written.split("+") if m]


def as_day(value: str) -> date:
    """`YYYY-MM-DD…` → that day; `YYYY-MM` → the first of the month."""
    return date.fromisoformat(value[:10] if len(value) >= 10 else value[:7] + "-01")


def days_between(earlier: str, later: str) -> int:
    """Whole days from `earlier` to `later` (ISO days or times; negative when `later` comes first)."""
    return (as_day(later) - as_day(earlier)).days


def period_of(value: str, by: str) -> str:
    """The period label of an ISO day for `by` (month, quarter, year): `2025-03`, `2025-Q1`, `2025`."""
    day = as_day(value)
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def periods_between(since: date, until: date, by: str) -> list[str]:
    """Every period label from `since` to `until`, in order."""
    labels: list[str] = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        label = period_of(f"{year}-{month:02d}-01", by)
        if label not in labels:
            labels.append(label)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return labels


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    """A release row with its JSON list columns (licences, kinds, pipeline tags, evidence) decoded."""
    out = dict(row)
    for key in ("licences", "kinds", "pipeline_tags", "evidence"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


@dataclass(kw_only=True)
class Selection:
    """The releases a window and filter keep, and per vendor how many were left out because no
    source states their modality (or pipeline tag): a filter never drops those silently."""

    releases: list[dict[str, Any]]
    unknown: dict[str, int] = field(default_factory=dict)


def select_releases(
    rows: Iterable[dict[str, Any]],
    *,
    since: str,
    until: str,
    pipeline: str | None = None,
    modality: str | None = None,
    stated: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> Selection:
    """Releases dated inside [since, until], optionally of one pipeline tag or modality.

    `stated` is release id → what its artifacts state (`Store.release_modalities`: pipeline_tags,
    inputs, outputs, and `signatures`, one `inputs->outputs` per catalogue model, each read by
    `modalities_of` on its own: a release of a text model and an image model is both); without it
    only the release's own pipeline tags are known. A release whose
    modality (or, for `pipeline`, whose tags) no source states is counted in `Selection.unknown`.
    """
    chosen = []
    unknown: Counter[str] = Counter()
    read: dict[tuple[frozenset[str], tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[str]] = {}
    nothing: Mapping[str, Sequence[str]] = {}
    for row in map(decoded, rows):
        if not row.get("date") or not since <= row["date"][:10] <= until:
            continue
        said = stated.get(row["id"], nothing) if stated else nothing
        tags = frozenset(row.get("pipeline_tags") or ()) | frozenset(said.get("pipeline_tags", ()))
        key = (tags, tuple(said.get("signatures", ())), tuple(said.get("inputs", ())), tuple(said.get("outputs", ())))
        if key not in read:  # most releases state one of a few combinations
            read[key] = stated_modalities(*key)
        row["modalities"] = list(read[key])
        if (pipeline and not tags) or (modality and not row["modalities"]):
            unknown[row["vendor"]] += 1
            continue
        if pipeline and pipeline not in tags:
            continue
        if modality and modality not in row["modalities"]:
            continue
        chosen.append(row)
    return Selection(releases=chosen, unknown=dict(unknown))


def stated_modalities(
    tags: Iterable[str], signatures: Sequence[str], inputs: Iterable[str], outputs: Iterable[str]
) -> list[str]:
    """The modalities (sorted keys of MODALITIES) that a release's pipeline tags and its catalogue
    models state: each `signatures` entry (`inputs->outputs`, one per catalogue model) read on its
    own, else the `inputs` and `outputs` lists together (`modalities_of`)."""
    found = modalities_of(tags)
    for signature in signatures:
        found |= modalities_of((), *split_signature(signature))
    if not signatures:
        found |= modalities_of((), inputs, outputs)
    return sorted(found)


@dataclass(kw_only=True)
class ReleaseRef:
    """A release named in a figure: its id, name, day, tier, size (parameters) and the kind of its
    day (`releases.date_source`) where known."""

    id: str
    name: str
    date: str | None
    tier: str | None
    parameters: int | None = None
    date_source: str | None = None


@dataclass(kw_only=True)
class ClosedThenOpen:
    """A release served closed first and published with weights later; `lag_days` between the two."""

    id: str
    name: str
    first_closed_at: str
    first_open_at: str
    lag_days: int


@dataclass(kw_only=True)
class VendorFigures:
    """One vendor's figures over the window; shares are fractions (0–1), None with nothing to share."""

    vendor: str
    releases: int = 0
    open_weights: int = 0
    open_share: float | None = None
    by_tier: dict[str, int] = field(default_factory=dict)
    licence_mix: dict[str, int] = field(default_factory=dict)
    # Over the releases whose size is known, and only when open and closed ones are both among
    # them: closed models rarely publish a size, so a share over open sizes alone is always 100 %.
    open_share_by_parameters: float | None = None
    sized_releases: int = 0
    sized_closed: int = 0
    closed_then_open: list[ClosedThenOpen] = field(default_factory=list)
    median_closed_to_open_days: float | None = None
    still_closed: list[str] = field(default_factory=list)
    largest_open: ReleaseRef | None = None
    latest_closed_flagship: ReleaseRef | None = None
    median_days_between_releases: float | None = None
    releases_per_quarter: float | None = None
    latest_open: ReleaseRef | None = None
    latest_closed: ReleaseRef | None = None

    def as_dict(self) -> dict[str, Any]:
        """The figures as `dataclasses.asdict` gives them (the named releases as dicts too)."""
        plain: dict[str, Any] = _plain(self)
        return plain


def _plain(value: Any) -> Any:
    """`dataclasses.asdict` of a record whose values are dataclasses, lists, dicts and immutable
    leaves (str, numbers, None): the same dicts and lists, without its deep copy of each leaf."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def vendor_figures(
    vendor: str,
    releases: Sequence[dict[str, Any]],
    *,
    since: str,
    until: str,
    prices: Mapping[str, Decimal] | None = None,
) -> VendorFigures:
    """Every compare figure for one vendor's releases inside the window; `prices` (release id →
    current output USD per 1M tokens of its dearest text offer) decide the latest closed flagship."""
    figures = VendorFigures(vendor=vendor, releases=len(releases))
    tiers = Counter(r.get("tier") for r in releases)
    figures.by_tier = {tier: tiers.get(tier, 0) for tier in TIERS}
    opened = [r for r in releases if r.get("tier") in OPEN_TIERS]
    closed = [r for r in releases if r.get("tier") in CLOSED_TIERS]
    figures.open_weights = len(opened)
    figures.open_share = _share(len(opened), len(releases))
    mix = Counter(LICENCE_MIX.get(r.get("licence_class") or "unknown", "unknown") for r in opened)
    figures.licence_mix = {label: mix.get(label, 0) for label in LICENCE_MIX.values()}
    sized = [r for r in releases if r.get("largest_parameters")]
    figures.sized_releases = len(sized)
    figures.sized_closed = sum(r.get("tier") in CLOSED_TIERS for r in sized)
    if figures.sized_closed and figures.sized_closed < len(sized):
        figures.open_share_by_parameters = _share(
            sum(r["largest_parameters"] for r in sized if r.get("tier") in OPEN_TIERS),
            sum(r["largest_parameters"] for r in sized),
        )
    figures.closed_then_open = closed_then_open(releases)
    lags = [c.lag_days for c in figures.closed_then_open]
    figures.median_closed_to_open_days = median(lags) if lags else None
    figures.still_closed = sorted(r["name"] for r in closed)
    figures.largest_open = _ref(
        max(opened, key=lambda r: r.get("largest_parameters") or 0, default=None)
        if any(r.get("largest_parameters") for r in opened)
        else None
    )
    figures.latest_open = _ref(_latest(opened))
    figures.latest_closed = _ref(_latest(closed))
    figures.latest_closed_flagship = _ref(closed_flagship(closed, prices or {}))
    days = sorted(as_day(r["date"]) for r in releases)
    gaps = [(b - a).days for a, b in pairwise(days)]
    figures.median_days_between_releases = median(gaps) if gaps else None
    quarters = len(periods_between(as_day(since), as_day(until), "quarter"))
    figures.releases_per_quarter = round(len(releases) / quarters, 2) if quarters else None
    return figures


def closed_then_open(releases: Iterable[dict[str, Any]]) -> list[ClosedThenOpen]:
    """Releases whose open weights came at least CLOSED_FIRST_MIN_DAYS after first API access."""
    found = []
    for r in releases:
        closed_at, open_at = r.get("first_closed_at"), r.get("first_open_at")
        if closed_at and open_at:
            lag = days_between(closed_at, open_at)
            if lag >= CLOSED_FIRST_MIN_DAYS:
                found.append(
                    ClosedThenOpen(
                        id=r["id"], name=r["name"], first_closed_at=closed_at, first_open_at=open_at, lag_days=lag
                    )
                )
    return sorted(found, key=lambda c: c.first_closed_at)


FLAGSHIP_WORDS = ("pro", "max", "ultra", "opus", "large", "turbo", "plus")


def closed_flagship(closed: Sequence[dict[str, Any]], prices: Mapping[str, Decimal]) -> dict[str, Any] | None:
    """The latest closed flagship, by evidence: the closed release whose text model costs most
    (output USD per 1M tokens, `prices`), ties to the later one; only when no closed release has a
    price, the latest named as a top tier (`is_flagship`), else the latest closed release."""
    priced = [r for r in closed if r["id"] in prices]
    if priced:
        return max(priced, key=lambda r: (prices[r["id"]], r.get("date") or ""))
    return _latest([r for r in closed if is_flagship(r)]) or _latest(closed)


def is_flagship(release: dict[str, Any]) -> bool:
    """A closed line that a vendor names as its top tier (Pro, Max, Ultra, Opus, …)."""
    return not set(release.get("family", "").split("-")).isdisjoint(FLAGSHIP_WORDS)


def timeline(
    releases: Sequence[dict[str, Any]], vendors: Sequence[str], *, since: str, until: str, by: str
) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """(period labels, vendor → period → tiers of its releases, most open first)."""
    labels = periods_between(as_day(since), as_day(until), by)
    cells: dict[str, dict[str, list[str]]] = {v: {label: [] for label in labels} for v in vendors}
    for r in releases:
        label = period_of(r["date"], by)
        if r["vendor"] in cells and label in cells[r["vendor"]]:
            cells[r["vendor"]][label].append(r.get("tier") or "unknown")
    rank = {tier: index for index, tier in enumerate(TIERS)}
    for by_period in cells.values():
        for tiers in by_period.values():
            tiers.sort(key=lambda t: rank.get(t, len(TIERS)))
    return labels, cells


def per_period(
    releases: Sequence[dict[str, Any]], vendors: Sequence[str], *, since: str, until: str, by: str
) -> list[dict[str, Any]]:
    """Releases, open-weights releases and open share per vendor and period."""
    labels, cells = timeline(releases, vendors, since=since, until=until, by=by)
    rows = []
    for vendor in vendors:
        for label in labels:
            tiers = cells[vendor][label]
            opened = sum(t in OPEN_TIERS for t in tiers)
            rows.append(
                {
                    "vendor": vendor,
                    "period": label,
                    "releases": len(tiers),
                    "open_weights": opened,
                    "open_share": _share(opened, len(tiers)),
                }
            )
    return rows


def _latest(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    return max(rows, key=lambda r: r["date"], default=None)


def _ref(row: dict[str, Any] | None) -> ReleaseRef | None:
    if row is None:
        return None
    return ReleaseRef(
        id=row["id"],
        name=row["name"],
        date=row.get("date"),
        tier=row.get("tier"),
        parameters=row.get("largest_parameters"),
        date_source=row.get("date_source"),
    )


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass(kw_only=True)
class Comparison:
    """The result of `compare_releases`: each vendor's figures, per-period rows and the timeline marks."""

    since: str
    until: str
    by: str | None
    pipeline: str | None
    modality: str | None
    vendors: list[VendorFigures]
    periods: list[dict[str, Any]]
    timeline_labels: list[str]
    timeline: dict[str, dict[str, list[str]]]
    unknown_modality: dict[str, int] = field(default_factory=dict)  # vendor → releases left out
    counted: list[str] = field(default_factory=list)  # ids of the releases the figures count

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": {"since": self.since, "until": self.until, "by": self.by},
            "filters": {
                "pipeline": self.pipeline,
                "modality": self.modality,
                "left_out_unknown": self.unknown_modality,
            },
            "vendors": [v.as_dict() for v in self.vendors],
            "periods": self.periods,
            "timeline": {"periods": self.timeline_labels, "vendors": self.timeline},
        }


def compare_releases(
    rows: Iterable[dict[str, Any]],
    vendors: Sequence[str],
    *,
    since: str,
    until: str,
    by: str | None = None,
    pipeline: str | None = None,
    modality: str | None = None,
    stated: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    prices: Mapping[str, Decimal] | None = None,
) -> Comparison:
    """Side-by-side figures for `vendors` over [since, until]; per period too when `by` is set.
    `stated`: what the artifacts state about modalities, as `select_releases` takes it.
    `prices`: release id → its dearest current text offer's output USD per 1M tokens (the evidence
    for the latest closed flagship; `Store.release_output_prices`)."""
    selection = select_releases(rows, since=since, until=until, pipeline=pipeline, modality=modality, stated=stated)
    chosen = selection.releases
    per_vendor = {v: [r for r in chosen if r["vendor"] == v] for v in vendors}
    figures = [vendor_figures(v, per_vendor[v], since=since, until=until, prices=prices) for v in vendors]
    labels, cells = timeline(chosen, vendors, since=since, until=until, by=by or "month")
    periods = per_period(chosen, vendors, since=since, until=until, by=by) if by else []
    return Comparison(
        since=since,
        until=until,
        by=by,
        pipeline=pipeline,
        modality=modality,
        vendors=figures,
        periods=periods,
        timeline_labels=labels,
        timeline=cells,
        unknown_modality={v: selection.unknown[v] for v in vendors if selection.unknown.get(v)},
        counted=[r["id"] for r in chosen if r["vendor"] in per_vendor],
    )


EVENT_ORDER = (
    "new-release",
    "tier-changed",
    "weights-found",
    "price-cut",
    "price-rise",
    "model-retired",
    "licence-changed",
    "gated-changed",
    "artifact-gone",
    "new-artifact",
)


def is_opening(event: dict[str, Any]) -> bool:
    """A tier change from closed (or unknown) to open weights: the change this tool exists to catch.
    Weights found late (`weights-found`, `relwatch.releases.weights_found_late`) are not openings."""
    return (
        event["type"] == "tier-changed"
        and event.get("new_value") in OPEN_TIERS
        and event.get("old_value") not in OPEN_TIERS
    )


def group_events(events: Iterable[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """vendor → event type → events, types in EVENT_ORDER, openings first among tier changes."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for event in events:
        by_type = grouped.setdefault(event["vendor_id"], {kind: [] for kind in EVENT_ORDER})
        by_type.setdefault(event["type"], []).append(event)
    for by_type in grouped.values():
        by_type["tier-changed"].sort(key=lambda e: not is_opening(e))
    return dict(sorted(grouped.items()))
