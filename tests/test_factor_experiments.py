"""The factor experiments end to end: shape, determinism (also across threads), save/load,
pickling and parameter errors. Quality and speed are measured in bench/, not here."""

from __future__ import annotations

import pickle
import threading

import numpy as np
import pandas as pd
import pytest

import alpenglow.cpp as cpp
from alpenglow.datasets import synthetic_stream
from alpenglow.errors import DataError, ParameterError
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import (
    AsymmetricFactorExperiment,
    FactorExperiment,
    FmExperiment,
    PosSamplingFactorExperiment,
    SvdppExperiment,
)

SMALL = {"negative_rate": 5}
EXPERIMENTS = [
    (FactorExperiment, SMALL),
    (PosSamplingFactorExperiment, {**SMALL, "pool_size": 50}),
    (AsymmetricFactorExperiment, SMALL),
    (SvdppExperiment, SMALL),
    (FmExperiment, {"negative_rate": 2}),
]


@pytest.fixture(scope="module")
def stream() -> pd.DataFrame:
    return synthetic_stream(3000, n_users=60, n_items=120, seed=5)


@pytest.mark.parametrize(("cls", "params"), EXPERIMENTS, ids=lambda x: getattr(x, "__name__", ""))
def test_runs_and_is_deterministic(stream, cls, params):
    first = cls(top_k=20, **params).run(stream, verbose=False)
    second = cls(top_k=20, **params).run(stream, verbose=False)
    assert list(first.columns) == ["time", "score", "user", "item", "prediction", "rank"]
    assert len(first) == len(stream)
    pd.testing.assert_frame_equal(first, second)
    assert first["rank"].notna().any(), "a learning model must hit sometimes"
    assert ((first["rank"].dropna() >= 1) & (first["rank"].dropna() <= 20)).all()


def test_seeds_change_results_and_model_seed_is_settable(stream):
    base = FactorExperiment(top_k=20, **SMALL).run(stream, verbose=False)
    other_sampler = FactorExperiment(top_k=20, seed=99, **SMALL).run(stream, verbose=False, shuffle_same_time=False)
    other_model = FactorExperiment(top_k=20, model_seed=12345, **SMALL).run(stream, verbose=False)
    assert not base["prediction"].equals(other_sampler["prediction"])
    assert not base["prediction"].equals(other_model["prediction"])


def test_same_results_in_two_threads(stream):
    expected = FactorExperiment(top_k=20, **SMALL).run(stream, verbose=False)
    results: list = [None, None]

    def work(i: int) -> None:
        results[i] = FactorExperiment(top_k=20, **SMALL).run(stream, verbose=False)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    for r in results:
        pd.testing.assert_frame_equal(r, expected)


def test_reference_ranking_gives_the_same_ranks(stream):
    fast = FactorExperiment(top_k=20, **SMALL).run(stream, verbose=False, shuffle_same_time=False)
    reference = FactorExperiment(top_k=20, reference_ranking=True, **SMALL).run(
        stream, verbose=False, shuffle_same_time=False)
    pd.testing.assert_series_equal(fast["rank"], reference["rank"])


def trained_factor_model(stream: pd.DataFrame):
    experiment = FactorExperiment(top_k=20, **SMALL)
    experiment.run(stream, verbose=False)
    return next(o for o in experiment.objects if type(o).__name__ == "FactorModel")


class Rec:
    def __init__(self, user: int, item: int) -> None:
        self.user, self.item, self.time, self.score, self.id = user, item, 0.0, 1.0, 0


def predictions(model, users=range(10), items=range(15)) -> np.ndarray:
    return np.array([[model.prediction(Rec(u, i)) for i in items] for u in users])


@pytest.mark.parametrize("kind", ["FactorModel", "AsymmetricFactorModel", "SvdppModel", "FmModel"])
def test_saved_model_predicts_the_same(tmp_path, stream, kind):
    cls = {"FactorModel": FactorExperiment, "AsymmetricFactorModel": AsymmetricFactorExperiment,
           "SvdppModel": SvdppExperiment, "FmModel": FmExperiment}[kind]
    experiment = cls(top_k=20, negative_rate=3)
    experiment.run(stream, verbose=False)
    model = next(o for o in experiment.objects if type(o).__name__ == kind)
    expected = predictions(model)
    assert np.abs(expected).sum() > 0
    model.write(tmp_path / "model.bin")
    fresh = getattr(cpp, kind)(**model._params)
    fresh.read(tmp_path / "model.bin")
    np.testing.assert_array_equal(predictions(fresh), expected)
    np.testing.assert_array_equal(predictions(pickle.loads(pickle.dumps(model))), expected)


def test_loading_the_wrong_file_is_a_clear_error(tmp_path, stream):
    model = trained_factor_model(stream)
    model.write(tmp_path / "factor.bin")
    with pytest.raises(DataError, match="holds a saved FactorModel, not a SvdppModel"):
        cpp.SvdppModel(dimension=10).read(tmp_path / "factor.bin")
    with pytest.raises(DataError, match="dimension"):
        cpp.FactorModel(dimension=4).read(tmp_path / "factor.bin")
    (tmp_path / "text.bin").write_text("not a model")
    with pytest.raises(DataError, match="not an alpenglow model"):
        cpp.FactorModel().read(tmp_path / "text.bin")
    with pytest.raises(FileNotFoundError):
        cpp.FactorModel().read(tmp_path / "missing.bin")


@pytest.mark.parametrize(("cls", "params", "name"), [
    (FactorExperiment, {"dimension": 0}, "dimension"),
    (FactorExperiment, {"learning_rate": -0.1}, "learning_rate"),
    (FactorExperiment, {"begin_min": 0.5, "begin_max": 0.1}, "begin_min"),
    (FactorExperiment, {"negative_rate": -1}, "negative_rate"),
    (AsymmetricFactorExperiment, {"norm_type": "bogus"}, "norm_type"),
    (SvdppExperiment, {"dimension": -3}, "dimension"),
    (PosSamplingFactorExperiment, {"pool_size": 0}, "pool_size"),
    (FmExperiment, {"learning_rate": -1.0}, "learning_rate"),
])
def test_bad_parameters_name_the_parameter(stream, cls, params, name):
    with pytest.raises(ParameterError, match=name):
        cls(top_k=10, **params).run(stream.head(50), verbose=False)


def test_asymmetric_rejects_regularization_rate_like_the_original(stream):
    with pytest.raises(ParameterError, match="Unused parameters: regularization_rate"):
        AsymmetricFactorExperiment(regularization_rate=0.1).run(stream.head(50), verbose=False)


def test_fm_with_attribute_files(tmp_path):
    data = pd.DataFrame({"time": range(40), "user": [i % 4 for i in range(40)], "item": [i % 7 for i in range(40)]})
    (tmp_path / "users.txt").write_text("".join(f"{u}:1 {10 + u % 2}:0.5\n" for u in range(4)))
    (tmp_path / "items.txt").write_text("".join(f"{i}:1\n" for i in range(7)))
    res = FmExperiment(top_k=5, negative_rate=2, user_attributes=str(tmp_path / "users.txt"),
                       item_attributes=str(tmp_path / "items.txt")).run(data, verbose=False, recode=False)
    assert len(res) == 40 and float(DcgScore(res).mean()) >= 0
    (tmp_path / "bad.txt").write_text("0:1\n1:x\n")
    with pytest.raises(DataError, match=r"bad\.txt, line 2"):
        FmExperiment(user_attributes=str(tmp_path / "bad.txt")).run(data, verbose=False, recode=False)
