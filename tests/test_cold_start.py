"""run(evaluate_cold_start=True): records whose item or user is new are ranked (issue 12)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpenglow.experiments import FactorExperiment, PopularityExperiment

NAN = float("nan")

# (user, item) at times 0..5; hand-computed with the popularity model (no same-item ties):
# 0 nothing exists (rank 1 of 1); 1 new user, item 0 the only item; 2 new item 1 predicts 0
# below item 0; 3 warm, item 1 below item 0; 4 new user and item, 0 below both items;
# 5 new item below items 0, 1 and 2: out of the top 3.
USERS = [0, 1, 0, 1, 2, 2]
ITEMS = [0, 0, 1, 1, 2, 3]
COLD_RANKS = [1, 1, 2, 2, 3, NAN]
COLD = ["both", "user", "item", "", "both", "item"]
DEFAULT_RANKS = [NAN, 1, NAN, 2, NAN, NAN]


def run(experiment, data, **kw):
    return experiment.run(data, verbose=False, shuffle_same_time=False, **kw)


@pytest.fixture
def df(stream):
    return stream(USERS, ITEMS)


def test_popularity_cold_ranks_exact(df, assert_ranks):
    res = run(PopularityExperiment(top_k=3), df, evaluate_cold_start=True)
    assert_ranks(res["rank"], COLD_RANKS)
    assert list(res.columns) == ["time", "score", "user", "item", "prediction", "rank", "cold"]
    assert isinstance(res["cold"].dtype, pd.CategoricalDtype)
    assert list(res["cold"].cat.categories) == ["", "user", "item", "both"]
    assert res["cold"].tolist() == COLD
    assert res["prediction"].tolist()[:3] == [0.0, 1.0, 0.0]


def test_default_output_unchanged(df, assert_ranks):
    res = run(PopularityExperiment(top_k=3), df)
    assert list(res.columns) == ["time", "score", "user", "item", "prediction", "rank"]
    assert_ranks(res["rank"], DEFAULT_RANKS)
    explicit = run(PopularityExperiment(top_k=3), df, evaluate_cold_start=False)
    pd.testing.assert_frame_equal(res, explicit)


def test_initialize_all_has_no_cold_records(df):
    res = run(PopularityExperiment(top_k=3), df, evaluate_cold_start=True, initialize_all=True)
    assert res["cold"].tolist() == [""] * 6


def test_cold_start_keeps_warm_records(assert_ranks):
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"time": np.arange(400), "user": rng.integers(0, 30, 400), "item": rng.integers(0, 60, 400)})
    for exp in (lambda: PopularityExperiment(top_k=20), lambda: FactorExperiment(top_k=20, seed=3)):
        cold = run(exp(), data, evaluate_cold_start=True)
        plain = run(exp(), data)
        warm = (cold["cold"] == "").to_numpy()
        # Warm ranks identical as long as no cold record drew a tie-breaking number before them.
        first_cold = int(np.argmax(~warm))
        assert_ranks(cold["rank"].to_numpy()[:first_cold], plain["rank"].to_numpy()[:first_cold])
        np.testing.assert_array_equal(cold["prediction"].to_numpy(), plain["prediction"].to_numpy())
        new_item = ~cold["item"].duplicated().to_numpy()
        assert (cold["cold"].isin(["item", "both"]).to_numpy() == new_item).all()
        assert plain["rank"][new_item].isna().all()


def test_factor_cold_items_ranked_against_every_existing_item():
    """Reference: the model's full top list before each record (calculate_toplists, same state)."""
    rng = np.random.default_rng(11)
    n = 300
    data = pd.DataFrame({"time": np.arange(n), "user": rng.integers(0, 8, n), "item": rng.integers(0, 40, n)})
    exp = FactorExperiment(top_k=10, seed=5)
    res = run(exp, data, evaluate_cold_start=True, calculate_toplists=True)
    exp_k = FactorExperiment(top_k=100, seed=5)
    run(exp_k, data, calculate_toplists=True)
    lists = exp_k.get_predictions()
    checked = 0
    for pos, (rid, row) in enumerate(res.iterrows()):
        if row["cold"] != "item":
            continue
        scores = lists.loc[lists["record_id"] == rid, "prediction"].to_numpy()
        pred = row["prediction"]
        assert not (scores == pred).any()
        better = int((scores > pred).sum())
        expected = better + 1 if better < 10 else NAN
        assert (np.isnan(expected) and np.isnan(row["rank"])) or row["rank"] == expected, (pos, row)
        checked += 1
    assert checked >= 20
