"""Static pages on the loopback server: a path serves a fixture with its Content-Type and an ETag."""

from __future__ import annotations

from tests.loopback import Loopback, Reply, Request, with_etag
from tests.public_data import fixture_bytes


class Pages:
    """Each path answers with one body; `serve` again to change what a later sync reads."""

    def __init__(self, loopback: Loopback):
        self.loopback = loopback
        self.bodies: dict[str, tuple[bytes, str]] = {}

    def serve(self, path: str, body: bytes, content_type: str) -> None:
        self.bodies[path] = (body, content_type)
        self.loopback.route(path, self.handle)

    def serve_fixture(self, path: str, fixture: str, content_type: str) -> None:
        """`fixture` is a path under tests/fixtures, e.g. 'feed/google_cloud_blog_ai_ml.rss.xml'."""
        self.serve(path, fixture_bytes(fixture), content_type)

    def handle(self, request: Request) -> Reply:
        body, content_type = self.bodies[request.path]
        return with_etag(request, Reply(body=body, headers={"Content-Type": content_type}))
