"""Offline API input: formats, recoding, and every bad input as a clear error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpenglow.errors import DataError, ParameterError
from alpenglow.offline import NotFittedError
from alpenglow.offline.models import ALSFactorModel, FactorModel, PopularityModel

TRAIN = pd.DataFrame({"user": [0, 1, 1, 2, 2, 2, 0], "item": [0, 0, 1, 0, 1, 2, 2], "score": [1.0] * 7})


def _pop_recs(data, **kw):
    return PopularityModel().fit(data, **kw).recommend(k=3, exclude_known=False)


def _same_lists(got, want):
    """The same (user, item, score) rows (a matrix lists its events row-major, so tied items
    can be coded, and ordered, differently)."""
    key = lambda f: sorted(zip(f["user"], f["item"], f["score"].round(12)))  # noqa: E731
    assert key(got) == key(want)


def test_formats_give_the_same_model():
    want = _pop_recs(TRAIN)
    assert want["item"].tolist()[:3] == [0, 1, 2]  # counts 3, 2, 2: the tie by first appearance
    pd.testing.assert_frame_equal(_pop_recs({"user": TRAIN["user"].to_numpy(), "item": TRAIN["item"].to_numpy()}), want)
    pd.testing.assert_frame_equal(_pop_recs(TRAIN[["user", "item"]], y=np.ones(7)), want)
    dense = np.zeros((3, 3))
    for u, i in zip(TRAIN["user"], TRAIN["item"]):
        dense[u, i] = 1.0
    _same_lists(_pop_recs(dense), want)


def test_optional_table_and_matrix_formats():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    sp = pytest.importorskip("scipy.sparse")
    want = _pop_recs(TRAIN)
    pd.testing.assert_frame_equal(_pop_recs(pl.from_pandas(TRAIN)), want)
    pd.testing.assert_frame_equal(_pop_recs(pa.Table.from_pandas(TRAIN)), want)
    m = sp.csr_matrix((np.ones(7), (TRAIN["user"], TRAIN["item"])), shape=(3, 3))
    _same_lists(_pop_recs(m), want)


def test_hashable_ids_are_recoded_and_decoded():
    data = pd.DataFrame({"u": ["ann", "bob", "bob", ("t", 1)], "i": [2.5, "x", 2.5, "x"]})
    m = PopularityModel().fit(data, columns={"user": "u", "item": "i"})
    recs = m.recommend(k=2, exclude_known=False)
    assert set(recs["user"]) == {"ann", "bob", ("t", 1)}
    assert recs[recs["user"] == "ann"]["item"].tolist() == [2.5, "x"]
    assert list(m.users) == ["ann", "bob", ("t", 1)] and list(m.items) == [2.5, "x"]
    assert m.predict(pd.DataFrame({"user": ["bob", "zed"], "item": ["x", "x"]}))[0] == 1.0


def test_recode_false_uses_the_ids():
    data = pd.DataFrame({"user": [5, 7], "item": [100, 3]})
    m = PopularityModel().fit(data, recode=False)
    assert m.recommend(users=[7], k=5, exclude_known=False)["item"].tolist() == [3, 100]
    with pytest.raises(DataError, match="ids must be integers with recode=False"):
        PopularityModel().fit(pd.DataFrame({"user": ["a"], "item": [1]}), recode=False)
    with pytest.raises(DataError, match="out of range"):
        PopularityModel().fit(pd.DataFrame({"user": [-1], "item": [1]}), recode=False)


def test_bad_input_is_a_clear_error_and_the_frame_is_untouched():
    frame = TRAIN.drop(columns="score")
    before = frame.copy()
    m = ALSFactorModel(number_of_iterations=2)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        m.recommend()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        m.predict(frame)
    with pytest.raises(NotFittedError):
        m.write("never.model")
    m.fit(frame)
    pd.testing.assert_frame_equal(frame, before)  # no score column added
    with pytest.raises(DataError, match="both y and a score column"):
        PopularityModel().fit(TRAIN, y=np.ones(7))
    with pytest.raises(DataError, match="y must be 1-d with one score per row"):
        PopularityModel().fit(frame, y=np.ones(3))
    with pytest.raises(DataError, match="training data is empty"):
        PopularityModel().fit(TRAIN.iloc[:0])
    nan = TRAIN.assign(score=[1.0, np.nan, 1, 1, 1, 1, 1])
    with pytest.raises(DataError, match="score, row 1: nan is not a finite number"):
        PopularityModel().fit(nan)
    with pytest.raises(DataError, match="missing column 'item'"):
        PopularityModel().fit(frame.rename(columns={"item": "movie"}))
    with pytest.raises(DataError, match="missing id"):
        PopularityModel().fit(pd.DataFrame({"user": [1, None], "item": [1, 2]}, dtype=object))
    for k in (0, -3, 2.5, True):
        with pytest.raises(ParameterError, match="k must be a positive integer"):
            m.recommend(k=k)
    with pytest.raises(DataError, match=r"1 user\(s\) did not occur in training, e.g. 42"):
        m.recommend(users=[0, 42])
    assert np.isnan(m.predict(pd.DataFrame({"user": [0, 42], "item": [99, 0]}))).all()
    with pytest.raises(ParameterError, match="Unused parameters: dimensoin"):
        ALSFactorModel(dimensoin=3).fit(frame)
    with pytest.raises(ParameterError, match="'max_item' is not supported"):
        FactorModel(max_item=5).fit(frame)
    with pytest.raises(ParameterError, match="columns=: unknown key 'time'"):
        PopularityModel().fit(TRAIN, columns={"time": "t"})
    with pytest.raises(DataError, match="expected a pandas/polars DataFrame"):
        PopularityModel().fit([1, 2, 3])
