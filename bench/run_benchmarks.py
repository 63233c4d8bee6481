"""Benchmark the alpenglow experiments: quality, speed and peak memory.

Every measurement runs in a fresh Python subprocess, so the peak RSS
(``ru_maxrss`` of the child) belongs to that run alone.

Usage::

    python bench/run_benchmarks.py [--data-dir DIR] [--quick] [--repeat N] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

EXPERIMENTS = ("PopularityExperiment", "PopularityTimeframeExperiment",
               "PersonalPopularityExperiment", "TransitionProbabilityExperiment")
KNN_EXPERIMENTS = ("NearestNeighborExperiment",)
#: Periodic rows: (experiment, variant, parameters); ``out_name_base`` is set to a temporary
#: directory of the child when the spec has ``temp_out``.
#: (experiment, variant, parameters, datasets) of the periodic rows.
PERIODIC_EXPERIMENTS = (
    ("ExternalModelExperiment", "write mode, weekly periods", {"mode": "write", "period_length": 7 * 86400},
     ("ml-100k",)),
    ("BatchFactorExperiment", "", {}, ("ml-100k", "ml-latest-small")),
    ("BatchAndOnlineFactorExperiment", "", {}, ("ml-100k",)),
    # The full past with 70 negatives per record and 3 passes a day is 48 billion gradient
    # steps on ml-latest-small (3,840 daily periods); a 30-day window keeps it feasible.
    ("BatchAndOnlineFactorExperiment", "30-day timeframe", {"timeframe_length": 30 * 86400}, ("ml-latest-small",)),
)
#: The item-kNN rows also run on Ciao (284k events, 105k items).
CIAO = ("ciao", "ciao_ratings_timestamped.csv.gz")
FACTOR_EXPERIMENTS = ("FactorExperiment", "PosSamplingFactorExperiment", "AsymmetricFactorExperiment",
                      "SvdppExperiment", "FmExperiment")
DATASETS = {"ml-100k": "movielens_100k.csv.gz", "ml-latest-small": "movielens_latest_small_2016.csv.gz"}
EPINIONS = ("epinions 200k", "epinions_ratings_11periods.csv.gz", 200_000)
TOP_K = 100
SYNTHETIC = {"n_events": 10_000_000, "n_users": 100_000, "n_items": 50_000, "seed": 0}
#: Speed of the original C++ framework on ml-100k (top_k=100, exclude_known off), events/s.
ORIGINAL_SPEED = {"PopularityExperiment": 87_000, "PopularityTimeframeExperiment": 110_000,
                  "TransitionProbabilityExperiment": 175_000, "FactorExperiment": 9_200,
                  "NearestNeighborExperiment": 6_700, "BatchFactorExperiment": 9_400}
#: DCG@100 of the original (PopularityExperiment with shuffle on; the factor rows as stated in
#: the issue: FactorExperiment with shuffle on, the others with shuffle_same_time=False).
ORIGINAL_DCG = {("ml-100k", "PopularityExperiment"): 0.0682, ("ml-100k", "FactorExperiment"): 0.0947,
                ("ml-100k", "NearestNeighborExperiment"): 0.1198,
                ("ml-latest-small", "FactorExperiment"): 0.0519,
                ("ml-100k", "AsymmetricFactorExperiment", "no shuffle"): 0.1096,
                ("ml-100k", "SvdppExperiment", "no shuffle"): 0.1020,
                ("ml-100k", "PosSamplingFactorExperiment", "no shuffle"): 0.0039}
ORIGINAL_SPEED_LATEST = {"FactorExperiment": 8_400}
ALS_EXPERIMENTS = ("ALSFactorExperiment", "ALSOnlineFactorExperiment")
#: The original's ALSOnlineFactorExperiment on ml-100k: 29 s for the whole run, DCG@100 0.0586.
ORIGINAL_DCG[("ml-100k", "ALSOnlineFactorExperiment")] = 0.0586
ORIGINAL_SPEED["ALSOnlineFactorExperiment"] = round(100_000 / 29)
#: The iALS fit-time comparison: 10 factors, 15 iterations, one thread, on ml-100k.
ALS_FIT = {"factors": 10, "iterations": 15, "regularization_lambda": 1e-3, "alpha": 40.0}
#: The model-combination rows (ml-100k): hand-wired experiments of the model-combination docs.
COMBINATION_EXPERIMENTS = ("EqualWeightCombination", "LinearCombination", "ExpertForecaster")


def combination_experiments() -> dict:
    """The experiment classes of the combination rows (built on demand: they need alpenglow).

    ``EqualWeightCombination``: CombinedModel of popularity and transition, fixed equal weights.
    ``LinearCombination``: transition + factor + time-frame popularity, the weights trained by
    sampler (10 negatives) -> gradient computer -> CombinedDoubleLayerModelGradientUpdater.
    ``ExpertForecaster``: RandomChoosingCombinedModel of popularity and transition with the
    "abs" expert updater.
    """
    import alpenglow
    import alpenglow.cpp as rs

    def trained(name: str, **kw) -> tuple:
        model = getattr(rs, name)()
        updater = getattr(rs, kw.pop("updater", name + "Updater"))(**kw)
        updater.set_model(model)
        return model, updater

    class EqualWeightCombination(alpenglow.OnlineExperiment):
        def _config(self, top_k, seed):
            (pop, pu), (tr, tu) = trained("PopularityModel"), trained("TransitionProbabilityModel")
            model = rs.CombinedModel()
            model.add_model(pop)
            model.add_model(tr)
            return model, [pu, tu], []

    class LinearCombination(alpenglow.OnlineExperiment):
        def _config(self, top_k, seed):
            (pop, pu) = trained("PopularityModel", updater="PopularityTimeFrameModelUpdater", tau=86400)
            (tr, tu) = trained("TransitionProbabilityModel")
            factor = rs.FactorModel(begin_min=-0.01, begin_max=0.01, dimension=10, initialize_all=False)
            model = rs.CombinedModel()
            for m in (tr, factor, pop):
                model.add_model(m)
            sampler = rs.UniformNegativeSampleGenerator(negative_rate=10, seed=seed)
            for target, gradient_updater in ((model, rs.CombinedDoubleLayerModelGradientUpdater()),
                                             (factor, rs.FactorModelGradientUpdater(learning_rate=0.05))):
                gradient_updater.set_model(target)
                computer = rs.GradientComputerPointWise()
                computer.set_objective(rs.ObjectiveMSE())
                computer.set_model(target)
                computer.add_gradient_updater(gradient_updater)
                sampler.add_updater(computer)
            return model, [sampler, tu, pu], []

    class ExpertForecaster(alpenglow.OnlineExperiment):
        def _config(self, top_k, seed):
            (pop, pu), (tr, tu) = trained("PopularityModel"), trained("TransitionProbabilityModel")
            model = rs.RandomChoosingCombinedModel()
            model.add_model(pop)
            model.add_model(tr)
            expert = rs.RandomChoosingCombinedModelExpertUpdater(eta=0.1, loss_type="abs")
            model.inject_wms_into(expert)
            return model, [expert, pu, tu], []

    return {c.__name__: c for c in (EqualWeightCombination, LinearCombination, ExpertForecaster)}


def combination_plan(data_dir: Path, repeat: int) -> list[dict]:
    """Specs of the model-combination rows (ml-100k)."""
    path = data_dir / DATASETS["ml-100k"]
    if not path.is_file():
        return []
    return [{"dataset": "ml-100k", "path": str(path), "experiment": e, "exclude_known": False, "repeat": repeat}
            for e in COMBINATION_EXPERIMENTS]


def default_data_dir() -> Path:
    """Return ``<parent of the repository>/shared/data``."""
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def child(spec: dict) -> dict:
    """Run one measurement in this process and return its row.

    Parameters
    ----------
    spec : dict
        ``experiment``, ``exclude_known``, ``repeat`` and either ``path`` (a CSV file) or
        ``synthetic`` (keyword arguments of ``synthetic_stream``); or ``{"baseline": True}``
        to measure only the interpreter with alpenglow, pandas and numpy imported.

    Returns
    -------
    dict
        ``rows``, ``dcg``, ``recall``, ``events_per_s`` (records / fastest ``run_seconds``
        of ``repeat`` runs: the replay loop alone), ``wall_s`` and ``wall_events_per_s`` (the
        fastest wall time of the whole ``run()`` call: input conversion, loop and results
        frame), ``total_s`` (load + first run + metrics), ``load_s``, ``records`` and
        ``peak_rss_mib``.
    """
    import resource

    from alpenglow import datasets, experiments
    from alpenglow.evaluation import DcgScore, RecallScore

    if "fit" in spec:
        return fit_child(spec)
    started = time.perf_counter()
    if spec.get("baseline"):
        return {"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if "synthetic" in spec:
        data = datasets.synthetic_stream(**spec["synthetic"])
    else:
        data = datasets.load_csv(spec["path"])
        if spec.get("max_events"):
            data = data.iloc[: spec["max_events"]]
    if spec.get("training_only"):
        data = data.assign(eval=0)
    params = dict(spec.get("params", {}))
    out_dir = None
    if spec.get("temp_out"):
        import tempfile

        out_dir = tempfile.TemporaryDirectory(prefix="alpenglow-bench-")
        params["out_name_base"] = str(Path(out_dir.name) / "batch")
    loaded = time.perf_counter() - started
    if spec.get("python_model"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import python_models

        cls = getattr(python_models, spec["experiment"])
    else:
        cls = getattr(experiments, spec["experiment"], None) or combination_experiments()[spec["experiment"]]
    best = best_wall = float("inf")
    row: dict = {}
    for attempt in range(spec["repeat"]):
        exp = cls(top_k=TOP_K, **params)
        wall = time.perf_counter()
        results = exp.run(data, verbose=False, exclude_known=spec["exclude_known"], **spec.get("run", {}))
        best_wall = min(best_wall, time.perf_counter() - wall)
        best = min(best, exp.run_seconds)
        if attempt == 0:
            row = {"rows": len(results), "dcg": float(DcgScore(results).mean()) if len(results) else float("nan"),
                   "recall": float(RecallScore(results).mean()) if len(results) else float("nan"),
                   "total_s": time.perf_counter() - started}
        del results, exp
    row["load_s"] = loaded
    row["records"] = len(data)
    row["events_per_s"] = len(data) / best
    row["run_s"] = best
    row["wall_s"] = best_wall
    row["wall_events_per_s"] = len(data) / best_wall
    row["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if spec["experiment"] == "CountingPopExperiment":
        exp = cls(top_k=TOP_K, **params)
        exp.run(data, verbose=False, exclude_known=spec["exclude_known"], **spec.get("run", {}))
        row["calls"] = exp.model.calls
        row["overhead_ns"] = python_models.call_overhead_ns(exp.model, exp.run_seconds, len(data))
    if out_dir is not None:
        out_dir.cleanup()
    return row


def fit_child(spec: dict) -> dict:
    """Time one iALS fit on the whole file (``spec["fit"]``: "alpenglow" or "implicit").

    alpenglow: ``ALSFactorExperiment`` with one period (a single fit at the last record) and no
    evaluated record; the fit time is the loop time minus that of the same run with 0
    iterations. implicit: ``AlternatingLeastSquares.fit`` on the user x item matrix of summed
    scores with the same ridge (λ·nnz) and alpha, exact (``use_cg=False``) or conjugate-gradient.
    Both on one thread (``RAYON_NUM_THREADS=1`` is set by :func:`measure`).

    Returns
    -------
    dict
        ``fit_s`` (best of ``repeat``), or ``skipped`` with the reason.
    """
    from alpenglow import datasets

    data = datasets.load_csv(spec["path"])
    if spec["fit"] == "alpenglow":
        from alpenglow.experiments import ALSFactorExperiment

        data = data.assign(eval=0)

        def run(iterations: int) -> float:
            exp = ALSFactorExperiment(top_k=TOP_K, period_length=1e15, dimension=ALS_FIT["factors"],
                                      number_of_iterations=iterations, alpha=ALS_FIT["alpha"],
                                      regularization_lambda=ALS_FIT["regularization_lambda"])
            exp.run(data, verbose=False)
            return exp.run_seconds

        best = min(run(ALS_FIT["iterations"]) - run(0) for _ in range(spec["repeat"]))
        return {"fit_s": best}
    try:
        import scipy.sparse as sp
        from implicit.cpu.als import AlternatingLeastSquares
    except ImportError as e:  # dev-only comparison
        return {"skipped": f"implicit not installed ({e})"}
    users = data["user"].astype("category").cat.codes.to_numpy()
    items = data["item"].astype("category").cat.codes.to_numpy()
    matrix = sp.csr_matrix((data["score"].to_numpy(dtype=np.float64), (users, items)))
    matrix.sum_duplicates()
    ridge = ALS_FIT["regularization_lambda"] * matrix.nnz
    best = float("inf")
    for _ in range(spec["repeat"]):
        model = AlternatingLeastSquares(factors=ALS_FIT["factors"], iterations=ALS_FIT["iterations"],
                                        regularization=ridge, alpha=ALS_FIT["alpha"], use_cg=spec["use_cg"],
                                        num_threads=1, calculate_training_loss=False, random_state=0)
        started = time.perf_counter()
        model.fit(matrix, show_progress=False)
        best = min(best, time.perf_counter() - started)
    return {"fit_s": best}


def measure(spec: dict) -> dict:
    """Run :func:`child` for ``spec`` in a fresh interpreter and return its row.

    Parameters
    ----------
    spec : dict
        See :func:`child`.

    Returns
    -------
    dict
        The child's row.

    Raises
    ------
    RuntimeError
        If the child fails; the message holds its stderr.
    """
    env = None
    if "fit" in spec:
        import os

        env = {**os.environ, "RAYON_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed for {spec}:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def factor_plan(data_dir: Path, repeat: int, quick: bool = False) -> list[dict]:
    """Specs of the factor experiments: each dataset with shuffle on, ml-100k also with the
    same-time shuffle off (the original's reference setting for three of them), the reference
    ranking (score every item) beside the fast path, FactorExperiment on Epinions (the first
    200k events, and the full stream), and unless ``quick`` on the 10M-event synthetic stream."""
    specs = []
    for label, name in DATASETS.items():
        path = data_dir / name
        if not path.is_file():
            continue
        for experiment in FACTOR_EXPERIMENTS:
            base = {"dataset": label, "path": str(path), "experiment": experiment, "exclude_known": False,
                    "repeat": repeat}
            specs.append(base)
            if label == "ml-100k":
                no_shuffle = {"run": {"shuffle_same_time": False}}
                specs.append(base | no_shuffle | {"variant": "no shuffle"})
                specs.append(base | no_shuffle | {"variant": "no shuffle, reference ranking", "repeat": 1,
                                                  "params": {"reference_ranking": True}})
                specs.append(base | no_shuffle | {"variant": "no shuffle, training only", "training_only": True})
    label, name, limit = EPINIONS
    if (data_dir / name).is_file():
        base = {"dataset": label, "path": str(data_dir / name), "max_events": limit,
                "experiment": "FactorExperiment", "exclude_known": False, "repeat": 1}
        specs += [base, base | {"variant": "reference ranking", "params": {"reference_ranking": True}},
                  base | {"variant": "training only", "training_only": True},
                  base | {"dataset": "epinions full", "max_events": None}]
    if not quick:
        specs.append({"dataset": "synthetic 10M", "synthetic": SYNTHETIC, "experiment": "FactorExperiment",
                      "exclude_known": False, "repeat": 1})
    return specs


def knn_plan(data_dir: Path, repeat: int) -> list[dict]:
    """Specs of the item-kNN rows: ml-100k, ml-latest-small and Ciao (one run there)."""
    specs = []
    for label, name in [*DATASETS.items(), CIAO]:
        path = data_dir / name
        if path.is_file():
            specs += [{"dataset": label, "path": str(path), "experiment": e, "exclude_known": False,
                       "repeat": 1 if label == CIAO[0] else repeat} for e in KNN_EXPERIMENTS]
    return specs


def periodic_plan(data_dir: Path, repeat: int) -> list[dict]:
    """Specs of the periodic rows (daily periods unless said; files go to a temporary directory)."""
    specs = []
    for experiment, variant, params, datasets in PERIODIC_EXPERIMENTS:
        for label in datasets:
            path = data_dir / DATASETS[label]
            if path.is_file():
                specs.append({"dataset": label, "path": str(path), "experiment": experiment, "exclude_known": False,
                              "repeat": repeat if label == "ml-100k" and experiment != "BatchAndOnlineFactorExperiment" else 1,
                              "params": params,
                              "temp_out": experiment == "ExternalModelExperiment", "variant": variant})
    return specs


def als_plan(data_dir: Path, repeat: int, ciao: bool = False) -> list[dict]:
    """Specs of the ALS rows: both experiments on ml-100k and ml-latest-small and the one-thread
    iALS fit time against the ``implicit`` library on ml-100k; with ``ciao``, only ALSOnline on
    Ciao (one run: 3,965 daily refits of up to 284k ratings and 105k items, tens of minutes)."""
    specs = []
    for label, name in [CIAO] if ciao else DATASETS.items():
        path = data_dir / name
        if not path.is_file():
            continue
        experiments = ALS_EXPERIMENTS if label != CIAO[0] else ALS_EXPERIMENTS[1:]
        specs += [{"dataset": label, "path": str(path), "experiment": e, "exclude_known": False,
                   "repeat": repeat if label == "ml-100k" else 1} for e in experiments]
    path = data_dir / DATASETS["ml-100k"]
    if path.is_file() and not ciao:
        fit = {"dataset": "ml-100k", "path": str(path), "experiment": "iALS fit", "exclude_known": False,
               "repeat": repeat}
        specs += [fit | {"fit": "alpenglow", "variant": "alpenglow (exact)"},
                  fit | {"fit": "implicit", "use_cg": False, "variant": "implicit (exact, use_cg=False)"},
                  fit | {"fit": "implicit", "use_cg": True, "variant": "implicit (CG, default)"}]
    return specs


def python_plan(data_dir: Path, repeat: int) -> list[dict]:
    """Specs of the models written in Python (bench/python_models.py) beside the Rust
    PopularityExperiment, on ml-100k; CountingPop also measures the overhead per call."""
    path = data_dir / DATASETS["ml-100k"]
    if not path.is_file():
        return []
    base = {"dataset": "ml-100k", "path": str(path), "exclude_known": False}
    return [base | {"experiment": "PopularityExperiment", "repeat": repeat},
            base | {"experiment": "NumpyPopExperiment", "python_model": True, "repeat": repeat,
                    "variant": "predict_all (numpy)"},
            base | {"experiment": "IteratorPopExperiment", "python_model": True, "repeat": 1,
                    "variant": "prediction_iterator"},
            base | {"experiment": "MyPopExperiment", "python_model": True, "repeat": 1, "variant": "prediction"},
            base | {"experiment": "CountingPopExperiment", "python_model": True, "repeat": 1,
                    "variant": "prediction, counting calls", "max_events": 20_000}]


def fit_markdown(rows: list[dict]) -> str:
    """The iALS fit-time table."""
    lines = ["", f"iALS fit on ml-100k, one thread, {ALS_FIT['factors']} factors, {ALS_FIT['iterations']} iterations:",
             "", "| implementation | fit s |", "|---|---:|"]
    for r in rows:
        lines.append(f"| {r['variant']} | {r['fit_s']:.3f} |" if "fit_s" in r else f"| {r['variant']} | skipped: {r['skipped']} |")
    return "\n".join(lines)


def plan(data_dir: Path, quick: bool, repeat: int, group: str = "all") -> list[dict]:
    """Return the list of benchmark specs (datasets that exist, then the synthetic row).

    Parameters
    ----------
    data_dir : pathlib.Path
        Directory of the normalized MovieLens CSV files.
    quick : bool
        Skip the 10-million-event synthetic row.
    repeat : int
        Runs per dataset row; the fastest replay loop gives events/s.

    Returns
    -------
    list of dict
        Specs with a ``dataset`` label.
    """
    specs: list[dict] = []
    if data_dir.is_dir() and group in ("all", "factor"):
        specs += factor_plan(data_dir, repeat, quick)
    if data_dir.is_dir() and group in ("all", "knn"):
        specs += knn_plan(data_dir, repeat)
    if data_dir.is_dir() and group in ("all", "periodic"):
        specs += periodic_plan(data_dir, repeat)
    if data_dir.is_dir() and group in ("all", "als"):
        specs += als_plan(data_dir, repeat)
    if data_dir.is_dir() and group == "als-ciao":
        specs += als_plan(data_dir, repeat, ciao=True)
    if data_dir.is_dir() and group == "python":
        specs += python_plan(data_dir, repeat)
    if data_dir.is_dir() and group == "combination":
        specs += combination_plan(data_dir, repeat)
    if group in ("factor", "knn", "periodic", "als", "als-ciao", "python", "combination"):
        return specs
    if data_dir.is_dir():
        for label, name in DATASETS.items():
            path = data_dir / name
            if not path.is_file():
                print(f"note: {path} not found, skipping {label}", file=sys.stderr)
                continue
            for experiment in EXPERIMENTS:
                for exclude_known in (False, True):
                    specs.append({"dataset": label, "path": str(path), "experiment": experiment,
                                  "exclude_known": exclude_known, "repeat": repeat})
    else:
        print(f"note: data directory {data_dir} is missing; running only the synthetic rows", file=sys.stderr)
    if not quick:
        specs.append({"dataset": "synthetic 10M", "synthetic": SYNTHETIC, "experiment": "PopularityExperiment",
                      "exclude_known": False, "repeat": 1})
    return specs


def markdown(rows: list[dict]) -> str:
    """Format the measured rows, and the comparison with the original, as Markdown.

    Parameters
    ----------
    rows : list of dict
        Spec fields merged with the child's results.

    Returns
    -------
    str
        The tables.
    """
    lines = ["| dataset | experiment | variant | exclude_known | rows | DCG@100 | recall@100 | loop s | events/s (loop) "
             "| run() s | events/s (run()) | peak RSS MiB | total s | original DCG@100 |",
             "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        variant = r.get("variant", "")
        original = ORIGINAL_DCG.get((r["dataset"], r["experiment"], variant)) if variant else None
        if original is None and not variant:
            original = ORIGINAL_DCG.get((r["dataset"], r["experiment"]))
        if r["exclude_known"]:
            original = None
        lines.append(f"| {r['dataset']} | {r['experiment']} | {variant} | {'on' if r['exclude_known'] else 'off'} "
                     f"| {r['rows']:,} | {r['dcg']:.4f} | {r['recall']:.4f} | {r['run_s']:.3f} | {r['events_per_s']:,.0f} "
                     f"| {r['wall_s']:.3f} | {r['wall_events_per_s']:,.0f} | {r['peak_rss_mib']:.0f} | {r['total_s']:.2f} | {f'{original:.4f}' if original else '–'} |")
    reference = [r for r in rows if r["dataset"] == "ml-100k" and not r["exclude_known"] and not r.get("variant")
                 and (r["experiment"] in ORIGINAL_SPEED or ("ml-100k", r["experiment"]) in ORIGINAL_DCG)]
    if reference:
        lines += ["", "Against the original C++ Alpenglow (ml-100k, top_k=100, exclude_known off):", "",
                  "| experiment | events/s (ours, loop) | events/s (ours, run()) | events/s (original) "
                  "| speed-up × (loop) | DCG@100 (ours) | DCG@100 (original) |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in reference:
            speed = ORIGINAL_SPEED.get(r["experiment"])
            dcg = ORIGINAL_DCG.get(("ml-100k", r["experiment"]))
            ours = r["events_per_s"]
            cells = [r["experiment"], f"{ours:,.0f}", f"{r['wall_events_per_s']:,.0f}", f"{speed:,}" if speed else "–",
                     f"{ours / speed:,.1f}×" if speed else "–", f"{r['dcg']:.4f}", f"{dcg:.4f}" if dcg else "–"]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ranking_speedups(rows)
    return "\n".join(lines)


def ranking_speedups(rows: list[dict]) -> list[str]:
    """Ranking time alone (run time minus the training-only run time) of the fast path and of
    the reference path that scores every item, per experiment and dataset."""
    by_key = {(r["dataset"], r["experiment"], r.get("variant", "")): r for r in rows}
    out = []
    for (dataset, experiment, variant), ref in by_key.items():
        if not variant.endswith("reference ranking"):
            continue
        prefix = variant[: -len("reference ranking")]
        fast = by_key.get((dataset, experiment, prefix.rstrip(", ")))
        train = by_key.get((dataset, experiment, prefix + "training only"))
        if not fast or not train:
            continue
        fast_rank, ref_rank = fast["run_s"] - train["run_s"], ref["run_s"] - train["run_s"]
        if not out:
            out = ["", "Ranking time alone (run minus training-only run), fast path vs scoring every item:", "",
                   "| dataset | experiment | training s | ranking s (fast) | ranking s (score every item) "
                   "| ranking speed-up × | end-to-end speed-up × |", "|---|---|---:|---:|---:|---:|---:|"]
        ratio = ref_rank / fast_rank if fast_rank > 0 else float("inf")
        out.append(f"| {dataset} {prefix.rstrip(', ')} | {experiment} | {train['run_s']:.2f} | {fast_rank:.2f} "
                   f"| {ref_rank:.2f} | {ratio:,.1f}× | {ref['run_s'] / fast['run_s']:,.1f}× |")
    return out


#: The parameter-search group: a 12-configuration FactorExperiment grid on ml-100k.
SEARCH_GRID = {"learning_rate": [0.03, 0.05, 0.08, 0.1], "negative_rate": [10, 30, 100]}


def search_child(spec: dict) -> dict:
    """Time the grid sequentially, on 2 threads (longest first, and in grid order) and on a
    local Ray with 2 CPUs (medians).

    Every mode runs ``repeat`` times after one warm-up run (the sequential and thread modes in
    turn, round by round; for Ray the warm-up also starts the workers); the tables must be
    identical. The Ray per-task overhead is measured with 12 tiny
    configurations (a 50-event stream), whose runs cost nothing.
    """
    import os
    import statistics

    from alpenglow import datasets
    from alpenglow.evaluation import DcgScore
    from alpenglow.experiments import FactorExperiment, PopularityExperiment
    from alpenglow.utils import ParameterSearch, ThreadedParameterSearch

    data = datasets.load_csv(spec["path"])
    repeat = spec["repeat"]
    load_before = os.getloadavg()

    def grid(search):
        for name, values in SEARCH_GRID.items():
            search.set_parameter_values(name, values)
        return search

    import resource

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    cores: dict = {}

    def timed(make, runs=repeat, frame=data, key=None):
        tables, times = [], []
        make().run(frame, verbose=False)  # warm-up
        cpu_before, wall = cpu(), 0.0
        for _ in range(runs):
            started = time.perf_counter()
            tables.append(make().run(frame, verbose=False))
            times.append(time.perf_counter() - started)
            wall += times[-1]
        if key:
            cores[key] = (cpu() - cpu_before) / wall  # cores this process got (its own CPU time / wall)
        return tables[0], statistics.median(times), times

    def timed_modes(makers: dict, runs=repeat, frame=data) -> tuple:
        """Every mode once (warm-up), then ``runs`` rounds of every mode in turn: a change of
        the machine's load hits every mode alike."""
        for make in makers.values():
            make().run(frame, verbose=False)
        tables: dict = {}
        times: dict = {k: [] for k in makers}
        used = dict.fromkeys(makers, 0.0)
        for _ in range(runs):
            for key, make in makers.items():
                if key in sampled:
                    sampling.set()
                cpu_before, started = cpu(), time.perf_counter()
                table = make().run(frame, verbose=False)
                sampling.clear()
                times[key].append(time.perf_counter() - started)
                used[key] += cpu() - cpu_before
                tables.setdefault(key, table)
        for key in makers:
            cores[key] = used[key] / sum(times[key])  # cores this process got (its own CPU time / wall)
        return tables, {k: statistics.median(v) for k, v in times.items()}, times

    exp = lambda: FactorExperiment(top_k=TOP_K)  # noqa: E731
    # Sample the scheduler state of the worker threads (Linux /proc): runnable (R) means running
    # or waiting for a core, anything else blocked (a lock would show here, machine load not).
    import threading

    states: dict = {}
    stop = threading.Event()
    sampling = threading.Event()  # set while a thread search runs
    sampled = ("threads", "threads_grid")
    skip = set(int(t) for t in os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else set()

    def sample() -> None:
        skip.add(threading.get_native_id())  # the main thread and threads of numpy & co: not sampled
        while not stop.is_set():
            if not sampling.wait(0.1):
                continue
            for tid in os.listdir("/proc/self/task"):
                if int(tid) in skip:
                    continue
                try:
                    with open(f"/proc/self/task/{tid}/stat") as f:
                        state = f.read().rsplit(")", 1)[1].split()[0]
                except OSError:
                    continue
                states[state == "R"] = states.get(state == "R", 0) + 1
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.isdir("/proc/self/task"):
        sampler.start()
    threaded = lambda schedule: grid(ThreadedParameterSearch(exp(), DcgScore, threads=2,  # noqa: E731
                                                             use_process_pool=False, schedule=schedule))
    tables, medians, times = timed_modes({"seq": lambda: grid(ParameterSearch(exp(), DcgScore)),
                                          "threads": lambda: threaded("longest_first"),
                                          "threads_grid": lambda: threaded("grid")})
    stop.set()
    seq, t_seq = tables["seq"], medians["seq"]
    out = {"configurations": len(seq), "seq_s": t_seq, "threads_s": medians["threads"], "seq_times": times["seq"],
           "threads_times": times["threads"], "threads_equal": bool(tables["threads"].equals(seq)),
           "threads_grid_s": medians["threads_grid"], "threads_grid_times": times["threads_grid"],
           "threads_grid_equal": bool(tables["threads_grid"].equals(seq)), "cores": cores,
           "thread_states": {"runnable": states.get(True, 0), "blocked": states.get(False, 0)}}
    try:
        import ray
    except ImportError as e:
        out["ray_skipped"] = f"ray not installed ({e})"
    else:
        # Ray lowers its workers' priority by default; on a shared machine that alone would lose
        # to the other load, so the workers get the priority of the threads they are compared with.
        os.environ.setdefault("RAY_worker_niceness", "0")
        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
        out["ray_init_s"] = time.perf_counter() - started
        started = time.perf_counter()
        make_ray = lambda: grid(ThreadedParameterSearch(exp(), DcgScore, threads=2, backend="ray"))  # noqa: E731
        make_ray().run(data, verbose=False)
        out["ray_first_s"] = time.perf_counter() - started
        rt, t_ray, ray_times = timed(make_ray)
        out.update(ray_s=t_ray, ray_times=ray_times, ray_equal=bool(rt.equals(seq)))
        tiny = data.iloc[:50]

        def tiny_grid(search):
            search.set_parameter_values("top_k", list(range(1, 13)))
            return search

        _, t_tiny_ray, _ = timed(lambda: tiny_grid(ThreadedParameterSearch(PopularityExperiment(), DcgScore, threads=2,
                                                                            backend="ray", schedule="grid")), frame=tiny)
        _, t_tiny_seq, _ = timed(lambda: tiny_grid(ParameterSearch(PopularityExperiment(), DcgScore)), frame=tiny)
        out.update(tiny_ray_s=t_tiny_ray, tiny_seq_s=t_tiny_seq)
        ray.shutdown()
    out["load_before"] = load_before
    out["load_after"] = os.getloadavg()
    return out


def search_markdown(r: dict) -> str:
    """The parameter-search table."""
    n = r["configurations"]
    lines = [f"Parameter search: FactorExperiment (top_k={TOP_K}) on ml-100k, {n} configurations "
             f"({' x '.join(f'{k} {v}' for k, v in SEARCH_GRID.items())}); median of the timed runs after a warm-up.",
             f"Load average before/after: {', '.join(f'{x:.1f}' for x in r['load_before'])} / "
             f"{', '.join(f'{x:.1f}' for x in r['load_after'])} (2 cores).", "",
             "| mode | wall s (median) | runs s | speed-up | table equal to sequential |", "|---|---:|---|---:|---|"]
    fmt = lambda ts: ", ".join(f"{t:.2f}" for t in ts)  # noqa: E731
    lines.append(f"| sequential | {r['seq_s']:.2f} | {fmt(r['seq_times'])} | 1.00 | - |")
    lines.append(f"| 2 threads, longest first (pilot runs) | {r['threads_s']:.2f} | {fmt(r['threads_times'])} "
                 f"| {r['seq_s'] / r['threads_s']:.2f} | {r['threads_equal']} |")
    if "threads_grid_s" in r:
        lines.append(f"| 2 threads, grid order | {r['threads_grid_s']:.2f} | {fmt(r['threads_grid_times'])} "
                     f"| {r['seq_s'] / r['threads_grid_s']:.2f} | {r['threads_grid_equal']} |")
    if "ray_s" in r:
        lines.append(f"| Ray, 2 local CPUs | {r['ray_s']:.2f} | {fmt(r['ray_times'])} | {r['seq_s'] / r['ray_s']:.2f} "
                     f"| {r['ray_equal']} |")
        per_task = (r["tiny_ray_s"] - r["tiny_seq_s"]) / n * 2
        lines += ["", f"Ray: init {r['ray_init_s']:.1f} s; first search (starts the workers) {r['ray_first_s']:.2f} s; "
                      f"12 tiny configurations (50 events) take {r['tiny_ray_s'] * 1000:.0f} ms on Ray vs "
                      f"{r['tiny_seq_s'] * 1000:.0f} ms sequentially: about {per_task * 1000:.1f} ms of overhead "
                      f"per task (per worker CPU)."]
    else:
        lines.append(f"| Ray | skipped: {r['ray_skipped']} | | | |")
    c = r.get("cores", {})
    if c:
        lines += ["", f"CPU the benchmark process got (its CPU time / wall): sequential {c['seq']:.2f} cores, "
                      f"2 threads {c['threads']:.2f} cores ({c['threads'] / c['seq']:.2f}x)"
                      + (f", grid order {c['threads_grid']:.2f}" if "threads_grid" in c else "") + "; on an idle machine "
                      "these are 1 and 2, and the wall-time speed-ups above are capped by the load."]
    st = r.get("thread_states", {})
    if st.get("runnable"):
        lines.append(f"Worker threads of the thread searches (every 10 ms while they run; threads that existed "
                     f"before, like the main one, excluded; idle pool threads between tasks count as blocked): runnable {st['runnable']}, blocked "
                     f"{st['blocked']} samples: runs wait for a core, not for a lock.")
    return "\n".join(lines)


def search_main(args: argparse.Namespace) -> int:
    """``--group search``: the parameter-search benchmark in one child process."""
    path = args.data_dir / DATASETS["ml-100k"]
    if not path.is_file():
        print(f"note: {path} not found; the search group needs ml-100k", file=sys.stderr)
        return 1
    row = measure({"search": True, "path": str(path), "repeat": args.repeat})
    print(search_markdown(row))
    if args.json:
        args.json.write_text(json.dumps(row, indent=2))
    return 0


#: The live group: FactorExperiment (defaults, dimension 10) trained on a seeded synthetic stream
#: in which every one of ``n_items`` items occurs, then queried through the live model.
LIVE = {"n_events": 250_000, "n_users": 10_000, "n_items": 100_000, "seed": 0, "queries": 1000, "k": 10}


def live_stream(n_events: int, n_users: int, n_items: int, seed: int, ids: str = "int") -> "pd.DataFrame":
    """A seeded stream with exactly ``n_items`` distinct items (each at least once, the rest
    drawn uniformly) and uniformly drawn users; ``ids="str"`` gives string ids (recoded)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    items = np.concatenate([rng.permutation(n_items), rng.integers(0, n_items, n_events - n_items)])
    rng.shuffle(items)
    frame = pd.DataFrame({"time": np.arange(n_events), "user": rng.integers(0, n_users, n_events), "item": items})
    if ids == "str":
        frame = frame.assign(user="u" + frame["user"].astype(str), item="i" + frame["item"].astype(str))
    return frame


def live_child(spec: dict) -> dict:
    """Time the live model of a trained FactorExperiment (``spec["ids"]``: int or str ids).

    ``recommend(user, k)`` for ``queries`` users (one call each, wall time in Python including
    the id lookup and the DataFrame), the core call alone (``_core.live_recommend``) for the
    same users, and ``predict`` for ``queries`` pairs in one call (median of 20 calls).
    """
    import os
    import statistics

    import pandas as pd

    from alpenglow import _core
    from alpenglow.experiments import FactorExperiment

    p = LIVE
    data = live_stream(p["n_events"], p["n_users"], p["n_items"], p["seed"], spec["ids"]).assign(eval=0)
    exp = FactorExperiment(top_k=p["k"])
    started = time.perf_counter()
    exp.run(data, verbose=False)
    out = {"ids": spec["ids"], "train_s": time.perf_counter() - started, "events": len(data),
           "items": int(data["item"].nunique()), "users_seen": int(data["user"].nunique())}
    rng = np.random.default_rng(1)
    users = rng.choice(pd.unique(data["user"]), p["queries"], replace=False)
    items = rng.choice(pd.unique(data["item"]), p["queries"])
    exp.recommend(users[0], k=p["k"])  # first call: builds the id codebooks and the model's index

    def per_call(call) -> list[float]:
        times = []
        for user in users:
            started = time.perf_counter()
            call(user)
            times.append(time.perf_counter() - started)
        return times

    def summary(times: list[float]) -> dict:
        ms = np.asarray(times) * 1000
        return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)), "max_ms": float(ms.max())}

    state = exp._live
    codes = {u: state.codes["user"].encode_one(u) for u in users}
    for _ in range(spec["repeat"]):  # the rows are the last pass; earlier ones warm the caches
        full, core, overhead = [], [], []
        for user in users:  # the whole call and the core call alone, back to back for each user
            started = time.perf_counter()
            _core.live_recommend(state.experiment._handle, state.model._handle, codes[user], p["k"], True)
            core.append(time.perf_counter() - started)
            started = time.perf_counter()
            exp.recommend(user, k=p["k"])
            full.append(time.perf_counter() - started)
            overhead.append(full[-1] - core[-1])
        core_all = per_call(lambda u: _core.live_recommend(state.experiment._handle, state.model._handle, codes[u],
                                                           p["k"], False))
    out["recommend"], out["core"], out["core_no_exclude"] = summary(full), summary(core), summary(core_all)
    out["python_overhead_ms"] = float(np.median(overhead)) * 1000
    predict = []
    for _ in range(20):
        started = time.perf_counter()
        exp.predict(users, items)
        predict.append(time.perf_counter() - started)
    out["predict_ms"] = statistics.median(predict) * 1000
    out["load"] = os.getloadavg()
    return out


def live_markdown(rows: list[dict]) -> str:
    """The live-model table."""
    p = LIVE
    lines = [f"Live model: FactorExperiment (dimension 10, defaults) trained on a synthetic stream of "
             f"{p['n_events']:,} events, {p['n_users']:,} users, {p['n_items']:,} items (seed {p['seed']}); "
             f"{p['queries']} users, one call each (the last of the passes); target: recommend under 1 ms.",
             f"Load average at the end: {', '.join(f'{x:.1f}' for x in rows[-1]['load'])} (2 cores).", "",
             "| ids | call | median ms | p95 ms | max ms |", "|---|---|---:|---:|---:|"]
    for r in rows:
        for key, label in (("recommend", f"`recommend(user, k={p['k']})` (Python, whole call)"),
                           ("core", "`_core.live_recommend` alone (exclude_known)"),
                           ("core_no_exclude", "`_core.live_recommend` alone (exclude_known=False)")):
            s = r[key]
            lines.append(f"| {r['ids']} | {label} | {s['median_ms']:.3f} | {s['p95_ms']:.3f} | {s['max_ms']:.3f} |")
        lines.append(f"| {r['ids']} | `predict` of {p['queries']} pairs (one call, median of 20) | "
                     f"{r['predict_ms']:.3f} | | |")
    lines += ["", "Python overhead per recommend call (median over the users of the whole call minus the core "
              "call for the same user, back to back): "
              + ", ".join(f"{r['ids']} ids {r['python_overhead_ms']:.3f} ms" for r in rows)
              + "; training run " + ", ".join(f"{r['train_s']:.1f} s" for r in rows) + "."]
    return "\n".join(lines)


def live_main(args: argparse.Namespace) -> int:
    """``--group live``: the live-model latency benchmark, one child per id type."""
    rows = [measure({"live": True, "ids": ids, "repeat": args.repeat}) for ids in ("int", "str")]
    print(live_markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the Markdown tables.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    parser = argparse.ArgumentParser(description="Benchmark alpenglow experiments (one subprocess per run).")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(),
                        help="directory with movielens_100k.csv.gz and movielens_latest_small_2016.csv.gz "
                             "(default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="skip the 10-million-event synthetic row")
    parser.add_argument("--group", choices=("all", "engine", "factor", "knn", "periodic", "als", "als-ciao", "python",
                                            "combination", "offline", "search", "live"),
                        default="all",
                        help="engine: popularity and transition rows; factor: factor-model rows; "
                             "knn: item-kNN rows; periodic: periodic-retraining rows; als: ALS rows and the "
                             "iALS fit time; als-ciao: ALSOnline on Ciao, not in all; python: models written in "
                             "Python, not in all; combination: combined models, not in all; offline: the "
                             "alpenglow.offline models beside implicit (bench/offline_benchmark.py), not in all; "
                             "search: parameter search sequential vs 2 threads vs Ray, not in all; live: "
                             "recommend/predict latency of a trained factor model with 100k items, not in all "
                             "(default: all)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per dataset row; events/s uses the fastest (default: 3)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the rows as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        runner = search_child if "search" in spec else live_child if "live" in spec else child
        print(json.dumps(runner(spec)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.group == "offline":
        sys.path.insert(0, str(Path(__file__).parent))
        import offline_benchmark
        return offline_benchmark.main(["--data-dir", str(args.data_dir)])
    if args.group == "search":
        return search_main(args)
    if args.group == "live":
        return live_main(args)
    rows = []
    for spec in plan(args.data_dir, args.quick, args.repeat, args.group):
        print(f"running {spec['dataset']} {spec['experiment']} exclude_known={spec['exclude_known']} ...",
              file=sys.stderr, flush=True)
        rows.append({k: v for k, v in spec.items()
                     if k not in ("path", "synthetic", "repeat", "run", "params", "temp_out", "python_model")}
                    | measure(spec))
    fits = [r for r in rows if "fit" in r]
    rows = [r for r in rows if "fit" not in r]
    if not rows and not fits:
        print("nothing to run", file=sys.stderr)
        return 1
    print(f"alpenglow benchmarks: top_k={TOP_K}, shuffle_same_time on, Python {platform.python_version()}, "
          f"{platform.machine()}; events/s (loop) = records / run_seconds, the replay loop alone; "
          f"events/s (run()) = records / wall time of the whole run() call (best of {args.repeat} for dataset rows); "
          "total s = load/generate + run + metrics\n")
    if rows:
        print(markdown(rows))
    for r in rows:
        if "overhead_ns" in r:
            print(f"\nPython model overhead ({r['dataset']}, first {r['records']:,} records): "
                  f"{r['overhead_ns']:.0f} ns per prediction call beyond the function itself, over {r['calls']:,} calls.")
    if fits:
        print(fit_markdown(fits))
    baseline = measure({"baseline": True})["peak_rss_mib"]
    print(f"\nBaseline peak RSS of a child that only imports alpenglow (pandas, numpy): {baseline:.0f} MiB.")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
        print(f"\nrows saved to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
