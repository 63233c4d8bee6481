"""SVD++: user vectors plus the consumed items' history vectors."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import mse_chain, model_seed, negative_sampler


class SvdppExperiment(OnlineExperiment):
    """SVD++-style factor model (user vector + weighted history of item vectors), trained
    online by SGD with negative samples.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
    use_sigmoid : bool, default False
    norm_type : str, default "exponential"
    gamma : float, default 0.8
    user_vector_weight : float, default 0.5
    history_weight : float, default 0.5
    initialize_all : bool, default False
    learning_rate : float, default 0.05
    cumulative_item_updates : bool, default False
    negative_rate : float, default 20
    model_seed : int, default 745578
    negative_sampler_seed : int, optional
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.SvdppModel(
            **self.parameter_defaults(begin_min=-0.01, begin_max=0.01, dimension=10, use_sigmoid=False,
                                      norm_type="exponential", gamma=0.8, user_vector_weight=0.5,
                                      history_weight=0.5, initialize_all=False),
            seed=model_seed(self),
        )
        gradient_updater = rs.SvdppModelGradientUpdater(
            **self.parameter_defaults(learning_rate=0.05, cumulative_item_updates=False)
        )
        gradient_updater.set_model(model)
        sampler = negative_sampler(self, seed, 20, with_repeats_filter=False)
        sampler.add_updater(mse_chain(model, gradient_updater))
        history = rs.SvdppModelUpdater()
        history.set_model(model)
        return model, [sampler, history], []
