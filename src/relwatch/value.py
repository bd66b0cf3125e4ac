"""Price war or value war: the "price and value" block per vendor over a window.

Pure: it reads records (priced models with their observations, price events, open releases,
adoption metrics per artifact and day, derivative counts at milestones) and returns figures; it
does no I/O. Prices are USD per 1M output tokens, dates ISO `YYYY-MM-DD` (UTC), periods in days.
Every figure carries the count it rests on, so a renderer can say when it rests on little data.

Rules (each named constant below is part of the rule):

- **Offers that count.** A model's price on a day is its cheapest offer's output price in effect
  that day (the observation with the latest `first_observed` on or before the day), over every
  channel, leaving out free variants (`:free` offers are rate-limited, not the model's price) and
  unknown prices. A model is *current* on a day when one of its counted offers was last observed
  no more than `CURRENT_GRACE_DAYS` before it (a monthly catalogue read is a month apart).
- **Flagship / lite.** The vendor's current text-output model with the highest / lowest price on
  the window's last day, ties broken by the later release; given at launch (its first observed
  price) and now. "Latest closed flagship" is the same choice among closed models only: by
  evidence (price, then recency), never by words in the name.
- **Cuts and rises.** `price-cut` / `price-rise` events of the vendor's models dated in the
  window; free variants excluded; deepest cut and steepest rise are the blended-price changes.
- **Open–closed gap.** Median current price of its open models vs of its closed models; the
  ratio closed / open (None when either side is empty or the open median is 0).
- **Adoption.** First-month downloads of an open release: the Hub's rolling 30-day `downloads`,
  summed over the release's artifacts, read on the first day from `released + 30` to
  `released + 30 + MILESTONE_SLACK_DAYS`; the median over the vendor's open releases in the
  window that have it. Derivatives per open release at +30 / +90 days: the mean of the counts
  taken at those milestones. The window's new derivatives: for each open release of the window,
  its latest milestone count taken on or before the window's end; a vendor's share is its sum
  over the sum of every compared vendor's.
- **Reading.** `price-led` when at least `PRICE_LED_MIN_CUTS` cuts, more cuts than rises, and the
  deepest cut at or below `PRICE_LED_DEEPEST_CUT_PCT`. `value-led` when at least
  `VALUE_LED_MIN_RELEASES` open releases in the window and either its share of new derivatives
  is at least its fair share (1 / number of compared vendors) or its median first-month downloads
  reach `VALUE_LED_MIN_DOWNLOADS`. `both` when both hold, `neither` when none does. The
  `because` lines give the numbers that decided it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from relwatch.averages import mean, median
from relwatch.models import EventType, Period
from relwatch.prices import Observation, PriceEvent

CURRENT_GRACE_DAYS = 35
MILESTONE_SLACK_DAYS = 7
FIRST_MONTH_DAYS = 30
DERIVATIVE_MILESTONES = (30, 90)
PRICE_LED_MIN_CUTS = 1
PRICE_LED_DEEPEST_CUT_PCT = Decimal(-25)
VALUE_LED_MIN_RELEASES = 1
VALUE_LED_MIN_DOWNLOADS = 100_000


class Reading(StrEnum):
    """What a vendor's window reads as."""

    PRICE_LED = "price-led"
    VALUE_LED = "value-led"
    BOTH = "both"
    NEITHER = "neither"


@dataclass(frozen=True, kw_only=True, slots=True)
class PricedModel:
    """A vendor's model with every observation of its offers (any channel or seller)."""

    vendor: str
    model: str
    released: str | None = None  # ISO date of the release (or first listing)
    text: bool = True  # outputs text
    open_weights: bool = False  # its release's tier has weights
    observations: tuple[Observation, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenRelease:
    """An open-weights release and the hub artifacts (repository ids) it is made of."""

    vendor: str
    release: str
    released: str
    artifacts: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Metric:
    """One hub artifact's counts on one day: `downloads` is the Hub's rolling 30-day count."""

    artifact: str
    day: str
    downloads: int | None = None
    downloads_all_time: int | None = None
    likes: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DerivativeCount:
    """Other organisations' repositories built on a release, counted `milestone` days after its
    release on `counted_on`, by relation (`finetune`, `adapter`, `quantized`, `merge`)."""

    release: str
    milestone: int
    counted_on: str
    by_relation: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_relation.values())


