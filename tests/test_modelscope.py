"""ModelScope: the parser on hand-written fixtures, the paging rules, and the real command end to end."""

import asyncio
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from relwatch.config import SourceConfig, parse_config
from relwatch.errors import ConfigError, RateLimited, SourceError
from relwatch.http import Fetched
from relwatch.kinds import ModelscopeOptions
from relwatch.models import DateKind
from relwatch.sources import modelscope
from relwatch.sources.modelscope import (
    SortRefused,
    listing_url,
    next_page_number,
    parse_model,
    parse_models,
    unwrap,
)
from tests.conftest import invoke, query, write_config
from tests.loopback import json_reply
from tests.sim_modelscope import ModelScopeHub, ms_models

FIXTURES = Path(__file__).parent / "fixtures" / "modelscope"
SOURCE_ID = "alibaba/modelscope/Qwen"


def load(name):
    return json.loads((FIXTURES / name).read_text())


def parse_fixture(name):
    models, total = unwrap(load(name), "https://modelscope.cn/openapi/v1/models")
    return parse_models(models), total


# -- parser ---------------------------------------------------------------------------------


def test_openapi_envelope_page():
    artifacts, total = parse_fixture("models_Qwen.json")
    assert total == 4
    assert [a.external_id for a in artifacts] == [
        "Qwen/Qwen3-235B-A22B-Instruct-2507",
        "Qwen/Qwen3-Embedding-0.6B",
        "Qwen/Qwen3-8B",
        "Qwen/Qwen2.5-VL-72B-Instruct",
    ]
    qwen3 = artifacts[2]
    assert qwen3.name == "Qwen3-8B"
    assert qwen3.url == "https://modelscope.cn/models/Qwen/Qwen3-8B"
    assert qwen3.date == "2025-04-28T14:51:06Z"
    assert qwen3.date_kind == DateKind.REPO_CREATED
    assert qwen3.modified_at == "2025-05-21T06:33:40Z"
    assert qwen3.licence == "apache-2.0"
    assert qwen3.gated is False
    assert qwen3.pipeline_tag == "text-generation"
    assert qwen3.downloads == 1734920
    assert qwen3.likes == 389
    assert qwen3.extra == {"login_required": False}
    assert qwen3.raw["file_size"] == 16388044800


def test_display_name_login_required_and_missing_task():
    artifacts, _ = parse_fixture("models_Qwen.json")
    embedding, vision = artifacts[1], artifacts[3]
    assert embedding.pipeline_tag == "sentence-embedding"  # the first of two tasks
    assert embedding.extra == {"display_name": "Qwen3 Embedding 0.6B", "login_required": False}
    assert vision.licence == "other"
    assert vision.pipeline_tag is None
    assert vision.gated is False
    assert vision.extra == {"login_required": True}


def test_sdk_variants_unix_seconds_and_naive_shanghai_times():
    artifacts, total = parse_fixture("models_PaddlePaddle_sdk_variants.json")
    assert total == 2
    ernie_moe, ernie_small = artifacts
    # naive "2025-06-30T10:05:33" is Beijing time, UTC+8
    assert ernie_moe.date == "2025-06-30T02:05:33Z"
    assert ernie_moe.modified_at == "2025-07-02T08:41:07Z"  # UNIX seconds 1751445667
    assert ernie_moe.licence == "apache-2.0"  # lower-cased from "Apache-2.0"
    assert ernie_moe.gated is True
    assert ernie_moe.extra == {"login_required": True}
    assert ernie_moe.pipeline_tag == "text-generation"  # legacy [{"Name": …}] tasks
    assert ernie_small.external_id == "PaddlePaddle/ERNIE-4.5-0.3B-PT"
    assert ernie_small.date == "2025-06-30T02:05:33Z"  # UNIX seconds 1751249133
    assert ernie_small.modified_at == "2025-07-02T08:41:07Z"  # naive "2025-07-02 16:41:07"
    assert ernie_small.extra == {}


