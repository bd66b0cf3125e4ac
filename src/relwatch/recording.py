"""Keep every response of a sync in a folder, and serve a sync from such a folder.

A recording is a folder of `NNNNN.json` files, one exchange each:
`{"method", "url", "status", "headers", "body"}` with the body as text, or as
`"body_base64"` when it is not UTF-8. `url` is the URL relwatch asked for (before redirects),
which is what a replay matches on.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from relwatch.errors import NotRecorded, RelwatchError, UsageError

DROPPED_HEADERS = {
    "content-encoding",
    "content-length",
    "transfer-encoding",
    "connection",
    "authorization",
    "proxy-authorization",
    "set-cookie",
    "cookie",
}
NUMBERED = re.compile(r"([0-9]{1,9})\.json", re.ASCII)


class Recorder:
    """Writes each exchange to the next free number in `folder`: numbering continues from the
    highest existing `NNNNN.json`, so an earlier recording is never overwritten.

    Raises RelwatchError (one line naming the folder) if the folder cannot be created or written.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            names = [p.name for p in folder.iterdir()]
        except OSError as exc:
            raise RelwatchError(f"cannot record into {folder}: {exc.strerror or exc}") from None
        numbers = [int(m[1]) for m in map(NUMBERED.fullmatch, names) if m]
        self.count = max(numbers, default=0)

    def record(self, url: str, status: int, headers: httpx.Headers, body: bytes) -> None:
        """Write one exchange; credentials and cookies are never written."""
        self.count += 1
        exchange: dict[str, Any] = {
            "method": "GET",
            "url": url,
            "status": status,
            "headers": {k: v for k, v in headers.items() if k.lower() not in DROPPED_HEADERS},
        }
        try:
            exchange["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            exchange["body_base64"] = base64.b64encode(body).decode("ascii")
        path = self.folder / f"{self.count:05d}.json"
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(json.dumps(exchange, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise RelwatchError(f"cannot record into {self.folder}: {exc.strerror or exc}") from None


def load_recording(folder: Path) -> dict[str, dict[str, Any]]:
    """URL → exchange; a later exchange for the same URL replaces an earlier one. UsageError (exit
    2) when `folder` is not a folder: `--replay` was given a wrong path."""
    if not folder.is_dir():
        raise UsageError(f"no recording at {folder} (expected a folder of *.json exchanges)")
    exchanges: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            exchange = json.loads(path.read_text(encoding="utf-8"))
            exchanges[exchange["url"]] = exchange
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RelwatchError(f"{path}: not a recorded exchange ({exc})") from None
    if not exchanges:
        raise RelwatchError(f"recording {folder} holds no exchanges")
    return exchanges


def recorded_at(exchanges: Iterable[Mapping[str, Any]]) -> str | None:
    """When the recording was made: the newest `Date` response header (RFC 9110 §6.6.1, the
    server's clock when it answered) among the exchanges, as ISO 8601 UTC `YYYY-MM-DDTHH:MM:SSZ`;
    None when no exchange carries a readable one. A replay's data is as of this time, not the
    time it is replayed."""
    found = []
    for exchange in exchanges:
        headers = exchange.get("headers")
        if not isinstance(headers, Mapping):
            continue
        value = next((v for k, v in headers.items() if str(k).lower() == "date"), None)
        try:
            when = parsedate_to_datetime(value) if isinstance(value, str) else None
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            found.append(when.astimezone(UTC))
    return max(found).strftime("%Y-%m-%dT%H:%M:%SZ") if found else None


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers requests from a recording; a URL it does not hold raises NotRecorded."""

    def __init__(self, folder: Path) -> None:
        self.exchanges = load_recording(folder)
        self.recorded_at = recorded_at(self.exchanges.values())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        exchange = self.exchanges.get(str(request.url))
        if exchange is None:
            raise NotRecorded(f"{request.url} is not in the recording")
        if "body_base64" in exchange:
            body = base64.b64decode(exchange["body_base64"])
        else:
            body = exchange.get("body", "").encode("utf-8")
        return httpx.Response(
            exchange["status"], headers=exchange.get("headers", {}), stream=httpx.ByteStream(body), request=request
        )
