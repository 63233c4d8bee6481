"""Putting loaded interactions into the canonical shape."""

from __future__ import annotations

import numpy as np
import pandas as pd

CANONICAL = ("time", "user", "item", "score")


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Order the columns as ``time, user, item, score`` and sort rows by time.

    The sort is stable, so rows with equal times keep their file order, and
    the result has a fresh RangeIndex.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has exactly the canonical columns, in any order.

    Returns
    -------
    pandas.DataFrame
        The sorted frame.
    """
    frame = frame[list(CANONICAL)]
    time = frame["time"].to_numpy()
    if len(time) > 1 and not bool(np.all(time[1:] >= time[:-1])):
        frame = frame.take(np.argsort(time, kind="stable"))
    return frame.reset_index(drop=True)
