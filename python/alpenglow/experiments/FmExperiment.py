"""Factorisation machine with optional sparse user and item attributes."""

from __future__ import annotations

import os

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._factor_graph import model_seed, negative_sampler


class FmExperiment(OnlineExperiment):
    """A bilinear factorisation machine: the score is the dot product of the sums of the
    user's and the item's attribute factors, trained online on the squared error.

    Parameters
    ----------
    dimension : int, default 10
    begin_min, begin_max : float, default -0.01, 0.01
    user_attributes, item_attributes : str, optional
        Attribute files: line n (0-based) describes entity id n as space-separated
        ``index:value`` pairs. Without a file each id is its own one-hot feature. Files use
        the ids the model sees: run with ``recode=False`` (or recode the files yourself).
    learning_rate : float, default 0.05
    negative_rate : float, default 0
    filter_repeats : bool, default False
    model_seed : int, default 745578
    negative_sampler_seed : int, optional
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Notes
    -----
    Fix: the original stepped by ``lr·d·|d|``; ours steps by ``lr·d`` (the gradient of the
    squared error).
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.FmModel(**self.parameter_defaults(begin_min=-0.01, begin_max=0.01, dimension=10),
                           seed=model_seed(self))
        for side in ("user", "item"):
            path = self.parameter_default(f"{side}_attributes", None)
            if path is not None:
                container = rs.SparseAttributeContainer(file_name=os.fspath(path))
                getattr(model, f"set_{side}_attributes")(container)
        updater = rs.FmModelUpdater(**self.parameter_defaults(learning_rate=0.05))
        updater.set_model(model)
        sampler = negative_sampler(self, seed, 0.0)
        sampler.add_updater(updater)
        return model, [sampler], []
