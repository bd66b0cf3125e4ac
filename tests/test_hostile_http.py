"""Hostile and broken hosts against the shared client, in process, through `httpx.MockTransport`
(issue 11): deadlines, decoded-byte caps, tokens, rate-limit headers, pagination, honest errors."""

import asyncio
import gzip
import socket
import tracemalloc
import zlib

import httpx
import pytest

from relwatch.config import HttpSettings
from relwatch.errors import RateLimited, SourceError
from relwatch.http import DeadlineExceeded, Http, HttpStatusError
from relwatch.ratelimit import PARK_LIMIT, wait_seconds
from relwatch.sources.base import follow_pages

ORIGIN = "https://api.example"
NOW = 1_800_000_000.0


class Clock:
    """Monotonic and wall time that only the recorded sleeps move."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def wall(self):
        return NOW + self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def settings(**changes):
    base = {"retries": 3, "backoff": 1.0, "max_backoff": 8.0, "token_base_urls": frozenset({ORIGIN})}
    return HttpSettings(**{**base, **changes})


def run(handler, action, *, config=None, token=None, base_url=ORIGIN, clock=None):
    """Run `action(session)` against `handler`; return its result and the clock."""
    clock = clock or Clock()

    async def go():
        transport = httpx.MockTransport(handler)
        async with Http(
            config or settings(), transport=transport, sleep=clock.sleep, clock=clock.monotonic, wall=clock.wall
        ) as http:
            session = http.session(base_url, token=token)
            return await action(session), session

    result, session = asyncio.run(go())
    return result, session, clock


def get(url):
    async def action(session):
        return await session.get(url)

    return action


def streamed(body, status=200, headers=None):
    return httpx.Response(status, headers=headers or {}, stream=httpx.ByteStream(body))


# --- deadlines -------------------------------------------------------------------------------


class SlowBody(httpx.AsyncByteStream):
    async def __aiter__(self):
        while True:
            await asyncio.sleep(0.05)
            yield b" "


def test_a_slow_body_ends_at_the_request_deadline_naming_the_host():
    handler = lambda request: httpx.Response(200, stream=SlowBody())  # noqa: E731
    with pytest.raises(DeadlineExceeded, match=r"api\.example: no complete answer .* request deadline"):
        run(handler, get(ORIGIN + "/x"), config=settings(request_deadline=0.2, retries=0))


def test_retry_waits_count_against_the_source_deadline():
    handler = lambda request: httpx.Response(429, headers={"Retry-After": "4"})  # noqa: E731
    with pytest.raises(DeadlineExceeded, match=r"api\.example: waiting 4 s more would pass this source's deadline"):
        run(handler, get(ORIGIN + "/x"), config=settings(retries=20, source_deadline=10.0))


def test_a_source_started_after_the_sync_deadline_sends_nothing():
    clock = Clock()
    requests = []

    def handler(request):
        requests.append(request)
        return httpx.Response(200)

    async def go():
        async with Http(
            settings(sync_deadline=100.0), transport=httpx.MockTransport(handler), clock=clock.monotonic
        ) as http:
            session = http.session(ORIGIN)
            clock.now = 10_000.0
            await session.get(ORIGIN + "/x")

    with pytest.raises(DeadlineExceeded, match="deadline passed before the request"):
        asyncio.run(go())
    assert requests == []


# --- memory: the cap counts decoded bytes ----------------------------------------------------


def test_a_double_gzip_bomb_fails_at_the_cap_with_little_memory():
    bomb = gzip.compress(gzip.compress(b"\0" * (64 * 1024 * 1024), 9), 9)
    assert len(bomb) < 100_000
    handler = lambda request: streamed(bomb, headers={"Content-Encoding": "gzip, gzip"})  # noqa: E731
    tracemalloc.start()
    try:
        with pytest.raises(SourceError, match="exceeds the 1,048,576-byte cap once decoded"):
            run(handler, get(ORIGIN + "/x"), config=settings(max_response_bytes=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_nested_encodings_decode_in_reverse_order():
    body = b'{"ok": true}'
    layered = zlib.compress(gzip.compress(body))
    handler = lambda request: streamed(layered, headers={"Content-Encoding": "gzip, deflate"})  # noqa: E731
    fetched, session, _ = run(handler, get(ORIGIN + "/x"))
    assert fetched.json() == {"ok": True}
    assert session.stats.bytes == len(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not gzip at all", "is not valid gzip"),
        (gzip.compress(b"x" * 1000, mtime=0)[:-12], "not valid gzip .it ends early"),  # mtime=0: one id per worker
    ],
)
def test_a_broken_gzip_body_is_the_hosts_fault(body, message):
    handler = lambda request: streamed(body, headers={"Content-Encoding": "gzip"})  # noqa: E731
    with pytest.raises(SourceError, match=message):
        run(handler, get(ORIGIN + "/x"))


def test_an_unknown_encoding_is_named():
    handler = lambda request: streamed(b"xx", headers={"Content-Encoding": "zstd"})  # noqa: E731
    with pytest.raises(SourceError, match="content-encoding 'zstd'"):
        run(handler, get(ORIGIN + "/x"))


# --- tokens ----------------------------------------------------------------------------------


def recording_handler(seen, reply=lambda request: httpx.Response(200, json=[])):
    def handler(request):
        seen.append((str(request.url), request.headers.get("authorization")))
        return reply(request)

    return handler


@pytest.mark.parametrize(
    "url",
    ["https://api.example:8443/x", "http://api.example/x", "https://other.example/x", "https://API.example.evil/x"],
)
def test_the_token_goes_to_its_exact_origin_only(url):
    seen = []
    run(recording_handler(seen), get(url), token="s3cret")
    assert seen == [(url.replace("API", "api"), None)]
    run(recording_handler(seen), get(ORIGIN + "/x"), token="s3cret")
    assert seen[-1] == (ORIGIN + "/x", "Bearer s3cret")


def test_a_mirror_gets_no_token_unless_allowed():
    seen = []
    mirror = "http://mirror.example"
    run(recording_handler(seen), get(mirror + "/x"), token="s3cret", base_url=mirror)
    assert seen[-1][1] is None
    allowed = settings(token_base_urls=frozenset({mirror}))
    run(recording_handler(seen), get(mirror + "/x"), config=allowed, token="s3cret", base_url=mirror)
    assert seen[-1][1] == "Bearer s3cret"


def test_a_redirect_to_another_origin_is_followed_without_the_token():
    seen = []

    def reply(request):
        if request.url.host == "api.example":
            return httpx.Response(302, headers={"Location": "https://cdn.example/file"})
        return httpx.Response(200, json=[1])

    fetched, _, _ = run(recording_handler(seen, reply), get(ORIGIN + "/x"), token="s3cret")
    assert fetched.json() == [1]
    assert seen == [(ORIGIN + "/x", "Bearer s3cret"), ("https://cdn.example/file", None)]


def test_a_token_echo_is_redacted_and_cookies_dropped():
    def reply(request):
        return httpx.Response(
            200,
            headers={"Set-Cookie": "s=s3cret", "X-Echo": "Bearer s3cret", "Content-Type": "application/json"},
            content=b'{"you_sent": "s3cret"}',
        )

    fetched, _, _ = run(reply, get(ORIGIN + "/x"), token="s3cret")
    assert b"s3cret" not in fetched.content
    assert "set-cookie" not in fetched.headers
    assert all("s3cret" not in value for value in fetched.headers.values())


def test_a_token_with_a_line_break_is_refused_before_any_request():
    seen = []
    with pytest.raises(SourceError, match="token contains a line break"):
        run(recording_handler(seen), get(ORIGIN + "/x"), token="abc\r\nX-Evil: 1")
    assert seen == []


# --- rate-limit headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "\u00b9\u00b2"},
        {"Retry-After": "9" * 20},
        {"Retry-After": "inf"},
        {"Retry-After": "nan"},
        {"Retry-After": "-5"},
        {"Retry-After": "Fri, 31 Dec 99999 23:59:59 GMT"},
        {"RateLimit": '"api";r=0;t=\u0661\u0662'},
        {"RateLimit": '"api";r=0;t=' + "9" * 30},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1e999"},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "-1"},
    ],
)
def test_a_malformed_wait_falls_back_to_backoff(headers):
    calls = []

    def handler(request):
        calls.append(1)
        sent = {name: value.encode() for name, value in headers.items()} if len(calls) == 1 else {}
        return httpx.Response(429 if len(calls) == 1 else 200, headers=sent, json=[])

    _, _, clock = run(handler, get(ORIGIN + "/x"))
    assert len(clock.sleeps) == 1
    assert clock.sleeps[0] <= 2.0 or clock.sleeps[0] == PARK_LIMIT


def test_a_huge_wait_parks_the_source_for_seven_days_at_most():
    handler = lambda request: httpx.Response(429, headers={"Retry-After": "99999999999"})  # noqa: E731
    with pytest.raises(RateLimited) as caught:
        run(handler, get(ORIGIN + "/x"))
    assert caught.value.until == "2027-01-22T08:00:00Z"  # NOW (2027-01-15T08:00:00Z) + 7 days


def test_openrouter_reset_is_epoch_milliseconds():
    reset_ms = str(int((NOW + 30) * 1000))
    assert wait_seconds({"x-ratelimit-reset": reset_ms}, NOW, limited=True) == pytest.approx(30)
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"X-RateLimit-Limit": "20", "X-RateLimit-Reset": reset_ms})
        return httpx.Response(200, json=[])

    _, _, clock = run(handler, get(ORIGIN + "/x"))
    assert clock.sleeps == [pytest.approx(30)]


def test_github_secondary_limit_waits_and_retries():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(403, headers={"Retry-After": "60", "x-ratelimit-remaining": "4000"})
        return httpx.Response(200, json=[])

    fetched, _, clock = run(handler, get(ORIGIN + "/x"))
    assert fetched.status == 200 and clock.sleeps == [60.0]


def test_a_plain_403_is_not_retried():
    with pytest.raises(HttpStatusError, match="HTTP 403"):
        run(lambda request: httpx.Response(403), get(ORIGIN + "/x"))


# --- honest errors ---------------------------------------------------------------------------


def test_a_redirect_loop_is_named():
    def handler(request):
        other = "/b" if request.url.path == "/a" else "/a"
        return httpx.Response(302, headers={"Location": other})

    with pytest.raises(SourceError, match=r"redirect loop at https://api\.example/a"):
        run(handler, get(ORIGIN + "/a"))


def test_a_dns_failure_is_reported_at_once():
    calls = []

    def handler(request):
        calls.append(1)
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from exc

    with pytest.raises(SourceError, match=r"^cannot resolve host api\.example$"):
        run(handler, get(ORIGIN + "/x"))
    assert calls == [1]


def test_a_refused_connection_is_reported_at_once():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"

    async def go():
        async with Http(settings()) as http:
            return await http.session(url).get(url)

    with pytest.raises(SourceError, match=rf"^connection refused by 127\.0\.0\.1:{port}$"):
        asyncio.run(go())


# --- pagination ------------------------------------------------------------------------------


def pages_of(next_for):
    """A listing whose page at URL u links to next_for(u)."""

    def handler(request):
        url = str(request.url)
        following = next_for(url)
        return httpx.Response(200, json={"next": following})

    def parse(fetched):
        return [], fetched.json()["next"]

    async def action(session):
        return [page async for page in follow_pages(session, ORIGIN + "/p?n=1", parse, end_statuses={422})]

    return handler, action


def test_a_looping_next_link_ends_the_listing_incomplete():
    handler, action = pages_of(lambda url: ORIGIN + "/p?n=2" if url.endswith("1") else ORIGIN + "/p?n=1")
    pages, _, _ = run(handler, action)
    assert [p.url for p in pages] == [ORIGIN + "/p?n=1", ORIGIN + "/p?n=2"]
    assert pages[-1].incomplete == f"pagination loops back to {ORIGIN}/p?n=1"
    assert pages[0].incomplete is None


def test_an_endless_listing_stops_at_max_pages():
    handler, action = pages_of(lambda url: url + "0")
    pages, _, _ = run(handler, action, config=settings(max_pages=5))
    assert len(pages) == 5
    assert "runs past 5 pages (max_pages)" in (pages[-1].incomplete or "")


def test_a_next_link_to_another_origin_is_not_followed():
    seen = []
    handler, action = pages_of(lambda url: "http://localhost:9/internal-admin")
    with pytest.raises(SourceError, match="next link to another origin than the listing's not followed: http://localhost:9/internal-admin"):
        run(recording_handler(seen, handler), action, token="s3cret")
    assert [url for url, _ in seen] == [ORIGIN + "/p?n=1"]


def test_an_end_status_past_the_first_page_ends_the_listing_incomplete():
    def handler(request):
        if str(request.url).endswith("n=3"):
            return httpx.Response(422, json={"message": "Only the first 1000 results are available."})
        return httpx.Response(200, json={"next": str(request.url)[:-1] + str(int(str(request.url)[-1]) + 1)})

    _, action = pages_of(lambda url: "")
    pages, _, _ = run(handler, action)
    assert len(pages) == 3
    assert pages[-1].artifacts == [] and "HTTP 422" in (pages[-1].incomplete or "")
