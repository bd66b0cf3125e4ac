"""Credentials in any URL option are refused, naming the key the user wrote, never echoing them."""

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.conftest import write_config

Cli = Callable[..., CompletedProcess[str]]


@pytest.mark.parametrize(
    ("source", "key"),
    [
        (
            {"kind": "price-history", "author": "acme", "url": "https://alice:pw@raw.githubusercontent.com/x.json"},
            "url",
        ),
        ({"kind": "changelog", "url": "https://bob:secret@example.com/notes"}, "url"),
        ({"kind": "feed", "url": "HTTPS://bob@example.com/feed.xml"}, "url"),
        ({"kind": "huggingface", "org": "acme", "base_url": "https://bob:secret@example.com"}, "base_url"),
    ],
)
def test_credentials_in_a_url_option_are_refused_by_key(
    tmp_path: Path, cli: Cli, source: dict[str, str], key: str
) -> None:
    config = write_config(tmp_path / "s.toml", {"acme": [source]})
    result = cli("sources", "--config", str(config), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"key '{key}': credentials in the URL are not accepted" in lines[0]
    assert "pw" not in lines[0] and "secret" not in lines[0]
