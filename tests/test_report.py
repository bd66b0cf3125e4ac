"""`relwatch report`: the HTML page on hand-built releases, on a synced database, and in a real browser."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from relwatch.analysis import compare_releases, per_period
from relwatch.compare_view import MARKS, metric_rows
from relwatch.report import TIMELINE_LEFT, month_starts, releases_in_comparison, render_report, stack_rows
from relwatch.store import Store
from tests.conftest import invoke, write_config
from tests.loopback import HfHub, hf_template, json_reply, with_etag
from tests.public_data import fixture_json

HERE = Path(__file__).parent
ARTIFACTS = HERE.parent / "test-artifacts"
GENERATED = "2026-11-29T02:00:00Z"
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_ID = 'baidu/"><img src=x onerror=alert(2)>'
URL_NAME = "Leak https://evil.example/pixel.png"


def release(vendor: str, family: str, day: str, tier: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"{vendor}/{family}",
        "vendor": vendor,
        "family": family,
        "name": family.title(),
        "date": day,
        "tier": tier,
        "licence_class": fields.pop("licence_class", None),
        "pipeline_tags": "[]",
        "kinds": '["huggingface"]',
        **fields,
    }


RELEASES = [
    release(
        "google", "gemma-3", "2025-03-12", "open-restricted", licence_class="restricted", largest_parameters=27 * 10**9
    ),
    release("google", "gemini-2.5-pro", "2025-06-17", "api", kinds='["openrouter", "modelsdev"]'),
    release("google", "gemini-2.5-flash", "2025-06-17", "api"),
    release("google", "gemma-3n", "2025-06-26", "open-restricted", licence_class="restricted"),
    release("google", "veo-3", "2025-10-01", "hosted"),
    release("google", "t5", "2019-10-23", "open", licence_class="permissive"),  # outside the window
    release("baidu", "ernie-4.5", "2025-01-01", "open", licence_class="permissive", largest_parameters=300 * 10**9),
    release("baidu", "ernie-x1", "2025-03-16", "api"),
    release("baidu", "ernie-5.0", "2025-11-13", None),  # no tier known yet
    release("acme", "rocket-1", "2025-05-05", "open"),  # a vendor not compared
]
WINDOW = {"since": "2025-01-01", "until": "2025-12-31"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    parts: list[str] = field(default_factory=list)

    def ancestor(self, tag: str) -> Element:
        element = self.parent
        while element is not None and element.tag != tag:
            element = element.parent
        assert element is not None, f"no <{tag}> around <{self.tag}>"
        return element

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


class Elements(HTMLParser):
    """Every element of a page, in order, with its attributes and the text inside it."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col", "embed"})

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self.open: list[Element] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.open[-1] if self.open else None)
        self.found.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(Element(tag, {k: v or "" for k, v in attrs}, self.open[-1] if self.open else None))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.parts.append(data)


def elements(page: str, css_class: str | None = None) -> list[Element]:
    found = Elements(page).found
    return [e for e in found if e.has_class(css_class)] if css_class else found


def report(rows: list[dict[str, Any]] = RELEASES, vendors: tuple[str, ...] = ("google", "baidu"), **window: str) -> str:
    comparison = compare_releases(rows, list(vendors), **(window or WINDOW))
    return render_report(comparison, rows, title="google vs baidu", generated_at=GENERATED)


def marks(page: str) -> dict[str, dict[str, str]]:
    """Release id → the data attributes of its timeline mark; fails on a release drawn twice."""
    found = elements(page, "mark")
    counts = Counter(m.attrs["data-release-id"] for m in found)
    assert [rid for rid, n in counts.items() if n > 1] == []
    return {m.attrs["data-release-id"]: m.attrs for m in found}


def bars(page: str) -> dict[tuple[str, str], Element]:
    return {(b.attrs["data-vendor"], b.attrs["data-period"]): b for b in elements(page, "bar")}


# -- The page, from hand-built releases -------------------------------------------------------------


