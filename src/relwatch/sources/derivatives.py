"""Hugging Face Hub adoption of open releases, polled at milestones after their open day.

Derivatives: the repositories of OTHER owners whose `base_model` is one of a release's
repositories, counted by relation, from the Hub listing filtered by that base model:
`GET {base}/api/models?filter=base_model:ORG/REPO&limit=1000&expand=author&expand=tags`, paged by
`Link: rel="next"` like every listing (hub-docs and huggingface_hub, see sources-reference.md
§1.3). One listing per repository gives every relation: each derivative carries the tag
`base_model:<relation>:ORG/REPO` (relation `finetune`, `adapter`, `quantized` or `merge`) beside
`base_model:ORG/REPO`; a derivative with only the plain tag counts as `unspecified`. Only direct
derivatives count (a quantisation of a fine-tune names the fine-tune).

Milestones: +7, +30 and +90 days after the release's open day. A milestone is polled on the
first sync in [open day + m, open day + m + MILESTONE_SLACK_DAYS]; a milestone whose window has
passed is never filled in (the Hub keeps no history: a late count would not be the milestone's).
At the +30 milestone, a repository with no `downloads` count in the first-month window (the
listing did not carry it, e.g. an incremental listing that stopped before it) is read alone:
`GET {base}/api/models/ORG/REPO?expand=downloads&expand=downloadsAllTime&expand=likes`.

Requests are bounded per sync by `derivative_requests` in `[settings]` (default
DEFAULT_REQUESTS): download reads first, then derivative listings, oldest milestone first; what
the budget leaves is polled on the next sync. A listing cut by the budget is dropped and read
again next sync, unless it alone used the whole budget: then its count is stored as a floor
(`complete = 0`), so that one very popular base model cannot stall every later poll.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from relwatch.errors import RelwatchError, SourceError
from relwatch.sources.base import int_or_none, strings
from relwatch.value import FIRST_MONTH_DAYS, MILESTONE_SLACK_DAYS

if TYPE_CHECKING:
    from relwatch.http import SourceSession
    from relwatch.store import Store
    from relwatch.store.metrics import OpenRepo

MILESTONES = (7, 30, 90)  # days after the open day
RELATIONS = ("finetune", "adapter", "quantized", "merge")
UNSPECIFIED = "unspecified"
PAGE_SIZE = 1000
DEFAULT_REQUESTS = 100  # a fifth of the Hub's anonymous 500 API requests per 5 minutes
COUNT_EXPAND = ("downloads", "downloadsAllTime", "likes")


@dataclass(frozen=True, kw_only=True, slots=True)
class Poll:
    """One repository's derivative count due at one milestone (`due`: the milestone's day)."""

    release: str
    repo: str
    source_id: str
    milestone: int
    due: date


@dataclass(kw_only=True)
class AdoptionOutcome:
    """What the sync's adoption polling did: requests sent, download and derivative polls stored,
    polls left for the next sync, and the error that stopped it, if one did."""

    requests: int = 0
    download_polls: int = 0
    derivative_polls: int = 0
    deferred: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The outcome as `sync --format json` gives it."""
        return asdict(self)


def derivatives_url(base_url: str, repo: str, page_size: int = PAGE_SIZE) -> str:
    """The Hub listing of the repositories that name `repo` as a base model, first page."""
    params = [("filter", f"base_model:{repo}"), ("limit", str(page_size)), ("expand", "author"), ("expand", "tags")]
    return f"{base_url}/api/models?{urlencode(params)}"


def counts_url(base_url: str, repo: str) -> str:
    """The single-model request for a repository's counts (COUNT_EXPAND)."""
    return f"{base_url}/api/models/{quote(repo, safe='/')}?{urlencode([('expand', f) for f in COUNT_EXPAND])}"


def due_polls(repos: Iterable[OpenRepo], done: set[tuple[str, str, int]], today: date) -> list[Poll]:
    """The derivative polls due `today` (pure): each (release, repo, milestone) not in `done` whose
    window [open day + m, open day + m + MILESTONE_SLACK_DAYS] holds `today`, oldest due first."""
    polls = []
    for repo in repos:
        opened = date.fromisoformat(repo.released)
        for milestone in MILESTONES:
            due = opened + timedelta(days=milestone)
            if due <= today <= due + timedelta(days=MILESTONE_SLACK_DAYS) and (
                (repo.release, repo.repo, milestone) not in done
            ):
                polls.append(
                    Poll(release=repo.release, repo=repo.repo, source_id=repo.source_id, milestone=milestone, due=due)
                )
    return sorted(polls, key=lambda p: (p.due, p.release, p.repo))


def first_month_window(released: str) -> tuple[str, str]:
    """The days (first, last) on which a `downloads` count is the release's first-month count."""
    opens = date.fromisoformat(released) + timedelta(days=FIRST_MONTH_DAYS)
    return opens.isoformat(), (opens + timedelta(days=MILESTONE_SLACK_DAYS)).isoformat()


def relation_to(tags: Iterable[str], repo: str) -> str | None:
    """How a repository with `tags` derives from `repo` (pure): its `base_model:<relation>:<repo>`
    relation, `unspecified` when only `base_model:<repo>` names it, None when no tag does."""
    wanted = repo.lower()
    named = False
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag.removeprefix("base_model:")
        relation, _, target = rest.partition(":")
        if target.lower() == wanted and relation in RELATIONS:
            return relation
        named = named or rest.lower() == wanted
    return UNSPECIFIED if named else None


