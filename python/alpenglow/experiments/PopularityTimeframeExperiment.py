"""Popularity within a sliding time window."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment


class PopularityTimeframeExperiment(OnlineExperiment):
    """Recommends the items with the most events in the last ``tau`` time units.

    The window ends at the latest training record. Score: ``ln(count+1) / ln(max_count+1)``
    with counts inside the window; unlike the original, the normaliser is the maximum count of
    the current window (the original never lowered it). Ranks are unaffected by the fix.

    Parameters
    ----------
    tau : float, default 86400
        Length of the window, in the time unit of the data (seconds for Unix times).
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.PopularityModel()
        updater = rs.PopularityTimeFrameModelUpdater(**self.parameter_defaults(tau=86400))
        updater.set_model(model)
        return model, updater, []
