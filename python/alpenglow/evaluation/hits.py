"""Hit-based online metrics: recall and precision at ``top_k``.

The original Alpenglow framework had these two swapped: its ``PrecisionScore``
was the hit indicator and its ``RecallScore`` was hit/``top_k``. Here they
follow the usual single-target definitions (one relevant item per record):
recall@k is the hit indicator and precision@k is hit/k.
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from ._columns import float_column, per_row

_MISSING_TOP_K = (
    "PrecisionScore needs top_k: pass top_k=... or use the results of "
    "OnlineExperiment.run(), which carry a top_k attribute"
)


def _hits(rankings: pd.DataFrame) -> np.ndarray:
    return (~np.isnan(float_column(rankings, "rank"))).astype(np.float64)


def _resolve_top_k(rankings: pd.DataFrame, top_k: int | None) -> int:
    if top_k is None:
        top_k = getattr(rankings, "top_k", None)
        if top_k is None or isinstance(top_k, pd.Series):
            top_k = rankings.attrs.get("top_k")
    if top_k is None:
        raise ValueError(_MISSING_TOP_K)
    try:
        if isinstance(top_k, bool):
            raise TypeError
        value = operator.index(top_k)
    except TypeError:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}") from None
    if value < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    return value


def RecallScore(rankings: pd.DataFrame, top_k: int | None = None) -> pd.Series:
    """Recall at ``top_k`` of every evaluated record: 1 for a hit, 0 for a miss.

    Each record has a single relevant item, so recall@k is the hit indicator:
    1 when the true item was ranked within the top ``top_k`` (``rank`` is not
    NaN), else 0. Its mean is the hit rate.

    The original Alpenglow framework had ``PrecisionScore`` and
    ``RecallScore`` swapped (its ``RecallScore`` was hit/``top_k``). This one
    follows the usual single-target definition.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results of an online run, with a ``rank`` column (float, 1-based,
        NaN when the item was not in the top ``top_k``).
    top_k : int, optional
        Accepted for symmetry with :func:`PrecisionScore` and ignored: the
        cut-off is already applied in ``rank``.

    Returns
    -------
    pandas.Series
        Float64 values (0.0 or 1.0) named ``"recall"``, on the index of
        ``rankings``.

    Raises
    ------
    ValueError
        If ``rankings`` has no ``rank`` column.

    See Also
    --------
    PrecisionScore : hit / ``top_k``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from alpenglow.evaluation import RecallScore
    >>> results = pd.DataFrame({"rank": [1.0, np.nan, 7.0]})
    >>> RecallScore(results).tolist()
    [1.0, 0.0, 1.0]
    """
    return per_row(rankings, _hits(rankings), "recall")


def PrecisionScore(rankings: pd.DataFrame, top_k: int | None = None) -> pd.Series:
    """Precision at ``top_k`` of every evaluated record: 1/``top_k`` for a hit, 0 for a miss.

    Each record has a single relevant item and the model recommends
    ``top_k`` items, so precision@k is hit/``top_k``.

    The original Alpenglow framework had ``PrecisionScore`` and
    ``RecallScore`` swapped (its ``PrecisionScore`` was the hit indicator).
    This one follows the usual single-target definition.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results of an online run, with a ``rank`` column (float, 1-based,
        NaN when the item was not in the top ``top_k``).
    top_k : int, optional
        Length of the recommendation list. Defaults to the ``top_k``
        attribute that :meth:`OnlineExperiment.run` sets on its results (or,
        failing that, ``rankings.attrs["top_k"]``).

    Returns
    -------
    pandas.Series
        Float64 values named ``"precision"``, on the index of ``rankings``.

    Raises
    ------
    ValueError
        If ``top_k`` is neither given nor carried by ``rankings``, if it is
        not a positive integer, or if ``rankings`` has no ``rank`` column.

    See Also
    --------
    RecallScore : the hit indicator.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from alpenglow.evaluation import PrecisionScore
    >>> results = pd.DataFrame({"rank": [1.0, np.nan, 7.0]})
    >>> PrecisionScore(results, top_k=10).tolist()
    [0.1, 0.0, 0.1]
    >>> results.top_k = 4
    >>> PrecisionScore(results).tolist()
    [0.25, 0.0, 0.25]
    """
    k = _resolve_top_k(rankings, top_k)
    return per_row(rankings, _hits(rankings) / k, "precision")
