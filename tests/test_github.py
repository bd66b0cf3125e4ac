"""GitHub releases: the parser on the recorded release, the Link headers, and the real command end to end."""

import json

import httpx
import pytest

from relwatch.config import parse_config
from relwatch.errors import ConfigError
from relwatch.http import Fetched
from relwatch.models import DateKind
from relwatch.sources.github import names_a_model, parse_release, parse_releases, releases_url
from tests.conftest import invoke, query, write_config
from tests.public_data import fixture_json
from tests.sim_github import GitHubApi, gh_releases

REPO_WEB = "https://github.com/octokit-fixture-org/tmp-scenario-release-assets-20220719044014639-1reww"
REPO = "acme-ai/acme-models"
SOURCE_ID = f"acme/github/{REPO}"


def load(name):
    return fixture_json(f"github/{name}")


# -- parser ---------------------------------------------------------------------------------


def test_recorded_release():
    artifact = parse_release(load("release_v1.0.0.json"))
    assert artifact.external_id == "v1.0.0"
    assert artifact.name == "Version 1.0.0"
    assert artifact.url == f"{REPO_WEB}/releases/tag/v1.0.0"
    assert artifact.date == "2022-07-19T04:40:21Z"  # published_at, not created_at
    assert artifact.date_kind == DateKind.PUBLISHED
    assert artifact.extra == {"tag": "v1.0.0", "prerelease": False, "assets": 0, "body": "Initial release"}
    assert artifact.raw["id"] == 72286832
    assert artifact.licence is None and artifact.gated is None


def test_listing_skips_the_draft_and_keeps_the_prerelease():
    artifacts = parse_releases(load("releases_page.json"), models=r"^v1\.")
    assert [a.external_id for a in artifacts] == ["v1.1.0-rc.1", "v1.0.1", "v1.0.0"]
    candidate, patch, _ = artifacts
    assert candidate.extra["prerelease"] is True
    assert candidate.date == "2022-07-21T09:12:45Z"
    assert patch.name == "v1.0.1"  # an empty release name falls back to the tag
    assert patch.extra["assets"] == 1
    assert len(patch.extra["body"]) == 500
    assert patch.extra["body"].startswith("## What's changed\n\n* Fix number 1: ")


def test_prereleases_can_be_left_out():
    artifacts = parse_releases(load("releases_page.json"), include_prereleases=False, models="v1")
    assert [a.external_id for a in artifacts] == ["v1.0.1", "v1.0.0"]


def test_a_release_without_a_tag_is_named_by_its_id():
    item = load("release_v1.0.0.json") | {"tag_name": None, "name": None, "published_at": None, "body": None}
    artifact = parse_release(item)
    assert (artifact.external_id, artifact.name, artifact.date, artifact.date_kind) == (
        "72286832",
        "72286832",
        None,
        None,
    )
    assert artifact.extra == {"tag": None, "prerelease": False, "assets": 0, "body": ""}


def test_items_without_tag_or_id_are_skipped():
    items = ["junk", {"id": True}, {"name": "x"}, {"tag_name": "Qwen3"}]
    assert [a.external_id for a in parse_releases(items)] == ["Qwen3"]


def test_software_releases_are_skipped_and_counted():
    """The recorded page holds only software releases (`v1.0.0`, "Version 1.1.0 release candidate 1")."""
    parsed = parse_releases(load("releases_page.json"), where="page 1")
    assert list(parsed) == []
    assert len(parsed.skipped) == 3  # the draft is left out silently, as unpublished
    assert parsed.skipped[0] == "item 1 of page 1: release 'v1.1.0-rc.1' names no model (a software release)"


def ernie_release(tag, name, **fields):
    return load("release_v1.0.0.json") | {"tag_name": tag, "name": name, **fields}


def test_paddle_ernie_code_releases_leave_only_the_model_releases():
    """What `PaddlePaddle/ERNIE` publishes: code tags beside model releases."""
    page = [
        ernie_release("v2.6.0", "v2.6.0"),
        ernie_release("static_graph", "static_graph"),
        ernie_release("v2.5.0", "Version 2.5.0"),
        ernie_release("ernie-4.5-rc1", "ERNIE 4.5 release candidate"),
        ernie_release("v5.0", "ERNIE 4.5"),
        ernie_release("ERNIE-4.5-VL", ""),
    ]
    parsed = parse_releases(page)
    assert [a.external_id for a in parsed] == ["v5.0", "ERNIE-4.5-VL"]
    assert len(parsed.skipped) == 4


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("ERNIE-4.5-VL-28B-A3B-Thinking", True),
        ("Llama-3.1-post-training recipes v2", True),
        ("ERNIE 4.5 beta", False),
        ("v1.0.0-beta.2", False),
        ("Version 2.5.0", False),
        ("static_graph", False),
    ],
)
def test_the_model_name_rule(title, expected):
    assert names_a_model(title) is expected


