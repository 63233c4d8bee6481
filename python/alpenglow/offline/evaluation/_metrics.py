"""Offline top-list metrics with the standard definitions (decisions.md): only the first
``top_k`` recommendations of a user count, every relevant item counts once, and the mean is
over the users of the test set."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...errors import DataError, ParameterError


def _check(test: Any, recommendations: Any, top_k: Any, what: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if isinstance(top_k, (bool, np.bool_)) or not isinstance(top_k, (int, np.integer)) or top_k <= 0:
        raise ParameterError(f"{what}: top_k must be a positive integer, got {top_k!r}")
    for name, frame, needed in (("test", test, ("user", "item")), ("recommendations", recommendations,
                                                                   ("user", "item", "rank"))):
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"{what}: {name} must be a pandas DataFrame, got {type(frame).__name__}")
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise DataError(f"{what}: {name} has no column '{missing[0]}' (it has: {', '.join(map(str, frame.columns))})")
    if "score" in test.columns:
        t = test[["user", "item", "score"]]
        if t["score"].isna().any():
            raise DataError(f"{what}: test has a NaN score at row {int(np.flatnonzero(t['score'].isna())[0])}")
    else:
        t = test[["user", "item"]].assign(score=1.0)
    # One relevance per test (user, item): the largest score of its rows.
    t = t.groupby(["user", "item"], sort=False, as_index=False)["score"].max()
    r = recommendations[["user", "item", "rank"]]
    r = r[r["rank"] <= top_k].drop_duplicates(["user", "item"])
    return t, r


def _hits(t: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:
    return r.merge(t, on=["user", "item"], how="inner")


def _mean_over_test_users(t: pd.DataFrame, per_user: pd.Series) -> float:
    users = pd.Index(t["user"].unique())
    if len(users) == 0:
        raise DataError("the test set is empty")
    return float(per_user.reindex(users, fill_value=0.0).mean())


def NdcgScore(test: pd.DataFrame, recommendations: pd.DataFrame, top_k: int = 100) -> float:
    """Mean NDCG@``top_k`` over the test users.

    For a user: ``DCG = Σ gain / log2(rank + 1)`` over the recommended items with rank <=
    ``top_k`` that are in the user's test rows (gain: the test score, 1 without a score column;
    repeated test pairs count once, with their largest score); ``IDCG`` is the same sum over the
    user's ``top_k`` highest test gains; ``NDCG = DCG / IDCG`` (0 without hits).

    Parameters
    ----------
    test : DataFrame
        ``user, item`` and optionally ``score``.
    recommendations : DataFrame
        ``user, item, rank`` (1-based), e.g. from ``OfflineModel.recommend``.
    top_k : int, default 100

    Returns
    -------
    float

    Notes
    -----
    Differences from the original: recommendations ranked below ``top_k`` do not count (the
    original truncated only the ideal list); the ideal list counts each test pair once (the
    original counted repeated test rows again); the mean is over every test user, a user
    without recommendations scoring 0 (the original averaged over users in both frames).
    """
    t, r = _check(test, recommendations, top_k, "NdcgScore")
    h = _hits(t, r)
    dcg = (h["score"] / np.log2(h["rank"].to_numpy(dtype=np.float64) + 1)).groupby(h["user"]).sum()
    ideal = t.sort_values(["user", "score"], ascending=[True, False], kind="stable")
    pos = ideal.groupby("user", sort=False).cumcount() + 1
    ideal = ideal[pos <= top_k]
    idcg = (ideal["score"] / np.log2(pos[pos <= top_k].to_numpy(dtype=np.float64) + 1)).groupby(ideal["user"]).sum()
    ndcg = (dcg / idcg.reindex(dcg.index)).fillna(0.0)
    return _mean_over_test_users(t, ndcg)


def PrecisionScore(test: pd.DataFrame, recommendations: pd.DataFrame, top_k: int = 100) -> float:
    """Mean precision@``top_k`` over the test users: per user, the number of its test items
    among its first ``top_k`` recommendations, divided by ``top_k``.

    Notes
    -----
    Differences from the original (whose precision and recall names were swapped and which
    ignored ``top_k``): the denominator is ``top_k`` (the original: the user's largest rank),
    repeated test rows count once (the original counted them again), and the mean is over the
    test users, a user without recommendations scoring 0 (the original: over the users with
    recommendations).
    """
    t, r = _check(test, recommendations, top_k, "PrecisionScore")
    hits = _hits(t, r).groupby("user").size()
    return _mean_over_test_users(t, hits / float(top_k))


def RecallScore(test: pd.DataFrame, recommendations: pd.DataFrame, top_k: int = 100) -> float:
    """Mean recall@``top_k`` over the test users: per user, the number of its test items among
    its first ``top_k`` recommendations, divided by its number of distinct test items.

    Notes
    -----
    Difference from the original: recommendations ranked below ``top_k`` do not count (the
    original ignored ``top_k``).
    """
    t, r = _check(test, recommendations, top_k, "RecallScore")
    hits = _hits(t, r).groupby("user").size()
    relevant = t.groupby("user").size()
    return _mean_over_test_users(t, hits / relevant.reindex(hits.index))
