"""The live model: recommend / predict / learn on the state of the last run (issue 12)."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from alpenglow.errors import InUseError, ParameterError
from alpenglow.experiments import FactorExperiment, PopularityExperiment, TransitionProbabilityExperiment


def stream(n, users, items, seed, start=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"time": np.arange(start, start + n), "user": rng.integers(0, users, n),
                         "item": rng.integers(0, items, n)})


def named(df):
    """The same stream with string ids (recoded by the run)."""
    return df.assign(user="u" + df["user"].astype(str), item="i" + df["item"].astype(str))


def test_before_any_run_is_a_clear_error():
    exp = PopularityExperiment()
    with pytest.raises(RuntimeError, match="call run"):
        exp.recommend(0)
    with pytest.raises(RuntimeError, match="call run"):
        exp.predict([0], [0])
    with pytest.raises(RuntimeError, match="call run"):
        exp.learn(pd.DataFrame({"user": [0], "item": [0]}))


@pytest.mark.parametrize("ids", ["int", "str"])
def test_recommend_after_popularity_run_is_the_popularity_order(ids):
    df = stream(300, 10, 25, 1)
    data = named(df) if ids == "str" else df
    exp = PopularityExperiment()
    exp.run(data, verbose=False)
    user = data["user"].iloc[0]
    counts = data["item"].value_counts()
    known = set(data.loc[data["user"] == user, "item"])
    first = {item: n for n, item in enumerate(pd.unique(data["item"]))}
    expected = sorted((i for i in counts.index if i not in known), key=lambda i: (-counts[i], first[i]))[:7]
    rec = exp.recommend(user, k=7)
    assert list(rec.columns) == ["item", "score", "rank"]
    assert rec["item"].tolist() == expected
    assert rec["rank"].tolist() == list(range(1, len(expected) + 1))
    assert (np.diff(rec["score"].to_numpy()) <= 0).all()
    all_items = exp.recommend(user, k=100, exclude_known=False)
    assert set(all_items["item"]) == set(counts.index)


def test_predict_and_recommend_equal_the_models_top_list_after_the_run():
    """Reference: the top list a longer run computes (calculate_toplists) before its extra last
    record, i.e. on the state after the same records."""
    df = stream(400, 12, 30, 2)
    user = int(df["user"].iloc[-1])
    longer = pd.concat([df, pd.DataFrame({"time": [400], "user": [user], "item": [df["item"].iloc[0]]})],
                       ignore_index=True)
    ref = FactorExperiment(seed=3, top_k=50)
    ref.run(longer, verbose=False, calculate_toplists=True)
    lists = ref.get_predictions()
    last = lists[lists["record_id"] == 400]
    exp = FactorExperiment(seed=3, top_k=50)
    exp.run(df, verbose=False, shuffle_same_time=False)
    p = exp.predict(np.full(len(last), user), last["item"].to_numpy())
    assert p.dtype == np.float64
    np.testing.assert_array_equal(p, last["prediction"].to_numpy())
    rec = exp.recommend(user, k=50, exclude_known=False)
    assert rec["item"].tolist() == last["item"].tolist()
    np.testing.assert_array_equal(rec["score"].to_numpy(), last["prediction"].to_numpy())


def test_predict_popularity_formula():
    df = stream(200, 5, 10, 3)
    exp = PopularityExperiment()
    exp.run(df, verbose=False)
    counts = df["item"].value_counts()
    items = np.array(sorted(counts.index))
    expected = np.log(counts[items].to_numpy() + 1.0) / np.log(counts.max() + 1.0)
    np.testing.assert_allclose(exp.predict(np.zeros(len(items), dtype=int), items), expected, rtol=1e-15)


def test_unknown_ids_are_named():
    exp = PopularityExperiment()
    exp.run(named(stream(50, 3, 4, 4)), verbose=False)
    with pytest.raises(KeyError, match="unknown user 'nobody'"):
        exp.recommend("nobody")
    with pytest.raises(KeyError, match="unknown item 'i99'"):
        exp.predict(["u0"], ["i99"])
    with pytest.raises(ParameterError, match="same length"):
        exp.predict(["u0", "u1"], ["i0"])
    exp2 = PopularityExperiment()
    exp2.run(stream(50, 3, 4, 4), verbose=False)
    with pytest.raises(KeyError, match="unknown user 7"):
        exp2.recommend(7)


def test_learn_then_recommend_reflects_new_events():
    df = pd.DataFrame({"time": [0, 1, 2, 3], "user": [0, 1, 0, 1], "item": [0, 0, 1, 2]})
    exp = PopularityExperiment()
    exp.run(df, verbose=False)
    assert exp.learn(pd.DataFrame({"time": [4, 5, 6], "user": [5, 6, 7], "item": [9, 9, 9]})) == 3
    rec = exp.recommend(5, k=3, exclude_known=False)
    assert rec["item"].tolist() == [9, 0, 1]
    assert exp.recommend(5, k=3)["item"].tolist() == [0, 1, 2]  # 9 is known to user 5 now


@pytest.mark.parametrize("make", [PopularityExperiment, TransitionProbabilityExperiment, FactorExperiment])
@pytest.mark.parametrize("ids", ["int", "str"])
def test_run_then_learn_equals_one_longer_run(make, ids):
    full = stream(600, 15, 40, 5)
    if ids == "str":
        full = named(full)
    a, b = full.iloc[:400], full.iloc[400:]
    split, whole = make(), make()
    split.run(a, verbose=False, shuffle_same_time=False)
    assert split.learn(b) == 200
    whole.run(full, verbose=False, shuffle_same_time=False)
    users = full["user"].to_numpy()
    items = np.roll(full["item"].to_numpy(), 7)
    np.testing.assert_array_equal(split.predict(users, items), whole.predict(users, items))
    for user in pd.unique(users)[:5]:
        pd.testing.assert_frame_equal(split.recommend(user, k=20), whole.recommend(user, k=20))


def test_learn_rejects_time_going_back_and_new_run_replaces_state():
    exp = PopularityExperiment()
    exp.run(stream(20, 3, 3, 6), verbose=False)
    with pytest.raises(Exception, match="earlier than the last learned record"):
        exp.learn(pd.DataFrame({"time": [5], "user": [0], "item": [0]}))
    exp.learn({"user": [0] * 30, "item": [50] * 30})  # no time: at the last record's time
    assert exp.recommend(1, k=1, exclude_known=False)["item"].tolist() == [50]
    exp.run(stream(20, 3, 3, 6), verbose=False)
    with pytest.raises(KeyError, match="unknown item 50"):
        exp.predict([0], [50])


def test_live_call_during_a_run_is_in_use():
    exp = PopularityExperiment()
    exp.run(stream(50, 3, 3, 7), verbose=False)
    live = exp._live
    started, release = threading.Event(), threading.Event()

    def progress(done, total):
        started.set()
        release.wait(5)

    from alpenglow import _core

    t = threading.Thread(target=_core.run, args=(live.experiment._handle, progress, 1))
    t.start()
    try:
        assert started.wait(5)
        with pytest.raises(InUseError, match="busy"):
            exp.recommend(0)
    finally:
        release.set()
        t.join()
    assert len(exp.recommend(0, k=2, exclude_known=False)) == 2


def test_live_model_written_in_python():
    import alpenglow as ag
    from alpenglow import cpp

    class Counts(cpp.PythonModel):
        def __init__(self):
            super().__init__()
            self.counts = {}
            self.fail = False

        def prediction(self, rec):
            if self.fail:
                raise ValueError("model failed")
            return self.counts.get(rec.item, 0)

    class Counter(cpp.Updater):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def update(self, rec):
            self.model.counts[rec.item] = self.model.counts.get(rec.item, 0) + 1

    class Experiment(ag.OnlineExperiment):
        def _config(self, top_k, seed):
            self.model = Counts()
            return self.model, [Counter(self.model)], []

    exp = Experiment(top_k=5)
    exp.run(pd.DataFrame({"user": [0, 1, 2], "item": [3, 3, 4]}), verbose=False)
    exp.learn(pd.DataFrame({"user": [5, 5, 5], "item": [4, 4, 4]}))
    assert exp.model.counts == {3: 2, 4: 4}
    np.testing.assert_array_equal(exp.predict([0, 0], [3, 4]), [2.0, 4.0])
    assert exp.recommend(0, k=2, exclude_known=False)["item"].tolist() == [4, 3]
    exp.model.fail = True
    with pytest.raises(ValueError, match="model failed"):
        exp.predict([0], [3])
    with pytest.raises(ValueError, match="model failed"):
        exp.recommend(0)
    exp.model.fail = False
    np.testing.assert_array_equal(exp.predict([0], [3]), [2.0])


def test_ids_without_recoding():
    df = pd.DataFrame({"time": [0, 1, 2], "user": [4, 7, 4], "item": [10, 10, 3]})
    exp = PopularityExperiment()
    exp.run(df, verbose=False, recode=False)
    with pytest.raises(KeyError, match="unknown item 99"):
        exp.predict([4], [99])
    with pytest.raises(KeyError, match="unknown user 5"):
        exp.recommend(5)
    with pytest.raises(KeyError, match="unknown user -1"):
        exp.predict([-1], [3])
    exp.learn(pd.DataFrame({"time": [3, 4], "user": [5, 5], "item": [99, 99]}))
    np.testing.assert_allclose(exp.predict([5, 5, 5], [99, 10, 3]), np.log([3.0, 3.0, 2.0]) / np.log(3.0))
    assert exp.recommend(5, k=5)["item"].tolist() == [10, 3]
    assert exp.predict(np.array([], dtype=int), np.array([], dtype=int)).shape == (0,)


@pytest.mark.parametrize("recode", [True, False])
def test_single_id_lookup_equals_the_array_path(recode):
    """recommend() looks one user up by hash (Codebook.encode_one): the same code as the array
    path for every known id, and the same KeyError for anything else."""
    from alpenglow._live import Codebook

    df = stream(200, 30, 40, 9)
    for data in ([df, named(df)] if recode else [df]):
        exp = PopularityExperiment()
        exp.run(data, verbose=False, recode=recode)
        book = exp._live.codes["user"]
        assert isinstance(book, Codebook)
        if data["user"].dtype == object:
            assert book.index is not None  # recoded: a pandas Index lookup
        known = list(pd.unique(data["user"]))
        extra = [np.int64(known[0]), float(known[0])] if data["user"].dtype.kind == "i" else []

        def outcome(lookup, user):
            try:
                return int(lookup(user))
            except KeyError as error:
                return str(error)

        for user in known + extra + ["nobody", 10**9, -1, 3.5, True, None, 30, "u30"]:
            assert outcome(book.encode_one, user) == outcome(lambda u: book.encode([u])[0], user), user
        assert all(isinstance(outcome(book.encode_one, u), int) for u in known)
        assert "unknown user" in outcome(book.encode_one, "nobody")
        user = known[3]
        expected = exp.recommend(user, k=5)
        assert expected.equals(pd.DataFrame({"item": expected["item"].to_numpy(), "score": expected["score"].to_numpy(),
                                             "rank": np.arange(1, len(expected) + 1)}))


def test_recommend_of_a_factor_model_equals_the_scan_over_every_item():
    """The factor model's fast top list (LEMP index) gives the brute-force list: every item
    scored with predict, best first, ties by first appearance (code), known items left out."""
    from alpenglow.experiments import FactorExperiment

    rng = np.random.RandomState(11)
    n = 6000
    df = pd.DataFrame({"time": np.arange(n), "user": rng.randint(0, 80, n), "item": rng.zipf(1.3, n) % 700})
    exp = FactorExperiment(top_k=50, negative_rate=5, seed=5)
    exp.run(df, verbose=False)
    items = pd.unique(df["item"])
    for user in pd.unique(df["user"])[:40]:
        for k, exclude in ((1, True), (10, True), (25, False)):
            got = exp.recommend(user, k=k, exclude_known=exclude)
            scores = exp.predict(np.full(len(items), user), items)
            frame = pd.DataFrame({"item": items, "score": scores, "code": np.arange(len(items))})
            if exclude:
                frame = frame[~frame["item"].isin(df.loc[df["user"] == user, "item"])]
            best = frame.sort_values(["score", "code"], ascending=[False, True]).head(k)
            assert got["item"].tolist() == best["item"].tolist(), (user, k, exclude)
            assert got["score"].tolist() == best["score"].tolist()


def test_core_learn_refuses_ids_above_the_limit_instead_of_allocating_them():
    """The core call itself (the Python wrapper recodes first) names the bad record."""
    from alpenglow import _core
    from alpenglow.errors import AlpenglowError

    exp = PopularityExperiment()
    exp.run(pd.DataFrame({"user": [0, 1], "item": [0, 1]}), verbose=False, recode=False)
    arrays = dict(time=np.array([5.0, 6.0]), user=np.array([0, 4_000_000_000], dtype=np.uint32),
                  item=np.array([1, 1], dtype=np.uint32), score=np.ones(2))
    with pytest.raises(AlpenglowError, match="record 1: user 4000000000 or item 1 is above the largest id"):
        _core.live_learn(exp._live.experiment._handle, arrays["time"], arrays["user"], arrays["item"], arrays["score"])
    # The record before the bad one was learned: item 1 now counts twice.
    assert exp.recommend(0, k=2, exclude_known=False)["item"].tolist() == [1, 0]
