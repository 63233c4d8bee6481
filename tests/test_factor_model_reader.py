"""readFactorModel / readEigenFactorModel: round trip against the model's own predictions."""

from __future__ import annotations

import numpy as np
import pytest

from alpenglow.datasets import synthetic_stream
from alpenglow.errors import DataError
from alpenglow.experiments import ALSFactorExperiment, FactorExperiment
from alpenglow.utils import readEigenFactorModel, readFactorModel


class Rec:
    def __init__(self, user, item):
        self.user, self.item, self.time = user, item, 0


def trained(experiment, name):
    experiment.run(synthetic_stream(2000, seed=4), verbose=False)
    return next(o for o in experiment.objects if type(o).__name__ == name)


def test_factor_model_round_trip(tmp_path):
    model = trained(FactorExperiment(dimension=6, negative_rate=3), "FactorModel")
    path = tmp_path / "factor.bin"
    model.write(str(path))
    users, items = readFactorModel(str(path), 6)
    assert users.index.name == "user" and items.index.name == "item"
    assert list(users.columns) == [1, 2, 3, 4, 5, 6] and list(items.columns) == [1, 2, 3, 4, 5, 6]
    assert len(users) > 100 and len(items) > 100 and users.index.is_unique
    for u in users.index[:15]:
        for i in items.index[:15]:
            expected = model.prediction(Rec(int(u), int(i)))
            assert expected != 0
            assert float(np.dot(users.loc[u], items.loc[i])) == pytest.approx(expected, rel=1e-12, abs=0)
    # an id without a vector is not in the frames (the model predicts 0 for it)
    missing = int(users.index.max()) + 1
    assert model.prediction(Rec(missing, int(items.index[0]))) == 0


def test_eigen_factor_model_round_trip(tmp_path):
    model = trained(ALSFactorExperiment(dimension=5, period_length=500), "EigenFactorModel")
    path = tmp_path / "eigen.bin"
    model.write(str(path))
    users, items = readEigenFactorModel(str(path))
    assert list(users.columns) == [1, 2, 3, 4, 5]
    assert list(users.index) == list(range(len(users))) and list(items.index) == list(range(len(items)))
    for u in range(0, len(users), max(1, len(users) // 10)):
        for i in range(0, len(items), max(1, len(items) // 10)):
            expected = model.prediction(Rec(u, i))
            assert float(np.dot(users.loc[u], items.loc[i])) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_bad_files(tmp_path):
    model = trained(FactorExperiment(dimension=3, negative_rate=1), "FactorModel")
    path = tmp_path / "factor.bin"
    model.write(str(path))
    with pytest.raises(DataError, match="dimension 3, not 4"):
        readFactorModel(str(path), 4)
    with pytest.raises(DataError, match="holds a saved FactorModel, not a EigenFactorModel"):
        readEigenFactorModel(str(path))
    raw = bytearray(path.read_bytes())
    raw[40] ^= 1
    (tmp_path / "bad.bin").write_bytes(bytes(raw))
    with pytest.raises(DataError, match="checksum mismatch"):
        readFactorModel(str(tmp_path / "bad.bin"))
    (tmp_path / "text.bin").write_text("hello")
    with pytest.raises(DataError, match="not an alpenglow model file"):
        readFactorModel(str(tmp_path / "text.bin"))
