"""Loaders for the MovieLens rating files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._files import PathLike, compression, resolve
from ._frames import canonical
from .generic import read_columns

_DTYPES = {"user": np.int64, "item": np.int64, "score": np.float64, "time": np.int64}


def load_movielens_100k(path: PathLike) -> pd.DataFrame:
    """Load MovieLens 100K ratings (``u.data``).

    The file is tab-separated without a header: user id, item id, rating,
    Unix timestamp.

    Parameters
    ----------
    path : str or os.PathLike
        The ``u.data`` file (gzip-compressed is fine), or the ``ml-100k``
        directory that contains it.

    Returns
    -------
    pandas.DataFrame
        Columns ``time`` (int64, Unix seconds), ``user``, ``item`` (int64,
        the original ids) and ``score`` (float64 rating 1–5), sorted by time
        with a stable sort.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is not in the ``u.data`` format.

    Examples
    --------
    >>> from alpenglow.datasets import load_movielens_100k
    >>> ratings = load_movielens_100k("ml-100k/u.data")  # doctest: +SKIP
    >>> ratings.shape  # doctest: +SKIP
    (100000, 4)
    """
    file = resolve(path, ("u.data",))
    return _read_headerless(file, "\t", ["user", "item", "score", "time"], "MovieLens 100K u.data")


def load_movielens_1m(path: PathLike) -> pd.DataFrame:
    """Load MovieLens 1M (or 10M) ratings (``ratings.dat``).

    Each line is ``user::item::rating::timestamp`` with no header.

    Parameters
    ----------
    path : str or os.PathLike
        The ``ratings.dat`` file (gzip-compressed is fine), or the directory
        that contains it.

    Returns
    -------
    pandas.DataFrame
        Columns ``time`` (int64, Unix seconds), ``user``, ``item`` (int64,
        the original ids) and ``score`` (float64 rating), sorted by time with
        a stable sort.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is not in the ``ratings.dat`` format.

    Examples
    --------
    >>> from alpenglow.datasets import load_movielens_1m
    >>> ratings = load_movielens_1m("ml-1m/ratings.dat")  # doctest: +SKIP
    >>> ratings.shape  # doctest: +SKIP
    (1000209, 4)
    """
    file = resolve(path, ("ratings.dat",))
    names = ["user", "_", "item", "__", "score", "___", "time"]
    return _read_headerless(file, ":", names, "MovieLens ratings.dat")


def load_movielens_csv(path: PathLike) -> pd.DataFrame:
    """Load ratings from a recent MovieLens release (``ratings.csv``).

    This is the format of ml-latest, ml-latest-small, ml-20m, ml-25m and
    ml-32m: a CSV with the header ``userId,movieId,rating,timestamp``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``ratings.csv`` file (gzip-compressed is fine), or the directory
        that contains it.

    Returns
    -------
    pandas.DataFrame
        Columns ``time`` (int64, Unix seconds), ``user``, ``item`` (int64,
        the original ids) and ``score`` (float64, half-star ratings), sorted
        by time with a stable sort.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If one of the four columns is missing; the message lists the columns
        found.

    Examples
    --------
    >>> from alpenglow.datasets import load_movielens_csv
    >>> ratings = load_movielens_csv("ml-latest-small/ratings.csv")  # doctest: +SKIP
    >>> list(ratings.columns)  # doctest: +SKIP
    ['time', 'user', 'item', 'score']
    """
    file = resolve(path, ("ratings.csv",))
    mapping = {"time": "timestamp", "user": "userId", "item": "movieId", "score": "rating"}
    return canonical(read_columns(file, mapping, dtypes=_DTYPES))


def _read_headerless(file: Path, sep: str, names: list[str], description: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            file,
            sep=sep,
            header=None,
            names=names,
            usecols=list(_DTYPES),
            dtype=_DTYPES,
            engine="c",
            compression=compression(file),
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise ValueError(f"{file} is not a {description} file: {exc}") from exc
    return canonical(frame)
