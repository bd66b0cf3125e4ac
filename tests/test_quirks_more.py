"""Each service quirk again, on spellings, layouts, charsets and refusals the first fixtures never
held: every case runs `relwatch sync` against a loopback server answering in the service's shape,
and reads what the sync stored and reported."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import invoke, query, write_config
from tests.loopback import Reply, json_reply
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
        ("Tue, 15 Jul 2025 10:00:00 GMT+8", "2025-07-15T02:00:00Z"),  # GMT+8 as people mean it, not POSIX's
        ("Tue, 15 Jul 2025 10:00:00 UTC+08:00", "2025-07-15T02:00:00Z"),
        ("2025-07-15T10:00:00+0800 (CST)", "2025-07-15T02:00:00Z"),  # the offset wins over a zone comment
        ("2025-07-15 10:00:00 +0800 CST", "2025-07-15T02:00:00Z"),
        ("2025年7月15日 下午3:00", "2025-07-15T15:00:00Z"),  # Chinese afternoon
        ("2025-07-15 上午 10:00:00", "2025-07-15T10:00:00Z"),
        ("2025年7月15日 午後3時", "2025-07-15T15:00:00Z"),  # Japanese afternoon, hours marked 時
        ("2025년 7월 15일 오후 3:00", "2025-07-15T15:00:00Z"),  # Korean afternoon
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


# -- release-notes pages: date headings, tables and charsets --------------------------------

QWEN = r"qwen[0-9a-z.\-]*"


def sync_page(tmp_path: Any, env: Any, loopback: Any, body: bytes | str, content_type: str, path: str = "/notes"):
    """Serve `body` as a vendor's release-notes page and sync it as a `changelog` source."""
    Pages(loopback).serve(path, body.encode() if isinstance(body, str) else body, content_type)
    source = {"kind": "changelog", "url": f"https://docs.example{path}", "models": QWEN, "base_url": loopback.url}
    return sync_source(tmp_path, env, "alibaba", source)


def html_page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>Release notes</title></head><body><main>{body}</main></body></html>"
    )


MARKDOWN = "text/markdown; charset=utf-8"
HTML = "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("page", "content_type", "expected"),
    [
        ("# Notes\n\n### 2025-06-03\n\n- qwen3-max is available\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n**June 2025**\n\nWe launched qwen3-max.\n", MARKDOWN, ["qwen3-max@2025-06"]),
        ("# Notes\n\n## 2025/06/03\n\n- qwen3-max is available\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n## 2025/6/3\n\n- qwen3-max is available\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n## 2025.06.03\n\n- qwen3-max is available\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n## 03.06.2025\n\n- qwen3-max ist verfügbar\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n## [2025-06-03](#2025-06-03)\n\n- qwen3-max\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n## Tuesday, June 3, 2025\n\n- qwen3-max\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# Notes\n\n## Date: 2025-06-03\n\n- qwen3-max\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# 更新日志\n\n## ２０２５－０６－０３\n\n- qwen3-max 上线\n", MARKDOWN, ["qwen3-max@2025-06-03"]),
        ("# 更新日志\n\n## 2025年\n\n### 6月3日\n\n- qwen3-max 上线\n\n### 5月1日\n\n- qwen3 开源\n", MARKDOWN,
         ["qwen3-max@2025-06-03", "qwen3@2025-05-01"]),
        (html_page('<h2>Qwen3-Max <time datetime="2025-06-03">June 3</time></h2><p>qwen3-max is out.</p>'), HTML,
         ["qwen3-max@2025-06-03"]),
        (html_page('<h2><time datetime="2025-06-03T08:00:00Z">Jun 3</time></h2><p>qwen3-max is out.</p>'), HTML,
         ["qwen3-max@2025-06-03"]),
        (html_page('<article><h2>New models</h2><time datetime="2025-06-03">Jun 3</time><p>qwen3-max is out.</p>'
                   '</article><p>Last updated <time datetime="2025-07-01">July 1</time></p>'), HTML,
         ["qwen3-max@2025-06-03"]),
        (html_page("<dl><dt>2025-06-03</dt><dd>qwen3-max is out.</dd><dt>May 1, 2025</dt><dd>qwen3.</dd></dl>"), HTML,
         ["qwen3-max@2025-06-03", "qwen3@2025-05-01"]),
        (html_page("<p><strong>June 2025</strong></p><p>qwen3-max is out.</p>"), HTML, ["qwen3-max@2025-06"]),
        (html_page("<h2>June&nbsp;3,&nbsp;2025</h2><p>qwen3-max is out.</p>"), HTML, ["qwen3-max@2025-06-03"]),
        (html_page("<h2>2025年</h2><h3>6月3日</h3><p>qwen3-max 上线。</p><h3>5月1日</h3><p>qwen3 开源。</p>"), HTML,
         ["qwen3-max@2025-06-03", "qwen3@2025-05-01"]),
        (html_page("<h2>2025年6月3日（火）</h2><p>qwen3-max をリリースしました。</p>"), HTML, ["qwen3-max@2025-06-03"]),
    ],
    ids=[
        "md-h3-iso", "md-bold-month", "md-slashes", "md-slashes-short", "md-dots", "md-dots-day-first",
        "md-linked-heading", "md-weekday", "md-labelled", "md-full-width", "md-yearless-under-year",
        "html-h2-time", "html-h2-time-only", "html-time-after-title", "html-dl", "html-strong-month", "html-nbsp",
        "html-yearless-h3", "html-ja-weekday",
    ],
)  # fmt: skip
def test_release_notes_dated_in_other_layouts(tmp_path, env, loopback, page, content_type, expected):
    line = sync_page(tmp_path, env, loopback, page, content_type)
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert [row[0] for row in stored(tmp_path)] == sorted(expected)