def test_base_url_makes_the_page_url():
    item = load("models_Qwen.json")["data"]["models"][2]
    assert parse_model(item, "https://www.modelscope.ai").url == "https://www.modelscope.ai/models/Qwen/Qwen3-8B"


def test_bare_data_object_is_accepted():
    models, total = unwrap({"models": [{"id": "a/b"}], "total_count": 1}, "u")
    assert (models, total) == ([{"id": "a/b"}], 1)


def test_lenient_about_odd_item_fields():
    item = {
        "id": "Qwen/odd",
        "license": 7,
        "gated": "yes",
        "tasks": "text-generation",
        "downloads": "12",
        "likes": True,
        "private": True,
    }
    artifact = parse_model(item)
    assert (artifact.licence, artifact.gated, artifact.pipeline_tag, artifact.downloads, artifact.likes) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert artifact.date is None
    assert artifact.extra == {"private": True}


def test_items_of_another_owner_are_skipped_and_counted():
    items = [{"id": "Qwen/Qwen3-8B"}, {"id": "someone/Qwen3-8B-GGUF"}, {"id": "qwen/Qwen3-4B"}]
    parsed = parse_models(items, owner="Qwen", where="p1")
    assert [a.external_id for a in parsed] == ["Qwen/Qwen3-8B", "qwen/Qwen3-4B"]
    assert parsed.skipped == ["item 2 of p1: 'someone/Qwen3-8B-GGUF' belongs to 'someone', not 'Qwen'"]


def test_an_impossible_creation_date_skips_that_item_only():
    models, _ = unwrap(load("models_Qwen.json"), "u")
    models[0] = models[0] | {"created_at": "2025-06-31 10:00:00"}
    parsed = parse_models(models, owner="Qwen")
    assert len(parsed) == len(models) - 1
    assert "unreadable date '2025-06-31 10:00:00'" in parsed.skipped[0]


def test_quota_refusal_in_a_200_is_a_rate_limit_naming_the_code():
    payload = {"success": False, "code": "QuotaLimitExceed", "message": "Request was denied due to quota limit"}
    with pytest.raises(RateLimited, match=r"ModelScope quota refused https://m/x \(QuotaLimitExceed\)") as caught:
        unwrap(payload, "https://m/x")
    assert caught.value.until > "2026"


def test_a_refused_sort_is_told_apart_from_other_refusals():
    payload = {"success": False, "message": "invalid sort: last_modified"}
    with pytest.raises(SortRefused):
        unwrap(payload, "https://m/x", sorted_request=True)
    with pytest.raises(SourceError, match="ModelScope refused https://m/x: invalid sort") as caught:
        unwrap(payload, "https://m/x")
    assert not isinstance(caught.value, SortRefused)


def test_items_without_an_owner_name_id_are_skipped():
    assert [a.external_id for a in parse_models([{"id": "noslash"}, "junk", {"name": "x"}, {"id": "a/b"}])] == ["a/b"]


@pytest.mark.parametrize("key", ["message", "Message"])
def test_refusal_carries_the_server_message(key):
    payload = {"success": False, "request_id": "r", key: "page_number * page_size must be <= 3000"}
    with pytest.raises(SourceError, match=r"ModelScope refused https://m/x: page_number \* page_size must be"):
        unwrap(payload, "https://m/x")


@pytest.mark.parametrize("payload", [[], {"success": True, "data": None}, {"data": {"models": {}}}, {"data": {}}])
def test_wrong_shapes_are_source_errors(payload):
    with pytest.raises(SourceError, match="from https://m/x"):
        unwrap(payload, "https://m/x")


# -- paging ---------------------------------------------------------------------------------


def test_listing_url():
    query_ = parse_qs(urlsplit(listing_url("https://ms.example", "Qwen", 50, 3)).query)
    assert query_ == {"owner": ["Qwen"], "sort": ["last_modified"], "page_number": ["3"], "page_size": ["50"]}


