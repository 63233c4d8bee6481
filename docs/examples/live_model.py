"""The live model: recommend, predict and learn after a run."""

# [start-live]
import pandas as pd

from alpenglow.datasets import synthetic_stream
from alpenglow.experiments import TransitionProbabilityExperiment

data = synthetic_stream(n_events=5_000, n_users=300, n_items=500, seed=5)
experiment = TransitionProbabilityExperiment()
experiment.run(data, verbose=False)

user = data["user"].iloc[-1]
print(experiment.recommend(user, k=5))                      # item, score, rank
print(experiment.predict([user, user], data["item"].iloc[-2:]))
last_time = data["time"].iloc[-1]
learned = experiment.learn(pd.DataFrame({"time": [last_time + 1, last_time + 2],
                                         "user": [user, 99_999],      # a new user is welcome
                                         "item": [7, 7]}))
print(learned, "events learned;", experiment.recommend(99_999, k=3))
# [end-live]
