"""Personal popularity."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment


class PersonalPopularityExperiment(OnlineExperiment):
    """Recommends the items the user consumed most, global popularity breaking ties.

    Score: ``ln(own(u,i) + g(i) + 1) / ln(own(u,top) + 2)`` where ``own`` sums the user's scores
    for the item and ``g`` is the global popularity score. Do not combine with
    ``exclude_known=True``: it removes exactly the items this model ranks first.
    Takes only the common parameters of :class:`alpenglow.OnlineExperiment`.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.PersonalPopularityModel()
        updater = rs.PersonalPopularityModelUpdater()
        updater.set_model(model)
        return model, updater, []
