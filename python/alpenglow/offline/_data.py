"""Training and query input of the offline API: frames and matrices to (user, item, score)
columns, and the recoding of arbitrary hashable ids to dense codes and back."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._input import MAX_ID
from ..errors import DataError, ParameterError

_CANONICAL = ("user", "item", "score")


def _is_polars(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "polars"


def _is_pyarrow(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "pyarrow"


def _is_sparse(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "scipy" and hasattr(obj, "tocoo")


def _column(frame: Any, name: str) -> np.ndarray:
    col = frame[name]
    return col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)


def _frame_columns(X: Any, columns: Mapping[str, str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The user/item[/score] columns of a table-like input (never modified) and its names."""
    if isinstance(X, Mapping):
        X = pd.DataFrame(dict(X))
    if _is_pyarrow(X) and hasattr(X, "column_names"):
        names = list(X.column_names)
        get = lambda n: X.column(n).to_numpy()  # noqa: E731
    elif isinstance(X, pd.DataFrame) or _is_polars(X):
        names = [str(c) if not isinstance(c, str) else c for c in X.columns] if _is_polars(X) else list(X.columns)
        get = lambda n: _column(X, n)  # noqa: E731
    else:
        raise DataError(
            "expected a pandas/polars DataFrame, a pyarrow Table, a dict of arrays, a 2-d numpy array or a "
            f"scipy.sparse matrix, got {type(X).__name__}"
        )
    unknown = [k for k in columns if k not in _CANONICAL]
    if unknown:
        raise ParameterError(f"columns=: unknown key '{unknown[0]}'; the keys are user, item, score and the values "
                             "the input's column names")
    out = {}
    for c in _CANONICAL:
        wanted = columns.get(c, c)
        if wanted in names:
            out[c] = get(wanted)
        elif c != "score" or c in columns:
            raise DataError(f"missing column '{wanted}' (for {c}); the input has columns: {', '.join(map(str, names))}")
    return out, names


def _matrix_columns(X: Any) -> dict[str, np.ndarray]:
    """The non-zero entries of a user x item matrix (dense numpy or scipy.sparse), row-major."""
    if _is_sparse(X):
        coo = X.tocoo()
        order = np.lexsort((coo.col, coo.row))
        row, col, val = coo.row[order], coo.col[order], np.asarray(coo.data, dtype=np.float64)[order]
        keep = val != 0
        return {"user": row[keep].astype(np.int64), "item": col[keep].astype(np.int64), "score": val[keep]}
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise DataError(f"a numpy input must be a 2-d user x item matrix, got {arr.ndim} dimension(s)")
    if arr.dtype.kind not in "iufb":
        raise DataError(f"a numpy user x item matrix must be numeric, got dtype {arr.dtype}")
    vals = arr.astype(np.float64, copy=False)
    nan = np.isnan(vals)
    if nan.any():
        r, c = np.argwhere(nan)[0]
        raise DataError(f"the matrix has a NaN score at row {r}, column {c}")
    row, col = np.nonzero(vals)
    return {"user": row.astype(np.int64), "item": col.astype(np.int64), "score": vals[row, col]}


def training_columns(X: Any, y: Any, columns: Mapping[str, str]) -> dict[str, np.ndarray]:
    """user, item and score columns of the training input (score 1.0 where none is given)."""
    if not isinstance(columns, Mapping):
        raise ParameterError(f"columns= must be a dict, got {type(columns).__name__}")
    if isinstance(X, np.ndarray) or _is_sparse(X):
        if columns:
            raise ParameterError("columns= applies to tables, not to a user x item matrix")
        cols = _matrix_columns(X)
        if y is not None:
            raise DataError("y cannot be given with a user x item matrix: the matrix values are the scores")
    else:
        cols, _ = _frame_columns(X, columns)
        if y is not None:
            if "score" in cols:
                raise DataError("both y and a score column were given; pass only one of them")
            y = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
            if y.ndim != 1 or len(y) != len(cols["user"]):
                raise DataError(f"y must be 1-d with one score per row ({len(cols['user'])}), got shape {y.shape}")
            cols["score"] = y
    n = len(cols["user"])
    if n == 0:
        raise DataError("the training data is empty")
    if "score" in cols:
        s = cols["score"]
        try:
            s = np.asarray(s, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"the scores must be numbers, got dtype {np.asarray(cols['score']).dtype}") from None
        bad = ~np.isfinite(s)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(f"score, row {row}: {s[row]} is not a finite number (NaN or infinite scores are not accepted)")
        cols["score"] = np.ascontiguousarray(s)
    else:
        cols["score"] = np.ones(n, dtype=np.float64)
    return cols


