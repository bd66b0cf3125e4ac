"""Offers, price observations and price events: the pure core of price tracking.

An *offer* is one seller's way of selling one model (OpenRouter's listing id, or a models.dev
provider's model); a *price observation* is what that offer cost over a span of days. Prices are
kept exactly as published (decimal strings, in the seller's unit) and shown as USD per 1M tokens.

Observations are append-only: a new observation only when an offer's price changes; otherwise
the latest one only has its `last_observed` moved on (`observe`). A change is a `price-cut` or a
`price-rise`; an offer that leaves a complete listing is `model-retired` (`retirements`).

Sources of the shapes: OpenRouter `GET /api/v1/models` `pricing` (USD per token or per unit, as
decimal strings; `openapi.yaml` schema `Model`), models.dev `api.json` `cost` (USD per 1M tokens,
as JSON numbers); see sources-reference.md §4 and §6.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from relwatch.models import EventType

MILLION = Decimal(1_000_000)
AGGREGATOR = "openrouter"  # the seller name of OpenRouter's offers
FREE_VARIANT = "free"

# Components priced per token (OpenRouter) or per 1M tokens (models.dev); the others (`request`,
# `image`, `web_search`) are per request, image or search.
INPUT_KEYS = ("prompt", "input")
OUTPUT_KEYS = ("completion", "output")
TOKEN_KEYS = frozenset(
    {
        *INPUT_KEYS,
        *OUTPUT_KEYS,
        "input_cache_read",
        "input_cache_write",
        "internal_reasoning",
        "audio",
        "cache_read",
        "cache_write",
        "reasoning",
        "input_audio",
        "output_audio",
    }
)

# Blended price weights for deciding the direction of a mixed change (input down, output up):
# three input tokens per output token, the blend Artificial Analysis publishes prices with.
BLEND_INPUT = Decimal(3)
BLEND_OUTPUT = Decimal(1)

# Bounds of a readable published price: a finite decimal, at least 0 (or OpenRouter's -1, "varies
# per request", `openapi.yaml` `Model.pricing`), and at most USD 1e6 per token or unit sold (USD 1e12
# per 1M tokens): far above any real price, low enough that every sum and conversion stays exact.
VARIES = Decimal(-1)
MAX_PER_UNIT = Decimal(1_000_000)

# models.dev provider keys that are labs selling their own models first-party (api.json keys,
# anomalyco/models.dev `providers/`), and the author prefixes that name those labs in model ids
# (`CANONICAL_PROVIDER_PREFIXES` in models.dev `packages/core/src/sync/providers/openrouter.ts`,
# plus Hugging Face organisation names hosts use).
LABS = frozenset(
    {
        "alibaba",
        "anthropic",
        "baidu",
        "cohere",
        "deepseek",
        "google",
        "meta",
        "minimax",
        "mistral",
        "moonshotai",
        "openai",
        "xai",
        "zhipuai",
    }
)
PREFIX_LABS = {
    "qwen": "alibaba",
    "alibaba": "alibaba",
    "meta-llama": "meta",
    "facebook": "meta",
    "z-ai": "zhipuai",
    "zai-org": "zhipuai",
    "thudm": "zhipuai",
    "mistralai": "mistral",
    "x-ai": "xai",
    "deepseek-ai": "deepseek",
    "moonshotai": "moonshotai",
    "minimaxai": "minimax",
    "cohereforai": "cohere",
    "coherelabs": "cohere",
    "paddlepaddle": "baidu",
}


class Channel(StrEnum):
    """Who sells an offer: the model's own lab, another host, or an aggregator."""

    FIRST_PARTY = "first-party"
    HOST = "host"
    AGGREGATOR = "aggregator"


class Unit(StrEnum):
    """The unit a seller publishes its token prices in (other components are per unit sold)."""

    PER_TOKEN = "USD/token"  # OpenRouter
    PER_MILLION = "USD/1M tokens"  # models.dev


