"""Time-decayed item-based nearest neighbours."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment


class NearestNeighborExperiment(OnlineExperiment):
    """Recommends the items most similar to the user's recent items, with time decay.

    ``sim(j→i) = Σ γ^(pos_i − pos_j − 1) / |U_j|`` over the pairs of a user's history where
    ``i`` follows ``j`` (repeats included; ``|U_j|`` is the number of occurrences of ``j``).
    Each item keeps its ``num_of_neighbors`` most similar items (ties: lower item id), and
    ``score(u, i) = Σ_k γ^k · sim(v_k→i)`` over the user's history ``v_0, v_1, …`` from the
    newest event, stopping once ``γ^k <= gamma_threshold``. The neighbour lists are recomputed
    whenever ``floor(time / compute_similarity_period)`` changes, after the record that starts
    the new period has been added.

    The original's docstring writes the decay exponents one higher (a uniform factor: ranks
    are the same) and spells the threshold ``gamma_thresold``; the code's names are used here.
    Similarity sums are accumulated as events arrive instead of being recomputed from every
    history at each period boundary: the same sums, up to floating-point summation order, so
    exact ties can in rare cases resolve differently than in the original.

    Parameters
    ----------
    gamma : float, default 0.8
        Time decay of the weights, in (0, 1].
    norm : {"num", "off"}, default "num"
        "num" divides the similarity sums by the occurrences of the "from" item; "off" does not.
        ("sum" is accepted and acts as "num", as in the original.)
    direction : {"forward", "both"}, default "forward"
        "both" also counts the items that came before.
    gamma_threshold : float, default 0
        The user's history is read while the weight is above this.
    num_of_neighbors : int, default 10
        Neighbours kept per item.
    compute_similarity_period : float, default 86400
        How often the neighbour lists are recomputed, in time units (records with
        "samplenum-based").
    period_mode : {"time-based", "samplenum-based", "off"}, default "time-based"
        "samplenum-based" counts records (the original warned that it was not implemented and
        used time); "off" never recomputes during the stream.
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        model = rs.NearestNeighborModel(**self.parameter_defaults(
            gamma=0.8, norm="num", direction="forward", gamma_threshold=0, num_of_neighbors=10,
        ))
        updater = rs.NearestNeighborModelUpdater(**self.parameter_defaults(
            compute_similarity_period=86400, period_mode="time-based",
        ))
        updater.set_model(model)
        return model, updater, []
