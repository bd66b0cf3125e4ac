"""Several vendors and source kinds through the real command: releases, tier changes, compare, diff."""

import copy
import json

import pytest

from tests.conftest import invoke, query, write_config
from tests.loopback import HfHub, Reply, hf_template, json_reply, with_etag
from tests.public_data import fixture_json

OPENROUTER_CAPTURE = "openrouter/models_2026-05-15.json"
NOTES = "March 16, 2025\n\nReleased ernie-4.5 and ernie-x1 on Qianfan, through the API.\n"


def hub_item(repo_id, created, licence="apache-2.0", gated=False):
    item = copy.deepcopy(hf_template())
    item.update(id=repo_id, author=repo_id.split("/")[0], createdAt=created, gated=gated)
    item["tags"] = [t for t in item["tags"] if not t.startswith("license:")] + [f"license:{licence}"]
    item["cardData"] = {"license": licence}
    item["safetensors"] = {"total": 300_000_000_000 if "300B" in repo_id else 4_000_000_000}
    return item


def openrouter_items():

    capture = fixture_json(OPENROUTER_CAPTURE)["data"]
    wanted = {
        "baidu/ernie-4.5-300b-a47b": 1742428800,
        "google/gemini-2.5-pro": 1750169544,
        "google/gemma-3-27b-it": 1741756359,
    }
    items = []
    for item in capture:
        if item["id"] in wanted:
            item = copy.deepcopy(item) | {"created": wanted[item["id"]]}  # ERNIE 4.5 listed 2025-03-20
            if item["id"].startswith("baidu/"):
                item["hugging_face_id"] = ""  # weights not out yet
            items.append(item)
    assert len(items) == 3
    return items


@pytest.fixture
def world(tmp_path, loopback):
    hub = HfHub(loopback, page_size=10)
    hub.orgs["baidu"] = [hub_item("baidu/ERNIE-Code-560M", "2023-01-10T00:00:00.000Z")]
    hub.orgs["google"] = [
        hub_item("google/gemma-3-27b-it", "2025-03-10T08:00:00.000Z", "gemma", "manual"),
        hub_item("google/gemma-3-4b-it", "2025-03-10T08:00:00.000Z", "gemma", "manual"),
    ]
    loopback.route("/api/v1/models", lambda r: with_etag(r, json_reply({"data": openrouter_items()})))
    loopback.route(
        "/qianfan/notes.txt", lambda r: with_etag(r, Reply(body=NOTES.encode(), headers={"Content-Type": "text/plain"}))
    )
    url = loopback.url
    config = write_config(
        tmp_path / "sources.toml",
        {
            "baidu": [
                {"kind": "huggingface", "org": "baidu", "base_url": url},
                {"kind": "openrouter", "author": "baidu", "base_url": url},
                {
                    "kind": "changelog",
                    "url": "https://cloud.example/qianfan/notes.txt",
                    "base_url": url,
                    "models": r"ernie-[0-9a-z.\-]+",
                },
            ],
            "google": [
                {"kind": "huggingface", "org": "google", "base_url": url},
                {"kind": "openrouter", "author": "google", "base_url": url},
            ],
        },
    )
    return hub, config, tmp_path / "r.db"


def relwatch(world, env, *args):
    _, config, db = world
    configured = ["--config", str(config)] if args[0] in ("sync", "reclassify") else []
    return invoke([*args, *configured, "--db", str(db)], env)


