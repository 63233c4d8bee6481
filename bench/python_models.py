"""Models written in Python for the benchmark's ``python`` group: the original's documented
``MyPop`` (``prediction`` per item), the same with ``prediction_iterator``, and a numpy
popularity model through the vectorised hook ``predict_all``. Each experiment counts the
calls of its model's hook, so the benchmark can report the overhead per call."""

from __future__ import annotations

import numpy as np

import alpenglow as ag


class MyPop(ag.SelfUpdatingModel):
    def __init__(self):
        super().__init__()
        self.counts = {}

    def update(self, rec):
        self.counts[rec.item] = self.counts.get(rec.item, 0) + 1

    def prediction(self, rec):
        return self.counts.get(rec.item, 0)


class CountingPop(MyPop):
    """MyPop that counts its prediction calls (for the overhead measurement)."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def prediction(self, rec):
        self.calls += 1
        return self.counts.get(rec.item, 0)


class IteratorPop(MyPop):
    """Serves items by descending count, stopping below the bound."""

    def __init__(self):
        super().__init__()
        self.order: list = []
        self.dirty = False

    def update(self, rec):
        super().update(rec)
        self.dirty = True

    def prediction_iterator(self, user, bound):
        if self.dirty:
            self.order = sorted(self.counts.items(), key=lambda p: -p[1])
            self.dirty = False
        for item, count in self.order:
            if count < bound():
                return
            yield item, count


class NumpyPop(ag.SelfUpdatingModel):
    def __init__(self, n_items=1 << 16):
        super().__init__()
        self.counts = np.zeros(n_items)

    def update(self, rec):
        self.counts[rec.item] += 1

    def predict_all(self, user):
        return self.counts


def _experiment(model_class):
    class Experiment(ag.OnlineExperiment):
        def _config(self, top_k, seed):
            self.model = model_class()
            return (self.model._model, self.model._updater, [])

    Experiment.__name__ = model_class.__name__ + "Experiment"
    return Experiment


MyPopExperiment = _experiment(MyPop)
CountingPopExperiment = _experiment(CountingPop)
IteratorPopExperiment = _experiment(IteratorPop)


class NumpyPopExperiment(ag.OnlineExperiment):
    def _config(self, top_k, seed):
        self.model = NumpyPop(n_items=self.parameter_default("n_items", 1 << 16))
        return (self.model._model, self.model._updater, [])


def call_overhead_ns(model: CountingPop, run_seconds: float, records: int) -> float:
    """(run time - the user's function alone for as many calls) / calls, in ns. The function
    alone is timed on RecDat objects built beforehand, so object creation counts as overhead."""
    import time

    from alpenglow.cpp import RecDat

    calls, fn = model.calls, CountingPop.prediction
    items = list(model.counts) or [0]
    probe = CountingPop()
    probe.counts = dict(model.counts)
    recs = [RecDat(user=1, item=items[k % len(items)]) for k in range(min(calls, 2_000_000))]
    started = time.perf_counter()
    for r in recs:
        fn(probe, r)
    alone = (time.perf_counter() - started) / len(recs) * calls
    return (run_seconds - alone) / calls * 1e9