@pytest.mark.parametrize(
    ("page", "size", "total", "on_page", "expected"),
    [
        (1, 50, 120, 50, 2),
        (2, 50, 120, 50, 3),
        (3, 50, 120, 20, None),  # 3 * 50 >= 120
        (2, 50, 100, 50, None),  # exactly two full pages
        (59, 50, 5000, 50, 60),
        (60, 50, 5000, 50, None),  # page 61 would pass the 3,000-item window
        (428, 7, 5000, 7, None),  # 429 * 7 = 3003 > 3000
        (1, 50, None, 50, 2),  # no total: go on while pages are full
        (1, 50, None, 49, None),
        (1, 50, 500, 0, None),  # an empty page ends the listing whatever the total says
    ],
)
def test_next_page_number(page, size, total, on_page, expected):
    assert next_page_number(page, size, total, on_page) == expected


class PagedServer:
    """An in-process stand-in for the session: answers listing URLs from a list of items."""

    def __init__(self, total: int):
        self.items = [{"id": f"Qwen/m-{i:05d}"} for i in range(total)]
        self.urls: list[str] = []
        self.max_pages = 1000

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        self.urls.append(url)
        query_ = parse_qs(urlsplit(url).query)
        number, size = int(query_["page_number"][0]), int(query_["page_size"][0])
        page = self.items[(number - 1) * size : number * size]
        body = {"success": True, "data": {"models": page, "total_count": len(self.items)}}
        return Fetched(
            url=url, status=200, headers=httpx.Headers({"etag": f'"{number}"'}), content=json.dumps(body).encode()
        )


def read_all(server: PagedServer, page_size: int) -> list:
    source = SourceConfig(
        vendor="alibaba",
        kind="modelscope",
        base_url="https://ms.example",
        id=SOURCE_ID,
        options=ModelscopeOptions(org="Qwen", page_size=page_size),
    )

    async def collect():
        return [page async for page in modelscope.fetch(source, server)]

    return asyncio.run(collect())


def test_an_org_past_the_window_is_read_up_to_it():
    server = PagedServer(3200)
    pages = read_all(server, 50)
    assert len(pages) == 60
    assert sum(len(p.item_ids) for p in pages) == 3000
    assert parse_qs(urlsplit(server.urls[-1]).query)["page_number"] == ["60"]
    assert pages[-1].next_url is None
    assert pages[0].next_url == server.urls[1] == listing_url("https://ms.example", "Qwen", 50, 2)
    assert pages[0].etag == '"1"'
    assert not modelscope.COMPLETE_LISTING  # so the 200 models past the window are not taken as gone


@pytest.mark.parametrize(
    ("size", "problem"), [(80, "80 is above the maximum of 50"), (0, "0 is below the minimum of 1")]
)
def test_page_size_out_of_range_is_a_config_error(size, problem):
    text = f"[vendors.alibaba]\n[[vendors.alibaba.sources]]\nkind = 'modelscope'\norg = 'Qwen'\npage_size = {size}\n"
    with pytest.raises(
        ConfigError, match=f"^cfg.toml: vendor 'alibaba', source 1 \\(modelscope\\), key 'page_size': {problem}"
    ):
        parse_config(text, "cfg.toml")


# -- end to end -----------------------------------------------------------------------------


@pytest.fixture
def hub(loopback):
    return ModelScopeHub(loopback)


def qwen_config(tmp_path, hub, count=120):
    hub.orgs["Qwen"] = ms_models("Qwen", count)
    source = {"kind": "modelscope", "org": "Qwen", "base_url": hub.loopback.url}
    return write_config(tmp_path / "sources.toml", {"alibaba": [source]})


def sync(tmp_path, env, config):
    return invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)