def test_closed_then_open_across_sources(world, env, monkeypatch):
    hub, _, db = world
    from relwatch import sync

    # the syncs happen while it happens: weights dated after the sync that saw the API are an opening
    monkeypatch.setattr(sync, "now_iso", lambda: "2025-03-20T12:00:00Z")
    first = relwatch(world, env, "sync", "--format", "json")
    assert first.returncode == 0, first.stderr + first.stdout
    releases = {r["id"]: r for r in json.loads(relwatch(world, env, "list", "-f", "json").stdout)}
    assert releases["baidu/ernie-4.5"]["tier"] == "api"
    assert releases["baidu/ernie-4.5"]["kinds"] == ["changelog", "openrouter"]
    assert releases["baidu/ernie-x1"]["tier"] == "api"
    assert releases["baidu/ernie-code"]["tier"] == "open"
    assert releases["google/gemma-3"]["tier"] == "open-restricted"
    assert releases["google/gemma-3"]["artifact_count"] == 3  # two repos and the OpenRouter listing
    assert releases["google/gemini-2.5-pro"]["tier"] == "api"

    hub.orgs["baidu"] += [
        hub_item("baidu/ERNIE-4.5-300B-A47B-PT", "2025-06-30T02:00:00.000Z"),
        hub_item("baidu/ERNIE-4.5-0.3B-Paddle", "2025-06-30T02:00:00.000Z"),
    ]
    monkeypatch.setattr(sync, "now_iso", lambda: "2025-07-01T12:00:00Z")
    second = relwatch(world, env, "sync", "--format", "json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["totals"]["tier_changes"] == 1

    shown = json.loads(invoke(["show", "baidu/ernie-4.5", "-f", "json", "--db", str(db)], env).stdout)
    assert shown["tier"] == "open"
    assert shown["artifact_count"] == 4
    assert (shown["first_closed_at"], shown["first_open_at"][:10]) == ("2025-03-16", "2025-06-30")
    assert shown["closed_to_open_days"] == 106
    assert (shown["date"], shown["date_source"]) == ("2025-03-16", "announcement")
    assert shown["evidence"][0]["tier"] == "open" and "apache-2.0" in shown["evidence"][0]["reason"]
    assert query(db, "SELECT type, old_value, new_value FROM events WHERE type = 'tier-changed'") == [
        ("tier-changed", "api", "open")
    ]

    digest = relwatch(world, env, "diff", "--format", "markdown")
    assert "baidu/ernie-4.5: api → open ★ closed → open" in digest.stdout
    assert "**New artifacts** (2)" in digest.stdout
    assert relwatch(world, env, "diff", "--exit-code").returncode == 1
    changes = json.loads(relwatch(world, env, "diff", "-f", "json").stdout)
    assert list(changes["vendors"]) == ["baidu"]
    assert [e["subject"] for e in changes["vendors"]["baidu"]["tier-changed"]] == ["baidu/ernie-4.5"]
    atom = relwatch(world, env, "diff", "-f", "atom").stdout
    assert atom.startswith('<?xml version="1.0" encoding="utf-8"?>') and "closed → open" in atom
    everything = json.loads(relwatch(world, env, "diff", "--since", "2000-01-01", "-f", "json").stdout)
    assert "google" in everything["vendors"] and everything["count"] > changes["count"]

    compared = json.loads(
        relwatch(
            world, env, "compare", "google", "baidu", "--since", "2025-01-01", "--until", "2025-12-31", "-f", "json"
        ).stdout
    )
    google, baidu = compared["vendors"]
    assert [c["lag_days"] for c in baidu["closed_then_open"]] == [106]
    assert baidu["releases"] == 2 and baidu["open_weights"] == 1
    assert google["largest_open"]["name"] == "Gemma 3"
    assert google["latest_closed_flagship"]["name"] == "Gemini 2.5 Pro"
    table = relwatch(world, env, "compare", "Google", "BAIDU", "--since", "2025-01-01")
    assert table.returncode == 0, table.stderr
    assert "O open · R open, restricted" in table.stdout
    csv_out = relwatch(
        world, env, "compare", "google", "baidu", "--since", "2025-01-01", "--by", "quarter", "-f", "csv"
    ).stdout.splitlines()
    assert csv_out[0] == "vendor,period,releases,open_weights,open_share"


def test_report_writes_one_page(world, env, tmp_path):
    assert relwatch(world, env, "sync").returncode == 0
    page = tmp_path / "report.html"
    result = relwatch(world, env, "report", "google", "baidu", "--since", "2025-01-01", "-o", str(page))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"relwatch: wrote {page} (2 vendors, 2025-01-01 → ")
    html = page.read_text()
    assert html.count('data-release-id="baidu/ernie-4.5"') >= 2  # a timeline mark and a release row
    assert "https://" not in html.split("<body", 1)[0].replace("Content-Security-Policy", "")
    unwritable = relwatch(world, env, "report", "-o", str(tmp_path / "missing" / "r.html"))
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr


