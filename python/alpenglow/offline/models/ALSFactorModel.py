"""Offline (implicit) alternating least squares."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs
from ..OfflineModel import OfflineModel


class ALSFactorModel(OfflineModel):
    """Matrix factorisation by alternating least squares, solved exactly row by row (in
    parallel, with results identical for any number of threads).

    Implicit mode (default) is iALS: confidence ``c = 1 + alpha * r`` for every observed pair
    (the scores of repeated pairs summed), preference 1, and the ridge
    ``regularization_lambda * nnz`` (nnz: the number of distinct observed pairs, as in the
    original). Explicit mode is plain ALS on the scores (the last score of a repeated pair)
    with the same ridge.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
        Range of the random initial factors.
    number_of_iterations : int, default 3
        Sweeps (users, then items).
    regularization_lambda : float, default 1e-4
    alpha : float, default 40
    implicit : int, default 1
        1: iALS; 0: explicit ALS.
    clear_before_fit : int, default 1
    seed : int, default 254938879
        Seed of the initial factors.

    Examples
    --------
    >>> from alpenglow.offline.models import ALSFactorModel
    >>> from alpenglow.datasets import synthetic_stream
    >>> m = ALSFactorModel(dimension=8, number_of_iterations=5).fit(synthetic_stream(2000))
    >>> list(m.recommend(k=3).columns)
    ['user', 'item', 'rank', 'score']
    """

    def _build(self) -> tuple[Any, Any]:
        model = rs.EigenFactorModel(**self.parameter_defaults(dimension=10, begin_min=-0.01, begin_max=0.01),
                                    seed=self._seed())
        learner = rs.OfflineEigenFactorModelALSLearner(**self.parameter_defaults(
            number_of_iterations=3, regularization_lambda=1e-4, alpha=40, implicit=1, clear_before_fit=1))
        learner.set_model(model)
        self.objects = {"model": model, "learner": learner}
        return model, learner
