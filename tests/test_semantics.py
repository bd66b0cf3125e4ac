"""What the figures mean: modality from every source, closed availability versus hosting,
the parameter-weighted share, and dates marked with their kind."""

from __future__ import annotations

import json
from pathlib import Path

from relwatch.analysis import compare_releases, modalities_of, select_releases
from relwatch.classify import VendorRules, label_artifacts
from relwatch.compare_view import comparison_result, left_out_note
from relwatch.figures_text import metric_rows
from relwatch.models import Openness, Release
from relwatch.render import Format, emit
from relwatch.views import dated, release_facts, release_rows
from tests.conftest import query
from tests.public_data import openrouter_recording


def release(vendor: str, family: str, day: str, tier: str, **fields: object) -> dict[str, object]:
    return {
        "id": f"{vendor}/{family}",
        "vendor": vendor,
        "family": family,
        "name": family,
        "date": day,
        "tier": tier,
        "pipeline_tags": "[]",
        **fields,
    }


def artifact(index: int, kind: str, external_id: str, day: str, date_kind: str, **fields: object) -> dict[str, object]:
    return {
        "id": index,
        "kind": kind,
        "external_id": external_id,
        "name": external_id.split("/")[-1],
        "date": day,
        "date_kind": date_kind,
        "extra": "{}",
        "base_models": "[]",
        "first_seen": "2026-01-01T00:00:00Z",
        **fields,
    }


# -- modality -------------------------------------------------------------------------------------


def test_catalogue_modalities_state_a_modality() -> None:
    assert modalities_of([], ["text", "image"], ["text"]) == {"text", "vision"}
    assert modalities_of([], ["text"], ["image"]) == {"image"}
    assert modalities_of(["text-generation"]) == {"text"}
    assert modalities_of([], [], []) == set()


def test_a_release_of_unknown_modality_is_counted_apart_not_dropped_silently() -> None:
    rows = [
        release("google", "gemini-2.5-pro", "2025-06-17", "api"),
        release("google", "gemma-3", "2025-03-12", "open-restricted", pipeline_tags='["image-text-to-text"]'),
        release("google", "veo-3", "2025-05-20", "api"),
        release("baidu", "ernie-x1", "2025-03-16", "api"),
    ]
    stated = {
        "google/gemini-2.5-pro": {"inputs": ["text", "image"], "outputs": ["text"]},
        "google/veo-3": {"inputs": ["text"], "outputs": ["video"]},
    }
    text = compare_releases(
        rows, ["google", "baidu"], since="2025-01-01", until="2025-12-31", modality="text", stated=stated
    )
    assert [v.releases for v in text.vendors] == [1, 0]  # Gemini 2.5 Pro: API-only, yet text
    assert text.unknown_modality == {"baidu": 1}
    assert left_out_note(text) == "--modality text left out 1 releases whose modality no source states (baidu 1)."
    out = io_text(comparison_result(text, colour=False))
    assert "left out 1 releases" in out
    pipeline = select_releases(rows, since="2025-01-01", until="2025-12-31", pipeline="image-text-to-text")
    assert [r["id"] for r in pipeline.releases] == ["google/gemma-3"] and pipeline.unknown == {"google": 2, "baidu": 1}


def io_text(result: object) -> str:
    import io

    out = io.StringIO()
    emit(result, Format.table, out=out)  # type: ignore[arg-type]
    return out.getvalue()


