"""Times from every source become one ISO UTC form, without inventing precision."""

import pytest

from relwatch.dates import day_of, normalise_time


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
