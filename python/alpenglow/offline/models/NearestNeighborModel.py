"""Offline item-based nearest neighbours (co-occurrence counts)."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs
from ..OfflineModel import OfflineModel
from ._graphs import single_pass


class NearestNeighborModel(OfflineModel):
    """Item-based nearest neighbours on co-occurrence counts.

    ``sim(j, i)`` is the number of co-occurrences of ``j`` and ``i`` in the users' histories
    (both directions, repeats counted); each item keeps its ``num_of_neighbors`` most similar
    items (ties: lower item code), and ``score(u, i) = Σ_{j ∈ history(u)} sim(j, i)`` (one term
    per training event of the user). The similarities are computed once, after one ordered pass
    over the training data (fixed: ``gamma=1``, no normalisation, direction "both").

    Parameters
    ----------
    num_of_neighbors : int, default 10
        Neighbours kept per item.
    seed : int, default 254938879
        Accepted for uniformity; nothing is drawn.

    Notes
    -----
    ``recommend`` lists only items the user's history reaches (score > 0), so a list can be
    shorter than ``k``.
    """

    def _build(self) -> tuple[Any, Any]:
        model = rs.NearestNeighborModel(
            gamma=1.0, norm="off", direction="both", gamma_threshold=0.0,
            num_of_neighbors=self.parameter_default("num_of_neighbors", 10),
        )
        updater = rs.NearestNeighborModelUpdater(period_mode="off")
        updater.set_model(model)
        learner = single_pass(updater, self._seed())
        self.objects = {"model": model, "updater": updater, "learner": learner}
        return model, learner
