"""Parameter search: sequential, threads, Optuna (the Ray backend is shown in the page)."""

from alpenglow.datasets import synthetic_stream

data = synthetic_stream(n_events=5_000, n_users=300, n_items=500, seed=6)

# [start-grid]
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import FactorExperiment
from alpenglow.utils import ParameterSearch, ThreadedParameterSearch

search = ParameterSearch(FactorExperiment(top_k=100, negative_rate=10), DcgScore)
search.set_parameter_values("learning_rate", [0.03, 0.05])
search.set_parameter_values("dimension", [5, 10])
table = search.run(data, verbose=False)   # one row per configuration, in grid order
print(table)

threaded = ThreadedParameterSearch(FactorExperiment(top_k=100, negative_rate=10), DcgScore, threads=2,
                                   use_process_pool=False)   # threads: runs release the GIL
threaded.set_parameter_values("learning_rate", [0.03, 0.05])
threaded.set_parameter_values("dimension", [5, 10])
assert threaded.run(data, verbose=False).equals(table)        # the same table exactly
# [end-grid]

# [start-dependent]
import os
import tempfile

from alpenglow.experiments import PopularityTimeframeExperiment
from alpenglow.utils import DependentParameter

folder = tempfile.mkdtemp()
search = ParameterSearch(PopularityTimeframeExperiment(top_k=100), DcgScore)
search.set_parameter_values("tau", [3600, 86400])
search.set_parameter_values("out_file", DependentParameter(os.path.join(folder, "ranks_tau_%s.txt"), ["tau"]))
print(search.run(data, verbose=False))
# [end-dependent]

# [start-optuna]
import optuna

from alpenglow.utils import optuna_objective

space = {"learning_rate": optuna.distributions.FloatDistribution(0.01, 0.1, log=True),
         "negative_rate": [5, 10, 20]}   # a list: categorical choices
objective = optuna_objective(FactorExperiment, data, space, experiment_parameters={"top_k": 100})
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=1),
                            pruner=optuna.pruners.MedianPruner())
study.optimize(objective, n_trials=4)
print(study.best_params)
# [end-optuna]
