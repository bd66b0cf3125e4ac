"""Model ids mentioned in prose, and the page URL: what the `feed` and `changelog` kinds share.

A source's `models` pattern says what an id looks like. It is matched anywhere, also inside
words, because text flattened from HTML runs inline code into the words around it
("Releasedgemini-2.0-flash-lite, a …"). Ids that run into each other are cut where the pattern
starts again ("gemini-2.0-flashgemini-2.0-flash-001" → two ids). What flattened text cannot
show is where an id ends when a word runs into its end ("gemini-2.5-flash-image-previewhas
been shut down" keeps the "has"): pages that keep their markup (HTML `<code>`, Markdown
backticks) are read fragment by fragment and do not have that problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import urlsplit, urlunsplit

from relwatch.patterns import Models

TRAILING = ".,;:!?)]}'\"`*-"  # what ends a sentence or a bracket around an id, never the id
EXCERPT_LIMIT = 200
MAX_ID_LENGTH = 200  # characters: a longer "id" is page noise or a hostile host, never a model
SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]|\n")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Mention:
    """A normalised model id and where its text sits in the text it was found in."""

    model_id: str
    start: int
    end: int


def find_mentions(text: str, models: Models) -> list[Mention]:
    """Every id in `text`, in order, with repeats."""
    mentions = []
    for match in models.finditer(text):
        if match.end() == match.start():
            continue
        for start, end in split_runs(text, match.start(), match.end(), models):
            raw = text[start:end].rstrip(TRAILING)
            model_id = normalise_id(raw, models)
            if model_id:
                mentions.append(Mention(model_id, start, start + len(raw)))
    return mentions


def model_ids(text: str, models: Models) -> list[str]:
    """The distinct ids in `text`, in the order they first appear."""
    return list(dict.fromkeys(m.model_id for m in find_mentions(text, models)))


def split_runs(text: str, start: int, end: int, models: Models) -> list[tuple[int, int]]:
    """Cut a match where the pattern starts again inside it, so run-together ids come apart.

    A position counts as a new start only if it follows a letter or digit (not a separator
    inside an id) and the pattern matches there but not one character earlier: a loose pattern
    that matches at every letter of a word is never cut. Each test looks at most MAX_ID_LENGTH
    characters ahead, so a page-long match is cut in time linear in its length.
    """

    starts: dict[int, bool] = {}

    def starts_at(position: int) -> bool:  # on a slice: RE2 re-encodes whatever text it is given
        if position not in starts:
            starts[position] = models.match(text[position : min(end, position + MAX_ID_LENGTH)]) is not None
        return starts[position]

    cuts = [p for p in range(start + 1, end) if text[p - 1].isalnum() and starts_at(p) and not starts_at(p - 1)]
    bounds = [start, *cuts, end]
    return list(pairwise(bounds))


def normalise_id(raw: str, models: Models) -> str | None:
    """Lower-case `raw` without trailing punctuation; None unless the pattern still matches all of it."""
    text = raw.rstrip(TRAILING)
    if not text or len(text) > MAX_ID_LENGTH or not models.fullmatch(text):
        return None
    return text.lower()


def sentence_around(text: str, start: int, end: int, limit: int = EXCERPT_LIMIT) -> str:
    """The sentence of `text` holding `text[start:end]`, whitespace collapsed, at most `limit` characters.

    A longer sentence is cut around the mention, with "…" where text was left out.
    """
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right_end = SENTENCE_END.search(text, end)
    right = right_end.end() if right_end else len(text)
    before = _collapse(text[left:start]).lstrip()
    mention = _collapse(text[start:end])[:limit]
    after = _collapse(text[end:right]).rstrip()
    if len(before) + len(mention) + len(after) <= limit:
        return before + mention + after
    room = max(limit - len(mention) - 2 * len(ELLIPSIS), 0)
    keep_before = min(len(before), room // 2)
    keep_after = min(len(after), room - keep_before)
    keep_before = min(len(before), room - keep_after)
    head = (ELLIPSIS + _from_word(before[len(before) - keep_before :])) if keep_before < len(before) else before
    tail = (_to_word(after[:keep_after]) + ELLIPSIS) if keep_after < len(after) else after
    return (head + mention + tail)[:limit]


def _from_word(text: str) -> str:
    """`text` without the part-word it starts with."""
    return text[text.find(" ") + 1 :] if " " in text.strip() else text


def _to_word(text: str) -> str:
    """`text` without the part-word it ends with."""
    return text[: text.rfind(" ")] if " " in text.strip() else text


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def page_url(url: str, base_url: str) -> str:
    """`url`, with its scheme and host replaced by `base_url`'s (by default the same ones).

    A path in `base_url` is put before `url`'s path, so a mirror may live under a prefix.
    """
    base = urlsplit(base_url)
    target = urlsplit(url)
    path = base.path.rstrip("/") + (target.path or "/")
    return urlunsplit((base.scheme, base.netloc, path, target.query, target.fragment))
