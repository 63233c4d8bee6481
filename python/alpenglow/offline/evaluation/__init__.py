"""Offline top-list metrics: compare ``OfflineModel.recommend`` lists with a test set.

The definitions are the standard ones (see each function for the differences from the
original Alpenglow): only the first ``top_k`` recommendations count, and the mean is over the
test users.
"""

from ._metrics import NdcgScore, PrecisionScore, RecallScore

__all__ = ["NdcgScore", "PrecisionScore", "RecallScore"]
