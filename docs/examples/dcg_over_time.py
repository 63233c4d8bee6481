"""Daily mean DCG@100 of three experiments on the built-in synthetic stream.

The documentation build runs this script and shows the picture it saves.
"""

import matplotlib

matplotlib.use("Agg")  # no display needed

from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore, over_time, plot
from alpenglow.experiments import FactorExperiment, PopularityExperiment, TransitionProbabilityExperiment

# 60,000 events, one every 30 s on average: about three weeks of a 1,000-user, 2,000-item shop.
data = synthetic_stream(n_events=60_000, n_users=1_000, n_items=2_000, seed=1)

experiments = {
    "Popularity": PopularityExperiment(top_k=100),
    "TransitionProbability": TransitionProbabilityExperiment(top_k=100),
    "Factor": FactorExperiment(top_k=100, dimension=10, learning_rate=0.05, negative_rate=30),
}
runs = {name: experiment.run(data, verbose=False) for name, experiment in experiments.items()}

for name, results in runs.items():
    daily = over_time(results, DcgScore, period=86400)
    print(f"{name:>22}: mean DCG@100 {DcgScore(results).mean():.4f}, {len(daily)} days")

ax = plot(runs, DcgScore, period=86400)
ax.set_title("Daily mean DCG@100, synthetic stream")
ax.figure.savefig("dcg_over_time.png", dpi=100, bbox_inches="tight")
