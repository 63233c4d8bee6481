"""Synthetic stream: determinism, shape, skew, repeats, drift and argument checks."""

from __future__ import annotations

import doctest
import hashlib

import numpy as np
import pandas as pd
import pytest

import alpenglow.datasets.synthetic as synthetic
from alpenglow.datasets import sample_stream, synthetic_stream
from alpenglow.datasets._sampling import InverseCdf


def digest(frame: pd.DataFrame) -> str:
    sha = hashlib.sha256()
    for name in ("time", "user", "item"):
        sha.update(frame[name].to_numpy().astype("<i8").tobytes())
    sha.update(frame["score"].to_numpy().astype("<f8").tobytes())
    return sha.hexdigest()


def top_share(values: pd.Series, fraction: float) -> float:
    counts = values.value_counts()
    k = max(1, int(round(fraction * counts.index.size)))
    return counts.iloc[:k].sum() / len(values)


def top_items(values: pd.Series, k: int) -> set[int]:
    return set(values.value_counts().index[:k])


def recent_repeat_rate(frame: pd.DataFrame, window: int = 10) -> float:
    by_user = frame.groupby("user")["item"]
    repeated = np.zeros(len(frame), dtype=bool)
    for lag in range(1, window + 1):
        repeated |= (by_user.shift(lag) == frame["item"]).to_numpy()
    return repeated.mean()


def test_columns_dtypes_and_index():
    frame = synthetic_stream(n_events=500, n_users=20, n_items=40)
    assert list(frame.columns) == ["time", "user", "item", "score"]
    assert frame.dtypes.tolist() == [np.int64, np.int64, np.int64, np.float64]
    assert frame.index.equals(pd.RangeIndex(500))


def test_same_seed_gives_the_same_frame():
    first = synthetic_stream(n_events=5_000, n_users=50, n_items=200, seed=3)
    second = synthetic_stream(n_events=5_000, n_users=50, n_items=200, seed=3)
    pd.testing.assert_frame_equal(first, second)


def test_different_seeds_give_different_frames():
    first = synthetic_stream(n_events=5_000, n_users=50, n_items=200, seed=3)
    second = synthetic_stream(n_events=5_000, n_users=50, n_items=200, seed=4)
    assert not first["user"].equals(second["user"])
    assert not first["item"].equals(second["item"])
    assert not first["time"].equals(second["time"])


def test_output_is_pinned_across_machines_and_versions():
    implicit = synthetic_stream(2_000, 30, 80, seed=7, drift=0.5)
    rated = synthetic_stream(2_000, 30, 80, seed=7, drift=0.5, score="rating")
    assert digest(implicit) == "d4d1da67db94162c0f308ba2fda549f12f6c66aa05d196ebf3884293632f0886"
    assert digest(rated) == "fce572d7cde88b18ecdb569ad8eb478f55024fdea9309b61bd976fa2112dd373"


def test_sample_stream_is_the_default_synthetic_stream():
    sample = sample_stream()
    assert len(sample) == 100_000
    pd.testing.assert_frame_equal(sample, synthetic_stream())


def test_times_are_sorted_start_at_start_time_and_have_ties():
    frame = synthetic_stream(n_events=20_000, start_time=1_000_000, mean_gap=30.0)
    gaps = np.diff(frame["time"].to_numpy())
    assert frame["time"].iloc[0] == 1_000_000
    assert (gaps >= 0).all()
    assert 0.01 < (gaps == 0).mean() < 0.1
    assert gaps.mean() == pytest.approx(30.0, rel=0.05)


def test_zero_mean_gap_puts_every_event_at_start_time():
    frame = synthetic_stream(n_events=100, mean_gap=0, start_time=-5)
    assert (frame["time"] == -5).all()


def test_ids_are_zero_based_and_in_range():
    frame = synthetic_stream(n_events=50_000, n_users=300, n_items=700)
    assert frame["user"].between(0, 299).all()
    assert frame["item"].between(0, 699).all()
    assert frame["user"].nunique() == 300
    assert frame["item"].min() == 0


def test_single_user_and_single_item():
    frame = synthetic_stream(n_events=10, n_users=1, n_items=1)
    assert (frame["user"] == 0).all()
    assert (frame["item"] == 0).all()


def test_item_popularity_is_skewed():
    frame = synthetic_stream(n_events=100_000, drift=0.0)
    assert top_share(frame["item"], 0.01) > 0.10


