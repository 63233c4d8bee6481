"""Hand-wired experiments (python-api.md §4.1), the 4-tuple `_config`, deprecated keywords and
the namespace of alpenglow.cpp."""

from __future__ import annotations

import _thread
import pickle
import threading
import textwrap
import warnings

import numpy as np
import pandas as pd
import pytest

import alpenglow
import alpenglow._core as core
import alpenglow.cpp as cpp
from alpenglow.errors import ParameterError
from alpenglow.experiments import PopularityTimeframeExperiment, TransitionProbabilityExperiment

SAMPLE_URL = "http://info.ilab.sztaki.hu/~fbobee/alpenglow/alpenglow_sample_dataset"

#: The time-frame popularity experiment of the "anatomy of an online experiment" page, wired by
#: hand, exactly as the page shows it (the data is read from SAMPLE_URL, served locally here).
ANATOMY = textwrap.dedent('''
    from alpenglow.Getter import Getter as cpp
    import alpenglow
    import pandas as pd


    cpp.collect() #see general/memory usage

    #load data
    data_python = pd.read_csv("http://info.ilab.sztaki.hu/~fbobee/alpenglow/alpenglow_sample_dataset", nrows=2000)
    data_cpp_bridge = alpenglow.DataframeData(data_python)
    data = cpp.ShuffleIterator(seed=12345)
    data.set_recommender_data(data_cpp_bridge)

    #set up experiment
    online_experiment = cpp.OnlineExperiment(
        random_seed=12345,
        top_k=100,
        exclude_known=True,
        initialize_all=False
    )
    online_experiment.set_recommender_data_iterator(data)

    #set up model
    model = cpp.PopularityModel()
    updater = cpp.PopularityTimeFrameModelUpdater(
        tau=86400
    )
    updater.set_model(model)
    online_experiment.add_updater(updater)

    #set up loggers
    ranking_logs = cpp.RankingLogs()
    ranking_logs.top_k = 100
    ranking_logger = cpp.MemoryRankingLogger(
        memory_log=True
    )
    ranking_logger.set_ranking_logs(ranking_logs)
    ranking_logger.set_model(model)
    online_experiment.add_logger(ranking_logger)

    proceeding_logger = cpp.ProceedingLogger()
    online_experiment.add_logger(proceeding_logger)

    memory_usage_logger = cpp.MemoryUsageLogger()
    online_experiment.add_logger(memory_usage_logger)

    #initialize and run
    objects = cpp.get_and_clean()
    cpp.set_experiment_environment(online_experiment, objects)
    cpp.initialize_all(objects)
    for i in objects:
        cpp.run_self_test(i)
    online_experiment.run()
''')


@pytest.fixture(scope="module")
def sample():
    """2000 events over 10 days: many equal timestamps, zipf-like items, a few scores != 1."""
    rng = np.random.default_rng(7)
    n = 2000
    time = np.sort(rng.integers(0, 10 * 144, n)) * 600
    item = np.minimum(rng.zipf(1.4, n), 300) - 1
    user = rng.integers(0, 150, n)
    return pd.DataFrame({"time": time, "user": user, "item": item, "score": 1.0})


def run_anatomy(sample, monkeypatch):
    def read_csv(path, nrows=None, **kwargs):
        assert path == SAMPLE_URL
        return sample.iloc[:nrows].copy()

    monkeypatch.setattr(pd, "read_csv", read_csv)
    namespace: dict = {}
    exec(compile(ANATOMY, "anatomy_of_an_experiment", "exec"), namespace)
    return namespace


