"""Hub look-ups: the model info of open models known only from a catalogue.

A catalogue entry that points at Hub weights (OpenRouter's `hugging_face_id`, a models.dev
weights link: `weights_ref`) says nothing of their licence, gating or size. When no stored
listing holds that repository, a sync asks the Hub for it alone,
`GET {base_url}/api/models/{repo_id}?expand=…` (the listing's `expand` fields), and stores the
answer as an artifact of kind `huggingface` of the catalogue's vendor, in the source
`<vendor>/huggingface-lookup/catalogue` that relwatch keeps itself. Classification then treats
it as the vendor's repository: the catalogue entry joins its release and the tier comes from the
weights' own licence and gating (issue 12, Deliver 2).

Bounded and cached: at most MAX_LOOKUPS repositories a sync (the rest on the next one), never a
repository already stored (a found one is stored, so it is never asked again; the vendor's own
listing keeps it current once configured), and one the Hub did not answer for is asked again
only after RETRY_DAYS. A repository whose organisation belongs to another configured vendor is
left to that vendor's listing, and so is one in an organisation whose configured Hugging Face
listing has been read to its end (`last_full_sweep` set): that listing holds every public
repository of the organisation, so one it does not hold would only answer 404 (a first sync of
20 labs whose catalogue names 153 such repositories spent 153 of its 214 requests on them).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote, urlencode

from relwatch.config import SourceConfig
from relwatch.dates import iso_utc
from relwatch.errors import NotRecorded, RateLimited, RelwatchError
from relwatch.kinds import HuggingfaceOptions
from relwatch.models import Artifact, SourceCounts
from relwatch.sources import huggingface
from relwatch.sources.base import Page

if TYPE_CHECKING:
    from relwatch.config import Config
    from relwatch.http import Http
    from relwatch.store import Store

MAX_LOOKUPS = 200  # repositories asked for in one sync
RETRY_DAYS = 7  # a repository the Hub did not answer for is asked again after this many days
FOUND = "found"
CATALOGUE_KINDS = ("openrouter", "modelsdev")  # the kinds whose entries carry `weights_ref`
_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")


@dataclass(kw_only=True)
class LookupReport:
    """What one sync's look-ups did: repositories asked for, found, and lines for those that failed."""

    asked: int = 0
    found: int = 0
    left: int = 0  # candidates beyond MAX_LOOKUPS, for the next sync
    errors: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)  # vendors that got new artifacts

    def add(self, other: LookupReport) -> None:
        """Count `other` (one vendor's look-ups) in this report."""
        self.asked += other.asked
        self.found += other.found
        self.left += other.left
        self.errors += other.errors
        self.vendors += other.vendors


class Answer(NamedTuple):
    """What asking for one repository gave: its artifact, or why not; `remember`: false when the
    Hub did not answer (a rate limit, a replay without it), so that the next sync asks again."""

    vendor: str
    repo_id: str
    artifact: Artifact | None
    outcome: str
    remember: bool = True


def lookup_source_id(vendor: str) -> str:
    """The source that holds a vendor's looked-up repositories."""
    return f"{vendor}/huggingface-lookup/catalogue"


def model_info_url(base_url: str, repo_id: str) -> str:
    """One repository's model info with every field the listing parser reads."""
    params = urlencode([("expand", name) for name in huggingface.EXPAND])
    return f"{base_url}/api/models/{quote(repo_id, safe='/')}?{params}"