def test_compare_modality_text_on_the_replayed_catalogue_keeps_the_api_releases(cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    cli("sync", "--replay", str(openrouter_recording(tmp_path / "rec")), "--db", str(db), "--quiet")
    args = ["compare", "google", "alibaba", "--since", "2024-01-01", "--until", "2026-06-30", "--db", str(db)]
    every = json.loads(cli(*args, "--format", "json").stdout)
    text = json.loads(cli(*args, "--modality", "text", "--format", "json").stdout)
    google = {v["vendor"]: v for v in text["vendors"]}["google"]
    assert google["releases"] >= 10 and google["by_tier"]["api"] >= 8
    assert google["open_share"] < 0.5
    every_google = {v["vendor"]: v for v in every["vendors"]}["google"]
    assert google["releases"] <= every_google["releases"]
    assert query(db, "SELECT count(*) FROM releases WHERE vendor_id = 'google'")[0][0] >= google["releases"]


# -- closed availability ----------------------------------------------------------------------------


def test_a_host_serving_published_weights_is_hosting_not_closed() -> None:
    rules = VendorRules(key="google", orgs=frozenset({"google"}))
    rows = [
        artifact(
            1, "changelog", "gemma-3@2025-03-12", "2025-03-12", "announced", tier_hint="api", family_hint="gemma-3"
        ),
        artifact(2, "huggingface", "google/gemma-3-27b-it", "2025-03-10T00:00:00Z", "repo-created", licence="gemma"),
        artifact(
            3,
            "openrouter",
            "google/gemma-3-27b-it",
            "2025-03-13T00:00:00Z",
            "listed",
            tier_hint="api",
            weights_ref="google/gemma-3-27b-it",
        ),
    ]
    [gemma] = label_artifacts(rows, rules, {})[1]
    assert gemma.first_closed_at is None and gemma.first_open_at == "2025-03-10T00:00:00Z"
    # only the catalogue: it points at published weights, so it is hosting as well
    [listed] = label_artifacts(rows[2:], rules, {})[1]
    assert listed.first_closed_at is None


def test_a_catalogue_date_before_the_weights_is_closed_first() -> None:
    rules = VendorRules(key="baidu", orgs=frozenset({"baidu"}))
    rows = [
        artifact(1, "modelsdev", "baidu/ernie-4.5", "2025-03-16", "published", tier_hint="open", family_hint="ernie"),
        artifact(
            2,
            "huggingface",
            "baidu/ERNIE-4.5-300B-A47B-PT",
            "2025-06-30T01:00:00Z",
            "repo-created",
            licence="apache-2.0",
        ),
    ]
    [ernie] = label_artifacts(rows, rules, {})[1]
    assert (ernie.first_closed_at, ernie.first_open_at) == ("2025-03-16", "2025-06-30T01:00:00Z")
    figures = compare_releases(
        [ernie.as_row() | {"vendor": "baidu"}, release("google", "x", "2025-01-01", "api")],
        ["baidu", "google"],
        since="2025-01-01",
        until="2025-12-31",
    ).vendors[0]
    assert [(c.id, c.lag_days) for c in figures.closed_then_open] == [("baidu/ernie-4.5", 106)]


# -- the parameter-weighted share ---------------------------------------------------------------------


def test_the_share_by_parameters_needs_a_closed_size_to_mean_anything() -> None:
    rows = [
        release("acme", "open-one", "2025-02-01", "open", largest_parameters=70_000_000_000),
        release("acme", "closed-one", "2025-03-01", "api"),
        release("beta", "open-two", "2025-02-01", "open", largest_parameters=30_000_000_000),
        release("beta", "closed-two", "2025-03-01", "api", largest_parameters=70_000_000_000),
    ]
    result = compare_releases(rows, ["acme", "beta"], since="2025-01-01", until="2025-12-31")
    acme, beta = result.vendors
    assert acme.open_share_by_parameters is None and beta.open_share_by_parameters == 0.3
    shown = {row["figure"]: row for row in metric_rows(result)}["open share by parameters (sized)"]
    assert shown["acme"] == "- (no closed size known)" and shown["beta"] == "30% (2 of 2 sized)"


# -- dates carry their kind ----------------------------------------------------------------------------


def test_a_date_that_is_not_the_vendors_own_says_what_it_is() -> None:
    assert dated("2025-05-07T00:00:00Z", "third-party listing") == "2025-05-07 (listed)"
    assert dated("2025-05-07", "announcement") == "2025-05-07"
    assert dated("2025-05-07", "third-party listing (earlier than the announcement)") == "2025-05-07 (listed)"
    stored = Release(
        id="google/gemini-2.5-pro",
        vendor="google",
        family="gemini-2.5-pro",
        name="gemini-2.5-pro",
        date="2025-05-07T00:00:00Z",
        tier=Openness.API,
        date_source="third-party listing",
        kinds=["openrouter"],
        artifact_count=1,
    )
    assert release_rows([stored], Format.table)[0]["date"] == "2025-05-07 (listed)"
    assert release_facts(stored)["date"].startswith("2025-05-07 (listed)")
    row = stored.as_record()
    result = compare_releases([row], ["google", "x"], since="2025-01-01", until="2025-12-31")
    assert {r["figure"]: r for r in metric_rows(result)}["latest closed release"]["google"] == (
        "gemini-2.5-pro (2025-05-07, listed)"
    )


# -- the timeline fits the terminal ---------------------------------------------------------------------


def test_a_timeline_too_wide_for_80_columns_falls_back_to_quarters_then_years() -> None:
    from relwatch.compare_view import LEGEND_LINES, timeline

    rows = [release("google", f"m{n}", f"{2023 + n // 12}-{n % 12 + 1:02d}-15", "api") for n in range(0, 40, 3)]
    rows.append(release("baidu", "ernie", "2025-03-16", "open"))
    result = compare_releases(rows, ["google", "baidu"], since="2023-01-01", until="2026-06-30")
    wide = timeline(result)
    assert wide.title == "Timeline by month" and max(map(len, wide.lines[:3])) > 80
    fitted = timeline(result, 80)
    assert fitted.title == "Timeline by quarter (by month it would not fit 80 columns)"
    assert all(len(line) <= 80 for line in fitted.lines)
    assert "2023" in fitted.lines[0] and "2026" in fitted.lines[0]
    assert fitted.lines[1].count("A") == len(rows) - 1 and fitted.lines[2].count("O") == 1
    assert tuple(fitted.lines[-2:]) == LEGEND_LINES
    narrow = timeline(result, 30)
    assert narrow.title.startswith("Timeline by year") and all(len(line) <= 30 for line in narrow.lines[:3])


def test_an_artifacts_day_says_when_it_is_a_listing_or_a_repositorys_creation(cli, tmp_path: Path) -> None:
    from relwatch.views import artifact_day

    assert artifact_day("2025-03-10T00:00:00Z", "repo-created") == "2025-03-10 (repo created)"
    assert artifact_day("2025-03-12", "announced") == "2025-03-12"
    db = tmp_path / "r.db"
    cli("sync", "--replay", str(openrouter_recording(tmp_path / "rec")), "--db", str(db), "--quiet")
    shown = cli("show", "Gemma 3", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "2025-03-12 (listed), from the third-party listing" in shown.stdout
    listed = cli("list", "--artifacts", "--limit", "3", "--db", str(db))
    assert listed.stdout.count("(listed)") == 3
    # a catalogue serving published weights is hosting: Gemma 3 was never closed
    detail = json.loads(cli("show", "google/gemma-3", "--db", str(db), "--format", "json").stdout)
    assert detail["first_closed_at"] is None and detail["tier"] == "open-restricted"
