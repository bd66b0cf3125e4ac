"""A public price ledger of OpenRouter's catalogue: backfilled price observations.

`GET {url}` answers `{"as_of": "YYYY-MM-DD", "model_count": N, "models": {<OpenRouter id>:
{"name", "first_seen", "last_seen", "present_now", "points": [[date, input, output], …]}}}`,
prices in USD per 1M tokens at each observed change, oldest first (the shape of
github.com/jvrck/openrouterlist `data/history/prices.json`, MIT, updated twice a day; third-party
data). Fields relied on: `models`, and per model `points`; `first_seen`, `last_seen`,
`present_now`, `name` and `as_of` are read when present.

What it gives (`parse_ledger`): one price observation per point, dated by the ledger, as an offer
of OpenRouter (seller `openrouter`, channel aggregator; a `:free` id is its base model's free
variant) with the ledger's two components, input and output, converted exactly to OpenRouter's
own unit (`prompt`, `completion`, USD per token; marked incomplete) so that a later live read
compares with them on those two components;
the cuts and rises between consecutive points; and, for each model no longer listed
(`present_now` false), an artifact dated by its `first_seen` that carries `first_seen` and
`last_seen`, and its `model-retired` event on `last_seen`. Those retired models are what the
fetch yields as artifacts: models still listed come from the `openrouter` source itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Context, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from relwatch.errors import SourceError
from relwatch.kinds import PriceHistoryOptions, options_as
from relwatch.models import Artifact, DateKind, EventType, Openness
from relwatch.prices import (
    AGGREGATOR,
    MAX_PER_UNIT,
    MILLION,
    Channel,
    Observation,
    Offer,
    Price,
    PriceEvent,
    Quote,
    Unit,
    observe,
    split_variant,
)
from relwatch.sources.base import Page, follow_pages, text_or_none
from relwatch.sources.items import Parsed
from relwatch.sources.mentions import page_url
from relwatch.sources.openrouter import PricedParsed

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

OPTIONS = PriceHistoryOptions
COMPLETE_LISTING = False  # it yields retired models only: the listed ones are not in its answer
STEADY_COUNT = False
SOURCE_NAME = "price-history"
FLOAT_DIGITS = Context(prec=15)  # the decimal digits an IEEE 754 double always keeps (DBL_DIG)
MODEL_URL = "https://openrouter.ai/{}"


@dataclass(frozen=True, kw_only=True, slots=True)
class LedgerRead:
    """What one ledger holds: observations (oldest first per offer), the price events between its
    points and the retirements, artifacts for its retired models, and the date it is as of."""

    as_of: str | None
    observations: list[Observation]
    events: list[PriceEvent]
    retired: list[Artifact]
    skipped: list[str]


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    options = options_as(source.options, PriceHistoryOptions)
    author = options.author

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        read = parse_ledger(author_ledger(fetched.json(), author), fetched.url, source.id)
        parsed = PricedParsed(Parsed(read.retired, read.skipped))
        parsed.prices.observations.extend(read.observations)
        parsed.prices.events.extend(read.events)
        return parsed, None

    return follow_pages(session, ledger_url(options.url, source.base_url), parse_page)


def ledger_url(url: str, base_url: str) -> str:
    """`url` as configured; with a `base_url` other than the default host, moved onto it (a mirror
    or a test server stands in for the host, `page_url`)."""
    return url if base_url.rstrip("/") == OPTIONS.DEFAULT_BASE_URL else page_url(url, base_url)


def author_ledger(payload: Any, author: str) -> Any:
    """The ledger with only `author`'s models (by the id's part before '/', any case); the payload
    itself when it has no `models` object (`parse_ledger` then says why)."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("models"), Mapping):
        return payload
    wanted = author.lower()
    models = {k: v for k, v in payload["models"].items() if isinstance(k, str) and k.split("/", 1)[0].lower() == wanted}
    return {**payload, "models": models}


