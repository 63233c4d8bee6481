"""Input that used to be accepted silently wrong or reported unclearly (issue 11, items 5, 6, 7,
11, 12, 13): each is now an error naming its column and row (or field), or converted as
documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alpenglow.cpp as cpp
from alpenglow.errors import DataError, ParameterError
from alpenglow.experiments import FactorExperiment, PopularityExperiment


@pytest.fixture
def base():
    return pd.DataFrame({"time": [0, 1, 2, 3], "user": [0, 1, 0, 1], "item": [0, 1, 1, 0],
                         "rating": [1.0, 2.0, 3.0, 4.0]})


def run(data, experiment=None, **kw):
    return (experiment or PopularityExperiment(top_k=5)).run(data, verbose=False, **kw)


@pytest.mark.parametrize(("canonical", "missing"), [("time", "timestamp"), ("score", "ratingg")])
def test_mapped_column_that_does_not_exist_is_an_error(base, canonical, missing):
    # Was ignored: time became the row number, or the scores became 1.0.
    with pytest.raises(DataError, match=rf"missing column '{missing}' \(mapped to {canonical} by columns=\); "
                                        "the input has columns: time, user, item, rating"):
        run(base, columns={"user": "user", "item": "item", canonical: missing})


def test_unknown_columns_key_is_an_error(base):
    # A reversed mapping ({'timestamp': 'time'}) was ignored too.
    with pytest.raises(ParameterError, match=r"columns=: unknown key 'timestamp'; the keys are the canonical names"):
        run(base, columns={"user": "user", "item": "item", "timestamp": "time"})


def test_mapped_column_that_exists_is_used(base):
    res = run(base, columns={"user": "user", "item": "item", "time": "time", "score": "rating"})
    assert res["rating"].tolist() == [1.0, 2.0, 3.0, 4.0]  # results keep the input's names


def test_datetime_time_column_is_read_as_seconds(base):
    # Was read as nanoseconds.
    stamps = pd.to_datetime(["2024-01-01 00:00:00", "2024-01-01 00:00:01", "2024-01-01 00:01:00",
                             "2024-01-02 00:00:00"])
    res = run(base.assign(time=stamps))
    start = stamps[0].timestamp()
    assert (res["time"] - start).tolist() == [0.0, 1.0, 60.0, 86400.0]


def test_timezone_aware_time_column_is_read_as_utc_seconds(base):
    stamps = pd.to_datetime(["2024-01-01 01:00:00"] * 4).tz_localize("Europe/Budapest")
    assert run(base.assign(time=stamps))["time"].tolist() == [stamps[0].timestamp()] * 4


def test_missing_datetime_is_an_error_naming_the_row(base):
    stamps = pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"])
    with pytest.raises(DataError, match=r"column 'time', row 1: missing value \(NaT\)"):
        run(base.assign(time=stamps))


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_score_is_an_error_naming_the_row(base, value):
    # Was accepted; it turned most factor predictions into NaN.
    scores = [1.0, 1.0, value, 1.0]
    with pytest.raises(DataError, match=rf"column 'score', row 2: score {'-' if value < 0 else ''}inf is not a finite number"):
        run(base.assign(score=scores), FactorExperiment(top_k=5))


def test_infinite_score_in_a_file_names_file_and_line(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 1 1\n1 1 1 inf 1\n")
    with pytest.raises(DataError, match=rf"{path}, line 2, field 'score': score inf is not a finite number"):
        run(str(path), experimentType="online")


def test_uint64_id_above_2_63_is_reported_as_given(base):
    # Was "id -1 is negative".
    users = np.array([0, 1, 2**64 - 1, 1], dtype=np.uint64)
    with pytest.raises(DataError, match=r"column 'user', row 2: id 18446744073709551615 is too large; "
                                        r"ids must be integers in 0..=16777215"):
        run(base.assign(user=users), recode=False)


def test_duplicated_column_name_is_named(base):
    # Was numpy's "Buffer has wrong number of dimensions".
    frame = pd.concat([base, base[["item"]]], axis=1)
    with pytest.raises(DataError, match=r"column 'item' appears 2 times in the input; rename or drop the duplicates"):
        run(frame)


def test_record_field_of_the_wrong_type_is_named():
    # Was a bare TypeError that did not name the field.
    class Rec:
        def __init__(self, user, item):
            self.user, self.item = user, item

    with pytest.raises(ParameterError, match=r"^PopularityModel\.prediction\(\): argument 'rec_dat': field 'item' "
                                             r"must be an integer, got str 'seven'$"):
        cpp.PopularityModel().prediction(Rec(3, "seven"))
