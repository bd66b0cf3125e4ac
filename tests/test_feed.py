import json

import pytest

from relwatch.config import parse_config
from relwatch.errors import ConfigError, SourceError
from relwatch.models import DateKind, Openness
from relwatch.patterns import compile_models
from relwatch.sources.feed import parse_feed
from relwatch.sources.mentions import page_url
from tests.conftest import invoke, query, write_config
from tests.public_data import fixture_bytes
from tests.sim_pages import Pages

GEMINI = compile_models(r"gemini-[0-9a-z.\-]+", ignore_case=True)
BLOG = "https://cloudblog.withgoogle.com/products/ai-machine-learning/rss"
BLOG_POST = (
    "https://cloud.google.com/blog/products/ai-machine-learning/build-a-robust-and-cost-effective-gen-ai-strategy/"
)
FLASH_POST = "https://cloud.google.com/blog/products/ai-machine-learning/gemini-3-flash-on-vertex-ai/"
NOTES = "https://docs.cloud.google.com/feeds/generative-ai-on-vertex-ai-release-notes.xml"
NOTES_PAGE = "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/release-notes"


def fixture(name: str) -> bytes:
    return fixture_bytes(f"feed/{name}")


def rss(*items: str) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def test_rss_items_give_one_artifact_per_model_and_day():
    artifacts = parse_feed(fixture("google_cloud_blog_ai_ml.rss.xml"), BLOG, GEMINI, content_type="application/rss+xml")
    assert [(a.external_id, a.date, a.url) for a in artifacts] == [
        ("gemini-2.5-flash-lite@2026-04-13", "2026-04-13T16:00:00Z", BLOG_POST),
        ("gemini-2.5-pro@2026-04-13", "2026-04-13T16:00:00Z", BLOG_POST),  # written `Gemini-2.5-Pro`
        ("gemini-3-flash-preview@2025-12-17", "2025-12-17T17:00:00Z", FLASH_POST),
        ("gemini-3-pro-preview@2025-12-17", "2025-12-17T17:00:00Z", FLASH_POST),  # `…preview.` ends a sentence
    ]
    first = artifacts[0]
    assert first.name == "gemini-2.5-flash-lite"
    assert first.date_kind == DateKind.ANNOUNCED
    assert first.tier_hint == Openness.API
    assert first.extra == {"title": "How to find the sweet spot between cost and performance", "entry_id": BLOG_POST}
    assert first.raw["published"] == "Mon, 13 Apr 2026 16:00:00 +0000"


def test_atom_entries_are_dated_by_updated_in_utc():
    atom = fixture("vertex_ai_release_notes.atom.xml")
    artifacts = parse_feed(atom, NOTES, GEMINI, content_type="application/atom+xml")
    assert [(a.external_id, a.date, a.url) for a in artifacts] == [
        ("gemini-3.5-flash@2026-06-15", "2026-06-15T07:00:00Z", f"{NOTES_PAGE}#June_15_2026"),
        ("gemini-flash-latest@2026-06-15", "2026-06-15T07:00:00Z", f"{NOTES_PAGE}#June_15_2026"),
        ("gemini-2.0-flash-001@2026-06-10", "2026-06-10T07:00:00Z", f"{NOTES_PAGE}#June_10_2026"),
        ("gemini-2.0-flash-lite-001@2026-06-10", "2026-06-10T07:00:00Z", f"{NOTES_PAGE}#June_10_2026"),
    ]
    assert artifacts[0].extra == {
        "title": "June 15, 2026",
        "entry_id": "tag:google.com,2016:generative-ai-on-vertex-ai-release-notes#June_15_2026",
    }
    assert artifacts[0].raw["published"] is None
    assert artifacts[0].raw["updated"] == "2026-06-15T00:00:00-07:00"


def test_published_wins_over_updated():
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>e1</id><title>gemini-3-pro</title>'
        b"<published>2026-01-02T10:00:00Z</published><updated>2026-03-04T10:00:00Z</updated></entry></feed>"
    )
    (artifact,) = parse_feed(atom, "https://example.org/f.atom", GEMINI, content_type="application/atom+xml")
    assert (artifact.external_id, artifact.date) == ("gemini-3-pro@2026-01-02", "2026-01-02T10:00:00Z")


