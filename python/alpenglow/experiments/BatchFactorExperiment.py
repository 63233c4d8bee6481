"""Matrix factorisation retrained periodically on the past by batch SGD."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import factor_model, mse_chain, negative_sampler
from ._periodic import PERIODIC_DOC, periodic_learner


class BatchFactorExperiment(OnlineExperiment):
    __doc__ = """Matrix factorisation trained only at the end of every period: the past (or a
    time window of it) is replayed ``number_of_iterations`` times, reshuffled before every
    pass, through a negative sampler and SGD on the squared error. Between period ends the
    model is frozen; the model retrained at the end of a period serves the next one.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
    initialize_all : bool, default False
    learning_rate : float, default 0.05
    regularization_rate : float, default 0.0
    negative_rate : float, default 0
        Negative samples per training record.
    filter_repeats : bool, default False
    number_of_iterations : int, default 3
        Passes over the training set per period.
    shuffle : bool, default True
        Reshuffle the training set before every pass.
    """ + PERIODIC_DOC + """
    model_seed : int, default 745578
        Seed of the initial factors.
    negative_sampler_seed, shuffle_seed : int, optional
        Seeds of the negative sampler and of the shuffles (default: the experiment ``seed``).
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Notes
    -----
    The training set is chronological (the original's was newest first); with ``shuffle``
    the first pass is already shuffled, as in the original.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = factor_model(self)
        updater = rs.FactorModelGradientUpdater(**self.parameter_defaults(learning_rate=0.05, regularization_rate=0.0))
        updater.set_model(model)
        sampler = negative_sampler(self, seed, 0)
        sampler.add_updater(mse_chain(model, updater))
        learner = rs.OfflineIteratingOnlineLearnerWrapper(
            **self.parameter_defaults(number_of_iterations=3, shuffle=True),
            seed=self.parameter_default("shuffle_seed", seed),
        )
        learner.add_iterate_updater(sampler)
        return model, [periodic_learner(self, model, [learner])], []