def test_sync_reads_every_numbered_page_into_sqlite(tmp_path, env, hub):
    result = sync(tmp_path, env, qwen_config(tmp_path, hub))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["totals"]["new"] == 120
    source = summary["sources"][0]
    assert (source["source"], source["pages"], source["requests"]) == (SOURCE_ID, 3, 3)
    requests = hub.loopback.requests_to("/openapi/v1/models")
    assert [r.query for r in requests] == [
        {"owner": ["Qwen"], "sort": ["last_modified"], "page_number": [str(n)], "page_size": ["50"]} for n in (1, 2, 3)
    ]
    assert "authorization" not in requests[0].headers
    db = tmp_path / "r.db"
    assert query(db, "SELECT count(*) FROM artifacts WHERE source_id = ?", (SOURCE_ID,)) == [(120,)]
    row = query(
        db,
        "SELECT name, url, date, date_kind, modified_at, licence, gated, pipeline_tag, downloads, extra "
        "FROM artifacts WHERE external_id = 'Qwen/model-0030'",
    )[0]
    assert json.loads(row[-1]) == {"login_required": False}
    assert row[:-1] == (
        "model-0030",
        f"{hub.loopback.url}/models/Qwen/model-0030",
        "2025-02-03T08:00:00Z",
        "repo-created",
        "2025-11-26T08:00:00Z",
        "apache-2.0",
        0,
        "text-generation",
        48213,
    )


def test_second_sync_is_answered_by_304s_and_adds_nothing(tmp_path, env, hub):
    config = qwen_config(tmp_path, hub)
    assert sync(tmp_path, env, config).returncode == 0
    before = query(tmp_path / "r.db", "SELECT id, content_hash, first_seen FROM artifacts ORDER BY id")
    second = sync(tmp_path, env, config)
    assert second.returncode == 0, second.stderr
    totals = json.loads(second.stdout)["totals"]
    assert (totals["new"], totals["updated"], totals["gone"], totals["items"]) == (0, 0, 0, 120)
    assert totals["requests"] == totals["not_modified"] == 3
    assert query(tmp_path / "r.db", "SELECT id, content_hash, first_seen FROM artifacts ORDER BY id") == before


def test_token_is_sent_as_bearer(tmp_path, env, hub):
    config = qwen_config(tmp_path, hub, count=3)
    config.write_text(
        config.read_text().replace('kind = "modelscope"', 'kind = "modelscope"\nsend_token = true')
    )  # a loopback mirror
    assert sync(tmp_path, {**env, "MODELSCOPE_API_TOKEN": "ms-secret-1"}, config).returncode == 0
    assert [r.headers.get("authorization") for r in hub.loopback.log] == ["Bearer ms-secret-1"]


def test_a_refusal_fails_the_source_with_the_server_message(tmp_path, env, hub):
    config = qwen_config(tmp_path, hub)
    refusal = {"success": False, "request_id": "r-1", "message": "owner not found"}
    hub.loopback.route("/openapi/v1/models", lambda request: json_reply(refusal))
    result = sync(tmp_path, env, config)
    assert result.returncode == 1
    source = json.loads(result.stdout)["sources"][0]
    assert source["status"] == "failed"
    assert source["error"].startswith("ModelScope refused http://127.0.0.1:")
    assert source["error"].endswith(": owner not found")


@pytest.mark.parametrize("status", ["400", "200"])
def test_a_refused_sort_is_retried_without_it(tmp_path, env, hub, status):
    config = qwen_config(tmp_path, hub, count=60)
    hub.refuse_sort = status
    result = sync(tmp_path, env, config)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["new"] == 60
    queries = [r.query for r in hub.loopback.requests_to("/openapi/v1/models")]
    assert queries[0]["sort"] == ["last_modified"]
    assert [q.get("sort") for q in queries[1:]] == [None, None]
    assert [q["page_number"] for q in queries[1:]] == [["1"], ["2"]]


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (json_reply({"success": False, "code": "QuotaLimitExceed", "message": "quota limit"}), "QuotaLimitExceed"),
        (json_reply({"success": False, "message": "forbidden"}, status=403), "HTTP 403"),
    ],
)
def test_quota_refusals_park_the_source_as_rate_limited(tmp_path, env, hub, reply, code):
    config = qwen_config(tmp_path, hub)
    hub.loopback.route("/openapi/v1/models", lambda request: reply)
    result = sync(tmp_path, env, config)
    source = json.loads(result.stdout)["sources"][0]
    assert source["status"] == "waiting", source
    assert f"({code})" in source["error"]
    assert len(hub.loopback.requests_to("/openapi/v1/models")) == 1
