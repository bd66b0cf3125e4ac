"""compare's figures on hand-built releases whose answers are known."""

from relwatch.analysis import as_day, closed_then_open, compare_releases, days_between, periods_between
from relwatch.compare_view import flat_rows, timeline
from relwatch.figures_text import metric_rows


def release(vendor, family, date, tier, **fields):
    return {
        "id": f"{vendor}/{family}",
        "vendor": vendor,
        "family": family,
        "name": family.title(),
        "date": date,
        "tier": tier,
        "licence_class": fields.pop("licence_class", None),
        "pipeline_tags": "[]",
        **fields,
    }


BAIDU = [
    release(
        "baidu",
        "ernie-4.5",
        "2025-03-16",
        "open",
        licence_class="permissive",
        first_closed_at="2025-03-16",
        first_open_at="2025-06-30",
        largest_parameters=300_000_000_000,
    ),
    release("baidu", "ernie-x1", "2025-03-16", "api", first_closed_at="2025-03-16"),
    release("baidu", "ernie-4.5-turbo", "2025-04-25", "api", first_closed_at="2025-04-25"),
    release("baidu", "ernie-5.0-pro", "2025-11-13", "api", first_closed_at="2025-11-13"),
]
GOOGLE = [
    release(
        "google",
        "gemma-3",
        "2025-03-12",
        "open-restricted",
        licence_class="restricted",
        first_closed_at="2025-03-12",
        first_open_at="2025-03-10",
        largest_parameters=27_000_000_000,
        pipeline_tags='["image-text-to-text"]',
    ),
    release(
        "google",
        "gemma-3n",
        "2025-06-26",
        "open-restricted",
        licence_class="restricted",
        first_open_at="2025-06-26",
        largest_parameters=8_000_000_000,
    ),
    release("google", "gemini-2.5-pro", "2025-06-17", "api", first_closed_at="2025-03-25"),
    release("google", "gemini-2.5-flash", "2025-06-17", "api"),
    release("google", "t5", "2019-10-23", "open", licence_class="permissive"),  # outside the window
]


def test_the_lag_of_a_closed_then_open_release():
    assert days_between("2025-03-16", "2025-06-30") == 106
    [lag] = closed_then_open(BAIDU)
    assert (lag.id, lag.lag_days) == ("baidu/ernie-4.5", 106)
    # weights two days before the API: not closed-first
    assert closed_then_open(GOOGLE) == []


def test_compare_figures():
    result = compare_releases(BAIDU + GOOGLE, ["google", "baidu"], since="2024-12-01", until="2025-11-30")
    google, baidu = result.vendors
    assert (google.releases, google.open_weights, google.open_share) == (4, 2, 0.5)
    assert google.by_tier == {
        "open": 0,
        "open-restricted": 2,
        "open-noncommercial": 0,
        "api": 2,
        "hosted": 0,
        "unreleased": 0,
    }
    assert google.licence_mix == {"permissive": 0, "custom": 2, "non-commercial": 0, "unknown": 0}
    assert google.largest_open.name == "Gemma-3" and google.largest_open.parameters == 27_000_000_000
    assert google.latest_closed_flagship.id == "google/gemini-2.5-pro"
    assert google.latest_open.id == "google/gemma-3n"
    assert google.still_closed == ["Gemini-2.5-Flash", "Gemini-2.5-Pro"]
    # no closed Google release has a public size: a share by parameters would read 100 %
    assert (google.open_share_by_parameters, google.sized_releases, google.sized_closed) == (None, 2, 0)
    # 2025-03-12, 06-17, 06-17, 06-26 → gaps 97, 0, 9
    assert google.median_days_between_releases == 9
    assert google.releases_per_quarter == round(4 / 5, 2)
    assert (baidu.releases, baidu.open_weights, baidu.open_share) == (4, 1, 0.25)
    assert baidu.median_closed_to_open_days == 106
    assert baidu.latest_closed_flagship.id == "baidu/ernie-5.0-pro"
    assert baidu.largest_open.parameters == 300_000_000_000


def test_per_period_and_timeline():
    result = compare_releases(BAIDU + GOOGLE, ["google", "baidu"], since="2025-01-01", until="2025-12-31", by="quarter")
    assert result.timeline_labels == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert result.timeline["google"]["2025-Q2"] == ["open-restricted", "api", "api"]
    q1 = [row for row in result.periods if row["period"] == "2025-Q1"]
    assert q1 == [
        {"vendor": "google", "period": "2025-Q1", "releases": 1, "open_weights": 1, "open_share": 1.0},
        {"vendor": "baidu", "period": "2025-Q1", "releases": 2, "open_weights": 1, "open_share": 0.5},
    ]
    lines = timeline(result).lines
    assert lines[:3] == ["       │2025", "google │R  RAA . .", "baidu  │OA A   . A"]
    assert flat_rows(result) == result.periods


def test_filters_and_flat_rows():
    result = compare_releases(
        BAIDU + GOOGLE, ["google", "baidu"], since="2024-12-01", until="2025-11-30", modality="vision"
    )
    assert [v.releases for v in result.vendors] == [1, 0]
    rows = flat_rows(result)
    assert rows[0]["vendor"] == "google" and rows[0]["tier_open-restricted"] == 1
    figures = {row["figure"]: row for row in metric_rows(result)}
    assert figures["open weights"] == {"figure": "open weights", "google": "1 (100%)", "baidu": "0 (-)"}


def test_periods_cover_the_window():
    assert periods_between(as_day("2024-11-15"), as_day("2025-02-01"), "month") == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]
    assert periods_between(as_day("2024-11-15"), as_day("2026-01-01"), "year") == ["2024", "2025", "2026"]


def test_the_default_window_is_24_months():
    from relwatch.views import window

    assert window(None, "2026-11-29") == ("2024-11-29", "2026-11-29")
    assert window(None, "2026-08-31") == ("2024-08-31", "2026-08-31")
    assert window(None, "2024-02-29") == ("2022-02-28", "2024-02-29")
    assert window("2025-01-01", "2025-12-31") == ("2025-01-01", "2025-12-31")


def test_every_year_gets_a_label_even_when_it_starts_in_a_tight_spot():
    from relwatch.compare_view import _axis

    labels = ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    assert _axis(labels, [1] * len(labels)) == "2024  2025"  # 2025 above 2025-02, the first cell with room


def test_the_timeline_legend_names_every_mark():
    from relwatch.compare_view import LEGEND
    from relwatch.figures_text import MARKS

    assert all(f"{mark} " in LEGEND for mark in [*MARKS.values(), "+", "."])