def test_anatomy_page_runs_unchanged_and_equals_the_preconfigured_experiment(sample, monkeypatch, capfd):
    ns = run_anatomy(sample, monkeypatch)
    logs = ns["ranking_logs"]
    assert logs is ns["ranking_logger"].get_ranking_logs()
    assert logs.top_k == 100
    records = logs.logs
    assert len(records) == len(logs) == len(sample)
    assert all(isinstance(r, cpp.RankingLog) for r in records)
    # The same graph, preconfigured: the logger of the page keeps its default tie-breaking
    # seed (-1, as in the original), so the experiment is given that seed.
    expected = PopularityTimeframeExperiment(seed=12345, top_k=100, tau=86400, ranking_seed=-1).run(
        sample, exclude_known=True, verbose=False, recode=False)
    got = logs.to_frame()
    assert list(got.index) == list(expected.index)
    np.testing.assert_array_equal(got["rank"].to_numpy(), expected["rank"].to_numpy())
    np.testing.assert_array_equal(got["prediction"].to_numpy(), expected["prediction"].to_numpy())
    np.testing.assert_array_equal(got[["time", "user", "item", "score"]].to_numpy(),
                                  expected[["time", "user", "item", "score"]].to_numpy())
    assert expected["rank"].notna().sum() > 100  # not a vacuous comparison
    # Raw codes in RankingLog, 1-based ranks in the frame.
    first_hit = next(r for r in records if r.rank < 100)
    assert got.loc[first_hit.id, "rank"] == first_hit.rank + 1
    # The progress and memory loggers wrote to stderr.
    err = capfd.readouterr().err
    assert err.startswith("0%-") and err.count("OK\n") == 1
    assert "mem usage: " in err


def test_anatomy_with_the_experiments_tie_seed_equals_default_experiment(sample, monkeypatch):
    ns = run_anatomy(sample, monkeypatch)
    # Rewire a second logger with the preconfigured experiments' tie-breaking seed.
    logger = cpp.MemoryRankingLogger(random_seed=43211234)
    logger.set_model(ns["model"])
    experiment = cpp.OnlineExperiment(random_seed=12345, top_k=100, exclude_known=True)
    iterator = cpp.ShuffleIterator(seed=12345)
    iterator.set_recommender_data(ns["data_cpp_bridge"])
    experiment.set_recommender_data_iterator(iterator)
    model = cpp.PopularityModel()
    updater = cpp.PopularityTimeFrameModelUpdater(tau=86400)
    updater.set_model(model)
    logger = cpp.MemoryRankingLogger(random_seed=43211234)
    logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    experiment.run()
    expected = PopularityTimeframeExperiment(seed=12345, top_k=100, tau=86400).run(
        sample, exclude_known=True, verbose=False)
    got = logger.get_ranking_logs().to_frame()
    np.testing.assert_array_equal(got["rank"].to_numpy(), expected["rank"].to_numpy())


def test_ranking_logs_before_a_run_and_wrong_argument():
    logs = cpp.RankingLogs()
    assert logs.logs == [] and len(logs) == 0 and logs.top_k is None
    logger = cpp.MemoryRankingLogger()
    with pytest.raises(TypeError, match="expected RankingLogs"):
        logger.set_ranking_logs([])
    logger.set_ranking_logs(logs)
    assert logs.logs == [] and logger.get_ranking_logs() is logs


def test_hand_wired_run_reports_wiring_errors():
    experiment = cpp.OnlineExperiment()
    with pytest.raises(alpenglow.errors.WiringError, match="set_recommender_data_iterator"):
        experiment.run()


def test_interrupt_logger_is_a_documented_no_op(sample):
    logger = cpp.InterruptLogger()
    assert "Ctrl-C" in type(logger).__doc__
    data = alpenglow.DataframeData(sample)
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment(top_k=50)
    experiment.set_recommender_data_iterator(iterator)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    ranking = cpp.MemoryRankingLogger(random_seed=43211234)
    ranking.set_model(model)
    experiment.add_logger(logger)
    experiment.add_logger(ranking)
    experiment.add_updater(updater)
    experiment.run()
    assert len(ranking.get_ranking_logs()) == len(sample)


