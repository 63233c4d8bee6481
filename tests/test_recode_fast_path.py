"""The numpy recoding of integer ids gives exactly pd.factorize's first-appearance codes."""

import numpy as np
import pandas as pd
import pytest

from alpenglow._input import _dense_int_codes, _ids


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64, np.uint64])
def test_codes_match_factorize(dtype):
    rng = np.random.default_rng(7)
    info = np.iinfo(dtype)
    for n in (1, 2, 17, 1000, 5000):
        for lo, hi in ((max(info.min, -100), min(info.max, 100)), (max(info.min, 0), min(info.max, 3))):
            values = rng.integers(lo, hi, n, endpoint=True).astype(dtype)
            expected = pd.factorize(values, sort=False)[0]
            got = _dense_int_codes(values)
            assert got is not None and got.dtype == np.int64
            np.testing.assert_array_equal(got, expected)
            codes, decoder = _ids(values, "user", True)
            assert decoder is not None and codes.flags.c_contiguous
            np.testing.assert_array_equal(codes, expected)


def test_large_offsets_and_fallbacks():
    rng = np.random.default_rng(8)
    for base, dtype in ((2**40, np.int64), (2**40 + 2**31 - 5, np.uint64), (-(2**40), np.int64)):
        values = (rng.integers(0, 50, 3000) + base).astype(dtype)
        np.testing.assert_array_equal(_dense_int_codes(values), pd.factorize(values, sort=False)[0])
    assert _dense_int_codes(np.array([0, 10**12], dtype=np.int64)) is None  # sparse ids: hash table
    assert _dense_int_codes(np.array([1.0, 2.0])) is None
    assert _dense_int_codes(np.array(["a", "b"], dtype=object)) is None
    values = np.array([2**62 + 5, 2**62 + 1, 2**62 + 5], dtype=np.uint64)
    np.testing.assert_array_equal(_ids(values, "item", True)[0], [0, 1, 0])
