"""``DataframeData``: a stream held in a DataFrame, passed to the core without copying."""

from __future__ import annotations

from typing import Any, Mapping

from .. import _core
from .._input import prepare, record_ids
from ..cpp import RecommenderData


class DataframeData(RecommenderData):
    """Stream data from a DataFrame (or polars frame, pyarrow table, dict of arrays).

    Parameters
    ----------
    df : DataFrame-like
        Columns ``user`` and ``item`` (non-negative integer ids) and optionally ``time``,
        ``score``, ``eval``, ``category``; the index gives the record ids.
    columns : dict, optional
        Canonical name -> column name. When given, only the mapped columns are read.
    """

    def __init__(self, df: Any, columns: Mapping[str, str] | None = None) -> None:
        cols = prepare(df, dict(columns or {}), recode=False)
        a = cols.arrays
        self._handle = _core.dataframe_data(time=a["time"], user=a["user"], item=a["item"], score=a["score"],
                                            eval=a["eval"], id=None if cols.index is None else record_ids(cols.index),
                                            category=a["category"])
        self._params = {}