def test_list_conditional_meta_logger_from_python(tmp_path, sample):
    path = tmp_path / "input.txt"
    inner = cpp.InputLogger(output_file=str(path))
    flags = [k % 3 == 0 for k in range(len(sample))]
    meta = cpp.ListConditionalMetaLogger(should_run_vector=flags)
    meta.set_logger(inner)
    data = alpenglow.DataframeData(sample)
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment()
    experiment.set_recommender_data_iterator(iterator)
    experiment.add_logger(meta)
    experiment.run()
    lines = path.read_text().splitlines()
    rows = sample.iloc[::3]
    assert lines == [f"{int(t)} {u} {i} {n} 1" for n, t, u, i in zip(rows.index, rows.time, rows.user, rows.item)]
    # Too few flags: an error naming the list, not a crash.
    meta.set_should_run_vector([1, 0])
    with pytest.raises(alpenglow.errors.AlpenglowError, match="should_run_vector has 2 flags"):
        experiment.run()
    with pytest.raises(TypeError, match="should_run_vector"):
        cpp.ListConditionalMetaLogger(should_run_vector=[[1, 0]])
    again = pickle.loads(pickle.dumps(cpp.ListConditionalMetaLogger(should_run_vector=[1, 0, 1])))
    assert again._params["should_run_vector"] == [1, 0, 1]


def test_random_iterators_from_python(sample, tmp_path):
    def served(iterator):
        path = tmp_path / "order.txt"
        iterator.set_recommender_data(alpenglow.DataframeData(sample.iloc[:8]))
        experiment = cpp.OnlineExperiment()
        experiment.set_recommender_data_iterator(iterator)
        experiment.add_logger(cpp.InputLogger(output_file=str(path)))
        experiment.run()
        return [int(line.split()[3]) for line in path.read_text().splitlines()]

    assert served(cpp.RandomIterator(seed=1239)) == [4, 6, 5, 1, 3, 7, 2, 0]
    assert served(cpp.RandomOnlineIterator(seed=1239)) == [4, 6, 5, 1, 3, 7, 2, 0]
    manual = cpp.RandomIterator(seed=1239, shuffle_mode="manual_shuffle")
    assert served(manual) == list(range(8))
    manual.shuffle()
    with pytest.raises(ParameterError, match="shuffle_mode"):
        cpp.RandomIterator(shuffle_mode="sometimes")


class FourTuple(TransitionProbabilityExperiment):
    """The examples' `_config` returning (model, updaters, loggers, end_loggers)."""

    path = None

    def _config(self, top_k, seed):
        model, updater, loggers = super()._config(top_k, seed)
        end = cpp.TransitionModelEndLogger(log_file_name=str(self.path), max_length=2)
        end.set_model(model)
        return model, updater, loggers, [end]


def test_config_may_return_a_four_tuple_with_end_loggers(tmp_path, sample):
    FourTuple.path = tmp_path / "end.txt"
    got = FourTuple(top_k=50).run(sample, verbose=False, recode=False)
    expected = TransitionProbabilityExperiment(top_k=50).run(sample, verbose=False, recode=False)
    pd.testing.assert_frame_equal(got, expected)
    lines = FourTuple.path.read_text().splitlines()
    pop = sample.item.value_counts()
    assert len(lines) == sample.item.max() + 1 or len(lines) <= sample.item.max() + 1
    for line in lines[:5]:
        item, degree, popularity, *pairs = line.split()
        assert int(popularity) == pop.get(int(item), 0)
        assert len(pairs) == min(int(degree), 2)


def test_config_of_the_wrong_shape_is_a_clear_error(sample):
    class Bad(TransitionProbabilityExperiment):
        def _config(self, top_k, seed):
            return super()._config(top_k, seed)[:2]

    with pytest.raises(TypeError, match="_config must return"):
        Bad().run(sample, verbose=False)


def test_keywords_the_original_experiments_pass_are_deprecated_not_errors():
    with pytest.warns(DeprecationWarning, match="'initialize_all', 'max_item'.*UniformNegativeSampleGenerator"):
        nsg = cpp.UniformNegativeSampleGenerator(negative_rate=3.0, initialize_all=False, max_item=-1)
    assert nsg.get_params()["negative_rate"] == 3.0
    assert "initialize_all" not in nsg.get_params() and "initialize_all" not in repr(nsg)
    with pytest.warns(DeprecationWarning, match="'regularization_rate'"):
        cpp.AsymmetricFactorModelGradientUpdater(learning_rate=0.1, regularization_rate=0.0)
    with pytest.warns(DeprecationWarning):
        alpenglow.Getter.UniformNegativeSampleGenerator(negative_rate=1.0, max_item=10)
    with pytest.warns(DeprecationWarning):
        cpp.UniformNegativeSampleGenerator(cpp.UniformNegativeSampleGeneratorParameters(negative_rate=1.0,
                                                                                       initialize_all=True))
    # Any other unknown keyword stays an error, also on the components above.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match="unknown keyword 'initialise_all'"):
            cpp.UniformNegativeSampleGenerator(negative_rate=1.0, initialise_all=False)
        with pytest.raises(ParameterError, match="unknown keyword 'initialize_all'"):
            cpp.PopularityNegativeSampleGenerator(negative_rate=1.0, initialize_all=False)