def parse_ledger(payload: Any, where: str, source: str = SOURCE_NAME, today: str | None = None) -> LedgerRead:
    """A ledger document → its observations, events and retired models.

    Raises SourceError naming `where` when the document has no `models` object. A model entry or a
    point that cannot be read (not `[YYYY-MM-DD, number, number]`, a price outside `_per_token`'s
    bounds, or dated after the ledger's `as_of` or after `today`, UTC by default: a ledger cannot
    know a future price) is left out and named in `skipped`; the rest is kept.
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("models"), Mapping):
        raise SourceError(f"expected a JSON object with a 'models' object of price histories from {where}")
    as_of = _day(payload.get("as_of"))
    horizon = min(day for day in (as_of, today or datetime.now(UTC).date().isoformat()) if day is not None)
    observations: list[Observation] = []
    events: list[PriceEvent] = []
    retired: list[Artifact] = []
    skipped: list[str] = []
    for model_id, entry in payload["models"].items():
        if not isinstance(model_id, str) or "/" not in model_id or not isinstance(entry, Mapping):
            skipped.append(f"model {str(model_id)[:80]!r} is not an 'author/slug' id with an object of history")
            continue
        try:
            quotes = model_points(model_id, entry, f"model {model_id}", horizon, skipped)
        except SourceError as exc:
            skipped.append(str(exc))
            continue
        rows, changes = model_history(quotes, _day(entry.get("last_seen")), source)
        observations.extend(rows)
        events.extend(changes)
        if entry.get("present_now") is False:
            artifact = retired_artifact(model_id, entry)
            retired.append(artifact)
            last_seen = artifact.extra.get("last_seen")
            if last_seen:
                events.append(PriceEvent(kind=EventType.MODEL_RETIRED, offer=_offer(model_id), at=last_seen))
    return LedgerRead(as_of=as_of, observations=observations, events=events, retired=retired, skipped=skipped)


def model_points(
    model_id: str, entry: Mapping[str, Any], where: str, horizon: str, skipped: list[str]
) -> list[tuple[str, Quote]]:
    """One model's readable points dated up to `horizon`, in date order; each point left out is
    named in `skipped`. Raises SourceError naming `where` when `points` is not a list."""
    points = entry.get("points")
    if not isinstance(points, list):
        raise SourceError(f"{where}: 'points' is not a list")
    quotes: list[tuple[str, Quote]] = []
    for i, point in enumerate(points):
        try:
            day, quote = _point(model_id, point, f"{where} point {i}")
        except SourceError as exc:
            skipped.append(str(exc))
            continue
        if day > horizon:
            skipped.append(f"{where} point {i}: dated {day}, after the ledger's date {horizon}")
            continue
        quotes.append((day, quote))
    return sorted(quotes, key=_at)


def model_history(
    quotes: list[tuple[str, Quote]], last_seen: str | None, source: str = SOURCE_NAME
) -> tuple[list[Observation], list[PriceEvent]]:
    """One model's dated quotes (in date order) → its observations and the cuts and rises between them.

    An observation runs from its point's date to the day before the next point (the ledger is
    captured twice a day, so that is the last day the old price was seen), the last one to
    `last_seen` (or its own date when the ledger gives none).
    """
    rows: list[Observation] = []
    events: list[PriceEvent] = []
    for i, (day, quote) in enumerate(quotes):
        step = observe(rows[-1] if rows else None, quote, day, source)
        if step.event is None and rows:
            rows[-1] = step.row  # an unchanged repeat only extends the observation before
        else:
            rows.append(step.row)
        if step.event is not None:
            events.append(step.event)
        until = _day_before(quotes[i + 1][0]) if i + 1 < len(quotes) else last_seen
        if until is not None and until > rows[-1].last_observed:
            rows[-1] = Observation(
                offer=rows[-1].offer,
                price=rows[-1].price,
                first_observed=rows[-1].first_observed,
                last_observed=until,
                source=source,
            )
    return rows, events


def retired_artifact(model_id: str, entry: Mapping[str, Any]) -> Artifact:
    """A model the ledger saw leave the catalogue, dated by its `first_seen` (when OpenRouter
    listed it), with `first_seen` and `last_seen` in `extra`."""
    first_seen, last_seen = _day(entry.get("first_seen")), _day(entry.get("last_seen"))
    name = text_or_none(entry.get("name"))
    extra = {"first_seen": first_seen, "last_seen": last_seen, "present_now": False}
    return Artifact(
        external_id=model_id,
        name=name.partition(": ")[2] or name if name else model_id.split("/", 1)[1],
        url=MODEL_URL.format(model_id),
        date=first_seen,
        date_kind=DateKind.LISTED,
        tier_hint=Openness.API,
        extra={k: v for k, v in extra.items() if v is not None},
        raw=dict(entry),
    )


def _offer(model_id: str) -> Offer:
    base, variant = split_variant(model_id)
    return Offer(model_id=base, seller=AGGREGATOR, channel=Channel.AGGREGATOR, variant=variant)


def _point(model_id: str, point: Any, where: str) -> tuple[str, Quote]:
    if not isinstance(point, list) or len(point) != 3:
        raise SourceError(f"{where}: expected [date, input, output], got {str(point)[:80]}")
    day = _day(point[0])
    if day is None:
        raise SourceError(f"{where}: {point[0]!r} is not a YYYY-MM-DD date")
    prompt, completion = (_per_token(value, where) for value in point[1:])
    price = Price(components={"prompt": prompt, "completion": completion}, unit=Unit.PER_TOKEN, complete=False)
    return day, Quote(offer=_offer(model_id), price=price)


def _per_token(value: Any, where: str) -> str:
    """USD per 1M tokens (a JSON number, 0 to `MAX_PER_UNIT` per token) → USD per token as an
    exact decimal string. Raises SourceError naming `where` for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SourceError(f"{where}: price {str(value)[:40]!r} is not a number")
    try:
        number = Decimal(str(value))
        if isinstance(value, float):  # a binary float holds 15 significant digits; the rest is noise
            number = FLOAT_DIGITS.plus(number)  # (0.20000000000000002 → 0.2)
    except InvalidOperation:
        raise SourceError(f"{where}: price {str(value)[:40]!r} is not a number") from None
    if not number.is_finite() or number < 0 or number > MAX_PER_UNIT * MILLION:
        raise SourceError(f"{where}: price {str(value)[:40]} is not a price in USD per 1M tokens")
    return format((number / MILLION).normalize(), "f")


def _at(point: tuple[str, Quote]) -> str:
    return point[0]


def _day(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
