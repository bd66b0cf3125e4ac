"""Ingest on one core, in process, with relwatch's own functions: decode, parse, stage, merge, classify.

Pages are rendered by the synthetic hub beforehand (no network, no server), then for each page:
`relwatch.http.Fetched.json` (the sync's own decoder) → `relwatch.sources.huggingface.parse_models`
→ `SourceIngest.add`; per source `SourceIngest.commit`; at the end `relwatch.releases.reclassify`
of every vendor, into a real SQLite file opened by `relwatch.store.Store` (WAL, as a sync opens
it). Then, in the same process, the floor: the same pages decoded with orjson, each item inserted
as one row (`external_id` indexed, the item's JSON as its payload), one transaction per vendor,
into a file with the Store's page size and journal settings. Prints one JSON object: seconds per
stage (wall and CPU), the floor's seconds, and the artifact count.

    python bench/ingest_rate.py --vendors 4 --repos 5000 --page-size 500 [--profile out.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
from hub import HfItems, lab_repos, org_name
from workload import Workload, write_config

from relwatch.config import parse_config
from relwatch.dates import now_iso
from relwatch.http import Fetched
from relwatch.releases import reclassify
from relwatch.sources.base import Page
from relwatch.sources.huggingface import listing_url, parse_models
from relwatch.store import Store
from relwatch.store.ingest import SourceIngest

JSON_HEADERS = httpx.Headers({"content-type": "application/json; charset=utf-8"})


class Stages:
    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[name] += time.perf_counter() - wall
        self.cpu[name] += time.process_time() - cpu


def rendered_pages(workload: Workload) -> dict[int, list[bytes]]:
    items = HfItems()
    pages: dict[int, list[bytes]] = {}
    for index in range(workload.vendors):
        rendered = [items.render(repo) for repo in lab_repos(index, workload.repos)]
        size = workload.page_size
        pages[index] = [b"[" + b", ".join(rendered[i : i + size]) + b"]" for i in range(0, len(rendered), size)]
    return pages


def ingest(workload: Workload, pages: dict[int, list[bytes]], folder: Path, stages: Stages) -> int:
    """Ingest the rendered `pages` of each vendor of `workload`; return how many artifacts."""
    base_url = "http://127.0.0.1:9"
    config_path = write_config(folder / "sources.toml", workload, base_url, {})
    config = parse_config(config_path.read_text(), str(config_path))
    store = Store(folder / "ingest.db")
    store.save_config(config)
    count = 0
    for index, vendor in enumerate(config.vendors.values()):
        source = vendor.sources[0]
        url = listing_url(base_url, org_name(index), workload.page_size)
        staging = SourceIngest(store, source, None)
        for number, body in enumerate(pages[index]):
            with stages.stage("decode"):
                payload = Fetched(url=url, status=200, headers=JSON_HEADERS, content=body).json()
            with stages.stage("parse"):
                artifacts = parse_models(payload, base_url)
            with stages.stage("stage"):
                page_url = f"{url}&cursor={number}"
                ids = [a.external_id for a in artifacts]
                staging.add(Page(url=page_url, artifacts=artifacts, item_ids=ids, etag=f'W/"{number}"'))
            count += len(artifacts)
        with stages.stage("merge"):
            staging.commit(now=now_iso(), complete=True, keep_validators=True, on_commit=lambda *_: None)
    with stages.stage("classify"):
        reclassify(store, config, list(config.vendors))
    store.close()
    return count


FLOOR_SCHEMA = """
CREATE TABLE items (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, raw TEXT NOT NULL);
"""


def floor(pages: dict[int, list[bytes]], path: Path) -> tuple[int, float]:
    """The least an ingest must do: decode each item, insert it as one indexed row with its payload.

    Returns (rows inserted, wall seconds). Same file settings as `relwatch.store.Store`: 16 KiB
    pages, WAL, synchronous=NORMAL; one transaction per vendor, as a sync commits per source.
    """
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA page_size=16384")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(FLOOR_SCHEMA)
    count = 0
    for vendor_pages in pages.values():
        conn.execute("BEGIN IMMEDIATE")
        for body in vendor_pages:
            rows = [(item["id"], orjson.dumps(item).decode()) for item in orjson.loads(body)]
            conn.executemany("INSERT INTO items (external_id, raw) VALUES (?, ?)", rows)
            count += len(rows)
        conn.execute("COMMIT")
    conn.close()
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=4)
    parser.add_argument("--repos", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the ingest to this file")
    args = parser.parse_args()
    workload = Workload(vendors=args.vendors, repos=args.repos, page_size=args.page_size)
    stages = Stages()
    pages = rendered_pages(workload)
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory(prefix="relwatch-ingest-") as folder:
        if profiler:
            profiler.enable()
        count = ingest(workload, pages, Path(folder), stages)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        floor_rows, floor_wall = floor(pages, Path(folder) / "floor.db")
    if floor_rows != count:
        raise SystemExit(f"ingest_rate.py: the floor inserted {floor_rows} rows, relwatch {count} artifacts")
    print(json.dumps({"artifacts": count, "wall": stages.wall, "cpu": stages.cpu, "floor": floor_wall}))


if __name__ == "__main__":
    main()
