"""The `price-history` source: a public OpenRouter price ledger read into observations."""

from __future__ import annotations

import asyncio
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from relwatch.config import HttpSettings, SourceConfig
from relwatch.errors import SourceError
from relwatch.http import Http
from relwatch.kinds import PriceHistoryOptions
from relwatch.models import EventType
from relwatch.prices import Channel, observe, openrouter_quote
from relwatch.sources import pricehistory
from relwatch.sources.pricehistory import parse_ledger
from tests.loopback import Loopback, json_reply

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXCERPT = SHARED / "captures" / "openrouter_price_ledger_excerpt.json"
CAPTURES = SHARED / "captures" / "openrouter"


def excerpt() -> dict[str, Any]:
    if not EXCERPT.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the price ledger excerpt is missing at {EXCERPT}")
        pytest.skip(f"no price ledger excerpt at {EXCERPT}")
    loaded: dict[str, Any] = json.loads(EXCERPT.read_text())
    return loaded


def ledger(**models: Any) -> dict[str, Any]:
    return {"as_of": "2026-03-31", "models": models}


def history(*points: list[Any], present_now: bool = True, last_seen: str = "2026-03-31") -> dict[str, Any]:
    return {"name": "Lab: Model", "first_seen": points[0][0], "last_seen": last_seen, "present_now": present_now,
            "points": list(points)}  # fmt: skip


def test_points_become_observations_in_openrouters_own_unit() -> None:
    read = parse_ledger(ledger(**{"a/m": history(["2024-09-21", 0.35, 0.4], ["2024-12-06", 0.23, 0.4])}), "ledger")
    first, second = read.observations
    assert first.price.components == {"prompt": "0.00000035", "completion": "0.0000004"}
    assert (first.first_observed, first.last_observed) == ("2024-09-21", "2024-12-05")
    assert (second.first_observed, second.last_observed) == ("2024-12-06", "2026-03-31")
    assert second.price.input_per_million == Decimal("0.23") and second.source == "price-history"
    assert first.offer.channel is Channel.AGGREGATOR and first.offer.seller == "openrouter"
    (cut,) = read.events
    assert cut.kind is EventType.PRICE_CUT and (cut.old_input, cut.new_input) == (Decimal("0.35"), Decimal("0.23"))
    assert cut.at == "2024-12-06" and read.as_of == "2026-03-31" and read.retired == []


def test_a_retired_model_is_an_artifact_with_its_first_and_last_seen() -> None:
    entry = history(["2024-09-21", 3.0, 12.0], present_now=False, last_seen="2025-10-27")
    entry["name"] = "OpenAI: o1-mini"
    read = parse_ledger(ledger(**{"openai/o1-mini": entry}), "ledger")
    (artifact,) = read.retired
    assert (artifact.external_id, artifact.name, artifact.date) == ("openai/o1-mini", "o1-mini", "2024-09-21")
    assert artifact.extra == {"first_seen": "2024-09-21", "last_seen": "2025-10-27", "present_now": False}
    assert [(e.kind, e.at) for e in read.events] == [(EventType.MODEL_RETIRED, "2025-10-27")]


