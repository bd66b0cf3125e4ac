"""The module that implements each source kind, imported on first use to keep start-up cheap.

The kinds and their options are declared in `relwatch.kinds`; every module offers the same
entry points (`relwatch.sources.base.SourceKind`), so the sync never special-cases a kind.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from relwatch.kinds import KINDS
from relwatch.sources.base import IncrementalKind, SourceKind

if TYPE_CHECKING:  # mypy checks here that each module implements the contract
    from relwatch.sources import changelog, feed, github, huggingface, modelscope, modelsdev, openrouter, pricehistory

    IMPLEMENTED: tuple[SourceKind, ...] = (
        changelog,
        feed,
        github,
        huggingface,
        modelscope,
        modelsdev,
        openrouter,
        pricehistory,
    )
    INCREMENTAL: tuple[IncrementalKind, ...] = (huggingface,)


def load(kind: str) -> SourceKind:
    """The module of `kind` (a key of `relwatch.kinds.KINDS`; KeyError for another)."""
    return cast(SourceKind, importlib.import_module(KINDS[kind].MODULE))


def incremental(kind: str) -> IncrementalKind | None:
    """The module of `kind` if it can list only what changed since the last sync, else None."""
    module = load(kind)
    return module if isinstance(module, IncrementalKind) else None