def test_models_pattern_decides_when_given():
    page = [ernie_release("v3.0", "Paddle 3"), ernie_release("v5.0", "ERNIE 4.5")]
    assert [a.external_id for a in parse_releases(page, models="ernie[- ]?[0-9]")] == ["v5.0"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("published_at", "2025-04-31T10:00:00Z", "unreadable date '2025-04-31T10:00:00Z'"),
        ("tag_name", "ERNIE-4.5\x1b[31m", "holds control characters"),
        ("tag_name", "ERNIE-" + "4" * 600, "id of 606 characters"),
    ],
)
def test_one_poison_release_is_skipped_and_the_page_kept(field, value, reason):
    page = [ernie_release("ERNIE-4.5", "ERNIE 4.5"), ernie_release("ERNIE-4.5-VL", "ERNIE 4.5 VL") | {field: value}]
    parsed = parse_releases(page)
    assert [a.external_id for a in parsed] == ["ERNIE-4.5"]
    assert len(parsed.skipped) == 1 and reason in parsed.skipped[0]


def test_releases_url():
    assert releases_url("https://api.github.com", "QwenLM/Qwen3") == (
        "https://api.github.com/repos/QwenLM/Qwen3/releases?per_page=100"
    )


def repo_config_text(repo):
    return f"[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'github'\nrepo = {json.dumps(repo)}\n"


@pytest.mark.parametrize("repo", ["QwenLM/Qwen3", "google-deepmind/gemma", "PaddlePaddle/ERNIE", "a/.github"])
def test_repo_shape_accepted(repo):
    assert parse_config(repo_config_text(repo), "cfg.toml").sources[0].options.repo == repo


@pytest.mark.parametrize("repo", ["QwenLM", "a/b/c", "a/..", "../b", "a/b?per_page=1", "a/b\n", "a b/c"])
def test_repo_shape_refused_when_the_config_is_read(repo):
    with pytest.raises(
        ConfigError, match=r"^cfg.toml: vendor 'acme', source 1 \(github\), key 'repo': .* is not a repo"
    ):
        parse_config(repo_config_text(repo), "cfg.toml")


def test_recorded_link_headers_lead_to_numbered_repository_urls():
    """The real headers: next on every page but the last, and it names the repository by number."""
    rows = load("link_headers_paginate-issues.json")
    nexts = []
    for row in rows:
        url = row["request"].removeprefix("GET ")
        fetched = Fetched(url=url, status=200, headers=httpx.Headers({"link": row["link"]}), content=b"[]")
        nexts.append(fetched.links().get("next"))
    base = "https://api.github.com/repositories/515435940/issues?per_page=3&page="
    assert nexts == [f"{base}2", f"{base}3", f"{base}4", f"{base}5", None]


def test_simulator_writes_link_headers_as_github_does(loopback):
    api = GitHubApi(loopback, REPO, link_base="https://api.github.com")
    recorded = [row["link"].replace("/issues?", "/releases?") for row in load("link_headers_paginate-issues.json")]
    assert [api.link_header(3, page, 5) for page in range(1, 6)] == recorded


# -- end to end -----------------------------------------------------------------------------


@pytest.fixture
def api(loopback):
    api = GitHubApi(loopback, REPO)
    api.releases = gh_releases(REPO, 230)  # 3 pages of at most 100
    api.releases[3]["draft"] = True
    api.releases[3]["published_at"] = None
    api.releases[150]["draft"] = True
    api.releases[150]["published_at"] = None
    api.releases[0]["prerelease"] = True
    return api


def github_config(tmp_path, api, **options):
    source = {"kind": "github", "repo": REPO, "base_url": api.loopback.url, **options}
    return write_config(tmp_path / "sources.toml", {"acme": [source]})


def sync(tmp_path, env, config):
    return invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)


def test_sync_follows_link_headers_and_stores_published_releases(tmp_path, env, api):
    result = sync(tmp_path, env, github_config(tmp_path, api))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["totals"]["new"] == 228  # 230 less two drafts
    source = summary["sources"][0]
    assert (source["source"], source["pages"], source["requests"]) == (SOURCE_ID, 3, 3)
    requests = api.loopback.log
    assert [r.raw_path for r in requests] == [
        f"/repos/{REPO}/releases?per_page=100",
        "/repositories/515435940/releases?per_page=100&page=2",
        "/repositories/515435940/releases?per_page=100&page=3",
    ]
    for request in requests:
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert "authorization" not in request.headers
    db = tmp_path / "r.db"
    stored = {row[0] for row in query(db, "SELECT external_id FROM artifacts WHERE source_id = ?", (SOURCE_ID,))}
    assert len(stored) == 228
    assert "ERNIE-4.226" not in stored and "ERNIE-4.79" not in stored  # the drafts
    row = query(db, "SELECT name, url, date, date_kind, extra FROM artifacts WHERE external_id = 'ERNIE-4.229'")[0]
    assert row[:4] == (
        "ERNIE 4.229",
        f"https://github.com/{REPO}/releases/tag/ERNIE-4.229",
        "2024-09-06T09:30:00Z",
        "published",
    )
    assert json.loads(row[4]) == {
        "tag": "ERNIE-4.229",
        "prerelease": True,
        "assets": 0,
        "body": "Release notes for ERNIE-4.229",
    }