def test_the_figures_table_shows_the_compare_figures():
    page = report()
    comparison = compare_releases(RELEASES, ["google", "baidu"], **WINDOW)
    cells = {
        (c.attrs["data-figure"], c.attrs["data-vendor"]): c.text for c in elements(page) if "data-figure" in c.attrs
    }
    rows = metric_rows(comparison)
    assert len(cells) == 2 * len(rows)
    for row in rows:
        for vendor in ("google", "baidu"):
            assert cells[(row["figure"].strip(), vendor)] == str(row[vendor])
    assert cells[("open weights", "google")] == "2 (40%)"
    assert cells[("still closed", "baidu")] == "1: Ernie-X1"
    cards = {c.attrs["data-vendor"]: c for c in elements(page, "card")}
    assert [cards[v].attrs["data-share"] for v in ("google", "baidu")] == ["0.4", "0.333"]
    assert "40%" in cards["google"].text and "2 of 5 releases" in cards["google"].text
    header = next(e for e in elements(page) if e.tag == "header").text
    assert "2025-01-01 → 2025-12-31" in header and GENERATED in header


def test_every_release_in_the_window_is_one_mark_with_its_tier():
    page = report()
    drawn = marks(page)
    assert {rid: m["data-tier"] for rid, m in drawn.items()} == {
        "google/gemma-3": "open-restricted",
        "google/gemini-2.5-pro": "api",
        "google/gemini-2.5-flash": "api",
        "google/gemma-3n": "open-restricted",
        "google/veo-3": "hosted",
        "baidu/ernie-4.5": "open",
        "baidu/ernie-x1": "api",
        "baidu/ernie-5.0": "unknown",
    }
    assert drawn["baidu/ernie-x1"]["data-vendor"] == "baidu" and drawn["baidu/ernie-x1"]["data-date"] == "2025-03-16"
    # a tooltip, then the tier's letter (not colour alone); each mark in its own vendor's chart
    for mark in elements(page, "mark"):
        release_id, tier = mark.attrs["data-release-id"], mark.attrs["data-tier"]
        assert mark.text.startswith(f"{next(r['name'] for r in RELEASES if r['id'] == release_id)} · ")
        assert mark.text.endswith(f"({release_id}){MARKS[tier]}")
        assert mark.ancestor("figure").attrs["data-vendor"] == mark.attrs["data-vendor"]
    tips = {m.attrs["data-release-id"]: m.text for m in elements(page, "mark")}
    assert tips["google/gemma-3"] == "Gemma-3 · 2025-03-12 · open, restricted (google/gemma-3)R"
    assert tips["baidu/ernie-5.0"] == "Ernie-5.0 · 2025-11-13 · unknown (baidu/ernie-5.0)?"


def test_marks_are_placed_by_date_and_stacked_when_they_would_touch():
    page = report()
    found = Elements(page).found
    centre = {}
    for index, element in enumerate(found):
        if element.has_class("mark"):
            shape = found[index + 2]  # the mark, its <title>, then its shape
            x = shape.attrs.get("cx") or str(float(shape.attrs["x"]) + float(shape.attrs["width"]) / 2)
            y = shape.attrs.get("cy") or str(float(shape.attrs["y"]) + float(shape.attrs["height"]) / 2)
            centre[element.attrs["data-release-id"]] = (float(x), float(y))
    assert centre["baidu/ernie-4.5"][0] == TIMELINE_LEFT  # the first day of the window
    assert centre["google/gemma-3"][0] < centre["google/gemma-3n"][0]
    same_day = centre["google/gemini-2.5-pro"], centre["google/gemini-2.5-flash"]
    assert same_day[0][0] == same_day[1][0] and same_day[0][1] != same_day[1][1]
    assert stack_rows([0, 5, 30, 31, 50], gap=10) == [0, 1, 0, 1, 0]
    assert month_starts(date(2024, 10, 15), date(2025, 1, 1)) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
    ]


def test_quarter_bars_carry_the_open_share():
    found = bars(report())
    assert len(found) == 8
    expected = {
        ("google", "2025-Q1"): ("1", "1", "1.0", "100%"),
        ("google", "2025-Q2"): ("3", "1", "0.333", "33%"),
        ("google", "2025-Q3"): ("0", "0", "", "–"),
        ("google", "2025-Q4"): ("1", "0", "0.0", "0%"),
        ("baidu", "2025-Q1"): ("2", "1", "0.5", "50%"),
        ("baidu", "2025-Q4"): ("1", "0", "0.0", "0%"),
    }
    for key, (releases, opened, share, label) in expected.items():
        bar = found[key]
        assert (bar.attrs["data-releases"], bar.attrs["data-open"], bar.attrs["data-share"]) == (
            releases,
            opened,
            share,
        )
        assert label in bar.text and f"{opened}/{releases}" in bar.text


