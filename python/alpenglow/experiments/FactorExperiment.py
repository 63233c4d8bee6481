"""Online matrix factorisation trained by SGD with uniform negative samples."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import factor_model, mse_chain, negative_sampler


class FactorExperiment(OnlineExperiment):
    """Matrix factorisation updated online: every record is a positive sample (score 1 by
    default) plus ``negative_rate`` uniformly sampled items the user has not seen (score 0),
    each taking one SGD step on the squared error.

    Parameters
    ----------
    dimension : int, default 10
        Number of latent factors.
    begin_min, begin_max : float, default -0.01, 0.01
        Range of the random initial factors.
    initialize_all : bool, default False
        Create factors for every id up front.
    learning_rate : float, default 0.05
    regularization_rate : float, default 0.0
    negative_rate : float, default 100
        Negative samples per record.
    filter_repeats : bool, default False
        Sample negatives without replacement.
    model_seed : int, default 745578
        Seed of the initial factors (fixed in the original).
    negative_sampler_seed : int, optional
        Seed of the negative sampler (default: the experiment ``seed``).
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = factor_model(self)
        updater = rs.FactorModelGradientUpdater(**self.parameter_defaults(learning_rate=0.05, regularization_rate=0.0))
        updater.set_model(model)
        sampler = negative_sampler(self, seed, 100)
        sampler.add_updater(mse_chain(model, updater))
        return model, [sampler], []
