"""Hosts that echo a token in another encoding, redirect or link out of a token's scope, or answer
with a BOM or a captive portal, against the shared client through `httpx.MockTransport`."""

import asyncio
import base64
import binascii
import contextlib
import html
import json
import re
from urllib.parse import quote, unquote

import httpx
import orjson
import pytest

from relwatch.config import HttpSettings
from relwatch.errors import SourceError
from relwatch.http import Fetched, Http, Redactor, in_scope, short_url
from relwatch.sources.base import follow_pages

ORIGIN = "https://api.example"
TOKEN = "hf_SECRETtoken1234567890"


def run(handler, action, *, base_url=ORIGIN, api=True, token=TOKEN):
    settings = HttpSettings(
        retries=0,
        token_base_urls=frozenset({base_url}),
        api_base_urls=frozenset({base_url}) if api else frozenset(),
    )

    async def go():
        async with Http(settings, transport=httpx.MockTransport(handler)) as http:
            return await action(http.session(base_url, token=token))

    return asyncio.run(go())


def get(url):
    async def action(session):
        return await session.get(url)

    return action


def pages(url):
    def parse_page(fetched):
        payload = fetched.json()
        return [], payload.get("next") and httpx.URL(fetched.url).join(payload["next"]).__str__()

    async def action(session):
        return [page async for page in follow_pages(session, url, parse_page)]

    return action


# -- token echoes -----------------------------------------------------------------------------


def escaped(text):
    return "".join(f"\\u{ord(c):04x}" for c in text)


ECHOES = {
    "json-escaped": lambda t: '{"seen": "' + escaped(t) + '"}',
    "partly escaped": lambda t: '{"seen": "' + escaped(t[:3]) + t[3:] + '"}',
    "upper-cased": lambda t: json.dumps({"seen": t.upper()}),
    "lower-cased": lambda t: json.dumps({"seen": t.lower()}),
    "url-encoded": lambda t: json.dumps({"seen": "https://x/?q=" + quote(f"Bearer {t}", safe="")}),
    "base64 of the header": lambda t: json.dumps({"seen": base64.b64encode(f"Bearer {t}".encode()).decode()}),
    "url-safe base64": lambda t: json.dumps({"seen": base64.urlsafe_b64encode(f"x:{t}".encode()).decode()}),
    "base64, shifted": lambda t: json.dumps({"seen": base64.b64encode(f"ab{t}cd".encode()).decode()}),
    "in a key": lambda t: '{"' + escaped(t) + '": 1}',
    "html decimal references": lambda t: "<p>" + "".join(f"&#{ord(c)};" for c in t) + "</p>",
    "html hex references, no semicolons": lambda t: "<p>" + "".join(f"&#X{ord(c):02X}" for c in t) + "</p>",
    "html named and padded references": lambda t: "<p>"
    + "".join({"_": "&lowbar;", "-": "&#x002d;"}.get(c, f"&#00{ord(c)};") for c in t)
    + "</p>",
}


def leaks(text):
    """Whether `text` holds the token verbatim in any case, JSON-escaped, URL-encoded or base64."""
    views = [text, unquote(text), html.unescape(text)]
    with contextlib.suppress(ValueError):
        views.append(json.dumps(json.loads(text), ensure_ascii=False))
    if any(TOKEN.lower() in view.lower() for view in views):
        return True
    for word in re.findall(r"[A-Za-z0-9+/_=-]{16,}", text):
        for start in range(4):
            chunk = word[start:].rstrip("=")
            chunk = chunk[: len(chunk) - (len(chunk) % 4 == 1)]
            chunk += "=" * (-len(chunk) % 4)
            for alt in (b"+/", b"-_"):
                try:
                    if TOKEN.encode() in base64.b64decode(chunk, altchars=alt):
                        return True
                except binascii.Error:
                    pass
    return False


