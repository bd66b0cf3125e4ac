"""The report's price chart: flagship and lite series per vendor, inline SVG under the report's CSP."""

from __future__ import annotations

from decimal import Decimal

from relwatch.prices import Channel, Observation, Offer, Price, Unit
from relwatch.report_prices import price_section, price_series
from relwatch.value import PricedModel


def priced(vendor: str, model: str, out: str, first: str, last: str, *, text: bool = True) -> PricedModel:
    offer = Offer(model_id=f"{vendor}/{model}", seller="openrouter", channel=Channel.AGGREGATOR)
    price = Price(components={"prompt": "0", "completion": str(Decimal(out) / 1_000_000)}, unit=Unit.PER_TOKEN)
    row = Observation(offer=offer, price=price, first_observed=first, last_observed=last, source="s")
    return PricedModel(vendor=vendor, model=model, released=first, text=text, observations=(row,))


MODELS = [
    priced("ga", "pro", "40", "2025-01-01", "2025-06-01"),
    priced("ga", "lite", "0.4", "2025-01-01", "2025-06-01"),
    priced("ga", "music", "400", "2025-01-01", "2025-06-01", text=False),
    priced("gb", "max", "8", "2025-03-01", "2025-06-01"),
]


def test_series_follow_the_flagship_and_lite_choice_month_by_month() -> None:
    series = {(s.vendor, s.role): s for s in price_series(MODELS, ["ga", "gb"], "2025-01-01", "2025-06-01")}
    assert [p for _, p in series[("ga", "flagship")].points] == [Decimal(40)] * 6  # the music model is no text model
    assert [p for _, p in series[("ga", "lite")].points] == [Decimal("0.4")] * 6
    assert series[("gb", "flagship")].points[0][0].isoformat() == "2025-03-01"


def test_the_section_is_inline_svg_with_a_line_per_series_and_no_script() -> None:
    html = price_section(MODELS, ["ga", "gb"], "2025-01-01", "2025-06-01")
    assert html.count("<polyline") == 4 and 'stroke-dasharray="5 4"' in html
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org", "")
    assert "$0.1" in html and "$100" in html  # a gridline per power of ten


def test_no_prices_says_so() -> None:
    assert "No prices observed" in price_section([], ["ga"], "2025-01-01", "2025-06-01")
