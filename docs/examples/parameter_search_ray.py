"""Parameter search on Ray (pip install alpenglow[ray]); slow to start, so not run by the tests."""

from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import FactorExperiment
from alpenglow.utils import ThreadedParameterSearch

data = synthetic_stream(n_events=5_000, n_users=300, n_items=500, seed=6)

# [start-ray]
import ray

ray.init(num_cpus=2)   # or ray.init(address="auto") to use a running cluster
search = ThreadedParameterSearch(FactorExperiment(top_k=100, negative_rate=10), DcgScore, threads=2, backend="ray")
search.set_parameter_values("learning_rate", [0.03, 0.05])
search.set_parameter_values("dimension", [5, 10])
print(search.run(data, verbose=False))   # the table of ParameterSearch, exactly
ray.shutdown()
# [end-ray]
