"""alpenglow.cpp: every registered component, the Getter factory and a hand-wired experiment."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alpenglow
import alpenglow._core as core
import alpenglow.cpp as cpp
from alpenglow.errors import ParameterError
from alpenglow.experiments import PopularityExperiment, TransitionProbabilityExperiment
from alpenglow.utils import DataframeData

NOT_COMPONENTS = {"RecommenderData", "LegacyRecommenderData", "RecDat", "RankingLogs", "RankingLog", "CppKeyboardInterrupt"}
COMPONENTS = sorted(n for n in cpp.__all__ if not n.endswith("Parameters") and n not in NOT_COMPONENTS)

_ATTRIBUTES = Path(tempfile.mkdtemp()) / "attributes.txt"
_ATTRIBUTES.write_text("0:1 3:0.5\n1:1\n")
_LABELS = _ATTRIBUTES.parent / "labels.txt"
_LABELS.write_text("0 1\n1 2\n")
# Components whose defaults are deliberately invalid (the parameter must be chosen), with valid values.
REQUIRED = {"PopularityTimeFrameModelUpdater": {"tau": 3600.0},
            "SparseAttributeContainer": {"file_name": str(_ATTRIBUTES)},
            "UniformNegativeSampleGenerator": {"negative_rate": 10.0},
            "PopularityNegativeSampleGenerator": {"negative_rate": 10.0},
            "HighPredictionNegativeSampleGenerator": {"negative_rate": 2.0, "full_negative_rate": 10.0},
            "PooledPositiveSampleGenerator": {"pool_size": 100.0, "positive_rate": 3.0},
            "PowerLawRecency": {"delta_t": 3600.0, "exponent": 0.5},
            "NearestNeighborModel": {"gamma": 0.8, "gamma_threshold": 0.0, "num_of_neighbors": 10},
            "NearestNeighborModelUpdater": {"compute_similarity_period": 86400.0},
            "LabelFilter": {"label_file_name": str(_LABELS)},
            "OnlinePredictor": {"time_frame": 86400.0}}
# A non-default, valid value per parameter type, to check that keywords reach the component.
SAMPLE = {"float": 12.5, "int": 17, "bool": True, "str": "normal"}


def make(name, **extra):
    return getattr(cpp, name)(**{**REQUIRED.get(name, {}), **extra})


def test_component_list_is_not_empty():
    for expected in ("OnlineExperiment", "MemoryRankingLogger", "PopularityModel", "PopularityModelUpdater",
                     "SimpleIterator", "ShuffleIterator", "TransitionProbabilityModel"):
        assert expected in COMPONENTS
    assert "RecommenderData" in cpp.__all__ and "LegacyRecommenderData" in cpp.__all__


def test_compiler_markers():
    assert isinstance(getattr(cpp, "__compiler"), str) and isinstance(getattr(cpp, "__stdlib"), str)


@pytest.mark.parametrize("name", COMPONENTS)
def test_constructs_with_defaults(name):
    cls = getattr(cpp, name)
    if name in REQUIRED:
        with pytest.raises(ParameterError):
            cls()
    obj = make(name)
    assert isinstance(obj, cls)
    params = obj.get_params()
    assert isinstance(params, dict)
    for key, value in REQUIRED.get(name, {}).items():
        assert params[key] == value


@pytest.mark.parametrize("name", COMPONENTS)
def test_unknown_keyword_lists_accepted(name):
    accepted = list(make(name).get_params())
    with pytest.raises(ParameterError) as e:
        make(name, no_such_keyword_xyz=1)
    msg = str(e.value)
    assert name in msg and "no_such_keyword_xyz" in msg
    if accepted:
        for key in accepted:
            assert key in msg, (key, msg)
    else:
        assert "no parameters" in msg


@pytest.mark.parametrize("name", COMPONENTS)
def test_repr(name):
    obj = make(name)
    text = repr(obj)
    assert text.startswith(f"{name}(") and text.endswith(")")
    for key, value in REQUIRED.get(name, {}).items():
        assert f"{key}={value!r}" in text


@pytest.mark.parametrize("name", COMPONENTS)
def test_pickle_round_trip(name):
    obj = make(name)
    clone = pickle.loads(pickle.dumps(obj))
    assert type(clone) is type(obj)
    assert clone.get_params() == obj.get_params()
    assert clone._handle.id() != obj._handle.id()  # a new component, not a shared one


@pytest.mark.parametrize("name", COMPONENTS)
def test_pickle_keeps_non_default_parameters(name):
    info = getattr(cpp, name)._info
    kwargs = dict(REQUIRED.get(name, {}))
    for k, p in enumerate(info["params"]):
        if p["type"] in ("float", "int") and p["name"] not in kwargs and p["name"] not in ("seed", "random_seed"):
            kwargs[p["name"]] = SAMPLE[p["type"]] + k  # distinct increasing values
    try:
        obj = getattr(cpp, name)(**kwargs)
    except ParameterError:
        pytest.skip("sample values not valid for this component")
    clone = pickle.loads(pickle.dumps(obj))
    assert clone.get_params() == obj.get_params()
    for key, value in kwargs.items():
        assert clone.get_params()[key] == value


@pytest.mark.parametrize("name", COMPONENTS)
def test_docstring(name):
    doc = getattr(cpp, name).__doc__
    assert doc and doc.strip()
    for p in getattr(cpp, name)._info["params"]:
        assert p["name"] in doc
    for c in getattr(cpp, name)._info["calls"]:
        assert c["call"] in doc
        assert getattr(getattr(cpp, name), c["call"]).__doc__


@pytest.mark.parametrize("name", COMPONENTS)
def test_docstring_shows_declared_constraints(name):
    doc = getattr(cpp, name).__doc__
    for p in getattr(cpp, name)._info["params"]:
        head = f"{p['name']} : {p['type']}, default {p['default']!r}"
        expected = f"{head}, {p['constraint']}\n" if p["constraint"] else f"{head}\n"
        assert expected in doc


def test_constraint_texts_in_registry_docstrings_and_stub():
    doc = cpp.FactorModel.__doc__
    assert "dimension : int, default 10, in 1..=1048576\n" in doc
    assert "use_sigmoid : bool, default False\n" in doc
    assert "max_user : int, default -1, -1 (from the data) or in 0..=16777215\n" in doc
    assert "learning_rate : float, default 0.1, a finite number >= 0\n" in cpp.FactorModelGradientUpdater.__doc__
    assert "mode : str, default '', one of '', 'normal', 'inverted', 'symmetric'\n" in (
        cpp.TransitionProbabilityModelUpdater.__doc__)
    assert "seed : int, default 745578, a 32-bit seed, not 0, -4 or 2147483647\n" in cpp.ShuffleIterator.__doc__
    stub = (Path(__file__).resolve().parents[1] / "python" / "alpenglow" / "cpp.pyi").read_text()
    assert "    dimension: int  # in 1..=1048576\n" in stub
    assert "    use_sigmoid: bool\n" in stub


def test_parameter_violation_uses_the_core_constraint():
    assert core.parameter_violation("FactorModel", "dimension", 0) == "must be in 1..=1048576, got 0"
    assert core.parameter_violation("FactorModel", "dimension", 1 << 20) is None
    assert core.parameter_violation("FactorModel", "use_sigmoid", True) is None
    assert core.parameter_violation("PowerLawRecency", "delta_t", float("nan")) == "must be a finite number > 0, got nan"
    with pytest.raises(ParameterError, match="FactorModel has no parameter 'dimnsion'"):
        core.parameter_violation("FactorModel", "dimnsion", 3)
    with pytest.raises(ParameterError, match="must be in 1..=1048576, got 0"):
        cpp.FactorModel(dimension=0)


@pytest.mark.parametrize("name", COMPONENTS)
def test_parameters_companion(name):
    params_cls = getattr(cpp, name + "Parameters")
    defaults = params_cls()
    info_defaults = {p["name"]: p["default"] for p in getattr(cpp, name)._info["params"]}
    assert vars(defaults) == info_defaults
    given = params_cls(**REQUIRED.get(name, {}))
    obj = getattr(cpp, name)(given)
    assert obj.get_params() == make(name).get_params()
    if name not in REQUIRED:
        assert getattr(cpp, name)(defaults).get_params() == getattr(cpp, name)().get_params()


def test_parameters_companion_sets_values():
    p = cpp.TransitionProbabilityModelUpdaterParameters()
    p.mode = "inverted"
    p.filter_freq_updates = True
    obj = cpp.TransitionProbabilityModelUpdater(p)
    assert obj.get_params()["mode"] == "inverted" and obj.get_params()["filter_freq_updates"] is True
    p2 = cpp.PopularityTimeFrameModelUpdaterParameters(tau=5)
    assert cpp.PopularityTimeFrameModelUpdater(p2).get_params() == {"tau": 5.0}


@pytest.mark.parametrize("name", COMPONENTS)
def test_getter_factory(name):
    obj = getattr(alpenglow.Getter, name)(**REQUIRED.get(name, {}))
    assert isinstance(obj, getattr(cpp, name))
    assert obj.get_params() == make(name).get_params()


def test_getter_collect_and_get_and_clean():
    from alpenglow.Getter import Getter as rs

    before = cpp.PopularityModel()  # created before collect(): not recorded
    rs.collect()
    a = rs.PopularityModel()
    b = rs.PopularityTimeFrameModelUpdater(tau=3)
    c = cpp.SimpleIterator()  # direct construction is recorded too
    got = rs.get_and_clean()
    assert [id(x) for x in got] == [id(a), id(b), id(c)]
    assert before not in got
    assert rs.get_and_clean() == []  # recording stopped
    rs.PopularityModel()
    assert rs.get_and_clean() == []


def test_getter_import_forms():
    from alpenglow.Getter import Getter as cpp_factory

    import alpenglow.Getter as rs

    assert rs is alpenglow.Getter is cpp_factory
    assert isinstance(rs, type) and rs.__name__ == "Getter"
    assert isinstance(cpp_factory.PopularityModel(), cpp.PopularityModel)
    with pytest.raises(AttributeError):
        rs.__no_such_dunder__


def test_getter_compat_helpers():
    from alpenglow.Getter import Getter as rs

    objs = [rs.PopularityModel(), rs.PopularityModelUpdater()]
    rs.set_experiment_environment(rs.OnlineExperiment(), objs)
    rs.initialize_all(objs)
    objs[1].set_model(objs[0])
    for o in objs:
        rs.run_self_test(o)
        assert o.initialize() is True


# --------------------------------------------------------------------------------------------
# A hand-wired experiment using only alpenglow.cpp gives the same raw ranks as the experiment class
# --------------------------------------------------------------------------------------------
def hand_wired(df, model, updater, top_k, iterator=None, exclude_known=False):
    data = DataframeData(df)
    iterator = iterator or cpp.SimpleIterator()
    iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment(top_k=top_k, exclude_known=exclude_known)
    experiment.set_recommender_data_iterator(iterator)
    updater.set_model(model)
    logger = cpp.MemoryRankingLogger(top_k=top_k, random_seed=43211234, memory_log=True)
    logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    processed = core.run(experiment._handle)
    assert processed == len(df)
    return core.ranking_logs(logger._handle)


@pytest.fixture
def small_df():
    return pd.DataFrame({"time": np.arange(12), "user": [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3],
                         "item": [0, 1, 0, 1, 2, 2, 1, 0, 2, 0, 1, 3]})


def test_hand_wired_popularity_exact(small_df):
    logs = hand_wired(small_df, cpp.PopularityModel(), cpp.PopularityModelUpdater(), top_k=10)
    # See test_streams_exact: 1-based ranks NaN 1 2 NaN 3 1 2 3 2 2 NaN; new items -> top_k+5.
    assert logs["rank"].tolist() == [15, 15, 0, 1, 15, 2, 0, 1, 2, 1, 1, 15]
    assert logs["record_index"].tolist() == list(range(12))
    assert logs["top_k"] == 10


@pytest.mark.parametrize("shuffle", [False, True])
def test_hand_wired_matches_popularity_experiment(shuffle):
    from alpenglow.datasets import synthetic_stream

    df = synthetic_stream(20_000, n_users=300, n_items=500, seed=11)
    top_k = 50
    iterator = cpp.ShuffleIterator(seed=254938879) if shuffle else cpp.SimpleIterator()
    logs = hand_wired(df, cpp.PopularityModel(), cpp.PopularityModelUpdater(), top_k, iterator=iterator)
    res = PopularityExperiment(top_k=top_k).run(df, verbose=False, shuffle_same_time=shuffle, recode=False)
    raw = logs["rank"].astype(np.int64)
    expected = np.where(raw < top_k, raw + 1.0, np.nan)
    np.testing.assert_array_equal(res["rank"].to_numpy(), expected)
    np.testing.assert_array_equal(res["prediction"].to_numpy(), logs["prediction"])
    np.testing.assert_array_equal(res.index.to_numpy(), df.index.to_numpy()[logs["record_index"].astype(np.int64)])
    assert np.isnan(expected).any() and (~np.isnan(expected)).any()


def test_hand_wired_matches_transition_experiment():
    from alpenglow.datasets import synthetic_stream

    df = synthetic_stream(10_000, n_users=200, n_items=300, seed=5)
    logs = hand_wired(df, cpp.TransitionProbabilityModel(), cpp.TransitionProbabilityModelUpdater(mode="normal"),
                      top_k=20, exclude_known=True)
    res = TransitionProbabilityExperiment(top_k=20).run(df, verbose=False, shuffle_same_time=False,
                                                        exclude_known=True, recode=False)
    raw = logs["rank"].astype(np.int64)
    np.testing.assert_array_equal(res["rank"].to_numpy(), np.where(raw < 20, raw + 1.0, np.nan))


def test_hand_wired_logger_without_memory_log(small_df, tmp_path):
    out = tmp_path / "log.txt"
    data = DataframeData(small_df)
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment(top_k=10, exclude_known=False)
    experiment.set_recommender_data_iterator(iterator)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    logger = cpp.MemoryRankingLogger(top_k=10, random_seed=43211234, memory_log=False, out_file=str(out))
    logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    core.run(experiment._handle)
    assert len(core.ranking_logs(logger._handle)["rank"]) == 0
    assert [int(line.split()[1]) for line in out.read_text().splitlines()] == [15, 15, 0, 1, 15, 2, 0, 1, 2, 1, 1, 15]


def test_legacy_recommender_data(small_df, tmp_path):
    path = tmp_path / "s.csv"
    small_df.to_csv(path, index=False)
    data = cpp.LegacyRecommenderData(str(path), type="csv")
    assert data.size() == len(data) == 12
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(data)
    experiment = cpp.OnlineExperiment(top_k=10, exclude_known=False)
    experiment.set_recommender_data_iterator(iterator)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    logger = cpp.MemoryRankingLogger(top_k=10, random_seed=43211234)
    logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    core.run(experiment._handle)
    assert core.ranking_logs(logger._handle)["rank"].tolist() == [15, 15, 0, 1, 15, 2, 0, 1, 2, 1, 1, 15]


# --- Role methods: declared with the role in the core, generated here -------------------------

MODELS = [c["name"] for c in core.components() if "model" in c["roles"]]


def test_every_component_plays_a_role():
    assert all(c["roles"] for c in core.components())


@pytest.mark.parametrize("name", MODELS)
def test_models_have_the_model_role_methods(name):
    cls = getattr(cpp, name)
    for method in ("prediction", "write", "read"):
        assert callable(getattr(cls, method)), method
    assert "prediction(rec_dat)" in cls.__doc__
    assert "_state" not in cls.__doc__


def test_non_models_have_no_model_methods():
    assert not hasattr(cpp.PopularityModelUpdater, "prediction")
    assert not hasattr(cpp.MemoryRankingLogger, "write")


def test_role_method_arguments_are_checked():
    model = cpp.FactorModel(dimension=2)
    with pytest.raises(ParameterError, match=r"FactorModel.prediction\(\) takes 1 argument\(s\) \(rec_dat\), got 0"):
        model.prediction()
    with pytest.raises(ParameterError, match=r"FactorModel.write\(\): argument 'file_name' must be a path"):
        model.write(3)
    with pytest.raises(ParameterError, match="FactorModel has no method 'nope'"):
        model._handle.call("nope")


def test_write_and_read_accept_path_objects(tmp_path):
    model = cpp.FactorModel(dimension=3)
    model.write(tmp_path / "f.bin")
    other = cpp.FactorModel(dimension=3, seed=7)
    other.read(tmp_path / "f.bin")
    assert other._handle.call("_state") == model._handle.call("_state")


def test_stub_declares_role_methods():
    stub = (Path(cpp.__file__).with_suffix(".pyi")).read_text()
    block = stub.split("class FactorModel(Component):")[1].split("\nclass ")[0]
    assert "def prediction(self, rec_dat: Any) -> float: ..." in block
    assert "def write(self, file_name: str | os.PathLike[str]) -> None: ..." in block
    assert "_state" not in block
