"""A relwatch database of about a million artifacts, built by direct SQL inserts, then reclassified.

Each vendor has its Hugging Face repositories (the synthetic hub's labs: releases of 8–24 repos
with real-looking names, licences, gating, quantised and fine-tuned derivatives, and each row's
payload the 2.5 KB listing item the hub would serve), its OpenRouter API models and its changelog
mentions (API-only `-max`/`-flash` lines, so closed and closed-then-open releases exist). Rows
are written with the columns `relwatch.store.ingest.artifact_row` fills, in one transaction per vendor.
Releases and artifact labels then come from the product itself: `relwatch reclassify`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hub import HfItems, Repo, api_models, changelog_entries, lab_repos, org_name
from workload import CHANGELOG_SECTIONS, OPENROUTER_PER_LAB, Workload, vendor_key, write_config

from relwatch.config import parse_config
from relwatch.store import Store
from relwatch.store.ingest import ARTIFACT_COLUMNS

FIRST_SEEN = "2026-05-02T03:17:00Z"
CHANGELOG_BASE = "http://127.0.0.1:9"  # the sources are never fetched: the rows are written directly
LICENCE_NAMES = {"other": "lab-community-licence"}


def query_workload(artifacts: int, vendors: int) -> Workload:
    """`vendors` vendors whose Hugging Face, OpenRouter and changelog rows add up to `artifacts`."""
    per_vendor = artifacts // vendors - OPENROUTER_PER_LAB - 2 * CHANGELOG_SECTIONS
    return Workload(vendors=vendors, repos=max(per_vendor, 1), mixed=vendors)


def build(path: Path, config_path: Path, workload: Workload) -> int:
    """Write the workload's artifacts into a new database at `path`; return how many."""
    write_config(config_path, workload, CHANGELOG_BASE, {})
    config = parse_config(config_path.read_text(), str(config_path))
    store = Store(path)
    store.save_config(config)
    store.close()
    items = HfItems()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    placeholders = ", ".join("?" for _ in range(len(ARTIFACT_COLUMNS) + 2))
    insert = f"INSERT INTO artifacts ({', '.join(ARTIFACT_COLUMNS)}, first_seen, last_seen) VALUES ({placeholders})"
    count = 0
    for index in range(workload.vendors):
        conn.execute("BEGIN")
        rows = list(vendor_rows(index, workload.repos, items))
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM artifacts").fetchone()[0]
        conn.executemany(insert, [row for row, _ in rows])
        # one writer, no deletes: the rows took the ids that follow, in order
        conn.executemany(
            "INSERT INTO artifact_payloads (artifact_id, raw) VALUES (?, ?)",
            [(first_id + offset, raw) for offset, (_, raw) in enumerate(rows)],
        )
        conn.execute("COMMIT")
        count += len(rows)
    conn.close()
    return count


def vendor_rows(index: int, repos: int, items: HfItems) -> Iterator[tuple[tuple[Any, ...], str]]:
    vendor, org = vendor_key(index), org_name(index)
    for repo in lab_repos(index, repos):
        yield hub_row(vendor, repo, items.render(repo).decode())
    for model in api_models(index, repos, OPENROUTER_PER_LAB):
        slug = model.model_id.split("/")[1]
        yield api_row(vendor, f"{vendor}/openrouter/{org}", "openrouter", model.model_id, slug, model.listed)
    source = f"{vendor}/changelog/{CHANGELOG_BASE}/changelog/{org}"
    for day, model_ids in changelog_entries(index, repos, CHANGELOG_SECTIONS):
        for model_id in model_ids:
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            yield api_row(vendor, source, "changelog", f"{model_id}@{day}", model_id, moment, day=True)


def hub_row(vendor: str, repo: Repo, raw: str) -> tuple[tuple[Any, ...], str]:
    extra: dict[str, Any] = {}
    if repo.gated:
        extra["gated_mode"] = "manual"
    if repo.base:
        extra["base_model_relations"] = {repo.base: repo.relation}
    if repo.licence in LICENCE_NAMES:
        extra["licence_name"] = LICENCE_NAMES[repo.licence]
    values = {
        "source_id": f"{vendor}/huggingface/{repo.org}",
        "vendor_id": vendor,
        "kind": "huggingface",
        "external_id": repo.repo_id,
        "name": repo.name,
        "url": f"https://huggingface.co/{repo.repo_id}",
        "date": f"{repo.created:%Y-%m-%dT%H:%M:%SZ}",
        "date_kind": "repo-created",
        "modified_at": f"{repo.created + timedelta(days=3):%Y-%m-%dT%H:%M:%SZ}",
        "licence": repo.licence,
        "gated": int(repo.gated),
        "pipeline_tag": repo.pipeline_tag,
        "library": "transformers",
        "parameters": repo.parameters,
        "base_models": json.dumps([repo.base] if repo.base else []),
        "downloads": repo.downloads,
        "likes": repo.likes,
        "extra": json.dumps(extra, sort_keys=True),
        "raw": raw,
    }
    return row_tuple(values)


def api_row(
    vendor: str, source: str, kind: str, external_id: str, name: str, moment: datetime, *, day: bool = False
) -> tuple[tuple[Any, ...], str]:
    values = {
        "source_id": source,
        "vendor_id": vendor,
        "kind": kind,
        "external_id": external_id,
        "name": name,
        "url": f"https://openrouter.ai/{external_id}" if kind == "openrouter" else source.split("/", 2)[2],
        "date": f"{moment:%Y-%m-%d}" if day else f"{moment:%Y-%m-%dT%H:%M:%SZ}",
        "date_kind": "announced" if kind == "changelog" else "listed",
        "tier_hint": "api",
        "base_models": "[]",
        "extra": json.dumps({"excerpt": f"Released {name} in the API."} if day else {"context_length": 131072}),
        "raw": json.dumps({"id": external_id, "name": name}),
    }
    return row_tuple(values)


def row_tuple(values: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """The artifacts row and the payload."""
    digest = hashlib.sha1(repr(sorted(values.items())).encode(), usedforsecurity=False).hexdigest()
    return (*(values.get(c) for c in ARTIFACT_COLUMNS[:-1]), digest, FIRST_SEEN, FIRST_SEEN), values["raw"]
