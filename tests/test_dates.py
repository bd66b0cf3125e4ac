"""Times from every source become one ISO UTC form, without inventing precision."""

import pytest

from relwatch.dates import day_of, normalise_time, read_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T12:34:56.999Z", "2024-05-01T12:34:56Z"),  # Hugging Face: the fraction goes, no rounding
        ("2024-05-01T12:34:56Z", "2024-05-01T12:34:56Z"),
        ("2024-05-01T12:34:56+02:00", "2024-05-01T10:34:56Z"),
        ("2024-05-01T12:34:56", "2024-05-01T12:34:56Z"),  # naive: UTC
        ("Mon, 13 Apr 2026 16:00:00 +0000", "2026-04-13T16:00:00Z"),  # RSS
        ("2024-05-01", "2024-05-01"),
        ("2025-08", "2025-08"),  # models.dev month-only dates stay months
        (1714566896, "2024-05-01T12:34:56Z"),
        (1714566896000, "2024-05-01T12:34:56Z"),  # milliseconds
        ("1714566896", "2024-05-01T12:34:56Z"),
        (" 2024-05-01T12:34:56.000Z ", "2024-05-01T12:34:56Z"),
    ],
)
def test_times_are_normalised_to_iso_utc(value, expected):
    assert normalise_time(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", True, 0, -5, "not a date", "2024-13-45T00:00:00+00:00", "2025-02-30T10:00:00.000Z", {"a": 1}]
)
def test_what_cannot_be_read_is_none(value):
    assert normalise_time(value) is None


def test_day_of_keeps_the_day_only_when_there_is_one():
    assert day_of("2024-05-01T12:34:56Z") == "2024-05-01"
    assert day_of("2025-08") is None
    assert day_of(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016/6/29 15:07:41", "2016-06-29T15:07:41Z"),  # a feed's pubDate, no zone: UTC
        ("2025/07/15", "2025-07-15T00:00:00Z"),
        ("2025年07月15日 10:00", "2025-07-15T10:00:00Z"),
        ("Mo, 25 Jun 2018 10:00:00 +0200", "2018-06-25T08:00:00Z"),  # a localised weekday
        ("Mon, 25 Jun 2018 10:00:00", "2018-06-25T10:00:00Z"),
    ],
)
def test_dates_feedparser_cannot_read_are_read_from_the_text(text, expected):
    assert normalise_time(text) == expected


@pytest.mark.parametrize(
    "text", ["2025/07", "June 2025", "Mo, Jun 2018", "2025-04-31", "2025-13", "2025-06-31T00:00:00Z"]
)
def test_incomplete_or_impossible_dates_are_never_filled_in(text):
    assert normalise_time(text) is None


def test_read_time_names_an_unreadable_value_and_passes_absence():
    assert read_time(None) is None and read_time("") is None
    assert read_time("2025-04-30") == "2025-04-30"
    with pytest.raises(ValueError, match=r"unreadable date '2025-04-31'"):
        read_time("2025-04-31")


def test_epoch_numbers_past_the_calendar_are_unreadable():
    assert normalise_time(10**30) is None and normalise_time(float("inf")) is None
