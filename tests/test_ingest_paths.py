"""The shortcuts of ingest and reclassification give what the long way gives: staging shared by
sources of one connection, merges that skip statements, release writes skipped when nothing
changed, a vendor reclassified once per sync, and a shared catalogue read once."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import httpx
import pytest

from relwatch.config import SourceConfig, parse_config
from relwatch.http import Fetched
from relwatch.kinds import HuggingfaceOptions
from relwatch.models import SOURCE_COUNTS, Artifact, SourceCounts, SourceStatus
from relwatch.releases import reclassify
from relwatch.sources import openrouter
from relwatch.sources.base import Page
from relwatch.store import Store
from relwatch.store.ingest import SourceIngest
from tests.conftest import query, shared_path

CONFIG = """
[vendors.acme]
name = "Acme"
[[vendors.acme.sources]]
kind = "huggingface"
org = "acme-ai"
[vendors.beta]
name = "Beta"
[[vendors.beta.sources]]
kind = "huggingface"
org = "beta-ai"
"""


def hub_source(vendor: str, org: str) -> SourceConfig:
    return SourceConfig(
        vendor=vendor,
        kind="huggingface",
        base_url="https://hub.example",
        options=HuggingfaceOptions(org=org),
        id=f"{vendor}/huggingface/{org}",
    )


def repo(org: str, name: str, licence: str = "apache-2.0") -> Artifact:
    return Artifact(
        external_id=f"{org}/{name}", name=name, date="2025-06-01T00:00:00Z", licence=licence, raw={"id": name}
    )


def page(url: str, artifacts: list[Artifact]) -> Page:
    return Page(url=url, artifacts=artifacts, item_ids=[a.external_id for a in artifacts])


def merge(ingest: SourceIngest, now: str = "2026-01-01T00:00:00Z") -> SourceCounts:
    return ingest.commit(now=now, complete=True, keep_validators=False, on_commit=lambda _: None)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "r.db")
    store.save_config(parse_config(CONFIG, "sources.toml"))
    return store


def test_sources_staged_side_by_side_keep_each_others_rows(store: Store) -> None:
    acme, beta = hub_source("acme", "acme-ai"), hub_source("beta", "beta-ai")
    first = SourceIngest(store, acme)
    first.add(page("https://hub.example/a1", [repo("acme-ai", "lm-1-7b"), repo("acme-ai", "lm-1-70b")]))
    second = SourceIngest(store, beta)  # a second source starting must not drop the first's pages
    second.add(page("https://hub.example/b1", [repo("beta-ai", "chat-2-8b")]))
    counts = merge(first)  # merged while the second is still staged: only its own rows go
    assert (counts.items, counts.new, counts.updated, counts.gone) == (2, 2, 0, 0)
    second.add(page("https://hub.example/b2", [repo("beta-ai", "chat-2-32b")]))
    assert second.items_seen == 2
    assert (merge(second).new, merge_again(store, beta).gone) == (2, 1)
    stored = query(store.path, "SELECT source_id, external_id, gone_at IS NOT NULL FROM artifacts ORDER BY 1, 2")
    assert stored == [
        ("acme/huggingface/acme-ai", "acme-ai/lm-1-70b", 0),
        ("acme/huggingface/acme-ai", "acme-ai/lm-1-7b", 0),
        ("beta/huggingface/beta-ai", "beta-ai/chat-2-32b", 1),
        ("beta/huggingface/beta-ai", "beta-ai/chat-2-8b", 0),
    ]
    assert store.staged_sources == set()
    store.close()


def merge_again(store: Store, source: SourceConfig) -> SourceCounts:
    """A later read of `source` holding only its first repository, one licence changed."""
    ingest = SourceIngest(store, source)
    ingest.add(page("https://hub.example/b1", [repo("beta-ai", "chat-2-8b", licence="mit")]))
    counts = merge(ingest, now="2026-01-02T00:00:00Z")
    assert (counts.new, counts.updated) == (0, 1)
    events = query(store.path, "SELECT type, subject, old_value, new_value FROM events WHERE type != 'new-artifact'")
    assert events == [
        ("licence-changed", "beta-ai/chat-2-8b", "apache-2.0", "mit"),
        ("artifact-gone", "beta-ai/chat-2-32b", None, None),
    ]
    return counts


def test_an_unfinished_ingest_is_forgotten_by_the_next_one_of_its_source(store: Store) -> None:
    acme = hub_source("acme", "acme-ai")
    SourceIngest(store, acme).add(page("https://hub.example/a1", [repo("acme-ai", "lm-1-7b")]))
    again = SourceIngest(store, acme)  # the first was never merged (its sync died in between)
    assert again.items_seen == 0
    again.add(page("https://hub.example/a1", [repo("acme-ai", "lm-1-70b")]))
    assert merge(again).new == 1
    assert query(store.path, "SELECT external_id FROM artifacts") == [("acme-ai/lm-1-70b",)]
    store.close()


def test_reclassifying_what_did_not_change_writes_nothing(store: Store) -> None:
    config = parse_config(CONFIG, "sources.toml")
    ingest = SourceIngest(store, hub_source("acme", "acme-ai"))
    ingest.add(page("https://hub.example/a1", [repo("acme-ai", "lm-1-7b"), repo("acme-ai", "lm-2-7b")]))
    merge(ingest)
    assert reclassify(store, config, ["acme"]).new_releases == ["acme/lm-1", "acme/lm-2"]
    written = query(store.path, "SELECT rowid, * FROM releases ORDER BY rowid")
    events = query(store.path, "SELECT count(*) FROM events")
    changes = store.conn.total_changes
    report = reclassify(store, config, ["acme"])
    assert not report.changed and report.releases == 2
    assert store.conn.total_changes == changes  # no row written, not even the same again
    assert query(store.path, "SELECT rowid, * FROM releases ORDER BY rowid") == written
    assert query(store.path, "SELECT count(*) FROM events") == events
    with store.transaction() as conn:  # a stored release that differs from what the artifacts give
        conn.execute("UPDATE releases SET name = 'Other' WHERE id = 'acme/lm-2'")
    reclassify(store, config, ["acme"])
    assert query(store.path, "SELECT * FROM releases ORDER BY id") == [row[1:] for row in written]
    store.close()


def test_a_vendor_left_unlabelled_is_reclassified_once_by_a_sync_that_reads_it(
    tmp_path: Path, loopback, hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from relwatch.sync import run_sync

    hub.orgs["acme-ai"] = [{"id": "acme-ai/lm-1-7b", "createdAt": "2025-06-01T00:00:00.000Z"}]
    text = CONFIG.replace('org = "acme-ai"', f'org = "acme-ai"\nbase_url = "{loopback.url}"')
    text = text.replace('org = "beta-ai"', f'org = "beta-ai"\nbase_url = "{loopback.url}"')
    config = parse_config(text, "sources.toml")
    store = Store(tmp_path / "r.db")
    store.save_config(config)
    killed = store.start_sync_run(started_at="2026-01-01T00:00:00Z", vendors=["acme"], mode="live")
    with store.transaction():  # a run that merged acme's rows and died before reclassifying them
        store.write_source_run(
            sync_run_id=killed,
            source_id="acme/huggingface/acme-ai",
            started_at="2026-01-01T00:00:00Z",
            finished_at="2026-01-01T00:00:05Z",
            status=SourceStatus.OK,
            counts=SourceCounts(**{name: 1 for name in SOURCE_COUNTS}),
            suspect=None,
            error=None,
            wait_until=None,
        )
    result = asyncio.run(run_sync(config, store, ["acme", "beta"]))
    assert result.reclassified is not None
    assert result.reclassified.vendors == ["acme"]  # once, after its source: not also at the start
    assert query(store.path, "SELECT id FROM releases") == [("acme/lm-1",)]
    store.close()


def catalogue(day: str) -> bytes:
    return shared_path("captures", "openrouter", f"openrouter_models_{day}.json").read_bytes()


def test_a_shared_catalogue_is_read_once_and_gives_each_author_what_the_whole_page_gives() -> None:
    body = catalogue("2024-11-01")
    fetched = Fetched(
        url="https://openrouter.example/api/v1/models",
        status=200,
        headers=httpx.Headers({"content-type": "application/json"}),
        content=body,
    )
    read = openrouter.catalogue_page(fetched)
    assert openrouter.catalogue_page(fetched) is read  # the second source sharing the response
    items = json.loads(body)["data"]
    authors = {item["id"].split("/", 1)[0].lstrip("~").lower() for item in items}
    assert len(authors) > 20
    for author in sorted(authors):
        whole = openrouter.parse_models(items, author)
        own = openrouter.parse_models(read.models.get(author, []), author)
        assert (own, own.skipped) == (whole, whole.skipped), author
        assert openrouter.author_quotes(read.priced.get(author, []), author) == openrouter.author_quotes(items, author)
    key = id(fetched)
    assert key in openrouter._PAGES
    del fetched, read
    gc.collect()
    assert key not in openrouter._PAGES  # dropped with its response