def test_cpp_offers_only_components():
    names = dir(cpp)
    for stray in ("os", "annotations", "Any", "build_classes", "Component", "_core", "np"):
        assert stray not in names
    assert set(names) == set(cpp.__all__) | {"__compiler", "__stdlib"}
    for name in cpp.__all__:
        obj = getattr(cpp, name)
        assert isinstance(obj, type), name
        assert name in ("RankingLogs", "RankingLog", "CppKeyboardInterrupt", "RecDat") or name.endswith("Parameters") \
            or issubclass(obj, cpp.RecommenderData.__mro__[1]), name


def test_compiler_and_stdlib_describe_the_rust_build():
    compiler, stdlib = getattr(cpp, "__compiler"), getattr(cpp, "__stdlib")
    assert compiler == core.build_info()["compiler"]
    assert compiler.startswith("rustc 1.") and len(compiler.split()[1].split(".")) == 3
    assert stdlib.startswith("rust-std ") and core.build_info()["target"] in stdlib


#: core-components.md §7.1, the families this project has (combination models, filters, Python
#: models, toplist creators, OnlinePredictor and the offline evaluators are built elsewhere).
SECTION_7_1 = {
    "Data containers": ["RecommenderData", "LegacyRecommenderData"],
    "Data iterators": ["SimpleIterator", "ShuffleIterator", "RandomIterator", "RandomOnlineIterator"],
    "Experiment core": ["OnlineExperiment"],
    "Scoring models": ["PopularityModel", "PersonalPopularityModel", "TransitionProbabilityModel",
                       "NearestNeighborModel", "FactorModel", "AsymmetricFactorModel", "SvdppModel", "FmModel",
                       "EigenFactorModel", "ExternalModel"],
    "Plain model updaters": ["PopularityModelUpdater", "PopularityTimeFrameModelUpdater",
                             "PersonalPopularityModelUpdater", "TransitionProbabilityModelUpdater",
                             "NearestNeighborModelUpdater", "FactorModelUpdater", "AsymmetricFactorModelUpdater",
                             "SvdppModelUpdater", "FmModelUpdater"],
    "Gradient updaters": ["FactorModelGradientUpdater", "AsymmetricFactorModelGradientUpdater",
                          "SvdppModelGradientUpdater"],
    "Gradient computers": ["GradientComputerPointWise"],
    "Objectives": ["ObjectiveMSE", "ObjectiveSigmoidMSE", "ObjectiveBPR", "ObjectiveListRank"],
    "Sample generators": ["UniformNegativeSampleGenerator", "PopularityNegativeSampleGenerator",
                          "HighPredictionNegativeSampleGenerator", "PooledPositiveSampleGenerator"],
    "Loggers": ["MemoryRankingLogger", "PredictionLogger", "ListConditionalMetaLogger", "InputLogger",
                "EvaluationLogger", "ProceedingLogger", "MemoryUsageLogger", "TransitionModelLogger",
                "TransitionModelEndLogger", "InterruptLogger"],
    "Data generators": ["CompletePastDataGenerator", "TimeframeDataGenerator", "SamplingDataGenerator"],
    "Offline learners": ["OfflineIteratingOnlineLearnerWrapper", "OfflineEigenFactorModelALSLearner",
                         "OfflineExternalModelLearner"],
    "Online learner wrappers": ["PeriodicOfflineLearnerWrapper", "LearnerPeriodicDelayedWrapper"],
}


