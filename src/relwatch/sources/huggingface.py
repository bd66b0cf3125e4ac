"""Hugging Face Hub: an organisation's model repositories.

`GET {base_url}/api/models?author=ORG&sort=lastModified&limit=N&expand=…`, a JSON array per page,
next page in `Link: <…>; rel="next"`. With `expand`, only `_id`, `id` and the expanded fields
come back, so every field parsed below is listed in EXPAND.

The listing is sorted by `lastModified` (the time of a repository's last commit), which the Hub
always sorts descending: the sort keys are `createdAt`, `lastModified`, `downloads`, `likes` and
`trendingScore`, and `direction` was deprecated and then removed from huggingface_hub ("Sorting is
always descending"; ../shared/sources-reference.md, §Corrections and the listing parameters).
So a nightly sync reads from the top and stops at the first page that holds only repositories
stored with the same `lastModified` (`fetch_changed`); every `full_sweep_days` days, or on
`sync --full`, the whole listing is read (`fetch`) to find gone repositories and the gating and
licence changes that do not touch `lastModified`. Download and like counts move daily without a
commit: between sweeps they keep the values of the last read of the repository.

Counts: `downloads` (the Hub's rolling 30-day count) and `likes` become the artifact's fields,
`downloadsAllTime` stays in its payload; the merge copies all three into the day's row of the
adoption series (`store.metrics`), and none of them is part of the content hash.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from relwatch.dates import normalise_time, read_time
from relwatch.errors import SourceError
from relwatch.models import Artifact, DateKind
from relwatch.sources.base import Option, Page, ParsePage, follow_pages, int_or_none, text_or_none
from relwatch.sources.items import Parsed, parse_each, table

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

DEFAULT_BASE_URL = "https://huggingface.co"
TOKEN_ENV = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
IDENTITY = "org"
COMPLETE_LISTING = True  # the listing holds every repository, so one that leaves it is gone
OPTIONS = {
    "org": Option(type=str, required=True, help="a Hugging Face user or organisation, e.g. 'google'"),
    "page_size": Option(type=int, default=500, help="models per listing page", minimum=1, maximum=1000),
    "full_sweep_days": Option(
        type=int,
        default=7,
        help="days between full reads of the listing (0: every sync); syncs in between read only what changed",
        minimum=0,
        maximum=365,
    ),
}

EXPAND = (
    "author",
    "createdAt",
    "lastModified",
    "gated",
    "private",
    "disabled",
    "tags",
    "pipeline_tag",
    "library_name",
    "cardData",
    "safetensors",
    "sha",
    "downloads",
    "downloadsAllTime",
    "likes",
)
# Repositories older than the Hub's creation-date records all carry this value: "unknown".
# Repositories older than the Hub's 2022-03-02 migration carry one of these two placeholder
# creation times (both seen in recorded listings): the creation date is unknown.
UNKNOWN_CREATED_AT = frozenset({"2022-03-02T23:29:04.000Z", "2022-03-02T23:29:05.000Z"})


def listing_url(base_url: str, org: str, page_size: int) -> str:
    """The first page of an organisation's models, most recently modified first."""
    params = [("author", org), ("sort", "lastModified"), ("limit", str(page_size))]
    params += [("expand", field) for field in EXPAND]
    return f"{base_url}/api/models?{urlencode(params)}"


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    """The whole listing, page by page (a full sweep)."""
    return follow_pages(session, _first_url(source), _page_parser(source.base_url))


def fetch_changed(
    source: SourceConfig, session: SourceSession, stored: Mapping[str, str | None]
) -> AsyncIterator[Page]:
    """The listing's pages until one holds only repositories in `stored` (external id → stored
    `modified_at`, ISO 8601 UTC) with that same `lastModified`; each page keeps only its new or
    modified repositories. A page answered 304 is as last read: the listing ends there too.
    The pages are no complete listing: nothing may be marked gone from them."""
    parse_all = _page_parser(source.base_url)

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        artifacts, next_url = parse_all(fetched)
        changed = Parsed((a for a in artifacts if not _as_stored(a, stored)), getattr(artifacts, "skipped", []))
        return changed, next_url if changed or len(artifacts) == 0 else None

    return _until_unchanged(follow_pages(session, _first_url(source), parse_page))