@dataclass(frozen=True, kw_only=True, slots=True)
class Records:
    """Everything the block reads."""

    models: Sequence[PricedModel] = ()
    events: Sequence[PriceEvent] = ()
    releases: Sequence[OpenRelease] = ()
    metrics: Sequence[Metric] = ()
    derivatives: Sequence[DerivativeCount] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelPrice:
    """A model's output price, USD per 1M tokens, at launch (first observed, on `launch_day`) and now."""

    model: str
    released: str | None
    launch: Decimal
    launch_day: str
    now: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class ValueBlock:
    """The "price and value" block of one vendor over [start, end]. Counts say what each figure
    rests on; None means there was nothing to compute it from."""

    vendor: str
    start: str
    end: str
    flagship: ModelPrice | None
    lite: ModelPrice | None
    closed_flagship: ModelPrice | None  # the latest closed flagship, by price then recency
    current_text_models: int
    cuts: int
    deepest_cut_pct: Decimal | None
    rises: int
    steepest_rise_pct: Decimal | None
    open_median_output: Decimal | None
    open_priced_models: int
    closed_median_output: Decimal | None
    closed_priced_models: int
    closed_to_open_ratio: Decimal | None
    open_releases: int
    median_first_month_downloads: float | None
    releases_with_downloads: int
    derivatives_per_release: Mapping[int, float | None]  # milestone (days) → mean count
    releases_at_milestone: Mapping[int, int]
    new_derivatives: int
    derivative_share: float | None
    reading: Reading
    because: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class PeriodBlocks:
    """The blocks of every compared vendor for one period, labelled like `2025-Q3`."""

    label: str
    start: str
    end: str
    blocks: tuple[ValueBlock, ...]


def compare_value(records: Records, vendors: Sequence[str], start: str, end: str) -> list[ValueBlock]:
    """The block of each vendor in `vendors` (in that order) over [start, end], ISO dates.

    Raises ValueError when `start` is after `end` or a date is not `YYYY-MM-DD`.
    """
    if _day(start) > _day(end):
        raise ValueError(f"the window starts ({start}) after it ends ({end})")
    metrics: dict[str, list[Metric]] = {}
    for metric in records.metrics:
        metrics.setdefault(metric.artifact, []).append(metric)
    counts: dict[str, list[DerivativeCount]] = {}
    for count in records.derivatives:
        counts.setdefault(count.release, []).append(count)
    partial = [_block(records, vendor, start, end, metrics, counts) for vendor in vendors]
    total_new = sum(block.new_derivatives for block in partial)
    fair_share = 1 / len(vendors) if vendors else 0.0
    blocks = []
    for block in partial:
        share = block.new_derivatives / total_new if total_new else None
        reading, because = read(block, share, fair_share)
        blocks.append(replace(block, derivative_share=share, reading=reading, because=because))
    return blocks


def compare_value_by(
    records: Records, vendors: Sequence[str], start: str, end: str, period: Period = Period.QUARTER
) -> list[PeriodBlocks]:
    """`compare_value` for each calendar period that meets [start, end], clipped to it."""
    result = []
    for label, first, last in periods(start, end, period):
        result.append(
            PeriodBlocks(label=label, start=first, end=last, blocks=tuple(compare_value(records, vendors, first, last)))
        )
    return result


