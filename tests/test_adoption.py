"""The adoption series: hub counts per artifact and day, derivative counts at milestones."""

import base64
import json
from datetime import date
from urllib.parse import urlencode

import pytest

from relwatch.sources.derivatives import (
    RELATIONS,
    UNSPECIFIED,
    count_relations,
    counts_url,
    derivatives_url,
    due_polls,
    relation_to,
)
from relwatch.store import Store
from relwatch.store.metrics import OpenRepo
from relwatch.value import Records, compare_value
from tests.conftest import query, write_config
from tests.loopback import Reply, Request, hf_models, json_reply

ORG = "acme-ai"
OPENED = "2026-03-02T10:00:00.000Z"  # every repository's createdAt: the releases' open day is 2026-03-02


def derivative(owner: str, index: int, base: str, relation: str | None) -> dict[str, object]:
    """A listing item of a repository built on `base`, tagged as the Hub tags it."""
    tags = ["transformers", f"base_model:{base}"]
    if relation:
        tags.append(f"base_model:{relation}:{base}")
    return {"_id": f"{owner}{index}", "id": f"{owner}/{base.split('/')[1]}-{relation or 'x'}-{index}", "tags": tags}


class DerivativeHub:
    """`/api/models?filter=base_model:REPO`: paged derivatives; other queries go to the org hub;
    `/api/models/ORG/REPO`: one model's counts."""

    def __init__(self, hub, page_size: int = 2):
        self.hub = hub
        self.page_size = page_size
        self.children: dict[str, list[dict[str, object]]] = {}
        self.loopback = hub.loopback
        self.loopback.route("/api/models", self.handle)

    def handle(self, request: Request) -> Reply:
        wanted = request.arg("filter")
        if wanted is None:
            return self.hub.handle(request)
        items = self.children.get(wanted.removeprefix("base_model:"), [])
        cursor = request.arg("cursor")
        offset = int(base64.urlsafe_b64decode(cursor).decode()) if cursor else 0
        limit = min(int(request.arg("limit") or 1000), self.page_size)
        headers = {}
        if offset + limit < len(items):
            params = [(k, v) for k, values in request.query.items() if k != "cursor" for v in values]
            params.append(("cursor", base64.urlsafe_b64encode(str(offset + limit).encode()).decode()))
            headers["Link"] = f'<{self.loopback.url}/api/models?{urlencode(params)}>; rel="next"'
        return json_reply(items[offset : offset + limit], headers=headers)

    def serve_counts(self, repo: str, downloads: int, all_time: int, likes: int) -> None:
        body = {"_id": "x", "id": repo, "downloads": downloads, "downloadsAllTime": all_time, "likes": likes}
        self.loopback.route(f"/api/models/{repo}", lambda request: json_reply(body))


def listing(count: int) -> list[dict[str, object]]:
    items = hf_models(ORG, count)
    for index, item in enumerate(items):
        item["createdAt"] = item["lastModified"] = OPENED
        item["downloads"], item["downloadsAllTime"], item["likes"] = 100 + index, 1000 + index, index
    return items


@pytest.fixture
def clock(monkeypatch):
    """Set the sync's clock: `clock("2026-03-09T08:00:00Z")`."""

    def set_now(moment: str) -> None:
        monkeypatch.setattr("relwatch.sync.now_iso", lambda: moment)

    return set_now


def config_for(tmp_path, hub, *, full_sweep_days=0, **settings):
    """A Hub source read whole on every sync unless `full_sweep_days` says otherwise: the series
    gets a row for each repository a sync reads (all of them on a full sweep)."""
    source = {"kind": "huggingface", "org": ORG, "base_url": hub.loopback.url, "full_sweep_days": full_sweep_days}
    return write_config(tmp_path / "sources.toml", {"acme": [source]}, settings or None)


def sync(cli, tmp_path, config):
    result = cli("sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json")
    assert result.returncode == 0, result.stderr + result.stdout
    return json.loads(result.stdout)


# -- pure parts ---------------------------------------------------------------------------------


