"""The straightforward script relwatch is measured against: one org after another, page by page.

A synchronous `httpx.Client` follows each org's `Link: rel="next"` pages with the same query
relwatch sends; each item is inserted on its own `INSERT OR REPLACE` statement with `sqlite3`
and the transaction is committed once per page. No conditional requests, no classification.

    python bench/baseline.py --base-url http://127.0.0.1:PORT --db out.db --page-size 500 lab0000 lab0001 …
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from typing import Any

import httpx

from relwatch.sources.huggingface import listing_url  # the same query relwatch sends

SCHEMA = """
CREATE TABLE IF NOT EXISTS models (
    id TEXT PRIMARY KEY, author TEXT, created_at TEXT, last_modified TEXT, licence TEXT, gated TEXT,
    pipeline_tag TEXT, downloads INTEGER, likes INTEGER, raw TEXT
)
"""


def row(item: dict[str, Any]) -> tuple[Any, ...]:
    licence = next((t.removeprefix("license:") for t in item.get("tags", []) if t.startswith("license:")), None)
    return (
        item["id"],
        item.get("author"),
        item.get("createdAt"),
        item.get("lastModified"),
        licence,
        str(item.get("gated")),
        item.get("pipeline_tag"),
        item.get("downloads"),
        item.get("likes"),
        json.dumps(item),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("orgs", nargs="+")
    args = parser.parse_args()
    conn = sqlite3.connect(args.db)
    conn.execute(SCHEMA)
    stored = 0
    with httpx.Client(timeout=30) as client:
        for org in args.orgs:
            url: str | None = listing_url(args.base_url, org, args.page_size)
            while url:
                response = client.get(url)
                response.raise_for_status()
                for item in response.json():
                    conn.execute("INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row(item))
                    stored += 1
                conn.commit()
                url = response.links.get("next", {}).get("url")
    conn.close()
    print(stored)


if __name__ == "__main__":
    main()
