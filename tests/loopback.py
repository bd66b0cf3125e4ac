"""A real HTTP server on 127.0.0.1 for end-to-end runs, with scripted faults.

Routes map a path to a handler `(Request) -> Reply`. Faults queued for a path are served
first, one per request, so a test can say "the next two requests for this org get 503".
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw_path: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: str | None = None  # "reset": close without answering; "truncate": send half the body


Handler = Callable[[Request], Reply]


class Server(ThreadingHTTPServer):
    """A threading server whose errors go to the process's own stderr: a command run in process has
    `sys.stderr` swapped for its captured one, and a server thread's traceback must not show up as
    the command's. A client that hung up (on a scripted delay, past a size cap) is what those tests
    expect, so a broken pipe or a reset connection is no error here."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            traceback.print_exc(file=sys.__stderr__)


def json_reply(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload).encode()
    return Reply(
        status=status, body=body, headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )


def with_etag(request: Request, reply: Reply) -> Reply:
    """Add a weak ETag made from the body; answer 304 when the client already has it."""
    etag = 'W/"' + hashlib.sha1(reply.body).hexdigest()[:20] + '"'
    if request.headers.get("if-none-match") == etag:
        return Reply(status=304, headers={"ETag": etag})
    reply.headers["ETag"] = etag
    return reply


class Loopback:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.faults: dict[str, deque[Reply]] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        loopback = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    raw_path=self.path,
                )
                reply = loopback.dispatch(request)
                loopback.send(self, reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", 0), RequestHandler)
        # a short poll: `stop` (shutdown) waits for the serving loop to notice, which is once a poll
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> Loopback:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def fail_next(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.faults.setdefault(path, deque()).extend(replies)

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def dispatch(self, request: Request) -> Reply:
        with self._lock:
            self.log.append(request)
            queued = self.faults.get(request.path)
            if queued:
                return queued.popleft()
        handler = self.routes.get(request.path)
        if handler is None:
            return json_reply({"error": "not found"}, status=404)
        return handler(request)

    @staticmethod
    def send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.action == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            handler.connection.close()
            handler.close_connection = True
            return
        handler.send_response(reply.status)
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        if reply.action == "truncate":
            handler.wfile.write(reply.body[: len(reply.body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        if reply.status != 304:
            handler.wfile.write(reply.body)


# -- Hugging Face ---------------------------------------------------------------------------


def hf_template() -> dict[str, Any]:
    """The real flan-t5-xxl item (read from ../shared), projected as the listing returns it."""
    from tests.public_data import hf_listing_item, hf_model  # after conftest, which this module feeds

    return hf_listing_item(hf_model("google/flan-t5-xxl"))


def hf_models(org: str, count: int, *, start_day: int = 0) -> list[dict[str, Any]]:
    """`count` listing items for `org`, shaped like the real one, newest first."""
    template = hf_template()
    items = []
    for index in range(count):
        item = json.loads(json.dumps(template))
        day = start_day + index
        item["_id"] = hashlib.sha1(f"{org}/{index}".encode()).hexdigest()[:24]
        item["id"] = f"{org}/model-{index:04d}"
        item["author"] = org
        item["createdAt"] = f"2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T10:00:00.000Z"
        items.append(item)
    items.sort(key=lambda i: i["createdAt"], reverse=True)
    return items


class HfHub:
    """`/api/models?author=ORG…`: cursor pages with `Link` headers and ETags, like the Hub."""

    def __init__(self, loopback: Loopback, page_size: int = 10):
        self.loopback = loopback
        self.page_size = page_size
        self.orgs: dict[str, list[dict[str, Any]]] = {}
        loopback.route("/api/models", self.handle)

    def handle(self, request: Request) -> Reply:
        org = request.arg("author")
        if org not in self.orgs:
            return json_reply([])
        items = self.orgs[org]
        limit = min(int(request.arg("limit", "1000") or 1000), self.page_size)
        cursor = request.arg("cursor")
        offset = int(base64.urlsafe_b64decode(cursor).decode()) if cursor else 0
        page = items[offset : offset + limit]
        headers: dict[str, str] = {}
        if offset + limit < len(items):
            query = {k: v for k, v in request.query.items() if k != "cursor"}
            params = [(k, v) for k, values in query.items() for v in values]
            params.append(("cursor", base64.urlsafe_b64encode(str(offset + limit).encode()).decode()))
            headers["Link"] = f'<{self.loopback.url}/api/models?{urlencode(params)}>; rel="next"'
        return with_etag(request, json_reply(page, headers=headers))