def test_the_release_list():
    page = report()
    found = elements(page)
    rows = {r.attrs["data-release-id"]: r for r in found if r.tag == "tr" and "data-release-id" in r.attrs}
    assert list(rows)[:2] == ["baidu/ernie-5.0", "google/veo-3"]  # newest first
    assert set(rows) == set(marks(page))
    cells = [c.text for c in found if c.tag == "td" and c.parent is rows["google/gemma-3"]]
    assert cells == ["google", "Gemma-3", "Ropen, restricted", "2025-03-12", "restricted", "27B", "huggingface"]
    assert rows["google/gemini-2.5-pro"].text.endswith("openrouter, modelsdev")
    assert rows["baidu/ernie-5.0"].attrs["data-tier"] == "unknown"


def test_a_vendor_without_releases():
    page = report(vendors=("google", "acme"), since="2024-01-01", until="2024-12-31")
    assert marks(page) == {}
    assert page.count("no releases in the window") == 2
    assert all(b.attrs["data-share"] == "" and "–" in b.text for b in bars(page).values())


def test_hostile_names_come_out_escaped():
    rows = [
        *RELEASES,
        release("baidu", "x", "2025-07-01", "api") | {"id": HOSTILE_ID, "name": HOSTILE_NAME},
        release("baidu", "leak", "2025-07-02", "open", kinds='["<b>hub</b>"]') | {"name": URL_NAME},
    ]
    page = report(rows)
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    drawn = marks(page)
    assert drawn[HOSTILE_ID]["data-tier"] == "api"
    row = next(r for r in elements(page) if r.tag == "tr" and r.attrs.get("data-release-id") == HOSTILE_ID)
    assert HOSTILE_NAME in row.text
    assert "&lt;b&gt;hub&lt;/b&gt;" in page
    assert [e.text for e in elements(page) if e.tag == "span" and e.attrs.get("title") == HOSTILE_ID] == [HOSTILE_NAME]


def test_the_page_loads_nothing_from_outside():
    rows = [*RELEASES, release("baidu", "leak", "2025-07-02", "open") | {"name": URL_NAME}]
    page = report(rows)
    found = elements(page)
    assert not [e.tag for e in found if e.tag in ("script", "link", "img", "iframe", "object", "embed", "use")]
    for element in found:
        for name, value in element.attrs.items():
            assert name not in ("src", "href", "xlink:href", "srcset", "action", "poster"), (element.tag, name)
            if not name.startswith("data-") and name not in ("title", "aria-label"):
                assert not re.search(r"https?:|//", value), (element.tag, name, value)
    assert "url(" not in page and "@import" not in page
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page)
    policy = next(e.attrs["content"] for e in found if e.tag == "meta" and e.attrs.get("http-equiv"))
    assert policy.startswith("default-src 'none'")
    row = next(e for e in found if e.tag == "tr" and e.attrs.get("data-release-id") == "baidu/leak")
    assert URL_NAME in row.text


# -- From a synced database -------------------------------------------------------------------------


def hub_repo(repo_id: str, created: str, licence: str) -> dict[str, Any]:
    item = copy.deepcopy(hf_template())
    item.update(id=repo_id, author=repo_id.split("/")[0], createdAt=created, gated=False)
    item["tags"] = [t for t in item["tags"] if not t.startswith("license:")] + [f"license:{licence}"]
    item["cardData"] = {"license": licence}
    item["safetensors"] = {"total": 27_000_000_000}
    return item


