"""Evaluating an external recommender through files: write, compute outside, read."""

import os
import tempfile

# [start-external]
import pandas as pd

from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import ExternalModelExperiment

folder = tempfile.mkdtemp()
data = synthetic_stream(n_events=6_000, n_users=300, n_items=500, seed=8)
periods = dict(period_length=1_000, period_mode="samplenum")

# 1. write the training set and the users to recommend for, at the end of every period
ExternalModelExperiment(mode="write", out_name_base=os.path.join(folder, "batch"), **periods).run(
    data, verbose=False, recode=False)

# 2. the "external tool": here, the 50 most popular items of each training set, for every test user
n = 1
while os.path.exists(os.path.join(folder, f"batch_{n}_train.dat")):
    train = pd.read_csv(os.path.join(folder, f"batch_{n}_train.dat"))
    test_file = os.path.join(folder, f"batch_{n}_test.dat")   # none after the last period
    users = pd.read_csv(test_file)["user"] if os.path.exists(test_file) else []
    top = train["item"].value_counts().index[:50]
    with open(os.path.join(folder, f"predictions_{n}_predictions.dat"), "w") as out:
        for user in users:
            out.writelines(f"{user} {item} {pos}\n" for pos, item in enumerate(top))
    n += 1

# 3. read the lists back and rank every record of the next period with them
results = ExternalModelExperiment(mode="read", in_name_base=os.path.join(folder, "predictions"), **periods).run(
    data, verbose=False, recode=False)
print("external popularity DCG@100:", DcgScore(results).mean())
# [end-external]
