"""Online evaluation metrics.

Each metric takes the results DataFrame of :meth:`OnlineExperiment.run` and
returns one float per evaluated record, as a pandas Series on the same index.
Take ``.mean()`` for the overall score, or group the Series (for example by
time period) for a time series.

Unlike the original Alpenglow framework, :func:`RecallScore` is the hit
indicator and :func:`PrecisionScore` is hit/``top_k`` (the original had the
two swapped).
"""

from .error import MseScore
from .hits import PrecisionScore, RecallScore
from .ranking import DcgScore, RrScore

__all__ = ["DcgScore", "MseScore", "PrecisionScore", "RecallScore", "RrScore"]
from .over_time import over_time, plot
__all__ += ["over_time", "plot"]
