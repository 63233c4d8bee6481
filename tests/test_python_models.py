"""Models and updaters written in Python: every evaluation path against a reference, errors
raised inside them, threads, pickling and the ids they see."""

from __future__ import annotations

import pickle
import threading
import traceback

import numpy as np
import pandas as pd
import pytest

import alpenglow as ag
from alpenglow import cpp
from alpenglow.datasets import synthetic_stream
from alpenglow.experiments import PopularityExperiment


@pytest.fixture(scope="module")
def stream():
    return synthetic_stream(3000, n_users=200, n_items=300, seed=3)


class MyPop(ag.SelfUpdatingModel):
    """The original's documented example, unchanged."""

    def __init__(self):
        super().__init__()
        self.counts = {}

    def update(self, rec):
        self.counts[rec.item] = self.counts.get(rec.item, 0) + 1

    def prediction(self, rec):
        return self.counts.get(rec.item, 0)


class IteratorPop(MyPop):
    def prediction_iterator(self, user, bound):
        for item, count in sorted(self.counts.items(), key=lambda p: (-p[1], p[0])):
            if count < bound():
                return
            yield item, count


class ToplistPop(MyPop):
    def get_top_list(self, user, k, exclude):
        ranked = sorted(((i, c) for i, c in self.counts.items() if i not in exclude), key=lambda p: (-p[1], p[0]))
        return ranked[:k]


class NumpyPop(ag.SelfUpdatingModel):
    def __init__(self, n_items=300):
        super().__init__()
        self.counts = np.zeros(n_items)

    def update(self, rec):
        self.counts[rec.item] += 1

    def predict_all(self, user):
        return self.counts


def experiment_of(model_class, **model_kwargs):
    class Experiment(ag.OnlineExperiment):
        def _config(self, top_k, seed):
            m = model_class(**model_kwargs)
            self.model = m
            return (m._model, m._updater, [])

    return Experiment


def run(model_class, data, top_k=50, **kwargs):
    kwargs.setdefault("verbose", False)
    return experiment_of(model_class)(top_k=top_k).run(data, **kwargs)


def ranks(res):
    return res["rank"].fillna(-1).to_numpy()


def test_a_python_popularity_ranks_like_the_rust_one(stream):
    expected = PopularityExperiment(top_k=50).run(stream, verbose=False)
    got = run(MyPop, stream)
    np.testing.assert_array_equal(ranks(got), ranks(expected))
    assert (ranks(got) > 0).sum() > 500, "the test needs hits"
    # The prediction column is the Python model's own score.
    assert got["prediction"].max() > 1 and float(got["prediction"].iloc[0]) == 0.0


def test_the_iterator_and_numpy_paths_give_the_same_ranks(stream):
    reference = ranks(run(MyPop, stream))
    np.testing.assert_array_equal(ranks(run(IteratorPop, stream)), reference)
    np.testing.assert_array_equal(ranks(run(NumpyPop, stream)), reference)
    np.testing.assert_array_equal(ranks(run(NumpyPop, stream, exclude_known=True)),
                                  ranks(run(MyPop, stream, exclude_known=True)))


def test_the_toplist_path_ranks_by_the_lists_position(stream):
    res = run(ToplistPop, stream, shuffle_same_time=False, exclude_known=True)
    counts, known, expected = {}, {}, []
    for user, item in zip(stream["user"], stream["item"]):
        ranked = sorted(((i, c) for i, c in counts.items() if i not in known.get(user, ())), key=lambda p: (-p[1], p[0]))
        top = [i for i, _ in ranked[:50]]
        expected.append(top.index(item) + 1 if item in top else -1)
        counts[item] = counts.get(item, 0) + 1
        known.setdefault(user, set()).add(item)
    np.testing.assert_array_equal(ranks(res), expected)
    assert sum(r > 0 for r in expected) > 300


def test_the_record_handed_to_python_carries_every_field():
    seen = []

    class Recorder(MyPop):
        def update(self, rec):
            seen.append((rec.user, rec.item, rec.time, rec.score, rec.id, rec.eval))
            super().update(rec)

    data = pd.DataFrame({"time": [1.0, 2.5, 4.0], "user": [7, 9, 7], "item": [100, 5, 5], "score": [1.0, 2.0, 0.5],
                         "eval": [1, 0, 1]}, index=[10, 11, 12])
    run(Recorder, data)
    # Integer ids reach Python as given (not recoded).
    assert seen == [(7, 100, 1.0, 1.0, 10, 1), (9, 5, 2.5, 2.0, 11, 0), (7, 5, 4.0, 0.5, 12, 1)]


def test_string_ids_are_recoded_for_python_models():
    seen = []

    class Recorder(MyPop):
        def update(self, rec):
            seen.append((rec.user, rec.item))

    data = pd.DataFrame({"time": [1, 2, 3], "user": ["a", "b", "a"], "item": ["x", "y", "y"]})
    res = run(Recorder, data)
    assert seen == [(0, 0), (1, 1), (0, 1)]
    assert list(res["user"]) == ["a", "b", "a"] and list(res["item"]) == ["x", "y", "y"]


