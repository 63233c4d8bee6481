"""The order in which ThreadedParameterSearch starts its runs: longest first, from pilot runs.

The order of execution must not change the table: same values as the sequential search,
rows in grid order. No timing assertions (speed is in bench/).
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import itertools
import math

import pytest

from alpenglow.datasets import synthetic_stream
from alpenglow.errors import ParameterError
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import FactorExperiment, PopularityExperiment
from alpenglow.utils import ParameterSearch, ThreadedParameterSearch
from alpenglow.utils.ParameterSearch import PILOT_EVERY, PILOT_MIN_RECORDS, evaluate_configuration, longest_first, \
    pilot_cost

threaded_module = importlib.import_module("alpenglow.utils.ThreadedParameterSearch")

LEARNING_RATES = [0.03, 0.08]
NEGATIVE_RATES = [1, 3, 10]


@pytest.fixture(scope="module")
def data():
    return synthetic_stream(PILOT_MIN_RECORDS + 2000, n_users=200, n_items=400, seed=3)


def grid(search):
    search.set_parameter_values("learning_rate", LEARNING_RATES)
    search.set_parameter_values("negative_rate", NEGATIVE_RATES)
    return search


def experiment():
    return FactorExperiment(top_k=20, dimension=4)


@pytest.fixture(scope="module")
def sequential(data):
    return grid(ParameterSearch(experiment(), DcgScore)).run(data, verbose=False)


def test_longest_first_is_a_stable_decreasing_order():
    assert longest_first([1.0, math.inf, 3.0, 3.0, 0.0]) == [1, 2, 3, 0, 4]
    assert longest_first([0.0, 0.0, 0.0]) == [0, 1, 2]
    assert longest_first([]) == []


def test_pilot_replays_a_prefix_only_and_writes_no_file(data, tmp_path):
    seen = []

    class Probe(PopularityExperiment):
        def run(self, *args, **kwargs):
            try:
                return super().run(*args, **kwargs)
            finally:
                seen.append(len(self.results))

    out = tmp_path / "out.txt"
    cost = pilot_cost(Probe(top_k=10, out_file=str(out)), {"top_k": 5}, (data,), {"verbose": True})
    assert 0 < cost < math.inf
    # Stopped at the first hook call at or past 2% of the stream (and after the second call).
    stop = max(2, math.ceil(0.02 * len(data) / PILOT_EVERY)) * PILOT_EVERY
    assert seen == [stop] and stop < len(data)
    assert not out.exists()


def test_pilot_of_a_short_stream_or_a_failing_configuration():
    short = synthetic_stream(PILOT_MIN_RECORDS - 1, seed=1)
    assert pilot_cost(PopularityExperiment(), {"top_k": 5}, (short,), {}) == 0.0
    assert pilot_cost(PopularityExperiment(), {"top_k": -3}, (short,), {}) == math.inf


class RecordingPool(cf.ThreadPoolExecutor):
    """Records what is submitted, in submission order (the pool starts tasks in that order)."""

    submitted: list = []

    def submit(self, fn, *args, **kwargs):
        if fn is evaluate_configuration:
            RecordingPool.submitted.append(dict(args[2]))
        return super().submit(fn, *args, **kwargs)


def test_runs_start_longest_first_and_the_table_keeps_grid_order(data, sequential, monkeypatch):
    configurations = [{"learning_rate": lr, "negative_rate": nr}
                      for lr, nr in itertools.product(LEARNING_RATES, NEGATIVE_RATES)]
    # Estimated costs: the reverse of the grid order, with a tie and a failed pilot (inf).
    costs = {(0.03, 1): 5.0, (0.03, 3): 4.0, (0.03, 10): 4.0, (0.08, 1): 2.0, (0.08, 3): math.inf, (0.08, 10): 0.5}

    def fake_pilot(model, settings, args, kwargs, stop=None):
        return costs[settings["learning_rate"], settings["negative_rate"]]

    monkeypatch.setattr(threaded_module, "pilot_cost", fake_pilot)
    monkeypatch.setattr(threaded_module.cf, "ThreadPoolExecutor", RecordingPool)
    RecordingPool.submitted = []
    table = grid(ThreadedParameterSearch(experiment(), DcgScore, threads=2, use_process_pool=False)).run(
        data, verbose=False)
    expected_order = [(0.08, 3), (0.03, 1), (0.03, 3), (0.03, 10), (0.08, 1), (0.08, 10)]
    assert [(s["learning_rate"], s["negative_rate"]) for s in RecordingPool.submitted] == expected_order
    assert table.equals(sequential)
    assert [{"learning_rate": lr, "negative_rate": nr} for lr, nr in zip(table.learning_rate, table.negative_rate)] \
        == configurations

    RecordingPool.submitted = []
    grid_order = grid(ThreadedParameterSearch(experiment(), DcgScore, threads=2, use_process_pool=False,
                                              schedule="grid")).run(data, verbose=False)
    assert RecordingPool.submitted == configurations  # no pilot, grid order
    assert grid_order.equals(sequential)


@pytest.mark.parametrize("kw", [{"use_process_pool": False}, {"use_process_pool": True}])
def test_real_pilots_give_the_sequential_table(data, sequential, kw):
    table = grid(ThreadedParameterSearch(experiment(), DcgScore, threads=2, **kw)).run(data, verbose=False)
    assert table.equals(sequential)


def test_pilots_are_skipped_when_they_cannot_help(data, monkeypatch):
    calls = []

    def fake_pilot(*args, **kwargs):
        calls.append(1)
        return 0.0

    monkeypatch.setattr(threaded_module, "pilot_cost", fake_pilot)
    few = ThreadedParameterSearch(PopularityExperiment(), DcgScore, threads=2, use_process_pool=False)
    few.set_parameter_values("top_k", [5, 10])  # no more configurations than workers
    few.run(data, verbose=False)
    one = ThreadedParameterSearch(PopularityExperiment(), DcgScore, threads=1, use_process_pool=False)
    one.set_parameter_values("top_k", [5, 10, 20])  # one worker: the order changes nothing
    one.run(data, verbose=False)
    assert calls == []
    many = ThreadedParameterSearch(PopularityExperiment(), DcgScore, threads=2, use_process_pool=False)
    many.set_parameter_values("top_k", [5, 10, 20])
    many.run(data, verbose=False)
    assert calls == [1, 1, 1]


def test_bad_schedule():
    with pytest.raises(ParameterError, match=r"schedule must be one of \('longest_first', 'grid'\), got 'lpt'"):
        ThreadedParameterSearch(PopularityExperiment(), DcgScore, schedule="lpt")
