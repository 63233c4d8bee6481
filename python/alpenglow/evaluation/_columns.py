"""Access to the columns of an online results DataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd


def float_column(rankings: pd.DataFrame, name: str) -> np.ndarray:
    """Return column ``name`` of ``rankings`` as a float64 array, NA mapped to NaN.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results of an online experiment.
    name : str
        Column to read.

    Returns
    -------
    numpy.ndarray
        The column values as float64.

    Raises
    ------
    ValueError
        If ``rankings`` has no column ``name``.
    """
    if name not in rankings.columns:
        raise ValueError(
            f"the results have no {name!r} column; columns found: {list(rankings.columns)}"
        )
    return rankings[name].to_numpy(dtype=np.float64, na_value=np.nan)


def per_row(rankings: pd.DataFrame, values: np.ndarray, name: str) -> pd.Series:
    """Wrap per-row metric ``values`` in a float64 Series on the index of ``rankings``.

    Parameters
    ----------
    rankings : pandas.DataFrame
        Results the values were computed from.
    values : numpy.ndarray
        One value per row of ``rankings``.
    name : str
        Name of the returned Series.

    Returns
    -------
    pandas.Series
        ``values`` indexed like ``rankings``.
    """
    return pd.Series(values, index=rankings.index, name=name, dtype=np.float64)
