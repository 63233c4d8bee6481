"""Bad input: every mistake raises a specific alpenglow error naming the culprit, never a crash.

The process surviving every case below (including the wiring mistakes, which segfaulted the
original) is itself part of the assertion.
"""

from __future__ import annotations

import gc
import os
import re

import numpy as np
import pandas as pd
import pytest

import alpenglow
import alpenglow._core as core
import alpenglow.cpp as cpp
from alpenglow.errors import AlpenglowError, DataError, InUseError, ParameterError, WiringError
from alpenglow.experiments import (
    PersonalPopularityExperiment,
    PopularityExperiment,
    PopularityTimeframeExperiment,
    TransitionProbabilityExperiment,
)
from alpenglow.utils import DataframeData


@pytest.fixture
def base():
    return pd.DataFrame({"time": [0, 1, 2, 3], "user": [0, 1, 0, 1], "item": [0, 1, 1, 0]})


def run(data, experiment=None, **kw):
    return (experiment or PopularityExperiment()).run(data, verbose=False, **kw)


def test_error_hierarchy():
    assert issubclass(DataError, ValueError) and issubclass(DataError, AlpenglowError)
    assert issubclass(ParameterError, TypeError) and issubclass(ParameterError, AlpenglowError)
    assert issubclass(WiringError, AlpenglowError)
    assert issubclass(InUseError, AlpenglowError)
    assert issubclass(alpenglow.errors.RunInterrupted, KeyboardInterrupt)


# --------------------------------------------------------------------------------------------
# DataFrame content
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("column", ["user", "item"])
def test_missing_required_column(base, column):
    with pytest.raises(DataError, match=f"missing column '{column}'") as e:
        run(base.drop(columns=column))
    assert "the input has columns" in str(e.value)


def test_missing_mapped_column(base):
    with pytest.raises(DataError, match="'uid'"):
        run(base, columns={"user": "uid", "item": "item"})


def test_network_mode_needs_source_target(base):
    with pytest.raises(DataError, match="'source'"):
        run(base, PopularityExperiment(network_mode=True))


BAD_IDS = [
    ("float", [0, 1.5, 0, 1], r"column 'user', row 1: id 1.5 is not an integer"),
    ("negative", [0, -1, 0, 1], r"column 'user', row 1: id -1 is negative"),
    ("nan", [0, np.nan, 0, 1], r"column 'user', row 1: .*not a finite number"),
    ("inf", [0, np.inf, 0, 1], r"column 'user', row 1: .*not a finite number"),
    ("huge", [0, 10**12, 0, 1], r"column 'user', row 1: id 1000000000000 is too large"),
    ("huge-float", [0, 1e12, 0, 1], r"column 'user', row 1: .*too large"),
    ("string", ["a", "b", "a", "b"], r"column 'user': ids must be integers with recode=False"),
    ("bool", [True, False, True, False], r"column 'user': ids must be integers"),
]


@pytest.mark.parametrize("values,pattern", [c[1:] for c in BAD_IDS], ids=[c[0] for c in BAD_IDS])
def test_bad_ids_without_recode(base, values, pattern):
    with pytest.raises(DataError, match=pattern):
        run(base.assign(user=values), recode=False)


def test_bad_item_ids_name_the_item_column(base):
    with pytest.raises(DataError, match=r"column 'item', row 2"):
        run(base.assign(item=[0, 1, -4, 0]), recode=False)


def test_nan_ids_with_recode(base):
    with pytest.raises(DataError, match=r"column 'item', row 2: missing value"):
        run(base.assign(item=[0, 1, None, 0]))


def test_recode_accepts_what_recode_false_rejects(base):
    res = run(base.assign(user=[-1, 1.5, -1, 10**12]), shuffle_same_time=False)
    assert res["user"].tolist() == [-1, 1.5, -1, 10**12]


@pytest.mark.parametrize("values,pattern", [
    ([0, np.nan, 2, 3], r"column 'time', row 1: missing value"),
    ([0, np.inf, 2, 3], r"column 'time', row 1: .*not a finite number"),
    (["a", "b", "c", "d"], r"column 'time': expected numbers"),
    ([0, 2, 1, 3], r"column 'time', row 2: .*earlier than the previous row"),
    ([3, 2, 1, 0], r"column 'time', row 1: .*sorted"),
], ids=["nan", "inf", "non-numeric", "unsorted", "descending"])
def test_bad_time(base, values, pattern):
    with pytest.raises(DataError, match=pattern):
        run(base.assign(time=values))


