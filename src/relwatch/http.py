"""The one shared HTTP client: retries, deadlines, conditional requests, limits, tokens, recording.

Rules a host cannot bend (issue 11, "hostile hosts"):

- every request has a total deadline (connect, headers, interim responses and body together),
  every source one for all its pages and waits, the whole sync one (`[settings]` in config.py);
- the size cap counts decoded bytes while decoding, through any nesting of gzip/deflate;
- a token goes only to the origin (scheme, host, port) and base path its source may send it to,
  never along a redirect to another origin; an API listing follows no redirect to another origin;
- a token the host echoes (verbatim, in another case, JSON-escaped, URL-encoded or base64) is
  redacted before anything keeps it;
- DNS failures and refused connections are reported at once, not retried.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import posixpath
import re
import socket
import ssl
import time
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.entities import html5
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

import httpx
import orjson
import re2  # type: ignore[import-untyped]  # google-re2 ships no type information
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from relwatch import __version__
from relwatch.config import HttpSettings
from relwatch.errors import RateLimited, SourceError
from relwatch.hostslots import HostSlots
from relwatch.ratelimit import PARK_LIMIT, is_secondary_limit, wait_seconds
from relwatch.recording import Recorder, ReplayTransport

USER_AGENT = f"relwatch/{__version__} (AI model release tracker)"
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10
DECODED_CHUNK = 64 * 1024  # bytes one decoding step may produce: what bounds memory on a bomb
ACCEPT_ENCODING = "gzip, deflate"
SECRET_HEADERS = {"authorization", "set-cookie", "cookie", "proxy-authorization", "www-authenticate"}
REDACTED = "[redacted]"
MIN_BASE64_TOKEN = 12  # bytes: a shorter token's base64 forms are too short to find without false hits
SHORT_PATH = 60  # characters of a URL's path kept in an error message (the middle is elided)
# Finished 200 answers kept for sources that ask for the same URL a little later (a catalogue
# read by several vendors' sources whose parsing runs in threads at different speeds): the
# newest ones, up to this many decoded bytes in all, so memory stays bounded whatever a sync holds.
RECENT_BYTES = 16 * 1024 * 1024

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class DeadlineExceeded(SourceError):
    """A request, a source or the whole sync ran past its deadline; the message names the host."""


class HttpStatusError(SourceError):
    """A final answer that is neither 2xx nor 304; `status` lets a caller treat some as an end,
    `url` (in full: the message shortens it) which request got it."""

    def __init__(self, message: str, status: int, url: str = ""):
        super().__init__(message)
        self.status = status
        self.url = url


@dataclass(frozen=True, kw_only=True)
class Validator:
    """What the last sync learned about one URL: its validators and what the page held."""

    url: str
    etag: str | None
    last_modified: str | None
    next_url: str | None
    item_ids: list[str]


@dataclass(frozen=True, kw_only=True)
class Fetched:
    """A response read to the end (within the size cap), or the memory of an unchanged one."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    remembered: Validator | None = None  # set when the server answered 304

    def text(self) -> str:
        """The body decoded with the charset of `Content-Type` (UTF-8 by default); SourceError if not text."""
        try:
            return self.content.decode(self._charset())
        except (UnicodeDecodeError, LookupError):
            raise SourceError(f"body is not valid {self._charset()} text from {short_url(self.url)}") from None

    def json(self) -> Any:
        """The body parsed as JSON (a leading UTF-8 byte-order mark is allowed, RFC 8259 §8.1);
        SourceError naming the reason, then the URL: an HTML page (a captive portal, an error page)
        says so, anything else gives the parser's reason and position. A UTF-8 body is parsed
        from its bytes, without first decoding it to text; any failure is described from the text."""
        if self._charset() in ("utf-8", "utf8"):
            try:
                return orjson.loads(self.content.removeprefix(b"\xef\xbb\xbf"))
            except orjson.JSONDecodeError:
                pass  # described below, from the decoded text, as any other failure
        text = self.text().removeprefix("\ufeff")
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            media = self.headers.get("content-type", "").partition(";")[0].strip().lower()
            if media in ("text/html", "application/xhtml+xml") or text.lstrip()[:1] == "<":
                raise SourceError(f"got {media or 'markup'} instead of JSON from {short_url(self.url)}") from None
            reason = f"body is not valid JSON ({exc.msg} at char {exc.pos})"
            raise SourceError(f"{reason} from {short_url(self.url)}") from None

    def links(self) -> dict[str, str]:
        """`Link` header relations → absolute URLs."""
        header = self.headers.get("link")
        if not header:
            return {}
        parsed = httpx.Response(200, headers={"link": header}).links
        links = {}
        for rel, link in parsed.items():
            try:
                links[str(rel)] = urljoin(self.url, link["url"])
            except (KeyError, ValueError):  # no URL, or one that cannot be parsed (`http://[::1`)
                continue
        return links

    def _charset(self) -> str:
        content_type: str = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').lower()
        return "utf-8"