def _as_stored(artifact: Artifact, stored: Mapping[str, str | None]) -> bool:
    """Whether the repository is stored with the `lastModified` the listing gives it."""
    return artifact.modified_at is not None and stored.get(artifact.external_id, "") == artifact.modified_at


async def _until_unchanged(pages: AsyncIterator[Page]) -> AsyncIterator[Page]:
    async with aclosing(pages) as listing:  # type: ignore[type-var]
        async for page in listing:
            yield page
            if page.unchanged:
                return


def _first_url(source: SourceConfig) -> str:
    return listing_url(source.base_url, source.option("org"), source.option("page_size"))


def _page_parser(base_url: str) -> ParsePage:
    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        payload = fetched.json()
        if not isinstance(payload, list):
            raise SourceError(f"expected a JSON array of models from {fetched.url}")
        return parse_models(payload, base_url, fetched.url), fetched.links().get("next")

    return parse_page


def parse_models(items: list[Any], base_url: str = DEFAULT_BASE_URL, where: str = "the page") -> Parsed:
    """A listing page (or a list of single-model bodies) → artifacts; non-model items are left out,
    items that cannot be read are left out and listed in `skipped` (see `base.parse_each`)."""

    def parse(item: Any) -> Artifact | None:
        return parse_model(item, base_url) if isinstance(item, dict) and _repo_id(item) else None

    return parse_each(items, parse, where)


def parse_model(item: dict[str, Any], base_url: str = DEFAULT_BASE_URL) -> Artifact:
    """One model object → an artifact; ValueError for a `createdAt` that is no readable time."""
    repo_id = _repo_id(item)
    assert repo_id is not None
    card = table(item.get("cardData"))
    tags = [t for t in item.get("tags") or [] if isinstance(t, str)]
    created = item.get("createdAt")
    extra: dict[str, Any] = {}
    if created in UNKNOWN_CREATED_AT:
        created = None
        extra["created_before"] = "2022-03-02"
    gated = item.get("gated")
    if isinstance(gated, str):
        extra["gated_mode"] = gated
    for key in ("private", "disabled"):
        if item.get(key):
            extra[key] = True
    base_models, relations = _base_models(tags, card)
    if relations:
        extra["base_model_relations"] = relations
    if isinstance(card.get("license_name"), str):
        extra["licence_name"] = card["license_name"]
    safetensors = item.get("safetensors")
    parameters = safetensors.get("total") if isinstance(safetensors, dict) else None
    return Artifact(
        external_id=repo_id,
        name=repo_id.rsplit("/", 1)[-1],
        url=f"{base_url}/{repo_id}",
        date=read_time(created),
        date_kind=DateKind.REPO_CREATED,
        modified_at=normalise_time(item.get("lastModified")),
        licence=_licence(tags, card),
        licence_link=card.get("license_link") if isinstance(card.get("license_link"), str) else None,
        gated=None if gated is None else gated not in (False, "false"),
        pipeline_tag=text_or_none(item.get("pipeline_tag")),
        library=text_or_none(item.get("library_name")),
        parameters=parameters if isinstance(parameters, int) and not isinstance(parameters, bool) else None,
        base_models=base_models,
        downloads=int_or_none(item.get("downloads")),
        likes=int_or_none(item.get("likes")),
        extra=extra,
        raw=item,
    )


def _repo_id(item: dict[str, Any]) -> str | None:
    value = item.get("id") or item.get("modelId")
    return value if isinstance(value, str) and "/" in value else None


def _licence(tags: list[str], card: dict[str, Any]) -> str | None:
    for tag in tags:
        if tag.startswith("license:"):
            return tag.removeprefix("license:")
    value = card.get("license")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return value.lower() if isinstance(value, str) and value else None


def _base_models(tags: list[str], card: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Base repos from `base_model:<repo>` / `base_model:<relation>:<repo>` tags, else the card."""
    models: list[str] = []
    relations: dict[str, str] = {}
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag.removeprefix("base_model:")
        relation, _, repo = rest.partition(":")
        if repo:
            relations[repo] = relation
        else:
            repo = rest
        if repo not in models:
            models.append(repo)
    if not models:
        declared = card.get("base_model")
        declared = [declared] if isinstance(declared, str) else declared or []
        models = [m for m in declared if isinstance(m, str)]
    return models, relations
