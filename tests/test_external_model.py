"""ExternalModelExperiment: the write/read file protocol of the original's test, exact ranks
from crafted prediction files, errors naming paths, and determinism."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alpenglow.cpp as cpp
from alpenglow.errors import DataError, ParameterError
from alpenglow.experiments import ExternalModelExperiment

N, PERIOD = 1000, 200
SPECIAL = (3, 94)  # the (user, item) of the crafted prediction
SPECIAL_AT = (100, 250, 500)  # records with that pair: periods 1, 2 and 3


def stream() -> pd.DataFrame:
    """A deterministic stream: 1000 records, users 0..49, items 0..119, distinct times; the
    pair (3, 94) occurs exactly at the records of SPECIAL_AT."""
    rng = np.random.RandomState(7)
    user = rng.randint(0, 50, N)
    item = rng.randint(0, 120, N)
    for k in range(N):
        if (user[k], item[k]) == SPECIAL:
            item[k] = 95
    for k in SPECIAL_AT:
        user[k], item[k] = SPECIAL
    return pd.DataFrame({"time": np.arange(N) * 10, "user": user, "item": item, "score": 1.0})


def run(mode: str, folder: Path, **extra) -> pd.DataFrame:
    key = "out_name_base" if mode == "write" else "in_name_base"
    exp = ExternalModelExperiment(mode=mode, period_length=PERIOD, period_mode="samplenum",
                                  **{key: str(folder / "batch")}, **extra)
    return exp.run(stream(), verbose=False, initialize_all=True, recode=False)


def test_write_mode_follows_the_original_protocol(tmp_path):
    res = run("write", tmp_path)
    assert len(res) == N and res["rank"].isna().all() and (res["prediction"] == 0).all()
    names = sorted(os.listdir(tmp_path))
    assert names == sorted([f"batch_{i}_test.dat" for i in range(5)] + [f"batch_{i}_train.dat" for i in range(1, 6)])
    train = {i: pd.read_csv(tmp_path / f"batch_{i}_train.dat") for i in range(1, 6)}
    train[0] = pd.DataFrame({"id": pd.Series([], dtype=int), "user": pd.Series([], dtype=int)})
    data = stream()
    for i in range(5):
        test = pd.read_csv(tmp_path / f"batch_{i}_test.dat")
        assert list(test.columns) == ["user"]
        assert list(test["user"]) == sorted(set(test["user"])), "ascending, each user once"
        new = train[i + 1][~train[i + 1]["id"].isin(train[i]["id"])]
        assert set(test["user"]) == set(new["user"])
    for i in range(1, 6):
        t = train[i]
        assert list(t.columns) == ["time", "user", "item", "id", "score", "category"]
        assert len(t) == PERIOD * i
        # The whole past, oldest first, exactly as served.
        assert list(t["id"]) == list(range(PERIOD * i))
        assert (t["time"].to_numpy() == data["time"].to_numpy()[:PERIOD * i]).all()
        assert (t["user"].to_numpy() == data["user"].to_numpy()[:PERIOD * i]).all()
        assert (t["item"].to_numpy() == data["item"].to_numpy()[:PERIOD * i]).all()


def write_predictions(folder: Path, lists: dict[int, str]) -> None:
    for n in range(1, 6):
        (folder / f"batch_{n}_predictions.dat").write_text(lists.get(n, ""))


def test_read_mode_ranks_by_position_in_the_crafted_list(tmp_path):
    write_predictions(tmp_path, {1: "3 94 9\n"})
    res = run("read", tmp_path)
    ranked = res[res["rank"].notna()]
    assert list(ranked.index) == [250], "only period 2 uses batch 1's predictions"
    assert ranked["rank"].iloc[0] == 1
    assert (res["prediction"] == 0).all()


def test_read_mode_position_order_top_k_and_known_items(tmp_path):
    # Batch 2 serves period 3 (record 500): the list of user 3 is 7, 8, 94 by position.
    write_predictions(tmp_path, {1: "3 94 9\n", 2: "3 7 1\n3 94 4\n3 8 2\n0 94 0\n"})
    res = run("read", tmp_path, top_k=10)
    ranks = res["rank"].dropna()
    assert ranks.to_dict() == {250: 1.0, 500: 3.0}
    # exclude_known is not applied to external lists: (3, 94) is known at 250 and 500.
    res_known = ExternalModelExperiment(mode="read", in_name_base=str(tmp_path / "batch"), period_length=PERIOD,
                                        period_mode="samplenum", top_k=10).run(
        stream(), verbose=False, initialize_all=True, recode=False, exclude_known=True)
    assert res_known["rank"].dropna().to_dict() == {250: 1.0, 500: 3.0}
    # The reference ranking uses a top-list model's list too.
    assert run("read", tmp_path, top_k=10, reference_ranking=True)["rank"].dropna().to_dict() == {250: 1.0, 500: 3.0}
    res_short = run("read", tmp_path, top_k=2)
    assert res_short["rank"].dropna().to_dict() == {250: 1.0}, "position 3 is outside a top 2"


def test_a_missing_predictions_file_is_an_error_naming_it(tmp_path):
    (tmp_path / "batch_1_predictions.dat").write_text("3 94 9\n")
    with pytest.raises(OSError) as e:
        run("read", tmp_path)
    assert str(tmp_path / "batch_2_predictions.dat") in str(e.value)


def test_a_malformed_predictions_file_names_file_and_line(tmp_path):
    write_predictions(tmp_path, {1: "3 94 9\n3 95\n"})
    with pytest.raises(DataError) as e:
        run("read", tmp_path)
    assert f"{tmp_path / 'batch_1_predictions.dat'}, line 2" in str(e.value)


def test_an_unwritable_output_directory_fails_before_the_run(tmp_path):
    missing = tmp_path / "no_such_dir"
    exp = ExternalModelExperiment(out_name_base=str(missing / "batch"), period_length=PERIOD,
                                  period_mode="samplenum")
    with pytest.raises(OSError) as e:
        exp.run(stream(), verbose=False, initialize_all=True, recode=False)
    assert str(missing) in str(e.value) and "out_name_base" in str(e.value)
    assert len(e.value.results) == 0, "nothing was evaluated"
    assert not missing.exists()


def test_bad_parameters_name_the_parameter(tmp_path):
    with pytest.raises(ParameterError, match="'mode'"):
        ExternalModelExperiment(mode="both").run(stream(), verbose=False)
    with pytest.raises(ParameterError, match="'in_name_base'"):
        ExternalModelExperiment(mode="read").run(stream(), verbose=False)
    with pytest.raises(ParameterError, match="mode"):
        cpp.ExternalModel(mode="writes")


def test_results_and_files_are_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    res_a, res_b = run("write", a), run("write", b)
    pd.testing.assert_frame_equal(res_a, res_b)
    for name in sorted(os.listdir(a)):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    write_predictions(a, {1: "3 94 9\n", 3: "1 2 0\n1 3 1\n"})
    first, second = run("read", a), run("read", a)
    pd.testing.assert_frame_equal(first, second)


def test_model_methods_from_python(tmp_path):
    model = cpp.ExternalModel(mode="read")
    path = tmp_path / "p.dat"
    path.write_text("5 1 2\n5 2 1\n")
    model.read_predictions(path)
    users = tmp_path / "users.dat"
    model.write_requested_users(str(users))
    assert users.read_text() == "user\n"
    path.write_text("5 1\n")
    with pytest.raises(DataError, match=f"{path}, line 1"):
        model.read_predictions(str(path))
    assert math.isclose(model.prediction(type("R", (), {"user": 5, "item": 1})()), 0.0)
