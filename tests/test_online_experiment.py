"""OnlineExperiment.run options: inputs, column names, recoding, index, outputs and top lists."""

from __future__ import annotations

import gzip
import math
import threading

import numpy as np
import pandas as pd
import pytest

import alpenglow
from alpenglow import OnlineExperiment
from alpenglow.experiments import (
    PersonalPopularityExperiment,
    PopularityExperiment,
    PopularityTimeframeExperiment,
    TransitionProbabilityExperiment,
)

NAN = float("nan")
ln = math.log

# The popularity stream of test_streams_exact.py (hand-computed there).
USERS = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]
ITEMS = [0, 1, 0, 1, 2, 2, 1, 0, 2, 0, 1, 3]
RANKS = [NAN, NAN, 1, 2, NAN, 3, 1, 2, 3, 2, 2, NAN]
COLUMNS = ["time", "score", "user", "item", "prediction", "rank"]


def quiet(experiment, data, **kw):
    kw.setdefault("shuffle_same_time", False)
    return experiment.run(data, verbose=False, **kw)


@pytest.fixture
def df(stream):
    return stream(USERS, ITEMS, times=np.arange(12) * 10)


# --------------------------------------------------------------------------------------------
# Result frame
# --------------------------------------------------------------------------------------------
def test_result_schema(df, assert_ranks):
    res = quiet(PopularityExperiment(top_k=7), df)
    assert list(res.columns) == COLUMNS
    assert res.index.name == "id"
    for c in ("time", "score", "prediction", "rank"):
        assert res[c].dtype == np.float64, c
    assert res["time"].tolist() == [float(t) for t in range(0, 120, 10)]
    assert res["score"].tolist() == [1.0] * 12
    assert res.top_k == 7  # plain attribute, read by the metrics
    assert_ranks(res["rank"], RANKS)
    ranked = res["rank"].dropna()
    assert ((ranked >= 1) & (ranked <= 7) & (ranked == ranked.round())).all()


def test_result_works_with_metrics(df):
    from alpenglow.evaluation import DcgScore, RecallScore

    res = quiet(PopularityExperiment(top_k=5), df)
    assert RecallScore(res).notna().all()  # top_k comes from the results attribute
    assert DcgScore(res).iloc[2] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "index",
    [
        pd.Index(range(100, 112)),
        pd.Index([f"r{k}" for k in range(12)]),
        pd.Index([k + 0.5 for k in range(12)]),
        pd.Index([5] * 12),  # duplicates are kept as they are
    ],
    ids=["int", "str", "float", "duplicate"],
)
def test_result_index_is_input_index(df, index, assert_ranks):
    res = quiet(PopularityExperiment(top_k=10), df.set_axis(index))
    assert res.index.tolist() == index.tolist()
    assert_ranks(res["rank"], RANKS)


def test_rerun_same_object_is_reproducible(df):
    exp = PopularityExperiment(top_k=10)
    a = quiet(exp, df)
    b = quiet(exp, df)
    pd.testing.assert_frame_equal(a, b)
    assert exp.results is b


def test_verbose_run_same_results(df, capsys):
    a = PopularityExperiment(top_k=10).run(df, shuffle_same_time=False)
    capsys.readouterr()
    b = quiet(PopularityExperiment(top_k=10), df)
    pd.testing.assert_frame_equal(a, b)


def test_negative_times_are_not_evaluated_by_default(stream):
    data = stream([0, 1, 2, 0, 1], [0, 0, 1, 1, 0], times=[-3, -2, -1, 0, 1])
    res = quiet(PopularityExperiment(top_k=10), data)
    assert res.index.tolist() == [3, 4]  # evaluation_start_time defaults to 0
    res = quiet(PopularityExperiment(top_k=10), data, evaluation_start_time=-100)
    assert res.index.tolist() == [0, 1, 2, 3, 4]


# --------------------------------------------------------------------------------------------
# Recoding and column names
# --------------------------------------------------------------------------------------------
def test_recode_string_ids_same_ranks_and_decoded(df, assert_ranks):
    base = quiet(PopularityExperiment(top_k=10), df)
    named = df.assign(user=[f"user-{u}" for u in USERS], item=[f"item-{i}" for i in ITEMS])
    res = quiet(PopularityExperiment(top_k=10), named)
    assert_ranks(res["rank"], base["rank"])
    np.testing.assert_array_equal(res["prediction"], base["prediction"])
    assert res["user"].tolist() == named["user"].tolist()
    assert res["item"].tolist() == named["item"].tolist()


