"""ModelScope: an organisation's model repositories.

`GET {base_url}/openapi/v1/models?owner=ORG&sort=last_modified&page_number=N&page_size=M`, answered
`{"success": true, "request_id": …, "data": {"models": [...], "total_count": …, …}}`. Pages are
numbered; there is no next link, so the next URL is made here from `total_count`.

No real response of this endpoint has been recorded: the field names come from the official SDK
(modelscope_hub), so the parser is strict only about the envelope and an item's `id`, and lenient
about every other field.

The server (as the SDK enforces it) serves at most 50 items a page and no item past the 3,000th of
one query. An organisation with more models is read up to that window: sorted by `last_modified`,
the window holds the most recently changed repositories, which is where a new release shows up.

The SDK validates `sort=last_modified` only for datasets, so the server may refuse it for models,
in words nobody has recorded (a 400 or 422, or any `success: false` answer that is no quota
refusal): the first page is then read again without the sort, and the listing goes on unsorted;
a refusal of that request too is the source's error. Refusals come as `{"success": false, "code",
"message"}` or in the legacy API's shape, `{"Code": <not 200>, "Message", "Success"?}` with no
data. Quota refusals (a code or message naming a quota, throttling, a rate limit or too many
requests, in English or Chinese, or code 429; or HTTP 403) end the source as rate-limited, with
the code in the message. The `owner` filter is checked, not trusted: an item of another owner is
skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from relwatch.dates import iso_utc, normalise_time, read_time
from relwatch.errors import RateLimited, SourceError
from relwatch.kinds import MODELSCOPE_MAX_PAGE_SIZE, MODELSCOPE_URL, ModelscopeOptions, options_as
from relwatch.models import Artifact, DateKind
from relwatch.sources.base import Page, follow_pages, int_or_none, text_or_none
from relwatch.sources.items import Parsed, parse_each

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

DEFAULT_BASE_URL = MODELSCOPE_URL
# Not a complete listing, so a repository missing from a read is never taken as gone: numbered
# pages over a `last_modified` sort are no snapshot (a repository changed mid-read moves to page 1
# and the read can skip it), and an organisation past the 3,000-item window is only partly listed.
COMPLETE_LISTING = False
MAX_PAGE_SIZE = MODELSCOPE_MAX_PAGE_SIZE
WINDOW = 3000  # page_number * page_size may not exceed this
OPTIONS = ModelscopeOptions
STEADY_COUNT = True

# Times without an offset (the legacy API's) mean China Standard Time, UTC+8 all year since 1991.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
# A quota refusal's `code` or `message` (`QuotaLimitExceed`, `Throttling.User`, `TooManyRequests`,
# 429; 请求过于频繁 "requests too frequent", 限流 "throttled", 配额 "quota").
QUOTA = re.compile(r"quota|throttl|rate.?limit|too.?many.?requests|^429$|频繁|限流|配额", re.IGNORECASE)
# The legacy API's `Code` of an answer that is no refusal.
SUCCESS_CODES = (200, 0, "200", "0", "OK", "ok", "Success", "success")
# How long a quota refusal parks the source: ModelScope states no reset time, so one hour.
QUOTA_WAIT = timedelta(hours=1)


class SortRefused(SourceError):
    """The server refused `sort=last_modified` for models."""


def listing_url(base_url: str, org: str, page_size: int, page_number: int = 1, *, sort: bool = True) -> str:
    """The listing page `page_number` of `org`, newest change first unless `sort` is false."""
    params = [("owner", org), ("sort", "last_modified")] if sort else [("owner", org)]
    params += [("page_number", str(page_number)), ("page_size", str(page_size))]
    return f"{base_url}/openapi/v1/models?{urlencode(params)}"


def next_page_number(page_number: int, page_size: int, total_count: int | None, items_on_page: int) -> int | None:
    """The page after `page_number`, or None at the end of the listing or of the 3,000-item window.

    Without a `total_count` the listing goes on while pages come back full.
    """
    if items_on_page == 0 or (page_number + 1) * page_size > WINDOW:
        return None
    if total_count is None:
        return page_number + 1 if items_on_page >= page_size else None
    return page_number + 1 if page_number * page_size < total_count else None


async def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    """The listing sorted by `last_modified`; read again unsorted if the first page refuses the sort."""
    try:
        async for page in _listing(source, session, sort=True):
            yield page
            del page  # as follow_pages: no page is held while the next is awaited
        return
    except SortRefused:
        pass
    async for page in _listing(source, session, sort=False):
        yield page
        del page


async def _listing(source: SourceConfig, session: SourceSession, *, sort: bool) -> AsyncIterator[Page]:
    options = options_as(source.options, ModelscopeOptions)
    org, page_size = options.org, options.page_size
    first = listing_url(source.base_url, org, page_size, sort=sort)

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        models, total_count = unwrap(fetched.json(), fetched.url, sorted_request=sort and fetched.url == first)
        following = next_page_number(_page_number(fetched.url), page_size, total_count, len(models))
        next_url = listing_url(source.base_url, org, page_size, following, sort=sort) if following else None
        return parse_models(models, source.base_url, owner=org, where=fetched.url), next_url

    try:
        async for page in follow_pages(session, first, parse_page):
            yield page
            del page
    except RateLimited:
        raise
    except SourceError as exc:
        # the http layer reports a status it does not retry as "HTTP <status> from <url>"
        if str(exc).startswith("HTTP 403 "):
            raise quota_refused(first, "HTTP 403") from None
        if sort and getattr(exc, "status", None) in (400, 422) and getattr(exc, "url", None) == first:
            raise SortRefused(str(exc)) from None
        raise


def quota_refused(url: str, code: str, now: datetime | None = None) -> RateLimited:
    """The rate-limit error for a quota refusal of `url`, parking the source for `QUOTA_WAIT`."""
    until = iso_utc((now or datetime.now(UTC)) + QUOTA_WAIT)
    return RateLimited(f"ModelScope quota refused {url} ({code}): retrying after {until}", until)


def unwrap(payload: Any, url: str, *, sorted_request: bool = False) -> tuple[list[Any], int | None]:
    """The envelope → (model items, total_count).

    Accepts `{"success", "request_id", "data": {...}}`, the same without `success`, the SDK's
    PascalCase variants (`Data`, `Models`, `TotalCount`) and a bare data object. A refusal
    (`success: false`, or a `Code` that is not a success code on an answer without data) raises
    RateLimited when its code or message names a quota (`QUOTA`), else SortRefused when
    `sorted_request` (the server may refuse the sort in any words), else SourceError with the
    server's message and code.
    """
    if not isinstance(payload, dict):
        raise SourceError(f"expected a JSON object from {url}")
    success = payload.get("success", payload.get("Success"))
    code_value = payload.get("code", payload.get("Code"))
    legacy_refusal = (
        success is None
        and code_value not in (None, "", *SUCCESS_CODES)
        and not any(key in payload for key in ("data", "Data"))
    )
    if success is False or legacy_refusal:
        message = str(payload.get("message") or payload.get("Message") or "no message")[:200]
        code = str(code_value if code_value not in (None, "") else "")[:80]
        if QUOTA.search(code) or QUOTA.search(message):
            raise quota_refused(url, code or message[:80])
        if sorted_request:
            raise SortRefused(f"ModelScope refused the sort at {url}: {message}")
        raise SourceError(f"ModelScope refused {url}: {message}" + (f" ({code})" if code else ""))
    data = payload.get("data", payload.get("Data", payload))
    if not isinstance(data, dict):
        raise SourceError(f"expected a 'data' object in the response from {url}")
    models = data.get("models", data.get("Models"))
    if not isinstance(models, list):
        raise SourceError(f"expected a 'models' list in the response from {url}")
    total = data.get("total_count", data.get("TotalCount"))
    return models, int_or_none(total)


def parse_models(
    items: list[Any], base_url: str = DEFAULT_BASE_URL, *, owner: str | None = None, where: str = "the page"
) -> Parsed:
    """A page's model items → artifacts; items without an `owner/name` id are left out; items of
    another owner than `owner` (any case) and items that cannot be read are listed in `skipped`."""

    def parse(item: Any) -> Artifact | None:
        repo_id = _repo_id(item) if isinstance(item, dict) else None
        if repo_id is None:
            return None
        item_owner = repo_id.split("/", 1)[0]
        if owner is not None and item_owner.lower() != owner.lower():
            raise ValueError(f"'{repo_id[:120]}' belongs to '{item_owner[:60]}', not '{owner}'")
        return parse_model(item, base_url)

    return parse_each(items, parse, where)


def parse_model(item: dict[str, Any], base_url: str = DEFAULT_BASE_URL) -> Artifact:
    """One item → an artifact. Relies on `id` only; every other field may be missing or odd, but a
    `created_at` that is present and no readable time raises ValueError."""
    repo_id = _repo_id(item)
    assert repo_id is not None
    name = repo_id.rsplit("/", 1)[-1]
    extra: dict[str, Any] = {}
    display_name = text_or_none(item.get("display_name"))
    if display_name and display_name != name:
        extra["display_name"] = display_name
    if isinstance(item.get("login_required"), bool):
        extra["login_required"] = item["login_required"]
    if item.get("private") is True:
        extra["private"] = True
    licence = text_or_none(item.get("license"))
    gated = item.get("gated")
    return Artifact(
        external_id=repo_id,
        name=name,
        url=f"{base_url}/models/{repo_id}",
        date=read_time(item.get("created_at"), SHANGHAI),
        date_kind=DateKind.REPO_CREATED,
        modified_at=normalise_time(item.get("last_modified"), SHANGHAI),
        licence=licence.lower() if licence else None,
        gated=gated if isinstance(gated, bool) else None,
        pipeline_tag=_first_task(item.get("tasks")),
        downloads=int_or_none(item.get("downloads")),
        likes=int_or_none(item.get("likes")),
        extra=extra,
        raw=item,
    )


def _page_number(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("page_number", [])
    if not values or not values[0].isdigit():
        raise SourceError(f"cannot tell which page {url} is: no page_number in the URL")
    return int(values[0])


def _repo_id(item: dict[str, Any]) -> str | None:
    value = item.get("id")
    return value if isinstance(value, str) and "/" in value else None


def _first_task(tasks: Any) -> str | None:
    """`tasks` is a list of names; the legacy API gave `[{"Name": …}]`, so both are read."""
    if not isinstance(tasks, list) or not tasks:
        return None
    first = tasks[0]
    if isinstance(first, dict):
        first = first.get("name", first.get("Name"))
    return text_or_none(first)