def count_relations(items: Sequence[Any], repo: str) -> Counter[str]:
    """Derivatives of `repo` on one listing page by relation (pure): items owned by `repo`'s own
    owner, items that are not model objects and items whose tags do not name `repo` are left out."""
    owner = repo.partition("/")[0].lower()
    counts: Counter[str] = Counter()
    for item in items:
        if not isinstance(item, dict):
            continue
        repo_id = item.get("id") or item.get("modelId")
        if not isinstance(repo_id, str) or "/" not in repo_id or repo_id.partition("/")[0].lower() == owner:
            continue
        relation = relation_to(strings(item.get("tags")), repo)
        if relation is not None:
            counts[relation] += 1
    return counts


class AdoptionPoller:
    """Polls the due first-month downloads and derivative counts of the open releases listed by
    the hub sources in `sessions` (source id → its session), within `budget` requests."""

    def __init__(self, store: Store, sessions: Mapping[str, SourceSession], *, budget: int, now: str):
        self.store = store
        self.sessions = sessions
        self.budget = budget
        self.now = now
        self.today = date.fromisoformat(now[:10])
        self.outcome = AdoptionOutcome()

    @property
    def remaining(self) -> int:
        """Requests the budget still allows."""
        return self.budget - self.outcome.requests

    async def run(self) -> AdoptionOutcome:
        """Poll what is due, store each result as it comes; an error stops polling and is reported
        in the outcome (one line), not raised."""
        if not self.sessions:
            return self.outcome
        repos = self.store.open_repos(list(self.sessions), since=self.oldest_due().isoformat())
        downloads = [r for r in repos if self._needs_downloads(r)]
        polls = due_polls(repos, self.store.derivative_polls_done(), self.today)
        done = 0
        try:
            for repo in downloads:
                if self.remaining <= 0:
                    break
                await self._poll_downloads(repo)
                done += 1
            for poll in polls:
                if self.remaining <= 0 or not await self._poll_derivatives(poll):
                    break
                done += 1
        except RelwatchError as exc:
            self.outcome.error = str(exc)
        except Exception as exc:  # a bug here must not fail a sync whose sources were merged
            self.outcome.error = f"unexpected {type(exc).__name__} while polling adoption: {exc}"
        self.outcome.deferred = len(downloads) + len(polls) - done
        return self.outcome

    def oldest_due(self) -> date:
        """The earliest open day with a poll that can still be due today: the last milestone's
        window (`MILESTONES`, `MILESTONE_SLACK_DAYS`) closes after it, the first month's before."""
        return self.today - timedelta(days=max(MILESTONES) + MILESTONE_SLACK_DAYS)

    def _needs_downloads(self, repo: OpenRepo) -> bool:
        first, last = first_month_window(repo.released)
        today = self.today.isoformat()
        return first <= today <= last and not self.store.metric_days(repo.artifact_id, first, last)

    async def _poll_downloads(self, repo: OpenRepo) -> None:
        from relwatch.http import HttpStatusError

        session = self.sessions[repo.source_id]
        url = counts_url(session.base_url, repo.repo)
        self.outcome.requests += 1
        try:
            fetched = await session.get(url)
        except HttpStatusError as exc:
            if exc.status == 404:  # gone since the listing: nothing to count
                return
            raise
        item = fetched.json()
        if not isinstance(item, dict):
            raise SourceError(f"expected a JSON object of model counts from {url}")
        self.store.record_metric(
            int(repo.artifact_id),
            self.today.isoformat(),
            downloads=int_or_none(item.get("downloads")),
            downloads_all_time=int_or_none(item.get("downloadsAllTime")),
            likes=int_or_none(item.get("likes")),
        )
        self.outcome.download_polls += 1

    async def _poll_derivatives(self, poll: Poll) -> bool:
        """Read the repository's derivative listing and store its counts; False when the budget
        ran out before its end (nothing stored, unless it had the whole budget: a floor)."""
        from relwatch.http import origin

        session = self.sessions[poll.source_id]
        whole_budget = self.remaining == self.budget
        url = derivatives_url(session.base_url, poll.repo)
        start, seen = origin(url), set()
        counts: Counter[str] = Counter()
        while url:
            if self.remaining <= 0:
                if not whole_budget:
                    return False
                break
            seen.add(url)
            self.outcome.requests += 1
            fetched = await session.get(url)
            page = fetched.json()
            if not isinstance(page, list):
                raise SourceError(f"expected a JSON array of models from {url}")
            counts += count_relations(page, poll.repo)
            url = fetched.links().get("next") or ""
            if url and (origin(url) != start or url in seen):
                raise SourceError(f"next link {url} of the derivatives of {poll.repo} loops or leaves the host")
        relations = {relation: counts.get(relation, 0) for relation in RELATIONS}
        if counts.get(UNSPECIFIED):
            relations[UNSPECIFIED] = counts[UNSPECIFIED]
        self.store.save_derivative_counts(
            release=poll.release,
            repo=poll.repo,
            milestone=poll.milestone,
            counts=relations,
            complete=not url,
            observed_at=self.now,
        )
        self.outcome.derivative_polls += 1
        return True
