"""The price and value block: flagship and lite prices, cuts, the open–closed gap, adoption, the reading."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from relwatch.prices import Ledger, Observation, PriceEvent, openrouter_quote, openrouter_quotes
from relwatch.value import (
    DerivativeCount,
    Metric,
    OpenRelease,
    Period,
    PricedModel,
    Reading,
    Records,
    compare_value,
    compare_value_by,
    first_month_downloads,
    flagship,
    periods,
)

CAPTURES = Path(__file__).resolve().parents[1].parent / "shared" / "captures" / "openrouter"


def history(model_id: str, *prices: tuple[str, str, str]) -> tuple[tuple[Observation, ...], list[PriceEvent]]:
    """Observations and events of one OpenRouter offer from (day, input, output) USD per 1M tokens."""
    ledger = Ledger.empty("test")
    for day, inp, out in prices:
        pricing = {"prompt": str(Decimal(inp) / 1_000_000), "completion": str(Decimal(out) / 1_000_000)}
        quote = openrouter_quote({"id": model_id, "pricing": pricing})
        assert quote is not None
        ledger.apply([quote], day)
    return tuple(ledger.rows), ledger.events


def model(
    vendor: str, model_id: str, *prices: tuple[str, str, str], **kind: bool | str
) -> tuple[PricedModel, list[PriceEvent]]:
    rows, events = history(model_id, *prices)
    released = str(kind.pop("released", prices[0][0]))
    flags = {k: bool(v) for k, v in kind.items()}
    return PricedModel(vendor=vendor, model=model_id, released=released, observations=rows, **flags), events


def google_records() -> Records:
    pro, pro_events = model("google", "google/gemini-pro", ("2025-01-01", "2", "12"), ("2025-06-01", "1.5", "9"))
    flash, _ = model("google", "google/gemini-flash", ("2025-01-01", "0.3", "2.5"), ("2025-06-01", "0.3", "2.5"))
    lyria, _ = model("google", "google/lyria-pro", ("2025-05-01", "40", "40"), ("2025-06-01", "40", "40"), text=False)
    gemma, _ = model(
        "google", "google/gemma-3", ("2025-03-01", "0.05", "0.1"), ("2025-06-01", "0.05", "0.1"), open_weights=True
    )
    gone, _ = model("google", "google/gemini-old", ("2024-06-01", "7", "21"))
    release = OpenRelease(
        vendor="google", release="gemma-3", released="2025-03-12", artifacts=("google/gemma-3-27b", "google/gemma-3-4b")
    )
    metrics = [
        Metric(artifact="google/gemma-3-27b", day="2025-04-10", downloads=999),  # before +30 days
        Metric(artifact="google/gemma-3-27b", day="2025-04-12", downloads=150_000),
        Metric(artifact="google/gemma-3-4b", day="2025-04-12", downloads=50_000),
        Metric(artifact="google/gemma-3-4b", day="2025-04-13", downloads=70_000),
    ]
    derivatives = [
        DerivativeCount(
            release="gemma-3", milestone=30, counted_on="2025-04-11", by_relation={"finetune": 30, "quantized": 10}
        ),
        DerivativeCount(
            release="gemma-3", milestone=90, counted_on="2025-06-10", by_relation={"finetune": 80, "quantized": 40}
        ),
    ]
    return Records(
        models=[pro, flash, lyria, gemma, gone],
        events=pro_events,
        releases=[release],
        metrics=metrics,
        derivatives=derivatives,
    )


def test_flagship_and_lite_are_current_text_models_by_price() -> None:
    (block,) = compare_value(google_records(), ["google"], "2025-01-01", "2025-06-30")
    assert block.flagship is not None and block.flagship.model == "google/gemini-pro"  # not the music model
    assert (block.flagship.launch, block.flagship.launch_day, block.flagship.now) == (
        Decimal(12),
        "2025-01-01",
        Decimal(9),
    )
    assert block.lite is not None and block.lite.model == "google/gemma-3" and block.lite.now == Decimal("0.1")
    assert block.current_text_models == 3  # the model last seen in 2024 is no longer current
    assert block.closed_flagship == block.flagship


def test_cuts_gap_and_adoption() -> None:
    (block,) = compare_value(google_records(), ["google"], "2025-01-01", "2025-06-30")
    assert (block.cuts, block.rises, block.steepest_rise_pct) == (1, 0, None)
    assert block.deepest_cut_pct == Decimal("-25.0")  # blend (3·2+12)/4 = 4.5 → (3·1.5+9)/4 = 3.375
    assert (block.open_median_output, block.open_priced_models) == (Decimal("0.1"), 1)
    assert (block.closed_median_output, block.closed_priced_models) == (Decimal(9), 3)  # 2.5, 9, 40
    assert block.closed_to_open_ratio == Decimal("90.00")
    assert (block.open_releases, block.median_first_month_downloads, block.releases_with_downloads) == (1, 200_000.0, 1)
    assert block.derivatives_per_release == {30: 40.0, 90: 120.0}
    assert block.releases_at_milestone == {30: 1, 90: 1}
    assert (block.new_derivatives, block.derivative_share) == (120, 1.0)
    assert block.reading is Reading.BOTH
    assert "1 cuts vs 0 rises, deepest -25.0%" in block.because[0]


def test_latest_closed_flagship_is_chosen_by_price_then_recency() -> None:
    seen = ("2025-06-30", "1", "4")
    older, _ = model("baidu", "baidu/ernie-4.5", ("2025-01-01", "1", "4"), seen, released="2025-01-01")
    newer, _ = model("baidu", "baidu/ernie-x1", ("2025-05-01", "1", "4"), seen, released="2025-05-01")
    coder, _ = model("baidu", "baidu/free-coder", ("2025-06-20", "0", "0"), released="2025-06-20")
    weights, _ = model("baidu", "baidu/ernie-4.5-300b", ("2025-06-01", "2", "8"), open_weights=True)
    chosen = flagship([older, newer, coder, weights], "2025-06-30", closed_only=True)
    assert chosen is not None and chosen.model == "baidu/ernie-x1"
    overall = flagship([older, newer, coder, weights], "2025-06-30")
    assert overall is not None and overall.model == "baidu/ernie-4.5-300b"


def test_free_variants_are_not_the_models_price() -> None:
    paid, _ = model("qwen", "qwen/qwen3", ("2025-01-01", "0.2", "0.6"))
    free, _ = history("qwen/qwen3:free", ("2025-01-01", "0", "0"))
    both = PricedModel(vendor="qwen", model="qwen/qwen3", released="2025-01-01", observations=paid.observations + free)
    (block,) = compare_value(Records(models=[both]), ["qwen"], "2025-01-01", "2025-01-31")
    assert block.lite is not None and block.lite.now == Decimal("0.6")


@pytest.mark.parametrize(
    ("cut", "downloads", "reading"),
    [
        ("0.5", 200_000, Reading.BOTH),
        ("0.5", 10, Reading.PRICE_LED),
        ("0.9", 200_000, Reading.VALUE_LED),
        ("0.9", 10, Reading.NEITHER),
    ],
)
def test_the_reading_follows_the_documented_thresholds(cut: str, downloads: int, reading: Reading) -> None:
    m, events = model("v", "v/m", ("2025-01-01", "1", "1"), ("2025-02-01", cut, cut))
    release = OpenRelease(vendor="v", release="r", released="2025-01-01", artifacts=("v/r",))
    other = OpenRelease(vendor="w", release="s", released="2025-01-01", artifacts=("w/s",))
    records = Records(
        models=[m],
        events=events,
        releases=[release, other],
        metrics=[Metric(artifact="v/r", day="2025-01-31", downloads=downloads)],
        derivatives=[
            DerivativeCount(release="r", milestone=30, counted_on="2025-01-31", by_relation={"finetune": 1}),
            DerivativeCount(release="s", milestone=30, counted_on="2025-01-31", by_relation={"finetune": 9}),
        ],
    )
    block, _ = compare_value(records, ["v", "w"], "2025-01-01", "2025-03-31")
    assert block.derivative_share == 0.1  # below its fair share of 50 %: downloads decide
    assert block.reading is reading


def test_first_month_downloads_wait_for_the_thirtieth_day_and_give_up_after_a_week() -> None:
    release = OpenRelease(vendor="v", release="r", released="2025-01-01", artifacts=("v/r",))
    assert first_month_downloads(release, [Metric(artifact="v/r", day="2025-01-30", downloads=5)]) is None
    assert first_month_downloads(release, [Metric(artifact="v/r", day="2025-02-08", downloads=5)]) is None
    assert first_month_downloads(release, [Metric(artifact="v/r", day="2025-02-07", downloads=5)]) == 5
    assert first_month_downloads(release, [Metric(artifact="x/y", day="2025-02-01", downloads=5)]) is None


def test_periods_are_calendar_periods_clipped_to_the_window() -> None:
    assert periods("2025-02-15", "2025-07-03", Period.QUARTER) == [
        ("2025-Q1", "2025-02-15", "2025-03-31"),
        ("2025-Q2", "2025-04-01", "2025-06-30"),
        ("2025-Q3", "2025-07-01", "2025-07-03"),
    ]
    assert [p[0] for p in periods("2024-12-31", "2025-01-01", Period.MONTH)] == ["2024-12", "2025-01"]
    assert periods("2024-05-05", "2025-01-01", Period.YEAR)[0] == ("2024", "2024-05-05", "2024-12-31")


def test_by_quarter_gives_a_block_per_period() -> None:
    quarters = compare_value_by(google_records(), ["google"], "2025-01-01", "2025-06-30", Period.QUARTER)
    assert [(q.label, q.blocks[0].cuts) for q in quarters] == [("2025-Q1", 0), ("2025-Q2", 1)]
    assert quarters[0].blocks[0].flagship is not None and quarters[0].blocks[0].flagship.now == Decimal(12)


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="starts"):
        compare_value(Records(), ["google"], "2025-02-01", "2025-01-01")
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        compare_value(Records(), ["google"], "soon", "2025-01-01")


def test_the_block_on_the_real_captures() -> None:
    files = sorted(CAPTURES.glob("openrouter_models_*.json"))
    if not files:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the OpenRouter captures are missing from {CAPTURES}")
        pytest.skip(f"no OpenRouter captures at {CAPTURES}")
    ledger = Ledger.empty("openrouter")
    text: dict[str, bool] = {}
    weights: set[str] = set()  # a non-empty hugging_face_id names the weights
    for file in files:
        listing = json.loads(file.read_text())["data"]
        quotes = openrouter_quotes(listing)
        weights.update(item["id"].split(":")[0] for item in listing if item.get("hugging_face_id"))
        for quote in quotes:
            text[quote.offer.model_id] = "text" in quote.output_modalities or not quote.output_modalities
        ledger.apply(quotes, file.stem.rsplit("_", 1)[1])
    vendors = {"google": "google", "qwen": "alibaba", "baidu": "baidu"}
    rows: dict[str, list[Observation]] = {}
    for row in ledger.rows:
        rows.setdefault(row.offer.model_id, []).append(row)
    models = [
        PricedModel(
            vendor=vendors[mid.split("/")[0]],
            model=mid,
            text=text[mid],
            observations=tuple(obs),
            open_weights=mid in weights,
        )
        for mid, obs in rows.items()
        if mid.split("/")[0] in vendors
    ]
    end = files[-1].stem.rsplit("_", 1)[1]
    blocks = compare_value(Records(models=models, events=ledger.events), list(vendors.values()), "2024-09-01", end)
    for block in blocks:
        current = [
            m for m in models if m.vendor == block.vendor and any(r.last_observed == end for r in m.observations)
        ]
        prices = [
            r.price.output_per_million
            for m in current
            if m.text
            for r in m.observations
            if r.last_observed == end and not r.offer.is_free_variant and r.price.output_per_million is not None
        ]
        assert block.flagship is not None and block.flagship.now == max(prices), block.vendor
        assert block.lite is not None and block.lite.now == min(prices), block.vendor
        assert block.cuts + block.rises > 0
