"""Figures that mean what they say: weights found late are no opening, a replay is dated by its
recording, catalogue modalities, the report's adoption chart, the sync progress line at 80 columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from relwatch.analysis import is_opening, modalities_of, select_releases, split_signature
from relwatch.recording import recorded_at
from tests.conftest import invoke, query, shared_path, write_config
from tests.public_data import openrouter_recording

# The catalogue authors whose models gained `hugging_face_id` in the 2025-06-01 capture.
AUTHORS = {
    "google": "google",
    "meta": "meta-llama",
    "mistral": "mistralai",
    "deepseek": "deepseek",
    "alibaba": "qwen",
    "microsoft": "microsoft",
}


def capture_recordings(root: Path) -> list[tuple[str, Path]]:
    """One `sync --replay` folder per OpenRouter capture, oldest first, each answering with the
    capture's day in its `Date` header, as a recording made that day would."""
    folders = []
    for capture in sorted(shared_path("captures", "openrouter").glob("openrouter_models_*.json")):
        day = capture.stem.rsplit("_", 1)[-1]
        when = datetime.fromisoformat(day).replace(hour=6, tzinfo=UTC)
        folder = root / day
        folder.mkdir(parents=True)
        exchange = {
            "method": "GET",
            "url": "https://openrouter.ai/api/v1/models?output_modalities=all",
            "status": 200,
            "headers": {"content-type": "application/json", "date": format_datetime(when, usegmt=True)},
            "body": capture.read_text(encoding="utf-8"),
        }
        (folder / "00001.json").write_text(json.dumps(exchange), encoding="utf-8")
        folders.append((day, folder))
    return folders


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], list[str]]:
    """The 19 captures replayed in order through `relwatch sync --replay`: database, env, days."""
    root = tmp_path_factory.mktemp("replay")
    env = {"HOME": str(root / "home"), "NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    config = write_config(
        root / "sources.toml", {key: [{"kind": "openrouter", "author": author}] for key, author in AUTHORS.items()}
    )
    db = root / "r.db"
    days = []
    for day, folder in capture_recordings(root / "rec"):
        result = invoke(["sync", "--quiet", "--db", str(db), "--config", str(config), "--replay", str(folder)], env)
        assert result.returncode in (0, 1), result.stderr
        days.append(day)
    return db, env, days


def test_weights_found_in_a_catalogue_are_no_opening(replayed: tuple[Path, dict[str, str], list[str]]) -> None:
    db, env, _ = replayed
    found = query(db, "SELECT release_id, old_value, new_value FROM events WHERE type = 'weights-found'")
    assert len(found) >= 30  # Gemma 2/3, Llama 2-4, Mistral 7B, DeepSeek R1, Qwen2, Phi-3…
    assert {"google/gemma-2", "google/gemma-3", "deepseek/deepseek-r1"} <= {row[0] for row in found}
    assert all(new in ("open", "open-restricted", "open-noncommercial") for _, _, new in found)
    # the one opening: Ministral 3's weights (2025-12-02) came after the 2025-12-01 read
    openings = query(
        db,
        "SELECT e.release_id, r.first_open_at FROM events e JOIN releases r ON r.id = e.release_id "
        "WHERE e.type = 'tier-changed'",
    )
    assert openings == [("mistral/ministral", "2025-12-02T13:19:20Z")]

    events = json.loads(invoke(["diff", "--db", str(db), "--since", "2020-01-01", "-f", "json"], env).stdout)
    shown = [e for by_type in events["vendors"].values() for kind in by_type.values() for e in kind]
    assert sum(e["type"] == "weights-found" for e in shown) == len(found)
    assert [e["subject"] for e in shown if is_opening(e)] == ["mistral/ministral"]
    text = invoke(["diff", "--db", str(db), "--since", "2020-01-01", "-f", "markdown"], env).stdout
    assert [line for line in text.splitlines() if "★" in line] == [
        "- mistral/ministral: api → open-restricted ★ closed → open"
    ]
    assert "google/gemma-2: api → open-restricted (weights published earlier, found now)" in text


def test_a_replay_is_dated_by_its_recording(replayed: tuple[Path, dict[str, str], list[str]], tmp_path: Path) -> None:
    db, env, days = replayed
    ((last,),) = query(db, "SELECT max(last_success) FROM sources")
    assert last[:10] == days[-1] == "2026-03-02"
    page = tmp_path / "r.html"
    made = invoke(["report", "--db", str(db), "-o", str(page)], env)
    assert made.returncode == 0, made.stderr
    assert "Data as of</dt><dd>2026-03-02" in page.read_text(encoding="utf-8").replace("\n", "")