@dataclass(frozen=True, kw_only=True, slots=True)
class Offer:
    """One seller's offer of one model.

    `model_id` is the base model (an OpenRouter id without its `:variant`), `variant` the
    seller's variant (`free`, `thinking`, `beta`, …) or None. `key` names the offer uniquely.
    """

    model_id: str
    seller: str
    channel: Channel
    variant: str | None = None

    @property
    def listing_id(self) -> str:
        """The model id as the seller lists it, variant included (`google/gemma-3-27b-it:free`)."""
        return f"{self.model_id}:{self.variant}" if self.variant else self.model_id

    @property
    def key(self) -> str:
        return f"{self.seller}|{self.listing_id}"

    @property
    def is_free_variant(self) -> bool:
        return self.variant == FREE_VARIANT


@dataclass(frozen=True, kw_only=True, slots=True)
class Price:
    """Every published price component of an offer, exact.

    `components` maps the seller's key (`prompt`, `completion`, `input_cache_read`, `request`,
    `image`, `web_search`, `internal_reasoning`, `audio`, …; nested values flattened with dots,
    e.g. `tiers.0.input`) to the decimal string as published, in `unit` for token components
    and USD per request/image/search for the others. `complete` is False when the source gives
    only some components (a price ledger's input and output): comparisons then look at those only.
    """

    components: Mapping[str, str]
    unit: Unit
    complete: bool = True

    def component(self, key: str) -> Decimal | None:
        """The component as a Decimal in the published unit; None when absent or not a number."""
        value = self.components.get(key)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if _sane(number, self.limit(key)) else None

    def limit(self, key: str) -> Decimal:
        """The largest readable value of a component, in its published unit (`MAX_PER_UNIT` per
        token or unit sold; other figures, such as a tier's size, up to the same in USD per 1M)."""
        per_token = self.unit is Unit.PER_TOKEN and _last(key) in TOKEN_KEYS
        return MAX_PER_UNIT if per_token else MAX_PER_UNIT * MILLION

    def problem(self) -> str | None:
        """Why this price cannot be read, naming the component: a token price (`TOKEN_KEYS`, also
        inside tiers) that is not a decimal, or any number not finite, below 0 other than -1, or
        above `limit`. None when it can be read (words such as a tier's `type` are kept as written)."""
        for key, value in sorted(self.components.items()):
            try:
                number = Decimal(value)
            except InvalidOperation:
                if _last(key) in TOKEN_KEYS:
                    return f"price {key!r} {value[:40]!r} is not a number"
                continue
            if not _sane(number, self.limit(key)):
                return f"price {key!r} {value[:40]!r} is not a price in {self.unit}"
        return None

    def per_million(self, key: str) -> Decimal | None:
        """A token component in USD per 1M tokens; None when absent, not per token, or negative
        (OpenRouter writes `-1` for a router whose price varies per request)."""
        if key not in TOKEN_KEYS:
            return None
        number = self.component(key)
        if number is None or number < 0:
            return None
        return tidy(number * MILLION if self.unit is Unit.PER_TOKEN else number)

    @property
    def input_per_million(self) -> Decimal | None:
        """USD per 1M input (prompt) tokens."""
        return _first(self.per_million(k) for k in INPUT_KEYS)

    @property
    def output_per_million(self) -> Decimal | None:
        """USD per 1M output (completion) tokens."""
        return _first(self.per_million(k) for k in OUTPUT_KEYS)

    @property
    def is_free(self) -> bool:
        """True when input and output are both published and zero."""
        return self.input_per_million == 0 and self.output_per_million == 0

    def same_as(self, other: Price) -> bool:
        """Equal prices: every component numerically equal (`"0.0000010"` equals `"0.000001"`),
        an absent component counting as `"0"`: catalogues add and drop zero-priced keys as their
        schema changes (OpenRouter's `web_search` appeared as `"0"`, `request` later went away).
        Only the components of an incomplete price are compared."""
        if self.unit is not other.unit:
            return False
        keys = set(self.components) | set(other.components)
        for price in (self, other):
            if not price.complete:
                keys &= set(price.components)
        return all(_numeric(self.components.get(k, "0")) == _numeric(other.components.get(k, "0")) for k in keys)


