"""Stream-aware Optuna objective: report the running metric, stop hopeless trials early."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..errors import ParameterError, RunInterrupted


def _import_optuna() -> Any:
    try:
        import optuna
    except ImportError as error:
        raise ImportError("optuna_objective needs Optuna: pip install alpenglow[optuna]  (or: pip install optuna)") from error
    return optuna


def _suggest(optuna: Any, trial: Any, space: Mapping[str, Any]) -> dict:
    d = optuna.distributions
    out = {}
    for name, spec in space.items():
        if isinstance(spec, d.FloatDistribution):
            out[name] = trial.suggest_float(name, spec.low, spec.high, log=spec.log, step=spec.step)
        elif isinstance(spec, d.IntDistribution):
            out[name] = trial.suggest_int(name, spec.low, spec.high, log=spec.log, step=spec.step)
        elif isinstance(spec, d.CategoricalDistribution):
            out[name] = trial.suggest_categorical(name, spec.choices)
        elif isinstance(spec, (list, tuple)) and spec:
            out[name] = trial.suggest_categorical(name, list(spec))
        else:
            raise ParameterError(
                f"optuna_objective: the search space of '{name}' must be a non-empty list of choices or an "
                f"optuna distribution (FloatDistribution, IntDistribution, CategoricalDistribution), got {spec!r}"
            )
    return out


def optuna_objective(experiment_cls: type, data: Any, params: Callable[[Any], dict] | Mapping[str, Any],
                     score: Callable | None = None, report_every: int | None = None,
                     experiment_parameters: Mapping[str, Any] | None = None, **run_parameters: Any) -> Callable:
    """An Optuna objective that runs ``experiment_cls`` on ``data`` and prunes along the stream.

    During the run, every ``report_every`` records the running mean of ``score`` over the
    records evaluated so far goes to ``trial.report(value, step=records processed)``; when
    ``trial.should_prune()`` says so, the run is stopped the way Ctrl-C stops it and the trial
    ends with ``optuna.TrialPruned``. The checkpoints are fixed record counts, so every trial
    reports at the same steps (what pruners compare).

    Parameters
    ----------
    experiment_cls : type
        An experiment class, e.g. :class:`alpenglow.experiments.FactorExperiment`.
    data : DataFrame-like or str
        The stream, passed to ``run``.
    params : callable or dict
        ``params(trial) -> dict`` of experiment parameters, or a search space: name -> list of
        choices, or an optuna ``FloatDistribution`` / ``IntDistribution`` /
        ``CategoricalDistribution``.
    score : callable, default DcgScore
        Metric of :mod:`alpenglow.evaluation`; the objective value is its mean over the run
        (maximise it for DCG, recall, precision, RR; minimise it for MSE).
    report_every : int, optional
        Records between reports (default: a tenth of the stream, or 10000 when its length is
        unknown).
    experiment_parameters : dict, optional
        Fixed parameters of every trial's experiment (e.g. ``{"top_k": 100}``).
    **run_parameters
        Passed to ``run`` (default ``verbose=False``).

    Returns
    -------
    callable
        ``objective(trial) -> float`` for ``study.optimize``.

    Examples
    --------
    >>> import optuna  # doctest: +SKIP
    >>> objective = optuna_objective(FactorExperiment, data, {"learning_rate": [0.03, 0.05, 0.08]})  # doctest: +SKIP
    >>> optuna.create_study(direction="maximize", pruner=optuna.pruners.MedianPruner()).optimize(objective, 10)  # doctest: +SKIP
    """
    optuna = _import_optuna()
    if score is None:
        from ..evaluation import DcgScore as score  # noqa: N813
    if report_every is None:
        n = len(data) if hasattr(data, "__len__") and not isinstance(data, (str, bytes)) else 0
        report_every = max(1, n // 10) if n else 10000
    if isinstance(report_every, bool) or not isinstance(report_every, int) or report_every < 1:
        raise ParameterError(f"optuna_objective: report_every must be a positive integer, got {report_every!r}")
    if not callable(params) and not isinstance(params, Mapping):
        raise ParameterError(f"optuna_objective: params must be a callable(trial) -> dict or a dict, got {params!r}")
    fixed = dict(experiment_parameters or {})
    run_parameters.setdefault("verbose", False)

    def objective(trial: Any) -> float:
        chosen = params(trial) if callable(params) else _suggest(optuna, trial, params)
        experiment = experiment_cls(**{**fixed, **chosen})
        state = {"seen": 0, "sum": 0.0, "count": 0, "last": 0, "pruned": None}

        def hook(done: int, total: int, results_since: Callable) -> None:
            if done == state["last"]:
                return
            state["last"] = done
            rows = results_since(state["seen"])
            state["seen"] += len(rows)
            values = score(rows)
            state["sum"] += float(values.sum())
            state["count"] += len(values)
            if state["count"] == 0:
                return
            trial.report(state["sum"] / state["count"], step=done)
            if done < total and trial.should_prune():
                state["pruned"] = done
                raise KeyboardInterrupt("pruned by optuna")

        experiment._run_hook = hook
        experiment._run_hook_every = report_every
        try:
            result = experiment.run(data, **run_parameters)
        except RunInterrupted:
            if state["pruned"] is not None:
                raise optuna.TrialPruned(f"pruned after {state['pruned']} records") from None
            raise
        return float(score(result).mean())

    return objective
