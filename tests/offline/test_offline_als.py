"""ALS / iALS against a dense NumPy reference of each half-sweep on a small matrix."""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd
import pytest

from alpenglow.offline.models import ALSFactorModel


def factors(model) -> tuple[np.ndarray, np.ndarray]:
    """The user and item matrices of a fitted ALSFactorModel, decoded from its saved state
    (header, seed and range, then per matrix: rows, rows x d f64, seen bytes, rng state)."""
    b = model.model._handle.call("_state")
    pos = 8
    (n,) = struct.unpack_from("<I", b, pos)
    pos += 4 + n
    _, d = struct.unpack_from("<II", b, pos)
    pos += 8 + 8 + 16
    out = []
    for _ in range(2):
        (rows,) = struct.unpack_from("<I", b, pos)
        pos += 4
        m = np.frombuffer(b, dtype="<f8", count=rows * d, offset=pos).reshape(rows, d)
        pos += rows * d * 8 + rows + 8
        out.append(m.copy())
    return out[0], out[1]


def half_sweep(fixed: np.ndarray, rows: list[dict], ridge: float, implicit: bool, alpha: float) -> np.ndarray:
    d = fixed.shape[1]
    out = np.zeros((len(rows), d))
    gram = fixed.T @ fixed
    for r, obs in enumerate(rows):
        if not obs:
            continue
        if implicit:
            m = gram + ridge * np.eye(d)
            b = np.zeros(d)
            for j, v in obs.items():
                c = 1 + alpha * v
                m += (c - 1) * np.outer(fixed[j], fixed[j])
                b += c * fixed[j]
        else:
            m = ridge * np.eye(d)
            b = np.zeros(d)
            for j, v in obs.items():
                m += np.outer(fixed[j], fixed[j])
                b += v * fixed[j]
        out[r] = np.linalg.solve(m, b)
    return out


@pytest.mark.parametrize("implicit", [1, 0])
def test_als_half_sweeps_equal_the_dense_reference(implicit):
    rng = np.random.default_rng(3)
    U, I = 9, 12
    pairs = [(u, i) for u in range(U) for i in range(I) if rng.random() < 0.35] + [(0, 1), (0, 1)]
    train = pd.DataFrame(pairs, columns=["user", "item"])
    train["score"] = rng.integers(1, 6, len(train)).astype(float)
    params = dict(dimension=3, regularization_lambda=0.01, alpha=2.0, implicit=implicit)
    a = ALSFactorModel(number_of_iterations=4, **params).fit(train, recode=False)
    b = ALSFactorModel(number_of_iterations=5, **params).fit(train, recode=False)
    Xa, Ya = factors(a)
    Xb, Yb = factors(b)
    by_user = [dict() for _ in range(U)]
    by_item = [dict() for _ in range(I)]
    for u, i, s in train.itertuples(index=False):
        if implicit:  # repeated pairs: scores summed
            by_user[u][i] = by_user[u].get(i, 0.0) + s
            by_item[i][u] = by_item[i].get(u, 0.0) + s
        else:  # the last score wins
            by_user[u][i] = s
            by_item[i][u] = s
    ridge = 0.01 * sum(len(r) for r in by_user)
    X = half_sweep(Ya, by_user, ridge, bool(implicit), 2.0)
    np.testing.assert_allclose(Xb, X, rtol=1e-9, atol=1e-12)
    Y = half_sweep(Xb, by_item, ridge, bool(implicit), 2.0)
    np.testing.assert_allclose(Yb, Y, rtol=1e-9, atol=1e-12)
    grid = pd.DataFrame([(u, i) for u in range(U) for i in range(I)], columns=["user", "item"])
    np.testing.assert_allclose(b.predict(grid), (Xb @ Yb.T).ravel(), rtol=1e-12, atol=1e-15)
