"""Offline popularity."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs
from ..OfflineModel import OfflineModel
from ._graphs import single_pass


class PopularityModel(OfflineModel):
    """Scores items by their number of training events: ``log(f+1) / log(fmax+1)``.

    Parameters
    ----------
    seed : int, default 254938879
        Accepted for uniformity; popularity draws nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> from alpenglow.offline.models import PopularityModel
    >>> m = PopularityModel().fit(pd.DataFrame({"user": [1, 2, 2], "item": ["a", "a", "b"]}))
    >>> m.recommend(k=1).to_dict("list")  # user 2 knows every item
    {'user': [1], 'item': ['b'], 'rank': [1], 'score': [0.6309297535714574]}
    """

    def _build(self) -> tuple[Any, Any]:
        model = rs.PopularityModel()
        updater = rs.PopularityModelUpdater()
        updater.set_model(model)
        learner = single_pass(updater, self._seed())
        self.objects = {"model": model, "updater": updater, "learner": learner}
        return model, learner
