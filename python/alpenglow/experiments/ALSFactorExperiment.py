"""Matrix factorisation retrained periodically by (implicit) alternating least squares."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._periodic import PERIODIC_DOC, periodic_learner

#: Keys of the ALS learner, with the experiments' defaults.
ALS_DEFAULTS = dict(number_of_iterations=15, regularization_lambda=1e-3, alpha=40, implicit=1, clear_before_fit=1)


def als_model_and_learner(experiment, seed: int, seed_key: str) -> tuple:
    """The EigenFactorModel (seeded with ``seed_key`` if given, else the experiment seed) and
    its ALS learner, configured from the experiment's keys."""
    model = rs.EigenFactorModel(
        **experiment.parameter_defaults(dimension=10, begin_min=-0.01, begin_max=0.01),
        seed=experiment.parameter_default(seed_key, seed),
    )
    learner = rs.OfflineEigenFactorModelALSLearner(**experiment.parameter_defaults(**ALS_DEFAULTS))
    learner.set_model(model)
    return model, learner


class ALSFactorExperiment(OnlineExperiment):
    __doc__ = f"""Matrix factorisation trained offline by alternating least squares at the end of
    every period, on the records so far (or of the last ``timeframe_length``); between period
    ends the model is frozen.

    Implicit mode (default) is iALS: confidence ``c = 1 + alpha * score`` for every observed
    (user, item) pair (repeated pairs' scores summed), preference 1, ridge
    ``regularization_lambda * nnz`` (the number of distinct observed pairs, as in the original).
    Explicit mode is plain ALS on the scores (the newest score of a repeated pair) with the same
    ridge. The normal equations are solved exactly; rows are solved in parallel, with results
    identical for any number of threads.

    Parameters
    ----------
    dimension : int, default 10
        Number of latent factors.
    begin_min, begin_max : float, default -0.01, 0.01
        Range of the random initial factors (rows are drawn when ids first appear in a fit).
    number_of_iterations : int, default 15
        ALS sweeps (users, then items) per fit.
    regularization_lambda : float, default 1e-3
        Ridge, multiplied by the number of observed pairs.
    alpha : float, default 40
        Confidence slope of implicit ALS.
    implicit : int, default 1
        1: implicit ALS (iALS); 0: explicit ALS.
    clear_before_fit : int, default 1
        1: start every fit from fresh random rows (0: from the previous fit's factors).
    model_seed : int, optional
        Seed of the initial factors (default: the experiment ``seed``, as in the original).
    {PERIODIC_DOC}
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Notes
    -----
    Doc≠code: none known for this experiment (defaults as in the original's code).

    Fix: the past data is chronological, so in explicit mode a repeated rating keeps its
    newest score (the original's newest-first past data kept the oldest).
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model, learner = als_model_and_learner(self, seed, "model_seed")
        return model, [periodic_learner(self, model, [learner])], []