def split(url: str) -> SplitResult:
    """`urlsplit(url)`, or the parts of an empty URL when it cannot be split (`http://[::1`):
    a malformed link from a host then has no origin, so it matches none and carries no token."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the port made explicit for http and https."""
    parts = split(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def host_of(url: str) -> str:
    """`host` or `host:port` of `url`, for messages."""
    return split(url).netloc.rpartition("@")[2] or url


def short_url(url: str) -> str:
    """`url` for an error line, which puts its reason first: scheme, host and path, the query
    shown as `?…`, a path longer than SHORT_PATH characters cut in the middle, no userinfo."""
    parts = split(url)
    if not parts.scheme or not parts.netloc:
        return url[:SHORT_PATH] + ("…" if len(url) > SHORT_PATH else "")
    path = parts.path
    if len(path) > SHORT_PATH:
        path = f"{path[: SHORT_PATH // 2]}…{path[-SHORT_PATH // 2 :]}"
    return f"{parts.scheme}://{host_of(url)}{path}{'?…' if parts.query else ''}"


def in_scope(url: str, scope: str) -> bool:
    """Whether `url` is on `scope`'s origin and under its path (`http://h/api` covers `http://h/api/x`,
    not `http://h/apix` nor `http://h/api/../admin`): a token's scope is its base URL's origin and
    path. Dot segments and percent-encoded dots and slashes are resolved before comparing."""
    if origin(url) != origin(scope):
        return False
    base = _clean_path(split(scope).path).rstrip("/")
    path = _clean_path(split(url).path)
    return not base or path == base or path.startswith(base + "/")


def _clean_path(path: str) -> str:
    return posixpath.normpath("/" + unquote(path))


class Redactor:
    """Finds a token in what a host sends back, in any form an echo takes: any letter case, each
    character as itself, JSON-escaped (`\\u0068`), percent-encoded (`%68`) or as an HTML
    character reference (`&#104;`, `&#x68;`, `&lowbar;`; zeros and the `;` optional as HTML parsers read them),
    mixed freely, so the decoded JSON strings, URLs and pages hold no token once the raw text holds
    none; and base64
    (standard or URL-safe alphabet, at any byte alignment, as in an echoed `Basic`/`Bearer` value).
    One RE2 pattern, linear in the body's size (bench/hostile2.py: 0.2 s for a 61 MiB page)."""

    def __init__(self, token: str):
        spelled = "".join(_char_forms(c) for c in token)
        coded = _base64_forms(token.encode()) if len(token.encode()) >= MIN_BASE64_TOKEN else set()
        alternatives = [f"(?i:{spelled})"] + [re.escape(c.decode("ascii")) for c in sorted(coded)]
        options = re2.Options()
        options.log_errors = False
        pattern = "|".join(alternatives)
        self.text_pattern = re2.compile(pattern, options)
        self.pattern = re2.compile(pattern.encode(), options)

    def text(self, value: str) -> str:
        """`value` with every form of the token replaced by REDACTED."""
        if self.text_pattern.search(value) is None:
            return value
        return str(self.text_pattern.sub(REDACTED, value))

    def body(self, content: bytes) -> bytes:
        """`content` with every form of the token replaced by REDACTED; byte for byte the same
        when it holds none."""
        if self.pattern.search(content) is None:
            return content
        return bytes(self.pattern.sub(REDACTED.encode(), content))


def _char_forms(char: str) -> str:
    """A pattern for one token character as it may appear in an echo (matched case-insensitively)."""
    forms = {re.escape(char)}
    for variant in {char.lower(), char.upper()}:
        if ord(variant) < 0x80:
            forms |= {f"\\\\u{ord(variant):04x}", f"%{ord(variant):02x}"}
            forms |= {f"&#0*{ord(variant)};?", f"&#x0*{ord(variant):x};?"}
    forms |= {re.escape("&" + name) for name, value in html5.items() if value == char}
    if char == "/":
        forms.add(r"\\/")
    return "(?:" + "|".join(sorted(forms)) + ")"


def _base64_forms(raw: bytes) -> set[bytes]:
    """The base64 characters that depend on `raw` alone, for each of the 3 alignments it can sit
    at inside a longer encoded value, in the standard and URL-safe alphabets."""
    forms = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        core = encoded[(shift * 8 + 5) // 6 : (shift + len(raw)) * 8 // 6]
        forms |= {core, core.translate(bytes.maketrans(b"+/", b"-_"))}
    return forms


class _Retryable(Exception):
    """A failure worth another attempt (timeout, reset, 429, 5xx); `wait`: the seconds the host
    asked for (Retry-After and the like), None to back off."""

    def __init__(self, message: str, wait: float | None):
        super().__init__(message)
        self.wait = wait


def _host_wait(backoff: Callable[[RetryCallState], float]) -> Callable[[RetryCallState], float]:
    """The wait before the next attempt: what the host asked for, else `backoff` (tenacity's
    exponential backoff with jitter: `backoff`·2^(attempt-1) plus up to one `backoff`, at most
    `max_backoff`)."""

    def wait(state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failure, _Retryable) and failure.wait is not None:
            return failure.wait
        return backoff(state)

    return wait


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client shares: httpx's default (certifi's certificates, or
    $SSL_CERT_FILE / $SSL_CERT_DIR), made once per process, since loading the certificates takes
    about 40 ms of CPU each time."""
    return httpx.create_ssl_context()


class Http:
    """One `httpx.AsyncClient` for a whole sync, with a concurrency limit per host.

    `transport` replaces the network (tests pass `httpx.MockTransport`); `sleep` and `clock`
    (monotonic seconds) are what waits and deadlines use; `wall` gives epoch seconds.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        record_to: Path | None = None,
        replay_from: Path | None = None,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
    ):
        self.settings = settings
        self.recorder = Recorder(record_to) if record_to else None
        self.replaying = replay_from is not None
        self.recorded_at: str | None = None  # a replay: when its recording was made (its Date headers)
        if replay_from is not None:
            transport = ReplayTransport(replay_from)
            self.recorded_at = transport.recorded_at
        self.sleep = sleep
        self.clock = clock
        self.wall = wall
        self.deadline = clock() + settings.sync_deadline
        self.client = httpx.AsyncClient(
            transport=transport,
            verify=tls_context(),
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._host_slots: dict[str, HostSlots] = {}
        self.responses: dict[tuple[str, str | None], asyncio.Future[Fetched]] = {}
        self.recent: OrderedDict[tuple[str, str | None], Fetched] = OrderedDict()
        self._recent_bytes = 0

    def keep_recent(self, key: tuple[str, str | None], fetched: Fetched) -> None:
        """Keep a finished 200 answer for late askers of the same URL, newest first, within RECENT_BYTES."""
        if fetched.status != 200 or len(fetched.content) > RECENT_BYTES:
            return
        old = self.recent.pop(key, None)
        self._recent_bytes += len(fetched.content) - (len(old.content) if old else 0)
        self.recent[key] = fetched
        while self._recent_bytes > RECENT_BYTES:
            _, evicted = self.recent.popitem(last=False)
            self._recent_bytes -= len(evicted.content)

    async def __aenter__(self) -> Http:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    @property
    def conditional(self) -> bool:
        """Validators are not sent while recording or replaying: those want whole bodies."""
        return self.recorder is None and not self.replaying

    def session(
        self, base_url: str, *, token: str | None = None, validators: dict[str, Validator] | None = None
    ) -> SourceSession:
        """A session for one source read from `base_url`.

        The token is used only if `base_url` is one the config allows a token for
        (`HttpSettings.token_base_urls`: a kind's official https origin, or a source with
        `send_token = true`), and then only for requests to that exact origin.
        """
        allowed = base_url.rstrip("/") in self.settings.token_base_urls
        api = base_url.rstrip("/") in self.settings.api_base_urls
        return SourceSession(self, base_url, token if allowed else None, validators or {}, same_origin_only=api)

    def host_slots(self, host: str) -> HostSlots:
        """The slots that keep at most `per_host` requests in flight to `host`."""
        if host not in self._host_slots:
            self._host_slots[host] = HostSlots(self.settings.per_host)
        return self._host_slots[host]


@dataclass(kw_only=True)
class SessionStats:
    """What one source's reads cost: requests, unchanged answers, shared answers, decoded bytes."""

    requests: int = 0
    not_modified: int = 0
    shared: int = 0  # answered by another source's response to the same URL, with no request
    bytes: int = 0
    waited: float = 0.0  # seconds slept on retries and rate limits
    wait_until: str | None = None


class SourceSession:
    """One source's view of the client: its token, its validators, its deadline and its counters."""

    def __init__(
        self,
        http: Http,
        base_url: str,
        token: str | None,
        validators: dict[str, Validator],
        *,
        same_origin_only: bool = False,
    ):
        self.http = http
        self.base_url = base_url
        self.token = token
        self.redactor = Redactor(token) if token else None
        self.validators = validators
        self.same_origin_only = same_origin_only  # an API listing: no redirect to another origin is followed
        self.stats = SessionStats()
        self.deadline = min(http.deadline, http.clock() + http.settings.source_deadline)

    @property
    def max_pages(self) -> int:
        """The page cap of one listing (`max_pages` in `[settings]`)."""
        return self.http.settings.max_pages

    def authorised(self, url: str) -> bool:
        """Whether a request to `url` carries the token: only to the token's exact origin, under
        the base URL's path (`in_scope`)."""
        return bool(self.token) and in_scope(url, self.base_url)

    async def get(self, url: str, *, headers: dict[str, str] | None = None) -> Fetched:
        """GET `url`; sources that ask for a URL in flight or recently answered (a catalogue filtered
        by vendor) share that response, and one that already holds its ETag counts it unchanged.

        Raises SourceError (HttpStatusError, DeadlineExceeded, RateLimited) with one line naming
        the URL or host.
        """
        if self.token and any(c in self.token for c in "\r\n"):
            raise SourceError("token contains a line break: check the environment variable that holds it")
        remembered = self.validators.get(url) if self.http.conditional else None
        authorised = self.authorised(url)
        key = (url, self.token if authorised else None)
        in_flight = self.http.responses.get(key)
        shared = await in_flight if in_flight is not None else self.http.recent.get(key)
        if shared is not None:
            etag = shared.headers.get("etag")
            if remembered is not None and etag and remembered.etag == etag:
                self.stats.shared += 1
                return Fetched(url=url, status=304, headers=shared.headers, content=b"", remembered=remembered)
            if shared.status == 200:
                self.stats.shared += 1
                return shared
            return await self._get(url, headers, remembered)
        future: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        self.http.responses[key] = future
        try:
            fetched = await self._get(url, headers, remembered)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, whether or not another source waits on it
            raise
        finally:
            del self.http.responses[key]  # from now on only `recent` may still hold it
        future.set_result(fetched)
        self.http.keep_recent(key, fetched)
        return fetched

    async def _get(self, url: str, headers: dict[str, str] | None, remembered: Validator | None) -> Fetched:
        settings = self.http.settings
        request_headers = dict(headers or {})
        if remembered is not None:
            if remembered.etag:
                request_headers["If-None-Match"] = remembered.etag
            if remembered.last_modified:
                request_headers["If-Modified-Since"] = remembered.last_modified
        retrying = AsyncRetrying(
            sleep=self._sleep,
            retry=retry_if_exception_type(_Retryable),
            wait=_host_wait(
                wait_exponential_jitter(multiplier=settings.backoff, max=settings.max_backoff, jitter=settings.backoff)
            ),
            stop=self._stop,
            retry_error_callback=lambda state: self._give_up(url, state),
        )
        fetched: Fetched = await retrying(self._send_once, url, request_headers)
        if fetched.status == 304:
            if remembered is None:
                raise SourceError(f"HTTP 304 to a request that had no validators from {short_url(url)}")
            self.stats.not_modified += 1
            return Fetched(url=url, status=304, headers=fetched.headers, content=b"", remembered=remembered)
        return fetched

    def _stop(self, state: RetryCallState) -> bool:
        """Stop retrying after `retries` further attempts, or when the wait before the next attempt
        would pass the source's deadline."""
        attempts = self.http.settings.retries + 1
        return state.attempt_number >= attempts or self.http.clock() + state.upcoming_sleep > self.deadline

    def _give_up(self, url: str, state: RetryCallState) -> Fetched:
        """Raise what ended the retries: the attempts ran out (SourceError naming the last failure
        and the attempts), or the next wait would pass the source's deadline (DeadlineExceeded)."""
        assert state.outcome is not None
        attempts = self.http.settings.retries + 1
        if state.attempt_number >= attempts:
            raise SourceError(f"{state.outcome.exception()} after {attempts} attempts from {short_url(url)}")
        raise DeadlineExceeded(
            f"{host_of(url)}: waiting {state.upcoming_sleep:.0f} s more would pass this source's deadline "
            f"(source_deadline / sync_deadline in [settings])"
        )

    async def _sleep(self, seconds: float) -> None:
        """Wait before a retry with the injected sleep, counting the seconds."""
        self.stats.waited += seconds
        await self.http.sleep(seconds)

    async def _send_once(self, url: str, headers: dict[str, str]) -> Fetched:
        """One attempt, redirects included, within what is left of the source's deadline."""
        remaining = self.deadline - self.http.clock()
        if remaining <= 0:
            raise DeadlineExceeded(
                f"{host_of(url)}: this source's deadline passed before the request to {short_url(url)}"
            )
        try:
            async with asyncio.timeout(remaining):
                return await self._follow(url, headers)
        except TimeoutError:
            raise DeadlineExceeded(
                f"{host_of(url)}: no complete answer within the source deadline ({remaining:.0f} s left) "
                f"to {short_url(url)}"
            ) from None

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        seen = [url]
        target = url
        while True:
            send = dict(headers)
            if self.authorised(target):
                send["Authorization"] = f"Bearer {self.token}"
            response = await self._exchange(target, send)
            if isinstance(response, Fetched):
                if target != url:
                    response = Fetched(
                        url=response.url, status=response.status, headers=response.headers, content=response.content
                    )
                self._record(url, response)
                return response
            location = urljoin(target, response)  # httpx has refused a Location it cannot parse
            if split(location).scheme not in ("http", "https"):
                raise SourceError(f"redirect to a non-http URL from {short_url(target)}")
            if self.same_origin_only and origin(location) != origin(target):
                raise SourceError(
                    f"redirect to another origin not followed: {short_url(location)} (from {short_url(target)})"
                )
            if location in seen:
                raise SourceError(f"redirect loop at {short_url(location)}")
            if len(seen) > MAX_REDIRECTS:
                raise SourceError(f"more than {MAX_REDIRECTS} redirects from {short_url(url)}")
            seen.append(location)
            target = location

    async def _exchange(self, url: str, headers: dict[str, str]) -> Fetched | str:
        """One request: a Fetched, or the Location of a redirect to follow."""
        host = split(url).hostname or ""
        priority = 0 if self.stats.requests else 1  # a source under way goes first
        async with self.http.host_slots(host).slot(priority):  # the request deadline starts once it may go
            self.stats.requests += 1
            limit = self.http.settings.request_deadline
            try:
                async with asyncio.timeout(limit):
                    async with self.http.client.stream("GET", url, headers=headers) as response:
                        return await self._answer(url, response)
            except TimeoutError:
                raise DeadlineExceeded(
                    f"{host_of(url)}: no complete answer within the request deadline of {limit:g} s "
                    f"to {short_url(url)}"
                ) from None
            except httpx.ConnectError as exc:
                raise _connect_error(url, exc) from None
            except httpx.TimeoutException:
                raise _Retryable("timed out reading", None) from None
            except httpx.TransportError as exc:
                raise _Retryable(f"cannot read: {_transport_reason(exc)}", None) from None

    async def _answer(self, url: str, response: httpx.Response) -> Fetched | str:
        status = response.status_code
        if status in REDIRECT_STATUSES:
            location: str | None = response.headers.get("location")
            if not location:
                raise SourceError(f"HTTP {status} without a Location from {short_url(url)}")
            return location
        now = self.http.wall()
        wait = wait_seconds(response.headers, now, limited=status == 429)
        if status in RETRY_STATUSES or (status == 403 and is_secondary_limit(response.headers, wait)):
            self._check_wait(url, status, wait, now)
            raise _Retryable(f"HTTP {status}", wait)
        if status != 304 and not 200 <= status < 300:
            raise HttpStatusError(f"HTTP {status} from {short_url(url)}", status, url)
        content = await self._read_capped(response, url, self.http.settings.max_response_bytes)
        if wait is not None and response.headers.get("x-ratelimit-remaining") == "0":
            self.stats.wait_until = _iso(now + min(wait, PARK_LIMIT))
        return Fetched(
            url=self._redact_text(str(response.url)),
            status=status,
            headers=self._clean_headers(response.headers),
            content=content,
        )

    def _check_wait(self, url: str, status: int, wait: float | None, now: float) -> None:
        """A host that asks for a longer wait than a sync should spend is left until then (7 days at most)."""
        if wait is not None and wait > self.http.settings.max_wait:
            until = _iso(now + min(wait, PARK_LIMIT))
            self.stats.wait_until = until
            raise RateLimited(f"HTTP {status}, the host asks to wait until {until}: {short_url(url)}", until)

    async def _read_capped(self, response: httpx.Response, url: str, cap: int) -> bytes:
        declared = response.headers.get("content-length", "")
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()]
        if declared.isascii() and declared.isdigit() and int(declared) > cap:
            raise SourceError(f"body is {int(declared):,} bytes, over the {cap:,}-byte cap: {short_url(url)}")
        if response.is_stream_consumed:  # a transport that handed over a body already read and decoded
            encodings = []
        decoder = Decoder(encodings, url)
        chunks: list[bytes] = []
        total = 0
        async for raw in _raw_chunks(response):
            for chunk in decoder.feed(raw):
                total += len(chunk)
                if total > cap:
                    raise SourceError(f"body exceeds the {cap:,}-byte cap once decoded: {short_url(url)}")
                chunks.append(chunk)
        decoder.finish()
        self.stats.bytes += total
        return self._redact(b"".join(chunks))

    def _clean_headers(self, headers: httpx.Headers) -> httpx.Headers:
        """Headers without credentials or cookies, and with any token echo redacted."""
        return httpx.Headers(
            [
                (name, self._redact_text(value))
                for name, value in headers.multi_items()
                if name.lower() not in SECRET_HEADERS
            ]
        )

    def _redact(self, body: bytes) -> bytes:
        return self.redactor.body(body) if self.redactor else body

    def _redact_text(self, text: str) -> str:
        return self.redactor.text(text) if self.redactor else text

    def _record(self, url: str, fetched: Fetched) -> None:
        if self.http.recorder is not None:
            self.http.recorder.record(self._redact_text(url), fetched.status, fetched.headers, fetched.content)