@pytest.mark.parametrize("form", ECHOES)
def test_an_echoed_token_is_redacted_in_any_encoding(form):
    body = ECHOES[form](TOKEN)
    seen = []

    def handler(request):
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200, content=body.encode(), headers={"content-type": "application/json"})

    fetched = run(handler, get(f"{ORIGIN}/api/models"))
    assert seen == [f"Bearer {TOKEN}"]
    assert leaks(body) and not leaks(fetched.content.decode())
    cleaned = json.dumps(fetched.json()) if body.startswith("{") else fetched.content.decode()
    assert "[redacted]" in cleaned


@pytest.mark.parametrize("form", ["raw", "upper", "base64"])
def test_an_echoed_token_is_redacted_in_headers_case_insensitively(form):
    value = {"raw": f"Bearer {TOKEN}", "upper": TOKEN.upper(), "base64": base64.b64encode(TOKEN.encode()).decode()}
    headers = {"X-Echo": value[form], "SET-COOKIE": f"t={TOKEN}", "content-type": "application/json"}

    fetched = run(lambda r: httpx.Response(200, content=b"[]", headers=headers), get(f"{ORIGIN}/x"))
    assert "set-cookie" not in fetched.headers
    assert fetched.headers["x-echo"].endswith("[redacted]") or fetched.headers["x-echo"] == "[redacted]"
    assert not leaks(fetched.headers["x-echo"])


def test_a_body_without_the_token_is_kept_byte_for_byte():
    body = b'{"name": "caf\\u00e9",  "n": [1,2]}'
    fetched = run(lambda r: httpx.Response(200, content=body), get(f"{ORIGIN}/x"))
    assert fetched.content == body


def test_the_redactor_finds_every_base64_alignment():
    redactor = Redactor(TOKEN)
    for prefix in ("", "a", "ab", "abc", "Bearer "):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode((prefix + TOKEN + "!").encode())
            assert b"[redacted]" in redactor.body(encoded), (prefix, encode)


def test_a_redacted_json_body_is_still_the_same_json_apart_from_the_token():
    body = '{"a": [1, {"b": "x' + escaped(TOKEN) + 'y"}], "c": "caf\\u00e9"}'
    cleaned = Redactor(TOKEN).body(body.encode())
    assert orjson.loads(cleaned) == {"a": [1, {"b": "x[redacted]y"}], "c": "café"}


# -- redirects and scope ----------------------------------------------------------------------


def test_an_api_listing_follows_no_redirect_to_another_origin():
    asked = []

    def handler(request):
        asked.append(str(request.url))
        if request.url.host == "api.example":
            return httpx.Response(302, headers={"location": "https://elsewhere.example/internal?x=1"})
        return httpx.Response(200, content=b"[]")

    with pytest.raises(SourceError, match=r"^redirect to another origin not followed: https://elsewhere\.example/"):
        run(handler, get(f"{ORIGIN}/api/models"))
    assert asked == [f"{ORIGIN}/api/models"]


@pytest.mark.parametrize("location", ["http://api.example/api/models", "https://api.example:8443/api/models"])
def test_another_scheme_or_port_is_another_origin(location):
    def handler(request):
        return httpx.Response(301, headers={"location": location})

    with pytest.raises(SourceError, match="redirect to another origin not followed"):
        run(handler, get(f"{ORIGIN}/api/models"))


def test_a_same_origin_redirect_is_followed_with_the_token():
    seen = []

    def handler(request):
        seen.append((request.url.path, request.headers.get("authorization")))
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        return httpx.Response(200, content=b"[]")

    run(handler, get(f"{ORIGIN}/old"))
    assert seen == [("/old", f"Bearer {TOKEN}"), ("/new", f"Bearer {TOKEN}")]


def test_a_page_source_follows_a_redirect_to_another_origin_without_the_token():
    seen = []

    def handler(request):
        seen.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "api.example":
            return httpx.Response(301, headers={"location": "https://blog.example/feed"})
        return httpx.Response(200, content=b"<rss/>")

    fetched = run(handler, get(f"{ORIGIN}/feed"), api=False)
    assert fetched.content == b"<rss/>"
    assert seen == [("api.example", f"Bearer {TOKEN}"), ("blog.example", None)]


