"""Failures grouped by host keep a readable message; `--quiet` groups them too; "no host
answered" only when no host answered at all."""

from __future__ import annotations

from relwatch.models import SourceStatus
from relwatch.sync import SyncResult
from relwatch.views import problem_lines
from tests.test_sync_summary import outcome


def result_of(*outcomes: tuple[str, SourceStatus, str | None]) -> SyncResult:
    result = SyncResult(run_id=1, mode="live", started_at="2026-01-01T00:00:00Z")
    result.outcomes = [outcome(source, status, error) for source, status, error in outcomes]
    return result


def test_a_grouped_http_failure_keeps_a_short_url_and_gives_no_offline_hint() -> None:
    result = result_of(
        ("a/huggingface/x", SourceStatus.FAILED, "HTTP 401 from https://huggingface.co/api/models?author=x"),
        ("b/huggingface/y", SourceStatus.FAILED, "HTTP 401 from https://huggingface.co/api/models?author=y"),
        (
            "c/changelog/z",
            SourceStatus.FAILED,
            "redirect to another origin not followed: https://evil.example/x (from https://z.example/notes)",
        ),
    )
    lines = problem_lines(result)
    assert lines[0] == "HTTP 401 from huggingface.co/api/models?author=x — 2 sources (a/huggingface/x, b/huggingface/y)"
    assert lines[1].startswith("redirect to another origin not followed: evil.example/x (from z.example/notes)")
    assert lines[1].endswith("— 1 source (c/changelog/z)")
    assert not any("no host answered" in line for line in lines)


def test_quiet_groups_identical_failures_by_host(cli, tmp_path) -> None:
    from tests.conftest import write_config

    sources = [{"kind": "huggingface", "org": f"org{n}", "base_url": "http://127.0.0.1:9"} for n in range(6)]
    config = write_config(tmp_path / "c.toml", {"acme": sources})
    result = cli("sync", "--quiet", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["relwatch: 127.0.0.1:9: connection refused — 6 sources"]