def test_recode_non_contiguous_int_ids(df, assert_ranks):
    base = quiet(PopularityExperiment(top_k=10), df)
    sparse = df.assign(user=[u * 1000 + 7 for u in USERS], item=[10**9 + 3 * i for i in ITEMS])
    res = quiet(PopularityExperiment(top_k=10), sparse)
    assert_ranks(res["rank"], base["rank"])
    assert res["user"].tolist() == sparse["user"].tolist()
    assert res["item"].tolist() == sparse["item"].tolist()


def test_recode_false_with_dense_ids_matches_recode(df):
    a = quiet(PopularityExperiment(top_k=10), df, recode=False)
    b = quiet(PopularityExperiment(top_k=10), df, recode=True)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("experiment", [
    PopularityExperiment(top_k=10), PersonalPopularityExperiment(top_k=10),
    TransitionProbabilityExperiment(top_k=10), PopularityTimeframeExperiment(top_k=10, tau=25),
], ids=lambda e: type(e).__name__)
def test_recode_invariance_all_experiments(df, experiment, assert_ranks):
    # Internal codes differ from raw ids (first appearance order is reversed), ranks must not.
    raw = df.assign(item=[50 - i for i in ITEMS], user=[9 - u for u in USERS])
    a = quiet(experiment, df)
    b = quiet(experiment, raw, recode=False)
    c = quiet(experiment, raw, recode=True)
    assert_ranks(b["rank"], a["rank"])
    assert_ranks(c["rank"], a["rank"])
    np.testing.assert_array_equal(b["prediction"], a["prediction"])


def test_columns_mapping_renames_back(df, assert_ranks):
    renamed = df.rename(columns={"user": "uid", "item": "iid", "time": "t"}).assign(s=2.0)
    res = quiet(PopularityExperiment(top_k=10), renamed,
                columns={"user": "uid", "item": "iid", "time": "t", "score": "s"})
    assert list(res.columns) == ["t", "s", "uid", "iid", "prediction", "rank"]
    assert res["uid"].tolist() == USERS and res["iid"].tolist() == ITEMS
    assert res["t"].tolist() == df["time"].astype(float).tolist()
    assert res["s"].tolist() == [2.0] * 12
    assert_ranks(res["rank"], RANKS)


def test_columns_mapping_reads_only_mapped_columns(df):
    # Documented: with a columns map, unmapped canonical columns fall back to their defaults.
    data = df.rename(columns={"user": "uid"}).assign(eval=[0] * 12, score=5.0)
    res = quiet(PopularityExperiment(top_k=10), data, columns={"user": "uid", "item": "item"})
    assert len(res) == 12  # the eval column was not read
    assert res["time"].tolist() == [float(k) for k in range(12)]  # time defaults to the row number
    assert res["score"].tolist() == [1.0] * 12


def test_network_mode(df, assert_ranks):
    net = df.rename(columns={"user": "source", "item": "target"})
    res = quiet(PopularityExperiment(top_k=10, network_mode=True), net)
    assert list(res.columns) == ["time", "score", "source", "target", "prediction", "rank"]
    assert_ranks(res["rank"], RANKS)


def test_dict_of_arrays_input(df):
    data = {c: df[c].to_numpy() for c in ("time", "user", "item")}
    a = quiet(PopularityExperiment(top_k=10), data)
    b = quiet(PopularityExperiment(top_k=10), df)
    pd.testing.assert_frame_equal(a, b)


def test_polars_input(df):
    pl = pytest.importorskip("polars")
    a = quiet(PopularityExperiment(top_k=10), pl.from_pandas(df))
    b = quiet(PopularityExperiment(top_k=10), df)
    np.testing.assert_array_equal(a["rank"].to_numpy(), b["rank"].to_numpy())
    assert a["item"].tolist() == b["item"].tolist()


def test_pyarrow_input(df):
    pa = pytest.importorskip("pyarrow")
    a = quiet(PopularityExperiment(top_k=10), pa.Table.from_pandas(df, preserve_index=False))
    b = quiet(PopularityExperiment(top_k=10), df)
    np.testing.assert_array_equal(a["rank"].to_numpy(), b["rank"].to_numpy())


# --------------------------------------------------------------------------------------------
# Time limits
# --------------------------------------------------------------------------------------------
def test_experiment_termination_time_dataframe(df, assert_ranks):
    res = quiet(PopularityExperiment(top_k=10), df, experiment_termination_time=55)
    assert res.index.tolist() == [0, 1, 2, 3, 4, 5]  # stops at the first time >= 55
    assert_ranks(res["rank"], RANKS[:6])
    res = quiet(PopularityExperiment(top_k=10), df, experiment_termination_time=50)
    assert res.index.tolist() == [0, 1, 2, 3, 4]
    res = quiet(PopularityExperiment(top_k=10), df, experiment_termination_time=0)  # 0 = no limit
    assert len(res) == 12