@pytest.mark.parametrize("family", sorted(SECTION_7_1))
def test_section_7_1_components_exist(family):
    missing = [n for n in SECTION_7_1[family] if n not in cpp.__all__]
    assert not missing, missing


def _wired(df, *loggers, model=None, updater=None):
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(alpenglow.DataframeData(df))
    experiment = cpp.OnlineExperiment(top_k=50)
    experiment.set_recommender_data_iterator(iterator)
    for logger in loggers:
        experiment.add_logger(logger)
    if updater is not None:
        experiment.add_updater(updater)
    return experiment


def test_proceeding_and_memory_usage_logger_output(sample, capfd):
    capfd.readouterr()
    _wired(sample.iloc[:5], cpp.ProceedingLogger()).run()
    assert capfd.readouterr().err == "0%-20%-40%-60%-80%-OK\n"
    # 250 records: freq 3, so percentages 0, 1, 2, 3, 4, 6, ... (some skipped), as in the original.
    _wired(sample.iloc[:250], cpp.ProceedingLogger()).run()
    expected = "".join(f"{c * 100 // 250}%-" for c in range(0, 250, 3)) + "OK\n"
    assert capfd.readouterr().err == expected
    _wired(sample.iloc[:250], cpp.MemoryUsageLogger()).run()
    lines = capfd.readouterr().err.splitlines()
    assert len(lines) == len(range(0, 250, 3))  # 249, the last record, is a multiple of 3
    for line in lines:
        label, value = line.rsplit(" ", 1)
        assert label == "mem usage:" and int(value) > 1000  # peak RSS in KB


def test_ctrl_c_stops_a_hand_wired_run_with_partial_logs():
    from alpenglow.datasets import synthetic_stream

    n = 300_000
    for _attempt in range(4):
        df = synthetic_stream(n, seed=21)
        model, updater = cpp.PersonalPopularityModel(), cpp.PersonalPopularityModelUpdater()
        updater.set_model(model)
        logger = cpp.MemoryRankingLogger(random_seed=43211234)
        logger.set_model(model)
        experiment = _wired(df, cpp.InterruptLogger(), logger, updater=updater)
        started, finished = threading.Event(), threading.Event()

        def interrupter():
            if started.wait(5) and not finished.wait(0.2):
                _thread.interrupt_main()

        thread = threading.Thread(target=interrupter)
        outcome = None
        try:
            try:
                thread.start()
                started.set()
                experiment.run()
                outcome = "completed"
            except KeyboardInterrupt as e:
                outcome = e
            finally:
                finished.set()
                thread.join(10)
            for _ in range(1000):  # a late interrupt is delivered here, inside the try
                pass
        except KeyboardInterrupt:
            outcome = "late"
        if isinstance(outcome, KeyboardInterrupt):
            break
        n *= 3
    else:
        pytest.fail("could not interrupt a run in progress")
    assert isinstance(outcome, cpp.CppKeyboardInterrupt)
    assert cpp.CppKeyboardInterrupt is alpenglow.errors.RunInterrupted
    partial = logger.get_ranking_logs().to_frame()
    assert 0 < len(partial) < len(df)
    assert list(partial.index) == list(df.index[: len(partial)])


def test_model_loggers_from_python(tmp_path):
    df = pd.DataFrame({"time": [0, 10, 20, 30], "user": [0, 1, 2, 3], "item": [0, 0, 1, 0],
                       "score": [1.0, 1.0, 1.0, 3.0]})
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    evaluation = cpp.EvaluationLogger(file_name=str(tmp_path / "eval.txt"), timeframe=15, error_type="mse")
    evaluation.set_model(model)
    _wired(df, evaluation, updater=updater).run()
    assert (tmp_path / "eval.txt").read_text() == "0 nan\n10 0.5\n20 1.5\n30 2\n"
    with pytest.raises(alpenglow.errors.WiringError, match="expected TransitionProbabilityModel, got PopularityModel"):
        cpp.TransitionModelLogger().set_model(model)
    with pytest.raises(alpenglow.errors.WiringError, match="set_model"):
        _wired(df, cpp.TransitionModelLogger(timeline_logfile_name=str(tmp_path / "t.txt"))).run()
