"""Saving and loading models: write/read, pickle, offline models."""

import os
import pickle
import tempfile

from alpenglow import OnlineExperiment
from alpenglow.datasets import synthetic_stream
from alpenglow.Getter import Getter as cpp

folder = tempfile.mkdtemp()
data = synthetic_stream(n_events=5_000, n_users=300, n_items=500, seed=4)
first_half, second_half = data.iloc[:2_500], data.iloc[2_500:]


# [start-write-read]
class Popularity(OnlineExperiment):
    """A popularity experiment that keeps its model (``self.model``) and can start from a file."""

    def _config(self, top_k, seed):
        self.model = cpp.PopularityModel()
        start_from = self.parameter_default("start_from", "")
        if start_from:
            self.model.read(start_from)   # the counts saved by an earlier run
        updater = cpp.PopularityModelUpdater()
        updater.set_model(self.model)
        return self.model, updater, []


experiment = Popularity()
experiment.run(first_half, verbose=False, recode=False)
path = os.path.join(folder, "popularity.bin")
experiment.model.write(path)    # a file of another kind, version or dimension is refused on read

continued = Popularity(start_from=path).run(second_half, verbose=False, recode=False)
# [end-write-read]

# [start-pickle]
restored = pickle.loads(pickle.dumps(experiment.model))   # parameters and learned state
from alpenglow.cpp import RecDat

rec = RecDat()
rec.user, rec.item = int(data["user"].iloc[0]), int(data["item"].iloc[0])
assert restored.prediction(rec) == experiment.model.prediction(rec)
# [end-pickle]

# [start-periodic]
from alpenglow.experiments import ALSFactorExperiment

base = os.path.join(folder, "als")
ALSFactorExperiment(period_length=1_000, period_mode="samplenum", write_model=True,
                    base_out_file_name=base).run(data, verbose=False)
print(sorted(os.listdir(folder))[:3])   # als_1, als_2, ...: the model after each period
replayed = ALSFactorExperiment(period_length=1_000, period_mode="samplenum", learn=False, read_model=True,
                               base_in_file_name=base).run(data, verbose=False)
# [end-periodic]

# [start-offline]
from alpenglow.offline.models import FactorModel

model = FactorModel(dimension=10, negative_rate=3, number_of_iterations=3).fit(data)
model.write(os.path.join(folder, "offline_factor.bin"))
loaded = FactorModel(dimension=10).read(os.path.join(folder, "offline_factor.bin"))
same = pickle.loads(pickle.dumps(model))
print(loaded.recommend(users=[int(data["user"].iloc[0])], k=3))
# [end-offline]
