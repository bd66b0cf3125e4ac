"""`relwatch compare` with its price and value block on the big query database.

Builds (or reuses, from the same cache as `run.py`'s query figures) the query database, adds a
year of daily price observations for `--offers` offers spread over its vendors (every offer's
price changes every day: one append-only row per offer and day, the worst case) and a year of
daily adoption counts for `--metrics-artifacts` hub artifacts (issue 13's bench: 50,000), then times
`relwatch compare v0000 v0001 v0002` as a child process (median of `--repeats`, after a warm-up)
and its in-process core (`Store.value_records` + `value.compare_value`). Prints one Markdown table.

    python bench/compare_prices.py                       # 1,000,000 artifacts, 5,000 offers, 365 days
    python bench/compare_prices.py --artifacts 20000 --vendors 4 --offers 500   # quick

Target (issue 13): ≤ 200 ms for the command.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import bigdb
from measure import clean_env, relwatch

from relwatch import value
from relwatch.store import Store

QUERY_DB_VERSION = 3  # as bench/figures.py: the same cached database
SOURCE = "price-bench"


def query_database(cache: Path, artifacts: int, vendors: int) -> Path:
    """The cached query database, built and reclassified when missing (as `figures.query_database`)."""
    workload = bigdb.query_workload(artifacts, vendors)
    stem = f"query-v{QUERY_DB_VERSION}-{workload.vendors}x{workload.repos}"
    db, config = cache / f"{stem}.db", cache / f"{stem}.toml"
    if db.exists():
        return db
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{stem}.partial.db"
    bigdb.build(partial, config, workload)
    relwatch(["reclassify", "--config", str(config), "--db", str(partial)], clean_env(cache))
    partial.rename(db)
    return db


def add_prices(db: Path, offers: int, days: int, vendors: list[str]) -> int:
    """Write `offers` offers × `days` daily observations (a new price each day) once; rows written."""
    Store(db).close()  # migrations: the price tables exist
    with sqlite3.connect(db) as conn:
        if conn.execute("SELECT count(*) FROM price_offers WHERE offer_key LIKE 'bench|%'").fetchone()[0]:
            return 0
        start = date.today() - timedelta(days=days - 1)
        rows = 0
        for index in range(offers):
            vendor = vendors[index % len(vendors)]
            cursor = conn.execute(
                "INSERT INTO price_offers (offer_key, vendor_id, model_id, seller, channel, output_modalities, "
                "listed_by) VALUES (?, ?, ?, 'bench', 'aggregator', '[\"text\"]', ?)",
                (f"bench|{vendor}/m{index}", vendor, f"{vendor}/m{index}", SOURCE),
            )
            offer_id = cursor.lastrowid
            base = Decimal(index % 97 + 1) / 10
            batch = []
            for day in range(days):
                out = base * (1 + Decimal(day % 7) / 20)
                when = (start + timedelta(days=day)).isoformat()
                components = json.dumps({"completion": str(out / 1_000_000), "prompt": str(out / 4_000_000)})
                batch.append((offer_id, components, str(out / 4), str(out), when, when))
            conn.executemany(
                "INSERT INTO price_observations (offer_id, components, unit, complete, input_per_million, "
                f"output_per_million, first_observed, last_observed, source) VALUES (?, ?, 'USD/token', 1, ?, ?, ?, ?, "
                f"'{SOURCE}')",
                batch,
            )
            rows += len(batch)
        return rows


def add_metrics(db: Path, artifacts: int, days: int) -> int:
    """Write a year of daily adoption counts for `artifacts` hub artifacts once (one
    `artifact_metrics` row per artifact and day, and the first-month rows compare reads, as daily
    syncs leave them); rows written."""
    with sqlite3.connect(db) as conn:
        if conn.execute("SELECT count(*) FROM (SELECT 1 FROM artifact_metrics LIMIT 1)").fetchone()[0]:
            return 0
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM artifacts WHERE kind = 'huggingface' AND derivative_of IS NULL ORDER BY id LIMIT ?",
                (artifacts,),
            )
        ]
        start = date.today() - timedelta(days=days - 1)
        rows = (
            (
                artifact,
                (start + timedelta(days=day)).isoformat(),
                1000 + day + artifact % 97,
                5000 + 10 * day,
                artifact % 31,
            )
            for artifact in ids
            for day in range(days)
        )
        written = conn.executemany("INSERT INTO artifact_metrics VALUES (?, ?, ?, ?, ?)", rows).rowcount
    store = Store(db)
    store.complete_first_month_counts()
    store.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", type=int, default=1_000_000)
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--offers", type=int, default=5_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--metrics-artifacts", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "relwatch-bench")
    args = parser.parse_args()
    started = time.perf_counter()
    db = query_database(args.cache, args.artifacts, args.vendors)
    print(f"query database ready in {time.perf_counter() - started:.0f} s: {db}", file=sys.stderr)
    store = Store(db)
    names = store.resolve_vendors(None)
    store.close()
    written = add_prices(db, args.offers, args.days, names)
    print(f"price rows written: {written:,}", file=sys.stderr)
    written = add_metrics(db, args.metrics_artifacts, args.days)
    print(f"metrics rows written: {written:,}", file=sys.stderr)
    chosen = ["v0000", "v0001", "v0002"]
    env = clean_env(args.cache)
    argv = ["compare", *chosen, "--db", str(db)]
    relwatch(argv, env)  # warm-up
    walls = [relwatch(argv, env).wall for _ in range(args.repeats)]
    baseline = [relwatch(["list", "v0000", "--limit", "1", "--db", str(db)], env).wall for _ in range(args.repeats)]
    store = Store(db)
    today = date.today().isoformat()
    since = (date.today() - timedelta(days=730)).isoformat()
    core = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        value.compare_value(store.value_records(chosen, [today]), chosen, since, today)
        core.append(time.perf_counter() - began)
    with sqlite3.connect(db) as conn:
        artifacts = conn.execute("SELECT count(*) FROM artifacts").fetchone()[0]
        observations = conn.execute("SELECT count(*) FROM price_observations").fetchone()[0]
        offers = conn.execute("SELECT count(*) FROM price_offers").fetchone()[0]
        metrics = conn.execute("SELECT count(*) FROM artifact_metrics").fetchone()[0]
    print("\n| figure | config | median | target |\n| --- | --- | --- | --- |")
    print(
        f"| relwatch compare {' '.join(chosen)} (with price and value) | {artifacts:,} artifacts, {offers:,} offers, "
        f"{observations:,} observations, {metrics:,} metrics rows | {statistics.median(walls) * 1000:.0f} ms "
        "| ≤ 200 ms |"
    )
    print(
        f"| its core: value_records + compare_value, in process | same | {statistics.median(core) * 1000:.1f} ms | — |"
    )
    print(f"| reference: relwatch list v0000 --limit 1 | same | {statistics.median(baseline) * 1000:.0f} ms | — |")
    print(f"\nload average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
