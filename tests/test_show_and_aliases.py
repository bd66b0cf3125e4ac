"""`show` finds a release by any name people use; alias collisions are config errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from relwatch.config import parse_config
from relwatch.errors import ConfigError
from tests.public_data import openrouter_recording


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import invoke

    folder = tmp_path_factory.mktemp("replay")
    db = folder / "r.db"
    env = {"HOME": str(folder), "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder), "NO_COLOR": "1"}
    result = invoke(["sync", "--replay", str(openrouter_recording(folder / "rec")), "--db", str(db), "-q"], env)
    assert result.returncode in (0, 1), result.stderr
    return db


@pytest.mark.parametrize(
    ("wanted", "release_id"),
    [
        ("google/gemma-3", "google/gemma-3"),  # the release id
        ("google/gemma-3-27b-it", "google/gemma-3"),  # a repository / catalogue id
        ("qwen/qwen3", "alibaba/qwen3"),  # a vendor alias before the slash
        ("Gemma 3", "google/gemma-3"),  # the release's name
        ("GEMMA-3", "google/gemma-3"),  # the family, in any case
    ],
)
def test_show_resolves_what_people_type(cli, replayed: Path, wanted: str, release_id: str) -> None:
    result = cli("show", wanted, "--db", str(replayed), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert f'"id": "{release_id}"' in result.stdout


def test_show_suggests_close_matches_with_the_input_quoted(cli, replayed: Path) -> None:
    result = cli("show", "gema 3", "--db", str(replayed))
    assert result.returncode == 2
    assert result.stderr.startswith("relwatch: error: no release 'gema 3'; did you mean 'google/gemma-3' (Gemma 3)")
    assert len(result.stderr.splitlines()) == 1
    nothing = cli("show", "zzz\x1b[2J", "--db", str(replayed))
    assert nothing.returncode == 2 and "'zzz\\x1b[2J'" in nothing.stderr


SOURCE = '[[vendors.{key}.sources]]\nkind = "openrouter"\nauthor = "{key}"\n'


def config(**aliases: list[str]) -> str:
    return "".join(
        f"[vendors.{key}]\naliases = {names!r}\n".replace("'", '"') + SOURCE.format(key=key)
        for key, names in aliases.items()
    )


def test_an_alias_equal_to_another_vendors_key_names_both() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(config(alibaba=["qwen"], deepseek=["alibaba"]), "c.toml")
    assert str(raised.value) == "c.toml: vendor 'deepseek', alias 'alibaba' is the key of vendor 'alibaba'"


def test_two_vendors_sharing_an_alias_name_both(cli, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="vendor 'deepseek', alias 'qwen' is also an alias of vendor 'alibaba'"):
        parse_config(config(alibaba=["qwen"], deepseek=["Qwen"]), "c.toml")
    path = tmp_path / "c.toml"
    path.write_text(config(alibaba=["qwen"], deepseek=["qwen"]))
    result = cli("sync", "alibaba", "--config", str(path), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "alias 'qwen' is also an alias of vendor 'alibaba'" in result.stderr
    assert not (tmp_path / "x.db").exists()
    parse_config(config(alibaba=["qwen", "QWEN"], deepseek=["ds"]), "c.toml")  # one vendor, twice: fine
