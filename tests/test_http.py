"""The shared client, in process, against the loopback server, with a sleep that only records."""

import asyncio
from email.utils import formatdate

import httpx
import pytest

from relwatch.config import HttpSettings
from relwatch.errors import RateLimited, SourceError
from relwatch.http import Fetched, Http, Validator
from relwatch.ratelimit import draft_ratelimit_seconds, github_reset_seconds, retry_after_seconds, wait_seconds
from tests.loopback import Reply, json_reply, with_etag


class Sleeps(list):
    async def __call__(self, seconds):
        self.append(seconds)


def fetch(url, settings=None, validators=None, token=None, base_url=None):
    sleeps = Sleeps()

    async def go():
        async with Http(settings or HttpSettings(retries=3, backoff=1.0, max_backoff=8.0), sleep=sleeps) as http:
            session = http.session(base_url or url, token=token, validators=validators)
            return await session.get(url), session.stats

    fetched, stats = asyncio.run(go())
    return fetched, stats, sleeps


def test_retry_after_is_honoured(loopback):
    loopback.route("/x", lambda r: json_reply([1]))
    loopback.fail_next("/x", Reply(status=429, headers={"Retry-After": "7"}), Reply(status=503))
    fetched, stats, sleeps = fetch(loopback.url + "/x")
    assert fetched.json() == [1]
    assert stats.requests == 3
    assert sleeps[0] == 7.0
    assert 2.0 <= sleeps[1] <= 3.0  # second retry: backoff 1 s doubled, plus up to 1 s of jitter


def test_errors_past_the_retries_name_the_url_and_attempts(loopback):
    loopback.route("/x", lambda r: Reply(status=502))
    with pytest.raises(SourceError, match=r"HTTP 502 after 4 attempts from .*/x"):
        fetch(loopback.url + "/x")


def test_backoff_sequence(loopback):
    loopback.route("/x", lambda r: json_reply([]))
    loopback.fail_next("/x", *[Reply(status=500) for _ in range(3)])
    _, _, sleeps = fetch(loopback.url + "/x")
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps):
        assert 2**attempt <= slept <= 2**attempt + 1.0


def test_a_long_wait_is_not_slept_but_reported(loopback):
    loopback.route("/x", lambda r: json_reply([], status=429, headers={"RateLimit": '"api";r=0;t=600'}))
    with pytest.raises(RateLimited) as caught:
        fetch(loopback.url + "/x")
    assert caught.value.until > "2026"


def test_hugging_face_ratelimit_header_sets_the_wait(loopback):
    loopback.route("/x", lambda r: json_reply([]))
    loopback.fail_next("/x", json_reply([], status=429, headers={"RateLimit": '"api";r=0;t=55'}))
    _, _, sleeps = fetch(loopback.url + "/x")
    assert sleeps == [56.0]


def test_declared_length_over_the_cap_is_refused_before_reading(loopback):
    loopback.route("/x", lambda r: Reply(body=b"x" * 5000))
    with pytest.raises(SourceError, match="is 5,000 bytes, over the 1,000-byte cap"):
        fetch(loopback.url + "/x", HttpSettings(max_response_bytes=1000))


def test_validators_are_sent_and_a_304_returns_what_was_remembered(loopback):
    loopback.route("/x", lambda r: with_etag(r, json_reply([1, 2])))
    first, _, _ = fetch(loopback.url + "/x")
    remembered = Validator(
        url=loopback.url + "/x",
        etag=first.headers["etag"],
        last_modified=None,
        next_url="next-page",
        item_ids=["a", "b"],
    )
    second, stats, _ = fetch(loopback.url + "/x", validators={remembered.url: remembered})
    assert second.status == 304 and second.remembered == remembered
    assert stats.not_modified == 1
    assert loopback.log[-1].headers["if-none-match"] == first.headers["etag"]


def test_token_goes_only_to_its_host(loopback):
    loopback.route("/x", lambda r: json_reply([]))
    allowed = HttpSettings(token_base_urls=frozenset({loopback.url}))
    fetch(loopback.url + "/x", allowed, token="t0k", base_url=loopback.url)
    assert loopback.log[-1].headers["authorization"] == "Bearer t0k"
    fetch(loopback.url + "/x", token="t0k", base_url="https://huggingface.co")
    assert "authorization" not in loopback.log[-1].headers


def test_links_resolve_against_the_response_url():
    fetched = Fetched(
        url="https://api.example/repos/a/b/releases?per_page=100",
        status=200,
        headers=httpx.Headers(
            {
                "link": '</repositories/1/releases?page=2>; rel="next", '
                '<https://api.example/repositories/1/releases?page=5>; rel="last"'
            }
        ),
        content=b"",
    )
    assert fetched.links() == {
        "next": "https://api.example/repositories/1/releases?page=2",
        "last": "https://api.example/repositories/1/releases?page=5",
    }


def test_charset_from_content_type():
    body = "modèle".encode("latin-1")
    fetched = Fetched(
        url="u", status=200, headers=httpx.Headers({"content-type": "text/plain; charset=ISO-8859-1"}), content=body
    )
    assert fetched.text() == "modèle"


def test_rate_limit_header_readers():
    now = 1_700_000_000.0
    assert retry_after_seconds({"retry-after": "120"}, now) == 120.0
    assert retry_after_seconds({"retry-after": formatdate(now + 30, usegmt=True)}, now) == pytest.approx(30, abs=1)
    assert retry_after_seconds({"retry-after": "soon"}, now) is None
    assert draft_ratelimit_seconds({"ratelimit": '"api";r=0;t=55'}) == 56.0
    assert draft_ratelimit_seconds({"ratelimit": '"api";r=12;t=55'}) is None
    assert github_reset_seconds({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(now) + 90)}, now) == 90
    assert github_reset_seconds({"x-ratelimit-remaining": "10", "x-ratelimit-reset": "1"}, now) is None
    assert wait_seconds({"retry-after": "5", "ratelimit": '"api";r=0;t=9'}, now) == 10.0
    assert wait_seconds({}, now) is None