def test_entries_without_a_date_are_skipped_and_counted():
    body = rss(
        "<title>gemini-3-pro is here</title>",
        "<title>and gemini-3-flash</title><pubDate>Tue, 03 Feb 2026 09:00:00 GMT</pubDate>",
        "<title>nothing to see</title>",
    )
    parsed = parse_feed(body, "https://example.org/rss", GEMINI)
    assert [a.external_id for a in parsed] == ["gemini-3-flash@2026-02-03"]
    assert parsed.skipped == ["entry 1 ('gemini-3-pro is here') of https://example.org/rss: no date"]


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("2016/6/29 15:07:41", "2016-06-29T15:07:41Z"),  # feedparser gave it the machine's current month
        ("2025/07/15", "2025-07-15T00:00:00Z"),
        ("2025年07月15日 10:00", "2025-07-15T10:00:00Z"),
        ("Tue, 15 Jul 2025 10:00:00", "2025-07-15T10:00:00Z"),  # no zone: dropped by feedparser
        ("Mo, 25 Jun 2018 10:00:00 +0200", "2018-06-25T08:00:00Z"),  # a German weekday: dropped too
        ("Mon, 25 Jun 2018 10:00:00 EDT", "2018-06-25T14:00:00Z"),
    ],
)
def test_dates_feedparser_cannot_read_are_read_from_the_raw_text(pub_date, expected):
    body = rss(f"<title>gemini-3-pro</title><pubDate>{pub_date}</pubDate>")
    (artifact,) = parse_feed(body, "https://example.org/rss", GEMINI)
    assert (artifact.external_id, artifact.date) == (f"gemini-3-pro@{expected[:10]}", expected)


def test_an_unreadable_date_is_counted_with_its_text_and_the_feed_kept():
    body = rss(
        "<title>gemini-3-pro</title><pubDate>2025/07</pubDate>",
        "<title>gemini-3-flash</title><pubDate>31 Jun 2025 10:00:00 GMT</pubDate>",
        "<title>gemini-2.5-pro</title><pubDate>Tue, 03 Feb 2026 09:00:00 GMT</pubDate>",
    )
    parsed = parse_feed(body, "https://example.org/rss", GEMINI)
    assert [a.external_id for a in parsed] == ["gemini-2.5-pro@2026-02-03"]
    assert [line.rsplit(": ", 1)[1] for line in parsed.skipped] == [
        "unreadable date '2025/07'",
        "unreadable date '31 Jun 2025 10:00:00 GMT'",
    ]


def test_one_day_two_entries_same_model_gives_the_first_entry():
    body = rss(
        "<title>Launch: gemini-3-pro</title><link>https://example.org/a</link>"
        "<pubDate>Tue, 03 Feb 2026 18:00:00 GMT</pubDate>",
        "<title>More on gemini-3-pro</title><link>https://example.org/b</link>"
        "<pubDate>Tue, 03 Feb 2026 09:00:00 GMT</pubDate>",
    )
    (artifact,) = parse_feed(body, "https://example.org/rss", GEMINI)
    assert (artifact.external_id, artifact.url) == ("gemini-3-pro@2026-02-03", "https://example.org/a")


def test_options_case_and_tier():
    strict = compile_models(r"gemini-[0-9a-z.\-]+", ignore_case=False)
    artifacts = parse_feed(fixture("google_cloud_blog_ai_ml.rss.xml"), BLOG, strict, Openness.UNRELEASED)
    assert "gemini-2.5-pro@2026-04-13" not in [a.external_id for a in artifacts]
    assert {a.tier_hint for a in artifacts} == {Openness.UNRELEASED}


def test_a_cut_off_feed_still_gives_its_whole_entries():
    whole = fixture("google_cloud_blog_ai_ml.rss.xml")
    cut = whole[: whole.index(b"<item><title>Five ways")]
    assert len(parse_feed(cut, BLOG, GEMINI, content_type="application/rss+xml")) == 4


def test_a_broken_feed_with_no_entries_is_an_error_naming_the_url_and_reason():
    with pytest.raises(SourceError, match=r"^cannot read the feed at https://example.org/rss: .*no element found"):
        parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x', "https://example.org/rss", GEMINI)


def test_an_html_page_is_not_a_feed():
    with pytest.raises(SourceError, match="not an RSS or Atom document"):
        html = b"<html><body><p>gemini-3-pro</p></body></html>"
        parse_feed(html, "https://example.org/rss", GEMINI, content_type="text/html")


def test_a_body_that_reads_like_a_file_name_is_never_opened(tmp_path):
    local = tmp_path / "feed.xml"
    local.write_bytes(fixture("google_cloud_blog_ai_ml.rss.xml"))
    with pytest.raises(SourceError, match="not an RSS or Atom document"):
        parse_feed(str(local).encode(), "https://example.org/rss", GEMINI)


