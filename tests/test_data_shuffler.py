"""DataShuffler: the three modes as properties, the exact seeded permutation, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpenglow.errors import ParameterError
from alpenglow.utils import DataShuffler

N = 60


@pytest.fixture
def input_file(tmp_path):
    """online_id lines ``time user item id score eval``, runs of equal times."""
    rng = np.random.default_rng(3)
    time = np.repeat(np.arange(N // 3) * 10 + 1000, 3)
    frame = pd.DataFrame({"time": time, "user": rng.integers(0, 9, N), "item": rng.integers(0, 30, N),
                          "id": np.arange(N) + 500, "score": rng.integers(1, 6, N) / 2, "eval": 1})
    path = tmp_path / "in.txt"
    frame.to_csv(path, sep=" ", header=False, index=False)
    return path, frame.drop(columns="eval")


def shuffle(input_file, tmp_path, name="out.txt", **kw):
    out = tmp_path / name
    DataShuffler(input_file=str(input_file), output_file=str(out), **kw).run()
    return pd.read_csv(out, sep=" ", header=None, names=["time", "user", "item", "id", "score"])


def reference_permutation(n, seed, minstd):
    """The documented MINSTD Fisher–Yates: for i = n-1 .. 1, swap a[i] with a[get(i+1)]."""
    order, rng = list(range(n)), minstd(seed)
    for i in range(n - 1, 0, -1):
        j = rng.get(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def test_complete_is_the_seeded_permutation(input_file, tmp_path, minstd):
    path, frame = input_file
    out = shuffle(path, tmp_path, seed=12345)
    expected = frame.iloc[reference_permutation(N, 12345, minstd)].reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert not out.id.is_monotonic_increasing
    # sorted by id it is the input: a permutation of whole records (times move with them)
    pd.testing.assert_frame_equal(out.sort_values("id").reset_index(drop=True), frame, check_dtype=False)


def test_unknown_mode_is_complete(input_file, tmp_path):
    path, _ = input_file
    assert shuffle(path, tmp_path, "a.txt", shuffle_mode="anything").equals(shuffle(path, tmp_path, "b.txt"))


def test_same_timestamp_keeps_time(input_file, tmp_path):
    path, frame = input_file
    out = shuffle(path, tmp_path, shuffle_mode="same_timestamp", seed=777)
    assert list(out.time) == list(frame.time)
    assert not out.id.equals(frame.id)
    for t, group in out.groupby("time"):
        assert sorted(group.id) == sorted(frame[frame.time == t].id)
    pd.testing.assert_frame_equal(out.sort_values("id").reset_index(drop=True), frame, check_dtype=False)


def test_complete_online_keeps_the_time_column_only(input_file, tmp_path):
    path, frame = input_file
    out = shuffle(path, tmp_path, shuffle_mode="complete_online", seed=99)
    assert list(out.time) == list(frame.time)
    rest = ["user", "item", "id", "score"]
    pd.testing.assert_frame_equal(out[rest].sort_values("id").reset_index(drop=True), frame[rest], check_dtype=False)
    pairs = set(zip(out.time, out.id))
    assert pairs != set(zip(frame.time, frame.id))


def test_seed_determinism_and_line_layout(input_file, tmp_path):
    path, _ = input_file
    shuffle(path, tmp_path, "a.txt", seed=5)
    shuffle(path, tmp_path, "b.txt", seed=5)
    shuffle(path, tmp_path, "c.txt", seed=6)
    a = (tmp_path / "a.txt").read_text()
    assert a == (tmp_path / "b.txt").read_text() != (tmp_path / "c.txt").read_text()
    first = a.splitlines()[0].split(" ")
    assert len(first) == 5 and all(x.lstrip("-").isdigit() for x in first[:4])  # int(time) user item id score


def test_fractional_times_are_truncated(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("1.9 1 2 3 1\n2.5 1 3 4 0.5\n")
    DataShuffler(input_file=str(path), output_file=str(tmp_path / "o.txt"), data_format="online_id_noeval",
                 shuffle_mode="same_timestamp").run()
    assert (tmp_path / "o.txt").read_text() == "1 1 2 3 1\n2 1 3 4 0.5\n"


def test_bad_input(tmp_path, input_file):
    path, _ = input_file
    with pytest.raises(ParameterError, match="Unused parameters: shufle_mode"):
        DataShuffler(input_file=str(path), output_file=str(tmp_path / "o"), shufle_mode="complete").run()
    with pytest.raises(ParameterError, match="output_file is required"):
        DataShuffler(input_file=str(path)).run()
    with pytest.raises(ParameterError, match="seed"):
        DataShuffler(input_file=str(path), output_file=str(tmp_path / "o"), seed=0).run()
    with pytest.raises(FileNotFoundError):
        DataShuffler(input_file=str(tmp_path / "missing"), output_file=str(tmp_path / "o")).run()
