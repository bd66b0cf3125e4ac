"""models.dev: a curated catalogue of API models with release dates and an open-weights flag.

`GET {base_url}/catalog.json` answers `{"models": {<lab>/<id>: lab metadata}, "providers":
{<provider id>: {id, name, npm, env, doc, api?, models: {<model id>: offer}}}}`: the providers
part is `api.json` (anomalyco/models.dev `packages/core/src/generate.ts`), the models part is
`models.json`, the provider-agnostic lab metadata (licence, links, weights, parameters, family,
dates; no cost). A bare `api.json` payload (providers at the top) is read the same way, without
lab metadata. One source reads one provider key: the vendor's own first-party API (`google`,
`alibaba`, `deepseek`, `mistral`, `openai`, `anthropic`, …). Such an API may also serve other
labs' models (Alibaba's lists DeepSeek, GLM and Kimi models); the `family` option keeps only
the vendor's own, e.g. `'^(qwen|qwq|qvq)'`.

The parser relies on the provider key and its `models` table; every model field is optional.
`release_date` is models.dev's curated "first public release date", `YYYY-MM-DD` or `YYYY-MM`
(the month precision is kept); `open_weights` is its open-weights flag. `license`, `links`,
`weights` and `parameters` are in `models.json` only (the generator test "repository provider
JSON excludes model-only metadata"), so each offer is joined to its lab entry: by the offer's
`canonical`/`canonical_id`/`canonical_model_id`/`base_model` path when it carries one (the
generator sets it for an offer built on a lab file), else `<provider>/<model id>`, else the one
lab entry whose id part equals the model id. Offer fields win; the lab entry fills what the
offer lacks. Which of those path fields a published `catalog.json` offer carries is unconfirmed
offline, hence the fallbacks. The offer's `cost` (USD per 1M tokens) is kept in `extra["cost"]`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from relwatch.dates import normalise_time
from relwatch.errors import SourceError
from relwatch.kinds import ModelsdevOptions, options_as
from relwatch.models import Artifact, DateKind, Openness
from relwatch.prices import modelsdev_quotes, readable_quotes
from relwatch.sources.base import Page, follow_pages, int_or_none, strings, text_or_none
from relwatch.sources.items import HUB_HOSTS, HUB_PAGES, Parsed, parse_each, table, weights_ref
from relwatch.sources.openrouter import PricedParsed

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

OPTIONS = ModelsdevOptions
COMPLETE_LISTING = True  # api.json lists every model of every provider at once
STEADY_COUNT = True

LINK_KINDS_FOR_URL = ("announcement", "model_card", "blog", "docs")


JOIN_FIELDS = ("canonical", "canonical_id", "canonical_model_id", "base_model")


def catalogue_url(base_url: str) -> str:
    return f"{base_url}/catalog.json"


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    options = options_as(source.options, ModelsdevOptions)
    provider = options.provider

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        payload = fetched.json()
        models = provider_models(payload, provider, fetched.url)
        labs = lab_models(payload)
        parsed = PricedParsed.of(parse_models(models, options.family, labs=labs, provider=provider, where=fetched.url))
        kept = {artifact.external_id for artifact in parsed}
        quotes, unreadable = readable_quotes(q for q in modelsdev_quotes(provider, models) if q.offer.model_id in kept)
        parsed.prices.quotes.extend(quotes)
        parsed.skipped.extend(unreadable)
        parsed.prices.catalogue = len(models)
        return parsed, None

    return follow_pages(session, catalogue_url(source.base_url), parse_page)


def lab_models(payload: Any) -> dict[str, Any]:
    """The `models` table of a `catalog.json` (lab metadata keyed `<lab>/<id>`); empty for `api.json`."""
    labs = payload.get("models") if isinstance(payload, dict) and isinstance(payload.get("providers"), dict) else None
    return labs if isinstance(labs, dict) else {}


def provider_models(payload: Any, provider: str, where: str) -> dict[str, Any]:
    """The `models` table of one provider (in `providers` of `catalog.json`, or at the top of
    `api.json`): the part of the shape this source relies on. SourceError naming `where` else."""
    if not isinstance(payload, dict):
        raise SourceError(f"expected a JSON object of providers from {where}")
    if isinstance(payload.get("providers"), dict):
        payload = payload["providers"]
    entry = payload.get(provider)
    if not isinstance(entry, dict):
        close = difflib.get_close_matches(provider, [k for k in payload if isinstance(k, str)], n=3)
        hint = f" (close: {', '.join(close)})" if close else ""
        raise SourceError(f"models.dev lists no provider '{provider}' at {where}{hint}")
    models = entry.get("models")
    if not isinstance(models, dict):
        raise SourceError(f"provider '{provider}' at {where} has no 'models' table")
    return models


def parse_models(
    models: dict[str, Any],
    family: str | None = None,
    *,
    labs: dict[str, Any] | None = None,
    provider: str | None = None,
    where: str = "the catalogue",
) -> Parsed:
    """A provider's `models` table → artifacts, keyed by model id, each joined to its lab entry in
    `labs` (see the module docstring); `family` is a regex that must be found in the model's
    `family` (models without one are then left out). An entry that cannot be read is listed in
    `skipped`."""
    pattern = re.compile(family) if family else None
    by_name = _by_model_name(labs or {})

    def parse(entry: tuple[Any, Any]) -> Artifact | None:
        model_id, offer = entry
        if not isinstance(offer, dict) or not isinstance(model_id, str) or not model_id:
            return None
        lab_key = _lab_key(model_id, offer, labs or {}, provider, by_name)
        lab = table((labs or {}).get(lab_key)) if lab_key else {}
        item = {**lab, **offer}
        if pattern and not pattern.search(text_or_none(item.get("family")) or ""):
            return None
        artifact = parse_model(model_id, item)
        if lab_key:
            artifact.extra["lab_model"] = lab_key
        return artifact

    return parse_each(models.items(), parse, where)


def _by_model_name(labs: dict[str, Any]) -> dict[str, str | None]:
    """Lab entries by their id part (`qwen3-max` → `alibaba/qwen3-max`); None where two labs share it."""
    found: dict[str, str | None] = {}
    for key in labs:
        if isinstance(key, str) and "/" in key:
            name = key.split("/", 1)[1].lower()
            found[name] = None if name in found else key
    return found


def _lab_key(
    model_id: str, offer: dict[str, Any], labs: dict[str, Any], provider: str | None, by_name: dict[str, str | None]
) -> str | None:
    for field in JOIN_FIELDS:
        path = text_or_none(offer.get(field))
        if path and path in labs:
            return path
    if provider and f"{provider}/{model_id}" in labs:
        return f"{provider}/{model_id}"
    return by_name.get(model_id.lower())


def parse_model(model_id: str, item: dict[str, Any]) -> Artifact:
    """One (joined) model entry → an artifact; every field is optional and read leniently."""
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
    """A Hugging Face URL of a model repository → its repo id (`Qwen/Qwen3-235B-A22B`), the form
    other sources use; any other URL as it is (`items.weights_ref` then refuses Hub pages that
    are no repository)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    hub = (parts.hostname or "").lower() in HUB_HOSTS
    if hub and len(segments) >= 2 and segments[0].lower() not in HUB_PAGES:
        return f"{segments[0]}/{segments[1]}"
    return url


