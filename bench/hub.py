"""The synthetic hub: Hugging Face-shaped listings, an OpenRouter catalogue and changelog pages.

Served on 127.0.0.1 by an asyncio HTTP/1.1 server (keep-alive) in a background thread. Every
request waits `latency` seconds before it is answered, in `asyncio.sleep`, so concurrent requests
overlap as they would over a real network. Pages carry weak ETags; a request whose
`If-None-Match` matches is answered 304 with no body.

Data is deterministic: vendor `k` publishes under org `labKKKK`, with model lines named like the
real ones (`lab0003-lm-2.5-7b-instruct-gguf` belongs to family `lab0003-lm-2.5`), licences from
permissive to non-commercial, gated repos, quantised and fine-tuned derivatives with
`base_model:` tags, and a few fine-tunes of another lab's model. Listing items are the real
`google/flan-t5-xxl` model info recorded in ../shared/payloads, projected onto the `expand` fields,
with these fields replaced, so each is about 2.5 KB, like a real `expand=cardData` item.

Counts drift like the real Hub's: `Hub.night` (0 at first) moves every repository's `downloads`
(a rolling 30-day count) and `likes` by a deterministic amount per night, and nothing else, so a
listing page's body and ETag change every night while no repository does. Listings are newest
first, which is also `lastModified` descending (every repository was last modified 3 days after
its creation).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random
import threading
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from relwatch.sources.huggingface import EXPAND

PAYLOADS = Path(__file__).resolve().parents[2] / "shared" / "payloads"  # public recordings, beside the clone
HF_MAX_PAGE = 1000
START = date(2026, 5, 1)  # the newest release of every lab is near this day

# model lines: (name, pipeline tag)
LINES = (
    ("lm", "text-generation"),
    ("coder", "text-generation"),
    ("vl", "image-text-to-text"),
    ("embed", "feature-extraction"),
    ("tts", "text-to-speech"),
)
SIZES = ("0.5b", "1.5b", "3b", "7b", "14b", "32b", "72b")
ROLES = ("base", "instruct")
FORMATS = ("", "gguf", "awq", "fp8")
# (licence tag, gated): permissive, custom, non-commercial, and a gated custom licence
LICENCES = (("apache-2.0", False), ("mit", False), ("other", False), ("cc-by-nc-4.0", False), ("llama3.1", True))


@dataclass(frozen=True, kw_only=True)
class Repo:
    """One synthetic repository: what varies between items of a listing."""

    org: str
    name: str
    created: datetime
    pipeline_tag: str
    licence: str
    gated: bool
    parameters: int | None
    base: str | None  # the repo it is built on
    relation: str | None  # finetune | quantized
    downloads: int
    likes: int

    @property
    def repo_id(self) -> str:
        return f"{self.org}/{self.name}"


def org_name(index: int) -> str:
    return f"lab{index:04d}"


@dataclass(frozen=True, kw_only=True)
class LabRelease:
    """One launch of one model line: its repositories share the family `stem`."""

    stem: str  # e.g. `lab0003-lm-2.5`
    pipeline_tag: str
    day: date
    repos: int
    licence: str
    gated: bool


@lru_cache(maxsize=256)
def lab_releases(index: int, count: int) -> tuple[LabRelease, ...]:
    """The releases that hold lab `index`'s `count` repositories, newest first, 1–6 days apart.

    Each line's versions rise with time (`-lm-1`, `-lm-1.5`, `-lm-2`, …) like a real lab's.
    """
    rng = random.Random(index)
    plan: list[tuple[date, int, str, bool]] = []
    day, left = START - timedelta(days=rng.randrange(30)), count
    while left > 0:
        size = min(rng.randint(8, 24), left)
        licence, gated = LICENCES[rng.randrange(len(LICENCES))]
        plan.append((day, size, licence, gated))
        left -= size
        day -= timedelta(days=rng.randint(1, 6))
    releases = []
    for number, (day, size, licence, gated) in enumerate(reversed(plan)):  # oldest first
        line, pipeline = LINES[number % len(LINES)]
        step = number // len(LINES)
        version = f"{1 + step // 2}" + (".5" if step % 2 else "")
        stem = f"{org_name(index)}-{line}-{version}"
        releases.append(LabRelease(stem=stem, pipeline_tag=pipeline, day=day, repos=size, licence=licence, gated=gated))
    return tuple(reversed(releases))


@lru_cache(maxsize=64)  # enough for the labs being paged at once; the big memory run has 250 × 4,000
def lab_repos(index: int, count: int) -> tuple[Repo, ...]:
    """`count` repositories of lab `index`, newest first: variants (size × role × format) of its releases."""
    rng = random.Random(-index - 1)
    org = org_name(index)
    other = org_name(index + 1)
    repos: list[Repo] = []
    for release in lab_releases(index, count):
        variants = [(s, r, f) for s in rng.sample(SIZES, 3) for r in ROLES for f in FORMATS]
        rng.shuffle(variants)
        for size, role, fmt in variants[: release.repos]:
            stem = f"{release.stem}-{size}"
            base, relation = None, None
            if fmt:
                base, relation = f"{org}/{stem}-{role}", "quantized"
            elif role == "instruct":
                base, relation = f"{org}/{stem}-base", "finetune"
            if rng.random() < 0.03:  # a fine-tune of another lab's model: not this lab's release
                base, relation = f"{other}/{other}-lm-1-7b-base", "finetune"
            start = datetime(release.day.year, release.day.month, release.day.day, 9, tzinfo=UTC)
            repos.append(
                Repo(
                    org=org,
                    name=f"{stem}-{role}" + (f"-{fmt}" if fmt else ""),
                    created=start + timedelta(minutes=rng.randrange(3 * 24 * 60)),
                    pipeline_tag=release.pipeline_tag,
                    licence=release.licence,
                    gated=release.gated,
                    parameters=None if fmt == "gguf" else _parameters(size),
                    base=base,
                    relation=relation,
                    downloads=rng.randrange(100, 2_000_000),
                    likes=rng.randrange(0, 3_000),
                )
            )
    return tuple(sorted(repos, key=lambda r: (r.created, r.name), reverse=True))


@dataclass(frozen=True, kw_only=True)
class ApiModel:
    """A model a lab serves by API: a closed `-max` line, or an open line listed before its weights."""

    model_id: str  # `org/slug`
    listed: datetime
    weights: str | None  # the repo that holds its weights, when it has any


def api_models(index: int, repos: int, count: int) -> list[ApiModel]:
    """`count` API models of lab `index` over its newest releases.

    Every third is the release's own line listed 20 days before its weights came out (closed
    first, open later); the others are API-only `-max` lines listed on the release day.
    """
    org = org_name(index)
    models = []
    for number, release in enumerate(lab_releases(index, repos)[:count]):
        moment = datetime(release.day.year, release.day.month, release.day.day, 17, tzinfo=UTC)
        if number % 3 == 0:
            weights = f"{org}/{release.stem}-7b-instruct"
            listed = moment - timedelta(days=20)
            models.append(ApiModel(model_id=f"{org}/{release.stem}", listed=listed, weights=weights))
        else:
            models.append(ApiModel(model_id=f"{org}/{release.stem}-max", listed=moment, weights=None))
    return models


def changelog_entries(index: int, repos: int, sections: int) -> list[tuple[date, list[str]]]:
    """Dated sections of lab `index`'s release notes: each announces a release's `-max` and `-flash` ids."""
    return [
        (release.day - timedelta(days=1), [f"{release.stem}-max", f"{release.stem}-flash"])
        for release in lab_releases(index, repos)[:sections]
    ]


def _parameters(size: str) -> int:
    return int(float(size[:-1]) * 1e9)


def _iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class HfItems:
    """Renders `Repo`s as listing items, reusing the fixture item's constant parts."""

    def __init__(self) -> None:
        model = json.loads((PAYLOADS / "hf_model_info_google_flan-t5-xxl.json").read_text())
        template = {key: model[key] for key in ("_id", "id", *EXPAND) if key in model}
        self.template_tags = [t for t in template["tags"] if not t.startswith(("license:", "text2text", "t5"))]
        card = template["cardData"]
        self.cards = {
            (licence, gated): json.dumps(
                {**card, "license": licence}
                | ({"license_name": "lab-community-licence"} if licence == "other" else {})
                | ({"extra_gated_prompt": "You agree to the Lab Community Licence."} if gated else {})
            )
            for licence, gated in LICENCES
        }

    def render(self, repo: Repo, night: int = 0) -> bytes:
        """One listing item; `night` > 0 moves its downloads and likes as that many nights of use would."""
        tags = [*self.template_tags, repo.pipeline_tag, f"license:{repo.licence}"]
        if repo.base:
            tags += [f"base_model:{repo.base}", f"base_model:{repo.relation}:{repo.base}"]
        fields: dict[str, Any] = {
            "_id": hashlib.sha1(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.org,
            "createdAt": _iso_ms(repo.created),
            "lastModified": _iso_ms(repo.created + timedelta(days=3)),
            "gated": "manual" if repo.gated else False,
            "private": False,
            "disabled": False,
            "tags": tags,
            "pipeline_tag": repo.pipeline_tag,
            "library_name": "transformers",
            "safetensors": {"parameters": {"BF16": repo.parameters}, "total": repo.parameters}
            if repo.parameters
            else None,
            "sha": hashlib.sha1(repo.name.encode()).hexdigest(),
            "downloads": repo.downloads + night * drift(repo.name, 5_000),
            "likes": repo.likes + night * drift(repo.name, 4),
        }
        head = json.dumps(fields)
        return (head[:-1] + ', "cardData": ' + self.cards[(repo.licence, repo.gated)] + "}").encode()


def drift(name: str, most: int) -> int:
    """A repository's own nightly change of a count: 1 to `most`, fixed by its name."""
    return 1 + zlib.crc32(name.encode()) % most


@dataclass
class Counters:
    requests: int = 0
    not_modified: int = 0
    bytes: int = 0  # response bodies
    listings: dict[str, int] = field(default_factory=dict)  # Hugging Face org → listing requests

    def snapshot(self) -> Counters:
        return Counters(self.requests, self.not_modified, self.bytes, dict(self.listings))


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.sha1(body).hexdigest()[:20] + '"'


class Hub:
    """What the server answers: HF listings per org, an OpenRouter catalogue, changelog pages.

    `memo`: keep rendered pages (fast answers; memory grows with the data). Off for the big
    memory run, where each page is rendered when asked for.
    """

    def __init__(self, *, memo: bool = True):
        self.items = HfItems()
        self.orgs: dict[str, int] = {}  # org → repo count
        self.memo = memo
        self.pages: dict[tuple[str, int, int, int], tuple[bytes, str]] = {}
        self.night = 0  # nights of drift of the download and like counts
        self.static: dict[str, tuple[bytes, str, str]] = {}  # path → body, content type, etag
        self.base_url = ""

    def add_lab(self, index: int, repos: int) -> str:
        org = org_name(index)
        self.orgs[org] = repos
        return org

    def add_page(self, path: str, body: bytes, content_type: str) -> None:
        self.static[path] = (body, content_type, etag_of(body))

    def answer(self, target: str, if_none_match: str | None) -> Reply:
        parts = urlsplit(target)
        if parts.path in self.static:
            body, content_type, etag = self.static[parts.path]
            return self._reply(body, content_type, etag, if_none_match, {})
        if parts.path == "/api/models":
            return self._listing(parts.query, if_none_match)
        return Reply(404, b'{"error": "not found"}', {"Content-Type": "application/json"})

    def _listing(self, query: str, if_none_match: str | None) -> Reply:
        params = parse_qsl(query, keep_blank_values=True)
        args = dict(params)
        org = args.get("author", "")
        count = self.orgs.get(org, 0)
        limit = max(1, min(int(args.get("limit", HF_MAX_PAGE)), HF_MAX_PAGE))
        cursor = args.get("cursor")
        offset = int(base64.urlsafe_b64decode(cursor).decode()) if cursor else 0
        body, etag = self._page(org, count, offset, limit)
        headers = {}
        if offset + limit < count:
            kept = [(k, v) for k, v in params if k != "cursor"]
            kept.append(("cursor", base64.urlsafe_b64encode(str(offset + limit).encode()).decode()))
            headers["Link"] = f'<{self.base_url}/api/models?{urlencode(kept)}>; rel="next"'
        return self._reply(body, "application/json; charset=utf-8", etag, if_none_match, headers)

    def _page(self, org: str, count: int, offset: int, limit: int) -> tuple[bytes, str]:
        key = (org, offset, limit, self.night)
        if key in self.pages:
            return self.pages[key]
        repos = lab_repos(int(org.removeprefix("lab")), count)[offset : offset + limit] if count else ()
        body = b"[" + b", ".join(self.items.render(r, self.night) for r in repos) + b"]"
        page = (body, etag_of(body))
        if self.memo:
            self.pages[key] = page
        return page

    @staticmethod
    def _reply(body: bytes, content_type: str, etag: str, if_none_match: str | None, headers: dict[str, str]) -> Reply:
        if if_none_match == etag:
            return Reply(304, b"", {"ETag": etag, **headers})
        return Reply(200, body, {"Content-Type": content_type, "ETag": etag, **headers})


def openrouter_catalogue(labs: list[int], repos: int, per_lab: int) -> bytes:
    """`{"data": [...]}`: `api_models` of each lab, shaped like the recorded catalogue's first item."""
    recorded = json.loads((PAYLOADS / "openrouter_api_v1_models_2026-05-15.json").read_text())["data"]
    template = recorded[0]
    models = [
        template
        | {
            "id": model.model_id,
            "canonical_slug": f"{model.model_id}-{model.listed:%Y%m%d}",
            "name": f"Lab {index}: {model.model_id.split('/')[1]}",
            "created": int(model.listed.timestamp()),
            "hugging_face_id": model.weights,
        }
        for index in labs
        for model in api_models(index, repos, per_lab)
    ]
    return json.dumps({"data": models}).encode()


def changelog_page(index: int, repos: int, sections: int) -> bytes:
    """A release-notes page of `changelog_entries`: a dated h2 per section, model ids in <code>."""
    parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Release notes</title></head><body>']
    parts.append("<nav><a href='/'>Home</a></nav><main><h1>Release notes</h1>")
    for day, ids in changelog_entries(index, repos, sections):
        codes = " and ".join(f"<code>{model_id}</code>" for model_id in ids)
        parts.append(
            f'<h2 id="{day:%m-%d-%Y}">{day:%B} {day.day}, {day.year}</h2>'
            f"<ul><li>Released {codes} in the API.</li><li>Improved latency for batch requests.</li></ul>"
        )
    parts.append("</main><footer>© Lab</footer></body></html>")
    return "".join(parts).encode()


class HubServer:
    """Serves a `Hub` on 127.0.0.1 from an asyncio loop in a daemon thread."""

    def __init__(self, hub: Hub, latency: float = 0.0):
        self.hub = hub
        self.latency = latency
        self.counters = Counters()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="hub")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubServer:
        self._thread.start()
        self._ready.wait()
        self.hub.base_url = self.url
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").split("\r\n")
                target = request_line.split(" ")[1]
                headers = {}
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                reply = self.hub.answer(target, headers.get("if-none-match"))
                if self.latency:
                    await asyncio.sleep(self.latency)
                self._count(target, reply)
                writer.write(_response_bytes(reply))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def _count(self, target: str, reply: Reply) -> None:
        parts = urlsplit(target)
        if parts.path == "/api/models":
            org = dict(parse_qsl(parts.query)).get("author", "")
            self.counters.listings[org] = self.counters.listings.get(org, 0) + 1
        self.counters.requests += 1
        self.counters.not_modified += reply.status == 304
        self.counters.bytes += len(reply.body)


REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found"}


def _response_bytes(reply: Reply) -> bytes:
    lines = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'OK')}"]
    lines += [f"{name}: {value}" for name, value in reply.headers.items()]
    if reply.status != 304:
        lines.append(f"Content-Length: {len(reply.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body