def test_recorded_at_is_the_newest_readable_date_header() -> None:
    exchanges: list[dict[str, Any]] = [
        {"headers": {"Date": "Sun, 01 Jun 2025 06:00:00 GMT"}},
        {"headers": {"date": "Mon, 02 Mar 2026 10:30:00 GMT"}},
        {"headers": {"date": "not a date"}},
        {"headers": {}},
        {},
    ]
    assert recorded_at(exchanges) == "2026-03-02T10:30:00Z"
    assert recorded_at([{"headers": {"date": "yesterday"}}]) is None


def test_a_model_writing_media_is_not_a_text_model() -> None:
    assert modalities_of([], ["text", "image"], ["text", "audio"]) == {"audio"}  # Lyria 3 Pro
    assert modalities_of([], ["text", "image"], ["image", "text"]) == {"image"}
    assert modalities_of([], ["text", "image"], ["text"]) == {"text", "vision"}
    assert modalities_of([], ["text"], ["music"]) == {"audio"}
    assert split_signature("text+image->text+audio") == (["text", "image"], ["text", "audio"])
    assert split_signature("text") == ([], [])


def test_compare_by_modality_reads_each_catalogue_model(tmp_path: Path, env: dict[str, str]) -> None:
    vendors = {key: [{"kind": "openrouter", "author": key}] for key in ("google", "openai")}
    config = write_config(tmp_path / "sources.toml", vendors)
    db = tmp_path / "r.db"
    replay = openrouter_recording(tmp_path / "rec")
    synced = invoke(["sync", "--quiet", "--db", str(db), "--config", str(config), "--replay", str(replay)], env)
    assert synced.returncode == 0, synced.stderr

    def named(modality: str) -> list[str]:
        args = ["compare", "google", "openai", "--since", "2020-01-01", "--modality", modality, "-f", "json"]
        shown = invoke([*args, "--db", str(db)], env)
        assert shown.returncode == 0, shown.stderr
        return list(json.loads(shown.stdout)["vendors"][0]["still_closed"])

    text, audio, image = named("text"), named("audio"), named("image")
    assert "Lyria 3 Pro" in audio and "Lyria 3 Pro" not in text  # writes "text+audio"
    assert "Gemini 2.5 Flash Image" in image and "Gemini 2.5 Flash Image" not in text  # writes "image+text"
    assert "Gemini 2.5 Pro" in text


def test_a_release_of_a_text_model_and_an_image_model_is_both() -> None:
    rows = [{"id": "g/flash", "vendor": "g", "date": "2025-05-01", "pipeline_tags": "[]"}]
    stated = {"g/flash": {"signatures": ["text->text", "text+image->image+text"]}}
    for modality in ("text", "image"):
        chosen = select_releases(rows, since="2025-01-01", until="2025-12-31", modality=modality, stated=stated)
        assert [r["id"] for r in chosen.releases] == ["g/flash"]
    old_capture = {"g/flash": {"signatures": ["text+image->text+audio"]}}  # the `modality` string alone
    chosen = select_releases(rows, since="2025-01-01", until="2025-12-31", modality="text", stated=old_capture)
    assert chosen.releases == [] and chosen.unknown == {}


def test_the_sync_progress_line_keeps_the_host_at_80_columns(tmp_path: Path) -> None:
    from io import StringIO

    from rich.console import Console

    from relwatch.config import load_config
    from relwatch.views import RichSyncProgress, progress_label

    config = load_config(
        write_config(
            tmp_path / "sources.toml",
            {"alibaba": [{"kind": "huggingface", "org": "Qwen-Long-Organisation-Name"}]},
        )
    )
    (source,) = config.vendors["alibaba"].sources
    out = StringIO()
    console = Console(file=out, width=80, force_terminal=False, color_system=None)
    with RichSyncProgress(console) as shown:
        shown.started(source)
        shown.advanced(source, 12, 3456)
        console.print(shown.progress.make_tasks_table(shown.progress.tasks))
    lines = [line for line in out.getvalue().splitlines() if "waiting for" in line]
    assert lines and all(len(line) <= 80 for line in lines)
    assert all("waiting for huggingface.co (page 13)" in line for line in lines[-1:])
    assert " alibaba/hu… 12 pages" in lines[-1]  # the label gave way, not the host
    assert progress_label("google/huggingface/google", "ok", 80) == "google/huggingface/google"
    assert progress_label("alibaba/changelog/https://example.com/a/very/long/page", "x" * 60, 80) == "alibaba/c…"