def test_recdat_is_built_with_keywords():
    r = cpp.RecDat(user=3, item=4, time=1.5)
    assert (r.user, r.item, r.time, r.score, r.id, r.eval, r.category) == (3, 4, 1.5, 1.0, 0, 1, 0)
    r.score = 2.0
    assert r.score == 2.0 and "item=4" in repr(r)
    with pytest.raises(TypeError):
        cpp.RecDat(3, 4)


class Failing(MyPop):
    def __init__(self, fail_at, where):
        super().__init__()
        self.fail_at, self.where, self.n = fail_at, where, 0

    def update(self, rec):
        if self.where == "update" and rec.id == self.fail_at:
            raise ZeroDivisionError(f"update failed at {rec.id}")
        super().update(rec)

    def prediction(self, rec):
        if self.where == "prediction" and rec.id == self.fail_at:
            raise KeyError(f"prediction failed at {rec.id}")
        return super().prediction(rec)


@pytest.mark.parametrize("where, error", [("prediction", KeyError), ("update", ZeroDivisionError)])
def test_an_exception_inside_the_model_stops_the_run_with_it(stream, where, error):
    Experiment = experiment_of(Failing, fail_at=1000, where=where)
    experiment = Experiment(top_k=50)
    with pytest.raises(error, match=f"{where} failed at 1000") as info:
        experiment.run(stream, verbose=False, shuffle_same_time=False)
    # The user's traceback is kept.
    assert any(f"def {where}" in line or where in line for line in traceback.format_tb(info.value.__traceback__))
    # The rows evaluated before stay readable: records 0..999, plus record 1000 when the
    # failure came after its evaluation (in update).
    kept = experiment.results
    assert list(kept.index) == list(range(1000 if where == "prediction" else 1001))
    assert info.value.results is kept
    # The model trained on the records before, and not on the one whose evaluation failed.
    assert sum(experiment.model.counts.values()) == 1000


def test_a_wrong_return_value_names_the_method():
    class Bad(MyPop):
        def prediction(self, rec):
            return None

    data = pd.DataFrame({"user": [1, 2, 1], "item": [1, 1, 2]})
    with pytest.raises(TypeError, match=r"Bad\.prediction\(\): the result must be a number, got NoneType"):
        run(Bad, data)

    class BadList(ToplistPop):
        def get_top_list(self, user, k, exclude):
            return [(1, 1.0), ("x", 2.0)]

    with pytest.raises(TypeError, match=r"BadList\.get_top_list\(\): entry 1 of the result must be an item id .*, got str .x."):
        run(BadList, data)


def test_python_models_in_two_threads_at_once(stream):
    expected = ranks(run(MyPop, stream))
    out = {}

    def job(k, cls):
        out[k] = ranks(run(cls, stream))

    threads = [threading.Thread(target=job, args=(k, cls)) for k, cls in enumerate([MyPop, NumpyPop, IteratorPop])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(out) == 3
    for k in range(3):
        np.testing.assert_array_equal(out[k], expected)


def test_raw_python_model_and_updater_hand_wired(stream):
    class Counts(cpp.PythonModel):
        def __init__(self):
            super().__init__()
            self.counts = {}

        def prediction(self, rec):
            return self.counts.get(rec.item, 0)

    class Counter(cpp.Updater):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def update(self, rec):
            self.model.counts[rec.item] = self.model.counts.get(rec.item, 0) + 1

    class Experiment(ag.OnlineExperiment):
        def _config(self, top_k, seed):
            model = Counts()
            return model, [Counter(model)], []

    got = Experiment(top_k=50).run(stream, verbose=False)
    np.testing.assert_array_equal(ranks(got), ranks(run(MyPop, stream)))


def test_a_subclass_must_implement_its_hooks():
    class Empty(cpp.PythonModel):
        pass

    class Experiment(ag.OnlineExperiment):
        def _config(self, top_k, seed):
            return Empty(), [], []

    with pytest.raises(NotImplementedError, match=r"Empty must implement prediction\(rec\)"):
        Experiment(top_k=5).run(pd.DataFrame({"user": [1, 2, 1], "item": [1, 1, 1]}), verbose=False)


def test_a_forgotten_super_init_is_named():
    class NoInit(cpp.PythonModel):
        def __init__(self):
            self.x = 1

    logger = cpp.MemoryRankingLogger()
    with pytest.raises(TypeError, match=r"did not call super\(\).__init__\(\)"):
        logger.set_model(NoInit())


def test_a_python_model_pickles_with_its_state(stream):
    experiment = experiment_of(MyPop)(top_k=50)
    experiment.run(stream, verbose=False)
    m = experiment.model
    copy = pickle.loads(pickle.dumps(m))
    assert copy.counts == m.counts and copy is not m
    assert isinstance(copy._model, ag.PythonModel.SubModel) and copy._model.parent is copy
    # The copy is a working model.
    rec = cpp.RecDat(user=1, item=max(m.counts, key=m.counts.get))
    assert copy._model.prediction(rec) == max(m.counts.values())
