"""Offers, observations and price events, on hand-made items and on the 19 real OpenRouter captures."""

from __future__ import annotations

import itertools
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from relwatch.models import EventType
from relwatch.prices import (
    Channel,
    Ledger,
    Offer,
    Price,
    Quote,
    Unit,
    change_event,
    channel_of,
    flatten_pricing,
    model_lab,
    modelsdev_quotes,
    observe,
    openrouter_quote,
    openrouter_quotes,
    retirements,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CAPTURES = SHARED / "captures" / "openrouter"
HELD_OUT = SHARED / "payloads" / "openrouter_api_v1_models_2026-05-15.json"  # a later capture, kept apart
MODELSDEV = Path(__file__).parent / "fixtures" / "modelsdev" / "api.json"


def captures() -> list[tuple[str, list[dict[str, Any]]]]:
    """The captures as (date, listing), oldest first; skipped (failed under CI) when absent."""
    files = sorted(CAPTURES.glob("openrouter_models_*.json"))
    if not files:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the OpenRouter captures are missing from {CAPTURES}")
        pytest.skip(f"no OpenRouter captures at {CAPTURES}")
    return [(f.stem.rsplit("_", 1)[1], json.loads(f.read_text())["data"]) for f in files]


def item(model_id: str, prompt: str = "0.000001", completion: str = "0.000002", **more: str) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": f"Vendor: {model_id}",
        "architecture": {"output_modalities": ["text"]},
        "pricing": {"prompt": prompt, "completion": completion, **more},
    }


def quote(model_id: str, **pricing: str) -> Quote:
    made = openrouter_quote(item(model_id, **pricing))
    assert made is not None
    return made


def test_an_openrouter_item_is_an_aggregator_offer_with_exact_prices() -> None:
    made = quote("google/gemini-2.5-pro", prompt="0.00000125", completion="0.00001", input_cache_read="0.00000031")
    assert made.offer == Offer(model_id="google/gemini-2.5-pro", seller="openrouter", channel=Channel.AGGREGATOR)
    assert made.price.unit is Unit.PER_TOKEN
    assert made.price.components["prompt"] == "0.00000125"
    assert made.price.input_per_million == Decimal("1.25")
    assert made.price.output_per_million == Decimal("10")
    assert made.price.per_million("input_cache_read") == Decimal("0.31")
    assert made.output_modalities == ("text",)


def test_a_free_variant_is_an_offer_of_its_base_model() -> None:
    made = quote("google/gemma-3-27b-it:free", prompt="0", completion="0")
    assert made.offer.model_id == "google/gemma-3-27b-it"
    assert made.offer.is_free_variant and made.price.is_free
    assert made.offer.key == "openrouter|google/gemma-3-27b-it:free"


def test_a_free_variant_appearing_is_no_price_cut() -> None:
    ledger = Ledger.empty("openrouter")
    ledger.apply([quote("google/gemma-3-27b-it")], "2025-01-01")
    events = ledger.apply(
        [quote("google/gemma-3-27b-it"), quote("google/gemma-3-27b-it:free", prompt="0", completion="0")], "2025-02-01"
    )
    assert events == []


def test_per_request_prices_are_not_per_million_and_variable_prices_are_unknown() -> None:
    price = Price(components={"prompt": "-1", "completion": "-1", "request": "0.005"}, unit=Unit.PER_TOKEN)
    assert price.per_million("request") is None
    assert price.input_per_million is None and price.output_per_million is None
    assert price.component("request") == Decimal("0.005")


def test_aliases_and_items_without_pricing_carry_no_offer() -> None:
    assert openrouter_quote({"id": "~google/gemini-pro-latest", "pricing": {"prompt": "0"}}) is None
    assert openrouter_quote({"id": "google/x"}) is None
    assert openrouter_quote("google/x") is None
    assert openrouter_quotes([item("a/b"), {"id": 3}, None]) == [quote("a/b")]


def test_flatten_pricing_keeps_strings_numbers_and_nested_tiers() -> None:
    flat = flatten_pricing(
        {"input": 1.25, "output": 10, "tiers": [{"tier": {"size": 200000}, "input": 2.5}], "x": None}
    )
    assert flat == {"input": "1.25", "output": "10", "tiers.0.tier.size": "200000", "tiers.0.input": "2.5"}


