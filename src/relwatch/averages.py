"""The median and mean of a figure's values, computed exactly as Python's `statistics.median` and
`statistics.fmean` compute them (CPython 3.11 `Lib/statistics.py`), for `compare`'s figures: the
`statistics` module loads `fractions` and `random` with it, a few milliseconds of every run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from math import fsum
from typing import TypeVar

Number = TypeVar("Number", float, Decimal)  # ints are read as floats, as typeshed types `statistics.median`


def median(values: Iterable[Number]) -> Number:
    """The middle value (an int of ints stays an int), or the mean of the two middle values
    (`(a + b) / 2`: a float for ints and floats, a Decimal for Decimals). Raises ValueError for no
    values."""
    data = sorted(values)
    middle = len(data) // 2
    if not data:
        raise ValueError("no median for empty data")
    if len(data) % 2:
        return data[middle]
    return (data[middle - 1] + data[middle]) / 2


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean as a float, summed with `math.fsum`. Raises ValueError for no values."""
    if not values:
        raise ValueError("mean requires at least one data point")
    return fsum(values) / len(values)