def table_page(header: list[str], rows: list[list[str]], heading: str = "") -> str:
    cells = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return html_page(f"{heading}<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (table_page(["模型名称", "更新时间", "说明"], [["qwen3-max", "6月3日", "新增"]], "<h2>2025年</h2>"),
         ["qwen3-max@2025-06-03"]),
        (table_page(["模型", "日期"], [["qwen3-max", "2025-06-03"], ["qwen3", "2025/5/1"]]),
         ["qwen3-max@2025-06-03", "qwen3@2025-05-01"]),
        (table_page(["模型", "更新日期"], [["qwen3-max", "2025年6月3日"]]), ["qwen3-max@2025-06-03"]),
        (table_page(["モデル", "リリース日"], [["qwen3-max", "2025年6月3日"]]), ["qwen3-max@2025-06-03"]),
        (table_page(["モデル名", "公開日"], [["qwen3-max", "2025/06/03"]]), ["qwen3-max@2025-06-03"]),
        (table_page(["Model", "Date"], [["qwen3-max", "2025-06-03"]]), ["qwen3-max@2025-06-03"]),
        (table_page(["Model", "Launch date"], [["qwen3-max", "June 3, 2025"]]), ["qwen3-max@2025-06-03"]),
        (table_page(["模型", "发布时间"], [["qwen3-max", "２０２５－０６－０３"]]), ["qwen3-max@2025-06-03"]),
        (table_page(["Model", "Shutdown date", "Release date"], [["qwen2", "2026-01-01", "2024-06-07"]]),
         ["qwen2@2024-06-07"]),
    ],
    ids=[
        "zh-update-time-yearless", "zh-date", "zh-update-date", "ja-release-day", "ja-publish-day", "en-date",
        "en-launch-date", "zh-full-width", "en-release-beats-shutdown",
    ],
)  # fmt: skip
def test_release_tables_with_other_date_columns(tmp_path, env, loopback, page, expected):
    line = sync_page(tmp_path, env, loopback, page, HTML)
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert [row[0] for row in stored(tmp_path)] == sorted(expected)


def test_a_table_dated_only_by_shutdown_is_no_release_table(tmp_path, env, loopback):
    page = table_page(["Model", "Shutdown date"], [["qwen2", "2026-01-01"]])
    line = sync_page(tmp_path, env, loopback, page, HTML)
    assert line["status"] == "failed" and "no dated sections found" in line["error"], line


