"""relwatch.averages gives what `statistics` gives, type included."""

import random
import statistics
from decimal import Decimal

import pytest

from relwatch.averages import mean, median


def samples() -> list[list]:
    rng = random.Random(13)
    cases: list[list] = [[7], [3, 1], [2, 9, 4], [5, 5, 5, 5], [-3, 0, 3, 4]]
    for size in range(1, 12):
        cases.append([rng.randint(-50, 500) for _ in range(size)])
        cases.append([rng.uniform(0, 100) for _ in range(size)])
        cases.append([Decimal(rng.randint(0, 10_000)) / 1000 for _ in range(size)])
    return cases


@pytest.mark.parametrize("values", samples())
def test_the_median_is_statistics_median(values):
    expected = statistics.median(values)
    assert (median(values), type(median(values))) == (expected, type(expected))


@pytest.mark.parametrize("values", [v for v in samples() if not isinstance(v[0], Decimal)])
def test_the_mean_is_statistics_fmean(values):
    assert mean(values) == statistics.fmean(values)


def test_no_values_have_no_average():
    with pytest.raises(ValueError):
        median([])
    with pytest.raises(ValueError):
        mean([])