def test_change_event_cut_rise_and_nothing() -> None:
    old, offer = quote("a/m").price, quote("a/m").offer
    cut = change_event(old, quote("a/m", prompt="0.0000005", completion="0.000001").price, offer, "2025-02-01")
    assert cut is not None and cut.kind is EventType.PRICE_CUT
    assert (cut.old_input, cut.new_input, cut.old_output, cut.new_output) == (
        Decimal(1),
        Decimal("0.5"),
        Decimal(2),
        Decimal(1),
    )
    assert cut.change_pct == Decimal("-50.0")
    rise = change_event(old, quote("a/m", completion="0.000004").price, offer, "2025-02-01")
    assert rise is not None and rise.kind is EventType.PRICE_RISE and rise.change_pct == Decimal("40.0")
    assert change_event(old, quote("a/m", prompt="0.0000010", web_search="0").price, offer, "x") is None


def test_a_mixed_change_follows_the_three_to_one_blend() -> None:
    old, offer = quote("a/m").price, quote("a/m").offer
    # input 1 → 0.5, output 2 → 3: blend (3·1+2)/4 = 1.25 → (1.5+3)/4 = 1.125, a cut
    mixed = change_event(old, quote("a/m", prompt="0.0000005", completion="0.000003").price, offer, "d")
    assert mixed is not None and mixed.kind is EventType.PRICE_CUT and mixed.change_pct == Decimal("-10.0")


def test_a_change_of_only_the_request_price_has_a_direction() -> None:
    old, offer = quote("a/m", request="0.01").price, quote("a/m").offer
    event = change_event(old, quote("a/m", request="0.02").price, offer, "d")
    assert event is not None and event.kind is EventType.PRICE_RISE and event.change_pct is None


def test_observe_moves_last_observed_until_the_price_changes() -> None:
    first = observe(None, quote("a/m"), "2025-01-01", "openrouter")
    assert first.event is None and first.row.first_observed == first.row.last_observed == "2025-01-01"
    same = observe(first.row, quote("a/m"), "2025-02-01", "openrouter")
    assert same.event is None and (same.row.first_observed, same.row.last_observed) == ("2025-01-01", "2025-02-01")
    changed = observe(same.row, quote("a/m", completion="0.000003"), "2025-03-01", "openrouter")
    assert changed.event is not None and changed.row.first_observed == "2025-03-01"
    with pytest.raises(ValueError, match="cannot continue"):
        observe(first.row, quote("a/other"), "2025-02-01", "openrouter")


def test_retirements_name_the_offers_gone_from_a_complete_listing() -> None:
    events = retirements([quote("a/m").offer, quote("a/n").offer], [quote("a/n").offer], "2025-03-01")
    assert [(e.kind, e.offer.model_id, e.at) for e in events] == [(EventType.MODEL_RETIRED, "a/m", "2025-03-01")]


def test_models_dev_costs_are_per_million_and_the_channel_follows_the_lab() -> None:
    payload = json.loads(MODELSDEV.read_text())
    google = {q.offer.model_id: q for q in modelsdev_quotes("google", payload["google"]["models"])}
    pro = google["gemini-2.5-pro"]
    assert pro.offer.channel is Channel.FIRST_PARTY and pro.price.unit is Unit.PER_MILLION
    assert pro.price.input_per_million == Decimal("1.25") and pro.price.output_per_million == Decimal(10)
    assert pro.price.components["tiers.0.output"] == "15"
    assert "gemma-4-26b-a4b-it" not in google  # no cost published
    (hosted,) = modelsdev_quotes("abacus", payload["abacus"]["models"])
    assert hosted.offer.channel is Channel.HOST and model_lab(hosted.offer.model_id, "abacus") == "alibaba"
    assert channel_of("Qwen/Qwen3-32B", "alibaba") is Channel.FIRST_PARTY
    assert channel_of("llama-3.3-70b", "groq") is Channel.HOST


def test_every_capture_parses_without_losing_a_pricing_key() -> None:
    for day, listing in captures():
        quotes = {q.offer.key: q for q in openrouter_quotes(listing)}
        for raw in listing:
            if raw["id"].startswith("~"):
                continue
            made = quotes[f"openrouter|{raw['id']}"]
            assert dict(made.price.components) == raw["pricing"], (day, raw["id"])