def _weights_ref(weights: Any, links: list[dict[str, Any]]) -> str | None:
    """The first weights link: models.dev's `weights` list of `{url, format}` objects, read also
    as one object, a list of URL strings or one URL string; else a link of type `weights`."""
    entries = weights if isinstance(weights, list) else [weights]
    urls = [text_or_none(w.get("url")) if isinstance(w, dict) else text_or_none(w) for w in entries]
    url = next((u for u in urls if u), None) or _first_link(links, ("weights",))
    return weights_ref(weights_ref_of(url)) if url else None


def _first_link(links: list[dict[str, Any]], kinds: tuple[str, ...]) -> str | None:
    for kind in kinds:
        for link in links:
            url = text_or_none(link.get("url"))
            if link.get("type") == kind and url:
                return url
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
        "cost": _cost(item.get("cost")),
    }
    return {key: value for key, value in extra.items() if value not in (None, [], {})}


def _cost(value: Any) -> dict[str, float]:
    """models.dev's `cost` table → its flat prices, USD per 1M tokens (`input`, `output`,
    `cache_read`, …); context tiers and non-numbers are left out."""
    return {
        key: float(price)
        for key, price in table(value).items()
        if isinstance(key, str) and isinstance(price, int | float) and not isinstance(price, bool)
    }


def _date(value: Any) -> str | None:
    """models.dev writes dates as `YYYY-MM-DD` or `YYYY-MM` strings; anything else is unreadable."""
    return normalise_time(value) if isinstance(value, str) else None


def _parameters(value: Any) -> int | None:
    """models.dev's `parameters: {"total": N}`, also read as a bare number; a whole float counts."""
    total = value.get("total") if isinstance(value, dict) else value
    if isinstance(total, float) and total.is_integer() and abs(total) < 2**63:
        return int(total)
    return int_or_none(total)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
