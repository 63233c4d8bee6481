"""Matrix factorisation retrained periodically by batch SGD and updated online in between."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import factor_model, mse_chain
from ._periodic import PERIODIC_DOC, periodic_learner


class BatchAndOnlineFactorExperiment(OnlineExperiment):
    __doc__ = """One matrix factorisation model trained two ways: at the end of every period by
    batch SGD over the past (as :class:`BatchFactorExperiment`), and online by SGD on every
    record (as :class:`FactorExperiment`). The periodic retraining runs first at a period's
    last record, then the online update.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
    initialize_all : bool, default False
    batch_learning_rate : float, default 0.05
    batch_negative_rate : float, default 70
    online_learning_rate : float, default 0.2
        (The original docstring says 0.05; its code, which we follow, uses 0.2.)
    online_negative_rate : float, default 100
    regularization_rate : float, default 0.0
        Regularisation of both the batch and the online updates. (The original documents
        ``batch_regularization_rate``/``online_regularization_rate`` but reads neither; they are
        rejected as unknown parameters, as there.)
    number_of_iterations : int, default 3
        Passes over the training set per period.
    shuffle : bool, default True
    """ + PERIODIC_DOC + """
    model_seed : int, default 745578
    negative_sampler_seed, shuffle_seed : int, optional
        Seeds of both negative samplers (equal, as in the original) and of the batch shuffles
        (default: the experiment ``seed``).
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Notes
    -----
    The original printed "Full experiment"/"Timeframe experiment"; we do not print.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = factor_model(self)
        regularization_rate = self.parameter_default("regularization_rate", 0.0)
        sampler_seed = self.parameter_default("negative_sampler_seed", seed)

        def chain(learning_rate: float, negative_rate: float):
            updater = rs.FactorModelGradientUpdater(learning_rate=learning_rate, regularization_rate=regularization_rate)
            updater.set_model(model)
            sampler = rs.UniformNegativeSampleGenerator(negative_rate=negative_rate, seed=sampler_seed)
            sampler.add_updater(mse_chain(model, updater))
            return sampler

        batch = chain(self.parameter_default("batch_learning_rate", 0.05), self.parameter_default("batch_negative_rate", 70))
        learner = rs.OfflineIteratingOnlineLearnerWrapper(
            **self.parameter_defaults(number_of_iterations=3, shuffle=True),
            seed=self.parameter_default("shuffle_seed", seed),
        )
        learner.add_iterate_updater(batch)
        online = chain(self.parameter_default("online_learning_rate", 0.2), self.parameter_default("online_negative_rate", 100))
        return model, [periodic_learner(self, model, [learner]), online], []
