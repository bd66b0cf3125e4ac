"""GitHub: the releases of one repository.

`GET {base_url}/repos/OWNER/NAME/releases?per_page=100`, a JSON array of release objects per page,
newest first, next page in `Link: <…>; rel="next"` (GitHub's next links name the repository by
number, `/repositories/ID/releases?…`, so they are followed as given, never rebuilt).

Drafts are skipped: only a token with push access sees them, and they are not published.

Only releases that name a model are kept: vendors publish their code's releases in the same
repositories (`PaddlePaddle/ERNIE` lists `static_graph`, `v2.6.0`, "Version 2.5.0"), and those are
no model releases. With a `models` pattern a release is kept when its tag or name holds a match;
without one, `names_a_model` decides. Releases left out are counted in the page's `skipped`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from relwatch.dates import read_time
from relwatch.errors import SourceError
from relwatch.kinds import GithubOptions, options_as
from relwatch.models import Artifact, DateKind
from relwatch.sources.base import Page, follow_pages, text_or_none
from relwatch.sources.items import Parsed, parse_each

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

OPTIONS = GithubOptions
COMPLETE_LISTING = True  # every published release is listed, so one that leaves the listing is gone
STEADY_COUNT = True

# A model name: a word of two or more letters run into or joined to a number (`ERNIE-4.5`,
# `Qwen3`, `glm_4`, `Kimi K2`), where the word is not one that introduces a software version.
_MODEL_NAME = re.compile(
    r"(?<![A-Za-z])(?!(?:v|ver|version|release|rc|beta|alpha|dev|build|tag|patch|fix)\b)"
    r"[A-Za-z][A-Za-z]+(?:[-_ ]?[A-Za-z]{1,3})?[-_ ]?\d",
    re.IGNORECASE,
)
# A software release: a pre-release marker, apart (`-rc1`, `beta`) or glued to its number
# (`3.0.0rc1`, PEP 440's `1.0b2`); a three-part version anywhere (`paddle-v3.0.0`, `PaddleNLP
# v2.8.0`: no model is numbered so); a bare version; a word that names maintenance or a build
# (`Update 2`, `Hotfix 3`, `snapshot-…`, `nightly`, an SDK, CUDA or wheels; `py3.10`, `Python 3.10`,
# `torch2.1`).
_SOFTWARE = re.compile(
    r"\b(?:rc|alpha|beta|dev|post)(?:[-_.]?\d+)?(?![A-Za-z-])|(?<=\d)(?:rc|alpha|beta|dev|post)\d*(?![A-Za-z])"
    r"|\d\.\d+[ab]\d+(?![A-Za-z])|(?<![\d.])\d+\.\d+\.\d+"
    r"|\b(?:update|hotfix|snapshot|nightly|sdk|cuda|wheels?)(?![A-Za-z])|\b(?:py|python|torch|pytorch) ?(?=\d)"
    r"|release candidate|^v?\d+(?:\.\d+){1,3}$|^version\b",
    re.IGNORECASE,
)

API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
PER_PAGE = 100  # the API's maximum
BODY_EXCERPT = 500
# Past 1,000 results a listing's next page answers 422 ("Only the first 1000 results are
# available"; ../shared/sources-reference.md, §Corrections): the listing ends there, incomplete.
PAST_LAST_PAGE = (422,)


def releases_url(base_url: str, repo: str) -> str:
    return f"{base_url}/repos/{repo}/releases?{urlencode({'per_page': PER_PAGE})}"


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    options = options_as(source.options, GithubOptions)
    repo, include_prereleases, models = options.repo, options.prereleases, options.models

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        payload = fetched.json()
        if not isinstance(payload, list):
            raise SourceError(f"expected a JSON array of releases from {fetched.url}")
        artifacts = parse_releases(payload, include_prereleases=include_prereleases, models=models, where=fetched.url)
        return artifacts, fetched.links().get("next")

    return follow_pages(
        session, releases_url(source.base_url, repo), parse_page, headers=API_HEADERS, end_statuses=PAST_LAST_PAGE
    )


def parse_releases(
    items: list[Any], *, include_prereleases: bool = True, models: str | None = None, where: str = "the page"
) -> Parsed:
    """A page of release objects → artifacts of the releases that name a model.

    Drafts, and prereleases unless asked for, are left out silently; releases that name no model
    (see the module docstring) and items that cannot be read are left out and listed in `skipped`.
    Relies on each release having a `tag_name` or an `id`; everything else is read leniently.
    """
    pattern = re.compile(models, re.IGNORECASE) if models else None

    def parse(item: Any) -> Artifact | None:
        if not isinstance(item, dict) or item.get("draft") is True or _external_id(item) is None:
            return None
        if item.get("prerelease") is True and not include_prereleases:
            return None
        artifact = parse_release(item)
        titles = [t for t in (text_or_none(item.get("tag_name")), text_or_none(item.get("name"))) if t]
        if not any(names_a_model(t, pattern) for t in titles):
            raise ValueError(f"release '{artifact.external_id}' names no model (a software release)")
        return artifact

    return parse_each(items, parse, where)


def names_a_model(title: str, pattern: re.Pattern[str] | None = None) -> bool:
    """Whether a release tag or name names a model: `pattern` found in it when given, else a
    model-like word-and-number (`ERNIE-4.5`, `Qwen3`) in a title that is no software version
    (`v2.6.0`, `Version 2.5.0`, `static_graph`, `…-rc1`, "release candidate", `paddle-v3.0.0`,
    `3.0.0rc1`, `Update 2`: see `_SOFTWARE`)."""
    if pattern is not None:
        return pattern.search(title) is not None
    return _SOFTWARE.search(title) is None and _MODEL_NAME.search(title) is not None


def parse_release(item: dict[str, Any]) -> Artifact:
    """One release object → an artifact; ValueError for an unreadable `published_at`."""
    external_id = _external_id(item)
    assert external_id is not None
    tag = text_or_none(item.get("tag_name"))
    assets = item.get("assets")
    body = item.get("body")
    published = read_time(item.get("published_at"))
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
