"""Shared helpers of the engine's Python API tests (fixtures only: test dirs are not packages)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest


class Minstd:
    """The documented MINSTD generator: state = state*48271 mod (2^31-1); get(n) = floor(state/2^31 * n)."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def get(self, n: int) -> int:
        self.state = self.state * 48271 % (2**31 - 1)
        return int(self.state / 2**31 * n)


@pytest.fixture
def minstd():
    """Factory of reference MINSTD generators (used only to spell out documented draw sequences)."""
    return Minstd


def same_ranks(actual, expected) -> bool:
    """Exact equality of two rank sequences, NaN equal to NaN."""
    actual, expected = list(actual), list(expected)
    if len(actual) != len(expected):
        return False
    for a, e in zip(actual, expected):
        if isinstance(e, float) and math.isnan(e):
            if not (isinstance(a, float) and math.isnan(a)):
                return False
        elif a != e:
            return False
    return True


@pytest.fixture
def assert_ranks():
    """``assert_ranks(actual, expected)``: exact, NaN-aware comparison with a readable message."""

    def check(actual, expected) -> None:
        actual = [float(x) for x in actual]
        assert same_ranks(actual, [float(x) for x in expected]), f"ranks {actual} != expected {list(expected)}"

    return check


@pytest.fixture
def stream():
    """``stream(users, items, times=None, **extra)``: a small DataFrame (times default 0, 1, ...)."""

    def make(users, items, times=None, index=None, **extra) -> pd.DataFrame:
        n = len(users)
        t = np.arange(n, dtype=np.int64) if times is None else times
        return pd.DataFrame({"time": t, "user": users, "item": items, **extra}, index=index)

    return make