ZH_PAGE = html_page("<h2>2025年6月3日</h2><p>通义千问 qwen3-max 模型正式发布，欢迎使用。性能大幅提升。</p>")
TW_PAGE = html_page("<h2>2025年6月3日</h2><p>通義千問 qwen3-max 模型正式發布，歡迎使用。效能大幅提升。</p>")
JA_PAGE = html_page(
    "<h2>2025年6月3日</h2><p>新しいモデル qwen3-max をリリースしました。日本語の性能が向上しました。</p>"
)
KO_PAGE = html_page(
    "<h2>2025년 6월 3일</h2><p>새로운 모델 qwen3-max 을 출시했습니다. 한국어 성능이 향상되었습니다.</p>"
)


@pytest.mark.parametrize(
    ("page", "charset"),
    [(ZH_PAGE, "gbk"), (TW_PAGE, "big5"), (JA_PAGE, "shift_jis"), (JA_PAGE, "euc_jp"), (KO_PAGE, "euc_kr")],
)
def test_legacy_charsets_named_nowhere_are_sniffed(tmp_path, env, loopback, page, charset):
    line = sync_page(tmp_path, env, loopback, page.encode(charset), "text/html")
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert stored(tmp_path, "extra")[0][0] == "qwen3-max@2025-06-03"
    excerpt = json.loads(stored(tmp_path, "extra")[0][1])["excerpt"]
    assert excerpt in page


@pytest.mark.parametrize(
    ("meta", "header", "charset"),
    [
        ('<meta charset="utf-8">', "text/html", "gbk"),  # a template's meta, a page saved in GBK
        ('<meta charset="gbk">', "text/html", "utf-8"),  # a page converted to UTF-8, its meta left behind
        ('<meta charset="gbk">', "text/html; charset=utf-8", "gbk"),  # the server's default contradicts the page
        ('<meta charset="gbk">', "text/html; charset=iso-8859-1", "gbk"),
        ('<meta charset="utf-8">', "text/html; charset=gbk", "utf-8"),
    ],
)
def test_a_meta_charset_that_contradicts_the_header_or_the_bytes(tmp_path, env, loopback, meta, header, charset):
    page = html_page("<h2>2025年6月3日</h2><p>通义千问 qwen3-max 模型正式发布。</p>", head=meta)
    line = sync_page(tmp_path, env, loopback, page.encode(charset), header)
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert json.loads(stored(tmp_path, "extra")[0][1])["excerpt"] == "通义千问 qwen3-max 模型正式发布。"


def test_a_utf_16_page_with_its_byte_order_mark_is_read(tmp_path, env, loopback):
    line = sync_page(tmp_path, env, loopback, ZH_PAGE.encode("utf-16"), "text/html")
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert stored(tmp_path)[0][0] == "qwen3-max@2025-06-03"


def test_a_latin_1_page_stays_latin_1(tmp_path, env, loopback):
    page = html_page("<h2>3 juin 2025</h2><p>Le modèle qwen3-max est arrivé à Paris, très rapide.</p>")
    line = sync_page(tmp_path, env, loopback, page.encode("iso-8859-1"), "text/html; charset=iso-8859-1")
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert (
        json.loads(stored(tmp_path, "extra")[0][1])["excerpt"] == "Le modèle qwen3-max est arrivé à Paris, très rapide."
    )


