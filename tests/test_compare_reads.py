"""compare reads only the window's releases and the columns its figures use: the same figures as
every release decoded whole (`Release.as_record` of `Store.list_releases`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from relwatch.analysis import LICENCE_MIX, compare_releases
from relwatch.models import FIGURE_FIELDS, Release
from relwatch.store import Store
from tests.conftest import invoke, isolated_env, write_config
from tests.loopback import Loopback, json_reply, with_etag
from tests.public_data import fixture_json

VENDORS = ["google", "alibaba", "baidu"]
WINDOWS = [
    ("2024-09-01", "2026-03-31"),
    ("2025-01-01", "2025-06-30"),
    ("2025-06-30", "2025-06-30"),
    ("2030-01-01", "2030-12-31"),
]


def whole_rows(store: Store, vendors: list[str]) -> list[dict[str, Any]]:
    return [release.as_record() for release in store.list_releases(vendors=vendors)]


def in_window(rows: list[dict[str, Any]], since: str, until: str) -> list[dict[str, Any]]:
    """The figure fields of the rows `analysis.select_releases` keeps in [since, until], licence
    classes read as the figures read them."""
    kept = [
        {name: row[name] for name in FIGURE_FIELDS}
        for row in rows
        if row["date"] and since <= row["date"][:10] <= until
    ]
    return [{**row, "licence_class": licence_mix(row["licence_class"])} for row in kept]


def licence_mix(value: Any) -> str:
    return LICENCE_MIX.get(value or "unknown", "unknown")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """google, alibaba and baidu synced from a recorded OpenRouter catalogue."""
    folder = tmp_path_factory.mktemp("synced")
    capture = fixture_json("openrouter/models_2026-05-15.json")["data"]
    loopback = Loopback().start()
    try:
        loopback.route("/api/v1/models", lambda r: with_etag(r, json_reply({"data": capture})))
        authors = {"google": ["google"], "alibaba": ["qwen"], "baidu": ["baidu"]}
        sources = {
            vendor: [{"kind": "openrouter", "author": author, "base_url": loopback.url} for author in names]
            for vendor, names in authors.items()
        }
        config, db = write_config(folder / "sources.toml", sources), folder / "r.db"
        synced = invoke(["sync", "--config", str(config), "--db", str(db)], isolated_env(folder))
        assert synced.returncode == 0, synced.stderr + synced.stdout
    finally:
        loopback.stop()
    return db


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_the_window_read_holds_the_figure_fields_of_the_releases_in_the_window(synced, since, until):
    store = Store.open_existing(synced)
    try:
        read = store.figure_releases(VENDORS, since, until)
        whole = whole_rows(store, VENDORS)
    finally:
        store.close()
    assert [{**row, "licence_class": licence_mix(row["licence_class"])} for row in read] == in_window(
        whole, since, until
    )
    assert since != "2024-09-01" or len(read) > 20


@pytest.mark.parametrize(("since", "until"), WINDOWS)
@pytest.mark.parametrize(
    ("modality", "pipeline", "by"), [(None, None, None), ("text", None, "quarter"), (None, "text-generation", "month")]
)
def test_compare_figures_from_the_window_read_are_those_of_every_release(synced, since, until, modality, pipeline, by):
    store = Store.open_existing(synced)
    try:
        stated = store.release_modalities(VENDORS) if modality or pipeline else None
        prices = store.release_output_prices(VENDORS)
        window_rows = store.figure_releases(VENDORS, since, until)
        whole = whole_rows(store, VENDORS)
    finally:
        store.close()
    options: dict[str, Any] = dict(
        since=since, until=until, by=by, modality=modality, pipeline=pipeline, stated=stated, prices=prices
    )
    lean, full = compare_releases(window_rows, VENDORS, **options), compare_releases(whole, VENDORS, **options)
    assert json.dumps(lean.as_dict(), default=str) == json.dumps(full.as_dict(), default=str)
    assert lean.counted == full.counted


def test_dates_tiers_and_lists_the_window_read_meets(tmp_path):
    """Dates with a time, a month only, empty or missing, at both ends of the window; a tier and a
    licence class that are none of relwatch's; pipeline tags that are no JSON list: read as the
    whole release reads them."""
    store = Store(tmp_path / "r.db")
    try:
        store.conn.execute("INSERT INTO vendors (id, name, aliases) VALUES ('acme', 'Acme', '[]')")
        dates = ["2025-03-01T23:59:59Z", "2025-04", "2025-02-28", "2025-06-30T00:00:00Z", "2025-07-01", "", None]
        releases = [
            Release(id=f"acme/r{i}", vendor="acme", family=f"r{i}", name=f"R{i}", date=day, artifact_count=1).as_row()
            for i, day in enumerate(dates)
        ]
        store.replace_vendor_releases(
            "acme", relabelled=[], releases=releases, events=[], sync_run_id=None, at="2025-07-02"
        )
        store.conn.execute("UPDATE releases SET tier = 'open-ish', licence_class = 'odd' WHERE id = 'acme/r0'")
        store.conn.execute("UPDATE releases SET tier = 'api', pipeline_tags = 'text-generation' WHERE id = 'acme/r1'")
        store.conn.execute("UPDATE releases SET pipeline_tags = '[\"text-generation\"]' WHERE id = 'acme/r2'")
        read = store.figure_releases(["acme"], "2025-03-01", "2025-06-30")
        whole = whole_rows(store, ["acme"])
    finally:
        store.close()
    assert [row["id"] for row in read] == ["acme/r3", "acme/r1", "acme/r0"]
    assert [{**row, "licence_class": licence_mix(row["licence_class"])} for row in read] == in_window(
        whole, "2025-03-01", "2025-06-30"
    )
    assert (read[2]["tier"], read[1]["pipeline_tags"]) == (None, [])


def test_the_figures_document_is_their_asdict(synced):
    store = Store.open_existing(synced)
    try:
        rows, prices = store.figure_releases(VENDORS, *WINDOWS[0]), store.release_output_prices(VENDORS)
    finally:
        store.close()
    comparison = compare_releases(rows, VENDORS, since=WINDOWS[0][0], until=WINDOWS[0][1], prices=prices)
    assert any(v.closed_then_open or v.latest_closed_flagship for v in comparison.vendors)
    for figures in comparison.vendors:
        document = figures.as_dict()
        assert (document, list(document)) == (asdict(figures), list(asdict(figures)))