def test_second_sync_is_answered_by_304s_and_adds_nothing(tmp_path, env, api):
    config = github_config(tmp_path, api)
    assert sync(tmp_path, env, config).returncode == 0
    before = query(tmp_path / "r.db", "SELECT id, content_hash, first_seen FROM artifacts ORDER BY id")
    second = sync(tmp_path, env, config)
    assert second.returncode == 0, second.stderr
    totals = json.loads(second.stdout)["totals"]
    assert (totals["new"], totals["updated"], totals["gone"], totals["items"]) == (0, 0, 0, 228)
    assert totals["requests"] == totals["not_modified"] == 3
    assert query(tmp_path / "r.db", "SELECT id, content_hash, first_seen FROM artifacts ORDER BY id") == before


def test_prereleases_option_leaves_them_out(tmp_path, env, api):
    result = sync(tmp_path, env, github_config(tmp_path, api, prereleases=False))
    assert json.loads(result.stdout)["totals"]["new"] == 227
    assert query(tmp_path / "r.db", "SELECT count(*) FROM artifacts WHERE external_id = 'ERNIE-4.229'") == [(0,)]


@pytest.mark.parametrize("variable", ["GITHUB_TOKEN", "GH_TOKEN"])
def test_token_goes_as_bearer_to_the_configured_host_only(tmp_path, env, loopback, variable):
    # next links name the same server as "localhost": another origin, so they are not followed at all
    port = loopback.url.rsplit(":", 1)[1]
    api = GitHubApi(loopback, REPO, link_base=f"http://localhost:{port}")
    api.releases = gh_releases(REPO, 150)
    secret = "ghp_secretvalue123"
    result = sync(tmp_path, {**env, variable: secret}, github_config(tmp_path, api, send_token=True))
    assert result.returncode == 1
    assert f"not followed: http://localhost:{port}/" in result.stderr
    assert [(r.headers["host"].split(":")[0], r.headers.get("authorization")) for r in loopback.log] == [
        ("127.0.0.1", f"Bearer {secret}"),
    ]
    assert secret not in result.stdout + result.stderr
    assert secret.encode() not in (tmp_path / "r.db").read_bytes()


def test_a_repo_that_is_not_owner_name_fails_before_any_request(tmp_path, env, api):
    config = write_config(
        tmp_path / "sources.toml",
        {"acme": [{"kind": "github", "repo": "acme-ai/x/../y", "base_url": api.loopback.url}]},
    )
    result = sync(tmp_path, env, config)
    assert result.returncode == 2
    assert "source 1 (github), key 'repo': 'acme-ai/x/../y' is not a repository as 'owner/name'" in result.stderr
    assert api.loopback.log == []


def test_past_1000_releases_the_422_ends_the_listing_incomplete_and_nothing_is_gone(tmp_path, env, loopback, cli):
    api = GitHubApi(loopback, REPO)
    api.releases = gh_releases(REPO, 1050)  # 11 pages of 100
    config = github_config(tmp_path, api)
    db = tmp_path / "r.db"
    args = ("sync", "--config", str(config), "--db", str(db), "--format", "json")
    assert cli(*args).returncode == 0  # all 11 pages read: 1,050 stored
    api.max_results = 1000
    api.releases.insert(0, gh_releases(REPO, 1051)[0])  # one more release: page 11 now holds 51
    before = query(db, "SELECT id, content_hash, last_seen, gone_at FROM artifacts ORDER BY id")
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    source = json.loads(result.stdout)["sources"][0]
    assert (source["status"], source["listing"], source["requests"]) == ("ok", "incomplete", 11)
    assert "HTTP 422" in source["incomplete"] and (source["new"], source["gone"]) == (1, 0)
    after = query(db, "SELECT id, content_hash, gone_at FROM artifacts WHERE id <= ? ORDER BY id", (len(before),))
    assert after == [(row[0], row[1], None) for row in before]
    assert query(db, "SELECT listing, incomplete IS NOT NULL FROM source_runs ORDER BY id DESC LIMIT 1") == [
        ("incomplete", 1)
    ]
