"""Models written in Python."""

# [start-selfupdating]
import alpenglow
from alpenglow import OnlineExperiment
from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore


class MyPop(alpenglow.SelfUpdatingModel):
    """Counts the events of every item; the score of an item is its count."""

    def __init__(self):
        super().__init__()
        self.counts = {}

    def update(self, rec):          # rec: alpenglow.cpp.RecDat (time, user, item, score, id, ...)
        self.counts[rec.item] = self.counts.get(rec.item, 0) + 1

    def prediction(self, rec):
        return self.counts.get(rec.item, 0)


class MyPopExperiment(OnlineExperiment):
    def _config(self, top_k, seed):
        model = MyPop()
        return model._model, model._updater, []


data = synthetic_stream(n_events=3_000, n_users=200, n_items=300, seed=3)
results = MyPopExperiment(top_k=100).run(data, verbose=False)
print("DCG@100:", DcgScore(results).mean())
# [end-selfupdating]

# [start-toplist]
class ToplistPop(MyPop):
    """Ranks by its own top list: one Python call per evaluated record."""

    def get_top_list(self, user, k, exclude):
        ranked = sorted(((i, c) for i, c in self.counts.items() if i not in exclude), key=lambda p: (-p[1], p[0]))
        return ranked[:k]


class IteratorPop(MyPop):
    """Yields (item, score) in descending score order; stops below the current bound."""

    def prediction_iterator(self, user, bound):
        for item, count in sorted(self.counts.items(), key=lambda p: (-p[1], p[0])):
            if count < bound():
                return
            yield item, count
# [end-toplist]

# [start-predict-all]
import numpy as np


class NumpyPop(alpenglow.SelfUpdatingModel):
    """Scores every item at once: a numpy array indexed by item id (ids past its end score 0)."""

    def __init__(self, n_items):
        super().__init__()
        self.counts = np.zeros(n_items)

    def update(self, rec):
        self.counts[rec.item] += 1

    def predict_all(self, user):
        return self.counts


class NumpyPopExperiment(OnlineExperiment):
    def _config(self, top_k, seed):
        model = NumpyPop(n_items=300)
        return model._model, model._updater, []


fast = NumpyPopExperiment(top_k=100).run(data, verbose=False)
print("same ranks as MyPop:", fast["rank"].equals(results["rank"]))
# [end-predict-all]

# [start-raw]
from alpenglow import cpp


class LastItemModel(cpp.PythonModel):
    """The raw base class: a core model whose prediction is a Python method."""

    def __init__(self):
        super().__init__()
        self.last = {}

    def prediction(self, rec):
        return 1.0 if self.last.get(rec.user) == rec.item else 0.0


class LastItemUpdater(cpp.Updater):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def update(self, rec):
        self.model.last[rec.user] = rec.item


class LastItemExperiment(OnlineExperiment):
    def _config(self, top_k, seed):
        model = LastItemModel()
        return model, LastItemUpdater(model), []


print("repeat DCG@100:", DcgScore(LastItemExperiment().run(data, verbose=False)).mean())
# [end-raw]