def expected_events(days: list[tuple[str, list[dict[str, Any]]]]) -> set[tuple[Any, ...]]:
    """An independent recomputation: compare each capture's pricing with the one before, by id."""

    def prices(listing: list[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
        out = {}
        for raw in listing:
            if not raw["id"].startswith("~"):
                out[raw["id"]] = {k: Decimal(v) for k, v in raw["pricing"].items() if Decimal(v) != 0}
        return out

    def in_out(pricing: dict[str, Decimal]) -> tuple[Decimal | None, Decimal | None]:
        def per_m(key: str) -> Decimal | None:
            value = pricing.get(key, Decimal(0))
            return None if value < 0 else (value * 1_000_000).normalize()

        return per_m("prompt"), per_m("completion")

    expected: set[tuple[Any, ...]] = set()
    for (_, before), (day, after) in itertools.pairwise(days):
        old, new = prices(before), prices(after)
        for model_id in old.keys() - new.keys():
            expected.add(("retired", model_id, day, None, None, None, None))
        for model_id in old.keys() & new.keys():
            if old[model_id] != new[model_id]:
                (oi, oo), (ni, no) = in_out(old[model_id]), in_out(new[model_id])
                expected.add(("changed", model_id, day, oi, ni, oo, no))
    return expected


def found_events(days: list[tuple[str, list[dict[str, Any]]]]) -> tuple[set[tuple[Any, ...]], Ledger]:
    ledger = Ledger.empty("openrouter")
    for day, listing in days:
        ledger.apply(openrouter_quotes(listing), day)
    found = set()
    for e in ledger.events:
        listing_id = e.offer.model_id + (f":{e.offer.variant}" if e.offer.variant else "")
        kind = "retired" if e.kind is EventType.MODEL_RETIRED else "changed"
        norm = [
            v.normalize() if v is not None else None for v in (e.old_input, e.new_input, e.old_output, e.new_output)
        ]
        found.add((kind, listing_id, e.at, *norm))
    assert len(found) == len(ledger.events), "one event per offer and day"
    return found, ledger


def test_replaying_the_captures_gives_exactly_the_price_changes_and_retirements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    days = captures()
    expected = expected_events(days)
    found, ledger = found_events(days)
    hits = len(found & expected)
    precision, recall = hits / len(found), hits / len(expected)
    with capsys.disabled():
        print(
            f"\nOpenRouter replay: {len(days)} captures, {len(expected)} expected events, {len(found)} found, "
            f"precision {precision:.4f}, recall {recall:.4f}"
        )
    assert found == expected
    changed = sum(1 for e in expected if e[0] == "changed")
    assert changed > 500 and len(expected) - changed > 300  # the replay is not vacuous
    for event in ledger.events:
        moves = {
            (new > old) - (new < old)
            for old, new in ((event.old_input, event.new_input), (event.old_output, event.new_output))
            if old is not None and new is not None and old != new
        }
        if moves == {-1}:
            assert event.kind is EventType.PRICE_CUT, event
        if moves == {1}:
            assert event.kind is EventType.PRICE_RISE, event


def test_the_append_only_rows_span_the_captures_they_were_seen_in() -> None:
    days = captures()
    _, ledger = found_events(days)
    dates = [day for day, _ in days]
    by_offer: dict[str, list[tuple[str, str]]] = {}
    for row in ledger.rows:
        assert row.first_observed <= row.last_observed
        by_offer.setdefault(row.offer.key, []).append((row.first_observed, row.last_observed))
    for spans in by_offer.values():
        assert spans == sorted(spans) and all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    # a new row exactly when an id is new to a capture or its price differs from the capture before
    previous: dict[str, dict[str, Decimal]] = {}
    new_rows = 0
    for _, listing in days:
        current = {
            raw["id"]: {k: Decimal(v) for k, v in raw["pricing"].items() if Decimal(v) != 0}
            for raw in listing
            if not raw["id"].startswith("~")
        }
        new_rows += sum(1 for model_id, pricing in current.items() if previous.get(model_id) != pricing)
        previous = current
    assert len(ledger.rows) == new_rows
    assert ledger.rows[0].first_observed == dates[0] and max(r.last_observed for r in ledger.rows) == dates[-1]


def test_a_held_out_later_capture_continues_the_replay(capsys: pytest.CaptureFixture[str]) -> None:
    days = captures()
    if not HELD_OUT.exists():
        pytest.skip(f"no held-out capture at {HELD_OUT}")
    continued = [*days, ("2026-05-15", json.loads(HELD_OUT.read_text())["data"])]
    expected = {e for e in expected_events(continued) if e[2] == "2026-05-15"}
    found = {e for e in found_events(continued)[0] if e[2] == "2026-05-15"}
    hits = len(found & expected)
    with capsys.disabled():
        print(
            f"\nheld-out 2026-05-15 after 2026-03-02: {len(expected)} expected events, {len(found)} found, "
            f"precision {hits / len(found):.4f}, recall {hits / len(expected):.4f}"
        )
    assert found == expected and len(expected) > 50