ZH_FEED = (
    '<rss version="2.0"><channel><title>新闻</title><language>zh-cn</language><item>'
    "<title>通义千问 gemini-3-pro 发布</title><pubDate>2025年7月15日 10:00</pubDate></item></channel></rss>"
)
TW_FEED = (
    '<rss version="2.0"><channel><title>新聞</title><language>zh-tw</language><item>'
    "<title>通義千問 gemini-3-pro 發布</title><pubDate>2025年7月15日 10:00</pubDate></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("declaration", "content_type", "charset"),
    [
        ('<?xml version="1.0"?>', "application/rss+xml", "gbk"),  # named nowhere
        ('<?xml version="1.0" encoding="utf-8"?>', "application/rss+xml", "gbk"),  # declared wrongly
        ('<?xml version="1.0" encoding="gbk"?>', "text/xml; charset=iso-8859-1", "gbk"),  # a server default
        ('<?xml version="1.0" encoding="gbk"?>', "application/rss+xml", "utf-8"),  # converted, label left
        ('<?xml version="1.0"?>', "application/rss+xml", "big5"),
    ],
)
def test_feed_charsets_named_wrongly_or_nowhere(tmp_path, env, loopback, declaration, content_type, charset):
    feed = declaration + (TW_FEED if charset == "big5" else ZH_FEED)
    line = sync_feed(tmp_path, env, loopback, feed.encode(charset), content_type)
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 0), line
    ((external_id, extra),) = stored(tmp_path, "extra")
    assert external_id == "gemini-3-pro@2025-07-15"
    assert json.loads(extra)["title"] in ("通义千问 gemini-3-pro 发布", "通義千問 gemini-3-pro 發布")


# -- transfer encodings: a host's fault reads as the host's ---------------------------------


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("gzip", "body is not valid gzip"),  # labelled gzip, sent plain
        ("br", "content-encoding 'br', which relwatch cannot read"),  # brotli, never asked for
    ],
)
def test_a_feed_whose_content_encoding_lies_fails_naming_the_host(tmp_path, env, loopback, encoding, message):
    body = rss_feed(("gemini-3-pro is out", "Tue, 15 Jul 2025 10:00:00 GMT"))
    reply = Reply(body=body, headers={"Content-Type": "application/rss+xml", "Content-Encoding": encoding})
    loopback.route("/feed", lambda request: reply)
    source = {"kind": "feed", "url": "https://blog.example/feed", "models": GEMINI, "base_url": loopback.url}
    line = sync_source(tmp_path, env, "google", source)
    assert (line["status"], line["exit"]) == ("failed", 1), line
    assert message in line["error"] and "127.0.0.1" in line["error"]
    assert "unexpected" not in line["error"].lower()


def test_a_raw_deflate_feed_is_read(tmp_path, env, loopback):
    import zlib

    body = rss_feed(("gemini-3-pro is out", "Tue, 15 Jul 2025 10:00:00 GMT"))
    squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)  # raw deflate, as some servers send it
    raw = squeezer.compress(body) + squeezer.flush()
    reply = Reply(body=raw, headers={"Content-Type": "application/rss+xml", "Content-Encoding": "deflate"})
    loopback.route("/feed", lambda request: reply)
    source = {"kind": "feed", "url": "https://blog.example/feed", "models": GEMINI, "base_url": loopback.url}
    line = sync_source(tmp_path, env, "google", source)
    assert (line["status"], line["new"]) == ("ok", 1), line


# -- GitHub: releases that name a model, software releases, 422s --------------------------

REPO = "PaddlePaddle/ERNIE"


def github_release(tag: str, name: str | None, day: int, **fields: Any) -> dict[str, Any]:
    """A release object shaped as the REST API returns it (the recorded one, other tag and name)."""
    from tests.sim_github import gh_template

    item = gh_template()
    item.update(
        {
            "id": 72286832 + day,
            "tag_name": tag,
            "name": name,
            "html_url": f"https://github.com/{REPO}/releases/tag/{tag}",
            "published_at": f"2025-06-{day:02d}T09:30:00Z",
            "draft": False,
            "prerelease": False,
            **fields,
        }
    )
    return item


