"""The database half of `compare` and `list`, timed in process: what is left once start-up is paid.

Calls the functions the commands call (`Store.figure_releases` + `analysis.compare_releases` with
the releases' output prices, then the price and value block: `Store.value_records` +
`value.compare_value`; `Store.list_releases` / `Store.list_artifacts` with a limit) on an existing
database and prints the median seconds of each as JSON.

    python bench/query_core.py DB v0000 v0001 v0002 [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from relwatch import value
from relwatch.analysis import compare_releases
from relwatch.store import Store


def timed(call: Callable[[], Any], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("vendors", nargs="+")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    vendors: list[str] = args.vendors
    started = time.perf_counter()
    store = Store.open_existing(args.db)
    opened = time.perf_counter() - started
    today = date.today()
    since, until = (today - timedelta(days=730)).isoformat(), today.isoformat()

    def compare() -> Any:
        prices = store.release_output_prices(vendors)
        figures = compare_releases(
            store.figure_releases(vendors, since, until), vendors, since=since, until=until, prices=prices
        )
        records = store.value_records(vendors, [until], since=since)
        return figures, value.compare_value(records, vendors, since, until)

    figures = {
        "open": opened,
        "compare": timed(compare, args.repeats),
        "list": timed(lambda: store.list_releases(vendors=vendors[:1], limit=50), args.repeats),
        "list_artifacts": timed(lambda: store.list_artifacts(vendors=vendors[:1], limit=50), args.repeats),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
