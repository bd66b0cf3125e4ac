"""GitHub: the releases of one repository.

`GET {base_url}/repos/OWNER/NAME/releases?per_page=100`, a JSON array of release objects per page,
newest first, next page in `Link: <…>; rel="next"` (GitHub's next links name the repository by
number, `/repositories/ID/releases?…`, so they are followed as given, never rebuilt).

Drafts are skipped: only a token with push access sees them, and they are not published.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from relwatch.dates import normalise_time
from relwatch.errors import SourceError
from relwatch.models import Artifact, DateKind
from relwatch.sources.base import Option, Page, follow_pages, text_or_none

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

DEFAULT_BASE_URL = "https://api.github.com"
TOKEN_ENV = ("GITHUB_TOKEN", "GH_TOKEN")
IDENTITY = "repo"
COMPLETE_LISTING = True  # every published release is listed, so one that leaves the listing is gone
OPTIONS = {
    "repo": Option(
        type=str,
        required=True,
        help="a repository as 'owner/name', e.g. 'QwenLM/Qwen3'",
        pattern=r"(?!\.\.?/)[A-Za-z0-9._-]+/(?!\.\.?$)[A-Za-z0-9._-]+",
    ),
    "prereleases": Option(type=bool, default=True, help="include releases marked as prereleases"),
}

API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
PER_PAGE = 100  # the API's maximum
BODY_EXCERPT = 500


def releases_url(base_url: str, repo: str) -> str:
    return f"{base_url}/repos/{repo}/releases?{urlencode({'per_page': PER_PAGE})}"


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    repo = source.option("repo")
    include_prereleases = source.option("prereleases")

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        payload = fetched.json()
        if not isinstance(payload, list):
            raise SourceError(f"expected a JSON array of releases from {fetched.url}")
        return parse_releases(payload, include_prereleases=include_prereleases), fetched.links().get("next")

    return follow_pages(session, releases_url(source.base_url, repo), parse_page, headers=API_HEADERS)


def parse_releases(items: list[Any], *, include_prereleases: bool = True) -> list[Artifact]:
    """A page of release objects → artifacts: drafts, and prereleases unless asked for, are left out.

    Relies on each release having a `tag_name` or an `id`; everything else is read leniently.
    """
    artifacts = []
    for item in items:
        if not isinstance(item, dict) or item.get("draft") is True or _external_id(item) is None:
            continue
        if item.get("prerelease") is True and not include_prereleases:
            continue
        artifacts.append(parse_release(item))
    return artifacts


def parse_release(item: dict[str, Any]) -> Artifact:
    external_id = _external_id(item)
    assert external_id is not None
    tag = text_or_none(item.get("tag_name"))
    assets = item.get("assets")
    body = item.get("body")
    published = normalise_time(item.get("published_at"))
    return Artifact(
        external_id=external_id,
        name=text_or_none(item.get("name")) or tag or external_id,
        url=text_or_none(item.get("html_url")),
        date=published,
        date_kind=DateKind.PUBLISHED if published else None,
        extra={
            "tag": tag,
            "prerelease": item.get("prerelease") is True,
            "assets": len(assets) if isinstance(assets, list) else 0,
            "body": body[:BODY_EXCERPT] if isinstance(body, str) else "",
        },
        raw=item,
    )


def _external_id(item: dict[str, Any]) -> str | None:
    """The tag names a release for people and in URLs; the numeric id stands in without one."""
    tag = text_or_none(item.get("tag_name"))
    if tag:
        return tag
    number = item.get("id")
    return str(number) if isinstance(number, int) and not isinstance(number, bool) else None