def test_evaluation_start_time_still_trains(df, assert_ranks):
    res = quiet(PopularityExperiment(top_k=10), df, evaluation_start_time=30)
    assert res.index.tolist() == list(range(3, 12))
    # Rec 3 sees the counts of recs 0-2 (i0=2, i1=1) -> rank 2 without any draw.
    assert res["rank"].iloc[0] == 2.0
    assert res["prediction"].iloc[0] == pytest.approx(ln(2) / ln(3))


# --------------------------------------------------------------------------------------------
# out_file and memory_log
# --------------------------------------------------------------------------------------------
TF_TIMES = [k * 10 + 0.5 for k in range(10)]
TF_RAW_USERS = [30, 10, 20, 30, 10, 20, 30, 10, 20, 30]  # codes 0 1 2 0 1 2 ...
TF_RAW_ITEMS = [5, 9, 5, 9, 5, 7, 5, 9, 7, 9]  # codes 0 1 0 1 0 2 0 1 2 1
TF_CODES_USER = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
TF_CODES_ITEM = [0, 1, 0, 1, 0, 2, 0, 1, 2, 1]
# test_streams_exact's time-frame stream (tau=2 on unit steps = tau=20 on steps of 10) with top_k=1:
# raw codes: new item -> top_k+5 = 6; not in top -> top_k = 1; zero prediction -> top_k+2 = 3.
TF_RAW_RANKS = [6, 6, 0, 1, 1, 6, 0, 3, 0, 1]
TF_PREDICTIONS = [0, 0, 1, ln(2) / ln(3), ln(2) / ln(3), 0, 1, 0, 1, 1]


@pytest.fixture
def tf_df():
    return pd.DataFrame({"time": TF_TIMES, "user": TF_RAW_USERS, "item": TF_RAW_ITEMS, "score": 1.0},
                        index=range(100, 110))


def parse_out_file(path):
    rows = []
    for line in open(path).read().splitlines():
        tok = line.split(" ")
        assert len(tok) == 7, line
        rows.append((int(tok[0]), int(tok[1]), float(tok[2]), int(tok[3]), int(tok[4]), float(tok[5]), int(tok[6])))
    return rows


def test_out_file_without_memory_log(tf_df, tmp_path):
    out = tmp_path / "ranks.txt"
    res = quiet(PopularityTimeframeExperiment(tau=20, top_k=1), tf_df, memory_log=False, out_file=str(out))
    assert len(res) == 0
    assert list(res.columns) == COLUMNS
    assert res.top_k == 1
    rows = parse_out_file(out)
    assert [r[0] for r in rows] == [int(t) for t in TF_TIMES]  # int(time): 0, 10, ...
    assert [r[1] for r in rows] == TF_RAW_RANKS  # raw 0-based codes with sentinels
    np.testing.assert_allclose([r[2] for r in rows], TF_PREDICTIONS, rtol=1e-5, atol=1e-6)
    assert [r[3] for r in rows] == TF_CODES_USER  # internal (recoded) ids
    assert [r[4] for r in rows] == TF_CODES_ITEM
    assert [r[5] for r in rows] == [1.0] * 10
    assert [r[6] for r in rows] == list(range(100, 110))  # the record id is the DataFrame index


def test_out_file_matches_memory_log(df, tmp_path, assert_ranks):
    out = tmp_path / "ranks.txt"
    res = quiet(PopularityExperiment(top_k=2), df, out_file=out)  # os.PathLike accepted
    rows = parse_out_file(out)
    assert len(rows) == len(res)
    assert_ranks(res["rank"], [r[1] + 1 if r[1] < 2 else NAN for r in rows])
    assert [r[6] for r in rows] == res.index.tolist()
    # Sentinels with top_k=2: new items -> 7, rank 3 -> 2 (not in the top list).
    assert [r[1] for r in rows] == [7, 7, 0, 1, 7, 2, 0, 1, 2, 1, 1, 7]


def test_out_file_constructor_parameter_wins(df, tmp_path):
    ctor, arg = tmp_path / "ctor.txt", tmp_path / "arg.txt"
    quiet(PopularityExperiment(top_k=10, out_file=str(ctor)), df, out_file=str(arg))
    assert ctor.exists() and len(ctor.read_text().splitlines()) == 12
    assert not arg.exists()


