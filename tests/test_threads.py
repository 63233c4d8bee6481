"""Threads, the GIL and Ctrl-C.

No timing assertions: parallel runs must give the sequential results, the GIL release is shown by
the main thread executing Python while a run is inside the core, and Ctrl-C by the partial results.
"""

from __future__ import annotations

import _thread
import signal
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

import alpenglow._core as core
import alpenglow.cpp as cpp
from alpenglow.datasets import synthetic_stream
from alpenglow.errors import InUseError, RunInterrupted
from alpenglow.experiments import PersonalPopularityExperiment, PopularityExperiment, TransitionProbabilityExperiment
from alpenglow.utils import DataframeData

JOIN_TIMEOUT = 120  # generous: the machine is shared; a hang fails instead of blocking the suite


@pytest.fixture(scope="module")
def big_stream():
    return synthetic_stream(300_000, seed=7)


def in_threads(jobs):
    """Run callables in parallel threads; return their results (or exceptions) in order."""
    out = [None] * len(jobs)

    def call(k, job):
        try:
            out[k] = job()
        except BaseException as e:  # noqa: BLE001 - reported to the test
            out[k] = e

    threads = [threading.Thread(target=call, args=(k, job)) for k, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
        assert not t.is_alive(), "a run did not finish"
    return out


def wired_popularity(df, top_k=100):
    data = DataframeData(df)
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment(top_k=top_k, exclude_known=False)
    experiment.set_recommender_data_iterator(iterator)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    logger = cpp.MemoryRankingLogger(top_k=top_k, random_seed=43211234)
    logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    return experiment, logger


# --------------------------------------------------------------------------------------------
# Parallel runs
# --------------------------------------------------------------------------------------------
def test_parallel_runs_equal_sequential(big_stream):
    sequential = PopularityExperiment(top_k=100).run(big_stream, verbose=False)
    a, b = in_threads([lambda: PopularityExperiment(top_k=100).run(big_stream, verbose=False)] * 2)
    assert isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame), (a, b)
    pd.testing.assert_frame_equal(a, sequential)
    pd.testing.assert_frame_equal(b, sequential)
    assert a.top_k == b.top_k == 100


def test_parallel_different_experiments(big_stream):
    df = big_stream.iloc[:100_000]
    jobs = [
        lambda: PopularityExperiment(top_k=50).run(df, verbose=False),
        lambda: TransitionProbabilityExperiment(top_k=50).run(df, verbose=False, exclude_known=True),
    ]
    parallel = in_threads(jobs)
    for job, got in zip(jobs, parallel):
        assert isinstance(got, pd.DataFrame), got
        pd.testing.assert_frame_equal(got, job())


def test_gil_released_during_core_run(big_stream):
    # With a huge switch interval the main thread only gets the GIL when the worker gives it up.
    # If the core held the GIL for the whole run, the counter could not move between the worker's
    # two reads; with the GIL released, the main loop runs all through the run.
    experiment, logger = wired_popularity(big_stream)
    counter = [0]
    seen = {}
    done = threading.Event()

    def worker():
        try:
            seen["before"] = counter[0]
            seen["records"] = core.run(experiment._handle)
            seen["after"] = counter[0]
        finally:
            done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        while not done.is_set():
            counter[0] += 1
            time.sleep(0)  # releases the GIL so the worker can take it when it needs it
        thread.join(JOIN_TIMEOUT)
    finally:
        sys.setswitchinterval(old)
    assert not thread.is_alive()
    assert seen["records"] == len(big_stream)
    assert seen["after"] - seen["before"] >= 10, seen
    assert len(core.ranking_logs(logger._handle)["rank"]) == len(big_stream)


def test_main_thread_runs_python_during_experiment_run(big_stream):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault(
        "res", PopularityExperiment(top_k=100).run(big_stream, verbose=False)))
    counter = 0
    thread.start()
    while thread.is_alive():
        counter += 1
        thread.join(0.001)
    assert not thread.is_alive()
    assert counter > 1
    assert len(result["res"]) == len(big_stream)


