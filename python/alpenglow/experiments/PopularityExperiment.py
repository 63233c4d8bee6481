"""Global popularity."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment


class PopularityExperiment(OnlineExperiment):
    """Recommends the items with the most events so far.

    The score of an item is ``ln(count+1) / ln(max_count+1)`` (0 for an item never seen).
    Takes only the common parameters of :class:`alpenglow.OnlineExperiment` (``seed``,
    ``top_k``, ``ranking_seed``, ``out_file``, ``network_mode``).

    Examples
    --------
    >>> from alpenglow.experiments import PopularityExperiment
    >>> from alpenglow.datasets import synthetic_stream
    >>> res = PopularityExperiment(top_k=100).run(synthetic_stream(5000), verbose=False)
    >>> list(res.columns)
    ['time', 'score', 'user', 'item', 'prediction', 'rank']
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.PopularityModel()
        updater = rs.PopularityModelUpdater()
        updater.set_model(model)
        return model, updater, []