def sync_github(tmp_path: Any, env: Any, loopback: Any, releases: list[dict[str, Any]], **api: Any):
    from tests.sim_github import GitHubApi

    server = GitHubApi(loopback, REPO)
    server.releases = releases
    for key, value in api.items():
        setattr(server, key, value)
    return sync_source(tmp_path, env, "baidu", {"kind": "github", "repo": REPO, "base_url": loopback.url})


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("v3.0", "Release 3.0"),
        ("r2.1", ""),
        ("paddle-v3.0.0-beta", None),
        ("paddle-v3.0.0", "paddle-v3.0.0"),  # a package's three-part version
        ("3.0.0rc1", "3.0.0rc1"),  # a release candidate glued to its number
        ("v2.8.0", "PaddleNLP v2.8.0"),
        ("fastdeploy-v2.0.1", ""),
        ("v1.5.0", "mistral-inference v1.5.0"),
        ("update-2", "Update 2"),
        ("hotfix3", "Hotfix 3"),
        ("snapshot-20240601", None),
        ("cuda12.1", "CUDA 12.1 wheels"),
        ("py3.10", "Python 3.10 support"),
    ],
)
def test_software_releases_in_other_spellings_are_skipped_and_counted(tmp_path, env, loopback, tag, name):
    releases = [github_release("ERNIE-4.5", "ERNIE 4.5", 2), github_release(tag, name, 1)]
    line = sync_github(tmp_path, env, loopback, releases)
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 1), line
    assert "names no model (a software release)" in line["skipped_reasons"][0]
    assert stored(tmp_path) == [("ERNIE-4.5",)]


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("ERNIE-4.5-VL", ""),  # a tag and an empty name
        ("ERNIE-4.5-VL", None),
        ("ernie-4.5-0.3b", "ERNIE 4.5 0.3B"),
        ("DeepSeek-V3", "DeepSeek-V3"),
        ("PP-OCRv5", "PP-OCRv5"),
        ("Qwen2.5-VL", "Qwen2.5-VL"),
        ("glm-4.5v", "GLM-4.5V"),
    ],
)
def test_model_releases_in_other_spellings_are_kept(tmp_path, env, loopback, tag, name):
    line = sync_github(tmp_path, env, loopback, [github_release(tag, name, 1)])
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 0), line
    assert stored(tmp_path, "name") == [(tag, name or tag)]


def test_drafts_are_left_out_and_prereleases_kept(tmp_path, env, loopback):
    releases = [
        github_release("ERNIE-5.0", "ERNIE 5.0", 3, draft=True, published_at=None),
        github_release("ERNIE-4.5-Turbo", "ERNIE 4.5 Turbo", 2, prerelease=True),
        github_release("ERNIE-4.5", "ERNIE 4.5", 1),
    ]
    line = sync_github(tmp_path, env, loopback, releases)
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 2, 0), line
    assert stored(tmp_path) == [("ERNIE-4.5",), ("ERNIE-4.5-Turbo",)]


def test_a_422_on_a_later_page_ends_the_listing_incomplete(tmp_path, env, loopback):
    releases = [github_release(f"ERNIE-4.{n}", f"ERNIE 4.{n}", 1 + n % 28) for n in range(250)]
    line = sync_github(tmp_path, env, loopback, releases, max_results=200)
    assert (line["status"], line["listing"], line["new"], line["gone"]) == ("ok", "incomplete", 200, 0), line
    assert "HTTP 422" in line["incomplete"]


