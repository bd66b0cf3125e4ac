import pytest

from relwatch.config import load_config, parse_config
from relwatch.errors import ConfigError
from tests.conftest import invoke

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
    assert config.vendors["alibaba"].sources[0].options.org == "Qwen"
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
    result = invoke(["sync", "--config", str(path), "--db", str(tmp_path / "x.db")], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("relwatch: error: " + str(path))
    assert message.removeprefix("cfg.toml") in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_missing_config_file_is_one_line(tmp_path, env):
    result = invoke(["sources", "--config", str(tmp_path / "nope.toml")], env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"relwatch: error: cannot read config {tmp_path / 'nope.toml'}")


def test_config_from_environment(tmp_path, env):
    path = tmp_path / "env.toml"
    path.write_text("[vendors.acme]\n[[vendors.acme.sources]]\nkind = 'huggingface'\n")
    result = invoke(["vendors"], {**env, "RELWATCH_CONFIG": str(path), "RELWATCH_DB": str(tmp_path / "x.db")})
    assert result.returncode == 2
    assert "env.toml: vendor 'acme', source 1 (huggingface): missing key 'org'" in result.stderr


FEED = '[vendors.g]\n[[vendors.g.sources]]\nkind = "feed"\nurl = "https://blog.example/feed"\nmodels = {models}\n'


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("timeout", "0"),
        ("timeout", "nan"),
        ("request_deadline", "inf"),
        ("source_deadline", "-1"),
        ("retries", "21"),
        ("max_response_bytes", "1"),
        ("max_pages", "0"),
        ("per_host", "1000"),
    ],
)
def test_settings_out_of_range_are_refused(setting, value):
    text = f"[settings]\n{setting} = {value}\n" + FEED.format(models="'gemini-[0-9.]+'")
    with pytest.raises(ConfigError, match=rf"\[settings\], key '{setting}': .* is out of range \("):
        parse_config(text, "t.toml")


def test_retries_as_a_float_is_a_type_error():
    with pytest.raises(ConfigError, match="key 'retries': expected an integer"):
        parse_config("[settings]\nretries = 1e9\n" + FEED.format(models="'a'"), "t.toml")


def test_a_pattern_re2_cannot_compile_names_file_vendor_and_key():
    with pytest.raises(ConfigError, match=r"t\.toml: vendor 'g', source 1 \(feed\), key 'models': .*RE2"):
        parse_config(FEED.format(models=r"'(a)\1'"), "t.toml")


def test_a_backtracking_pattern_is_matched_in_linear_time():
    config = parse_config(FEED.format(models="'(a+)+$'"), "t.toml")
    from relwatch.patterns import compile_models

    models = compile_models(config.sources[0].options.models, ignore_case=True)
    assert models.fullmatch("a" * 100_000 + "b") is None  # catastrophic for a backtracking engine


def test_tokens_go_to_official_origins_and_opted_in_mirrors_only():
    text = (
        '[vendors.m]\n[[vendors.m.sources]]\nkind = "huggingface"\norg = "m"\n'
        '[[vendors.m.sources]]\nkind = "github"\nrepo = "m/x"\nbase_url = "http://mirror.example"\n'
        '[[vendors.m.sources]]\nkind = "modelscope"\norg = "m"\nbase_url = "http://ms.example"\nsend_token = true\n'
    )
    config = parse_config(text, "t.toml")
    assert config.settings.token_base_urls == {"https://huggingface.co", "http://ms.example"}
    with pytest.raises(ConfigError, match="key 'send_token': expected true/false"):
        parse_config(text.replace("send_token = true", 'send_token = "yes"'), "t.toml")
