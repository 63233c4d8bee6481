"""optuna_objective: running metric at fixed record counts, pruning stops the run early."""

from __future__ import annotations

import sys

import pytest

from alpenglow.datasets import synthetic_stream
from alpenglow.errors import ParameterError
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import FactorExperiment
from alpenglow.utils import optuna_objective

optuna = pytest.importorskip("optuna", reason="Optuna is not installed (pip install alpenglow[optuna])")


@pytest.fixture(scope="module")
def data():
    return synthetic_stream(12000, seed=3)


def test_study_with_a_pruned_trial(data):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    objective = optuna_objective(FactorExperiment, data, {"learning_rate": [0.0, 0.08, 0.1]}, report_every=2000,
                                 experiment_parameters={"dimension": 5, "negative_rate": 3})
    study = optuna.create_study(direction="maximize",
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0))
    for lr in (0.08, 0.1, 0.0):
        study.enqueue_trial({"learning_rate": lr})
    study.optimize(objective, n_trials=3)
    done, pruned = study.trials[:2], study.trials[2]
    for trial in done:
        assert trial.state == optuna.trial.TrialState.COMPLETE
        assert sorted(trial.intermediate_values) == list(range(2000, 12001, 2000))
        full = FactorExperiment(dimension=5, negative_rate=3, **trial.params).run(data, verbose=False)
        assert trial.value == DcgScore(full).mean()
        # each report is the running mean over the records evaluated so far
        assert trial.intermediate_values[4000] == pytest.approx(DcgScore(full).iloc[:4000].mean(), rel=1e-12)
        assert trial.intermediate_values[12000] == pytest.approx(trial.value, rel=1e-12)
    assert pruned.state == optuna.trial.TrialState.PRUNED
    assert sorted(pruned.intermediate_values) == [2000]  # stopped at the first checkpoint


def test_callable_space_and_minimising_mse(data):
    from alpenglow.evaluation import MseScore

    seen = []

    def space(trial):
        seen.append(trial.number)
        return {"learning_rate": trial.suggest_float("learning_rate", 0.01, 0.1)}

    objective = optuna_objective(FactorExperiment, data, space, score=MseScore,
                                 experiment_parameters={"dimension": 3, "negative_rate": 1})
    study = optuna.create_study(direction="minimize")
    study.optimize(objective, n_trials=1)
    assert seen == [0] and study.trials[0].value > 0
    assert len(study.trials[0].intermediate_values) == 10  # default: a tenth of the stream


def test_bad_arguments(data, monkeypatch):
    with pytest.raises(ParameterError, match="report_every must be a positive integer"):
        optuna_objective(FactorExperiment, data, {"learning_rate": [0.1]}, report_every=0)
    objective = optuna_objective(FactorExperiment, data, {"learning_rate": 0.1})
    with pytest.raises(ParameterError, match="search space of 'learning_rate' must be a non-empty list"):
        objective(optuna.create_study().ask())
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(ImportError, match=r"pip install alpenglow\[optuna\]"):
        optuna_objective(FactorExperiment, data, {"learning_rate": [0.1]})
