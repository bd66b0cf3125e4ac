"""The labelled sets measured through the real command: `relwatch sync` against a loopback hub and
catalogue that serve the set's ids, then the grouping, tier, derivative and join figures read from
the database the sync wrote.

    python scripts/sync_accuracy.py [SET …] [--dating listed|one-day|months-apart] [--misses N] [--keep DIR]

`SET` is a labelled file in tests/data (default: the second to last one; the second, fifth,
sixth and seventh sets are split into tune and held-out halves as `scripts/accuracy.py` splits them). Each set's vendors
get a fresh sources.toml of their own (one `huggingface` source per organisation, one `openrouter`
source per catalogue author, nothing else: the grammar and the sources' evidence, no family
overrides). The hub serves each repository as a real listing item (licence and base-model tags,
`cardData`, gating, `createdAt` dated as `--dating` says) on cursor pages and answers single-model
look-ups; the catalogue serves the real OpenRouter item of each catalogue row from the shared
captures. Misses are listed only for tuning sets: a held-out set's figures are printed alone.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import (
    CAPTURES,
    DATA,
    LATEST,
    halves,
    hub_created,
    listed_dates,
    print_second,
    row_date,
    score_set,
)
from relwatch.classify import weights_evidence
from relwatch.models import Openness

PAGE_SIZE = 50
DATINGS = ("listed", "one-day", "months-apart")
# split by organisation into tune and held-out halves
SPLIT = tuple(f"labelled_models_{n}.csv" for n in (2, 5, 6, 7, 8))
HELD_OUT = {f"{name} held-out" for name in SPLIT}
Result = tuple[str | None, str | None, str | None]  # family, derivative-of vendor, tier
UNKNOWN_CREATED = "2022-03-02T23:29:04.000Z"  # the Hub's placeholder: the repository is undated


def catalogue_items() -> dict[str, dict[str, Any]]:
    """OpenRouter id → its latest real item in the shared captures and the 2026-05-15 payload."""
    items: dict[str, dict[str, Any]] = {}
    for capture in [*sorted(CAPTURES.glob("openrouter_models_*.json")), LATEST]:
        for item in json.loads(capture.read_text(encoding="utf-8")).get("data", []):
            items[item["id"]] = item
    return items


def hub_item(label: dict[str, str], created: str | None) -> dict[str, Any]:
    """A Hub listing item (the fields relwatch's `expand` asks for) carrying the row's evidence."""
    repo = label["id"]
    base, relation = label["base_model"], label["base_relation"]
    tags = ["transformers", "safetensors", "text-generation"]
    card: dict[str, Any] = {}
    if label["licence"]:
        tags.append(f"license:{label['licence']}")
        card["license"] = label["licence"]
    if label["licence_name"]:
        card["license_name"] = label["licence_name"]
    if label["licence_link"]:
        card["license_link"] = label["licence_link"]
    if base:
        tags += [f"base_model:{base}", f"base_model:{relation or 'finetune'}:{base}"]
        card["base_model"] = base
    when = created or UNKNOWN_CREATED
    return {
        "_id": hashlib.sha1(repo.encode()).hexdigest()[:24],
        "id": repo,
        "author": repo.split("/", 1)[0],
        "createdAt": when,
        "lastModified": when,
        "gated": "manual" if label["gated"] == "true" else False,
        "private": False,
        "tags": tags,
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "cardData": card,
        "sha": hashlib.sha1(repo.encode()).hexdigest(),
        "downloads": 0,
        "likes": 0,
    }


class World:
    """What the loopback host serves: Hub listings by organisation, single-model infos, a catalogue."""

    def __init__(self) -> None:
        self.orgs: dict[str, list[dict[str, Any]]] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.catalogue: list[dict[str, Any]] = []
        self.url = ""

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        """(status, headers, JSON body) for one request."""
        if path == "/api/v1/models":
            return 200, {}, {"data": self.catalogue}
        if path == "/api/models":
            items = self.orgs.get(query.get("author", [""])[0], [])
            offset = int(query.get("cursor", ["0"])[0])
            limit = min(int(query.get("limit", [str(PAGE_SIZE)])[0]), PAGE_SIZE)
            headers = {}
            if offset + limit < len(items):
                params = [(k, v) for k, values in query.items() if k != "cursor" for v in values]
                params.append(("cursor", str(offset + limit)))
                headers["Link"] = f'<{self.url}/api/models?{urlencode(params)}>; rel="next"'
            return 200, headers, items[offset : offset + limit]
        if path.startswith("/api/models/"):
            item = self.models.get(path.removeprefix("/api/models/").lower())
            return (200, {}, item) if item else (404, {}, {"error": "Repository not found"})
        return 404, {}, {"error": "not found"}


def serve(world: World) -> ThreadingHTTPServer:
    """A threaded HTTP server on 127.0.0.1 answering from `world`; its URL is set on `world`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, headers, body = world.answer(parts.path, parse_qs(parts.query))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    world.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def config_text(labels: list[dict[str, str]], url: str) -> str:
    """A sources.toml: per labelled vendor, its organisations' Hub sources and catalogue authors."""
    sources: dict[str, dict[tuple[str, str], None]] = {}
    for label in labels:
        owner = label["id"].split("/", 1)[0]
        kind = "huggingface" if label["source"] == "huggingface" else "openrouter"
        sources.setdefault(label["vendor"], {})[(kind, owner)] = None
    lines = ["[settings]", "retries = 0", "per_host = 8"]
    for vendor, kinds in sources.items():
        lines += ["", f'[vendors."{vendor}"]', f'name = "{vendor}"']
        for kind, owner in kinds:
            key = "org" if kind == "huggingface" else "author"
            lines += [
                f'[[vendors."{vendor}".sources]]',
                f'kind = "{kind}"',
                f'{key} = "{owner}"',
                f'base_url = "{url}"',
            ]
    return "\n".join(lines) + "\n"


def build_world(labels: list[dict[str, str]], dating: str) -> World:
    """The loopback answers for one set: its hub rows newest first per organisation, its catalogue rows."""
    world = World()
    listed, created, catalogue = listed_dates(), hub_created(), catalogue_items()
    for index, label in enumerate(labels):
        when = row_date(index, label, dating, listed, created)
        if label["source"] == "huggingface":
            item = hub_item(label, when)
            world.orgs.setdefault(item["author"], []).append(item)
            world.models[label["id"].lower()] = item
        else:
            item = dict(catalogue.get(label["id"]) or {"id": label["id"], "name": label["id"]})
            item["hugging_face_id"] = label["hugging_face_id"] or None
            world.catalogue.append(item)
    for items in world.orgs.values():
        items.sort(key=lambda item: item["lastModified"], reverse=True)
    return world


def relwatch_command() -> str:
    """The `relwatch` installed beside this interpreter (a virtual environment's), else the one on PATH."""
    beside = Path(sys.executable).parent / "relwatch"
    return str(beside) if beside.exists() else "relwatch"


def synced(labels: list[dict[str, str]], dating: str, folder: Path) -> dict[tuple[str, str], Result]:
    """(source kind, id lower-case) → (family, derivative-of vendor, tier) after a real `relwatch sync`.
    A catalogue entry's tier is its release's; a derivative's entry, in no release, gets the most open
    tier of its vendor's Hub repositories of its family, else its weights' (as a release would)."""
    world = build_world(labels, dating)
    server = serve(world)
    try:
        config, db = folder / "sources.toml", folder / "relwatch.db"
        config.write_text(config_text(labels, world.url), encoding="utf-8")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.endswith(("_TOKEN", "_API_KEY")) and not k.startswith("RELWATCH_")
        }
        env["HOME"] = str(folder)
        done = subprocess.run(
            [relwatch_command(), "sync", "--quiet", "--config", str(config), "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"relwatch sync exited {done.returncode}: {done.stderr.strip()}")
    finally:
        server.shutdown()
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT a.kind, a.external_id, a.vendor_id, a.family, a.derivative_of, a.tier, r.tier, a.weights_ref "
            "FROM artifacts a LEFT JOIN releases r ON r.id = a.release_id"
        ).fetchall()
    hub_tiers = {external.lower(): own for kind, external, _, _, _, own, _, _ in rows if kind == "huggingface"}
    family_tiers: dict[tuple[str, str], str] = {}
    for kind, _, vendor, family, _, own, _, _ in rows:
        key = (vendor, family)
        if kind == "huggingface" and family and own and (key not in family_tiers or more_open(own, family_tiers[key])):
            family_tiers[key] = own
    found: dict[tuple[str, str], Result] = {}
    for kind, external, vendor, family, derived, own, release_tier, weights in rows:
        tier = own
        if kind != "huggingface":
            by_weights = hub_tiers.get((weights or "").lower()) or weights_tier(kind, external, weights)
            tier = release_tier or family_tiers.get((vendor, family)) or by_weights or own
        found[(kind, external.lower())] = (family, derived, tier)
    return found


def more_open(tier: str, than: str) -> bool:
    """Whether `tier` is more open than `than` (`Openness` order)."""
    return Openness(tier).rank < Openness(than).rank


def weights_tier(kind: str, external: str, weights: str | None) -> str | None:
    """What `classify.weights_evidence` gives a release for weights a catalogue entry names."""
    evidence = weights_evidence({"kind": kind, "external_id": external, "weights_ref": weights})
    return evidence.tier.value if evidence else None


def found_for(found: dict[tuple[str, str], Result], label: dict[str, str]) -> Result:
    """A labelled row's result; a catalogue variant (`…:free`) listed beside its base id is stored as
    an offer of the base's artifact (`openrouter.parse_models`), so it reads the base's result."""
    kind = "huggingface" if label["source"] == "huggingface" else "openrouter"
    key = label["id"].lower()
    return found.get((kind, key)) or found.get((kind, key.partition(":")[0])) or (None, None, None)


def score(name: str, labels: list[dict[str, str]], dating: str, folder: Path, misses: int) -> None:
    """Print one set's figures (and, for a tuning set, its misses) through the real command."""
    found = synced(labels, dating, folder)
    got = [found_for(found, label) for label in labels]
    file, _, half = name.partition(" ")
    scores = score_set(
        half or "whole set",
        labels,
        [family for family, _, _ in got],
        [derived is not None for _, derived, _ in got],
        [tier for _, _, tier in got],
    )
    print_second(scores, 0 if name in HELD_OUT else misses, f"{file} through `relwatch sync`, dating {dating}")


def labelled_sets(names: list[str]) -> list[tuple[str, list[dict[str, str]]]]:
    """(name, rows) of each named file in tests/data; the split sets (`SPLIT`) as their two halves."""
    chosen = names or sorted(p.name for p in DATA.glob("labelled_models_*.csv"))
    sets: list[tuple[str, list[dict[str, str]]]] = []
    for name in chosen:
        path = DATA / name
        if name in SPLIT:
            sets += [(f"{name} {half}", rows) for half, rows in halves(path).items()]
        else:
            with path.open(encoding="utf-8", newline="") as handle:
                sets.append((name, list(csv.DictReader(handle))))
    return sets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="labelled files in tests/data (default: every set but the first)")
    parser.add_argument(
        "--dating", choices=DATINGS, default="listed", help="how hub repositories are dated (see accuracy.py)"
    )
    parser.add_argument("--misses", type=int, default=0, help="misses to list per tuning set")
    parser.add_argument("--keep", type=Path, help="keep each set's sources.toml and database under this folder")
    args = parser.parse_args()
    unknown = [name for name in args.sets if not (DATA / name).is_file()]
    if unknown:
        known = ", ".join(sorted(p.name for p in DATA.glob("labelled_models_*.csv")))
        parser.error(f"no labelled set {', '.join(unknown)} in {DATA} (there: {known})")
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        for name, labels in labelled_sets(args.sets):
            folder = root / quote(name, safe="")
            folder.mkdir(parents=True, exist_ok=True)
            score(name, labels, args.dating, folder, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
