"""Offline matrix factorisation trained by SGD epochs."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs
from ..OfflineModel import OfflineModel
from ._graphs import sgd_epochs


class FactorModel(OfflineModel):
    """Matrix factorisation ``score(u, i) = p_u · q_i`` trained by SGD on the squared error:
    ``number_of_iterations`` epochs over the training set (reshuffled before each with
    ``shuffle``), each event followed by ``negative_rate`` uniform negative samples (score 0).

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
        Range of the random initial factors.
    learning_rate : float, default 0.05
    regularization_rate : float, default 0.0
    negative_rate : float, default 0
        Negative samples per training event.
    number_of_iterations : int, default 9
    shuffle : bool, default True
    initialize_all : bool, default False
    seed : int, default 254938879
        Seed of the initial factors and of the epoch shuffles.
    factor_seed, learner_seed : int, optional
        Seeds of the initial factors resp. of the shuffles (default: ``seed``). The original
        accepted both and ignored them; here they work.
    negative_sampler_seed : int, default 67439852
        Seed of the negative sampler (fixed in the original).

    Notes
    -----
    ``max_item`` (accepted and ignored by the original) is an error.
    """

    _unsupported = {"max_item": "the original accepted it and ignored it; the items are those of the training data"}

    def _build(self) -> tuple[Any, Any]:
        seed = self._seed()
        model = rs.FactorModel(
            **self.parameter_defaults(dimension=10, begin_min=-0.01, begin_max=0.01, initialize_all=False),
            seed=self.parameter_default("factor_seed", seed),
        )
        updater = rs.FactorModelGradientUpdater(**self.parameter_defaults(learning_rate=0.05, regularization_rate=0.0))
        updater.set_model(model)
        self.objects = {"model": model, "gradient_updater": updater}
        learner, _ = sgd_epochs(self, model, updater, self.parameter_default("negative_rate", 0),
                                self.parameter_default("number_of_iterations", 9),
                                self.parameter_default("shuffle", True), self.parameter_default("learner_seed", seed))
        return model, learner
