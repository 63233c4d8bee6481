"""Rating-prediction online metric: squared error."""

from __future__ import annotations

import pandas as pd

from ._columns import float_column, per_row


def MseScore(rankings: pd.DataFrame) -> pd.Series:
    """Squared error of the model's prediction for every evaluated record.

    The value is ``(prediction - score) ** 2``, whatever the rank; its mean is
    the MSE. It is the only online metric that reads ``prediction`` and
    ``score``.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results of an online run, with ``prediction`` (the model's score for
        the true pair at evaluation time) and ``score`` (the observed value)
        columns.

    Returns
    -------
    pandas.Series
        Float64 values named ``"mse"``, on the index of ``rankings``.

    Raises
    ------
    ValueError
        If ``rankings`` has no ``prediction`` or no ``score`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from alpenglow.evaluation import MseScore
    >>> results = pd.DataFrame({"prediction": [0.5, 3.0], "score": [1.0, 5.0]})
    >>> MseScore(results).tolist()
    [0.25, 4.0]
    """
    error = float_column(rankings, "prediction") - float_column(rankings, "score")
    return per_row(rankings, error * error, "mse")