# --------------------------------------------------------------------------------------------
# Top lists
# --------------------------------------------------------------------------------------------
def test_get_predictions_none_without_toplists(df):
    exp = PopularityExperiment(top_k=10)
    assert exp.get_predictions() is None
    quiet(exp, df)
    assert exp.get_predictions() is None


def test_calculate_toplists_true_schema_and_content(df):
    exp = PopularityExperiment(top_k=2)
    res = quiet(exp, df, calculate_toplists=True)
    p = exp.get_predictions()
    assert list(p.columns) == ["record_id", "time", "user", "item", "rank", "prediction"]
    assert p["time"].dtype.kind == "i" and p["rank"].dtype.kind == "i"
    # Counts before each record (see test_streams_exact): top 2, best first, ties -> lower item id.
    expected = {
        1: [(0, 1.0)],                                   # i0=1
        2: [(0, 1.0), (1, 1.0)],                         # i0=1 i1=1 (tie)
        3: [(0, 1.0), (1, ln(2) / ln(3))],               # i0=2 i1=1
        4: [(0, 1.0), (1, 1.0)],                         # i0=2 i1=2
        5: [(0, 1.0), (1, 1.0)],                         # i0=2 i1=2 i2=1
        6: [(0, 1.0), (1, 1.0)],                         # i0=2 i1=2 i2=2
        7: [(1, 1.0), (0, ln(3) / ln(4))],               # i0=2 i1=3 i2=2: i0 before i2
        10: [(0, 1.0), (1, ln(4) / ln(5))],              # i0=4 i1=3 i2=3: i1 before i2
    }
    assert 0 not in set(p["record_id"])  # nothing exists before the first record
    for rid, items in expected.items():
        rows = p[p["record_id"] == rid]
        assert list(zip(rows["item"], rows["prediction"].round(12))) == [(i, round(s, 12)) for i, s in items], rid
        assert rows["rank"].tolist() == list(range(1, len(items) + 1))
        assert set(rows["user"]) == {USERS[rid]}
        assert set(rows["time"]) == {rid * 10}
    assert p.groupby("record_id").size().max() <= 2
    assert p["record_id"].is_monotonic_increasing
    assert len(res) == 12


def test_calculate_toplists_with_exclude_known(df):
    exp = PopularityExperiment(top_k=3)
    quiet(exp, df, calculate_toplists=True, exclude_known=True)
    p = exp.get_predictions()
    # Rec 9 (u1 knows i1, i2): only i0 remains. Rec 7 (u3 knows i1): i0 and i2 tie -> i0 first.
    assert p[p["record_id"] == 9]["item"].tolist() == [0]
    assert p[p["record_id"] == 7]["item"].tolist() == [0, 2]


def test_calculate_toplists_flags_cover_all_records_regardless_of_eval(df):
    flags = [k in (3, 4, 9) for k in range(12)]
    data = df.assign(eval=[0 if k == 4 else 1 for k in range(12)])
    exp = PopularityExperiment(top_k=10)
    res = quiet(exp, data, calculate_toplists=flags)
    assert 4 not in res.index  # eval=0: no rank row...
    assert sorted(set(exp.get_predictions()["record_id"])) == [3, 4, 9]  # ...but a top list
    exp2 = PopularityExperiment(top_k=10)
    quiet(exp2, data, calculate_toplists=np.array(flags))
    pd.testing.assert_frame_equal(exp.get_predictions(), exp2.get_predictions())


def test_calculate_toplists_decodes_ids_and_renames(df):
    data = df.rename(columns={"user": "uid", "item": "iid"}).assign(
        uid=[f"u{u}" for u in USERS], iid=[f"i{i}" for i in ITEMS])
    exp = PopularityExperiment(top_k=2)
    quiet(exp, data, calculate_toplists=True, columns={"user": "uid", "item": "iid", "time": "time"})
    p = exp.get_predictions()
    assert {"uid", "iid"} <= set(p.columns)
    assert p[p["record_id"] == 7]["iid"].tolist() == ["i1", "i0"]
    assert set(p[p["record_id"] == 7]["uid"]) == {"u3"}


def test_calculate_toplists_disables_same_time_shuffle(stream):
    data = stream(list(range(10)), list(range(10)), times=[0] * 10)
    exp = PopularityExperiment()
    res = exp.run(data, verbose=False, calculate_toplists=True)  # shuffle_same_time left at True
    assert res.index.tolist() == list(range(10))


