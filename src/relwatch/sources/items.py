"""What every parser shares for reading one upstream item at a time.

A page's items are read one by one: an item that cannot be read (an impossible date, a number
out of range, an id too long or holding control characters) is skipped and named in the page's
`skipped` list, and the rest of the page is kept. One bad upstream item never costs a source its
whole page, nor a sync its run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from relwatch.errors import SourceError
from relwatch.models import Artifact

MAX_ID_LENGTH = 512  # far above any real repository, model or tag id (the Hub caps a repo id at 96)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_INT64 = (-(2**63), 2**63 - 1)
# The Hub's repo-id rules (huggingface_hub `validate_repo_id`): `namespace/name`, each part 1-96 of
# letters, digits, `.`, `_` and `-`, neither starting nor ending with `.` or `-`, no `--` or `..`.
HUB_PART = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?", re.ASCII)
HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
# First path segments of Hub pages that are no model repository (the Hub reserves them as names):
# a collection, a dataset or a Space is not the weights of one model.
HUB_PAGES = frozenset({"collections", "datasets", "spaces", "models", "papers", "docs", "blog", "organizations"})


def table(value: Any) -> dict[str, Any]:
    """A JSON object field as a dict; anything else (missing, a list, a string) as an empty one."""
    return value if isinstance(value, dict) else {}


class Parsed(list[Artifact]):
    """The artifacts of one page, and `skipped`: one line per item that could not be read."""

    def __init__(self, artifacts: Iterable[Artifact] = (), skipped: Iterable[str] = ()) -> None:
        super().__init__(artifacts)
        self.skipped = list(skipped)


Item = TypeVar("Item")


def parse_each(items: Iterable[Item], parse: Callable[[Item], Artifact | None], where: str) -> Parsed:
    """`parse` applied to each item; an item it returns None for is left out on purpose.

    An item that `parse` cannot read (it raises ValueError, TypeError, KeyError, AttributeError,
    OverflowError, UnicodeError or SourceError) or whose artifact `check_artifact` refuses is
    skipped, and `skipped` says which and why: one bad upstream item never costs the rest of its page
    (rule from the nightly-sync hardening: a poison item is counted, not fatal).
    """
    parsed = Parsed()
    for index, item in enumerate(items):
        try:
            artifact = parse(item)
            if artifact is not None:
                check_artifact(artifact)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, UnicodeError, SourceError) as exc:
            parsed.skipped.append(f"item {index + 1} of {where}: {exc}")
            continue
        if artifact is not None:
            parsed.append(artifact)
    return parsed


def check_artifact(artifact: Artifact) -> None:
    """ValueError when an artifact cannot be stored or shown safely.

    White space around its id is removed first (upstream ids `a` and `a ` are one id). Its id
    must be 1..512 characters without control, bidirectional or zero-width characters; its id,
    name and url must be valid Unicode (no lone surrogate); its numbers must fit SQLite's signed
    64-bit integers.
    """
    artifact.external_id = check_id(artifact.external_id.strip())
    for text in (artifact.name, artifact.url):
        if text is not None:
            text.encode("utf-8")
    for number in (artifact.parameters, artifact.downloads, artifact.likes):
        if number is not None and not _INT64[0] <= number <= _INT64[1]:
            raise ValueError(f"number {number} is out of range for '{artifact.external_id[:80]}'")


def check_id(external_id: str) -> str:
    """`external_id` itself, or ValueError naming what is wrong with it (see `check_artifact`)."""
    if not external_id or len(external_id) > MAX_ID_LENGTH:
        raise ValueError(f"id of {len(external_id)} characters (1 to {MAX_ID_LENGTH} allowed)")
    if _CONTROL.search(external_id):
        raise ValueError(f"id {external_id[:80].encode('unicode_escape').decode()} holds control characters")
    try:
        external_id.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"id {external_id[:80].encode('unicode_escape').decode()} is not valid Unicode") from None
    return external_id


def hub_repo_id(value: str) -> str | None:
    """`value` (spaces around it ignored) if it is a well-formed Hugging Face repo id
    (`org/name`, the rules of HUB_PART for each part, exactly one `/`, no `.git` ending), else None.

    A catalogue's `hugging_face_id` is upstream text: `../../etc/passwd`, a name with spaces or
    a 300-character id must not become weights evidence.
    """
    repo_id = value.strip()
    parts = repo_id.split("/")
    if len(parts) != 2 or repo_id.endswith(".git"):
        return None
    if all(HUB_PART.fullmatch(part) and "--" not in part and ".." not in part for part in parts):
        return repo_id
    return None


def weights_ref(value: str) -> str | None:
    """What a weights link may be kept as: a Hub repo id checked by `hub_repo_id` (a bare id, or a
    huggingface.co URL already reduced to one; never a Hub page of `HUB_PAGES`, such as
    `datasets/…` or a collection), or another absolute http(s) URL without spaces; anything else
    is None."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        repo_id = hub_repo_id(value)
    elif not parts.hostname or any(c.isspace() for c in value) or _CONTROL.search(value):
        return None
    elif parts.hostname.lower() in HUB_HOSTS:
        repo_id = hub_repo_id("/".join(s for s in parts.path.split("/") if s))
    else:
        return value
    return repo_id if repo_id and repo_id.split("/", 1)[0].lower() not in HUB_PAGES else None
