"""A GitHub-shaped server for end-to-end runs: the releases of one repository.

Serves `/repos/OWNER/NAME/releases` and, as GitHub's next links point there,
`/repositories/ID/releases`; at most 100 releases a page, `Link` headers in the shape of the
recorded ones (../shared/payloads/github_link_header_pagination_octokit-fixture.json), and ETags.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.loopback import Loopback, Reply, Request, json_reply, with_etag
from tests.public_data import github_release

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30


def gh_template() -> dict[str, Any]:
    """The real recorded release object."""
    return github_release()


def gh_releases(repo: str, count: int) -> list[dict[str, Any]]:
    """`count` published model releases `ERNIE-4.<n>` of `repo`, newest first as GitHub lists them."""
    template = gh_template()
    releases = []
    for index in range(count):
        tag = f"ERNIE-4.{index}"
        item = json.loads(json.dumps(template))
        item.update(
            {
                "id": 72286832 + index,
                "tag_name": tag,
                "name": f"ERNIE 4.{index}",
                "html_url": f"https://github.com/{repo}/releases/tag/{tag}",
                "created_at": f"2024-{1 + index // 28 % 12:02d}-{1 + index % 28:02d}T09:00:00Z",
                "published_at": f"2024-{1 + index // 28 % 12:02d}-{1 + index % 28:02d}T09:30:00Z",
                "body": f"Release notes for {tag}",
            }
        )
        releases.append(item)
    return releases[::-1]


class GitHubApi:
    """`link_base` is where next links point (default: this server as the client reached it)."""

    def __init__(self, loopback: Loopback, repo: str, repo_id: int = 515435940, link_base: str | None = None):
        self.loopback = loopback
        self.repo_id = repo_id
        self.link_base = link_base or loopback.url
        self.releases: list[dict[str, Any]] = []
        self.max_results: int | None = None  # GitHub lists at most 1,000: past them a page answers 422
        loopback.route(f"/repos/{repo}/releases", self.handle)
        loopback.route(f"/repositories/{repo_id}/releases", self.handle)

    def handle(self, request: Request) -> Reply:
        per_page = min(int(request.arg("per_page", str(DEFAULT_PER_PAGE)) or DEFAULT_PER_PAGE), MAX_PER_PAGE)
        page = int(request.arg("page", "1") or 1)
        last = max(1, -(-len(self.releases) // per_page))
        if self.max_results is not None and (page - 1) * per_page >= self.max_results:
            message = f"Only the first {self.max_results} results are available."
            return json_reply(
                {"message": message, "documentation_url": "https://docs.github.com/v3/#pagination"}, status=422
            )
        body = self.releases[(page - 1) * per_page : page * per_page]
        link = self.link_header(per_page, page, last)
        return with_etag(request, json_reply(body, headers={"Link": link} if link else {}))

    def link_header(self, per_page: int, page: int, last: int) -> str:
        """The relations GitHub sends, in its order: next+last first, prev+next+last+first, prev+first last."""
        rels: list[tuple[str, int]] = []
        if page > 1:
            rels.append(("prev", page - 1))
        if page < last:
            rels += [("next", page + 1), ("last", last)]
        if page > 1:
            rels.append(("first", 1))
        base = f"{self.link_base}/repositories/{self.repo_id}/releases"
        return ", ".join(f'<{base}?{urlencode({"per_page": per_page, "page": n})}>; rel="{rel}"' for rel, n in rels)
