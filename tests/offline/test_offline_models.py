"""Offline models: fit / predict / recommend contract, exact popularity values, quality above
popularity, persistence."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

from alpenglow.errors import DataError
from alpenglow.offline.evaluation import NdcgScore
from alpenglow.offline.models import (ALSFactorModel, AsymmetricFactorModel, FactorModel, NearestNeighborModel,
                                      PopularityModel, SvdppModel)

FAST = {
    "PopularityModel": lambda: PopularityModel(),
    "NearestNeighborModel": lambda: NearestNeighborModel(num_of_neighbors=20),
    "FactorModel": lambda: FactorModel(negative_rate=9, number_of_iterations=20),
    "AsymmetricFactorModel": lambda: AsymmetricFactorModel(negative_rate=9, number_of_iterations=10),
    "SvdppModel": lambda: SvdppModel(number_of_iterations=10),
    "ALSFactorModel": lambda: ALSFactorModel(number_of_iterations=10, regularization_lambda=1e-3),
    "ALSFactorModel-explicit": lambda: ALSFactorModel(implicit=0, number_of_iterations=10),
}


@pytest.fixture(scope="module")
def fitted(split):
    train, _ = split
    return {name: make().fit(train) for name, make in FAST.items()}


def test_popularity_exact_values():
    train = pd.DataFrame({"user": [1, 2, 3, 1, 2, 1], "item": ["a", "a", "a", "b", "b", "c"]})
    m = PopularityModel().fit(train)
    pred = m.predict(pd.DataFrame({"user": [1, 1, 1, 9, 1], "item": ["a", "b", "c", "a", "zz"]}))
    expected = [1.0, math.log(3) / math.log(4), math.log(2) / math.log(4)]
    assert pred[:3].tolist() == pytest.approx(expected, abs=1e-15)
    assert np.isnan(pred[3]) and np.isnan(pred[4])  # unknown user, unknown item
    recs = m.recommend(k=5, exclude_known=False)
    assert recs["user"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert recs["item"].tolist() == ["a", "b", "c"] * 3
    assert recs["rank"].tolist() == [1, 2, 3] * 3
    assert recs["score"].tolist() == pytest.approx(expected * 3, abs=1e-15)
    recs = m.recommend(k=5)
    assert recs.to_dict("list") == {"user": [2, 3, 3], "item": ["c", "b", "c"], "rank": [1, 1, 2],
                                    "score": pytest.approx([expected[2], expected[1], expected[2]])}


@pytest.mark.parametrize("name", list(FAST))
def test_recommend_honours_users_k_and_exclude_known(fitted, split, name):
    train, _ = split
    m = fitted[name]
    all_recs = m.recommend(k=7)
    assert list(all_recs.columns) == ["user", "item", "rank", "score"]
    assert sorted(all_recs["user"].unique()) == sorted(train["user"].unique())
    assert all_recs.groupby("user").size().max() <= 7
    assert (all_recs.groupby("user")["rank"].apply(lambda r: r.tolist() == list(range(1, len(r) + 1)))).all()
    assert all_recs.sort_values(["user", "rank"]).index.tolist() == all_recs.index.tolist()
    # scores descending within a user, ties: lower item first
    for _, g in all_recs.groupby("user"):
        s = g["score"].to_numpy()
        assert (np.diff(s) <= 0).all()
    known = set(zip(train["user"], train["item"]))
    assert not any((u, i) in known for u, i in zip(all_recs["user"], all_recs["item"]))
    some = m.recommend(users=[5, 3, 5], k=3)
    assert set(some["user"]) <= {3, 5} and some.groupby("user").size().max() <= 3
    assert some["user"].tolist() == sorted(some["user"])
    pd.testing.assert_frame_equal(some[some["user"] == 3].reset_index(drop=True),
                                  all_recs[(all_recs["user"] == 3) & (all_recs["rank"] <= 3)].reset_index(drop=True))
    with_known = m.recommend(users=[3], k=50, exclude_known=False)
    assert any((3, i) in known for i in with_known["item"]) or name == "NearestNeighborModel"
    # the whitelist / blacklist
    allowed = train["item"].unique()[:10]
    wl = m.recommend(k=5, items=allowed)
    assert set(wl["item"]) <= set(allowed)
    bl = m.recommend(k=5, filter_items=allowed)
    assert not set(bl["item"]) & set(allowed)
    # scores equal the predictions of the same pairs
    assert m.predict(all_recs.head(50)) == pytest.approx(all_recs["score"].head(50).to_numpy(), rel=1e-12)


@pytest.mark.parametrize("name", [n for n in FAST if n != "PopularityModel"])
def test_learned_models_beat_popularity(fitted, split, name):
    _, test = split
    pop = NdcgScore(test, fitted["PopularityModel"].recommend(k=20), top_k=20)
    ndcg = NdcgScore(test, fitted[name].recommend(k=20), top_k=20)
    assert ndcg > pop, (name, ndcg, pop)


@pytest.mark.parametrize("name", list(FAST))
def test_write_read_and_pickle_round_trips(fitted, split, tmp_path, name):
    m = fitted[name]
    _, test = split
    recs = m.recommend(k=10)
    pred = m.predict(test)
    path = tmp_path / "model.bin"
    m.write(path)
    other = type(m)().read(path)
    pd.testing.assert_frame_equal(other.recommend(k=10), recs)
    np.testing.assert_array_equal(other.predict(test), pred)
    assert other.parameters == m.parameters
    clone = pickle.loads(pickle.dumps(m))
    pd.testing.assert_frame_equal(clone.recommend(k=10), recs)
    np.testing.assert_array_equal(clone.predict(test), pred)
    if name != "PopularityModel":
        with pytest.raises(DataError, match="holds a"):
            PopularityModel().read(path)


def test_fit_is_deterministic_and_refit_starts_over(split):
    train, _ = split
    a = FactorModel(number_of_iterations=3, negative_rate=3).fit(train).recommend(k=5)
    m = FactorModel(number_of_iterations=3, negative_rate=3)
    m.fit(train.head(100))
    pd.testing.assert_frame_equal(m.fit(train).recommend(k=5), a)


@pytest.mark.parametrize("name", list(FAST))
def test_recommend_equals_a_brute_force_reference(fitted, split, name):
    """The fast top-list paths against scoring every (user, item) pair with predict."""
    train, _ = split
    m = fitted[name]
    users = train["user"].unique()[:12]
    items = m.items
    known = set(zip(train["user"], train["item"]))
    grid = pd.DataFrame({"user": np.repeat(users, len(items)), "item": np.tile(items, len(users))})
    grid["score"] = m.predict(grid)
    grid["code"] = np.tile(np.arange(len(items)), len(users))  # item codes: first appearance
    grid = grid[(grid["score"] != 0) & np.isfinite(grid["score"])]
    grid = grid[[(u, i) not in known for u, i in zip(grid["user"], grid["item"])]]
    ref = grid.sort_values(["user", "score", "code"], ascending=[True, False, True]).groupby("user").head(15)
    got = m.recommend(users=users, k=15)
    assert got["user"].tolist() == ref["user"].tolist()
    assert got["item"].tolist() == ref["item"].tolist()
    np.testing.assert_allclose(got["score"], ref["score"], rtol=1e-12)


def test_parameters_scikit_learn_style(split):
    train, _ = split
    m = ALSFactorModel(dimension=4)
    assert repr(m) == "ALSFactorModel(dimension=4)"
    assert m.get_params() == {"dimension": 4}
    m.set_params(number_of_iterations=2, seed=5)
    assert m.get_params() == {"dimension": 4, "number_of_iterations": 2, "seed": 5}
    same = ALSFactorModel(**m.get_params()).fit(train).recommend(k=3)
    pd.testing.assert_frame_equal(m.fit(train).recommend(k=3), same)
    other = ALSFactorModel(dimension=4, number_of_iterations=2, seed=6).fit(train).recommend(k=3)
    assert not other["score"].equals(same["score"])  # the seed reaches the initial factors


def test_ctrl_c_stops_a_long_fit():
    import os
    import signal
    import threading
    import time

    from alpenglow.datasets import synthetic_stream

    data = synthetic_stream(50_000, n_users=500, n_items=1000)
    m = FactorModel(number_of_iterations=100_000, negative_rate=5)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        m.fit(data)
    timer.join()
    assert time.perf_counter() - start < 60
    assert m.model is None  # a stopped fit leaves no half-trained model behind
