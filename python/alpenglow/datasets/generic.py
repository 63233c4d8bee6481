"""Loader for any CSV file of interactions with a header."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import PathLike, compression, resolve
from ._frames import CANONICAL, canonical

REQUIRED = ("user", "item")


def load_csv(
    path: PathLike, columns: Mapping[str, str] | None = None, *, sep: str = ","
) -> pd.DataFrame:
    """Load interactions from a CSV file with a header.

    Parameters
    ----------
    path : str or os.PathLike
        The file; gzip-compressed files are detected by their ``.gz`` suffix
        or their content.
    columns : mapping of str to str, optional
        Canonical name → column name in the file, for the columns whose name
        differs from the canonical one, e.g. ``{"user": "uid"}`` (the same
        direction as ``OnlineExperiment.run(columns=...)``). Canonical names
        are ``time``, ``user``, ``item`` and ``score``.
    sep : str, default ","
        Field separator.

    Returns
    -------
    pandas.DataFrame
        Columns ``time``, ``user``, ``item`` and ``score``, sorted by time with
        a stable sort. ``user`` and ``item`` are int64 when the file's ids are
        integers and are kept as they are otherwise (``run`` recodes them).
        ``time`` is int64 or float64 as in the file, or ``0 .. n-1`` when the
        file has no time column. ``score`` is float64, or 1.0 when the file has
        no score column. Other columns are dropped.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If ``columns`` has a key that is not a canonical name, if the user or
        item column (or a time or score column named in ``columns``) is
        missing, if ``time`` or ``score`` is not numeric, or if a used column
        has missing values. The message names the column.

    Examples
    --------
    >>> from alpenglow.datasets import load_csv
    >>> events = load_csv("plays.csv.gz", columns={"user": "uid", "time": "ts"})  # doctest: +SKIP
    >>> list(events.columns)  # doctest: +SKIP
    ['time', 'user', 'item', 'score']
    """
    mapping = {name: name for name in CANONICAL}
    if columns is not None:
        unknown = sorted(set(columns) - set(CANONICAL))
        if unknown:
            raise ValueError(
                f"columns has unknown key(s) {unknown}; the canonical names are {list(CANONICAL)}"
            )
        mapping.update(columns)
        used = [mapping[name] for name in CANONICAL]
        if len(set(used)) < len(used):
            raise ValueError(f"columns maps two canonical names to the same file column: {mapping}")
    explicit = set(columns or ()) | set(REQUIRED)
    file = resolve(path)
    found = _header(file, sep)
    for name in CANONICAL:
        if mapping[name] not in found:
            if name in explicit:
                raise _missing_column(file, name, mapping[name], found)
            del mapping[name]
    frame = read_columns(file, mapping, sep=sep, header=found)
    n_rows = len(frame)
    if n_rows == 0:
        return _empty()
    if "time" not in frame:
        frame["time"] = np.arange(n_rows, dtype=np.int64)
    if "score" not in frame:
        frame["score"] = np.ones(n_rows, dtype=np.float64)
    for name in ("time", "score"):
        if not pd.api.types.is_numeric_dtype(frame[name].dtype) or frame[name].dtype == bool:
            raise ValueError(
                f"{file}: {name} column {mapping[name]!r} must be numeric, "
                f"got values like {frame[name].iloc[0]!r}"
            )
    frame["score"] = frame["score"].astype(np.float64, copy=False)
    for name in ("time", "user", "item"):
        if pd.api.types.is_integer_dtype(frame[name].dtype):
            frame[name] = frame[name].astype(np.int64, copy=False)
    return canonical(frame)


def read_columns(
    file: Path,
    mapping: Mapping[str, str],
    *,
    dtypes: Mapping[str, type] | None = None,
    sep: str = ",",
    header: list[str] | None = None,
) -> pd.DataFrame:
    """Read the file columns named by ``mapping`` and rename them to canonical names.

    Parameters
    ----------
    file : pathlib.Path
        An existing CSV file with a header.
    mapping : mapping of str to str
        Canonical name → file column; every file column must exist.
    dtypes : mapping of str to type, optional
        Canonical name → dtype for the columns whose type is known.
    sep : str, default ","
        Field separator.
    header : list of str, optional
        The file's column names, if already read.

    Returns
    -------
    pandas.DataFrame
        One column per key of ``mapping``, in file order.

    Raises
    ------
    ValueError
        If a column is missing, a value cannot be converted to its dtype, or a
        column has missing values.
    """
    found = _header(file, sep) if header is None else header
    for name, column in mapping.items():
        if column not in found:
            raise _missing_column(file, name, column, found)
    renamed = {column: name for name, column in mapping.items()}
    known = dtypes or {}
    file_dtypes = {column: known[name] for name, column in mapping.items() if name in known}
    try:
        frame = pd.read_csv(
            file,
            sep=sep,
            usecols=list(renamed),
            dtype=file_dtypes,
            engine="c",
            compression=compression(file),
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise ValueError(f"{file}: {exc}") from exc
    frame = frame.rename(columns=renamed)
    for name in frame.columns:
        if frame[name].isna().any():
            raise ValueError(f"{file}: column {mapping[name]!r} ({name}) has missing values")
    return frame


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {name: np.empty(0, dtype=np.float64 if name == "score" else np.int64) for name in CANONICAL}
    )


def _header(file: Path, sep: str) -> list[str]:
    try:
        head = pd.read_csv(file, sep=sep, nrows=0, engine="c", compression=compression(file))
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"{file} is empty; expected a CSV header") from exc
    return [str(name) for name in head.columns]


def _missing_column(file: Path, name: str, column: str, found: list[str]) -> ValueError:
    what = repr(column) if column == name else f"{column!r} (for {name})"
    return ValueError(f"{file} has no column {what}; columns found: {found}")