def test_the_derivative_listing_is_the_hub_listing_filtered_by_base_model():
    url = derivatives_url("https://huggingface.co", "google/gemma-3-27b-it")
    assert url == (
        "https://huggingface.co/api/models?filter=base_model%3Agoogle%2Fgemma-3-27b-it&limit=1000"
        "&expand=author&expand=tags"
    )
    assert counts_url("https://huggingface.co", "google/gemma-3-27b-it") == (
        "https://huggingface.co/api/models/google/gemma-3-27b-it"
        "?expand=downloads&expand=downloadsAllTime&expand=likes"
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["base_model:Org/Base", "base_model:quantized:Org/Base"], "quantized"),
        (["base_model:adapter:org/base"], "adapter"),  # repository ids compare without case
        (["base_model:Org/Base"], UNSPECIFIED),
        (["base_model:Org/Other", "base_model:merge:Org/Other"], None),
        (["license:mit"], None),
    ],
)
def test_a_derivatives_relation_comes_from_its_base_model_tag(tags, expected):
    assert relation_to(tags, "Org/Base") == expected


def test_derivatives_of_the_base_models_own_owner_do_not_count():
    base = "acme-ai/model-0000"
    items = [
        derivative("other", 1, base, "finetune"),
        derivative("other", 2, base, "finetune"),
        derivative("third", 3, base, "quantized"),
        derivative("acme-ai", 4, base, "quantized"),  # the base's own owner
        derivative("fourth", 5, base, None),
        derivative("fifth", 6, "acme-ai/model-0001", "merge"),  # another base: filter noise
        "not a model",
        {"id": "no-slash", "tags": [f"base_model:{base}"]},
    ]
    assert count_relations(items, base) == {"finetune": 2, "quantized": 1, UNSPECIFIED: 1}


def test_milestones_are_due_within_their_window_and_only_once():
    repo = OpenRepo(release="acme/m", vendor="acme", released="2026-03-02", artifact_id=1, source_id="s", repo="a/b")

    def due(day: str, done=frozenset()):
        return [p.milestone for p in due_polls([repo], set(done), date.fromisoformat(day))]

    assert due("2026-03-08") == []  # +6
    assert due("2026-03-09") == [7]
    assert due("2026-03-16") == [7]  # +14: the last day of the +7 window
    assert due("2026-03-17") == []  # the +7 window has passed: never filled in late
    assert due("2026-04-01") == [30]
    assert due("2026-04-01", {("acme/m", "a/b", 30)}) == []
    assert due("2026-05-31") == [90]


# -- the series over syncs ---------------------------------------------------------------------


def test_counts_that_move_give_one_row_per_artifact_per_day_and_update_nothing(tmp_path, hub, cli, clock):
    hub.orgs[ORG] = listing(12)
    config = config_for(tmp_path, hub, derivative_requests=0)
    db = tmp_path / "r.db"
    hashes = "SELECT external_id, content_hash FROM artifacts ORDER BY id"

    clock("2026-05-10T06:00:00Z")
    assert sync(cli, tmp_path, config)["totals"]["new"] == 12
    before = query(db, hashes)
    assert query(db, "SELECT count(*), count(DISTINCT artifact_id), min(day) FROM artifact_metrics") == [
        (12, 12, "2026-05-10")
    ]

    def drift() -> None:
        for item in hub.orgs[ORG]:
            item["downloads"] += 7
            item["downloadsAllTime"] += 7
            item["likes"] += 1

    for moment in ("2026-05-10T18:00:00Z", "2026-05-11T06:00:00Z", "2026-05-11T07:00:00Z", "2026-05-12T06:00:00Z"):
        drift()
        clock(moment)
        totals = sync(cli, tmp_path, config)["totals"]
        assert (totals["new"], totals["updated"], totals["gone"]) == (0, 0, 0)
        assert query(db, hashes) == before

    per_day = query(db, "SELECT day, count(*), count(DISTINCT artifact_id) FROM artifact_metrics GROUP BY day")
    assert per_day == [("2026-05-10", 12, 12), ("2026-05-11", 12, 12), ("2026-05-12", 12, 12)]
    # a day's row holds that day's last counts: the 2nd and 4th drifts on days 10 and 11
    first = query(
        db,
        "SELECT m.day, m.downloads, m.downloads_all_time, m.likes FROM artifact_metrics m "
        "JOIN artifacts a ON a.id = m.artifact_id WHERE a.external_id = ? ORDER BY m.day",
        (hub.orgs[ORG][0]["id"],),
    )
    assert first == [("2026-05-10", 107, 1007, 1), ("2026-05-11", 121, 1021, 3), ("2026-05-12", 128, 1028, 4)]


