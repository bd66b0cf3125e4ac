"""Labelling a large vendor in a worker process gives what labelling in process gives."""

import asyncio
import json
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool

from relwatch import labeller as labeller_module
from relwatch.classify import VendorRules, label_artifacts
from relwatch.labeller import Labeller
from tests.conftest import query, write_config
from tests.loopback import hf_models
from tests.test_release_identity import catalogue
from tests.test_release_identity import hub as hub_row

RULES = VendorRules(key="acme", orgs=frozenset({"acme"}))
ROWS = [
    hub_row(1, "acme/Acme-2-7B"),
    hub_row(2, "acme/Acme-2-7B-Instruct", base="acme/Acme-2-7B"),
    hub_row(3, "acme/Acme-2-7B-Instruct-GGUF", base="acme/Acme-2-7B-Instruct", relation="quantized"),
    hub_row(4, "acme/Vision-1-2B"),
    hub_row(5, "acme/Other-Llama-3-8B", base="meta-llama/Meta-Llama-3-8B"),
    catalogue(6, "acme/acme-2-7b-instruct", weights="acme/Acme-2-7B-Instruct"),
]


class BrokenPool(Executor):
    """An executor whose worker has died: every submission fails as ProcessPoolExecutor's does."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[no-untyped-def, override]
        raise BrokenProcessPool("a worker was killed")


async def labelled_in_worker(labeller: Labeller):  # type: ignore[no-untyped-def]
    try:
        return await labeller.label(ROWS, RULES, {"meta-llama": "meta"})
    finally:
        labeller.close()


def test_a_vendor_labelled_in_the_worker_gets_the_in_process_labels_and_releases(monkeypatch):
    monkeypatch.setattr(labeller_module, "WORKER_ROWS", 1)
    labeller = Labeller()
    labels, releases = asyncio.run(labelled_in_worker(labeller))
    assert labeller._broken is False  # the worker answered: nothing fell back
    assert (labels, releases) == label_artifacts(ROWS, RULES, {"meta-llama": "meta"})
    assert {r.id for r in releases} == {"acme/acme-2", "acme/vision-1"}


def test_a_small_vendor_starts_no_worker():
    labeller = Labeller()
    asyncio.run(labelled_in_worker(labeller))
    assert labeller._pool is None


def test_a_worker_that_died_leaves_the_labelling_to_the_sync(monkeypatch):
    monkeypatch.setattr(labeller_module, "WORKER_ROWS", 1)
    labeller = Labeller()
    monkeypatch.setattr(labeller, "_started", BrokenPool)
    labels, releases = asyncio.run(labelled_in_worker(labeller))
    assert (labels, releases) == label_artifacts(ROWS, RULES, {"meta-llama": "meta"})
    assert labeller._broken is True


def test_a_sync_stores_the_same_releases_whichever_way_its_vendors_are_labelled(monkeypatch, tmp_path, hub, cli):
    hub.orgs["acme-ai"] = hf_models("acme-ai", 25)
    hub.orgs["beta-lab"] = hf_models("beta-lab", 13, start_day=40)
    sources = {
        "acme": [{"kind": "huggingface", "org": "acme-ai", "base_url": hub.loopback.url}],
        "beta": [{"kind": "huggingface", "org": "beta-lab", "base_url": hub.loopback.url}],
    }
    config = write_config(tmp_path / "sources.toml", sources)
    stored = []
    for worker_rows in (1, 10**9):  # every vendor in the worker; none
        monkeypatch.setattr(labeller_module, "WORKER_ROWS", worker_rows)
        db = tmp_path / f"{worker_rows}.db"
        result = cli("sync", "--config", str(config), "--db", str(db), "--format", "json")
        assert result.returncode == 0, result.stderr
        releases = query(db, "SELECT id, family, name, tier, tier_reason, date, evidence FROM releases ORDER BY id")
        labels = query(db, "SELECT external_id, family, release_id, tier, derivative_of FROM artifacts ORDER BY 1")
        stored.append((releases, labels, json.loads(result.stdout)["totals"]["new_releases"]))
    assert stored[0] == stored[1]
    assert len(stored[0][0]) >= 2