def test_a_422_on_the_first_page_fails_the_source(tmp_path, env, loopback):
    refusal = {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest"}
    loopback.route(f"/repos/{REPO}/releases", lambda request: json_reply(refusal, status=422))
    line = sync_source(tmp_path, env, "baidu", {"kind": "github", "repo": REPO, "base_url": loopback.url})
    assert (line["status"], line["exit"]) == ("failed", 1), line
    assert line["error"].startswith("HTTP 422 from http://127.0.0.1:")


# -- ModelScope: refusals in other shapes, owners ---------------------------------------------


def sync_modelscope(tmp_path: Any, env: Any, loopback: Any, count: int = 60, **hub: Any):
    from tests.sim_modelscope import ModelScopeHub, ms_models

    server = ModelScopeHub(loopback)
    server.orgs["Qwen"] = ms_models("Qwen", count)
    for key, value in hub.items():
        setattr(server, key, value)
    line = sync_source(tmp_path, env, "alibaba", {"kind": "modelscope", "org": "Qwen", "base_url": loopback.url})
    return line, server


def refuse_with(loopback: Any, reply: Reply, *, sorted_only: bool = False) -> None:
    """Answer every listing request (or only those asking for the sort) with `reply`."""
    handler = loopback.routes["/openapi/v1/models"]
    loopback.route(
        "/openapi/v1/models", lambda request: reply if not sorted_only or request.arg("sort") else handler(request)
    )


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        ({"success": False, "code": "TooManyRequests", "message": "Too many requests"}, "TooManyRequests"),
        ({"success": False, "code": "Throttling.User", "message": "Request was denied"}, "Throttling.User"),
        ({"Success": False, "Code": 10010205001, "Message": "请求过于频繁，请稍后再试"}, "10010205001"),
        ({"Code": 429, "Message": "rate limited"}, "429"),
    ],
)
def test_quota_refusals_in_other_shapes_park_the_source(tmp_path, env, loopback, refusal, code):
    from tests.sim_modelscope import ModelScopeHub

    ModelScopeHub(loopback)
    refuse_with(loopback, json_reply(refusal))
    line = sync_source(tmp_path, env, "alibaba", {"kind": "modelscope", "org": "Qwen", "base_url": loopback.url})
    assert line["status"] == "waiting", line
    assert f"({code})" in line["error"] and line["wait_until"]
    assert len(loopback.requests_to("/openapi/v1/models")) == 1


def test_a_legacy_code_refusal_without_success_names_the_servers_message(tmp_path, env, loopback):
    from tests.sim_modelscope import ModelScopeHub

    ModelScopeHub(loopback)
    refuse_with(loopback, json_reply({"Code": 10010205001, "Message": "owner does not exist", "RequestId": "r-9"}))
    line = sync_source(tmp_path, env, "alibaba", {"kind": "modelscope", "org": "Qwen", "base_url": loopback.url})
    assert (line["status"], line["exit"]) == ("failed", 1), line
    assert line["error"].startswith("ModelScope refused http://127.0.0.1:")
    assert line["error"].endswith(": owner does not exist (10010205001)")


def test_a_429_with_retry_after_parks_the_source(tmp_path, env, loopback):
    from tests.sim_modelscope import ModelScopeHub

    ModelScopeHub(loopback)
    refuse_with(
        loopback, json_reply({"success": False, "message": "slow down"}, status=429, headers={"Retry-After": "600"})
    )
    line = sync_source(tmp_path, env, "alibaba", {"kind": "modelscope", "org": "Qwen", "base_url": loopback.url})
    assert (line["status"], line["exit"]) == ("waiting", 0), line
    assert line["wait_until"] and "429" in line["error"]


@pytest.mark.parametrize(
    "refusal",
    [
        json_reply({"success": False, "code": "InvalidParameter", "message": "参数错误：last_modified"}),
        json_reply({"Success": False, "Code": 10010205001, "Message": "unsupported order field"}),
        json_reply({"success": False, "message": "bad request"}, status=422),
    ],
)
def test_a_sort_refused_with_another_message_is_retried_without_it(tmp_path, env, loopback, refusal):
    from tests.sim_modelscope import ModelScopeHub, ms_models

    server = ModelScopeHub(loopback)
    server.orgs["Qwen"] = ms_models("Qwen", 60)
    refuse_with(loopback, refusal, sorted_only=True)
    line = sync_source(tmp_path, env, "alibaba", {"kind": "modelscope", "org": "Qwen", "base_url": loopback.url})
    assert (line["status"], line["new"]) == ("ok", 60), line
    queries = [r.query for r in loopback.requests_to("/openapi/v1/models")]
    assert [q.get("sort") for q in queries] == [["last_modified"], None, None]


def test_items_of_another_owner_are_skipped_and_the_owners_own_case_kept(tmp_path, env, loopback):
    from tests.sim_modelscope import ModelScopeHub, ms_models

    server = ModelScopeHub(loopback)
    items = ms_models("Qwen", 3)
    items[1]["id"] = "qwen/model-0001"  # the owner in another case: the same owner
    items[2]["id"] = "someone-else/Qwen3-8B-GGUF"
    server.orgs["Qwen"] = items
    line = sync_source(tmp_path, env, "alibaba", {"kind": "modelscope", "org": "Qwen", "base_url": loopback.url})
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 2, 1), line
    assert "belongs to 'someone-else', not 'Qwen'" in line["skipped_reasons"][0]
    assert stored(tmp_path) == [("Qwen/model-0000",), ("qwen/model-0001",)]


