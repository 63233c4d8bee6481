"""Checkpoints: stop a run, resume it from its checkpoint; continue a run on new events."""

import os
import tempfile

import pandas as pd

from alpenglow.datasets import synthetic_stream
from alpenglow.errors import RunInterrupted
from alpenglow.experiments import FactorExperiment

folder = tempfile.mkdtemp()
data = synthetic_stream(n_events=6_000, n_users=300, n_items=500, seed=4)

# [start-resume]
path = os.path.join(folder, "factor.ckpt")
experiment = FactorExperiment(top_k=100, negative_rate=10)
try:
    # Writes the whole state every 1,000 records and when the run ends, whatever ends it.
    first = experiment.run(data, checkpoint=path, checkpoint_every=1_000,
                           experiment_termination_time=float(data["time"].iloc[3_000]))
except RunInterrupted as stopped:   # Ctrl-C: the rows so far are kept, and so is the state
    first = stopped.results

# Later, in another process: a fresh experiment object continues where the first one stopped.
rest = FactorExperiment(top_k=100, negative_rate=10).run(data, resume=path)
whole = pd.concat([first, rest])
assert whole.equals(FactorExperiment(top_k=100, negative_rate=10).run(data))
# [end-resume]

# [start-continue]
cut = data["time"].iloc[4_000]
today, tomorrow = data[data["time"] < cut], data[data["time"] >= cut]
experiment = FactorExperiment(top_k=100, negative_rate=10)
experiment.run(today)
results = experiment.run(tomorrow, continue_run=True)   # keeps the learned state
assert results.equals(FactorExperiment(top_k=100, negative_rate=10).run(data))
print(experiment.recommend(user=7, k=3))
# [end-continue]