def choose(
    refs: Iterable[tuple[str, str]],
    stored: set[str],
    recent: set[str],
    org_vendors: Mapping[str, str],
    swept: frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """The (vendor, repo id) pairs to ask for, in order (pure): well-formed repo ids that are not
    stored (`stored`, lower-case), not asked for recently (`recent`, lower-case), not in another
    configured vendor's organisation (`org_vendors`: lower-case org → vendor), not in an
    organisation whose listing was read to its end (`swept`, lower-case), each once."""
    chosen: list[tuple[str, str]] = []
    seen: set[str] = set()
    for vendor, ref in refs:
        key = ref.strip().lower()
        if not _REPO_ID.fullmatch(ref.strip()) or ".." in key or key in stored or key in recent or key in seen:
            continue
        org = key.split("/", 1)[0]
        owner = org_vendors.get(org)
        if (owner is not None and owner != vendor) or org in swept:
            continue
        seen.add(key)
        chosen.append((vendor, ref.strip()))
    return chosen


def same_repo(answered: str, asked: str) -> bool:
    """Whether the Hub's `id` names the repository asked for (Hub ids are case-insensitive: a
    repository answers under its own spelling of the name). An answer for another repository is
    refused rather than stored under the name asked for."""
    return answered.strip().casefold() == asked.strip().casefold()


def hub_base_url(config: Config) -> str | None:
    """Where look-ups go: the base URL of the first configured Hugging Face source; without one,
    the Hub itself when every catalogue source reads its official host, else nowhere (a config
    that reads catalogues from a mirror never sends look-ups to the real Hub)."""
    hub = next((s.base_url for s in config.sources if s.kind == "huggingface"), None)
    if hub is not None:
        return hub
    catalogues = [s for s in config.sources if s.kind in CATALOGUE_KINDS]
    return huggingface.DEFAULT_BASE_URL if all(s.official for s in catalogues) else None


def swept_orgs(store: Store, config: Config, base_url: str) -> frozenset[str]:
    """Organisations (lower-case) whose Hugging Face listing on `base_url` has been read to its
    end at least once: their public repositories are all stored."""
    return frozenset(
        s.options.org.lower()
        for s in config.sources
        if isinstance(s.options, HuggingfaceOptions) and s.base_url == base_url and store.last_full_sweep(s.id)
    )


async def look_up(store: Store, config: Config, http: Http, vendors: list[str], now: str) -> LookupReport:
    """Ask the Hub for the repositories `vendors`' catalogue entries point at (see the module
    docstring) and store what it answers; `now` is ISO 8601 UTC. Failures are reported, not raised."""
    report = LookupReport()
    base_url = hub_base_url(config)
    if base_url is None:
        return report
    since = iso_utc(datetime.fromisoformat(now) - timedelta(days=RETRY_DAYS))
    from relwatch.releases import org_vendors_of

    org_vendors = org_vendors_of(config)
    swept = swept_orgs(store, config, base_url)
    # the rules that need no stored set first: most syncs end here, without reading every stored repository id
    candidates = choose(store.weights_refs(vendors), set(), set(), org_vendors, swept)
    if candidates:
        candidates = choose(candidates, store.stored_hub_repos(), store.recent_lookups(since), org_vendors, swept)
    if not candidates:
        return report
    report.left = max(0, len(candidates) - MAX_LOOKUPS)
    candidates = candidates[:MAX_LOOKUPS]
    token = next((os.environ[name] for name in HuggingfaceOptions.TOKEN_ENV if os.environ.get(name)), None)
    session = http.session(base_url, token=token)

    async def one(vendor: str, repo_id: str) -> Answer:
        try:
            fetched = await session.get(model_info_url(base_url, repo_id))
            item = fetched.json()
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                return Answer(vendor, repo_id, None, f"no model info at {fetched.url}")
            if not same_repo(item["id"], repo_id):
                return Answer(vendor, repo_id, None, f"the answer is for another repository ({item['id'][:80]!r})")
            return Answer(vendor, repo_id, huggingface.parse_model(item, base_url), FOUND)
        except (RateLimited, NotRecorded) as exc:  # not answered: asked again next sync
            return Answer(vendor, repo_id, None, str(exc), remember=False)
        except (RelwatchError, ValueError, TypeError) as exc:
            return Answer(vendor, repo_id, None, str(exc) or type(exc).__name__)

    answers = await asyncio.gather(*(one(vendor, repo_id) for vendor, repo_id in candidates))
    report.asked = len(answers)
    _store_answers(store, answers, base_url, now, report)
    return report


def _store_answers(store: Store, answers: list[Answer], base_url: str, now: str, report: LookupReport) -> None:
    """Merge the found repositories per vendor (with their look-up records, in one transaction
    each) and record the failures; one the Hub did not answer is not recorded."""
    from relwatch.store.ingest import SourceIngest

    by_vendor: dict[str, list[Artifact]] = {}
    for answer in answers:
        if answer.artifact is not None:
            by_vendor.setdefault(answer.vendor, []).append(answer.artifact)
    for vendor, artifacts in by_vendor.items():
        options = HuggingfaceOptions(org=vendor)  # never read: the look-up names repositories, not a listing
        source = SourceConfig(
            vendor=vendor, kind="huggingface", base_url=base_url, options=options, id=lookup_source_id(vendor)
        )
        store.ensure_source(source.id, vendor, source.kind, base_url)
        ingest = SourceIngest(store, source)
        ingest.add(Page(url=f"{base_url}/api/models", artifacts=artifacts, item_ids=[a.external_id for a in artifacts]))
        records = [(a.external_id, vendor, now, FOUND) for a in artifacts]

        def remember(_: SourceCounts, rows: list[tuple[str, str, str, str]] = records) -> None:
            store.record_lookups(rows)

        ingest.commit(now=now, complete=False, keep_validators=False, on_commit=remember)
        report.found += len(artifacts)
        report.vendors.append(vendor)
    failed = [a for a in answers if a.artifact is None]
    report.errors = [f"{a.repo_id}: {a.outcome}" for a in failed]
    with store.transaction():
        store.record_lookups([(a.repo_id, a.vendor, now, a.outcome) for a in failed if a.remember])
