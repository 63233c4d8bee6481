"""The Ray backend of ThreadedParameterSearch: one local Ray (2 CPUs) for the module."""

from __future__ import annotations

import math
import sys

import pytest

from alpenglow.datasets import synthetic_stream
from alpenglow.errors import SearchError
from alpenglow.evaluation import DcgScore
from alpenglow.experiments import FactorExperiment
from alpenglow.utils import ParameterSearch, RayParameterSearch, ThreadedParameterSearch

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install alpenglow[ray]); it has no wheel here")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def data():
    return synthetic_stream(3000, seed=11)


def search(cls, **kw):
    s = cls(FactorExperiment(top_k=50, dimension=4), DcgScore, **kw)
    s.set_parameter_values("learning_rate", [0.03, 0.08, 0.0])
    s.set_parameter_values("negative_rate", [2, 5])
    return s


def test_a_local_ray_is_started_when_none_is_running(data):
    assert not ray.is_initialized()
    try:
        s = RayParameterSearch(FactorExperiment(top_k=50, dimension=4), DcgScore, threads=2)
        s.set_parameter_values("negative_rate", [2, 5])
        table = s.run(data, verbose=False)
        assert ray.is_initialized() and ray.cluster_resources().get("CPU") == 2
        expected = ParameterSearch(FactorExperiment(top_k=50, dimension=4), DcgScore)
        expected.set_parameter_values("negative_rate", [2, 5])
        assert table.equals(expected.run(data, verbose=False))
    finally:
        ray.shutdown()


def test_ray_equals_sequential_and_puts_the_data_once(local_ray, data, monkeypatch):
    expected = search(ParameterSearch).run(data, verbose=False)
    puts = []
    real_put = ray.put

    def counting_put(value, *a, **k):
        puts.append(value)
        return real_put(value, *a, **k)

    monkeypatch.setattr(ray, "put", counting_put)
    table = search(ThreadedParameterSearch, backend="ray", threads=2).run(data, verbose=False)
    assert table.equals(expected)
    with_data = [p for p in puts if isinstance(p, tuple) and p and p[0] and p[0][0] is data]
    assert len(with_data) == 1, "the data must go to the object store once, not once per task"
    assert search(RayParameterSearch).run(data, verbose=False).equals(expected)


def test_ray_failing_configuration(local_ray, data):
    def make():
        s = RayParameterSearch(FactorExperiment(dimension=4), DcgScore)
        s.set_parameter_values("top_k", [50, 0])
        return s

    with pytest.raises(SearchError, match=r"configuration 1 \{'top_k': 0\} failed: ParameterError: .*top_k"):
        make().run(data, verbose=False)
    table = make().run(data, verbose=False, errors="skip")
    assert math.isnan(table.DcgScore[1]) and table.DcgScore[0] > 0


def test_without_ray_the_error_says_how_to_install(monkeypatch, data):
    monkeypatch.setitem(sys.modules, "ray", None)
    s = RayParameterSearch(FactorExperiment(dimension=4), DcgScore)
    s.set_parameter_values("top_k", [50])
    with pytest.raises(ImportError, match=r"pip install alpenglow\[ray\]"):
        s.run(data, verbose=False)
