"""`relwatch vendors` says which sides of the open/closed picture each vendor's sources show."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import invoke, write_config


def test_vendors_says_which_sides_their_sources_cover(tmp_path: Path, env: dict[str, str]) -> None:
    config = write_config(
        tmp_path / "sources.toml",
        {
            "both": [{"kind": "huggingface", "org": "both-ai"}, {"kind": "openrouter", "author": "both"}],
            "weights": [{"kind": "huggingface", "org": "weights-ai"}],
            "api": [
                {"kind": "modelsdev", "provider": "api"},
                {"kind": "price-history", "author": "api"},
            ],
        },
    )
    result = invoke(["vendors", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    covers = {row["vendor"]: row["covers"] for row in json.loads(result.stdout)}
    assert covers == {"both": "open, closed", "weights": "open only", "api": "closed only"}
    assert not (tmp_path / "r.db").exists()
