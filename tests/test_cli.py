"""The ``alpenglow`` command line: run / list, report, --out, --set and error handling."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from alpenglow.cli import main, parse_assignment, parse_value
from alpenglow.datasets import synthetic_stream

EVENTS = "20000"
REPORT_KEYS = ("experiment:", "data:", "rows evaluated:", "DCG@", "recall@", "events/s:", "wall time:")


def report(text: str) -> dict[str, str]:
    """Report lines as ``{key: value}``."""
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_synthetic_report(capsys):
    code, out, err = run_cli(capsys, "run", "Popularity", "--events", EVENTS, "--quiet")
    assert code == 0
    for key in REPORT_KEYS:
        assert key in out
    rep = report(out)
    assert rep["experiment"].startswith("PopularityExperiment")
    assert rep["rows evaluated"] == "20,000"
    assert 0 < float(rep["DCG@100"]) < 1
    assert 0 < float(rep["recall@100"].split()[0]) <= 1
    assert float(rep["events/s"].split()[0].replace(",", "")) > 0
    assert "synthetic_stream(n_events=20000, seed=0)" in err


@pytest.mark.parametrize("name", ["PopularityExperiment", "PopularityTimeframe", "PersonalPopularity",
                                  "TransitionProbabilityExperiment"])
def test_every_experiment_runs(capsys, name):
    code, out, _ = run_cli(capsys, "run", name, "--events", EVENTS, "--quiet", "--exclude-known")
    assert code == 0
    assert report(out)["rows evaluated"] == "20,000"


def test_out_matches_top_k_and_metrics(capsys, tmp_path):
    path = tmp_path / "res.csv"
    code, out, _ = run_cli(capsys, "run", "Popularity", "--events", EVENTS, "--top-k", "10",
                           "--out", str(path), "--quiet", "--no-shuffle")
    assert code == 0
    frame = pd.read_csv(path)
    assert list(frame.columns) == ["id", "time", "score", "user", "item", "prediction", "rank"]
    assert len(frame) == 20000
    assert frame["rank"].dropna().between(1, 10).all()
    recall = float(report(out)["recall@10"].split()[0])
    assert recall == pytest.approx(frame["rank"].notna().mean(), abs=1e-6)


def test_data_csv_and_seed_set(capsys, tmp_path):
    path = tmp_path / "events.csv.gz"
    synthetic_stream(3000, seed=1).to_csv(path, index=False)
    code, out, err = run_cli(capsys, "run", "TransitionProbability", "--data", str(path),
                             "--set", "seed=7", "--set", "mode=inverted", "--quiet")
    assert code == 0, err
    rep = report(out)
    assert "seed=7" in rep["experiment"] and "mode='inverted'" in rep["experiment"]
    assert "3,000 records" in rep["data"]


def test_data_in_file_format(capsys, tmp_path):
    path = tmp_path / "events.txt"
    path.write_text("".join(f"{t} {t % 3} {t % 5} 1 1\n" for t in range(200)))
    code, out, err = run_cli(capsys, "run", "Popularity", "--data", str(path), "--format", "online", "--quiet")
    assert code == 0, err
    assert report(out)["rows evaluated"] == "200"


def test_parse_value():
    assert parse_value("3") == 3 and isinstance(parse_value("3"), int)
    assert parse_value("0.5") == 0.5
    assert parse_value("1e3") == 1000.0
    assert parse_value("True") is True and parse_value("false") is False
    assert parse_value("inverted") == "inverted"
    assert parse_assignment("tau=86400") == ("tau", 86400)
    assert parse_assignment("label_file_name=a=b") == ("label_file_name", "a=b")
    with pytest.raises(ValueError):
        parse_assignment("tau")


def test_list(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    assert "PopularityExperiment" in out and "Recommends the items with the most events so far." in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "Populr"], "PersonalPopularityExperiment"),
        (["run", "popularity"], "unknown experiment"),
        (["run", "Popularity", "--set", "tau"], "--set expects name=value"),
        (["run", "Popularity", "--set", "no_such=1"], "Unused parameters: no_such"),
        (["run", "Popularity", "--data", "/no/such/file.csv"], "/no/such/file.csv"),
        (["run", "Popularity", "--data", "/no/such/file", "--format", "online"], "/no/such/file"),
        (["run", "Popularity", "--data", "x.csv", "--format", "bogus"], "unknown --format"),
        (["run", "Popularity", "--events", "0"], "--events"),
    ],
)
def test_errors_exit_2_without_traceback(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert out == ""


def test_usage_errors(capsys):
    assert main([]) == 2
    assert main(["run", "Popularity", "--top-k", "ten"]) == 2
    assert main(["--help"]) == 0
    assert "usage: alpenglow" in capsys.readouterr().out


def test_python_dash_m():
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-m", "alpenglow", "run", "Popularity", "--events", "5000", "--quiet"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert report(proc.stdout)["rows evaluated"] == "5,000"
    assert "Traceback" not in proc.stderr