# --------------------------------------------------------------------------------------------
# File input
# --------------------------------------------------------------------------------------------
def write_online_id(path, df, ids, evals, opener=open):
    with opener(path, "wt") as f:
        for t, u, i, rid, e in zip(df["time"], df["user"], df["item"], ids, evals):
            f.write(f"{t} {u} {i} {rid} 1 {e}\n")


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_file_online_id_same_as_dataframe(df, tmp_path, gz, assert_ranks):
    ids = list(range(500, 512))
    evals = [1] * 6 + [0] + [1] * 5
    path = tmp_path / ("s.txt.gz" if gz else "s.txt")
    write_online_id(path, df, ids, evals, gzip.open if gz else open)
    from_file = quiet(PopularityExperiment(top_k=10), str(path), experimentType="online_id")
    from_df = quiet(PopularityExperiment(top_k=10), df.assign(eval=evals).set_axis(ids))
    assert from_file.index.tolist() == from_df.index.tolist() == [k for k, e in zip(ids, evals) if e]
    assert_ranks(from_file["rank"], from_df["rank"])
    np.testing.assert_array_equal(from_file["prediction"], from_df["prediction"])
    assert from_file["user"].tolist() == from_df["user"].tolist()
    assert from_file["time"].tolist() == from_df["time"].tolist()


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_file_csv_same_as_dataframe(df, tmp_path, gz, assert_ranks):
    path = tmp_path / ("s.csv.gz" if gz else "s.csv")
    text = df[["time", "user", "item"]].to_csv(index=False)
    if gz:
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        path.write_text(text)
    res = quiet(PopularityExperiment(top_k=10), path, experimentType="csv")  # PathLike accepted
    assert res.index.tolist() == list(range(12))  # no id column: the row number
    assert_ranks(res["rank"], RANKS)
    assert res["item"].tolist() == ITEMS


def test_file_online_format_and_termination(df, tmp_path, assert_ranks):
    path = tmp_path / "s.online"
    path.write_text("".join(f"{t} {u} {i} 1 1\n" for t, u, i in zip(df["time"], df["user"], df["item"])))
    res = quiet(PopularityExperiment(top_k=10), str(path), experimentType="online")
    assert res.index.tolist() == list(range(12))  # id = line counter
    assert_ranks(res["rank"], RANKS)
    res = quiet(PopularityExperiment(top_k=10), str(path), experimentType="online", experiment_termination_time=55)
    assert res.index.tolist() == [0, 1, 2, 3, 4, 5]
    assert_ranks(res["rank"], RANKS[:6])


def test_file_calculate_toplists(df, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(df[["time", "user", "item"]].to_csv(index=False))
    a, b = PopularityExperiment(top_k=2), PopularityExperiment(top_k=2)
    quiet(a, str(path), experimentType="csv", calculate_toplists=True)
    quiet(b, df, calculate_toplists=True)
    pd.testing.assert_frame_equal(a.get_predictions(), b.get_predictions())


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------
def test_parameter_defaults_behaviour():
    exp = PopularityTimeframeExperiment(tau=5)
    assert exp.parameter_default("tau", 86400) == 5
    assert exp.parameter_default("other", 3) == 3
    exp.set_parameter("zzz", 1)
    with pytest.raises(alpenglow.errors.ParameterError, match="zzz"):
        exp.check_unused_parameters()


def test_subclass_with_custom_config(df, assert_ranks):
    from alpenglow.Getter import Getter as rs

    class MyPopularity(OnlineExperiment):
        def _config(self, top_k, seed):
            model = rs.PopularityModel()
            updater = rs.PopularityModelUpdater()
            updater.set_model(model)
            return model, [updater], []

    res = quiet(MyPopularity(top_k=10), df)
    assert_ranks(res["rank"], RANKS)


def test_objects_are_kept_alive_per_run(df):
    exp = PopularityExperiment(top_k=10)
    quiet(exp, df)
    names = sorted(type(o).__name__ for o in exp.objects)
    assert "PopularityModel" in names and "MemoryRankingLogger" in names and "OnlineExperiment" in names


def test_two_threads_get_separate_registries(df):
    # Getter.collect()/get_and_clean() are per thread: runs in other threads do not steal objects.
    exps = [PopularityExperiment(top_k=10) for _ in range(4)]
    threads = [threading.Thread(target=quiet, args=(e, df)) for e in exps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
        assert not t.is_alive()
    for e in exps:
        assert len([o for o in e.objects if type(o).__name__ == "PopularityModel"]) == 1
