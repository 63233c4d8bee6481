"""``alpenglow.offline``: a scikit-learn-style batch API next to the online experiments.

>>> from alpenglow.offline.models import ALSFactorModel
>>> from alpenglow.offline.evaluation import NdcgScore

Models are fitted on a whole training set (``fit``), then score pairs (``predict``) and
recommend top lists (``recommend``, computed in parallel in the core). See
:class:`OfflineModel`.
"""

from . import evaluation, models
from .OfflineModel import NotFittedError, OfflineModel

__all__ = ["NotFittedError", "OfflineModel", "evaluation", "models"]