def query_columns(X: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """The user and item columns of a query table (for predict)."""
    if isinstance(X, np.ndarray) or _is_sparse(X):
        raise DataError(f"{what}: expected a table with user and item columns, got {type(X).__name__}")
    cols, _ = _frame_columns(X, {})
    return cols["user"], cols["item"]


class Codes:
    """Dense codes of one id column. With ``recode`` any hashable ids are coded by first
    appearance; without it the ids are used as codes (non-negative integers)."""

    def __init__(self, values: np.ndarray, name: str, recode: bool) -> None:
        self.name = name
        self.recode = recode
        if recode:
            codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
            if (codes < 0).any():
                row = int(np.flatnonzero(codes < 0)[0])
                raise DataError(f"column '{name}', row {row}: missing id (NaN/None)")
            self.uniques = pd.Index(uniques)
            self.train = np.ascontiguousarray(codes, dtype=np.int64)
            self.known = np.arange(len(uniques), dtype=np.int64)
        else:
            self.train = _integer_ids(values, name)
            _, first = np.unique(self.train, return_index=True)
            self.known = self.train[np.sort(first)]
            self.member = np.zeros(int(self.train.max()) + 1, dtype=bool)
            self.member[self.known] = True
            self.uniques = None

    def encode(self, values: Any) -> np.ndarray:
        """Codes of ``values``; -1 for an id not seen in training."""
        values = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)
        if self.recode:
            return np.asarray(self.uniques.get_indexer(values), dtype=np.int64)
        if values.dtype.kind not in "iuf":  # e.g. an object array: non-numbers are unknown ids
            values = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
        ok = np.isfinite(values) & (values >= 0) & (values < len(self.member)) & (values == np.floor(values))
        out = np.full(len(values), -1, dtype=np.int64)
        ids = values[ok].astype(np.int64)
        out[np.flatnonzero(ok)[self.member[ids]]] = ids[self.member[ids]]
        return out

    def decode(self, codes: np.ndarray) -> Any:
        """The original ids of ``codes``."""
        if self.recode:
            return self.uniques.take(codes).to_numpy() if len(codes) else self.uniques[:0].to_numpy()
        return np.asarray(codes, dtype=np.int64)

    def originals(self) -> np.ndarray:
        """The training ids in first-appearance order."""
        return self.decode(self.known)


def _integer_ids(values: np.ndarray, name: str) -> np.ndarray:
    v = np.asarray(values)
    if v.dtype.kind == "f":
        bad = ~np.isfinite(v) | (v != np.floor(v))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(f"column '{name}', row {row}: id {v[row]} is not an integer (pass recode=True for "
                            "arbitrary ids)")
    elif v.dtype.kind not in "iu":
        raise DataError(f"column '{name}': ids must be integers with recode=False, got dtype {v.dtype}; "
                        "pass recode=True to map arbitrary ids to dense codes")
    v = v.astype(np.int64)
    bad = (v < 0) | (v > MAX_ID)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(f"column '{name}', row {row}: id {v[row]} is out of range 0..={MAX_ID} with recode=False "
                        "(pass recode=True to map arbitrary ids to dense codes)")
    return np.ascontiguousarray(v)