# -- models.dev: catalog.json entries with missing or odd fields ------------------------------


def catalog_with(lab_entry: Any, offer: dict[str, Any] | None = None) -> dict[str, Any]:
    """A catalog.json in models.dev's shape: one lab entry in `models`, one offer of it by `alibaba`."""
    offer = {"id": "qwen3-8b", "name": "Qwen3 8B", "release_date": "2025-04-29", **(offer or {})}
    provider = {"id": "alibaba", "name": "Alibaba", "env": ["DASHSCOPE_API_KEY"], "models": {"qwen3-8b": offer}}
    return {"models": {"alibaba/qwen3-8b": lab_entry}, "providers": {"alibaba": provider}}


def sync_catalog(tmp_path: Any, env: Any, loopback: Any, catalog: dict[str, Any]) -> dict[str, Any]:
    loopback.route("/catalog.json", lambda request: json_reply(catalog))
    return sync_source(tmp_path, env, "alibaba", {"kind": "modelsdev", "provider": "alibaba", "base_url": loopback.url})


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([{"url": "https://huggingface.co/Qwen/Qwen3-8B/tree/main"}], "Qwen/Qwen3-8B"),
        ([{"url": "https://hf.co/Qwen/Qwen3-8B"}], "Qwen/Qwen3-8B"),
        ([{"url": "https://modelscope.cn/models/Qwen/Qwen3-8B"}], "https://modelscope.cn/models/Qwen/Qwen3-8B"),
        ([{"url": "https://github.com/QwenLM/Qwen3"}], "https://github.com/QwenLM/Qwen3"),
        ("https://huggingface.co/Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),  # a bare string, not the list of objects
        (["https://huggingface.co/Qwen/Qwen3-8B"], "Qwen/Qwen3-8B"),  # a list of strings
        ({"url": "https://huggingface.co/Qwen/Qwen3-8B"}, "Qwen/Qwen3-8B"),  # one object
        ([{"url": "https://huggingface.co/collections/Qwen/qwen3-67dd247413f0e2e4f653967f"}], None),
        ([{"url": "https://huggingface.co/datasets/Qwen/some-data"}], None),
        ([{"url": "https://huggingface.co/spaces/Qwen/Qwen3-Demo"}], None),
        ([{"url": "https://huggingface.co/Qwen"}], None),  # an organisation page names no repository
        ([{"format": "safetensors"}], None),
    ],
)
def test_weights_links_in_other_places_and_shapes(tmp_path, env, loopback, weights, expected):
    line = sync_catalog(tmp_path, env, loopback, catalog_with({"open_weights": True, "weights": weights}))
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 0), line
    assert stored(tmp_path, "weights_ref") == [("qwen3-8b", expected)]


@pytest.mark.parametrize(
    ("lab_entry", "column", "expected"),
    [
        ({"parameters": 8190735360}, "parameters", 8190735360),  # a bare number, not {"total": …}
        ({"parameters": {"total": 8.19e9}}, "parameters", 8190000000),  # written as a float
        ({"parameters": {"total": "8B"}}, "parameters", None),
        ({"release_date": "2025"}, "date", "2025-04-29"),  # a year only: the offer's own date stands
        ({"license": ["apache-2.0"]}, "licence", None),
        ({"license": "Apache-2.0"}, "licence", "Apache-2.0"),
        ([1, 2], "licence", None),  # a lab entry that is no object
        (None, "licence", None),
    ],
)
def test_lab_entries_with_missing_or_odd_fields(tmp_path, env, loopback, lab_entry, column, expected):
    offer = {"release_date": "2025-04-29"} if column == "date" else {}
    line = sync_catalog(tmp_path, env, loopback, catalog_with(lab_entry, offer))
    assert (line["status"], line["new"], line["skipped"]) == ("ok", 1, 0), line
    assert stored(tmp_path, column) == [("qwen3-8b", expected)]


