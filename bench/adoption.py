"""The adoption reads of `compare`, timed in process on a database with a long daily series.

Builds (once, cached) a database with VENDORS vendors of open releases of REPOS hub repositories
each, ARTIFACTS repositories in all, a row of `artifact_metrics` per repository per day over DAYS
days and derivative counts at every milestone; then times what `compare` reads for three vendors
(`Store.open_releases`, `Store.first_month_metrics`, `Store.derivative_records`) and the
adoption part of `value.compare_value` on those records, and prints the medians and the table's
rows per repository per day as JSON.

    python bench/adoption.py [--artifacts 50000] [--days 365] [--vendors 50] [--repeats 7] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from relwatch.sources.derivatives import MILESTONES, RELATIONS
from relwatch.store import Store
from relwatch.value import Records, compare_value

FIRST_DAY = date(2025, 1, 1)
REPOS_PER_RELEASE = 5


def timed(call: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def build(path: Path, artifacts: int, days: int, vendors: int) -> None:
    store = Store(path)
    conn = store.conn
    per_vendor = artifacts // vendors
    releases_per_vendor = per_vendor // REPOS_PER_RELEASE
    span = max(days - 120, 1)  # releases open over the series, so their milestones fall inside it
    with store.transaction():
        for v in range(vendors):
            vendor = f"v{v:04d}"
            conn.execute("INSERT INTO vendors (id, name) VALUES (?, ?)", (vendor, vendor))
            conn.execute(
                "INSERT INTO sources (id, vendor_id, kind, base_url) VALUES (?, ?, 'huggingface', 'https://hub')",
                (f"{vendor}/hf", vendor),
            )
            for r in range(releases_per_vendor):
                opened = (FIRST_DAY + timedelta(days=(r * 7 + v) % span)).isoformat()
                release = f"{vendor}/family-{r:04d}"
                conn.execute(
                    "INSERT INTO releases (id, vendor_id, family, name, tier, date, first_open_at, artifact_count) "
                    "VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
                    (release, vendor, f"family-{r:04d}", release, opened, opened, REPOS_PER_RELEASE),
                )
                for k in range(REPOS_PER_RELEASE):
                    repo = f"org-{vendor}/family-{r:04d}-{k}"
                    conn.execute(
                        "INSERT INTO artifacts (source_id, vendor_id, kind, external_id, name, content_hash, "
                        "first_seen, last_seen, release_id, tier, date) VALUES (?, ?, 'huggingface', ?, ?, 'h', ?, ?, "
                        "?, 'open', ?)",
                        (f"{vendor}/hf", vendor, repo, repo, opened, opened, release, opened),
                    )
                    for m in MILESTONES:
                        conn.executemany(
                            "INSERT INTO derivative_counts VALUES (?, ?, ?, ?, ?, 1, ?)",
                            [(release, repo, rel, m, (r + k + m) % 17, opened) for rel in RELATIONS],
                        )
    ids = [row[0] for row in conn.execute("SELECT id FROM artifacts ORDER BY id")]

    def rows() -> Iterator[tuple[int, str, int, int, int]]:
        for d in range(days):
            day = (FIRST_DAY + timedelta(days=d)).isoformat()
            for artifact in ids:
                yield artifact, day, 1000 + d + artifact % 97, 5000 + 10 * d, artifact % 31

    with store.transaction():
        conn.executemany("INSERT INTO artifact_metrics VALUES (?, ?, ?, ?, ?)", rows())
    store.complete_first_month_counts()  # the first-month rows the syncs that wrote the series leave
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--artifacts", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--vendors", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "relwatch-bench")
    args = parser.parse_args()
    path = args.cache / f"adoption-{args.artifacts}x{args.days}x{args.vendors}.db"
    if not path.exists():
        args.cache.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        build(path.with_suffix(".part"), args.artifacts, args.days, args.vendors)
        path.with_suffix(".part").rename(path)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", flush=True)
    store = Store(path)
    vendors = ["v0000", "v0001", "v0002"]
    last = (FIRST_DAY + timedelta(days=args.days - 1)).isoformat()
    window = (FIRST_DAY.isoformat(), last)

    def records() -> Records:
        return Records(
            releases=store.open_releases(vendors),
            metrics=store.first_month_metrics(vendors, *window),
            derivatives=store.derivative_records(vendors),
        )

    read_s, loaded = timed(records, args.repeats)
    block_s, blocks = timed(lambda: compare_value(loaded, vendors, *window), args.repeats)
    rows, artifacts, days = store.conn.execute(
        "SELECT count(*), count(DISTINCT artifact_id), count(DISTINCT day) FROM artifact_metrics"
    ).fetchone()
    store.close()
    print(
        json.dumps(
            {
                "metrics_rows": rows,
                "rows_per_artifact_per_day": rows / (artifacts * days),
                "records_read_ms": round(read_s * 1000, 1),
                "adoption_block_ms": round(block_s * 1000, 1),
                "metrics_read": len(loaded.metrics),
                "releases_read": len(loaded.releases),
                "median_first_month_downloads": [b.median_first_month_downloads for b in blocks],
            }
        )
    )


if __name__ == "__main__":
    main()
