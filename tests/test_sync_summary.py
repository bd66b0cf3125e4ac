"""The sync summary on a terminal: failures grouped by host, a replay's unrecorded sources in one line."""

from __future__ import annotations

from pathlib import Path

from relwatch.models import SourceStatus
from relwatch.sync import SourceOutcome, SyncResult
from relwatch.views import failure_key, problem_lines
from tests.conftest import write_config
from tests.public_data import openrouter_recording


def outcome(source: str, status: SourceStatus, error: str | None = None, items: int = 0) -> SourceOutcome:
    return SourceOutcome(
        source=source, vendor=source.split("/")[0], kind=source.split("/")[1], status=status, error=error, items=items
    )


def test_a_failure_is_keyed_by_its_host() -> None:
    assert failure_key("cannot resolve host huggingface.co") == ("huggingface.co", "cannot resolve host")
    assert failure_key("connection refused by 127.0.0.1") == ("127.0.0.1", "connection refused")
    assert failure_key("HTTP 500 from https://openrouter.ai/api/v1/models?x=1") == ("openrouter.ai", "HTTP 500 from")
    assert failure_key("bad payload") == ("", "bad payload")


def test_identical_failures_are_one_line_per_host_and_no_answer_gives_a_hint() -> None:
    result = SyncResult(run_id=1, mode="live", started_at="2026-01-01T00:00:00Z")
    result.outcomes = [
        outcome(f"v{n}/huggingface/o", SourceStatus.FAILED, "cannot resolve host huggingface.co") for n in range(14)
    ]
    result.outcomes.append(outcome("v/openrouter/o", SourceStatus.FAILED, "cannot resolve host openrouter.ai"))
    lines = problem_lines(result)
    assert lines == [
        "huggingface.co: cannot resolve host — 14 sources",
        "openrouter.ai: cannot resolve host — 1 source (v/openrouter/o)",
        "no host answered: offline? Check the network, or replay a recording with --replay DIR.",
    ]
    result.outcomes.append(outcome("v/modelsdev/o", SourceStatus.OK, items=3))
    assert not any(line.startswith("no host answered") for line in problem_lines(result))


def test_unreachable_hosts_give_a_short_summary(cli, tmp_path: Path) -> None:
    sources = [{"kind": "huggingface", "org": f"org{n}", "base_url": "http://127.0.0.1:9"} for n in range(6)]
    config = write_config(tmp_path / "c.toml", {"acme": sources})
    result = cli("sync", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    assert "127.0.0.1:9: connection refused — 6 sources" in result.stdout
    assert "no host answered: offline?" in result.stdout
    assert result.stdout.count("connection refused") == 1 and "relwatch: acme" not in result.stderr
    assert len(result.stdout.splitlines()) <= 5


def test_a_replay_tells_the_unrecorded_sources_in_one_line(cli, env, tmp_path: Path) -> None:
    recording = openrouter_recording(tmp_path / "rec")
    result = cli("sync", "--replay", str(recording), "--db", str(tmp_path / "r.db"), env={**env, "COLUMNS": "80"})
    assert result.returncode in (0, 1), result.stderr
    assert "is not in the recording" not in result.stdout
    unrecorded = [line for line in result.stdout.splitlines() if "not in the recording" in line]
    assert len(unrecorded) == 1 and "huggingface.co" in unrecorded[0]
    assert "google/openrouter/google" in result.stdout and "huggingface/google" not in result.stdout
    assert len(result.stdout.splitlines()) < 40


HUB_AND_CHANGELOG = """
[vendors.g]
[[vendors.g.sources]]
kind = "huggingface"
org = "g"
[[vendors.g.sources]]
kind = "changelog"
url = "https://ai.google.dev/x.md.txt"
models = "gemini-[0-9.]+"
"""


def test_the_progress_display_names_the_host_it_waits_for() -> None:
    from relwatch.config import parse_config
    from relwatch.views import waiting_for

    hub = parse_config(HUB_AND_CHANGELOG, "t.toml").sources[0]
    assert waiting_for(hub, 0) == "waiting for huggingface.co (page 1)"
    page = parse_config(HUB_AND_CHANGELOG, "t.toml").sources[1]
    assert waiting_for(page, 2) == "waiting for ai.google.dev (page 3)"