def test_between_full_sweeps_the_series_holds_the_repositories_a_nightly_sync_read(tmp_path, hub, cli, clock):
    # the default: a Hub listing is read whole every 7 days and incrementally in between, so a
    # nightly sync with no commit reads no repository and adds no row; a sweep adds a row for each
    hub.orgs[ORG] = listing(5)
    config = config_for(tmp_path, hub, full_sweep_days=7, derivative_requests=0)
    db = tmp_path / "r.db"
    clock("2026-05-10T06:00:00Z")
    sync(cli, tmp_path, config)
    for item in hub.orgs[ORG]:
        item["downloads"] += 7
    clock("2026-05-11T06:00:00Z")
    assert sync(cli, tmp_path, config)["totals"]["updated"] == 0
    clock("2026-05-17T06:00:00Z")
    sync(cli, tmp_path, config)
    per_day = query(db, "SELECT day, count(*) FROM artifact_metrics GROUP BY day")
    assert per_day == [("2026-05-10", 5), ("2026-05-17", 5)]


def test_derivatives_are_counted_by_relation_at_a_milestone_within_the_request_budget(tmp_path, hub, cli, clock):
    hub.orgs[ORG] = listing(3)
    derivatives = DerivativeHub(hub, page_size=2)
    repos = sorted(item["id"] for item in hub.orgs[ORG])  # one release each, polled in this order
    first = repos[0]
    derivatives.children[first] = [
        derivative("other", 1, first, "finetune"),
        derivative("other", 2, first, "finetune"),
        derivative("third", 3, first, "quantized"),
        derivative(ORG, 4, first, "adapter"),  # the release's own owner: not counted
        derivative("fourth", 5, first, None),
    ]  # three pages of two
    derivatives.children[repos[1]] = [derivative("other", 6, repos[1], "merge")]  # one page
    config = config_for(tmp_path, hub, derivative_requests=4)
    db = tmp_path / "r.db"

    clock("2026-03-05T06:00:00Z")  # +3: nothing due
    assert sync(cli, tmp_path, config)["adoption"] == {
        "requests": 0,
        "download_polls": 0,
        "derivative_polls": 0,
        "deferred": 0,
        "error": None,
    }
    assert hub.loopback.requests_to("/api/models")[-1].arg("filter") is None

    clock("2026-03-09T06:00:00Z")  # +7: three repositories due; the budget of 4 covers two
    adoption = sync(cli, tmp_path, config)["adoption"]
    assert adoption == {"requests": 4, "download_polls": 0, "derivative_polls": 2, "deferred": 1, "error": None}
    filtered = [r for r in hub.loopback.requests_to("/api/models") if r.arg("filter")]
    assert len(filtered) == 4
    assert filtered[0].query["expand"] == ["author", "tags"]
    rows = query(db, "SELECT repo, relation, count, complete, milestone_days FROM derivative_counts ORDER BY 1, 2")
    by_repo = {}
    for repo, relation, count, complete, milestone in rows:
        assert (complete, milestone) == (1, 7)
        by_repo.setdefault(repo, {})[relation] = count
    assert by_repo[first] == {"adapter": 0, "finetune": 2, "merge": 0, "quantized": 1, UNSPECIFIED: 1}
    assert by_repo[repos[1]] == dict.fromkeys(RELATIONS, 0) | {"merge": 1}
    assert repos[2] not in by_repo

    clock("2026-03-09T18:00:00Z")  # the same day: only what the budget left
    adoption = sync(cli, tmp_path, config)["adoption"]
    assert (adoption["requests"], adoption["derivative_polls"], adoption["deferred"]) == (1, 1, 0)
    assert query(db, "SELECT count(DISTINCT repo) FROM derivative_counts") == [(3,)]

    clock("2026-03-10T06:00:00Z")  # every +7 poll done: no request
    assert sync(cli, tmp_path, config)["adoption"]["requests"] == 0

    store = Store(db)
    try:
        releases = store.open_releases(["acme"])
        records = store.derivative_records(["acme"])
    finally:
        store.close()
    assert {r.released for r in releases} == {"2026-03-02"}
    assert sorted(a for r in releases for a in r.artifacts) == sorted(repos)
    release_of = {a: r.release for r in releases for a in r.artifacts}
    totals = {(c.release, c.milestone): (c.total, c.counted_on) for c in records}
    assert totals[(release_of[first], 7)][1] == "2026-03-09"
    assert sum(total for total, _ in totals.values()) == 5


