"""The extension boundary (issue 11, items 4 and 14): no panic reaches Python, indices are
checked rather than clamped, and a run never reads memory that Python code can write."""

from __future__ import annotations

import numpy as np
import pytest

import alpenglow._core as core
from alpenglow.errors import DataError, InternalError


def data(n=3):
    return core.dataframe_data(user=np.arange(n, dtype=np.int64), item=np.arange(n, dtype=np.int64),
                               time=np.arange(n, dtype=np.float64))


def test_a_panic_becomes_an_internal_error_naming_the_entry_point():
    with pytest.raises(InternalError, match=r"alpenglow\._core\._test_panic .*: boom"):
        core._test_panic("boom")
    assert isinstance(InternalError("x"), RuntimeError)
    core._test_panic.__doc__  # the module is still usable


def test_gather_columns_on_empty_data_is_a_data_error():
    # Was a PanicException (index out of bounds in data/columns.rs).
    empty = core.dataframe_data(user=np.zeros(0, np.int64), item=np.zeros(0, np.int64))
    with pytest.raises(DataError, match=r"record index 0 \(position 0\) is out of range: the stream has 0 records"):
        core.gather_columns(empty, np.array([0], dtype=np.int64))


@pytest.mark.parametrize("bad", [-1, 3, 2**40])
def test_gather_columns_checks_bounds_instead_of_clamping(bad):
    # Was clamped: index 3 silently returned record 2.
    with pytest.raises(DataError, match=rf"record index {bad} \(position 1\) is out of range: the stream has 3 records"):
        core.gather_columns(data(), np.array([0, bad], dtype=np.int64))
    got = core.gather_columns(data(), np.array([2, 0], dtype=np.int64))
    assert got["user"].tolist() == [2, 0]


def test_writeable_input_is_not_shared_with_the_run():
    # Was a data race: the core borrowed a writeable buffer that Python could write during a run.
    users = np.array([0, 1, 2], dtype=np.int64)
    times = np.array([0.0, 1.0, 2.0])
    handle = core.dataframe_data(user=users, item=users.copy(), time=times)
    users[:] = 7
    times[:] = 9.0
    got = core.gather_columns(handle, np.array([0, 1, 2], dtype=np.int64))
    assert got["user"].tolist() == [0, 1, 2] and got["time"].tolist() == [0.0, 1.0, 2.0]


def test_read_only_view_of_writeable_memory_is_not_shared():
    base = np.array([0, 1, 2], dtype=np.int64)
    view = base[:]
    view.flags.writeable = False
    handle = core.dataframe_data(user=view, item=view)
    base[:] = 5
    assert core.gather_columns(handle, np.array([1], dtype=np.int64))["item"].tolist() == [1]


def test_unaligned_column_is_read_correctly():
    raw = b"\0" + np.array([0.5, 1.5, 2.5]).tobytes()
    unaligned = np.frombuffer(raw, dtype=np.float64, offset=1)
    assert unaligned.ctypes.data % 8 != 0
    handle = core.dataframe_data(user=np.arange(3, dtype=np.int64), item=np.arange(3, dtype=np.int64),
                                 score=unaligned)
    assert core.gather_columns(handle, np.arange(3, dtype=np.int64))["score"].tolist() == [0.5, 1.5, 2.5]


def test_immutable_arrays_are_borrowed_and_stay_read_only():
    owned = np.arange(3, dtype=np.int64)
    owned.flags.writeable = False
    core.dataframe_data(user=owned, item=owned)
    assert not owned.flags.writeable
