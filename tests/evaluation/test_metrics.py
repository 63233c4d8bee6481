"""Online metrics: exact per-row values, index handling and the top_k contract."""

from __future__ import annotations

import doctest
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import alpenglow.evaluation as evaluation
from alpenglow.evaluation import DcgScore, MseScore, PrecisionScore, RecallScore, RrScore

NAN = float("nan")
MISSING_TOP_K = (
    "PrecisionScore needs top_k: pass top_k=... or use the results of "
    "OnlineExperiment.run(), which carry a top_k attribute"
)


def results(ranks, **columns) -> pd.DataFrame:
    return pd.DataFrame({"rank": ranks, **columns})


def test_dcg_exact_values():
    assert DcgScore(results([1.0, 3.0, NAN, 7.0, 15.0])).tolist() == [1.0, 0.5, 0.0, 1 / 3, 0.25]


def test_dcg_matches_the_formula_on_many_ranks():
    raw = np.random.default_rng(5).integers(0, 120, 1000)
    ranks = np.where(raw >= 100, np.nan, raw + 1.0)
    expected = [0.0 if math.isnan(r) else math.log(2) / math.log(r + 1) for r in ranks]
    assert DcgScore(results(ranks)).to_numpy() == pytest.approx(expected, rel=1e-15)


def test_rr_exact_values():
    assert RrScore(results([1.0, 4.0, NAN, 8.0])).tolist() == [1.0, 0.25, 0.0, 0.125]


def test_recall_is_the_hit_indicator():
    assert RecallScore(results([1.0, NAN, 100.0])).tolist() == [1.0, 0.0, 1.0]


def test_recall_ignores_top_k():
    frame = results([2.0, NAN])
    frame.top_k = 50
    assert RecallScore(frame, top_k=10).tolist() == [1.0, 0.0]
    assert RecallScore(frame).tolist() == [1.0, 0.0]


def test_precision_is_hit_over_top_k_argument():
    assert PrecisionScore(results([1.0, NAN, 9.0]), top_k=10).tolist() == [0.1, 0.0, 0.1]


def test_precision_reads_the_top_k_attribute():
    frame = results([3.0, NAN])
    frame.top_k = 4
    assert PrecisionScore(frame).tolist() == [0.25, 0.0]


def test_precision_argument_wins_over_attribute():
    frame = results([3.0, NAN])
    frame.top_k = 4
    assert PrecisionScore(frame, top_k=2).tolist() == [0.5, 0.0]


def test_precision_reads_attrs_when_there_is_no_attribute():
    frame = results([3.0])
    frame.attrs["top_k"] = 5
    assert PrecisionScore(frame).tolist() == [0.2]


def test_precision_without_top_k_raises():
    with pytest.raises(ValueError) as info:
        PrecisionScore(results([1.0, NAN]))
    assert str(info.value) == MISSING_TOP_K


@pytest.mark.parametrize("top_k", [0, -3, 2.5, "10", True])
def test_precision_rejects_invalid_top_k(top_k):
    with pytest.raises(ValueError, match="top_k must be a positive integer"):
        PrecisionScore(results([1.0]), top_k=top_k)


def test_precision_accepts_numpy_integer_top_k():
    assert PrecisionScore(results([1.0]), top_k=np.int64(20)).tolist() == [0.05]


def test_mse_exact_values():
    frame = results([1.0, NAN, 2.0], prediction=[0.5, 2.0, -1.0], score=[1.0, 5.0, 1.0])
    assert MseScore(frame).tolist() == [0.25, 9.0, 4.0]


@pytest.mark.parametrize(
    "metric, name",
    [
        (DcgScore, "dcg"),
        (RrScore, "rr"),
        (RecallScore, "recall"),
        (lambda frame: PrecisionScore(frame, top_k=10), "precision"),
        (MseScore, "mse"),
    ],
)
def test_series_keeps_the_index_and_is_float(metric, name):
    index = pd.Index([42, 7, 1000], name="id")
    frame = pd.DataFrame(
        {"rank": [1, 2, 3], "prediction": [1, 0, 1], "score": [1, 1, 1]}, index=index
    )
    series = metric(frame)
    assert series.index.equals(index)
    assert series.dtype == np.float64
    assert series.name == name


def test_nullable_rank_column_counts_na_as_miss():
    frame = results(pd.array([1.0, None, 3.0], dtype="Float64"))
    assert DcgScore(frame).tolist() == [1.0, 0.0, 0.5]
    assert RecallScore(frame).tolist() == [1.0, 0.0, 1.0]


def test_empty_results_give_empty_series():
    frame = results(pd.Series([], dtype=np.float64))
    assert DcgScore(frame).empty
    assert PrecisionScore(frame, top_k=10).empty


@pytest.mark.parametrize("metric", [DcgScore, RrScore, RecallScore])
def test_missing_rank_column_is_named(metric):
    with pytest.raises(ValueError, match=r"'rank' column; columns found: \['user'\]"):
        metric(pd.DataFrame({"user": [1]}))


def test_mse_missing_prediction_is_named():
    with pytest.raises(ValueError, match="'prediction'"):
        MseScore(pd.DataFrame({"score": [1.0]}))


def test_docstrings_document_the_swap_against_the_original():
    for metric in (PrecisionScore, RecallScore):
        assert "swapped" in metric.__doc__


def test_metrics_are_picklable_for_process_pools():
    for metric in (DcgScore, RrScore, PrecisionScore, RecallScore, MseScore):
        assert pickle.loads(pickle.dumps(metric)) is metric


@pytest.mark.parametrize("module", ["ranking", "hits", "error"])
def test_docstring_examples(module):
    result = doctest.testmod(getattr(evaluation, module))
    assert result.attempted > 0
    assert result.failed == 0
