"""Offline asymmetric factor model (the user is the normalised sum of its items' vectors)."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs
from ..OfflineModel import OfflineModel
from ._graphs import sgd_epochs


class AsymmetricFactorModel(OfflineModel):
    """Asymmetric factor model: the user vector is the (constant-normalised) sum of the history
    vectors of the user's training items; ``score(u, i) = user_vec(u) · q_i``. One ordered pass
    builds the histories, then ``number_of_iterations`` SGD epochs (negative samples, squared
    error) train the vectors.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
    learning_rate : float, default 0.05
    negative_rate : float, default 0
    number_of_iterations : int, default 9
    shuffle : bool, default True
    seed : int, default 254938879
        Seed of the epoch shuffles.
    factor_seed : int, default 745578
        Seed of the initial factors (the original's fixed default).
    negative_sampler_seed : int, default 67439852

    Notes
    -----
    Fixed: ``norm_type="constant"``, ``gamma=1``, ``use_sigmoid=False``.
    ``regularization_rate`` (accepted and ignored by the original) is an error.
    """

    _model_class = "AsymmetricFactorModel"
    _unsupported = {"regularization_rate": "the original accepted it and ignored it (the model has no regularisation)"}
    _defaults: dict = dict(negative_rate=0, number_of_iterations=9)

    def _model(self) -> Any:
        return rs.AsymmetricFactorModel(
            **self.parameter_defaults(dimension=10, begin_min=-0.01, begin_max=0.01),
            norm_type="constant", gamma=1.0, use_sigmoid=False,
            seed=self.parameter_default("factor_seed", 745578),
        )

    def _build(self) -> tuple[Any, Any]:
        model = self._model()
        prefix = self._model_class
        history = getattr(rs, prefix + "Updater")()
        history.set_model(model)
        updater = getattr(rs, prefix + "GradientUpdater")(
            **self.parameter_defaults(learning_rate=0.05, cumulative_item_updates=False))
        updater.set_model(model)
        self.objects = {"model": model, "updater": history, "gradient_updater": updater}
        learner, _ = sgd_epochs(self, model, updater, self.parameter_default("negative_rate", self._defaults["negative_rate"]),
                                self.parameter_default("number_of_iterations", self._defaults["number_of_iterations"]),
                                self.parameter_default("shuffle", True), self._seed())
        learner.add_early_updater(history)
        return model, learner
