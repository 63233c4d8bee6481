"""Vectorised, platform-independent sampling primitives built on ``Generator.random``."""

from __future__ import annotations

import numpy as np

MANDELBROT_OFFSET = 10.0
CHUNK = 1 << 20
MAX_BUCKET_BITS = 21


def random_permutation(n: int, rng: np.random.Generator) -> np.ndarray:
    """Return a uniformly random permutation of ``0..n-1``.

    Parameters
    ----------
    n : int
        Length of the permutation.
    rng : numpy.random.Generator
        Source of randomness; only ``rng.random`` is used.

    Returns
    -------
    numpy.ndarray
        int64 permutation.
    """
    return np.argsort(rng.random(n), kind="stable")


def zipf_ranks(n: int, exponent: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw 0-based ranks from a truncated Zipf–Mandelbrot distribution.

    Rank ``r`` (0-based) has weight ``(r + 1 + MANDELBROT_OFFSET) ** -exponent``;
    the offset flattens the head so that the top rank does not dominate.
    ``exponent = 0`` gives the uniform distribution.

    Parameters
    ----------
    n : int
        Number of ranks.
    exponent : float
        Skew, ``>= 0``.
    size : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness; only ``rng.random`` is used, ``size`` times.

    Returns
    -------
    numpy.ndarray
        int64 ranks in ``[0, n)``.
    """
    ranks = np.arange(1, n + 1, dtype=np.float64) + MANDELBROT_OFFSET
    weights = (ranks / ranks[0]) ** -exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    sampler = InverseCdf(cdf)
    out = np.empty(size, dtype=np.int64)
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        out[start:stop] = sampler(rng.random(stop - start))
    return out


class InverseCdf:
    """Map uniforms in ``[0, 1)`` to indices of a discrete distribution.

    Index ``i`` is returned for ``cdf[i-1] <= u < cdf[i]``, exactly as
    ``numpy.searchsorted(cdf, u, side="right")`` would, but faster: a table
    of ``2**k`` equal-width buckets answers every draw whose bucket lies
    within one index, and only the rest are binary-searched.

    Parameters
    ----------
    cdf : numpy.ndarray
        Non-decreasing cumulative probabilities ending in 1.0.
    """

    def __init__(self, cdf: np.ndarray) -> None:
        self.cdf = cdf
        self.buckets = 1 << max(10, min(MAX_BUCKET_BITS, (32 * len(cdf) - 1).bit_length()))
        edges = np.arange(self.buckets + 1, dtype=np.float64) / self.buckets
        low = np.searchsorted(cdf, edges[:-1], side="right")
        high = np.searchsorted(cdf, np.nextafter(edges[1:], 0.0), side="right")
        self.table = np.where(low == high, low, -1).astype(np.int64)

    def __call__(self, uniform: np.ndarray) -> np.ndarray:
        """Return the int64 index of every draw in ``uniform``.

        Parameters
        ----------
        uniform : numpy.ndarray
            float64 draws in ``[0, 1)``.

        Returns
        -------
        numpy.ndarray
            int64 indices in ``[0, len(cdf))``.
        """
        index = self.table[(uniform * self.buckets).astype(np.int64)]
        unresolved = np.flatnonzero(index < 0)
        index[unresolved] = np.searchsorted(self.cdf, uniform[unresolved], side="right")
        return index