def test_the_adoption_chart_draws_first_month_downloads_and_derivatives() -> None:
    from relwatch.report_adoption import adoption_rows, adoption_section
    from relwatch.value import DerivativeCount, Metric, OpenRelease

    releases = [
        OpenRelease(
            vendor="google", release="google/gemma-3", released="2025-03-12", artifacts=("google/gemma-3-27b-it",)
        ),
        OpenRelease(vendor="alibaba", release="alibaba/qwen3", released="2025-04-29", artifacts=("Qwen/Qwen3-8B",)),
        OpenRelease(vendor="alibaba", release="alibaba/qwen2", released="2024-06-07", artifacts=("Qwen/Qwen2-7B",)),
        OpenRelease(vendor="baidu", release="baidu/ernie-4.5", released="2025-06-30", artifacts=("baidu/ERNIE",)),
    ]
    metrics = [
        Metric(artifact="google/gemma-3-27b-it", day="2025-04-12", downloads=1_200_000),
        Metric(artifact="Qwen/Qwen3-8B", day="2025-05-30", downloads=3_400_000),
        Metric(artifact="Qwen/Qwen3-8B", day="2025-05-31", downloads=9),  # a later day: not the first month's read
        Metric(artifact="Qwen/Qwen2-7B", day="2024-07-08", downloads=5),  # opened before the window
    ]
    derivatives = [
        DerivativeCount(release="alibaba/qwen3", milestone=30, counted_on="2025-05-29", by_relation={"finetune": 40}),
        DerivativeCount(
            release="alibaba/qwen3",
            milestone=90,
            counted_on="2025-07-28",
            by_relation={"finetune": 300, "quantized": 95},
        ),
    ]
    rows = adoption_rows(releases, metrics, derivatives, "2025-01-01", "2025-12-31")
    assert [(r.release, r.downloads, r.derivatives, r.milestone) for r in rows] == [
        ("alibaba/qwen3", 3_400_000, 395, 90),
        ("google/gemma-3", 1_200_000, None, None),
    ]
    page = adoption_section(rows)
    assert page.count("<rect") == 3 + 2  # three bars, two legend swatches
    assert "3,400,000" in page and "395" in page and "not counted" in page
    assert "<script" not in page and "style=" not in page  # the report's CSP: no script, no inline style
    assert adoption_section([]) == ""


def test_a_report_without_adoption_figures_has_no_adoption_chart(
    replayed: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    db, env, _ = replayed
    page = tmp_path / "r.html"
    assert invoke(["report", "google", "alibaba", "--db", str(db), "-o", str(page)], env).returncode == 0
    assert 'id="adoption"' not in page.read_text(encoding="utf-8")


def test_the_report_draws_adoption_where_the_hub_counted_it(
    tmp_path: Path, hub: Any, cli: Any, monkeypatch: Any
) -> None:
    from tests.test_adoption import ORG, DerivativeHub, config_for, derivative, listing, sync

    hub.orgs[ORG] = listing(2)
    derivatives = DerivativeHub(hub)
    repo = sorted(str(item["id"]) for item in hub.orgs[ORG])[0]
    derivatives.children[repo] = [derivative("other", i, repo, "finetune") for i in range(3)]
    config = config_for(tmp_path, hub)
    for moment in ("2026-03-02T12:00:00Z", "2026-04-02T06:00:00Z"):  # the open day, then +31
        monkeypatch.setattr("relwatch.sync.now_iso", lambda moment=moment: moment)
        sync(cli, tmp_path, config)
    page = tmp_path / "r.html"
    args = ["report", "--since", "2026-01-01", "--until", "2026-06-30", "--db", str(tmp_path / "r.db")]
    made = cli(*args, "-o", str(page))
    assert made.returncode == 0, made.stderr
    html = page.read_text(encoding="utf-8")
    assert 'id="adoption"' in html and "First-month downloads" in html
    assert "3 derivatives at +30 days" in html