def test_a_year_only_release_date_is_no_epoch(tmp_path, env, loopback):
    catalog = catalog_with({"name": "Qwen3 8B"}, {"release_date": "2025"})
    line = sync_catalog(tmp_path, env, loopback, catalog)
    assert (line["status"], line["new"]) == ("ok", 1), line
    assert stored(tmp_path, "date") == [("qwen3-8b", None)]


@pytest.mark.parametrize(
    "header",
    [["日期", "名称", "说明"], ["Date", "Name", "Notes"], ["发布日期", "说明"]],
)
def test_a_release_table_whose_date_column_comes_first(tmp_path, env, loopback, header):
    notes = "新增 qwen3-max 与 qwen3-coder"
    rows = [["2025-06-03", "qwen3-max", notes][: len(header)] if len(header) == 3 else ["2025-06-03", notes]]
    line = sync_page(tmp_path, env, loopback, table_page(header, rows), HTML)
    assert (line["status"], line["exit"]) == ("ok", 0), line
    expected = ["qwen3-max@2025-06-03"] if len(header) == 3 else ["qwen3-coder@2025-06-03", "qwen3-max@2025-06-03"]
    assert [row[0] for row in stored(tmp_path)] == expected


@pytest.mark.parametrize(
    ("page", "content_type"),
    [
        ("# 更新日志\n\n- 2025-06-03：qwen3-max 上线\n- 2025-05-01：qwen3 开源\n", MARKDOWN),
        ("# News\n\n- **2025-06-03** qwen3-max is out\n- **2025-05-01** qwen3 is open\n", MARKDOWN),
        ("# News\n\n* June 3, 2025 — qwen3-max is out\n* May 1, 2025 — qwen3 is open\n", MARKDOWN),
        (html_page("<ul><li>2025-06-03 qwen3-max 上线</li><li>2025-05-01 qwen3 开源</li></ul>"), HTML),
        (
            html_page(
                '<ul><li><time datetime="2025-06-03">Jun 3</time> qwen3-max is out</li>'
                '<li><time datetime="2025-05-01">May 1</time> <a href="/q">qwen3</a> is open</li></ul>'
            ),
            HTML,
        ),
    ],
    ids=["md-dash-colon", "md-bold-date", "md-em-dash", "html-li-text", "html-li-time"],
)
def test_news_lists_whose_items_start_with_their_date(tmp_path, env, loopback, page, content_type):
    line = sync_page(tmp_path, env, loopback, page, content_type)
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert [row[0] for row in stored(tmp_path)] == ["qwen3-max@2025-06-03", "qwen3@2025-05-01"]


def test_a_list_item_without_a_date_stays_in_its_dated_section(tmp_path, env, loopback):
    page = "# Notes\n\n## June 3, 2025\n\n- qwen3-max is out\n- 2025 roadmap: qwen3-coder next\n"
    line = sync_page(tmp_path, env, loopback, page, MARKDOWN)
    assert (line["status"], line["exit"]) == ("ok", 0), line
    assert [row[0] for row in stored(tmp_path)] == ["qwen3-coder@2025-06-03", "qwen3-max@2025-06-03"]


@pytest.mark.parametrize("label", ["Last updated", "Shutdown date", "Deprecated"])
def test_a_labelled_date_that_is_no_release_starts_no_section(tmp_path, env, loopback, label):
    page = html_page(f"<h1>Models</h1><p>{label}: June 3, 2025</p><p>qwen3-max is available.</p>")
    line = sync_page(tmp_path, env, loopback, page, HTML)
    assert line["status"] == "failed" and "no dated sections found" in line["error"], line


def test_a_word_and_comma_before_a_date_is_no_weekday(tmp_path, env, loopback):
    page = html_page("<h1>Models</h1><p>Deprecated, June 3, 2025</p><p>qwen2 is retired.</p>")
    line = sync_page(tmp_path, env, loopback, page, HTML)
    assert line["status"] == "failed" and "no dated sections found" in line["error"], line
