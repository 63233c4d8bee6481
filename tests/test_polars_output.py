"""run(output="polars"): the same result columns as a polars DataFrame."""

from __future__ import annotations

import builtins

import numpy as np
import pandas as pd
import pytest

from alpenglow.errors import ParameterError
from alpenglow.experiments import PopularityExperiment

pl = pytest.importorskip("polars")


@pytest.fixture
def df(stream):
    return stream([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], ["a", "b", "a", "b", "c", "c", "b", "a", "c", "a"],
                  index=pd.Index(np.arange(100, 110), name="rid"))


def test_polars_equals_pandas(df):
    res_pd = PopularityExperiment(top_k=5).run(df, verbose=False)
    exp = PopularityExperiment(top_k=5)
    res = exp.run(df, verbose=False, output="polars")
    assert isinstance(res, pl.DataFrame)
    assert exp.results is res
    assert res.columns == ["id", "time", "score", "user", "item", "prediction", "rank"]
    for c in ("time", "score", "prediction", "rank"):
        np.testing.assert_array_equal(res[c].to_numpy(), res_pd[c].to_numpy())
    for c in ("user", "item"):
        assert res[c].to_list() == res_pd[c].tolist()
    assert res["rank"].dtype == pl.Float64 and res["rank"].is_nan().sum() == res_pd["rank"].isna().sum()
    assert res["id"].to_list() == list(range(100, 110))


def test_polars_cold_and_renamed_columns(df):
    renamed = df.rename(columns={"user": "u"})
    res = PopularityExperiment(top_k=5).run(renamed, columns={"user": "u", "item": "item", "time": "time"},
                                            verbose=False, output="polars", evaluate_cold_start=True)
    assert "u" in res.columns and "user" not in res.columns
    assert res["cold"].dtype == pl.Enum(["", "user", "item", "both"])
    assert res["cold"].to_list()[:3] == ["both", "both", "user"]


def test_bad_output_and_missing_polars(df, monkeypatch):
    with pytest.raises(ParameterError, match="output must be 'pandas' or 'polars'"):
        PopularityExperiment().run(df, verbose=False, output="arrow")
    real_import = builtins.__import__

    def no_polars(name, *args, **kwargs):
        if name == "polars":
            raise ImportError("no polars")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_polars)
    with pytest.raises(ImportError, match=r"pip install alpenglow\[polars\]"):
        PopularityExperiment().run(df, verbose=False, output="polars")