def test_a_free_id_is_the_free_variant_of_its_base_model() -> None:
    read = parse_ledger(ledger(**{"a/m:free": history(["2025-01-01", 0, 0])}), "ledger")
    (row,) = read.observations
    assert row.offer.model_id == "a/m" and row.offer.is_free_variant and row.price.is_free


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "expected a JSON object with a 'models' object"),
        ({"models": []}, "expected a JSON object with a 'models' object"),
    ],
)
def test_bad_ledgers_are_one_clear_error(payload: Any, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_ledger(payload, "ledger")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_the_real_excerpt_parses_whole() -> None:
    payload = excerpt()
    read = parse_ledger(payload, str(EXCERPT))
    models = payload["models"]
    assert read.as_of == payload["as_of"]
    assert {a.external_id for a in read.retired} == {k for k, v in models.items() if not v["present_now"]}
    for model_id, entry in models.items():
        rows = [r for r in read.observations if r.offer.model_id == model_id.split(":")[0]
                and (r.offer.variant or "") == model_id.partition(":")[2]]  # fmt: skip
        distinct = [p for i, p in enumerate(entry["points"]) if i == 0 or p[1:] != entry["points"][i - 1][1:]]
        assert [(r.first_observed, r.price.input_per_million, r.price.output_per_million) for r in rows] == [
            (day, Decimal(str(i)), Decimal(str(o))) for day, i, o in distinct
        ], model_id
        assert rows[-1].last_observed == entry["last_seen"]
        changes = [e for e in read.events if e.kind is not EventType.MODEL_RETIRED and e.offer == rows[0].offer]
        assert len(changes) == len(rows) - 1


def test_the_excerpt_agrees_with_the_monthly_captures(capsys: pytest.CaptureFixture[str]) -> None:
    read = parse_ledger(excerpt(), str(EXCERPT))
    files = sorted(CAPTURES.glob("openrouter_models_*.json"))
    if not files:
        pytest.skip(f"no OpenRouter captures at {CAPTURES}")
    agree = disagree = 0
    for file in files:
        day = file.stem.rsplit("_", 1)[1]
        listed = {m["id"]: m["pricing"] for m in json.loads(file.read_text())["data"]}
        for row in read.observations:
            listing_id = row.offer.model_id + (f":{row.offer.variant}" if row.offer.variant else "")
            if row.first_observed <= day <= row.last_observed and listing_id in listed:
                pricing = listed[listing_id]
                same = all(Decimal(pricing[k]) == Decimal(row.price.components[k]) for k in ("prompt", "completion"))
                agree, disagree = agree + same, disagree + (not same)
    share = agree / (agree + disagree)
    with capsys.disabled():
        print(f"\nledger excerpt vs captures: {agree} of {agree + disagree} prices agree ({share:.3f})")
    # The ledger rounds to 6 decimals per 1M tokens and dates a change by its own capture time.
    assert agree + disagree > 400 and share >= 0.95


def test_fetch_reads_the_ledger_and_yields_its_retired_models() -> None:
    payload = ledger(
        **{"a/m": history(["2024-09-21", 1, 2]), "a/old": history(["2024-09-21", 1, 2], present_now=False)}
    )
    server = Loopback().start()
    try:
        server.route("/history/prices.json", lambda request: json_reply(payload))
        url = f"{server.url}/history/prices.json"
        options = PriceHistoryOptions(url=url, author="a")
        source = SourceConfig(vendor="openrouter", kind="price-history", base_url=server.url,
                              options=options, id="openrouter/price-history/a")  # fmt: skip

        async def pages() -> list[Any]:
            async with Http(HttpSettings()) as http:
                return [page async for page in pricehistory.fetch(source, http.session(server.url))]

        (page,) = asyncio.run(pages())
    finally:
        server.stop()
    assert page.item_ids == ["a/old"]
    assert page.prices is not None
    assert [row.offer.model_id for row in page.prices.observations] == ["a/m", "a/old"]
    assert [event.kind for event in page.prices.events] == [EventType.MODEL_RETIRED]


def test_a_live_read_continues_a_backfilled_observation_on_input_and_output() -> None:
    read = parse_ledger(ledger(**{"a/m": history(["2025-01-01", 1.25, 10])}), "ledger")
    (row,) = read.observations
    pricing = {"prompt": "0.00000125", "completion": "0.00001", "input_cache_read": "0.0000003", "web_search": "0.01"}
    live = openrouter_quote({"id": "a/m", "pricing": pricing})
    assert live is not None
    same = observe(row, live, "2026-04-01", "openrouter")
    assert same.event is None and same.row.first_observed == "2025-01-01"
    cut = observe(
        row, openrouter_quote({"id": "a/m", "pricing": {**pricing, "completion": "0.000008"}}) or live, "d", "o"
    )
    assert cut.event is not None and cut.event.kind is EventType.PRICE_CUT and cut.row.price.complete
