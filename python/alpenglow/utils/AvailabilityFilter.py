"""``AvailabilityFilter``: items available in time intervals, built from a DataFrame."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import cpp

_COLUMNS = ("time", "item", "duration")


class AvailabilityFilter(cpp.AvailabilityFilter):  # type: ignore[misc,name-defined]
    """A whitelist filter of the items available at the evaluated record's time.

    Built from a DataFrame with ``time``, ``item`` and ``duration`` columns: item ``item`` is
    available from ``time`` (inclusive) to ``time + duration`` (exclusive); an event at
    exactly the end time no longer sees it. Wrap a model with it through
    :class:`alpenglow.cpp.WhitelistFilter2ModelAdapter` (``set_model``,
    ``set_whitelist_filter``); the filtered model scores unavailable items 0, so they are
    never ranked. The item ids are not recoded by ``run(..., recode=True)``: give the ids the
    experiment sees.

    Fixes against the original: an interval that ended before the query time is not
    available (the original kept it until the next time change), and "now" is the evaluated
    record's time (the original used the environment's, the previous record's, time).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per availability interval, columns ``time``, ``item`` and ``duration``.
    """

    def __init__(self, df: Any) -> None:
        super().__init__()
        missing = [c for c in _COLUMNS if c not in getattr(df, "columns", ())]
        if missing:
            raise ValueError(f"AvailabilityFilter: nonexistent column {missing[0]} (the frame needs time, item, duration)")
        rows = []
        for name in _COLUMNS:
            column = np.asarray(df[name])
            if column.dtype.kind not in "iuf":
                raise ValueError(f"AvailabilityFilter: column {name} must be numeric, got dtype {column.dtype}")
            if name == "item" and column.dtype.kind == "f" and len(column) and not np.all(np.mod(column, 1) == 0):
                raise ValueError("AvailabilityFilter: column item must hold integer ids")
            rows.append(column)
        self._rows = [(float(t), int(i), float(d)) for t, i, d in zip(*rows)]
        for k, (t, i, d) in enumerate(self._rows):
            try:
                self.add_availability(t, i, d)
            except Exception as e:
                raise type(e)(f"AvailabilityFilter: row {k}: {e}") from None

    def __reduce__(self) -> tuple:
        import pandas as pd

        frame = pd.DataFrame(self._rows, columns=list(_COLUMNS))
        return (AvailabilityFilter, (frame,))