def test_popularity_is_skewed_within_a_window_even_with_drift():
    frame = synthetic_stream(n_events=100_000)
    assert top_share(frame["item"].iloc[:10_000], 0.01) > 0.05


def test_zero_exponent_gives_uniform_popularity():
    frame = synthetic_stream(
        n_events=100_000, n_items=100, drift=0.0, repeat_probability=0.0, popularity_exponent=0.0
    )
    assert top_share(frame["item"], 0.1) == pytest.approx(0.1, abs=0.01)


def test_user_activity_is_skewed():
    frame = synthetic_stream(n_events=100_000, n_users=1_000)
    assert top_share(frame["user"], 0.01) > 0.05


@pytest.mark.parametrize("probability", [0.0, 0.2, 0.6])
def test_repeats_come_from_recent_history_at_the_requested_rate(probability):
    frame = synthetic_stream(
        n_events=50_000,
        n_users=200,
        n_items=1_000_000,
        popularity_exponent=0.0,
        drift=0.0,
        repeat_probability=probability,
    )
    assert recent_repeat_rate(frame) == pytest.approx(probability, abs=0.015)


def test_default_stream_has_repeat_consumption():
    frame = synthetic_stream(n_events=20_000)
    assert recent_repeat_rate(frame) > 0.15


def test_full_repeat_probability_keeps_each_user_on_one_item():
    frame = synthetic_stream(n_events=5_000, n_users=40, repeat_probability=1.0)
    assert (frame.groupby("user")["item"].nunique() == 1).all()


def test_repeat_probability_changes_only_items():
    base = synthetic_stream(n_events=5_000, repeat_probability=0.0)
    more = synthetic_stream(n_events=5_000, repeat_probability=0.5)
    assert base["time"].equals(more["time"])
    assert base["user"].equals(more["user"])
    assert not base["item"].equals(more["item"])


def test_drift_changes_the_popular_items():
    def overlap(drift: float) -> int:
        items = synthetic_stream(n_events=100_000, drift=drift)["item"]
        return len(top_items(items.iloc[:10_000], 20) & top_items(items.iloc[-10_000:], 20))

    assert overlap(0.0) >= 15
    assert overlap(0.5) <= 5


def test_rating_scores_are_stars():
    scores = synthetic_stream(n_events=20_000, score="rating")["score"]
    assert set(scores.unique()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert 3.0 < scores.mean() < 4.0


def test_constant_score():
    assert (synthetic_stream(n_events=10, score=2.5)["score"] == 2.5).all()
    assert (synthetic_stream(n_events=10)["score"] == 1.0).all()


@pytest.mark.parametrize(
    "argument, value",
    [
        ("n_events", 0),
        ("n_events", 2.5),
        ("n_events", True),
        ("n_users", 0),
        ("n_items", -1),
        ("seed", -1),
        ("seed", None),
        ("start_time", 1.5),
        ("mean_gap", -1.0),
        ("mean_gap", float("nan")),
        ("popularity_exponent", -0.1),
        ("activity_exponent", float("inf")),
        ("repeat_probability", 1.5),
        ("repeat_probability", -0.1),
        ("drift", -1.0),
        ("drift", "fast"),
        ("score", "stars"),
        ("score", float("nan")),
    ],
)
def test_invalid_arguments_are_named(argument, value):
    with pytest.raises(ValueError, match=argument):
        synthetic_stream(**{"n_events": 10, argument: value})


def test_timestamp_overflow_is_rejected():
    with pytest.raises(ValueError, match="overflow"):
        synthetic_stream(n_events=10, start_time=2**62, mean_gap=1.0)


@pytest.mark.parametrize("n", [1, 2, 50, 5_000])
@pytest.mark.parametrize("exponent", [0.0, 1.1, 40.0])
def test_inverse_cdf_equals_searchsorted(n, exponent):
    weights = (np.arange(1, n + 1) + 10.0) ** -exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    edges = np.arange(1024) / 1024.0
    uniform = np.concatenate(
        [
            np.random.default_rng(0).random(50_000),
            cdf[cdf < 1.0],
            np.nextafter(cdf, 0.0),
            edges,
            np.nextafter(edges[1:], 0.0),
            [0.0, np.nextafter(1.0, 0.0)],
        ]
    )
    expected = np.searchsorted(cdf, uniform, side="right")
    np.testing.assert_array_equal(InverseCdf(cdf)(uniform), expected)


def test_docstring_examples():
    result = doctest.testmod(synthetic)
    assert result.attempted > 0
    assert result.failed == 0