def test_a_report_of_a_synced_database(tmp_path, loopback, env):
    capture = fixture_json("openrouter/models_2026-05-15.json")["data"]
    hub = HfHub(loopback)
    hub.orgs["google"] = [hub_repo("google/gemma-3-27b-it", "2025-03-10T08:00:00.000Z", "gemma")]
    hub.orgs["baidu"] = [hub_repo("baidu/ERNIE-4.5-300B-A47B-PT", "2025-06-30T02:00:00.000Z", "apache-2.0")]
    loopback.route("/api/v1/models", lambda r: with_etag(r, json_reply({"data": capture})))
    sources = {
        vendor: [
            {"kind": "huggingface", "org": vendor, "base_url": loopback.url},
            {"kind": "openrouter", "author": vendor, "base_url": loopback.url},
        ]
        for vendor in ("google", "baidu")
    }
    config, db = write_config(tmp_path / "sources.toml", sources), tmp_path / "r.db"
    synced = invoke(["sync", "--config", str(config), "--db", str(db)], env)
    assert synced.returncode == 0, synced.stderr + synced.stdout

    store = Store(db)
    rows = [release.as_record() for release in store.list_releases(vendors=["google", "baidu"])]
    store.close()
    comparison = compare_releases(rows, ["google", "baidu"], since="2025-01-01", until="2025-12-31")
    page = render_report(comparison, rows, title="google vs baidu", generated_at=GENERATED)

    in_window = [r for r in rows if r["date"] and "2025-01-01" <= r["date"][:10] <= "2025-12-31"]
    assert len(in_window) > 8
    drawn = marks(page)
    assert {rid: m["data-tier"] for rid, m in drawn.items()} == {r["id"]: r["tier"] for r in in_window}
    assert drawn["baidu/ernie-4.5"] == {
        "class": "mark",
        "data-release-id": "baidu/ernie-4.5",
        "data-vendor": "baidu",
        "data-tier": "open",
        "data-date": "2025-06-30",
    }
    assert drawn["google/gemma-3"]["data-tier"] == "open-restricted"
    assert drawn["google/gemma-3"]["data-date"] == "2025-03-10"  # the repository's day, from a full timestamp
    listed = {r.attrs["data-release-id"]: r for r in elements(page) if r.tag == "tr" and "data-release-id" in r.attrs}
    assert list(listed) == sorted(listed, key=lambda rid: drawn[rid]["data-date"], reverse=True)
    assert listed["google/gemma-3"].text.endswith("huggingface, openrouter")
    q1 = [r for r in in_window if r["vendor"] == "google" and r["date"] < "2025-04"]
    bar = bars(page)[("google", "2025-Q1")].attrs
    assert (int(bar["data-releases"]), int(bar["data-open"])) == (
        len(q1),
        sum(r["tier"] == "open-restricted" for r in q1),
    )
    cards = {c.attrs["data-vendor"]: c.attrs for c in elements(page, "card")}
    for figures in comparison.vendors:
        card = cards[figures.vendor]
        assert (int(card["data-releases"]), int(card["data-open"])) == (figures.releases, figures.open_weights)
        assert figures.releases == sum(r["vendor"] == figures.vendor for r in in_window)


# -- In a real browser ------------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]
CONSOLE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\]\s*(.*)")


def chromium() -> str:
    """Debian's chromium; without it the browser tests skip on a developer's machine and fail in CI."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed but CI is set: install Debian's `chromium` package")
    pytest.skip("chromium is not installed (apt-get install chromium); CI runs these tests")


def browse(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def console_messages(log: str) -> list[str]:
    """What the page said on its console: script errors, blocked loads, logs."""
    return [m.group(1) for m in map(CONSOLE.search, log.splitlines()) if m]


@dataclass
class Rendered:
    rows: list[dict[str, Any]]
    dom: str
    log: str
    screenshot: Path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    rows = json.loads((HERE / "fixtures/report/releases.json").read_text())
    rows.append(release("baidu", "x", "2025-07-01", "api") | {"id": HOSTILE_ID, "name": HOSTILE_NAME})
    comparison = compare_releases(rows, ["google", "alibaba", "baidu"], since="2024-10-01", until="2026-09-30")
    title = "google vs alibaba vs baidu, 2024-10-01 → 2026-09-30"
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    page.write_text(render_report(comparison, rows, title=title, generated_at=GENERATED), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    screenshot.unlink(missing_ok=True)
    # one browser run: the DOM on stdout, the console on stderr, the picture in the file
    dumped = browse(page, folder / "profile", "--dump-dom", f"--screenshot={screenshot}", "--window-size=1280,2000")
    return Rendered(rows, dumped.stdout, dumped.stderr, screenshot)


def test_the_browser_keeps_every_mark_and_number(rendered):
    comparison = compare_releases(rendered.rows, ["google", "alibaba", "baidu"], since="2024-10-01", until="2026-09-30")
    chosen = releases_in_comparison(comparison, rendered.rows)
    assert len(chosen) == 45
    drawn = marks(rendered.dom)
    assert {rid: m["data-tier"] for rid, m in drawn.items()} == {r["id"]: r["tier"] for r in chosen}
    assert all(
        drawn[r["id"]]["data-date"] == r["date"] and drawn[r["id"]]["data-vendor"] == r["vendor"] for r in chosen
    )
    periods = per_period(chosen, ["google", "alibaba", "baidu"], since="2024-10-01", until="2026-09-30", by="quarter")
    found = bars(rendered.dom)
    assert len(found) == len(periods) == 24
    for row in periods:
        bar = found[(row["vendor"], row["period"])].attrs
        assert (int(bar["data-releases"]), int(bar["data-open"])) == (row["releases"], row["open_weights"])
        assert bar["data-share"] == ("" if row["open_share"] is None else str(row["open_share"]))
    assert found[("alibaba", "2025-Q3")].attrs["data-share"] == "0.75"
    cards = {c.attrs["data-vendor"]: c.text for c in elements(rendered.dom, "card")}
    assert "75%" in cards["alibaba"] and "12 of 16 releases" in cards["alibaba"]


def test_the_browser_runs_no_script_and_shows_hostile_names_as_text(rendered):
    assert console_messages(rendered.log) == []
    found = elements(rendered.dom)
    assert [e for e in found if e.tag in ("script", "img")] == []
    row = next(r for r in found if r.tag == "tr" and r.attrs.get("data-release-id") == HOSTILE_ID)
    assert HOSTILE_NAME in row.text


def test_the_console_check_sees_errors_and_blocked_loads(tmp_path):
    """The check above can fail: a page with a script error and an outside image is caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="img-src \'none\'">'
        '<img src="https://example.invalid/x.png"><script>missing();</script>'
    )
    messages = console_messages(browse(page, tmp_path / "profile", "--dump-dom").stderr)
    assert any("missing is not defined" in m for m in messages), messages
    assert any("example.invalid" in m for m in messages), messages


