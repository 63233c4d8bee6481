"""Position-sensitive online metrics: DCG and reciprocal rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._columns import float_column, per_row


def DcgScore(rankings: pd.DataFrame) -> pd.Series:
    """Discounted cumulative gain of every evaluated record.

    The value is ``1 / log2(rank + 1)`` for a hit, with the 1-based rank of the
    true item, and 0 for a miss (``rank`` is NaN). With one relevant item per
    record the ideal DCG is 1, so this is also the NDCG.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results of an online run, with a ``rank`` column (float, 1-based,
        NaN when the item was not in the top ``top_k``).

    Returns
    -------
    pandas.Series
        Float64 values named ``"dcg"``, on the index of ``rankings``.

    Raises
    ------
    ValueError
        If ``rankings`` has no ``rank`` column.

    See Also
    --------
    RrScore : reciprocal rank.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from alpenglow.evaluation import DcgScore
    >>> results = pd.DataFrame({"rank": [1.0, 3.0, np.nan]})
    >>> DcgScore(results).tolist()
    [1.0, 0.5, 0.0]
    """
    rank = float_column(rankings, "rank")
    with np.errstate(divide="ignore", invalid="ignore"):
        dcg = 1.0 / np.log2(rank + 1.0)
    return per_row(rankings, np.where(np.isnan(rank), 0.0, dcg), "dcg")


def RrScore(rankings: pd.DataFrame) -> pd.Series:
    """Reciprocal rank of every evaluated record.

    The value is ``1 / rank`` for a hit, with the 1-based rank of the true
    item, and 0 for a miss (``rank`` is NaN). Its mean is the MRR.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results of an online run, with a ``rank`` column (float, 1-based,
        NaN when the item was not in the top ``top_k``).

    Returns
    -------
    pandas.Series
        Float64 values named ``"rr"``, on the index of ``rankings``.

    Raises
    ------
    ValueError
        If ``rankings`` has no ``rank`` column.

    See Also
    --------
    DcgScore : logarithmically discounted gain.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from alpenglow.evaluation import RrScore
    >>> results = pd.DataFrame({"rank": [1.0, 4.0, np.nan]})
    >>> RrScore(results).tolist()
    [1.0, 0.25, 0.0]
    """
    rank = float_column(rankings, "rank")
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = 1.0 / rank
    return per_row(rankings, np.where(np.isnan(rank), 0.0, rr), "rr")