def test_same_experiment_object_in_two_threads(big_stream):
    df = big_stream.iloc[:100_000]
    experiment = PopularityExperiment(top_k=100)
    outcomes = in_threads([lambda: experiment.run(df, verbose=False)] * 2)
    reference = PopularityExperiment(top_k=100).run(df, verbose=False)
    succeeded = [o for o in outcomes if isinstance(o, pd.DataFrame)]
    failed = [o for o in outcomes if not isinstance(o, pd.DataFrame)]
    assert succeeded, outcomes
    for o in failed:
        assert isinstance(o, InUseError), repr(o)
    for o in succeeded:
        pd.testing.assert_frame_equal(o, reference)


def test_same_core_handle_in_two_threads(big_stream):
    experiment, logger = wired_popularity(big_stream.iloc[:100_000])
    outcomes = in_threads([lambda: core.run(experiment._handle)] * 2)
    assert any(o == 100_000 for o in outcomes), outcomes
    for o in outcomes:
        assert o == 100_000 or isinstance(o, InUseError), repr(o)
    # The components are usable afterwards.
    assert core.run(experiment._handle) == 100_000
    assert len(core.ranking_logs(logger._handle)["rank"]) == 100_000


def test_threaded_runs_deterministic_with_shuffle(big_stream):
    df = big_stream.iloc[:50_000]
    runs = in_threads([lambda: PopularityExperiment(top_k=20, seed=99).run(df, verbose=False)] * 3)
    for r in runs[1:]:
        pd.testing.assert_frame_equal(r, runs[0])


# --------------------------------------------------------------------------------------------
# Ctrl-C
# --------------------------------------------------------------------------------------------
def test_ctrl_c_stops_run_with_partial_results():
    n = 300_000
    for _attempt in range(4):
        df = synthetic_stream(n, seed=21)
        experiment = PersonalPopularityExperiment(top_k=50)
        finished = threading.Event()

        def interrupter():
            # The experiment records its components right before the core run starts.
            deadline = time.monotonic() + 5
            while "objects" not in experiment.__dict__ and time.monotonic() < deadline and not finished.is_set():
                time.sleep(0.001)
            if not finished.wait(0.2):
                _thread.interrupt_main()

        thread = threading.Thread(target=interrupter)
        outcome = None
        try:
            try:
                thread.start()
                experiment.run(df, verbose=False, shuffle_same_time=False)
                outcome = "completed"
            except RunInterrupted as e:
                outcome = e
            finally:
                finished.set()
                thread.join(JOIN_TIMEOUT)
            for _ in range(1000):  # a late interrupt is delivered here, inside the try
                pass
        except KeyboardInterrupt:
            outcome = "late"
        if isinstance(outcome, RunInterrupted):
            break
        n *= 3  # the run was too quick to interrupt: try a longer stream
    else:
        pytest.fail("could not interrupt a run in progress")

    exc = outcome
    assert isinstance(exc, KeyboardInterrupt)
    partial = exc.results
    assert partial is experiment.results
    assert 0 < len(partial) < len(df)
    assert str(len(partial)) in str(exc)
    # The partial results are exactly the first rows of an uninterrupted run.
    reference = PersonalPopularityExperiment(top_k=50).run(df.iloc[: len(partial)], verbose=False,
                                                           shuffle_same_time=False)
    pd.testing.assert_frame_equal(partial, reference)
    assert partial.top_k == 50
    # The experiment object is usable again.
    again = experiment.run(df.iloc[:1000], verbose=False, shuffle_same_time=False)
    pd.testing.assert_frame_equal(again, reference.iloc[:1000])


def test_sigint_from_progress_callback_stops_core_run(big_stream):
    experiment, logger = wired_popularity(big_stream)
    calls = []

    def progress(done, total):
        calls.append(done)
        if done >= 50_000 and len(calls) < 1000:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        core.run(experiment._handle, progress, 10_000)
    logged = len(core.ranking_logs(logger._handle)["rank"])
    assert 50_000 <= logged < len(big_stream)
    # The logged prefix equals the first ranks of a full run.
    full_experiment, full_logger = wired_popularity(big_stream)
    core.run(full_experiment._handle)
    np.testing.assert_array_equal(core.ranking_logs(logger._handle)["rank"],
                                  core.ranking_logs(full_logger._handle)["rank"][:logged])