def test_an_empty_feed_is_not_an_error():
    assert parse_feed(rss(), "https://example.org/rss", GEMINI) == []


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://blog.example", "https://blog.example/ai/rss?hl=en"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/ai/rss?hl=en"),
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123/ai/rss?hl=en"),
        ("https://mirror.example/prefix/", "https://mirror.example/prefix/ai/rss?hl=en"),
    ],
)
def test_page_url_takes_scheme_and_host_from_a_set_base_url(base_url, expected):
    assert page_url("https://blog.example/ai/rss?hl=en", base_url) == expected


def test_a_url_that_is_not_http_is_a_config_error():
    text = "[vendors.google]\n[[vendors.google.sources]]\nkind = 'feed'\nurl = 'blog.example/ai/rss'\nmodels = 'x'\n"
    with pytest.raises(
        ConfigError,
        match=r"^t.toml: vendor 'google', source 1 \(feed\), key 'url': 'blog.example/ai/rss' "
        r"is not an http\(s\) URL of a feed",
    ):
        parse_config(text, "t.toml")


def test_config_names_the_source_by_its_url_and_fills_defaults():
    text = f"""
[vendors.google]
[[vendors.google.sources]]
kind = "feed"
url = "{BLOG}"
models = 'gemini-[0-9a-z.\\-]+'
"""
    (source,) = parse_config(text, "t.toml").sources
    assert source.id == f"google/feed/{BLOG}"
    assert source.base_url == "https://cloudblog.withgoogle.com"  # the feed host, unless base_url says otherwise
    assert (source.options.tier, source.options.ignore_case) == (Openness.API, True)
    assert page_url(source.options.url, source.base_url) == BLOG


# -- end to end -----------------------------------------------------------------------------


def feeds_config(tmp_path, loopback):
    pages = Pages(loopback)
    pages.serve_fixture(
        "/products/ai-machine-learning/rss",
        "feed/google_cloud_blog_ai_ml.rss.xml",
        "application/rss+xml; charset=utf-8",
    )
    pages.serve_fixture(
        "/feeds/generative-ai-on-vertex-ai-release-notes.xml",
        "feed/vertex_ai_release_notes.atom.xml",
        "application/atom+xml; charset=utf-8",
    )
    models = r"gemini-[0-9a-z.\-]+"
    return write_config(
        tmp_path / "sources.toml",
        {
            "google": [
                {"kind": "feed", "url": BLOG, "models": models, "base_url": loopback.url},
                {"kind": "feed", "url": NOTES, "models": models, "tier": "api", "base_url": loopback.url},
            ]
        },
    )


def sync(tmp_path, env, config):
    return invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)


def test_sync_stores_feed_mentions_and_rereads_them_with_304s(tmp_path, env, loopback):
    config = feeds_config(tmp_path, loopback)
    result = sync(tmp_path, env, config)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {s["source"]: s["new"] for s in summary["sources"]} == {f"google/feed/{BLOG}": 4, f"google/feed/{NOTES}": 4}
    db = tmp_path / "r.db"
    rows = query(
        db,
        "SELECT external_id, name, url, date, date_kind, tier_hint, extra FROM artifacts "
        "WHERE source_id = ? ORDER BY external_id",
        (f"google/feed/{NOTES}",),
    )
    assert [r[0] for r in rows] == [
        "gemini-2.0-flash-001@2026-06-10",
        "gemini-2.0-flash-lite-001@2026-06-10",
        "gemini-3.5-flash@2026-06-15",
        "gemini-flash-latest@2026-06-15",
    ]
    flash = rows[2]
    assert flash[1:6] == ("gemini-3.5-flash", f"{NOTES_PAGE}#June_15_2026", "2026-06-15T07:00:00Z", "announced", "api")
    assert json.loads(flash[6])["title"] == "June 15, 2026"
    assert query(db, "SELECT count(*) FROM artifacts WHERE source_id = ?", (f"google/feed/{BLOG}",)) == [(4,)]
    requested = loopback.requests_to("/products/ai-machine-learning/rss")
    assert len(requested) == 1 and requested[0].headers["user-agent"].startswith("relwatch/")

    before = query(db, "SELECT id, content_hash, first_seen FROM artifacts ORDER BY id")
    again = sync(tmp_path, env, config)
    assert again.returncode == 0, again.stderr
    totals = json.loads(again.stdout)["totals"]
    assert (totals["requests"], totals["not_modified"], totals["new"], totals["items"]) == (2, 2, 0, 8)
    assert query(db, "SELECT id, content_hash, first_seen FROM artifacts ORDER BY id") == before