def periods(start: str, end: str, period: Period) -> list[tuple[str, str, str]]:
    """The calendar periods meeting [start, end] as (label, first day, last day), clipped to the window:
    months `2025-03`, quarters `2025-Q1`, years `2025`."""
    first, last = _day(start), _day(end)
    out: list[tuple[str, str, str]] = []
    cursor = first
    while cursor <= last:
        if period is Period.MONTH:
            begin, months, label = cursor.replace(day=1), 1, f"{cursor:%Y-%m}"
        elif period is Period.QUARTER:
            quarter = (cursor.month - 1) // 3
            begin, months, label = date(cursor.year, quarter * 3 + 1, 1), 3, f"{cursor.year}-Q{quarter + 1}"
        else:
            begin, months, label = date(cursor.year, 1, 1), 12, f"{cursor.year}"
        month_index = begin.month - 1 + months
        following = date(begin.year + month_index // 12, month_index % 12 + 1, 1)
        stop = min(following - timedelta(days=1), last)
        out.append((label, cursor.isoformat(), stop.isoformat()))
        cursor = following
    return out


def read(block: ValueBlock, share: float | None, fair_share: float) -> tuple[Reading, tuple[str, ...]]:
    """The reading of a block and the lines giving the numbers that decided it (rules in the module
    docstring)."""
    deepest = block.deepest_cut_pct
    price_led = (
        block.cuts >= PRICE_LED_MIN_CUTS
        and block.cuts > block.rises
        and deepest is not None
        and deepest <= PRICE_LED_DEEPEST_CUT_PCT
    )
    downloads = block.median_first_month_downloads
    value_led = block.open_releases >= VALUE_LED_MIN_RELEASES and (
        (share is not None and share >= fair_share) or (downloads is not None and downloads >= VALUE_LED_MIN_DOWNLOADS)
    )
    because = (
        f"price: {block.cuts} cuts vs {block.rises} rises, deepest "
        f"{'none' if deepest is None else f'{deepest}%'} (price-led needs ≥ {PRICE_LED_MIN_CUTS} cut, more cuts "
        f"than rises and one ≤ {PRICE_LED_DEEPEST_CUT_PCT}%)",
        f"value: {block.open_releases} open releases, derivative share "
        f"{'n/a' if share is None else f'{share:.0%}'} (fair share {fair_share:.0%}), median first-month downloads "
        f"{'n/a' if downloads is None else f'{downloads:,.0f}'} (value-led needs ≥ {VALUE_LED_MIN_RELEASES} open "
        f"release and a fair share or ≥ {VALUE_LED_MIN_DOWNLOADS:,})",
    )
    reading = {
        (True, True): Reading.BOTH,
        (True, False): Reading.PRICE_LED,
        (False, True): Reading.VALUE_LED,
        (False, False): Reading.NEITHER,
    }[(price_led, value_led)]
    return reading, because


def price_on(model: PricedModel, day: str) -> Decimal | None:
    """The model's cheapest counted output price in effect on `day`, USD per 1M tokens."""
    prices = [price for row in _latest_rows(model, day) if (price := row.price.output_per_million) is not None]
    return min(prices) if prices else None


def is_current(model: PricedModel, day: str) -> bool:
    """Whether a counted offer of the model was first observed on or before `day` and observed
    again no more than `CURRENT_GRACE_DAYS` before it (or at any time after it)."""
    floor = (_day(day) - timedelta(days=CURRENT_GRACE_DAYS)).isoformat()
    offers = {row.offer.key for row in _latest_rows(model, day)}
    return any(row.last_observed[:10] >= floor for row in _counted(model) if row.offer.key in offers)


def launch_price(model: PricedModel) -> tuple[Decimal, str] | None:
    """The model's first observed output price (cheapest counted offer on that day) and that day."""
    days = sorted({row.first_observed[:10] for row in _counted(model)})
    for day in days:
        price = price_on(model, day)
        if price is not None:
            return price, day
    return None


def flagship(models: Iterable[PricedModel], day: str, *, closed_only: bool = False) -> ModelPrice | None:
    """The most expensive current text model on `day` (ties: the later release); with `closed_only`,
    the latest closed flagship: the same choice among models without open weights."""
    return _dearest(price for model, price in _ranked(models, day) if not (closed_only and model.open_weights))


def lite(models: Iterable[PricedModel], day: str) -> ModelPrice | None:
    """The cheapest current text model on `day` (ties: the later release)."""
    return _cheapest(price for _, price in _ranked(models, day))


def first_month_downloads(release: OpenRelease, metrics: Iterable[Metric]) -> int | None:
    """The release's artifacts' rolling 30-day downloads summed, read on the first day in
    [released + 30, released + 30 + MILESTONE_SLACK_DAYS] that has a count for any of them."""
    first_day = _day(release.released) + timedelta(days=FIRST_MONTH_DAYS)
    opens, closes = first_day.isoformat(), (first_day + timedelta(days=MILESTONE_SLACK_DAYS)).isoformat()
    wanted = set(release.artifacts)
    by_day: dict[str, int] = {}
    for metric in metrics:
        if metric.artifact in wanted and metric.downloads is not None and opens <= metric.day <= closes:
            by_day[metric.day] = by_day.get(metric.day, 0) + metric.downloads
    return by_day[min(by_day)] if by_day else None


def _block(
    records: Records,
    vendor: str,
    start: str,
    end: str,
    metrics: Mapping[str, Sequence[Metric]],
    counts_of: Mapping[str, Sequence[DerivativeCount]],
) -> ValueBlock:
    """One vendor's block before the shares: `metrics` are `records.metrics` by artifact,
    `counts_of` `records.derivatives` by release, each in the records' order."""
    models = [m for m in records.models if m.vendor == vendor]
    own = {m.model for m in models}
    events = [
        e
        for e in records.events
        if e.offer.model_id in own and not e.offer.is_free_variant and start <= e.at[:10] <= end
    ]
    cuts = [e for e in events if e.kind is EventType.PRICE_CUT]
    rises = [e for e in events if e.kind is EventType.PRICE_RISE]
    cut_pcts = [e.change_pct for e in cuts if e.change_pct is not None]
    rise_pcts = [e.change_pct for e in rises if e.change_pct is not None]
    current = [(m, price_on(m, end)) for m in models if is_current(m, end)]
    ranked = _with_launch((m, now) for m, now in current if m.text)
    open_prices = [p for m, p in current if m.open_weights and p is not None]
    closed_prices = [p for m, p in current if not m.open_weights and p is not None]
    open_median = _median(open_prices)
    closed_median = _median(closed_prices)
    releases = [r for r in records.releases if r.vendor == vendor and start <= r.released[:10] <= end]
    downloads = [d for r in releases if (d := _first_month(r, metrics)) is not None]
    at_milestone: dict[int, list[int]] = {}
    new_derivatives = 0
    for release in releases:
        counts = counts_of.get(release.release, ())
        for milestone in DERIVATIVE_MILESTONES:
            taken = max((c for c in counts if c.milestone == milestone), key=lambda c: c.counted_on, default=None)
            if taken is not None:
                at_milestone.setdefault(milestone, []).append(taken.total)
        latest = max((c for c in counts if c.counted_on[:10] <= end), key=lambda c: c.counted_on, default=None)
        new_derivatives += latest.total if latest else 0
    return ValueBlock(
        vendor=vendor,
        start=start,
        end=end,
        flagship=_dearest(price for _, price in ranked),
        lite=_cheapest(price for _, price in ranked),
        closed_flagship=_dearest(price for model, price in ranked if not model.open_weights),
        current_text_models=sum(1 for m, p in current if m.text and p is not None),
        cuts=len(cuts),
        deepest_cut_pct=min(cut_pcts, default=None),
        rises=len(rises),
        steepest_rise_pct=max(rise_pcts, default=None),
        open_median_output=open_median,
        open_priced_models=len(open_prices),
        closed_median_output=closed_median,
        closed_priced_models=len(closed_prices),
        closed_to_open_ratio=(closed_median / open_median).quantize(Decimal("0.01"))
        if open_median and closed_median is not None
        else None,
        open_releases=len(releases),
        median_first_month_downloads=float(median(downloads)) if downloads else None,
        releases_with_downloads=len(downloads),
        derivatives_per_release={
            m: mean(at_milestone[m]) if m in at_milestone else None for m in DERIVATIVE_MILESTONES
        },
        releases_at_milestone={m: len(at_milestone.get(m, [])) for m in DERIVATIVE_MILESTONES},
        new_derivatives=new_derivatives,
        derivative_share=None,
        reading=Reading.NEITHER,
        because=(),
    )


def _first_month(release: OpenRelease, metrics: Mapping[str, Sequence[Metric]]) -> int | None:
    """`first_month_downloads` of the release from the metrics of its own artifacts (`metrics`: by artifact)."""
    own = [metric for artifact in dict.fromkeys(release.artifacts) for metric in metrics.get(artifact, ())]
    return first_month_downloads(release, own) if own else None


def _ranked(models: Iterable[PricedModel], day: str) -> list[tuple[PricedModel, ModelPrice]]:
    """Each current text model with a price on `day` and a launch price, with that ModelPrice."""
    return _with_launch((m, price_on(m, day)) for m in models if m.text and is_current(m, day))


def _with_launch(priced: Iterable[tuple[PricedModel, Decimal | None]]) -> list[tuple[PricedModel, ModelPrice]]:
    """(model, its price now) → (model, ModelPrice) for each model with a price now and at launch."""
    ranked = []
    for model, now in priced:
        launch = None if now is None else launch_price(model)
        if now is not None and launch is not None:
            first, day = launch
            ranked.append(
                (model, ModelPrice(model=model.model, released=model.released, launch=first, launch_day=day, now=now))
            )
    return ranked


def _dearest(prices: Iterable[ModelPrice]) -> ModelPrice | None:
    return max(prices, key=lambda p: (p.now, p.released or ""), default=None)


def _cheapest(prices: Iterable[ModelPrice]) -> ModelPrice | None:
    return min(prices, key=lambda p: (p.now, _negated(p.released)), default=None)


def _counted(model: PricedModel) -> list[Observation]:
    return [row for row in model.observations if not row.offer.is_free_variant]


def _latest_rows(model: PricedModel, day: str) -> list[Observation]:
    """Per offer, the counted observation in effect on `day`."""
    latest: dict[str, Observation] = {}
    for row in _counted(model):
        if row.first_observed[:10] <= day:
            held = latest.get(row.offer.key)
            if held is None or row.first_observed > held.first_observed:
                latest[row.offer.key] = row
    return list(latest.values())


def _median(values: Sequence[Decimal]) -> Decimal | None:
    return median(values) if values else None


def _negated(released: str | None) -> int:
    """Sorts later releases first; an unknown release date last."""
    return -_day(released).toordinal() if released else 0


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a YYYY-MM-DD date") from None
