"""ParameterSearch, DependentParameter and ThreadedParameterSearch (threads and processes).

No timing assertions (speed is in bench/): parallel searches must give the sequential table
exactly (``DataFrame.equals``), in grid order.
"""

from __future__ import annotations

import itertools
import math
import signal
import threading

import numpy as np
import pandas as pd
import pytest

from alpenglow.datasets import synthetic_stream
from alpenglow.errors import ParameterError, RunInterrupted, SearchError
from alpenglow.evaluation import DcgScore, RecallScore
from alpenglow.experiments import FactorExperiment, PopularityExperiment
from alpenglow.utils import DependentParameter, ParameterSearch, ThreadedParameterSearch


@pytest.fixture(scope="module")
def data():
    return synthetic_stream(3000, seed=11)


def factor_search(cls, **kw):
    s = cls(FactorExperiment(top_k=50, dimension=4), DcgScore, **kw)
    s.set_parameter_values("learning_rate", [0.03, 0.08, 0.0])
    s.set_parameter_values("negative_rate", [2, 5])
    return s


@pytest.fixture(scope="module")
def sequential(data):
    return factor_search(ParameterSearch).run(data, verbose=False)


def test_grid_order_columns_and_scores(data, sequential):
    expected = list(itertools.product([0.03, 0.08, 0.0], [2, 5]))
    assert factor_search(ParameterSearch)._get_configurations() == [
        {"learning_rate": lr, "negative_rate": nr} for lr, nr in expected]
    assert list(sequential.columns) == ["learning_rate", "negative_rate", "DcgScore"]
    assert list(zip(sequential.learning_rate, sequential.negative_rate)) == expected
    # Each row is the mean DCG of a plain run of that configuration.
    for (lr, nr), score in zip(expected, sequential.DcgScore):
        result = FactorExperiment(top_k=50, dimension=4, learning_rate=lr, negative_rate=nr).run(data, verbose=False)
        assert score == DcgScore(result).mean()
    assert sequential.DcgScore.nunique() > 1


def test_the_model_itself_is_not_changed(data):
    model = PopularityExperiment(top_k=100)
    s = ParameterSearch(model, DcgScore)
    s.set_parameter_values("top_k", [100, 5])
    s.run(data, verbose=False)
    assert model.parameters == {"top_k": 100} and model.results is None


def test_recall_uses_the_run_top_k(data):
    s = ParameterSearch(PopularityExperiment(), RecallScore)
    s.set_parameter_values("top_k", [100, 5])
    table = s.run(data, verbose=False)
    assert list(table.columns) == ["top_k", "RecallScore"]
    assert table.RecallScore[0] > table.RecallScore[1] > 0


def test_dependent_parameter_binding_and_out_files(data, tmp_path):
    s = ParameterSearch(PopularityExperiment(), DcgScore)
    s.set_parameter_values("top_k", [100, 5])
    s.set_parameter_values("out_file", DependentParameter(str(tmp_path / "out_%s_%s.txt")))  # bound to top_k only
    s.set_parameter_values("seed", [3, 4])
    assert s.parameter_values[1].parameter_names == ["top_k"]
    with pytest.raises(ParameterError, match=r"out_%s_%s.txt' cannot format the values \(100,\) of \['top_k'\]: not enough arguments"):
        s.run(data, verbose=False)
    s = ParameterSearch(PopularityExperiment(), DcgScore)
    s.set_parameter_values("top_k", [100, 5])
    s.set_parameter_values("seed", [3, 4])
    s.set_parameter_values("out_file", DependentParameter(str(tmp_path / "out_%s_%s.txt")))
    assert s.parameter_values[2].parameter_names == ["top_k", "seed"]
    table = s.run(data, verbose=False)
    assert list(table.columns) == ["top_k", "seed", "DcgScore"]  # dependent axes are not columns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out_100_3.txt", "out_100_4.txt", "out_5_3.txt", "out_5_4.txt"]
    assert len((tmp_path / "out_5_4.txt").read_text().splitlines()) == len(data)
    assert DependentParameter("%s-%s", ["b", "a"]).eval({"a": 1, "b": 2}) == "2-1"


def test_dependent_parameter_with_an_unknown_name():
    s = ParameterSearch(PopularityExperiment(), DcgScore)
    s.set_parameter_values("top_k", [100])
    with pytest.raises(ParameterError, match="uses seed, which is not a grid axis registered before it"):
        s.set_parameter_values("out_file", DependentParameter("x%s", ["seed"]))


def test_threads_and_processes_equal_sequential(data, sequential):
    threads = factor_search(ThreadedParameterSearch, threads=2, use_process_pool=False).run(data, verbose=False)
    assert threads.equals(sequential)
    processes = factor_search(ThreadedParameterSearch, threads=2).run(data, verbose=False)
    assert processes.equals(sequential)
    assert factor_search(ThreadedParameterSearch, backend="threads", threads=3).run(data, verbose=False).equals(sequential)


def test_threads_run_concurrently(data):
    """Two runs are inside the core at the same time (they release the GIL)."""
    inside = []
    lock = threading.Lock()
    both = threading.Event()

    class Probe(PopularityExperiment):
        def run(self, *a, **k):
            with lock:
                inside.append(1)
                if len(inside) == 2:
                    both.set()
            both.wait(60)
            return super().run(*a, **k)

    s = ThreadedParameterSearch(Probe(), DcgScore, threads=2, use_process_pool=False)
    s.set_parameter_values("top_k", [100, 5])
    s.run(data, verbose=False)
    assert both.is_set()


