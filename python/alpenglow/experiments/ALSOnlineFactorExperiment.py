"""Periodic ALS retraining, with online SGD updates of the copied factors in between."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import factor_model, mse_chain
from ._periodic import PERIODIC_DOC, periodic_learner
from .ALSFactorExperiment import als_model_and_learner


class ALSOnlineFactorExperiment(OnlineExperiment):
    __doc__ = f"""Matrix factorisation retrained by ALS at the end of every period (as
    :class:`ALSFactorExperiment`), whose factors are then copied into a second, SGD-trained
    factor model; that model is the evaluated one and keeps learning online from every record
    (``online_negative_rate`` uniform negative samples, one MSE gradient step each) until the
    next period end overwrites its factors.

    Parameters
    ----------
    dimension, begin_min, begin_max : default 10, -0.01, 0.01
        Shared by both models (as in the original).
    number_of_iterations, regularization_lambda, alpha, implicit, clear_before_fit
        The ALS keys of :class:`ALSFactorExperiment` (defaults 15, 1e-3, 40, 1, 1).
    online_learning_rate : float, default 0.2
        Learning rate of the online SGD updates.
    online_negative_rate : float, default 10
        Negative samples per record for the online updates.
    regularization_rate : float, default 0.0
        L2 regularisation of the online SGD updates.
    filter_repeats : bool, default False
        Sample online negatives without replacement.
    initialize_all : bool, default False
        Create the online model's factors for every id up front.
    als_model_seed : int, optional
        Seed of the ALS model's initial factors (default: the experiment ``seed``).
    model_seed : int, default 745578
        Seed of the online model's initial factors (fixed in the original).
    negative_sampler_seed : int, optional
        Seed of the negative sampler (default: the experiment ``seed``).
    {PERIODIC_DOC}
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Notes
    -----
    Doc≠code: the original documents ``online_regularization_rate`` but never reads it; we follow
    the code, so passing it is an error (unused parameter). The online regularisation is
    ``regularization_rate``.

    The ALS model's rows are copied after every fit: ids the online model has no vector for
    are first random-initialised from its generator (as the original), then overwritten.
    ``clear_model`` and the model files (``read_model``/``write_model``) concern the ALS model.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        als_model, learner = als_model_and_learner(self, seed, "als_model_seed")
        model = factor_model(self)
        learner.set_copy_to_model(model)
        updater = rs.FactorModelGradientUpdater(
            learning_rate=self.parameter_default("online_learning_rate", 0.2),
            **self.parameter_defaults(regularization_rate=0.0),
        )
        updater.set_model(model)
        sampler = rs.UniformNegativeSampleGenerator(
            negative_rate=self.parameter_default("online_negative_rate", 10),
            **self.parameter_defaults(filter_repeats=False),
            seed=self.parameter_default("negative_sampler_seed", seed),
        )
        sampler.add_updater(mse_chain(model, updater))
        return model, [periodic_learner(self, als_model, [learner]), sampler], []
