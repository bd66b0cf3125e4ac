"""OpenRouter: the models of one author (an OpenRouter vendor slug) in its API catalogue.

`GET {base_url}/api/v1/models?output_modalities=all` answers `{"data": [Model…]}`, plus
`total_count` and `links: {"next": "/api/v1/models?offset=…" | null}` when a page was asked for.
Without `output_modalities` the API lists only text-output models, so the parameter is always sent.
Paging is opt-in (`offset`/`limit`), so one request normally returns the whole catalogue; a
`links.next` is still followed when it is there.

A model's `created` is when OpenRouter listed it, not the vendor's release date, hence
`DateKind.LISTED`. `hugging_face_id` names the weights when it is a non-empty string; null and ""
both mean "unknown", not "closed".
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from relwatch.dates import normalise_time, read_time
from relwatch.errors import SourceError
from relwatch.kinds import OPENROUTER_URL, OpenrouterOptions, options_as
from relwatch.models import Artifact, DateKind, Openness
from relwatch.prices import PagePrices, Quote, openrouter_quotes, readable_quotes, split_variant
from relwatch.sources.base import Page, follow_pages, int_or_none, strings, text_or_none
from relwatch.sources.items import Parsed, hub_repo_id, parse_each, table

if TYPE_CHECKING:
    from relwatch.config import SourceConfig
    from relwatch.http import Fetched, SourceSession

OPTIONS = OpenrouterOptions
DEFAULT_BASE_URL = OPENROUTER_URL
COMPLETE_LISTING = True  # the listing holds every model OpenRouter serves, so one that leaves it is gone
STEADY_COUNT = True

LISTING_PATH = "/api/v1/models"
MODALITIES = ("output_modalities", "all")


def listing_url(base_url: str) -> str:
    return f"{base_url}{LISTING_PATH}?{urlencode([MODALITIES])}"


def fetch(source: SourceConfig, session: SourceSession) -> AsyncIterator[Page]:
    author = options_as(source.options, OpenrouterOptions).author

    def parse_page(fetched: Fetched) -> tuple[list[Artifact], str | None]:
        page = catalogue_page(fetched)
        wanted = author.lower()
        parsed = PricedParsed.of(parse_models(page.models.get(wanted, []), author, source.base_url, fetched.url))
        quotes, unreadable = readable_quotes(author_quotes(page.priced.get(wanted, []), author))
        parsed.prices.quotes.extend(quotes)
        parsed.skipped.extend(unreadable)
        parsed.prices.catalogue = len(page.items)
        return parsed, next_page_url(page.payload, source.base_url)

    return follow_pages(session, listing_url(source.base_url), parse_page)


@dataclass(frozen=True, kw_only=True)
class CataloguePage:
    """One listing response, read once for every source that shares it (the catalogue is one
    request filtered per author): its JSON, its `data` items, and those items by author, in
    listing order. `models`: keyed as `parse_models` keeps items (the id's author, lower-case);
    `priced`: keyed as `author_quotes` keeps quotes (the author of `prices.openrouter_quote`'s
    model id). Parsing one author's items gives what parsing them all and keeping its own gives:
    a variant's base id has its author."""

    payload: Any
    items: list[Any]
    models: dict[str, list[dict[str, Any]]]
    priced: dict[str, list[Any]]


# response id → its CataloguePage, dropped with the response. Parsers only read it.
_PAGES: dict[int, CataloguePage] = {}


def catalogue_page(fetched: Fetched) -> CataloguePage:
    """The response read as a CataloguePage, once however many sources read it (SourceError as
    `Fetched.json` and `listing_items`; a failure is not kept)."""
    key = id(fetched)
    if key not in _PAGES:
        payload = fetched.json()
        items = listing_items(payload, fetched.url)
        models: dict[str, list[dict[str, Any]]] = {}
        priced: dict[str, list[Any]] = {}
        for item in items:
            model_id = _model_id(item) if isinstance(item, dict) else None
            if model_id is not None:
                models.setdefault(model_id.split("/", 1)[0].lower(), []).append(item)
            listing_id = item.get("id") if isinstance(item, Mapping) else None
            if isinstance(listing_id, str):
                priced.setdefault(split_variant(listing_id.strip())[0].split("/", 1)[0].lower(), []).append(item)
        _PAGES[key] = CataloguePage(payload=payload, items=items, models=models, priced=priced)
        weakref.finalize(fetched, _PAGES.pop, key, None)
    return _PAGES[key]


def listing_items(payload: Any, where: str) -> list[Any]:
    """The `data` array of a listing; the one part of the shape this source cannot do without."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise SourceError(f"expected a JSON object with a 'data' array of models from {where}")
    items: list[Any] = payload["data"]
    return items


class PricedParsed(Parsed):
    """A page's artifacts with its price reads (`Page.prices`)."""

    def __init__(self, parsed: Parsed) -> None:
        super().__init__(parsed, parsed.skipped)
        self.prices = PagePrices()

    @classmethod
    def of(cls, parsed: Parsed) -> PricedParsed:
        """`parsed` with an empty price read to fill."""
        return cls(parsed)


def author_quotes(items: list[Any], author: str) -> list[Quote]:
    """The offers of `author`'s models in a listing (free variants included as offers of their
    own), with their `pricing` exact (`prices.openrouter_quote`)."""
    wanted = author.lower()
    return [q for q in openrouter_quotes(items) if q.offer.model_id.split("/", 1)[0].lower() == wanted]


def next_page_url(payload: dict[str, Any], base_url: str = DEFAULT_BASE_URL) -> str | None:
    """`links.next` made absolute, still asking for every output modality (the documented
    example link, `/api/v1/models?offset=500&limit=500`, does not repeat the filter)."""
    links = payload.get("links")
    link = links.get("next") if isinstance(links, dict) else None
    if not isinstance(link, str) or not link.strip():
        return None
    parts = urlsplit(urljoin(base_url + "/", link.strip()))
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(key == MODALITIES[0] for key, _ in query):
        query.append(MODALITIES)
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_models(items: list[Any], author: str, base_url: str = DEFAULT_BASE_URL, where: str = "the page") -> Parsed:
    """The models of `author` in one listing page.

    Relies on each item's `id` (`author/slug`, sometimes `author/slug:variant`); items without
    one are skipped. A variant (`:free`, `:thinking`) whose base id is in the same page is folded
    into the base's `extra["variants"]`; a variant alone is kept. `~author/…-latest` aliases are
    skipped: they point at another listed model. An item that cannot be read is left out and
    listed in `skipped` (see `base.parse_each`).
    """
    models = [item for item in items if isinstance(item, dict) and _model_id(item)]
    ids = {_model_id(item) for item in models}
    variants: dict[str, list[str]] = {}
    kept: list[dict[str, Any]] = []
    for item in models:
        model_id = _model_id(item)
        assert model_id is not None
        if model_id.startswith("~") or model_id.split("/", 1)[0].lower() != author.lower():
            continue
        base, colon, variant = model_id.partition(":")
        if colon and base in ids:
            variants.setdefault(base, []).append(variant)
            continue
        kept.append(item)
    return parse_each(kept, lambda item: parse_model(item, base_url, variants.get(item["id"], [])), where)


def parse_model(item: dict[str, Any], base_url: str = DEFAULT_BASE_URL, variants: Sequence[str] = ()) -> Artifact:
    """One model object → an artifact; ValueError for a `created` that is no readable time."""
    model_id = _model_id(item)
    assert model_id is not None
    hf_id = item.get("hugging_face_id")
    return Artifact(
        external_id=model_id,
        name=display_name(item.get("name"), model_id),
        url=f"{base_url}/{model_id}",
        date=read_time(item.get("created")),
        date_kind=DateKind.LISTED,
        tier_hint=Openness.API,
        weights_ref=hub_repo_id(hf_id) if isinstance(hf_id, str) else None,
        extra=_extra(item, variants),
        raw=item,
    )


def display_name(name: Any, model_id: str) -> str:
    """`"Google: Gemini 2.5 Pro"` → `"Gemini 2.5 Pro"`; the slug when there is no name."""
    if not isinstance(name, str) or not name.strip():
        return model_id.split("/", 1)[-1]
    _vendor, colon, rest = name.partition(": ")
    return (rest if colon and rest.strip() else name).strip()


def _extra(item: dict[str, Any], variants: Sequence[str]) -> dict[str, Any]:
    architecture = table(item.get("architecture"))
    pricing = table(item.get("pricing"))
    extra = {
        "modality": text_or_none(architecture.get("modality")),
        "input_modalities": strings(architecture.get("input_modalities")),
        "output_modalities": strings(architecture.get("output_modalities")),
        "context_length": int_or_none(item.get("context_length")),
        "canonical_slug": text_or_none(item.get("canonical_slug")),
        "price_prompt": text_or_none(pricing.get("prompt")),  # USD per token, as the API writes it
        "price_completion": text_or_none(pricing.get("completion")),
        "knowledge_cutoff": normalise_time(item.get("knowledge_cutoff")),
        "expiration_date": normalise_time(item.get("expiration_date")),
        "variants": sorted(variants),
    }
    return {key: value for key, value in extra.items() if value not in (None, [])}


def _model_id(item: dict[str, Any]) -> str | None:
    value = item.get("id")
    return value if isinstance(value, str) and "/" in value else None
