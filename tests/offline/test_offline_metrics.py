"""Offline metrics: the standard definitions on hand-computed examples."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from alpenglow.errors import DataError, ParameterError
from alpenglow.offline.evaluation import NdcgScore, PrecisionScore, RecallScore

L2 = math.log2


def _frames():
    test = pd.DataFrame({
        "user": [1, 1, 1, 2, 2, 3, 1],
        "item": [10, 11, 12, 20, 21, 30, 10],
        "score": [3.0, 1.0, 2.0, 1.0, 1.0, 5.0, 1.0],  # (1, 10) repeated: its max score 3 counts once
    })
    recs = pd.DataFrame({
        "user": [1, 1, 1, 2, 2, 2, 3, 3],
        "item": [11, 99, 10, 98, 20, 97, 96, 95],
        "rank": [1, 2, 3, 1, 2, 3, 1, 2],
    })
    return test, recs


def test_ndcg_explicit_exact():
    test, recs = _frames()
    u1 = (1 / L2(2) + 3 / L2(4)) / (3 / L2(2) + 2 / L2(3) + 1 / L2(4))
    u2 = (1 / L2(3)) / (1 / L2(2) + 1 / L2(3))
    assert NdcgScore(test, recs, top_k=3) == pytest.approx((u1 + u2 + 0) / 3, abs=1e-15)
    # top_k=2: user 1's item 10 at rank 3 no longer counts; the ideal list is truncated too.
    u1 = (1 / L2(2)) / (3 / L2(2) + 2 / L2(3))
    u2 = (1 / L2(3)) / (1 / L2(2) + 1 / L2(3))
    assert NdcgScore(test, recs, top_k=2) == pytest.approx((u1 + u2) / 3, abs=1e-15)


def test_ndcg_implicit_exact():
    test, recs = _frames()
    test = test.drop(columns="score")
    u1 = (1 / L2(2) + 1 / L2(4)) / (1 / L2(2) + 1 / L2(3) + 1 / L2(4))
    u2 = (1 / L2(3)) / (1 / L2(2) + 1 / L2(3))
    assert NdcgScore(test, recs, top_k=100) == pytest.approx((u1 + u2) / 3, abs=1e-15)


def test_precision_exact():
    test, recs = _frames()
    assert PrecisionScore(test, recs, top_k=3) == pytest.approx((2 / 3 + 1 / 3 + 0) / 3, abs=1e-15)
    assert PrecisionScore(test, recs, top_k=1) == pytest.approx((1 + 0 + 0) / 3, abs=1e-15)
    assert PrecisionScore(test, recs, top_k=10) == pytest.approx((2 / 10 + 1 / 10) / 3, abs=1e-15)


def test_recall_exact():
    test, recs = _frames()
    assert RecallScore(test, recs, top_k=3) == pytest.approx((2 / 3 + 1 / 2 + 0) / 3, abs=1e-15)
    assert RecallScore(test, recs, top_k=2) == pytest.approx((1 / 3 + 1 / 2 + 0) / 3, abs=1e-15)


def test_a_test_user_without_recommendations_scores_zero():
    test, recs = _frames()
    test = pd.concat([test, pd.DataFrame({"user": [4], "item": [40], "score": [1.0]})])
    assert RecallScore(test, recs, top_k=3) == pytest.approx((2 / 3 + 1 / 2) / 4, abs=1e-15)


@pytest.mark.parametrize("metric", [NdcgScore, PrecisionScore, RecallScore])
def test_bad_input(metric):
    test, recs = _frames()
    with pytest.raises(ParameterError, match="top_k must be a positive integer"):
        metric(test, recs, top_k=0)
    with pytest.raises(DataError, match="no column 'rank'"):
        metric(test, recs.drop(columns="rank"), top_k=3)
    before = (test.copy(), recs.copy())
    metric(test, recs, top_k=3)
    pd.testing.assert_frame_equal(test, before[0])
    pd.testing.assert_frame_equal(recs, before[1])