@pytest.mark.parametrize("column,values,pattern", [
    ("score", [1, np.nan, 1, 1], r"column 'score', row 1: missing value"),
    ("score", ["x", "y", "z", "w"], r"column 'score': expected numbers"),
    ("eval", [1, np.nan, 1, 1], r"column 'eval', row 1: missing value"),
    ("eval", ["x", "y", "z", "w"], r"column 'eval'"),
], ids=["score-nan", "score-str", "eval-nan", "eval-str"])
def test_bad_optional_columns(base, column, values, pattern):
    with pytest.raises(DataError, match=pattern):
        run(base.assign(**{column: values}))


def test_empty_dataframe(base):
    with pytest.raises(DataError, match="empty"):
        run(base.iloc[:0])


@pytest.mark.parametrize("data", [[1, 2, 3], b"abc", 42, None], ids=["list", "bytes", "int", "none"])
def test_unsupported_data_type(data):
    with pytest.raises(DataError, match="expected a pandas/polars DataFrame"):
        run(data)


def test_toplist_flags_shorter_than_stream(base):
    with pytest.raises(ParameterError, match=r"calculate_toplists has 2 flags but the stream has 4 records"):
        run(base, calculate_toplists=[True, True], shuffle_same_time=False)


def test_dataframe_data_checks(base):
    with pytest.raises(DataError, match=r"column 'user', row 1"):
        DataframeData(base.assign(user=[0, -1, 0, 1]))
    with pytest.raises(DataError, match="missing column 'item'"):
        DataframeData(base.drop(columns="item"))


