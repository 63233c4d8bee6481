"""Offline SVD++."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs
from .AsymmetricFactorModel import AsymmetricFactorModel


class SvdppModel(AsymmetricFactorModel):
    """SVD++: ``score(u, i) = (w_u · p_u + w_h · norm · Σ_{j ∈ history(u)} h_j) · q_i``. One
    ordered pass builds the histories, then ``number_of_iterations`` SGD epochs (negative
    samples, squared error) train the vectors.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
    use_sigmoid : bool, default False
    norm_type : str, default "constant"
    gamma : float, default 1
    user_vector_weight, history_weight : float, default 0.5, 0.5
    initialize_all : bool, default False
    learning_rate : float, default 0.05
    cumulative_item_updates : bool, default False
    negative_rate : float, default 9
        (Doc≠code in the original: its docstring said 0.0; the code's 9 is kept.)
    number_of_iterations : int, default 20
    shuffle : bool, default True
    seed : int, default 254938879
        Seed of the epoch shuffles.
    factor_seed : int, default 745578
        Seed of the initial factors (the original's fixed default).
    negative_sampler_seed : int, default 67439852
    """

    _model_class = "SvdppModel"
    _unsupported: dict = {}
    _defaults = dict(negative_rate=9, number_of_iterations=20)

    def _model(self) -> Any:
        return rs.SvdppModel(
            **self.parameter_defaults(dimension=10, begin_min=-0.01, begin_max=0.01, use_sigmoid=False,
                                      norm_type="constant", gamma=1.0, user_vector_weight=0.5, history_weight=0.5,
                                      initialize_all=False),
            seed=self.parameter_default("factor_seed", 745578),
        )
