"""Linear-time matching of the patterns a config gives (`models`, `families`): RE2 (issue 11/16).

Cheap to import apart from `re2` itself, which loads on the first compile: reading a config
must not load a source's parsing code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class MatchLike(Protocol):
    """The part of a match object that mentions use (from `re` or `re2`)."""

    def start(self) -> int: ...
    def end(self) -> int: ...


class Models(Protocol):
    """A compiled pattern (`models`, `families`): linear-time (RE2) in the shipped code, any `re`-like
    object in tests."""

    def finditer(self, text: str) -> Iterator[MatchLike]: ...
    def match(self, text: str) -> MatchLike | None: ...
    def fullmatch(self, text: str) -> MatchLike | None: ...
    def search(self, text: str) -> MatchLike | None: ...


def compile_models(pattern: str, ignore_case: bool) -> Models:
    """`pattern` compiled with RE2, so matching a page is linear in its size (issue 11/16).

    Raises ValueError with RE2's reason if RE2 cannot compile it (backreferences, look-around);
    the config is checked this way when it is read.
    """
    import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False
    try:
        compiled: Models = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(reason) from None
    return compiled
