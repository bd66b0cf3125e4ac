"""The source kinds relwatch knows: a name → the module that implements it.

Every module offers the same entry points (see `relwatch.sources.base`), so the sync never
special-cases a kind. Modules are imported on first use to keep start-up cheap.
"""

from __future__ import annotations

import importlib
from types import ModuleType

KINDS: dict[str, str] = {
    "huggingface": "relwatch.sources.huggingface",
    "modelscope": "relwatch.sources.modelscope",
    "github": "relwatch.sources.github",
    "feed": "relwatch.sources.feed",
    "changelog": "relwatch.sources.changelog",
    "openrouter": "relwatch.sources.openrouter",
    "modelsdev": "relwatch.sources.modelsdev",
    "price-history": "relwatch.sources.pricehistory",
}


def load(kind: str) -> ModuleType:
    return importlib.import_module(KINDS[kind])