def test_mutating_the_frame_after_wrapping_does_not_reach_the_run(base):
    # The frame's columns are writeable, so the core holds its own copy: a later write (which
    # could otherwise race with a GIL-free run) changes nothing, and the run succeeds.
    frame = base.astype({"user": np.int64, "time": np.float64})
    data = DataframeData(frame)
    frame["user"].to_numpy()[2] = -5
    experiment, _ = wired_popularity(data)
    assert core.run(experiment._handle) == 4


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def test_unknown_experiment_type(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 0 1 1\n")
    with pytest.raises(DataError, match=r"unknown file format 'bogus'.*online_id.*csv"):
        run(str(path), experimentType="bogus")


def test_file_without_experiment_type(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 0 1 1\n")
    with pytest.raises(ParameterError, match="experimentType is required"):
        run(str(path))


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        run(str(missing), experimentType="online_id")


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(OSError):
        run(str(tmp_path), experimentType="csv")


def test_malformed_token_names_file_line_and_field(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 0 1 1\n1 1 1 1 1 1\n2 x 0 2 1 1\n")
    with pytest.raises(DataError) as e:
        run(str(path), experimentType="online_id")
    msg = str(e.value)
    assert str(path) in msg and "line 3" in msg and "'user'" in msg and '"x"' in msg


def test_short_line_names_line_and_expected_fields(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 0 1 1\n\n1 1 1 1 1\n")
    with pytest.raises(DataError, match=r"line 3: expected 6 fields .* found 5"):
        run(str(path), experimentType="online_id")


def test_malformed_gzip_line(tmp_path):
    import gzip

    path = tmp_path / "s.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("0 0 0 0 1 1\n1 1 1.5 1 1 1\n")
    with pytest.raises(DataError, match=r"line 2, field 'item': \"1.5\" is not an integer"):
        run(str(path), experimentType="online_id")


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "s.gz"
    path.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(OSError, match="gzip"):
        run(str(path), experimentType="csv")


def test_csv_errors(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("time,uid,item\n0,0,0\n")
    with pytest.raises(DataError, match=r"line 1: required column 'user' is missing"):
        run(str(path), experimentType="csv")
    path.write_text("time,user,item\n0,0,0\n\n1,1\n")
    with pytest.raises(DataError, match=r"line 4: expected 3 fields"):
        run(str(path), experimentType="csv")
    path.write_text("time,user,item\n")
    with pytest.raises(DataError, match="empty"):
        run(str(path), experimentType="csv")


def test_nan_time_in_file(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 0 1 1\nnan 1 1 1 1 1\n")
    with pytest.raises(DataError, match=r"line 2, field 'time'"):
        run(str(path), experimentType="online_id")


@pytest.mark.parametrize("content,what", [
    ("time,user,item\n0,0,0\n1,-1,1\n", "negative id"),
    ("time,user,item\n0,0,0\n1,1000000000000,1\n", "huge id"),
    ("time,user,item\n0,0,0\n5,1,1\n1,1,0\n", "unsorted time"),
], ids=["negative", "huge", "unsorted"])
def test_file_validation_errors_are_data_errors(tmp_path, content, what):
    path = tmp_path / "s.csv"
    path.write_text(content)
    with pytest.raises(DataError):
        run(str(path), experimentType="csv")


@pytest.mark.parametrize("content,line,field", [
    ("time,user,item\n0,0,0\n1,-1,1\n", 3, "user"),
    ("time,user,item\n0,0,0\n1,1,1000000000000\n", 3, "item"),
    ("time,user,item\n0,0,0\n5,1,1\n1,1,0\n", 4, "time"),
], ids=["negative", "huge", "unsorted"])
def test_file_validation_errors_name_file_and_line(tmp_path, content, line, field):
    path = tmp_path / "s.csv"
    path.write_text(content)
    with pytest.raises(DataError) as e:
        run(str(path), experimentType="csv")
    msg = str(e.value)
    assert str(path) in msg and f"line {line}" in msg and f"'{field}'" in msg, msg


# Was a bug: a NaN score in a file did not name the file and line.
def test_file_nan_score_names_file_and_line(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("0 0 0 0 1 1\n1 1 1 1 nan 1\n")
    with pytest.raises(DataError) as e:
        run(str(path), experimentType="online_id")
    assert str(path) in str(e.value) and "line 2" in str(e.value), str(e.value)


# --------------------------------------------------------------------------------------------
# Experiment parameters
# --------------------------------------------------------------------------------------------
def test_unknown_experiment_parameter_with_did_you_mean(base):
    with pytest.raises(ParameterError) as e:
        run(base, PopularityTimeframeExperiment(tua=5))
    msg = str(e.value)
    assert msg.startswith("Unused parameters: tua")
    assert "did you mean 'tau'" in msg
    assert "accepts:" in msg and "tau" in msg and "top_k" in msg


@pytest.mark.parametrize("cls", [PopularityExperiment, PersonalPopularityExperiment, TransitionProbabilityExperiment])
def test_unknown_parameter_every_experiment(base, cls):
    with pytest.raises(ParameterError, match="Unused parameters: learning_rate"):
        run(base, cls(learning_rate=0.1))


def test_unused_parameter_detected_before_the_run(base, tmp_path):
    exp = PopularityExperiment(bogus=1)
    with pytest.raises(TypeError, match="bogus"):  # ParameterError is a TypeError
        run(base, exp)
    assert exp.results is None


@pytest.mark.parametrize("top_k", [0, -1, 1.5, "10", True], ids=["zero", "negative", "float", "str", "bool"])
def test_bad_top_k(base, top_k):
    with pytest.raises(ParameterError, match="top_k"):
        run(base, PopularityExperiment(top_k=top_k))


def test_seed_zero(base):
    with pytest.raises(ParameterError, match=r"PopularityExperiment: parameter 'seed' must be a 32-bit seed, not 0"):
        run(base, PopularityExperiment(seed=0))


def test_top_k_and_ranking_seed_ranges_are_the_core_constraints(base):
    # The experiment checks its keywords with the core components' declared constraints.
    with pytest.raises(ParameterError, match=r"^PopularityExperiment: parameter 'top_k' must be in 1\.\.=2147483647, got 0$"):
        run(base, PopularityExperiment(top_k=0))
    with pytest.raises(ParameterError, match=r"^PopularityExperiment: parameter 'ranking_seed' must be a 32-bit seed, "
                                             r"not 0, -4 or 2147483647, got -4$"):
        run(base, PopularityExperiment(ranking_seed=-4))
    with pytest.raises(ParameterError, match=r"^PopularityExperiment: parameter 'seed' .* got 4294967296$"):
        run(base, PopularityExperiment(seed=2**32))
    with pytest.raises(ParameterError, match=r"^PopularityExperiment: ranking_seed must be an integer, got True$"):
        run(base, PopularityExperiment(ranking_seed=True))


def test_negative_tau(base):
    with pytest.raises(ParameterError, match=r"PopularityTimeFrameModelUpdater: parameter 'tau' must be a number >= 0, got -1"):
        run(base, PopularityTimeframeExperiment(tau=-1))


def test_bad_transition_mode(base):
    with pytest.raises((ParameterError, DataError), match="mode"):
        run(base, TransitionProbabilityExperiment(mode="sideways"))


# --------------------------------------------------------------------------------------------
# Raw components
# --------------------------------------------------------------------------------------------
def test_unknown_component_keyword_lists_accepted():
    with pytest.raises(ParameterError) as e:
        cpp.TransitionProbabilityModelUpdater(moed="normal")
    msg = str(e.value)
    assert "TransitionProbabilityModelUpdater" in msg and "'moed'" in msg
    for name in ("mode", "filter_freq_updates", "label_transition_mode", "label_file_name"):
        assert name in msg
    assert "did you mean 'mode'" in msg


def test_unknown_keyword_of_parameterless_component():
    with pytest.raises(ParameterError, match=r"PopularityModel: unknown keyword 'foo'; it takes no parameters"):
        cpp.PopularityModel(foo=1)


@pytest.mark.parametrize("value", ["x", [1], {"a": 1}, object()], ids=["str", "list", "dict", "object"])
def test_wrongly_typed_component_parameter(value):
    with pytest.raises(ParameterError, match=r"PopularityTimeFrameModelUpdater: parameter 'tau'"):
        cpp.PopularityTimeFrameModelUpdater(tau=value)


def test_wrongly_typed_parameter_message_is_pythonic():
    with pytest.raises(ParameterError) as e:
        cpp.PopularityTimeFrameModelUpdater(tau="x")
    assert "Str(" not in str(e.value)


def test_component_value_checks():
    with pytest.raises(ParameterError, match="tau"):
        cpp.PopularityTimeFrameModelUpdater()  # tau must be set (default -1)
    with pytest.raises(ParameterError, match="top_k"):
        cpp.OnlineExperiment(top_k=0)
    with pytest.raises(ParameterError, match="seed"):
        cpp.ShuffleIterator(seed=0)


def test_parameters_object_and_keywords_together():
    with pytest.raises(TypeError):
        cpp.PopularityTimeFrameModelUpdater(cpp.PopularityTimeFrameModelUpdaterParameters(tau=1), tau=2)


def test_unknown_component_name():
    with pytest.raises(AttributeError, match="NoSuchModel"):
        cpp.NoSuchModel
    with pytest.raises(AttributeError):
        alpenglow.Getter.NoSuchModel()


# --------------------------------------------------------------------------------------------
# Wiring
# --------------------------------------------------------------------------------------------
def wired_popularity(data, skip=None):
    iterator = cpp.SimpleIterator()
    if skip != "set_recommender_data":
        iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment(top_k=10, exclude_known=False)
    if skip != "set_recommender_data_iterator":
        experiment.set_recommender_data_iterator(iterator)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    if skip != "updater.set_model":
        updater.set_model(model)
    logger = cpp.MemoryRankingLogger(top_k=10, random_seed=43211234)
    if skip != "logger.set_model":
        logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    return experiment, logger


@pytest.mark.parametrize("skip,component,call", [
    ("set_recommender_data", "SimpleIterator", "set_recommender_data"),
    ("set_recommender_data_iterator", "OnlineExperiment", "set_recommender_data_iterator"),
    ("updater.set_model", "PopularityModelUpdater", "set_model"),
    ("logger.set_model", "MemoryRankingLogger", "set_model"),
])
def test_missing_wiring_is_named(base, skip, component, call):
    experiment, _ = wired_popularity(DataframeData(base), skip=skip)
    with pytest.raises(WiringError, match=rf"{component}.*{call}"):
        core.run(experiment._handle)


def test_check_wiring_and_self_test():
    updater = cpp.PopularityModelUpdater()
    with pytest.raises(WiringError, match=r"PopularityModelUpdater\.set_model"):
        updater.check_wiring()
    with pytest.raises(WiringError, match="set_model"):
        updater.self_test()
    with pytest.raises(WiringError, match="set_model"):
        alpenglow.Getter.run_self_test(updater)
    updater.set_model(cpp.PopularityModel())
    updater.check_wiring()
    assert updater.self_test() is True


@pytest.mark.parametrize("call", [
    lambda: cpp.PopularityModelUpdater().set_model(cpp.TransitionProbabilityModel()),
    lambda: cpp.PopularityModelUpdater().set_model(cpp.PopularityModelUpdater()),
    lambda: cpp.TransitionProbabilityModelUpdater().set_model(cpp.PopularityModel()),
    lambda: cpp.PersonalPopularityModelUpdater().set_model(cpp.PopularityModel()),
    lambda: cpp.OnlineExperiment().add_logger(cpp.PopularityModelUpdater()),
    lambda: cpp.OnlineExperiment().add_updater(cpp.PopularityModel()),
    lambda: cpp.OnlineExperiment().set_recommender_data_iterator(cpp.OnlineExperiment()),
    lambda: cpp.SimpleIterator().set_recommender_data(cpp.PopularityModel()),
    lambda: cpp.MemoryRankingLogger().set_model(cpp.MemoryRankingLogger()),
], ids=["pop-transition", "pop-updater", "transition-pop", "personal-pop", "logger", "updater",
        "iterator", "data", "self-kind"])
def test_wiring_the_wrong_kind(call):
    with pytest.raises(WiringError, match="expected"):
        call()


def test_wiring_a_non_component():
    with pytest.raises(TypeError, match="expected PopularityModel, got int"):
        cpp.PopularityModelUpdater().set_model(5)


@pytest.mark.parametrize("twice", ["updater", "logger"])
def test_component_added_twice(base, twice):
    experiment, logger = wired_popularity(DataframeData(base))
    if twice == "updater":
        updater = cpp.PopularityModelUpdater()
        updater.set_model(cpp.PopularityModel())
        experiment.add_updater(updater)
        experiment.add_updater(updater)
    else:
        experiment.add_logger(logger)
    with pytest.raises(InUseError):
        core.run(experiment._handle)


def test_wired_graph_survives_garbage_collection(base):
    experiment, logger = wired_popularity(DataframeData(base))
    logger_handle = logger._handle
    del logger
    gc.collect()
    assert core.run(experiment._handle) == 4
    assert len(core.ranking_logs(logger_handle)["rank"]) == 4


def test_core_functions_reject_wrong_handles():
    with pytest.raises(WiringError, match="not an OnlineExperiment"):
        core.run(cpp.PopularityModel()._handle)
    with pytest.raises(WiringError, match="not a MemoryRankingLogger"):
        core.ranking_logs(cpp.PopularityModel()._handle)
    with pytest.raises(WiringError, match="not a PredictionLogger"):
        core.set_should_run(cpp.PopularityModel()._handle, np.ones(3, dtype=bool))


def test_core_dataframe_data_checks():
    with pytest.raises(DataError, match="column 'item' has 1 rows, expected 2"):
        core.dataframe_data(user=np.array([0, 1]), item=np.array([0]))
    with pytest.raises(DataError, match="column 'user'"):
        core.dataframe_data(user=np.array([0.0, 1.0]), item=np.array([0, 1]))
    with pytest.raises(DataError, match="contiguous"):
        core.dataframe_data(user=np.arange(10)[::2], item=np.arange(5))


def test_run_on_empty_core_data():
    empty = np.array([], dtype=np.int64)
    try:
        data = cpp.RecommenderData._from_handle(core.dataframe_data(user=empty, item=empty))
    except DataError as e:  # rejecting it up front is fine too
        assert "empty" in str(e)
        return
    experiment, _ = wired_popularity(data)
    with pytest.raises(DataError, match="empty"):
        core.run(experiment._handle)


def test_core_data_needs_user_and_item():
    with pytest.raises(DataError, match="'user'"):
        cpp.RecommenderData._from_handle(core.dataframe_data(item=np.array([0, 1])))


def test_model_prediction_needs_user_and_item():
    class Rec:
        user, item = 0, 3

    assert cpp.PopularityModel().prediction(Rec()) == 0.0
    with pytest.raises(ValueError, match="'user' and 'item'"):
        cpp.PopularityModel().prediction(object())


def test_recommender_data_is_not_constructible():
    with pytest.raises(TypeError):
        cpp.RecommenderData()


def test_progress_callback_exception_propagates(base):
    experiment, logger = wired_popularity(DataframeData(pd.concat([base] * 600, ignore_index=True)
                                                        .assign(time=lambda d: np.arange(len(d)))))

    def progress(done, total):
        raise RuntimeError("stop from callback")

    with pytest.raises(RuntimeError, match="stop from callback"):
        core.run(experiment._handle, progress, 100)
    assert len(core.ranking_logs(logger._handle)["rank"]) < 2400


def test_interpreter_survived():
    # Reaching this line after every case above (same process) is the no-crash guarantee.
    assert os.getpid() > 0


# --------------------------------------------------------------------------------------------
# Resource limits: the interpreter must survive (checked in a child process with a 3 GB
# address-space limit, so that a failure aborts the child and not the test run)
# --------------------------------------------------------------------------------------------
CHILD = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
import numpy as np, pandas as pd
import alpenglow.experiments as ex
from alpenglow.errors import AlpenglowError
try:
{body}
    print("CLEAN: ran")
except (AlpenglowError, MemoryError) as e:
    print("CLEAN:", type(e).__name__, e)
"""


def run_child(body):
    import subprocess
    import sys
    import textwrap

    code = CHILD.format(body=textwrap.indent(textwrap.dedent(body).strip(), "    "))
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    return proc


def test_child_process_harness_works():
    proc = run_child("""
        df = pd.DataFrame({"time": [0, 1, 2], "user": [0, 1, 0], "item": [0, 0, 1]})
        ex.PopularityExperiment(top_k=5).run(df, verbose=False)
        ex.PopularityExperiment(top_k=0).run(df, verbose=False)
    """)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "CLEAN: ParameterError" in proc.stdout


def test_huge_top_k_with_toplists_does_not_crash():
    # Was a bug: the top list reserved top_k+1 entries up front (top_k=10**10 aborted the process).
    proc = run_child("""
        df = pd.DataFrame({"time": [0, 1, 2, 3], "user": [0, 1, 0, 1], "item": [0, 0, 1, 1]})
        e = ex.PopularityExperiment(top_k=2**31 - 1)  # the largest accepted top_k
        e.run(df, verbose=False, calculate_toplists=True)
        assert len(e.get_predictions()) > 0
    """)
    assert proc.returncode == 0 and "CLEAN" in proc.stdout, (proc.returncode, proc.stderr[-500:])


@pytest.mark.parametrize("experiment,column", [
    ("TransitionProbabilityExperiment", "item"),
    ("PersonalPopularityExperiment", "user"),
])
def test_large_sparse_id_does_not_crash(experiment, column):
    # Was a bug with ids up to 10**8: dense per-id rows (~140 bytes/id for transitions, ~32 for
    # personal popularity) aborted under the limit. Now ids are capped at 2**24-1 and rows are lean.
    proc = run_child(f"""
        df = pd.DataFrame({{"time": [0, 1, 2, 3], "user": [0, 1, 0, 1], "item": [0, 1, 1, 0]}})
        df.loc[1, "{column}"] = 2**24 - 1  # the largest accepted id
        ex.{experiment}(top_k=5).run(df, verbose=False, recode=False)
    """)
    assert proc.returncode == 0 and "CLEAN: ran" in proc.stdout, (proc.returncode, proc.stdout, proc.stderr[-500:])


# --------------------------------------------------------------------------------------------
# Misleading messages / silently accepted values
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [2**32 + 5, 2**40])
def test_out_of_range_seed(seed):
    # Was a bug: seeds were silently truncated to 32 bits (2**32+5 acted as 5; 2**40 as 0).
    df = pd.DataFrame({"time": [0] * 10, "user": range(10), "item": range(10)})
    try:
        a = run(df, PopularityExperiment(seed=seed))
    except ParameterError as e:
        assert "must not be 0" not in str(e) and "seed" in str(e), str(e)
        assert "32-bit" in str(e) and str(e).endswith(f"got {seed}"), str(e)
        return
    b = run(df, PopularityExperiment(seed=seed % 2**32))
    assert not a.index.equals(b.index)


def test_ranking_seed_zero_rejected(base):
    # Was a bug: accepted silently (a MINSTD state of 0 makes every tie draw 0).
    with pytest.raises(ParameterError, match="ranking_seed|random_seed"):
        run(base, PopularityExperiment(ranking_seed=0))


@pytest.mark.parametrize("value", [None, "yes", 1.5, [[True]], ["a", "b", "c", "d"]],
                         ids=["none", "str", "float", "2d", "strings"])
def test_calculate_toplists_bad_value(base, value):
    with pytest.raises(ParameterError, match="calculate_toplists"):
        run(base, calculate_toplists=value)


@pytest.mark.parametrize("top_k", [2**31, 2**63])
def test_top_k_too_large(base, top_k):
    with pytest.raises(ParameterError) as e:
        run(base, PopularityExperiment(top_k=top_k))
    assert "top_k" in str(e.value) and "Float(" not in str(e.value) and "got float" not in str(e.value)
