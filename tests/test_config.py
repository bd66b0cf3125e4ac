import pytest

from relwatch.config import load_config, parse_config
from relwatch.errors import ConfigError
from tests.conftest import run

DEFAULT_VENDORS = {
    "google",
    "baidu",
    "alibaba",
    "meta",
    "deepseek",
    "mistral",
    "microsoft",
    "openai",
    "zhipu",
    "tencent",
    "moonshot",
    "minimax",
}


def test_default_config_tracks_the_default_vendors():
    config = load_config()
    assert set(config.vendors) >= DEFAULT_VENDORS
    for key in DEFAULT_VENDORS:
        assert any(s.kind == "huggingface" for s in config.vendors[key].sources), key
    assert config.vendors["alibaba"].sources[0].option("org") == "Qwen"
    assert config.vendors["google"].sources[0].base_url == "https://huggingface.co"


def test_aliases_resolve():
    config = load_config()
    assert config.resolve_vendor("qwen") == "alibaba"
    assert config.resolve_vendor("DeepMind") == "google"
    with pytest.raises(ConfigError, match=r"unknown vendor 'nope'.*configured: .*google"):
        config.resolve_vendor("nope")


BAD_CONFIGS = [
    ("[vendors.acme\nname = 1", "cfg.toml: not valid TOML"),
    (
        "[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'hugginface'\norg = 'x'",
        "cfg.toml: vendor 'acme', source 1: unknown kind 'hugginface'",
    ),
    (
        "[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'",
        "cfg.toml: vendor 'acme', source 1 (huggingface): missing key 'org'",
    ),
    (
        "[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'\norg = 42",
        "cfg.toml: vendor 'acme', source 1 (huggingface), key 'org': expected a string, got an integer 42",
    ),
    (
        "[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'\norg = 'x'\norgs = 'y'",
        "cfg.toml: vendor 'acme', source 1 (huggingface): unknown key 'orgs'",
    ),
    ("[vendors.acme]\nname = ['A']", "cfg.toml: vendor 'acme', key 'name': expected a string"),
    (
        "[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'\norg = 'x'\nbase_url = 'ftp://x'",
        "cfg.toml: vendor 'acme', source 1 (huggingface), key 'base_url': 'ftp://x' is not an http(s) URL",
    ),
    ("[settings]\nretries = 'many'\n[vendors.acme]", "cfg.toml: [settings], key 'retries': expected an integer"),
    (
        "[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'\norg = 'x'\n"
        "[[vendors.acme.sources]]\nkind = 'huggingface'\norg = 'x'",
        "cfg.toml: vendor 'acme': source 'acme/huggingface/x' is listed twice",
    ),
    ("title = 'x'", "cfg.toml: no [vendors.<name>] tables"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_bad_config_names_file_vendor_and_key(text, message):
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "cfg.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS[1:5])
def test_cli_reports_config_errors_in_one_line_with_exit_2(tmp_path, env, text, message):
    path = tmp_path / "cfg.toml"
    path.write_text(text)
    result = run(["sync", "--config", str(path), "--db", str(tmp_path / "x.db")], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("relwatch: error: " + str(path))
    assert message.removeprefix("cfg.toml") in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_missing_config_file_is_one_line(tmp_path, env):
    result = run(["sources", "--config", str(tmp_path / "nope.toml")], env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"relwatch: error: cannot read config {tmp_path / 'nope.toml'}")


def test_config_from_environment(tmp_path, env):
    path = tmp_path / "env.toml"
    path.write_text("[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'\n")
    result = run(["vendors"], {**env, "RELWATCH_CONFIG": str(path), "RELWATCH_DB": str(tmp_path / "x.db")})
    assert result.returncode == 2
    assert "env.toml: vendor 'acme', source 1 (huggingface): missing key 'org'" in result.stderr