def test_a_listing_larger_than_the_whole_budget_is_stored_as_a_floor(tmp_path, hub, cli, clock):
    hub.orgs[ORG] = listing(1)
    derivatives = DerivativeHub(hub, page_size=1)
    repo = hub.orgs[ORG][0]["id"]
    derivatives.children[repo] = [derivative(f"o{i}", i, repo, "quantized") for i in range(5)]
    config = config_for(tmp_path, hub, derivative_requests=3)
    clock("2026-03-09T06:00:00Z")
    assert sync(cli, tmp_path, config)["adoption"]["derivative_polls"] == 1
    assert query(tmp_path / "r.db", "SELECT count, complete FROM derivative_counts WHERE relation = 'quantized'") == [
        (3, 0)
    ]


def test_first_month_downloads_are_read_alone_when_the_listing_has_none(tmp_path, hub, cli, clock):
    hub.orgs[ORG] = listing(2)
    for item in hub.orgs[ORG]:
        del item["downloads"], item["downloadsAllTime"], item["likes"]
    derivatives = DerivativeHub(hub)
    repos = sorted(item["id"] for item in hub.orgs[ORG])
    derivatives.serve_counts(repos[0], 52_000, 52_000, 40)
    derivatives.serve_counts(repos[1], 61_000, 61_500, 12)
    hub.orgs["beta-lab"] = hf_models("beta-lab", 1)  # a second vendor, opened a month later: no first-month count yet
    hub.orgs["beta-lab"][0]["createdAt"] = hub.orgs["beta-lab"][0]["lastModified"] = "2026-04-01T10:00:00.000Z"
    sources = {
        vendor: [{"kind": "huggingface", "org": org, "base_url": hub.loopback.url, "full_sweep_days": 0}]
        for vendor, org in (("acme", ORG), ("beta", "beta-lab"))
    }
    config = write_config(tmp_path / "sources.toml", sources)
    db = tmp_path / "r.db"

    clock("2026-04-02T06:00:00Z")  # +31: in the first-month window
    adoption = sync(cli, tmp_path, config)["adoption"]
    assert adoption["download_polls"] == 2
    assert adoption["derivative_polls"] == 2  # the +30 derivative counts, empty
    assert len(hub.loopback.requests_to(f"/api/models/{repos[0]}")) == 1
    clock("2026-04-03T06:00:00Z")  # the window has its counts: not read again
    assert sync(cli, tmp_path, config)["adoption"]["requests"] == 0

    store = Store(db)
    try:
        later = query(db, "SELECT id FROM artifacts WHERE external_id = ?", (repos[0],))[0][0]
        store.record_metric(later, "2026-04-05", downloads=1, downloads_all_time=None, likes=None)  # not read
        releases = store.open_releases(["acme"])
        metrics = store.first_month_metrics(["acme"], "2026-01-01", "2026-12-31")
        derivative_records = store.derivative_records(["acme"])
    finally:
        store.close()
    assert sorted((m.artifact, m.day, m.downloads) for m in metrics) == [
        (repos[0], "2026-04-02", 52_000),
        (repos[1], "2026-04-02", 61_000),
    ]
    records = Records(releases=releases, metrics=metrics, derivatives=derivative_records)
    blocks = compare_value(records, ["acme"], "2026-03-01", "2026-04-30")
    assert len(releases) == 2  # one release per repository
    assert blocks[0].median_first_month_downloads == 56_500
    assert blocks[0].releases_with_downloads == 2
    assert blocks[0].releases_at_milestone[30] == 2


    # The command reads the same series: compare's block carries the figures, not only the store.
    window = ["--db", str(db), "--since", "2026-03-01", "--until", "2026-04-30"]
    shown = cli("compare", "acme", "beta", *window, "-f", "json")
    assert shown.returncode == 0, shown.stderr
    block, later = json.loads(shown.stdout)["price_and_value"]["vendors"]
    assert (block["open_releases"], block["median_first_month_downloads"], block["releases_with_downloads"]) == (
        2,
        56_500,
        2,
    )
    assert block["releases_at_milestone"]["30"] == 2 and block["derivatives_per_release"]["30"] == 0
    assert (later["open_releases"], later["median_first_month_downloads"]) == (1, None)
    assert "56,500" in cli("compare", "acme", "beta", *window).stdout
