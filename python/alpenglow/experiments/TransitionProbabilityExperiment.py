"""First-order item-to-item transitions."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment


class TransitionProbabilityExperiment(OnlineExperiment):
    """Recommends the items that most often followed the user's previous item.

    Score: ``ln(count(last_item -> item) + 1)``; a user's first record only sets the last item.

    Parameters
    ----------
    mode : {"normal", "inverted", "symmetric"}, default "normal"
        Count last -> current ("normal"), current -> last ("inverted") or both.
    filter_freq_updates : bool, default False
        Count only transitions into records with eval set.
    label_transition_mode : bool, default False
        Use item labels (from ``label_file_name``) as the "from" side. Label files use the
        original item ids (they are not recoded): run with ``recode=False``.
    label_file_name : str, default ""
        File of whitespace-separated ``item label`` pairs.
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.TransitionProbabilityModel()
        updater = rs.TransitionProbabilityModelUpdater(**self.parameter_defaults(
            mode="normal", filter_freq_updates=False, label_transition_mode=False, label_file_name="",
        ))
        updater.set_model(model)
        return model, updater, []