def test_reclassify_is_idempotent(world, env):
    _, _, db = world
    assert relwatch(world, env, "sync").returncode == 0
    snapshot = "SELECT * FROM releases ORDER BY id"
    labels = "SELECT id, release_id, family, tier, tier_reason, licence_class FROM artifacts ORDER BY id"
    before = (query(db, snapshot), query(db, labels), query(db, "SELECT count(*) FROM events"))
    first = json.loads(relwatch(world, env, "reclassify", "-f", "json").stdout)
    second = json.loads(relwatch(world, env, "reclassify", "-f", "json").stdout)
    assert first == second == []
    assert (query(db, snapshot), query(db, labels), query(db, "SELECT count(*) FROM events")) == before


def test_unknown_vendor_lists_the_stored_ones(world, env):
    assert relwatch(world, env, "sync").returncode == 0
    result = relwatch(world, env, "compare", "google", "nobody")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("(stored: baidu, google)")
    assert relwatch(world, env, "compare", "google", "google").returncode == 2


def test_a_sync_groups_one_launch_by_the_repositories_dates(tmp_path, env, hub):
    """The dated rules act through the real command: sizes and size words created within days are
    one launch, a quantised copy joins its base, a size first published months after the line's
    first is a launch of its own, and a fine-tune of another vendor's model is no release."""

    def repo(name, created, base=None):
        item = hub_item(f"zeta-ai/{name}", created)
        if base:
            item["tags"] += [f"base_model:{base}", f"base_model:quantized:{base}"]
        return item

    hub.orgs["zeta-ai"] = [
        repo("Zeta-2-7B", "2025-03-01T10:00:00.000Z"),
        repo("Zeta-2-7B-Instruct", "2025-03-01T11:00:00.000Z"),
        repo("Zeta-2-72B", "2025-03-03T10:00:00.000Z"),
        repo("Zeta-2-7B-Instruct-AWQ", "2025-03-05T11:00:00.000Z", base="zeta-ai/Zeta-2-7B-Instruct"),
        repo("Zeta-Mini-1.5", "2025-05-01T10:00:00.000Z"),
        repo("Zeta-Large-1.5", "2025-05-02T10:00:00.000Z"),
        repo("zeta-lm-7b", "2024-01-10T10:00:00.000Z"),
        repo("zeta-lm-13b", "2024-01-20T10:00:00.000Z"),
        repo("zeta-lm-30b", "2024-04-20T10:00:00.000Z"),
        repo("Zeta-Llama-3.1-8B-Tuned", "2025-02-01T10:00:00.000Z", base="meta-llama/Llama-3.1-8B"),
    ]
    hub.orgs["zeta-ai"].sort(key=lambda item: item["createdAt"], reverse=True)
    config = write_config(
        tmp_path / "sources.toml", {"zeta": [{"kind": "huggingface", "org": "zeta-ai", "base_url": hub.loopback.url}]}
    )
    db = tmp_path / "r.db"
    assert invoke(["sync", "--quiet", "--db", str(db), "--config", str(config)], env).returncode == 0
    releases: dict[str | None, set[str]] = {}
    for repo_id, release in query(db, "SELECT external_id, release_id FROM artifacts"):
        releases.setdefault(release, set()).add(repo_id.split("/")[1])
    assert releases == {
        "zeta/zeta-2": {"Zeta-2-7B", "Zeta-2-7B-Instruct", "Zeta-2-72B", "Zeta-2-7B-Instruct-AWQ"},
        "zeta/zeta-1.5": {"Zeta-Mini-1.5", "Zeta-Large-1.5"},
        "zeta/zeta-lm": {"zeta-lm-7b", "zeta-lm-13b"},
        "zeta/zeta-lm-30b": {"zeta-lm-30b"},
        None: {"Zeta-Llama-3.1-8B-Tuned"},
    }
    assert query(db, "SELECT derivative_of FROM artifacts WHERE release_id IS NULL") == [("meta-llama",)]