def test_empty_grid_and_bad_axes(data):
    s = ParameterSearch(PopularityExperiment(), DcgScore)
    with pytest.raises(ParameterError, match="the grid is empty"):
        s.run(data)
    with pytest.raises(ParameterError, match="'top_k' has an empty list of values"):
        s.set_parameter_values("top_k", [])
    with pytest.raises(ParameterError, match="must be a list of values or a DependentParameter"):
        s.set_parameter_values("top_k", 100)
    s.set_parameter_values("top_k", [100])
    with pytest.raises(ParameterError, match="already has values"):
        s.set_parameter_values("top_k", [5])
    with pytest.raises(ParameterError, match="errors must be one of"):
        s.run(data, errors="ignore")
    with pytest.raises(ParameterError, match="threads must be a positive integer"):
        ThreadedParameterSearch(PopularityExperiment(), DcgScore, threads=0)
    with pytest.raises(ParameterError, match="backend must be one of"):
        ThreadedParameterSearch(PopularityExperiment(), DcgScore, backend="dask")


@pytest.mark.parametrize("cls,kw", [(ParameterSearch, {}), (ThreadedParameterSearch, {"use_process_pool": False}),
                                    (ThreadedParameterSearch, {})])
def test_unknown_axis_is_named_before_any_run(data, cls, kw):
    runs = []

    class Counting(FactorExperiment):
        def run(self, *a, **k):
            runs.append(1)
            return super().run(*a, **k)

    s = cls(Counting(), DcgScore, **kw)
    s.set_parameter_values("learning_rate", [0.1])
    s.set_parameter_values("learnig_rate", [0.1, 0.2])
    with pytest.raises(ParameterError) as info:
        s.run(data, verbose=False)
    msg = str(info.value)
    assert "no parameter 'learnig_rate' (did you mean 'learning_rate'?)" in msg
    assert "accepts: " in msg and "negative_rate" in msg and "top_k" in msg
    assert runs == []


@pytest.mark.parametrize("cls,kw", [(ParameterSearch, {}), (ThreadedParameterSearch, {"use_process_pool": False}),
                                    (ThreadedParameterSearch, {})])
def test_failing_configuration(data, cls, kw):
    def make():
        s = cls(PopularityExperiment(), DcgScore, **kw)
        s.set_parameter_values("top_k", [100, -3, 5])
        return s

    with pytest.raises(SearchError, match=r"configuration 1 \{'top_k': -3\} failed: ParameterError: .*top_k") as info:
        make().run(data, verbose=False)
    assert info.value.configuration == {"top_k": -3}
    table = make().run(data, verbose=False, errors="skip")
    assert list(table.top_k) == [100, -3, 5]
    assert math.isnan(table.DcgScore[1])
    ok = ParameterSearch(PopularityExperiment(), DcgScore)
    ok.set_parameter_values("top_k", [100, 5])
    expected = ok.run(data, verbose=False).DcgScore
    assert table.DcgScore[0] == expected[0] and table.DcgScore[2] == expected[1]


def test_ctrl_c_stops_every_thread_and_returns_finished_rows():
    data = synthetic_stream(60000, seed=5)
    main = threading.main_thread().ident
    calls = []

    def InterruptingDcg(results):
        calls.append(1)
        if len(calls) == 1:
            signal.pthread_kill(main, signal.SIGINT)  # Ctrl-C while the other worker runs
        return DcgScore(results)

    InterruptingDcg.__name__ = "DcgScore"
    s = ThreadedParameterSearch(PopularityExperiment(), InterruptingDcg, threads=2, use_process_pool=False)
    s.set_parameter_values("top_k", [1, 2, 3, 4, 5, 6, 7, 8])
    with pytest.raises(RunInterrupted) as info:
        s.run(data, verbose=False)
    table = info.value.results
    assert isinstance(table, pd.DataFrame) and list(table.columns) == ["top_k", "DcgScore"]
    assert 1 <= len(table) < 8
    assert not [t for t in threading.enumerate() if t.name.startswith("alpenglow-search")]
    for top_k, score in zip(table.top_k, table.DcgScore):
        assert score == DcgScore(PopularityExperiment(top_k=top_k).run(data, verbose=False)).mean()


def test_ctrl_c_in_sequential_search_returns_finished_rows(data):
    calls = []

    def InterruptingDcg(results):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return DcgScore(results)

    s = ParameterSearch(PopularityExperiment(), InterruptingDcg)
    s.set_parameter_values("top_k", [10, 20, 30])
    with pytest.raises(RunInterrupted, match="after 1 of 3 configurations") as info:
        s.run(data, verbose=False)
    assert list(info.value.results.top_k) == [10]
    assert np.isfinite(info.value.results.InterruptingDcg[0])


def test_run_hook_stops_a_run_like_ctrl_c(data):
    """The hook the searches and Optuna use: every N records exactly, reads the rows so far,
    and a KeyboardInterrupt from it stops the run with the rows evaluated so far."""
    seen = []

    def hook(done, total, results_since):
        seen.append((done, len(results_since(0)), len(results_since(done - 500))))
        if done >= 1500:
            raise KeyboardInterrupt

    experiment = PopularityExperiment()
    experiment._run_hook, experiment._run_hook_every = hook, 500
    with pytest.raises(RunInterrupted) as info:
        experiment.run(data, verbose=False)
    assert seen == [(500, 500, 500), (1000, 1000, 500), (1500, 1500, 500)]
    full = PopularityExperiment().run(data, verbose=False)
    assert info.value.results.equals(full.iloc[:1500])
