"""Interaction data: a seeded synthetic stream and loaders for common files.

Every function returns a pandas DataFrame with the columns ``time``, ``user``,
``item`` and ``score``, sorted by time, ready for ``OnlineExperiment.run``.
"""

from .generic import load_csv
from .movielens import load_movielens_1m, load_movielens_100k, load_movielens_csv
from .synthetic import sample_stream, synthetic_stream

__all__ = [
    "load_csv",
    "load_movielens_100k",
    "load_movielens_1m",
    "load_movielens_csv",
    "sample_stream",
    "synthetic_stream",
]
