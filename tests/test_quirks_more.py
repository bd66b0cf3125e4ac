"""Each service quirk again, on spellings, layouts, charsets and refusals the first fixtures never
held: every case runs `relwatch sync` against a loopback server answering in the service's shape,
and reads what the sync stored and reported."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import invoke, query, write_config
from tests.sim_pages import Pages

GEMINI = r"gemini-[0-9a-z.\-]+"


def sync_source(tmp_path: Any, env: dict[str, str], vendor: str, source: dict[str, Any]) -> dict[str, Any]:
    """Sync one source into tmp_path/r.db; its line of the JSON summary, with the exit code as `exit`."""
    config = write_config(tmp_path / "sources.toml", {vendor: [source]})
    result = invoke(["sync", "--config", str(config), "--db", str(tmp_path / "r.db"), "--format", "json"], env)
    assert result.stdout, result.stderr
    (line,) = json.loads(result.stdout)["sources"]
    return {**line, "exit": result.returncode, "stderr": result.stderr}


def stored(tmp_path: Any, *columns: str) -> list[tuple[Any, ...]]:
    names = ", ".join(("external_id", *columns))
    return query(tmp_path / "r.db", f"SELECT {names} FROM artifacts ORDER BY external_id")


# -- feeds: dates feedparser cannot read, read from the raw text -----------------------------


def rss_feed(*entries: tuple[str, str], language: str | None = None, date_tag: str = "pubDate") -> bytes:
    """An RSS 2.0 channel as a CMS writes it: one item per (title, date text)."""
    lang = f"<language>{language}</language>" if language else ""
    items = "".join(
        f"<item><title>{title}</title><link>https://blog.example/{n}</link><{date_tag}>{date}</{date_tag}></item>"
        for n, (title, date) in enumerate(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>News</title><link>https://blog.example/</link>{lang}{items}</channel></rss>"
    ).encode()


def sync_feed(tmp_path: Any, env: Any, loopback: Any, body: bytes, content_type: str = "application/rss+xml") -> Any:
    Pages(loopback).serve("/feed", body, content_type)
    source = {"kind": "feed", "url": "https://blog.example/feed", "models": GEMINI, "base_url": loopback.url}
    return sync_source(tmp_path, env, "google", source)


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [
        ("2025/7/5", "2025-07-05T00:00:00Z"),
        ("2025-07-15 10:00:00 +0800", "2025-07-15T02:00:00Z"),
        ("15 Jul 2025", "2025-07-15T00:00:00Z"),
        ("Jul 15, 2025", "2025-07-15T00:00:00Z"),
        ("2025年7月15日", "2025-07-15T00:00:00Z"),
        ("2025.07.15", "2025-07-15T00:00:00Z"),
        ("1752573600", "2025-07-15T10:00:00Z"),  # an epoch number
        ("Mar, 15 juil 2025 10:00:00 +0200", "2025-07-15T08:00:00Z"),  # French weekday and month
        ("mar., 15 juil. 2025 10:00:00 +0200", "2025-07-15T08:00:00Z"),
        ("Lun, 15 déc 2025 10:00:00 +0100", "2025-12-15T09:00:00Z"),
        ("Di, 15 Juli 2025 10:00:00 +0200", "2025-07-15T08:00:00Z"),  # German
        ("Mi, 15 Okt 2025 10:00:00 +0200", "2025-10-15T08:00:00Z"),
        ("Sa, 15 Mär 2025 10:00:00 +0100", "2025-03-15T09:00:00Z"),
        ("15. Juli 2025", "2025-07-15T00:00:00Z"),
        ("mié., 15 ene. 2025 10:00:00 +0100", "2025-01-15T09:00:00Z"),  # Spanish
        ("15 de julio de 2025", "2025-07-15T00:00:00Z"),
        ("Tue, 15 Jul 2025 10:00:00 JST", "2025-07-15T01:00:00Z"),  # zone names the standard library does not know
        ("Di, 15 Jul 2025 10:00:00 MEZ", "2025-07-15T09:00:00Z"),
        ("Di, 15 Jul 2025 10:00:00 MESZ", "2025-07-15T08:00:00Z"),
        ("2025-07-15 10:00:00 JST", "2025-07-15T01:00:00Z"),
        ("Tue, 15 Jul 2025 10:00:00 +08:00", "2025-07-15T02:00:00Z"),  # an offset written with a colon
        ("Tue, 15 Jul 2025 10:00:00 CST", "2025-07-15T16:00:00Z"),  # RFC 822's CST: US Central
        ("2025年7月15日 星期二", "2025-07-15T00:00:00Z"),  # a Chinese weekday after the date
        ("2025年7月15日(火) 10:00", "2025-07-15T10:00:00Z"),  # a Japanese one
        ("2025년 7월 15일 (화) 10:00", "2025-07-15T10:00:00Z"),  # Korean
        ("２０２５－０７－１５　１０：００", "2025-07-15T10:00:00Z"),  # full-width digits and signs
        ("20250715", "2025-07-15"),  # a compact day, not 1970's epoch second 20,250,715
    ],
)
def test_feed_dates_in_other_spellings(tmp_path, env, loopback, date_text, expected):
    line = sync_feed(tmp_path, env, loopback, rss_feed(("gemini-3-pro is out", date_text)))
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 0), line
    assert stored(tmp_path, "date") == [(f"gemini-3-pro@{expected[:10]}", expected)]


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [
        ("Tue, 15 Jul 2025 10:00:00 CST", "2025-07-15T02:00:00Z"),  # China Standard Time in a Chinese feed
        ("2025年07月15日 10:00:00 CST", "2025-07-15T02:00:00Z"),
    ],
)
def test_cst_in_a_chinese_feed_is_china_standard_time(tmp_path, env, loopback, date_text, expected):
    line = sync_feed(tmp_path, env, loopback, rss_feed(("gemini-3-pro 发布", date_text), language="zh-cn"))
    assert (line["status"], line["new"]) == ("ok", 1), line
    assert stored(tmp_path, "date") == [(f"gemini-3-pro@{expected[:10]}", expected)]


@pytest.mark.parametrize(
    "date_text",
    [
        "Tue, 15 Jul 2025 10:00:00 XYZ",  # a zone nobody can place: never taken as UTC
        "Tue, 15 Jul 2025 10:00:00 IST",  # India, Ireland or Israel
        "2025",  # a year only: never epoch second 2,025
        "15 July",  # no year: never this year
        "yesterday",
    ],
)
def test_feed_dates_that_cannot_be_placed_are_counted_not_guessed(tmp_path, env, loopback, date_text):
    body = rss_feed(("gemini-3-pro is out", date_text), ("gemini-3-flash too", "Tue, 15 Jul 2025 10:00:00 GMT"))
    line = sync_feed(tmp_path, env, loopback, body)
    assert (line["status"], line["exit"], line["new"], line["skipped"]) == ("ok", 0, 1, 1), line
    assert line["skipped_reasons"][0].endswith(f"unreadable date {date_text!r}")
    assert stored(tmp_path) == [("gemini-3-flash@2025-07-15",)]
    assert "Warning" not in line["stderr"]


@pytest.mark.parametrize("date_tag", ["dc:date", "atom-updated"])
def test_feed_dated_only_by_dc_date_or_atom_updated(tmp_path, env, loopback, date_tag):
    if date_tag == "dc:date":
        body = rss_feed(("gemini-3-pro is out", "2025-07-15T10:00:00+08:00"), date_tag="dc:date")
    else:
        body = (
            b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>n</title>'
            b"<id>urn:n</id><updated>2025/7/15 10:00</updated><entry><id>urn:e1</id><title>gemini-3-pro</title>"
            b"<updated>2025/7/15 10:00</updated></entry></feed>"
        )
    line = sync_feed(tmp_path, env, loopback, body, "application/atom+xml")
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 0), line
    assert stored(tmp_path, "date")[0][0] == "gemini-3-pro@2025-07-15"
