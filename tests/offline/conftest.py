"""A synthetic stream with user taste clusters, split per user (last 20% held out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def clustered_stream(n_users=120, n_items=150, clusters=5, per_user=30, seed=7) -> pd.DataFrame:
    """Users of cluster c mostly pick the items of cluster c (a skewed choice among them), else
    a globally popular item; times increase along the stream."""
    rng = np.random.default_rng(seed)
    cluster_items = np.array_split(rng.permutation(n_items), clusters)
    rows = []
    for u in range(n_users):
        c = u % clusters
        own = cluster_items[c]
        w = 1.0 / np.arange(1, len(own) + 1) ** 0.7
        for _ in range(per_user):
            if rng.random() < 0.8:
                item = own[rng.choice(len(own), p=w / w.sum())]
            else:
                item = int(rng.zipf(1.5)) % n_items
            rows.append((u, int(item)))
    df = pd.DataFrame(rows, columns=["user", "item"])
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    df["time"] = np.arange(len(df))
    return df


def per_user_split(df: pd.DataFrame, test_share: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    pos = df.groupby("user").cumcount()
    size = df.groupby("user")["user"].transform("size")
    test = pos >= np.ceil(size * (1 - test_share))
    return df[~test].reset_index(drop=True), df[test].reset_index(drop=True)


@pytest.fixture(scope="session")
def split():
    return per_user_split(clustered_stream())