@dataclass(frozen=True, kw_only=True, slots=True)
class Quote:
    """An offer with its price in one read of a catalogue, plus what the catalogue says of the model."""

    offer: Offer
    price: Price
    name: str | None = None
    output_modalities: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Observation:
    """An offer's price from `first_observed` to `last_observed` (ISO dates or times, UTC),
    as reported by `source`. Append-only: stored once, then only `last_observed` moves."""

    offer: Offer
    price: Price
    first_observed: str
    last_observed: str
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceEvent:
    """A price change or a retirement of one offer, at `at` (ISO date or time).

    Prices are USD per 1M tokens (None when not published); `change_pct` is the change of the
    blended price (3 input : 1 output) in percent, negative for a cut, None for a retirement or
    when the blend cannot be computed (then the direction came from the other components).
    """

    kind: EventType
    offer: Offer
    at: str
    old_input: Decimal | None = None
    new_input: Decimal | None = None
    old_output: Decimal | None = None
    new_output: Decimal | None = None
    change_pct: Decimal | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Step:
    """What one observation of an offer does: the row to write (the previous row with its
    `last_observed` moved on, or a new row) and the event it raises, if any."""

    row: Observation
    event: PriceEvent | None


@dataclass(kw_only=True, slots=True)
class PagePrices:
    """What one page of a source says of prices, for the store to record with the page's merge.

    `quotes`: offers read live now (each observed at the sync's time; a complete listing of these
    retires the source's offers it no longer holds, unless the catalogue's size looks wrong).
    `observations` and `events`: dated history from a ledger, stored as dated (never retiring
    anything by absence).
    """

    quotes: list[Quote] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    events: list[PriceEvent] = field(default_factory=list)
    catalogue: int = 0  # offers of every author or provider on the page: whether the read is whole
    complete: bool = True  # False when the listing did not end on this page (`Page.incomplete`)


