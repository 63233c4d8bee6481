"""Getting started: one experiment, its metrics, per-day means."""

# [start-run]
from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore, RecallScore, over_time
from alpenglow.experiments import PopularityExperiment

data = synthetic_stream(n_events=20_000, seed=1)   # columns time, user, item, score
results = PopularityExperiment(top_k=100, seed=12345).run(data, verbose=False)
print(results.head())
print("DCG@100:", DcgScore(results).mean(), "recall@100:", RecallScore(results).mean())
print(over_time(results, DcgScore, period=86400))  # mean DCG per day
# [end-run]

# [start-parameters]
from alpenglow.experiments import FactorExperiment

factor = FactorExperiment(top_k=100, dimension=10, learning_rate=0.05, negative_rate=30)
factor_results = factor.run(data, verbose=False)
print("factor DCG@100:", DcgScore(factor_results).mean())
# [end-parameters]

# [start-unknown]
from alpenglow.errors import ParameterError

try:
    FactorExperiment(learning_rat=0.1).run(data, verbose=False)
except ParameterError as error:
    print(error)   # Unused parameters: learning_rat (did you mean 'learning_rate'?). ...
# [end-unknown]
