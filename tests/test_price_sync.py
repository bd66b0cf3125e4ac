"""Prices through the command: the 19 real OpenRouter captures replayed one per sync, the price
ledger excerpt through `price-history`, and price events in every `diff` format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from relwatch.prices import Price, Unit
from tests.conftest import invoke, isolated_env, query, shared_path, write_config
from tests.loopback import Loopback, json_reply
from tests.test_prices import HELD_OUT, captures, expected_events

Cli = Callable[..., CompletedProcess[str]]


def authors(days: list[tuple[str, list[dict[str, Any]]]]) -> list[str]:
    return sorted(
        {raw["id"].split("/", 1)[0] for _, listing in days for raw in listing if not raw["id"].startswith("~")}
    )


def vendor_key(author: str) -> str:
    return "v-" + author.lower().replace(".", "-")


def at_day(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """Syncs record the capture's day as their time (a sync's time is when it read the prices)."""
    import relwatch.sync

    monkeypatch.setattr(relwatch.sync, "now_iso", lambda: f"{day}T12:00:00Z")


def price_events(db: Path) -> set[tuple[Any, ...]]:
    found = set()
    rows = query(db, "SELECT type, subject, at, old_value, new_value FROM events WHERE type IN "
                 "('price-cut', 'price-rise', 'model-retired')")  # fmt: skip
    for kind, subject, at, old_value, new_value in rows:
        if kind == "model-retired":
            found.add(("retired", subject, at[:10], None, None, None, None))
            continue
        old, new = json.loads(old_value), json.loads(new_value)
        values = [old["input"], new["input"], old["output"], new["output"]]
        found.add(("changed", subject, at[:10], *(None if v is None else Decimal(v).normalize() for v in values)))
    assert len(found) == len(rows), "one event per offer and capture"
    return found


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Any]]]:
    """The captures synced one a day into one database, made once for the tests that only read it."""
    tmp_path = tmp_path_factory.mktemp("replayed")
    environment = isolated_env(tmp_path)
    days = captures()
    if HELD_OUT.exists():  # a later capture, kept apart from the 19: the replay continues onto it
        days.append(("2026-05-15", json.loads(HELD_OUT.read_text())["data"]))
    server = Loopback().start()
    current: dict[str, Any] = {}
    server.route("/api/v1/models", lambda request: json_reply({"data": current["listing"]}))
    config = write_config(
        tmp_path / "sources.toml",
        {vendor_key(a): [{"kind": "openrouter", "author": a, "base_url": server.url}] for a in authors(days)},
    )
    db = tmp_path / "r.db"
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            for day, listing in days:
                current["listing"] = listing
                at_day(monkeypatch, day)
                result = invoke(["sync", "--quiet", "--db", str(db), "--config", str(config)], environment)
                assert result.returncode in (0, 1), result.stderr  # a vendor whose models all left is suspect
        assert query(db, "SELECT error FROM source_runs WHERE status != 'ok'") == []
        yield db, days
    finally:
        server.stop()


def test_replaying_the_captures_through_sync_gives_one_event_per_price_change(
    replayed: tuple[Path, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, days = replayed
    expected, found = expected_events(days), price_events(db)
    hits = len(found & expected)
    held_out = {e for e in expected if e[2] == "2026-05-15"}
    held_found = {e for e in found if e[2] == "2026-05-15"}
    with capsys.disabled():
        if held_out:
            both = len(held_out & held_found)
            print(f"\nheld-out 2026-05-15 through sync: {len(held_out)} expected, {len(held_found)} found, "
                  f"precision {both / max(1, len(held_found)):.4f}, recall {both / len(held_out):.4f}")  # fmt: skip
        print(f"\nsync replay: {len(days)} captures, {len(expected)} expected, {len(found)} found, "
              f"precision {hits / len(found):.4f}, recall {hits / len(expected):.4f}")  # fmt: skip
    assert found == expected
    # Append-only: a row per price an offer had and per listing after a retirement, never rewritten.
    ((rows,),) = query(db, "SELECT count(*) FROM price_observations")
    changes = sum(1 for e in expected if e[0] == "changed")
    listed = [{raw["id"] for raw in listing if not raw["id"].startswith("~")} for _, listing in days]
    starts = sum(len(now - before) for before, now in zip([set(), *listed], listed, strict=False))
    assert rows == starts + changes


def test_the_stored_price_of_each_offer_is_its_last_captures_price(replayed: tuple[Path, list[Any]]) -> None:
    """The current row holds the price as first written; a later capture that only adds zero-priced
    keys (the schema grew) is the same price, so the row is not rewritten."""
    db, days = replayed
    day, listing = days[-1]
    stored = dict(
        query(
            db,
            "SELECT p.model_id || coalesce(':' || p.variant, ''), o.components FROM price_observations o "
            "JOIN price_offers p ON p.id = o.offer_id WHERE o.last_observed LIKE ?",
            (f"{day}%",),
        )
    )
    for raw in listing:
        if not raw["id"].startswith("~"):
            row = Price(components=json.loads(stored[raw["id"]]), unit=Unit.PER_TOKEN)
            assert row.same_as(Price(components=raw["pricing"], unit=Unit.PER_TOKEN)), raw["id"]
            assert {k: v for k, v in row.components.items() if Decimal(v)} == {
                k: v for k, v in raw["pricing"].items() if Decimal(v)
            }, raw["id"]


def test_diff_shows_price_events_in_every_format(replayed: tuple[Path, list[Any]], cli: Cli) -> None:
    db, _ = replayed
    table = cli("diff", "--db", str(db))
    assert "Price cuts" in table.stdout or "Price rises" in table.stdout, table.stdout
    assert "per 1M tokens" in table.stdout
    document = json.loads(cli("diff", "--db", str(db), "--format", "json").stdout)
    kinds = {kind for by_type in document["vendors"].values() for kind in by_type}
    assert kinds & {"price-cut", "price-rise", "model-retired"}
    feed = cli("diff", "--db", str(db), "--format", "atom").stdout
    assert "per 1M tokens" in feed and "<entry>" in feed
    csv = cli("diff", "--db", str(db), "--format", "csv").stdout
    assert "price-" in csv
    assert cli("diff", "--db", str(db), "--exit-code").returncode == 1


def test_the_ledger_excerpt_through_price_history(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    excerpt = json.loads(shared_path("captures", "openrouter_price_ledger_excerpt.json").read_text())
    server = Loopback().start()
    server.route("/ledger/prices.json", lambda request: json_reply(excerpt))
    wanted = sorted({model_id.split("/", 1)[0] for model_id in excerpt["models"]})
    config = write_config(
        tmp_path / "sources.toml",
        {
            vendor_key(a): [{"kind": "price-history", "author": a, "url": f"{server.url}/ledger/prices.json"}]
            for a in wanted
        },
    )
    db = tmp_path / "l.db"
    try:
        at_day(monkeypatch, "2026-04-01")
        for _ in range(2):  # a re-read adds nothing
            assert cli("sync", "--quiet", "--db", str(db), "--config", str(config)).returncode == 0
    finally:
        server.stop()
    points = {model_id: [tuple(p) for p in entry["points"]] for model_id, entry in excerpt["models"].items()}
    rows = query(db, "SELECT p.model_id || coalesce(':' || p.variant, ''), o.first_observed, o.input_per_million, "
                 "o.output_per_million, o.source FROM price_observations o JOIN price_offers p ON p.id = o.offer_id "
                 "ORDER BY o.first_observed, o.id")  # fmt: skip
    stored: dict[str, list[tuple[str, Decimal, Decimal]]] = {}
    for model_id, first, inp, out, source in rows:
        assert source.endswith("/price-history/" + model_id.split("/", 1)[0])
        stored.setdefault(model_id, []).append((first, Decimal(inp), Decimal(out)))
    for model_id, history in points.items():
        distinct = []
        for day, inp, out in sorted(history, key=lambda point: point[0]):  # two points of a day stay in order
            if not distinct or (Decimal(str(inp)), Decimal(str(out))) != distinct[-1][1:]:
                distinct.append((day, Decimal(str(inp)), Decimal(str(out))))
        assert stored[model_id] == distinct, model_id
    retired = [m for m, e in excerpt["models"].items() if e.get("present_now") is False]
    assert retired
    artifacts = {row[0]: row[1:] for row in query(db, "SELECT external_id, date, extra FROM artifacts")}
    for model_id in retired:
        entry = excerpt["models"][model_id]
        assert artifacts[model_id][0].startswith(entry["first_seen"][:10])
        assert json.loads(artifacts[model_id][1])["last_seen"] == entry["last_seen"][:10]
    events = query(db, "SELECT subject, at FROM events WHERE type = 'model-retired'")
    assert sorted(events) == sorted((m, excerpt["models"][m]["last_seen"][:10]) for m in retired)


def test_models_dev_costs_are_recorded_per_provider_with_their_channel(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = json.loads((Path(__file__).parent / "fixtures" / "modelsdev" / "api.json").read_text())
    server = Loopback().start()
    current = {"payload": payload}
    server.route("/catalog.json", lambda request: json_reply(current["payload"]))
    config = write_config(
        tmp_path / "sources.toml",
        {
            "google": [{"kind": "modelsdev", "provider": "google", "base_url": server.url}],
            "abacus": [{"kind": "modelsdev", "provider": "abacus", "base_url": server.url}],
        },
    )
    db = tmp_path / "m.db"
    try:
        at_day(monkeypatch, "2026-04-01")
        assert cli("sync", "--quiet", "--db", str(db), "--config", str(config)).returncode == 0
        cheaper = json.loads(json.dumps(payload))
        cheaper["google"]["models"]["gemini-2.5-pro"]["cost"]["output"] = 8
        current["payload"] = cheaper
        at_day(monkeypatch, "2026-04-02")
        assert cli("sync", "--quiet", "--db", str(db), "--config", str(config)).returncode == 0
    finally:
        server.stop()
    offers = dict(query(db, "SELECT offer_key, channel FROM price_offers"))
    assert offers == {"google|gemini-2.5-pro": "first-party", "abacus|Qwen/Qwen3.6-27B": "host"}
    rows = query(db, "SELECT components, unit, output_per_million FROM price_observations o JOIN price_offers p "
                 "ON p.id = o.offer_id WHERE p.offer_key = 'google|gemini-2.5-pro' ORDER BY o.id")  # fmt: skip
    assert [(unit, out) for _, unit, out in rows] == [("USD/1M tokens", "10"), ("USD/1M tokens", "8")]
    assert json.loads(rows[0][0])["tiers.0.output"] == "15"  # nested tiers kept, exact
    ((old, new),) = query(db, "SELECT old_value, new_value FROM events WHERE type = 'price-cut'")
    assert json.loads(old)["output"] == "10" and json.loads(new)["output"] == "8"
