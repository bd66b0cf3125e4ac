"""models.dev: a curated catalogue of API models with release dates and an open-weights flag.

`GET {base_url}/api.json` answers `{<provider id>: {id, name, npm, env, doc, api?, models:
{<model id>: Model}}}` (anomalyco/models.dev `packages/core/src/generate.ts`). One source reads
one provider key: the vendor's own first-party API (`google`, `alibaba`, `deepseek`, `mistral`,
`openai`, `anthropic`, …). Such an API may also serve other labs' models (Alibaba's lists DeepSeek,
GLM and Kimi models); the `family` option keeps only the vendor's own, e.g. `'^(qwen|qwq|qvq)'`.

The parser relies on the provider key and its `models` table; every model field is optional.
`release_date` is models.dev's curated "first public release date", `YYYY-MM-DD` or `YYYY-MM`
(the month precision is kept); `open_weights` is its open-weights flag. models.dev keeps
`license`, `links`, `weights` (and `parameters`) in its provider-agnostic `models.json` and
leaves at least the first three out of `api.json` (its generator test "repository provider JSON
excludes model-only metadata"); they are read here when an entry carries them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from relwatch.dates import normalise_time
from relwatch.errors import SourceError
from relwatch.models import Artifact, DateKind, Openness
from relwatch.sources.base import Option, Page, follow_pages, int_or_none, strings, table, text_or_none

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

DEFAULT_BASE_URL = "https://models.dev"
TOKEN_ENV: tuple[str, ...] = ()
IDENTITY = "provider"
COMPLETE_LISTING = True  # api.json lists every model of every provider at once
OPTIONS = {
    "provider": Option(
        type=str,
        required=True,
        help="the models.dev provider key of the vendor's own API, e.g. 'google', 'alibaba', 'deepseek'",
    ),
    "family": Option(
        type="regex",
        help="keep only models whose models.dev family matches this regular expression, e.g. '^(qwen|qwq|qvq)'",
    ),
}

LINK_KINDS_FOR_URL = ("announcement", "model_card", "blog", "docs")


def catalogue_url(base_url: str) -> str:
    return f"{base_url}/api.json"


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        models = provider_models(fetched.json(), source.option("provider"), fetched.url)
        return parse_models(models, source.option("family")), None

    return follow_pages(session, catalogue_url(source.base_url), parse_page)


def provider_models(payload: Any, provider: str, where: str) -> dict[str, Any]:
    """The `models` table of one provider: the part of the shape this source relies on."""
    if not isinstance(payload, dict):
        raise SourceError(f"expected a JSON object of providers from {where}")
    entry = payload.get(provider)
    if not isinstance(entry, dict):
        close = difflib.get_close_matches(provider, [k for k in payload if isinstance(k, str)], n=3)
        hint = f" (close: {', '.join(close)})" if close else ""
        raise SourceError(f"models.dev lists no provider '{provider}' at {where}{hint}")
    models = entry.get("models")
    if not isinstance(models, dict):
        raise SourceError(f"provider '{provider}' at {where} has no 'models' table")
    return models


def parse_models(models: dict[str, Any], family: str | None = None) -> list[Artifact]:
    """A provider's `models` table → artifacts, keyed by model id; `family` is a regex that must
    be found in the model's `family` (models without one are then left out)."""
    pattern = re.compile(family) if family else None
    artifacts = []
    for model_id, item in models.items():
        if not isinstance(item, dict) or not isinstance(model_id, str) or not model_id:
            continue
        if pattern and not pattern.search(text_or_none(item.get("family")) or ""):
            continue
        artifacts.append(parse_model(model_id, item))
    return artifacts


def parse_model(model_id: str, item: dict[str, Any]) -> Artifact:
    links = [link for link in _list(item.get("links")) if isinstance(link, dict) and text_or_none(link.get("url"))]
    open_weights = item.get("open_weights") is True
    return Artifact(
        external_id=model_id,
        name=text_or_none(item.get("name")) or model_id,
        url=_first_link(links, LINK_KINDS_FOR_URL),
        date=_date(item.get("release_date")),
        date_kind=DateKind.PUBLISHED,
        modified_at=_date(item.get("last_updated")),
        licence=text_or_none(item.get("license")),
        parameters=_parameters(item.get("parameters")),
        tier_hint=Openness.OPEN if open_weights else Openness.API,  # the licence later decides how open
        weights_ref=_weights_ref(item.get("weights"), links),
        family_hint=text_or_none(item.get("family")),
        extra=_extra(item),
        raw=item,
    )


def weights_ref_of(url: str) -> str:
    """A Hugging Face URL → its repo id (`Qwen/Qwen3-235B-A22B`), the form other sources use."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.hostname in ("huggingface.co", "www.huggingface.co") and len(segments) >= 2:
        return f"{segments[0]}/{segments[1]}"
    return url


def _weights_ref(weights: Any, links: list[dict[str, Any]]) -> str | None:
    urls = [text_or_none(w.get("url")) for w in _list(weights) if isinstance(w, dict)]
    url = next((u for u in urls if u), None) or _first_link(links, ("weights",))
    return weights_ref_of(url) if url else None


def _first_link(links: list[dict[str, Any]], kinds: tuple[str, ...]) -> str | None:
    for kind in kinds:
        for link in links:
            if link.get("type") == kind:
                return link["url"]
    return None


def _extra(item: dict[str, Any]) -> dict[str, Any]:
    modalities = table(item.get("modalities"))
    limit = table(item.get("limit"))
    extra = {
        "status": text_or_none(item.get("status")),
        "input_modalities": strings(modalities.get("input")),
        "output_modalities": strings(modalities.get("output")),
        "context_limit": int_or_none(limit.get("context")),
        "knowledge": _date(item.get("knowledge")),
        "canonical": text_or_none(item.get("canonical")),  # the models.json entry it inherits from
    }
    return {key: value for key, value in extra.items() if value not in (None, [])}


def _date(value: Any) -> str | None:
    """models.dev writes dates as `YYYY-MM-DD` or `YYYY-MM` strings; anything else is unreadable."""
    return normalise_time(value) if isinstance(value, str) else None


def _parameters(value: Any) -> int | None:
    return int_or_none(value.get("total")) if isinstance(value, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
