"""Matrix factorisation with negative samples and re-sampled past positives."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import factor_model, mse_chain, negative_sampler


class PosSamplingFactorExperiment(OnlineExperiment):
    """:class:`FactorExperiment` plus a second update chain that re-trains on positives drawn
    from a pool of past records.

    Parameters
    ----------
    dimension, begin_min, begin_max, initialize_all
        As in :class:`FactorExperiment`.
    base_learning_rate : float, default 0.2
        Learning rate of the main (negative-sampling) chain.
    base_regularization_rate : float, default 0.0
    positive_learning_rate : float, default 0.05
        Learning rate of the re-sampled positives.
    positive_regularization_rate : float, default 0.0
    negative_rate : float, default 100
        (The original docstring says 40; its code, which we follow, uses 100.)
    filter_repeats : bool, default False
    positive_rate : int, default 3
        Re-sampled positives per record.
    pool_size : int, default 3000
        Size of the pool of past positives.
    learning_rate, regularization_rate : float, optional
        If given, override both the base and the positive rates (as in the original).
    model_seed : int, default 745578
    negative_sampler_seed : int, optional
        Seed of the negative sampler (default: the experiment ``seed``).
    positive_sampler_seed : int, default 134235
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Notes
    -----
    Fix: the original pooled sampler emitted nothing on its first call; ours emits from the
    pool as soon as it holds records.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = factor_model(self)
        base = rs.FactorModelGradientUpdater(**self.parameter_defaults(
            learning_rate=self.parameter_default("base_learning_rate", 0.2),
            regularization_rate=self.parameter_default("base_regularization_rate", 0.0),
        ))
        base.set_model(model)
        sampler = negative_sampler(self, seed, 100)
        sampler.add_updater(mse_chain(model, base))

        positive = rs.FactorModelGradientUpdater(**self.parameter_defaults(
            learning_rate=self.parameter_default("positive_learning_rate", 0.05),
            regularization_rate=self.parameter_default("positive_regularization_rate", 0.0),
        ))
        positive.set_model(model)
        pool = rs.PooledPositiveSampleGenerator(
            **self.parameter_defaults(positive_rate=3, pool_size=3000),
            seed=self.parameter_default("positive_sampler_seed", 134235),
        )
        pool.add_updater(mse_chain(model, positive))
        return model, [sampler, pool], []
