"""File loaders: every format, gzip detection, sorting and error messages."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alpenglow.datasets import load_csv, load_movielens_1m, load_movielens_100k, load_movielens_csv

EXPECTED = pd.DataFrame(
    {
        "time": [100, 200, 200, 300],
        "user": [2, 1, 3, 1],
        "item": [20, 10, 30, 11],
        "score": [5.0, 3.0, 1.0, 4.5],
    }
)
UNSORTED_ROWS = [(1, 11, 4.5, 300), (1, 10, 3.0, 200), (2, 20, 5.0, 100), (3, 30, 1.0, 200)]


def write(path: Path, text: str, *, compress: bool = False) -> Path:
    data = text.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def u_data() -> str:
    return "".join(f"{u}\t{i}\t{int(r)}\t{t}\n" for u, i, r, t in UNSORTED_ROWS)


def ratings_dat() -> str:
    return "".join(f"{u}::{i}::{r:g}::{t}\n" for u, i, r, t in UNSORTED_ROWS)


def ratings_csv() -> str:
    rows = "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in UNSORTED_ROWS)
    return "userId,movieId,rating,timestamp\n" + rows


def expected_integer_scores() -> pd.DataFrame:
    return EXPECTED.assign(score=[5.0, 3.0, 1.0, 4.0])


def test_movielens_100k(tmp_path):
    frame = load_movielens_100k(write(tmp_path / "u.data", u_data()))
    pd.testing.assert_frame_equal(frame, expected_integer_scores())


def test_movielens_100k_gzip_by_suffix(tmp_path):
    frame = load_movielens_100k(write(tmp_path / "u.data.gz", u_data(), compress=True))
    pd.testing.assert_frame_equal(frame, expected_integer_scores())


def test_movielens_100k_gzip_by_magic_bytes(tmp_path):
    frame = load_movielens_100k(write(tmp_path / "ratings", u_data(), compress=True))
    pd.testing.assert_frame_equal(frame, expected_integer_scores())


def test_movielens_100k_from_its_directory(tmp_path):
    write(tmp_path / "u.data.gz", u_data(), compress=True)
    pd.testing.assert_frame_equal(load_movielens_100k(tmp_path), expected_integer_scores())


def test_movielens_100k_rejects_another_format(tmp_path):
    with pytest.raises(ValueError, match="MovieLens 100K"):
        load_movielens_100k(write(tmp_path / "u.data", ratings_csv()))


def test_movielens_1m(tmp_path):
    frame = load_movielens_1m(write(tmp_path / "ratings.dat", ratings_dat()))
    pd.testing.assert_frame_equal(frame, EXPECTED)


def test_movielens_1m_gzip_and_directory(tmp_path):
    write(tmp_path / "ratings.dat.gz", ratings_dat(), compress=True)
    pd.testing.assert_frame_equal(load_movielens_1m(tmp_path), EXPECTED)
    pd.testing.assert_frame_equal(load_movielens_1m(tmp_path / "ratings.dat.gz"), EXPECTED)


def test_movielens_csv(tmp_path):
    frame = load_movielens_csv(write(tmp_path / "ratings.csv", ratings_csv()))
    pd.testing.assert_frame_equal(frame, EXPECTED)


def test_movielens_csv_gzip(tmp_path):
    frame = load_movielens_csv(write(tmp_path / "ratings.csv.gz", ratings_csv(), compress=True))
    pd.testing.assert_frame_equal(frame, EXPECTED)


def test_movielens_csv_missing_column_is_named(tmp_path):
    path = write(tmp_path / "ratings.csv", "userId,movieId,timestamp\n1,2,3\n")
    with pytest.raises(ValueError) as info:
        load_movielens_csv(path)
    message = str(info.value)
    assert "'rating'" in message
    assert "['userId', 'movieId', 'timestamp']" in message


def test_csv_with_canonical_names(tmp_path):
    rows = "".join(f"{t},{u},{i},{r}\n" for u, i, r, t in UNSORTED_ROWS)
    frame = load_csv(write(tmp_path / "events.csv", "time,user,item,score\n" + rows))
    pd.testing.assert_frame_equal(frame, EXPECTED)


def test_csv_with_column_mapping_and_extra_columns(tmp_path):
    rows = "".join(f"x,{i},{u},{t},{r}\n" for u, i, r, t in UNSORTED_ROWS)
    path = write(tmp_path / "events.csv.gz", "note,item,uid,ts,score\n" + rows, compress=True)
    frame = load_csv(path, columns={"user": "uid", "time": "ts"})
    pd.testing.assert_frame_equal(frame, EXPECTED)


def test_csv_sort_is_stable(tmp_path):
    text = "time,user,item\n5,1,1\n3,2,2\n5,3,3\n3,4,4\n5,5,5\n"
    frame = load_csv(write(tmp_path / "events.csv", text))
    assert frame["time"].tolist() == [3, 3, 5, 5, 5]
    assert frame["user"].tolist() == [2, 4, 1, 3, 5]
    assert frame.index.equals(pd.RangeIndex(5))


def test_csv_defaults_for_missing_time_and_score(tmp_path):
    frame = load_csv(write(tmp_path / "events.csv", "user,item\n7,1\n8,2\n7,3\n"))
    assert frame["time"].tolist() == [0, 1, 2]
    assert frame["score"].tolist() == [1.0, 1.0, 1.0]
    assert frame.dtypes.tolist() == [np.int64, np.int64, np.int64, np.float64]


def test_csv_keeps_float_time_and_string_ids(tmp_path):
    frame = load_csv(write(tmp_path / "events.csv", "time,user,item\n1.5,anna,x\n0.5,bob,y\n"))
    assert frame["time"].tolist() == [0.5, 1.5]
    assert frame["time"].dtype == np.float64
    assert frame["user"].tolist() == ["bob", "anna"]


def test_csv_custom_separator(tmp_path):
    frame = load_csv(write(tmp_path / "events.tsv", "user\titem\tscore\n1\t2\t3\n"), sep="\t")
    assert frame.iloc[0].tolist() == [0, 1, 2, 3.0]


def test_csv_header_only_gives_empty_frame(tmp_path):
    frame = load_csv(write(tmp_path / "events.csv", "time,user,item,score\n"))
    assert frame.empty
    assert list(frame.columns) == ["time", "user", "item", "score"]
    assert frame.dtypes.tolist() == [np.int64, np.int64, np.int64, np.float64]


@pytest.mark.parametrize(
    "header, columns, missing",
    [
        ("time,item,score", None, "'user'"),
        ("time,user,score", None, "'item'"),
        ("time,user,item", {"user": "uid"}, "'uid' (for user)"),
        ("user,item", {"time": "ts"}, "'ts' (for time)"),
    ],
)
def test_csv_missing_column_is_named_with_the_columns_found(tmp_path, header, columns, missing):
    path = write(tmp_path / "events.csv", header + "\n" + ",".join("1" * len(header.split(","))))
    with pytest.raises(ValueError) as info:
        load_csv(path, columns=columns)
    message = str(info.value)
    assert f"no column {missing}" in message
    assert f"columns found: {header.split(',')}" in message


def test_csv_unknown_mapping_key(tmp_path):
    path = write(tmp_path / "events.csv", "user,item\n1,2\n")
    with pytest.raises(ValueError, match="unknown key.*'rating'"):
        load_csv(path, columns={"rating": "stars"})


def test_csv_non_numeric_score_is_named(tmp_path):
    path = write(tmp_path / "events.csv", "user,item,stars\n1,2,good\n")
    with pytest.raises(ValueError, match="score column 'stars' must be numeric"):
        load_csv(path, columns={"score": "stars"})


def test_csv_missing_values_are_named(tmp_path):
    path = write(tmp_path / "events.csv", "user,item\n1,2\n,3\n")
    with pytest.raises(ValueError, match="column 'user' .* missing values"):
        load_csv(path)


@pytest.mark.parametrize(
    "loader", [load_movielens_100k, load_movielens_1m, load_movielens_csv, load_csv]
)
def test_missing_file_names_the_path(tmp_path, loader):
    path = tmp_path / "nowhere" / "ratings.csv"
    with pytest.raises(FileNotFoundError) as info:
        loader(path)
    assert str(path) in str(info.value)


def test_directory_without_the_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="u.data"):
        load_movielens_100k(tmp_path)