def png_facts(path: Path) -> tuple[int, int, int]:
    """(width, height, how many different byte values its pixel data holds)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return width, height, len(set(zlib.decompress(b"".join(chunks))))


def test_the_screenshot(rendered):
    assert rendered.screenshot == ARTIFACTS / "report.png"
    width, height, values = png_facts(rendered.screenshot)
    assert (width, height) == (1280, 2000)
    assert rendered.screenshot.stat().st_size > 60_000
    assert values > 200


# -- The story, the provenance and any number of vendors at any width ------------------------------------

WIDE_VENDORS = (
    "google", "alibaba", "baidu", "deepseek", "mistral", "anthropic", "openai", "bytedance-seed", "moonshot",
    "minimax", "zhipu", "tencent", "stepfun",
)  # fmt: skip
AS_OF = "2026-05-15T06:00:00Z"
WIDE_WINDOW = {"since": "2024-10-01", "until": "2026-12-31"}


def wide_report() -> tuple[str, list[dict[str, Any]]]:
    """13 vendors (each with a copy of the fixture's releases) and a provenance with a long error."""
    from relwatch.report import provenance_of

    base = json.loads((HERE / "fixtures/report/releases.json").read_text())
    rows = [
        {**r, "id": f"{vendor}/{r['family']}", "vendor": vendor}
        for index, vendor in enumerate(WIDE_VENDORS)
        for r in base
        if r["vendor"] == ("google", "alibaba", "baidu")[index % 3]
    ]
    rows.append(
        release("baidu", "ernie-4.5", "2025-03-16", "open", first_closed_at="2025-03-16", first_open_at="2025-06-30")
    )
    health = [
        {"vendor": vendor, "source": f"{vendor}/openrouter/{vendor}", "kind": "openrouter", "last_status": "ok",
         "last_success": AS_OF, "last_error": None, "last_suspect": None, "artifacts": 12}
        for vendor in WIDE_VENDORS
    ]  # fmt: skip
    long_error = "cannot read https://huggingface.co/api/models?author=google&" + "expand=cardData&" * 20
    health.append(
        {"vendor": "google", "source": "google/huggingface/google", "kind": "huggingface", "last_status": "failed",
         "last_success": None, "last_error": long_error, "last_suspect": None, "artifacts": 0}
    )  # fmt: skip
    health.append({**health[-1], "vendor": "nobody", "source": "nobody/feed/x"})
    comparison = compare_releases(rows, list(WIDE_VENDORS), **WIDE_WINDOW)
    title = f"{' vs '.join(WIDE_VENDORS)}: open and closed releases"
    page = render_report(
        comparison, rows, title=title, generated_at=GENERATED, provenance=provenance_of(health, WIDE_VENDORS)
    )
    return page, rows


def test_the_report_opens_with_the_picture_then_the_figures_then_the_provenance():
    page, _ = wide_report()
    anchors = ("open-share", "tier-mix", "closed-then-open", "timeline", "figures", "releases", "provenance")
    order = [page.index(f'<section id="{anchor}"') for anchor in anchors]
    assert order == sorted(order)
    lag = next(e for e in elements(page) if e.attrs.get("class") == "lag")
    assert lag.attrs["data-release-id"] == "baidu/ernie-4.5" and lag.attrs["data-days"] == "106"
    mix = [e for e in elements(page) if "part" in e.attrs.get("class", "").split()]
    comparison = compare_releases(wide_report()[1], list(WIDE_VENDORS), **WIDE_WINDOW)
    for figures in comparison.vendors:
        drawn = {
            e.attrs["data-tier"]: int(e.attrs["data-count"]) for e in mix if e.attrs["data-vendor"] == figures.vendor
        }
        assert drawn == {tier: n for tier, n in figures.by_tier.items() if n}
        assert sum(drawn.values()) == figures.releases


def test_the_provenance_says_which_sources_answered_and_why_others_did_not():
    page, _ = wide_report()
    sources = {e.attrs["data-source"]: e for e in elements(page) if "data-source" in e.attrs}
    assert "nobody/feed/x" not in sources  # only the vendors of the report
    failed = sources["google/huggingface/google"]
    assert failed.attrs["data-status"] == "failed" and "cannot read https://huggingface.co" in failed.text
    assert "never" in failed.text
    assert sources["stepfun/openrouter/stepfun"].attrs["data-status"] == "ok"
    assert "no read yet" not in sources["stepfun/openrouter/stepfun"].text
    header = next(e for e in elements(page) if e.tag == "header").text
    assert "Data as of2026-05-15" in header.replace(" ", "") or "2026-05-15" in header


def test_quarters_after_the_data_read_no_data_not_zero():
    page, _ = wide_report()
    found = bars(page)
    assert found[("google", "2026-Q3")].attrs.get("data-no-data") == "true"
    assert "no" in found[("google", "2026-Q3")].text and "0/0" not in found[("google", "2026-Q3")].text
    assert "data-no-data" not in found[("google", "2026-Q2")].attrs  # the quarter of the data's date


MEASURE = """
<script>
addEventListener("load", () => {
  const frame = document.querySelector("iframe");
  const doc = frame.contentDocument;
  const limit = frame.clientWidth;
  const wide = [...doc.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > limit + 0.5)
    .map((e) => e.tagName + "." + (e.getAttribute("class") || "") + "#" + (e.id || ""));
  const out = document.getElementById("measured");
  out.setAttribute("data-scroll-width", doc.documentElement.scrollWidth);
  out.setAttribute("data-width", limit);
  out.textContent = JSON.stringify(wide.slice(0, 20));
});
</script>
"""


def framed(page: str, width: int, height: int) -> str:
    """A page holding `page` in an iframe `width` px wide (Chromium's window is at least 500 px, an
    iframe can be narrower), with a script that lists what runs past the frame's right edge."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}'
        f'</style></head><body><iframe width="{width}" height="{height}" srcdoc="{html_escape(page)}"></iframe>'
        f'<p id="measured"></p>{MEASURE}</body></html>'
    )


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_overflows_at_desktop_and_phone_widths(tmp_path, width):
    page, _ = wide_report()
    plain = tmp_path / "report.html"
    plain.write_text(page, encoding="utf-8")
    wrapper = tmp_path / "framed.html"
    wrapper.write_text(framed(page, width, 2400), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / f"report-{width}.png"
    screenshot.unlink(missing_ok=True)
    # one browser run measures and takes the picture; the frame is `width` px whatever the window's minimum
    picture = f"--screenshot={screenshot}"
    dumped = browse(wrapper, tmp_path / "profile", "--dump-dom", picture, f"--window-size={width},2400")
    measured = next(e for e in elements(dumped.stdout) if e.attrs.get("id") == "measured")
    assert measured.attrs["data-width"] == str(width)
    assert int(measured.attrs["data-scroll-width"]) <= width, measured.text
    assert json.loads(measured.text) == []
    assert png_facts(screenshot)[:2] == (width, 2400)


def test_the_overflow_check_sees_a_wide_page(tmp_path):
    """The check above can fail: a page with a 900 px wide table is caught at 390 px."""
    page = "<!DOCTYPE html><body><table style='width:900px'><tr><td>x</td></tr></table></body>"
    wrapper = tmp_path / "framed.html"
    wrapper.write_text(framed(page, 390, 600), encoding="utf-8")
    dumped = browse(wrapper, tmp_path / "profile", "--dump-dom", "--window-size=500,600")
    measured = next(e for e in elements(dumped.stdout) if e.attrs.get("id") == "measured")
    assert int(measured.attrs["data-scroll-width"]) > 390 and "TABLE" in measured.text
