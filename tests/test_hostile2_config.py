"""Config mistakes a hostile or careless sources.toml can hold: each is one config error line naming
file, vendor and key (exit 2), or is accepted correctly."""

import pytest

from relwatch.config import compile_family, load_config, parse_config
from relwatch.errors import ConfigError
from relwatch.releases import vendor_rules
from tests.conftest import query, write_config

HF = '[[vendors.acme.sources]]\nkind = "huggingface"\norg = "acme"\n'


def config(text: str):
    return parse_config(f'[vendors.acme]\nname = "Acme"\n{text}', "s.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[vendors.acme.families]\n'(?<=x)y' = 'z'\n" + HF, "key 'families': pattern '(?<=x)y' is not supported by"),
        ("[vendors.acme.families]\n'(a)\\1' = 'z'\n" + HF, "not supported by the linear-time matcher RE2"),
        ("[vendors.acme.families]\n'' = 'z'\n" + HF, "pattern '' matches the empty string"),
        ("[vendors.acme.families]\n'x*' = 'z'\n" + HF, "pattern 'x*' matches the empty string"),
        ("[vendors.acme.families]\n'gemma' = ' '\n" + HF, "the family name is empty"),
        ('[[vendors.acme.sources]]\nkind = "huggingface"\norg = ""\n', "key 'org': is empty"),
        ('[[vendors.acme.sources]]\nkind = "huggingface"\norg = "  "\n', "key 'org': is empty"),
        ('[[vendors.acme.sources]]\nkind = "openrouter"\nauthor = ""\n', "key 'author': is empty"),
        (
            '[[vendors.acme.sources]]\nkind = "changelog"\nurl = "https://x.example/c"\nmodels = ""\n',
            "key 'models': is empty",
        ),
        (
            '[[vendors.acme.sources]]\nkind = "changelog"\nurl = "https://x.example/c"\nmodels = ".*"\n',
            "key 'models': pattern '.*' matches the empty string",
        ),
        (
            '[[vendors.acme.sources]]\nkind = "changelog"\nurl = "https://x.example/c"\nmodels = "(gemma)?"\n',
            "matches the empty string",
        ),
        (HF + HF.replace('"acme"', '"ACME"'), "sources 'acme/huggingface/acme' and 'acme/huggingface/ACME' differ"),
        (
            '[[vendors.acme.sources]]\nkind = "openrouter"\nauthor = "acme"\n'
            '[[vendors.acme.sources]]\nkind = "openrouter"\nauthor = "Acme"\n',
            "differ only by case",
        ),
        (HF + 'base_url = "http://alice:pw@127.0.0.1:9/ok"\n', "key 'base_url': credentials in the URL"),
        (HF + 'base_url = "https://token@huggingface.co"\n', "key 'base_url': credentials in the URL"),
        (HF + 'base_url = "ftp://bob:pw@huggingface.co:99999/ x"\n', "key 'base_url': credentials in the URL"),
        (HF + 'base_url = "ftp://huggingface.co"\n', "is not an http(s) URL"),
        (HF + 'base_url = "https://huggingface.co:99999"\n', "has an invalid port"),
        (HF + 'base_url = "https://hugging face.co"\n', "holds white space"),
        (HF + 'base_url = "https://huggingface.co/?x=1"\n', "has a query or fragment"),
        (HF + 'base_url = "http://[::1"\n', "is not a URL"),
        ('[[vendors.acme.sources]]\nkind = "huggingface"\norg = "acme/../../x?y=1#"\n', "key 'org': 'acme/../"),
        ('[[vendors.acme.sources]]\nkind = "openrouter"\nauthor = "a b"\n', "key 'author': 'a b' is not a name"),
    ],
)
def test_config_mistakes_are_one_line_naming_file_vendor_and_key(text, message):
    with pytest.raises(ConfigError, match=None) as caught:
        config(text)
    line = str(caught.value)
    assert line.startswith("s.toml: vendor 'acme'") and message in line and "\n" not in line
    assert "pw" not in line.replace("pattern", "")  # a password in base_url is not repeated


def test_credentials_in_base_url_end_the_command_with_exit_2(tmp_path, cli):
    path = write_config(
        tmp_path / "sources.toml",
        {"acme": [{"kind": "huggingface", "org": "acme", "base_url": "http://alice:s3cretpw@127.0.0.1:9/ok"}]},
    )
    result = cli("sync", "--config", str(path), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2
    assert "credentials in the URL" in result.stderr and "s3cretpw" not in result.stderr + result.stdout
    assert not (tmp_path / "r.db").exists() or query(tmp_path / "r.db", "SELECT base_url FROM sources") == []


def test_a_config_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'[vendors.acme]\nname = "Acme"\n{HF}'.encode())
    assert [s.id for s in load_config(path).sources] == ["acme/huggingface/acme"]


def test_scheme_and_host_are_case_insensitive_and_the_default_port_is_dropped():
    source = config(HF + 'base_url = "HTTPS://HuggingFace.co:443/"\n').sources[0]
    assert source.base_url == "https://huggingface.co"
    assert source.official and source.token_allowed  # it is the kind's official origin


def test_a_non_default_port_and_a_path_are_kept():
    source = config(HF + 'base_url = "http://127.0.0.1:8080/Mirror/"\n').sources[0]
    assert source.base_url == "http://127.0.0.1:8080/Mirror" and not source.token_allowed


def test_page_sources_differing_in_path_case_are_two_sources():
    feed = '[[vendors.acme.sources]]\nkind = "feed"\nmodels = "acme-[0-9]+"\n'
    text = f'{feed}url = "https://Blog.example/News"\n{feed}url = "https://blog.example/news"\n'
    assert len(config(text).sources) == 2
    with pytest.raises(ConfigError, match="differ only by case"):
        config(text.replace("/news", "/News"))


def test_family_patterns_are_matched_by_re2_in_linear_time():
    rules, _ = vendor_rules(config("[vendors.acme.families]\n'(a+)+$' = 'z'\n" + HF))
    ((pattern, family),) = rules["acme"].overrides
    assert type(pattern).__module__.startswith("re2")  # linear time, whatever the pattern
    assert pattern.search("a" * 50_000 + "!") is None  # Python's `re` backtracks here for ages
    assert pattern.search("xaaa") is not None and family == "z"


def test_family_patterns_keep_their_case_insensitive_search():
    pattern = compile_family("^Gemma-3")
    assert pattern.search("google/gemma-3-27b") is None
    assert pattern.search("GEMMA-3-27b") is not None