def test_a_next_link_climbing_out_of_the_base_path_carries_no_token():
    base = f"{ORIGIN}/mirror/hf"
    seen = []

    def handler(request):
        seen.append((request.url.path, request.headers.get("authorization")))
        following = {"/mirror/hf/api/models": "page2", "/mirror/hf/api/page2": "../../../internal/admin"}
        return httpx.Response(200, content=json.dumps({"next": following.get(request.url.path)}).encode())

    run(handler, pages(f"{base}/api/models"), base_url=base)
    assert seen == [
        ("/mirror/hf/api/models", f"Bearer {TOKEN}"),
        ("/mirror/hf/api/page2", f"Bearer {TOKEN}"),
        ("/internal/admin", None),
    ]


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("https://h.example/api/x", True),
        ("https://h.example/api", True),
        ("https://H.EXAMPLE:443/api/x", True),
        ("https://h.example/apix", False),
        ("https://h.example/api/../admin", False),
        ("https://h.example/api/%2e%2e/admin", False),
        ("https://h.example/api/%2E%2E%2Fadmin", False),
        ("http://h.example/api/x", False),
        ("https://h.example:8443/api/x", False),
        ("https://other.example/api/x", False),
    ],
)
def test_a_token_scope_is_origin_and_base_path(url, inside):
    assert in_scope(url, "https://h.example/api") is inside


def test_a_root_base_url_covers_its_whole_origin():
    assert in_scope("https://huggingface.co/api/models?x=1", "https://huggingface.co")


# -- what an answer is ------------------------------------------------------------------------


def fetched(content, content_type="application/json"):
    return Fetched(
        url=f"{ORIGIN}/api/models?search=x&limit=100",
        status=200,
        headers=httpx.Headers({"content-type": content_type}),
        content=content,
    )


def test_json_with_a_utf8_byte_order_mark_is_read():
    assert fetched(b"\xef\xbb\xbf[1, 2]").json() == [1, 2]


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/octet-stream"])
def test_a_captive_portal_page_says_it_is_html(content_type):
    page = fetched(b"<!DOCTYPE html><html><body>Log in to the Wi-Fi</body></html>", content_type)
    with pytest.raises(SourceError) as caught:
        page.json()
    message = str(caught.value)
    assert message.startswith("got ") and "instead of JSON from https://api.example/api/models?…" in message
    assert "unexpected character" not in message


def test_invalid_json_puts_the_reason_before_the_short_url():
    with pytest.raises(SourceError, match=r"^body is not valid JSON \(.*\) from https://api\.example/api/models\?…$"):
        fetched(b'{"a": ').json()


def test_short_urls_elide_the_query_and_the_middle_of_a_long_path():
    assert short_url("https://h.example/a/b?token=x&y=2") == "https://h.example/a/b?…"
    long = short_url("https://h.example/" + "p" * 200 + "/end")
    assert long.startswith("https://h.example/ppp") and long.endswith("p/end") and "…" in long and len(long) < 90
    assert short_url("http://user:pw@h.example/x") == "http://h.example/x"


def test_an_http_error_line_reads_reason_first_within_80_columns():
    def handler(request):
        return httpx.Response(404)

    url = f"{ORIGIN}/api/models?search=" + "x" * 300
    with pytest.raises(SourceError) as caught:
        run(handler, get(url))
    assert str(caught.value) == "HTTP 404 from https://api.example/api/models?…"


def test_a_malformed_redirect_location_is_the_host_fault():
    def handler(request):
        return httpx.Response(302, headers={"location": "http://[::1"})

    with pytest.raises(SourceError, match=r"^cannot read: the host broke the HTTP protocol \(Invalid URL in location"):
        run(handler, get(f"{ORIGIN}/x"))


def test_a_malformed_link_header_is_dropped_not_fatal():
    page = Fetched(
        url=f"{ORIGIN}/x", status=200, headers=httpx.Headers({"link": '<http://[::1>; rel="next"'}), content=b"[]"
    )
    assert page.links() == {}
    assert short_url("http://[::1") == "http://[::1"