def flatten_pricing(value: Any, prefix: str = "") -> dict[str, str]:
    """A pricing object → `{key: decimal string}`, losing nothing that is a price.

    Strings are kept as written; JSON numbers become their shortest decimal string (`1.25` →
    `"1.25"`); nested objects and lists are flattened with dotted keys (`tiers.0.input`). Booleans
    and nulls are not prices and are left out.
    """
    out: dict[str, str] = {}
    if isinstance(value, Mapping):
        items: Iterable[tuple[str, Any]] = ((str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return out
    for key, item in items:
        name = f"{prefix}{key}"
        if isinstance(item, str):
            out[name] = item.strip()
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            out[name] = str(Decimal(str(item)))
        elif isinstance(item, (Mapping, list)):
            out.update(flatten_pricing(item, f"{name}."))
    return out


def split_variant(listing_id: str) -> tuple[str, str | None]:
    """`"google/gemma-3-27b-it:free"` → `("google/gemma-3-27b-it", "free")`."""
    base, colon, variant = listing_id.partition(":")
    return base, (variant or None) if colon else None


def openrouter_quote(item: Any) -> Quote | None:
    """One OpenRouter `/api/v1/models` item → its offer and price; None for an item with no
    `id` or no `pricing` object, and for `~vendor/…-latest` aliases (they repeat another model).

    A `:free` item is the free variant offer of its base model (seller `openrouter`, channel
    aggregator), never a cut of the base model's price.
    """
    if not isinstance(item, Mapping):
        return None
    listing_id = item.get("id")
    pricing = item.get("pricing")
    if not isinstance(listing_id, str) or "/" not in listing_id or listing_id.startswith("~"):
        return None
    if not isinstance(pricing, Mapping):
        return None
    model_id, variant = split_variant(listing_id.strip())
    architecture = item.get("architecture")
    modalities = architecture.get("output_modalities") if isinstance(architecture, Mapping) else None
    name = item.get("name")
    return Quote(
        offer=Offer(model_id=model_id, seller=AGGREGATOR, channel=Channel.AGGREGATOR, variant=variant),
        price=Price(components=flatten_pricing(pricing), unit=Unit.PER_TOKEN),
        name=name if isinstance(name, str) else None,
        output_modalities=tuple(m for m in modalities if isinstance(m, str)) if isinstance(modalities, list) else (),
    )


def readable_quotes(quotes: Iterable[Quote]) -> tuple[list[Quote], list[str]]:
    """`quotes` split into those whose price can be read (`Price.problem`) and one line per quote
    left out, naming its offer and why: one hostile price never costs the rest of a listing."""
    kept: list[Quote] = []
    skipped: list[str] = []
    for quote in quotes:
        problem = quote.price.problem()
        if problem is None:
            kept.append(quote)
        else:
            skipped.append(f"{quote.offer.listing_id}: {problem}")
    return kept, skipped


def openrouter_quotes(items: Iterable[Any]) -> list[Quote]:
    """Every offer of an OpenRouter listing (the `data` array), in listing order."""
    return [quote for quote in map(openrouter_quote, items) if quote is not None]


def model_lab(model_id: str, provider: str) -> str | None:
    """The lab that made a model listed by a models.dev provider, or None when unknown.

    A prefixed id (`Qwen/Qwen3-32B`, `deepseek-ai/DeepSeek-V3`) names its lab by the prefix
    (mapped through `PREFIX_LABS`, else the prefix itself); an unprefixed id under a provider that
    is a lab (`LABS`) is that lab's own model; an unprefixed id under a host is unknown.
    """
    prefix, slash, _rest = model_id.partition("/")
    if slash:
        key = prefix.strip().lower()
        return PREFIX_LABS.get(key, key)
    return provider if provider in LABS else None


def channel_of(model_id: str, provider: str) -> Channel:
    """First-party when the provider is the model's lab (`model_lab`), else host."""
    return Channel.FIRST_PARTY if model_lab(model_id, provider) == provider else Channel.HOST


def modelsdev_quotes(provider: str, models: Mapping[str, Any]) -> list[Quote]:
    """A models.dev provider's `models` table → its offers with their `cost`, USD per 1M tokens as
    published (`input`, `output`, `cache_read`, `cache_write`, `reasoning`, `tiers.*`, …).

    Models without a `cost` object are not offered at a known price and are left out. The channel
    follows `channel_of`.
    """
    quotes: list[Quote] = []
    for model_id, item in models.items():
        if not isinstance(model_id, str) or not isinstance(item, Mapping) or not isinstance(item.get("cost"), Mapping):
            continue
        modalities = item.get("modalities")
        output = modalities.get("output") if isinstance(modalities, Mapping) else None
        name = item.get("name")
        quotes.append(
            Quote(
                offer=Offer(model_id=model_id, seller=provider, channel=channel_of(model_id, provider)),
                price=Price(components=flatten_pricing(item["cost"]), unit=Unit.PER_MILLION),
                name=name if isinstance(name, str) else None,
                output_modalities=tuple(m for m in output if isinstance(m, str)) if isinstance(output, list) else (),
            )
        )
    return quotes


def change_event(old: Price, new: Price, offer: Offer, at: str) -> PriceEvent | None:
    """The event between two prices of one offer: None when they are the same, else a cut or rise.

    Direction: the blended price (3 input : 1 output, USD per 1M tokens) when both prices have
    one and it moved; otherwise the sum of the token components (absent = 0); when that is
    equal too (only per-request, image or search prices changed), the sum of all components. A change
    that moves none of these sums (one component up, another down by as much) counts as a rise.
    """
    if old.same_as(new):
        return None
    old_blend, new_blend = blend(old), blend(new)
    change_pct: Decimal | None = None
    if old_blend is not None and new_blend is not None and old_blend != new_blend:
        down = new_blend < old_blend
        change_pct = percent_change(old_blend, new_blend)
    else:
        down = _component_direction(old, new)
    return PriceEvent(
        kind=EventType.PRICE_CUT if down else EventType.PRICE_RISE,
        offer=offer,
        at=at,
        old_input=old.input_per_million,
        new_input=new.input_per_million,
        old_output=old.output_per_million,
        new_output=new.output_per_million,
        change_pct=change_pct,
    )


def blend(price: Price) -> Decimal | None:
    """The 3:1 input:output blended price in USD per 1M tokens; None without both figures."""
    inp, out = price.input_per_million, price.output_per_million
    if inp is None or out is None:
        return None
    return (BLEND_INPUT * inp + BLEND_OUTPUT * out) / (BLEND_INPUT + BLEND_OUTPUT)


def percent_change(old: Decimal, new: Decimal) -> Decimal | None:
    """(new − old) / old × 100, rounded to 0.1; None from a zero price (a rise from free)."""
    if old == 0:
        return None
    return ((new - old) / old * 100).quantize(Decimal("0.1"))


def observe(previous: Observation | None, quote: Quote, at: str, source: str) -> Step:
    """Record one read of an offer at `at` on top of its latest observation (None: first read).

    Same price: the previous row with `last_observed = at`, no event. New price: a new row
    (`first_observed = last_observed = at`) and a cut or rise. First read: a new row, no event.
    """
    if previous is not None and previous.offer.key != quote.offer.key:
        raise ValueError(f"observation of {previous.offer.key} cannot continue with {quote.offer.key}")
    if previous is not None:
        event = change_event(previous.price, quote.price, quote.offer, at)
        if event is None:
            return Step(row=replace(previous, last_observed=max(previous.last_observed, at)), event=None)
    else:
        event = None
    row = Observation(offer=quote.offer, price=quote.price, first_observed=at, last_observed=at, source=source)
    return Step(row=row, event=event)


def retirements(previous: Iterable[Offer], listing: Iterable[Offer], at: str) -> list[PriceEvent]:
    """`model-retired` for every offer of `previous` missing from `listing`, which must be a
    complete listing of the same seller (a partial read would retire what it did not reach)."""
    present = {offer.key for offer in listing}
    return [
        PriceEvent(kind=EventType.MODEL_RETIRED, offer=offer, at=at)
        for offer in sorted(previous, key=lambda o: o.key)
        if offer.key not in present
    ]


@dataclass(kw_only=True, slots=True)
class Ledger:
    """Observations and events built by applying complete listings in date order (`apply`).

    `rows` is the append-only table's content in the order rows were first written (a row whose
    price held has only its `last_observed` moved on, in place); `listed` maps each offer still
    listed to the position of its newest row in `rows`.
    """

    source: str
    rows: list[Observation]
    listed: dict[str, int]
    events: list[PriceEvent]

    @classmethod
    def empty(cls, source: str) -> Ledger:
        """A ledger with nothing observed yet."""
        return cls(source=source, rows=[], listed={}, events=[])

    def apply(self, quotes: Iterable[Quote], at: str) -> list[PriceEvent]:
        """Apply one complete listing read at `at` (later than every earlier one); returns its
        events: cuts and rises in listing order, then retirements sorted by offer key. An offer
        listed twice in one read counts once (its first listing)."""
        new: list[PriceEvent] = []
        seen: set[str] = set()
        for quote in quotes:
            key = quote.offer.key
            if key in seen:
                continue
            seen.add(key)
            position = self.listed.get(key)
            step = observe(None if position is None else self.rows[position], quote, at, self.source)
            if position is not None and step.event is None:
                self.rows[position] = step.row
            else:
                self.listed[key] = len(self.rows)
                self.rows.append(step.row)
            if step.event is not None:
                new.append(step.event)
        listed = [self.rows[position].offer for position in self.listed.values()]
        gone = retirements(listed, (offer for offer in listed if offer.key in seen), at)
        for event in gone:
            del self.listed[event.offer.key]
        new.extend(gone)
        self.events.extend(new)
        return new


def tidy(number: Decimal) -> Decimal:
    """The same value without trailing zeros or an exponent (`0.4000000` → `0.4`, `1E+1` → `10`)."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def _component_direction(old: Price, new: Price) -> bool:
    """True (a cut) when the token components, else all components, sum lower (absent = 0)."""
    every = set(old.components) | set(new.components)
    for keys in (sorted(k for k in every if k in TOKEN_KEYS), sorted(every)):
        before = sum((old.component(k) or Decimal(0) for k in keys), Decimal(0))
        after = sum((new.component(k) or Decimal(0) for k in keys), Decimal(0))
        if before != after:
            return after < before
    return False


def _last(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _sane(number: Decimal, limit: Decimal) -> bool:
    return number.is_finite() and (number >= 0 or number == VARIES) and number <= limit


def _numeric(value: str) -> Decimal | str:
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def _first(values: Iterable[Decimal | None]) -> Decimal | None:
    return next((v for v in values if v is not None), None)
