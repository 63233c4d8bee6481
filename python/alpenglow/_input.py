"""Turns user input (pandas, polars, pyarrow, dict of arrays) into checked numpy columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError

CANONICAL = ("time", "user", "item", "score", "eval", "category")
#: Largest id accepted without recoding (ids index dense arrays in the core).
MAX_ID = 2**24 - 1


@dataclass
class Columns:
    """Canonical columns as contiguous numpy arrays (None where the input has none)."""

    n: int
    arrays: dict[str, np.ndarray | None]
    #: The input's index values (None: the default 0..n-1 index).
    index: np.ndarray | None
    index_name: Any = None
    #: The input's user/item columns when recoded (results show these original values).
    originals: dict[str, np.ndarray] = field(default_factory=dict)


def _to_frame(data: Any) -> Any:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pd.DataFrame(dict(data))
    if hasattr(data, "to_pandas") and not hasattr(data, "to_numpy"):
        return data.to_pandas()
    if type(data).__module__.startswith("polars"):
        return data
    raise DataError(f"expected a pandas/polars DataFrame, a pyarrow Table or a dict of arrays, got {type(data).__name__}")


def _column(frame: Any, name: str) -> np.ndarray:
    col = frame[name]
    if isinstance(col, pd.Series) and isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_convert("UTC").dt.tz_localize(None)  # the same instants, as UTC datetime64
    return col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)


def _seconds(values: np.ndarray, name: str) -> np.ndarray:
    """datetime64 (and timedelta64) values as float seconds since the epoch (resp. zero)."""
    bad = np.isnat(values)
    if bad.any():
        raise DataError(f"column '{name}', row {_first_bad(bad)}: missing value (NaT)")
    unit = "datetime64[ns]" if values.dtype.kind == "M" else "timedelta64[ns]"
    return values.astype(unit).view(np.int64) / 1e9


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _dense_int_codes(values: np.ndarray) -> np.ndarray | None:
    """Codes by first appearance (what ``pd.factorize(values, sort=False)`` gives) of integer ids
    in a range not much larger than their number, with O(n + range) numpy passes instead of a
    hash table; None when the ids are not such integers."""
    n = len(values)
    if values.dtype.kind not in "iu" or n == 0:
        return None
    lo, hi = int(values.min()), int(values.max())
    span = hi - lo + 1
    if hi > 2**62 or lo < -(2**62) or span > 4 * n + 65536:
        return None
    small = np.int32 if n < 2**31 and span < 2**31 else np.int64  # halves the temporaries' memory
    wide = values if values.dtype.itemsize == 8 else values.astype(np.int64)
    off = (wide - wide.dtype.type(lo)).astype(small, copy=False)  # exact: 0 <= values - lo < span
    first = np.full(span, n, dtype=small)
    np.minimum.at(first, off, np.arange(n, dtype=small))  # position of each id's first record
    starts = np.zeros(n, dtype=bool)
    starts[first[first < n]] = True
    firsts = np.flatnonzero(starts)  # first records in stream order
    code = np.empty(span, dtype=np.int64)
    code[off[firsts]] = np.arange(len(firsts), dtype=np.int64)
    return code.take(off)


def _ids(values: np.ndarray, name: str, recode: bool) -> tuple[np.ndarray, Any]:
    if recode:
        dense = _dense_int_codes(values)
        if dense is not None:
            return np.ascontiguousarray(dense, dtype=np.int64), True
        codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
        if (codes < 0).any():
            raise DataError(f"column '{name}', row {_first_bad(codes < 0)}: missing value (NaN/None)")
        return np.ascontiguousarray(codes, dtype=np.int64), uniques
    if values.dtype.kind == "u" and len(values) and values.max() > np.iinfo(np.int64).max:
        row = int(np.argmax(values > np.iinfo(np.int64).max))
        raise DataError(f"column '{name}', row {row}: id {int(values[row])} is too large; ids must be integers in "
                        f"0..={MAX_ID} (pass recode=True to map arbitrary ids to dense codes)")
    if values.dtype.kind in "iu":
        return np.ascontiguousarray(values, dtype=np.int64), None
    if values.dtype.kind == "b":
        raise DataError(f"column '{name}': ids must be integers, got booleans")
    if values.dtype.kind == "f":
        bad = ~np.isfinite(values)
        if bad.any():
            raise DataError(f"column '{name}', row {_first_bad(bad)}: id {values[bad][0]} is not a finite number")
        frac = values != np.floor(values)
        if frac.any():
            raise DataError(f"column '{name}', row {_first_bad(frac)}: id {values[frac][0]} is not an integer")
        huge = np.abs(values) > 2.0**62
        if huge.any():
            raise DataError(f"column '{name}', row {_first_bad(huge)}: id {values[huge][0]} is too large")
        return values.astype(np.int64), None
    raise DataError(
        f"column '{name}': ids must be integers with recode=False, got dtype {values.dtype}; pass recode=True "
        "to map arbitrary ids to dense codes"
    )


def _numbers(values: np.ndarray, name: str) -> np.ndarray:
    if values.dtype.kind in "mM":
        values = _seconds(values, name)
    if values.dtype.kind not in "iufb":
        try:
            values = values.astype(np.float64)
        except (TypeError, ValueError):
            raise DataError(f"column '{name}': expected numbers, got dtype {values.dtype}") from None
    out = np.ascontiguousarray(values, dtype=np.float64)
    bad = np.isnan(out)
    if bad.any():
        raise DataError(f"column '{name}', row {_first_bad(bad)}: missing value (NaN)")
    return out


def _freeze_own(arrays: dict[str, np.ndarray | None]) -> None:
    """Marks the arrays made here (converted copies that own their memory) read-only, so that the
    core can borrow them without copying; views of the caller's data stay as they are (the core
    copies those, since the caller could write them during a run)."""
    for a in arrays.values():
        if a is not None and a.base is None:
            a.flags.writeable = False


def prepare(data: Any, columns: Mapping[str, str], recode: bool) -> Columns:
    """Checked canonical columns; ``columns`` maps canonical name -> input column name."""
    unknown = [k for k in columns if k not in CANONICAL]
    if unknown:
        raise ParameterError(f"columns=: unknown key '{unknown[0]}'; the keys are the canonical names "
                             f"({', '.join(CANONICAL)}) and the values the input's column names")
    frame = _to_frame(data)
    names = list(frame.columns)
    source = {c: columns.get(c, c) for c in CANONICAL}
    if columns:
        source = {c: columns[c] for c in CANONICAL if c in columns}
    for required in ("user", "item"):
        if required not in source or source[required] not in names:
            wanted = source.get(required, required)
            raise DataError(f"missing column '{wanted}' (for {required}); the input has columns: {', '.join(map(str, names))}")
    for canonical, wanted in source.items():
        if canonical in columns and wanted not in names:  # Fix: a mapped column that is missing was ignored
            raise DataError(f"missing column '{wanted}' (mapped to {canonical} by columns=); the input has columns: "
                            f"{', '.join(map(str, names))}")
        if wanted in names and names.count(wanted) > 1:
            raise DataError(f"column '{wanted}' appears {names.count(wanted)} times in the input; rename or drop "
                            "the duplicates")
    n = len(frame)
    if n == 0:
        raise DataError("the input stream is empty")
    arrays: dict[str, np.ndarray | None] = {}
    originals: dict[str, np.ndarray] = {}
    for c in ("user", "item"):
        values = _column(frame, source[c])
        arrays[c], decoder = _ids(values, c, recode)
        if decoder is not None:
            originals[c] = values
    present = {c: source[c] for c in ("time", "score", "eval", "category") if c in source and source[c] in names}
    arrays["time"] = _numbers(_column(frame, present["time"]), "time") if "time" in present else None
    arrays["score"] = _numbers(_column(frame, present["score"]), "score") if "score" in present else None
    for c in ("eval", "category"):
        if c in present:
            raw = _column(frame, present[c])
            if raw.dtype.kind == "f" and np.isnan(raw).any():
                raise DataError(f"column '{c}', row {_first_bad(np.isnan(raw))}: missing value (NaN)")
            try:
                arrays[c] = np.ascontiguousarray(raw, dtype=np.int64)
            except (TypeError, ValueError):
                raise DataError(f"column '{c}': expected integers or booleans, got dtype {raw.dtype}") from None
        else:
            arrays[c] = None
    _freeze_own(arrays)
    if isinstance(frame, pd.DataFrame) and not isinstance(frame.index, pd.RangeIndex):
        index = frame.index.to_numpy()
    elif isinstance(frame, pd.DataFrame) and (frame.index.start, frame.index.step) != (0, 1):
        index = frame.index.to_numpy()
    else:
        index = None
    index_name = frame.index.name if isinstance(frame, pd.DataFrame) else None
    return Columns(n=n, arrays=arrays, index=index, index_name=index_name, originals=originals)


def record_ids(index: np.ndarray) -> np.ndarray | None:
    """The record id column handed to the core: the index if integral, else the row number
    (``None``: the core uses the row number without materialising it)."""
    if index.dtype.kind in "iu":
        if len(index) and index[0] == 0 and index[-1] == len(index) - 1 and (np.diff(index) == 1).all():
            return None
        return np.ascontiguousarray(index, dtype=np.int64)
    return None
