"""evaluation.over_time / plot, and the CLI's `search` and `run --plot`."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from alpenglow.cli import main, parse_grid
from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore, RecallScore, over_time, plot
from alpenglow.experiments import PopularityExperiment
from alpenglow.utils import ParameterSearch


def test_over_time_means_per_period():
    r = pd.DataFrame({"time": [0, 10, 86399, 86400, 90000, 3 * 86400 + 5],
                      "rank": [1.0, np.nan, 1.0, 3.0, 1.0, np.nan]})
    series = over_time(r, DcgScore)
    assert series.name == "DcgScore"
    assert list(series.index) == [0.0, 86400.0, 3 * 86400.0]  # empty periods are absent
    assert series.tolist() == [2 / 3, 0.75, 0.0]
    assert over_time(r, RecallScore, period=100000).tolist() == [4 / 5, 0.0]
    with pytest.raises(ValueError, match="period must be a positive number"):
        over_time(r, DcgScore, period=0)
    with pytest.raises(ValueError, match="no 'time' column"):
        over_time(r.drop(columns="time"))


def test_over_time_of_a_run_equals_the_hand_computation():
    data = synthetic_stream(5000, seed=2)
    results = PopularityExperiment().run(data, verbose=False)
    by_hand = DcgScore(results).groupby((results.time // 3600) * 3600).mean()
    np.testing.assert_array_equal(over_time(results, period=3600).to_numpy(), by_hand.to_numpy())


def test_plot_several_runs(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install alpenglow[plot])")
    import matplotlib

    matplotlib.use("Agg")
    data = synthetic_stream(3000, seed=2)
    runs = {f"top_k={k}": PopularityExperiment(top_k=k).run(data, verbose=False) for k in (100, 5)}
    ax = plot(runs, DcgScore, period=3600, file=str(tmp_path / "p.png"))
    assert [line.get_label() for line in ax.get_lines()] == ["top_k=100", "top_k=5"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), over_time(runs["top_k=5"], period=3600).to_numpy())
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="at least one run"):
        plot([])


def test_plot_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install alpenglow\[plot\]"):
        plot(pd.DataFrame({"time": [0], "rank": [1.0]}))


def test_cli_search_prints_the_grid_table(capsys):
    code = main(["search", "Popularity", "--events", "3000", "--grid", "top_k=100,5", "--grid", "seed=3,4",
                 "--threads", "2", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["top_k", "seed", "DcgScore"]
    assert [line.split()[:2] for line in lines[1:]] == [["100", "3"], ["100", "4"], ["5", "3"], ["5", "4"]]
    s = ParameterSearch(PopularityExperiment(), DcgScore)
    s.set_parameter_values("top_k", [100, 5])
    s.set_parameter_values("seed", [3, 4])
    expected = s.run(synthetic_stream(3000, seed=0), verbose=False)
    assert [float(line.split()[2]) for line in lines[1:]] == pytest.approx(list(expected.DcgScore), abs=1e-6)


def test_cli_search_errors(capsys):
    assert main(["search", "Popularity", "--events", "100", "--grid", "top_kk=1,2", "--quiet"]) == 2
    assert "no parameter 'top_kk' (did you mean 'top_k'?)" in capsys.readouterr().err
    assert main(["search", "Popularity", "--events", "100", "--grid", "top_k=", "--quiet"]) == 2
    assert "--grid top_k: no values given" in capsys.readouterr().err
    assert main(["search", "Popularity", "--events", "100", "--grid", "top_k=5", "--metric", "Foo"]) == 2
    assert "unknown metric 'Foo'" in capsys.readouterr().err
    assert parse_grid("learning_rate=0.1, 0.2,x") == ("learning_rate", [0.1, 0.2, "x"])


def test_cli_run_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install alpenglow[plot])")
    out = tmp_path / "dcg.png"
    assert main(["run", "Popularity", "--events", "3000", "--quiet", "--plot", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