class Decoder:
    """Streams a body through its `Content-Encoding` layers (applied in order, undone in reverse),
    never producing more than DECODED_CHUNK bytes per step, so a cap can stop a bomb early.

    Raises SourceError naming the URL for an encoding it does not know or a body that is not valid.
    """

    def __init__(self, encodings: list[str], url: str):
        self.url = url
        self.layers: list[tuple[str, Any]] = []
        for encoding in reversed([e for e in encodings if e != "identity"]):
            if encoding in ("gzip", "x-gzip"):
                self.layers.append(("gzip", zlib.decompressobj(16 + zlib.MAX_WBITS)))
            elif encoding == "deflate":
                self.layers.append(("deflate", None))  # zlib-wrapped or raw: decided by the first bytes
            else:
                raise SourceError(
                    f"content-encoding '{encoding}', which relwatch cannot read: response from {short_url(url)}"
                )

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of `data`, each at most DECODED_CHUNK bytes."""
        return self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.layers):
            if data:
                yield data
            return
        name, engine = self.layers[index]
        if engine is None:
            engine = zlib.decompressobj(zlib.MAX_WBITS if data[:1] and data[0] & 0x0F == 8 else -zlib.MAX_WBITS)
            self.layers[index] = (name, engine)
        pending = data
        while True:
            try:
                out = engine.decompress(pending, DECODED_CHUNK)
            except zlib.error:
                raise SourceError(f"body is not valid {name}: {short_url(self.url)}") from None
            pending = engine.unconsumed_tail
            if out:
                yield from self._through(index + 1, out)
            if not pending and len(out) < DECODED_CHUNK:
                return

    def finish(self) -> None:
        """Raise SourceError if a layer's stream was cut short."""
        for name, engine in self.layers:
            if name == "gzip" and engine is not None and not engine.eof:
                raise SourceError(f"body is not valid {name} (it ends early): {short_url(self.url)}")


async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as sent (still encoded), or the body a transport already read."""
    if response.is_stream_consumed:
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


def _connect_error(url: str, exc: httpx.ConnectError) -> SourceError | _Retryable:
    """DNS failures and refused connections are reported at once; other connect errors are retried."""
    host = split(url).hostname or url
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return SourceError(f"cannot resolve host {host}")
        if isinstance(cause, ConnectionRefusedError):
            return SourceError(f"connection refused by {host_of(url)}")
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text or "Temporary failure in name" in text:
        return SourceError(f"cannot resolve host {host}")
    if "Connection refused" in text or "Errno 111" in text:
        return SourceError(f"connection refused by {host_of(url)}")
    return _Retryable(f"cannot connect to {host_of(url)}", None)


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the host broke the HTTP protocol ({exc})"
    if isinstance(exc, httpx.ReadError):
        return "the connection was reset"
    return type(exc).__name__


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
