"""A hostile price never costs a sync: an unreadable OpenRouter price or ledger point is skipped
and counted, the rest kept, and a point dated after the ledger's own date is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from relwatch.prices import Price, Unit, openrouter_quotes, readable_quotes
from relwatch.sources.pricehistory import parse_ledger
from tests.conftest import query, write_config
from tests.loopback import Loopback, json_reply

Cli = Callable[..., CompletedProcess[str]]


def model(model_id: str, prompt: str, completion: str = "0.000002") -> dict[str, Any]:
    return {
        "id": model_id,
        "name": model_id,
        "created": 1735689600,
        "pricing": {"prompt": prompt, "completion": completion},
    }


@pytest.mark.parametrize("value", ["1e999999", "-1e999999", "NaN", "Infinity", "-2", "2000000", "cheap"])
def test_an_unreadable_openrouter_price_is_left_out_with_a_reason(value: str) -> None:
    kept, skipped = readable_quotes(openrouter_quotes([model("acme/bad", value), model("acme/good", "0.000001")]))
    assert [q.offer.model_id for q in kept] == ["acme/good"]
    assert len(skipped) == 1 and skipped[0].startswith("acme/bad: price 'prompt'")


def test_the_varies_price_and_zero_stay_readable_and_conversion_never_overflows() -> None:
    kept, skipped = readable_quotes(
        openrouter_quotes([model("openrouter/auto", "-1", "-1"), model("acme/free", "0", "0")])
    )
    assert skipped == [] and len(kept) == 2
    huge = Price(components={"prompt": "1e999999"}, unit=Unit.PER_TOKEN)
    assert huge.input_per_million is None and huge.problem() is not None
    assert Price(components={"prompt": "0.0000002"}, unit=Unit.PER_TOKEN).input_per_million == Decimal("0.2")


def test_bad_ledger_points_are_skipped_and_the_rest_kept() -> None:
    payload = {
        "as_of": "2026-03-31",
        "models": {
            "acme/m": {
                "points": [
                    ["2025-01-01", 1, 2],
                    ["2025-02-01", "1e999999", 2],
                    ["2025-02-30", 1, 1],
                    ["2099-01-01", 0.01, 0.01],
                    ["2025-03-01", 0.5, 2],
                    "junk",
                ]
            },
            "acme/n": {"points": "none"},
            "nonsense": {},
        },
    }
    read = parse_ledger(payload, "ledger", today="2026-04-01")
    assert [r.price.input_per_million for r in read.observations] == [Decimal(1), Decimal("0.5")]
    assert len(read.skipped) == 6
    assert any("1e999999" in line for line in read.skipped)
    assert any("'2025-02-30' is not a YYYY-MM-DD date" in line for line in read.skipped)
    assert any("dated 2099-01-01, after the ledger's date 2026-03-31" in line for line in read.skipped)
    assert any("model acme/n: 'points' is not a list" in line for line in read.skipped)


def test_a_point_after_today_is_refused_when_the_ledger_has_no_date() -> None:
    read = parse_ledger({"models": {"acme/m": {"points": [["2026-05-02", 1, 1]]}}}, "ledger", today="2026-05-01")
    assert read.observations == [] and read.skipped == [
        "model acme/m point 0: dated 2026-05-02, after the ledger's date 2026-05-01"
    ]


def test_a_sync_with_hostile_prices_keeps_the_rest_and_counts_them(tmp_path: Path, cli: Cli) -> None:
    server = Loopback().start()
    listing = [model("acme/bad", "1e999999"), model("acme/good", "0.0000002")]
    points = [["2025-01-01", "1e999999", 1], ["2025-02-01", 1, 1], ["2099-01-01", 0, 0]]
    ledger = {"as_of": "2026-01-01", "models": {"acme/old": {"points": points}}}
    server.route("/api/v1/models", lambda request: json_reply({"data": listing}))
    server.route("/ledger.json", lambda request: json_reply(ledger))
    try:
        config = write_config(tmp_path / "s.toml", {"acme": [
            {"kind": "openrouter", "author": "acme", "base_url": server.url},
            {"kind": "price-history", "author": "acme", "url": f"{server.url}/ledger.json", "base_url": server.url},
        ]})  # fmt: skip
        db = tmp_path / "r.db"
        result = cli("sync", "--db", str(db), "--config", str(config))
    finally:
        server.stop()
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    runs = dict(query(db, "SELECT status, count(*) FROM source_runs GROUP BY status"))
    assert runs == {"ok": 2}
    assert sorted(query(db, "SELECT skipped FROM source_runs")) == [(1,), (2,)]
    reasons = [json.loads(r) for (r,) in query(db, "SELECT skipped_reasons FROM source_runs WHERE skipped > 0")]
    assert any("acme/bad" in line for lines in reasons for line in lines)
    prices = query(
        db, "SELECT o.model_id, p.components FROM price_observations p JOIN price_offers o ON o.id = p.offer_id"
    )
    assert sorted(model_id for model_id, _ in prices) == ["acme/good", "acme/old"]
    assert all("1e999999" not in components and "2099" not in components for _, components in prices)
