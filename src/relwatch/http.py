"""The one shared HTTP client: retries, conditional requests, limits, auth, recording."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from relwatch import __version__
from relwatch.config import HttpSettings
from relwatch.errors import RateLimited, SourceError
from relwatch.lean_httpx import httpx
from relwatch.ratelimit import wait_seconds
from relwatch.recording import Recorder, ReplayTransport

USER_AGENT = f"relwatch/{__version__} (AI model release tracker)"
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}

Sleep = Callable[[float], Awaitable[None]]


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
        try:
            return self.content.decode(self._charset())
        except (UnicodeDecodeError, LookupError):
            raise SourceError(f"response from {self.url} is not valid {self._charset()} text") from None

    def json(self) -> Any:
        text = self.text()
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise SourceError(f"response from {self.url} is not valid JSON ({exc.msg} at char {exc.pos})") from None

    def links(self) -> dict[str, str]:
        """`Link` header relations → absolute URLs."""
        header = self.headers.get("link")
        if not header:
            return {}
        parsed = httpx.Response(200, headers={"link": header}).links
        return {rel: urljoin(self.url, link["url"]) for rel, link in parsed.items() if "url" in link}

    def _charset(self) -> str:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').lower()
        return "utf-8"


class _Retryable(Exception):
    def __init__(self, status: int, url: str, wait: float | None):
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.wait = wait


class Http:
    """One `httpx.AsyncClient` for a whole sync, with a concurrency limit per host."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        record_to: Path | None = None,
        replay_from: Path | None = None,
        sleep: Sleep = asyncio.sleep,
    ):
        self.settings = settings
        self.recorder = Recorder(record_to) if record_to else None
        self.replaying = replay_from is not None
        transport = ReplayTransport(replay_from) if replay_from is not None else None
        self.sleep = sleep
        self.client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        self.responses: dict[tuple[str, str | None], asyncio.Future[Fetched]] = {}

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
        return SourceSession(self, base_url, token, validators or {})

    def host_limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._host_limits:
            self._host_limits[host] = asyncio.Semaphore(self.settings.per_host)
        return self._host_limits[host]


@dataclass(kw_only=True)
class SessionStats:
    requests: int = 0
    not_modified: int = 0
    shared: int = 0  # answered by another source's response to the same URL, with no request
    bytes: int = 0
    wait_until: str | None = None


class SourceSession:
    """One source's view of the client: its token, its validators and its counters."""

    def __init__(self, http: Http, base_url: str, token: str | None, validators: dict[str, Validator]):
        self.http = http
        self.token_host = urlsplit(base_url).hostname
        self.token = token
        self.validators = validators
        self.stats = SessionStats()

    async def get(self, url: str, *, headers: dict[str, str] | None = None) -> Fetched:
        """GET `url`; sources that ask for a URL already in flight (a catalogue filtered by vendor)
        share that response, and one that already holds its ETag counts it unchanged."""
        remembered = self.validators.get(url) if self.http.conditional else None
        authorised = bool(self.token) and urlsplit(url).hostname == self.token_host
        key = (url, self.token if authorised else None)
        shared = self.http.responses.get(key)
        if shared is not None:
            fetched = await shared
            etag = fetched.headers.get("etag")
            if remembered is not None and etag and remembered.etag == etag:
                self.stats.shared += 1
                return Fetched(url=url, status=304, headers=fetched.headers, content=b"", remembered=remembered)
            if fetched.status == 200:
                self.stats.shared += 1
                return fetched
            return await self._get(url, headers, remembered, authorised)
        future: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        self.http.responses[key] = future
        try:
            fetched = await self._get(url, headers, remembered, authorised)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, whether or not another source waits on it
            raise
        finally:
            # shared while in flight only: sources start together, and no page outlives its use
            del self.http.responses[key]
        future.set_result(fetched)
        return fetched

    async def _get(
        self, url: str, headers: dict[str, str] | None, remembered: Validator | None, authorised: bool
    ) -> Fetched:
        settings = self.http.settings
        request_headers = dict(headers or {})
        if remembered is not None:
            if remembered.etag:
                request_headers["If-None-Match"] = remembered.etag
            if remembered.last_modified:
                request_headers["If-Modified-Since"] = remembered.last_modified
        if authorised:
            request_headers["Authorization"] = f"Bearer {self.token}"

        retrying = AsyncRetrying(
            retry=retry_if_exception_type((httpx.TransportError, _Retryable)),
            wait=self._wait,
            stop=stop_after_attempt(settings.retries + 1),
            sleep=self.http.sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    fetched = await self._send_once(url, request_headers)
        except _Retryable as exc:
            raise SourceError(f"{exc} after {settings.retries + 1} attempts") from None
        except httpx.TimeoutException:
            raise SourceError(f"timed out reading {url} after {settings.retries + 1} attempts") from None
        except httpx.TransportError as exc:
            reason = type(exc).__name__
            raise SourceError(f"cannot read {url}: {reason} after {settings.retries + 1} attempts") from None

        if fetched.status == 304:
            if remembered is None:
                raise SourceError(f"HTTP 304 from {url} to a request that had no validators")
            self.stats.not_modified += 1
            return Fetched(url=url, status=304, headers=fetched.headers, content=b"", remembered=remembered)
        return fetched

    def _wait(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _Retryable) and exc.wait is not None:
            return exc.wait
        settings = self.http.settings
        backoff = wait_exponential_jitter(initial=settings.backoff, max=settings.max_backoff, jitter=settings.backoff)
        return backoff(retry_state)

    async def _send_once(self, url: str, headers: dict[str, str]) -> Fetched:
        settings = self.http.settings
        host = urlsplit(url).hostname or ""
        async with self.http.host_limit(host):
            self.stats.requests += 1
            async with self.http.client.stream("GET", url, headers=headers) as response:
                now = time.time()
                wait = wait_seconds(response.headers, now)
                if response.status_code in RETRY_STATUSES or _is_github_quota(response):
                    self._check_wait(url, response.status_code, wait, now)
                    raise _Retryable(response.status_code, url, wait)
                if response.status_code != 304 and not 200 <= response.status_code < 300:
                    raise SourceError(f"HTTP {response.status_code} from {url}")
                content = await self._read_capped(response, url, settings.max_response_bytes)
        if wait is not None and response.headers.get("x-ratelimit-remaining") == "0":
            self.stats.wait_until = _iso(now + wait)
        final_url = str(response.url)
        if self.http.recorder is not None:
            self.http.recorder.record(url, response.status_code, response.headers, content)
        return Fetched(url=final_url, status=response.status_code, headers=response.headers, content=content)

    def _check_wait(self, url: str, status: int, wait: float | None, now: float) -> None:
        """A host that asks for a longer wait than a sync should spend is left until then."""
        if wait is not None and wait > self.http.settings.max_wait:
            until = _iso(now + wait)
            self.stats.wait_until = until
            raise RateLimited(f"HTTP {status} from {url}: the host asks to wait until {until}", until)

    async def _read_capped(self, response: httpx.Response, url: str, cap: int) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise SourceError(f"response from {url} is {int(declared):,} bytes, over the {cap:,}-byte cap")
        chunks = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > cap:
                raise SourceError(f"response from {url} exceeds the {cap:,}-byte cap")
            chunks.append(chunk)
        self.stats.bytes += total
        return b"".join(chunks)


def _is_github_quota(response: httpx.Response) -> bool:
    return response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
