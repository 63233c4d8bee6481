"""Periodic retraining: BatchFactorExperiment and BatchAndOnlineFactorExperiment, the period
wiring and model files per period."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alpenglow.cpp as cpp
from alpenglow.datasets import synthetic_stream
from alpenglow.errors import ParameterError
from alpenglow.experiments import BatchAndOnlineFactorExperiment, BatchFactorExperiment


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synthetic_stream(600, n_users=40, n_items=60, seed=3)


def batch(**kw) -> BatchFactorExperiment:
    params = dict(top_k=20, period_length=150, period_mode="samplenum", negative_rate=3, seed=11)
    params.update(kw)
    return BatchFactorExperiment(**params)


def test_model_is_frozen_until_the_first_period_end(data):
    res = batch().run(data, verbose=False, shuffle_same_time=False)
    assert len(res) == len(data)
    # No model before the end of the first period (records 0..149): nothing is ranked.
    assert res["rank"].iloc[:150].isna().all()
    assert res["prediction"].iloc[:150].eq(0).all()
    assert res["rank"].iloc[150:].notna().any()


def test_without_learning_nothing_is_ever_ranked(data):
    res = batch(learn=False).run(data, verbose=False)
    assert res["rank"].isna().all()


def test_one_period_for_the_whole_stream_trains_only_at_the_end(data):
    res = batch(period_length=10_000).run(data, verbose=False)
    assert res["rank"].isna().all()


def test_start_time_delays_the_first_retraining(data):
    res = batch(start_time=300).run(data, verbose=False, shuffle_same_time=False)
    # Periods ending at records 149 and 299 are at or before start_time: no model until 449.
    assert res["rank"].iloc[:450].isna().all()
    assert res["rank"].iloc[450:].notna().any()


def test_runs_are_deterministic(data):
    first = batch().run(data, verbose=False)
    second = batch().run(data, verbose=False)
    pd.testing.assert_frame_equal(first, second)
    other_seed = batch(seed=12).run(data, verbose=False)
    assert not first["prediction"].equals(other_seed["prediction"])


def test_timeframe_changes_the_training_set(data):
    full = batch(period_mode="time", period_length=100).run(data, verbose=False)
    window = batch(period_mode="time", period_length=100, timeframe_length=50).run(data, verbose=False)
    assert not full["prediction"].equals(window["prediction"])


def test_written_models_replayed_with_learn_false_predict_identically(data, tmp_path):
    base = tmp_path / "batch"
    trained = batch(write_model=True, base_out_file_name=str(base)).run(data, verbose=False)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["batch_1", "batch_2", "batch_3", "batch_4"]
    replayed = batch(read_model=True, learn=False, base_in_file_name=str(base)).run(data, verbose=False)
    pd.testing.assert_frame_equal(trained, replayed)


def test_unwritable_model_directory_fails_before_the_run(data, tmp_path):
    with pytest.raises(OSError, match="base_out_file_name"):
        batch(write_model=True, base_out_file_name=str(tmp_path / "missing" / "m")).run(data, verbose=False)


def test_missing_model_file_is_named(data, tmp_path):
    with pytest.raises(OSError, match="nothing_1"):
        batch(read_model=True, learn=False, base_in_file_name=str(tmp_path / "nothing")).run(data, verbose=False)


def test_write_model_needs_a_file_name(data):
    with pytest.raises(ParameterError, match="base_out_file_name"):
        batch(write_model=True).run(data, verbose=False)


@pytest.mark.parametrize("key, value", [("period_length", 0), ("period_mode", "weekly"), ("number_of_iterations", -1),
                                        ("timeframe_length", -5)])
def test_bad_period_parameters_are_named(data, key, value):
    with pytest.raises(ParameterError, match=key):
        batch(**{key: value}).run(data, verbose=False)


def test_batch_and_online_trains_between_period_ends(data):
    exp = BatchAndOnlineFactorExperiment(top_k=20, period_length=150, period_mode="samplenum", batch_negative_rate=3,
                                         online_negative_rate=3, seed=5)
    res = exp.run(data, verbose=False, shuffle_same_time=False)
    # Online updates give predictions before the first period end.
    assert res["prediction"].iloc[1:150].ne(0).any()
    again = BatchAndOnlineFactorExperiment(top_k=20, period_length=150, period_mode="samplenum", batch_negative_rate=3,
                                           online_negative_rate=3, seed=5).run(data, verbose=False, shuffle_same_time=False)
    pd.testing.assert_frame_equal(res, again)
    with pytest.raises(TypeError, match="online_regularization_rate"):
        BatchAndOnlineFactorExperiment(online_regularization_rate=0.1).run(data, verbose=False)


def test_periodic_wrapper_names_missing_wiring(data):
    import alpenglow._core as core
    from alpenglow.utils import DataframeData

    wrapper = cpp.PeriodicOfflineLearnerWrapper(clear_model=True)
    wrapper.set_period_computer(cpp.PeriodComputer())
    it = cpp.SimpleIterator()
    it.set_recommender_data(DataframeData(data))
    exp = cpp.OnlineExperiment()
    exp.set_recommender_data_iterator(it)
    exp.add_updater(wrapper)
    with pytest.raises(Exception, match="clear_model needs the model: call set_model"):
        core.run(exp._handle)
    learner_only = cpp.PeriodicOfflineLearnerWrapper()
    learner_only.set_period_computer(cpp.PeriodComputer())
    learner_only.add_offline_learner(cpp.OfflineIteratingOnlineLearnerWrapper())
    exp2 = cpp.OnlineExperiment()
    exp2.set_recommender_data_iterator(it)
    exp2.add_updater(learner_only)
    with pytest.raises(Exception, match="set_data_generator"):
        core.run(exp2._handle)


def test_parallel_runs_in_threads_give_the_sequential_results(data):
    import threading

    sequential = [batch(seed=s).run(data, verbose=False) for s in (1, 2)]
    out = [None, None]

    def job(k, s):
        out[k] = batch(seed=s).run(data, verbose=False)

    threads = [threading.Thread(target=job, args=(k, s)) for k, s in enumerate((1, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for got, expected in zip(out, sequential):
        pd.testing.assert_frame_equal(got, expected)


def delayed_popularity_ranked(data, period, delay) -> int:
    """Records ranked by a popularity model trained through a LearnerPeriodicDelayedWrapper."""
    import alpenglow._core as core
    from alpenglow.utils import DataframeData

    it = cpp.SimpleIterator()
    it.set_recommender_data(DataframeData(data))
    exp = cpp.OnlineExperiment(top_k=10)
    exp.set_recommender_data_iterator(it)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    delayed = cpp.LearnerPeriodicDelayedWrapper(period=period, delay=delay)
    delayed.set_wrapped_learner(updater)
    exp.add_updater(delayed)
    logger = cpp.MemoryRankingLogger(top_k=10)
    logger.set_model(model)
    exp.add_logger(logger)
    core.run(exp._handle)
    ranks = np.asarray(core.ranking_logs(logger._handle)["rank"], dtype=float)
    return int(np.sum(np.isfinite(ranks) & (ranks >= 0) & (ranks < 10)))


def test_delayed_wrapper_lags_the_model(data):
    span = float(data["time"].max() - data["time"].min())
    immediate = delayed_popularity_ranked(data, -1, -1)
    assert immediate > 0
    assert delayed_popularity_ranked(data, -1, 10 * span + 1) == 0, "never released: never trained"
    assert 0 < delayed_popularity_ranked(data, span / 4, -1) < immediate


def test_sampling_generator_checks_its_distribution():
    assert cpp.SamplingDataGenerator(distribution="geometric", number_of_samples=10) is not None
    with pytest.raises(ParameterError, match="distribution"):
        cpp.SamplingDataGenerator(distribution="normal")
