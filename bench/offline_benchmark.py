"""Benchmark of ``alpenglow.offline`` on ml-latest-small beside the ``implicit`` library.

Split: each user's events in time order, the last 20% held out (at least one kept for
training). Every model is fitted on the training part (events as implicit feedback, score 1),
then recommends the top 20 unseen items for every user; NDCG@20 is computed against the held
out items (gain 1) with :func:`alpenglow.offline.evaluation.NdcgScore`.

``implicit`` (a dev-only dependency: ``pip install implicit``) runs ALS and BPR with one thread
and the same number of factors and iterations; rows are skipped with a message when it is
missing.

Usage::

    python bench/offline_benchmark.py [--data-dir DIR] [--factors 10] [--iterations 15] [--threads N]
                                      [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# One BLAS thread for implicit (its recommendation; set before numpy loads BLAS).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FILE = "movielens_latest_small_2016.csv.gz"


def split(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = pd.read_csv(path).sort_values("time", kind="stable").reset_index(drop=True)
    pos = df.groupby("user").cumcount()
    size = df.groupby("user")["user"].transform("size")
    held = pos >= np.maximum(np.ceil(size * 0.8), 1)
    return df[~held][["user", "item"]].reset_index(drop=True), df[held][["user", "item"]].reset_index(drop=True)


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def alpenglow_rows(train, test, factors, iterations):
    from alpenglow.offline.evaluation import NdcgScore
    from alpenglow.offline.models import (ALSFactorModel, AsymmetricFactorModel, FactorModel, NearestNeighborModel,
                                          PopularityModel, SvdppModel)
    models = [
        ("PopularityModel", PopularityModel()),
        ("NearestNeighborModel", NearestNeighborModel(num_of_neighbors=100)),
        ("FactorModel", FactorModel(dimension=factors, number_of_iterations=iterations, negative_rate=9)),
        ("AsymmetricFactorModel", AsymmetricFactorModel(dimension=factors, number_of_iterations=iterations,
                                                        negative_rate=9)),
        ("SvdppModel", SvdppModel(dimension=factors, number_of_iterations=iterations)),
        ("ALSFactorModel (implicit)", ALSFactorModel(dimension=factors, number_of_iterations=iterations,
                                                     regularization_lambda=1e-4, alpha=40)),
    ]
    rows = []
    for name, m in models:
        _, fit_s = timed(lambda: m.fit(train))
        recs, rec_s = timed(lambda: m.recommend(k=20))
        rows.append({"library": "alpenglow", "model": name, "fit_s": fit_s, "recommend_s": rec_s,
                     "ndcg20": NdcgScore(test, recs, top_k=20)})
    return rows


def implicit_rows(train, test, factors, iterations):
    try:
        import implicit  # noqa: F401
        from implicit.cpu.als import AlternatingLeastSquares
        from implicit.cpu.bpr import BayesianPersonalizedRanking
        from scipy.sparse import csr_matrix
    except ImportError as e:
        print(f"implicit rows skipped: {e} (pip install implicit scipy)", file=sys.stderr)
        return []
    from alpenglow.offline.evaluation import NdcgScore
    users, uid = np.unique(train["user"], return_inverse=True)
    items, iid = np.unique(train["item"], return_inverse=True)
    ui = csr_matrix((np.ones(len(uid), dtype=np.float32), (uid, iid)), shape=(len(users), len(items)))
    ui.sum_duplicates()
    ui.data[:] = 1.0
    rows = []
    for name, m in [("ALS", AlternatingLeastSquares(factors=factors, iterations=iterations, alpha=40.0,
                                                    regularization=0.01, num_threads=1, random_state=0)),
                    ("BPR", BayesianPersonalizedRanking(factors=factors, iterations=iterations, num_threads=1,
                                                        random_state=0))]:
        _, fit_s = timed(lambda: m.fit(ui, show_progress=False))

        def rec():
            ids, scores = m.recommend(np.arange(len(users)), ui, N=20, filter_already_liked_items=True)
            return pd.DataFrame({"user": np.repeat(users, ids.shape[1]), "item": items[ids.ravel()],
                                 "rank": np.tile(np.arange(1, ids.shape[1] + 1), len(users)),
                                 "score": scores.ravel()})
        recs, rec_s = timed(rec)
        recs = recs[np.isfinite(recs["score"]) & (recs["score"] > -1e30)]
        rows.append({"library": "implicit (1 thread)", "model": name, "fit_s": fit_s, "recommend_s": rec_s,
                     "ndcg20": NdcgScore(test, recs, top_k=20)})
    return rows


def markdown(rows, factors, iterations) -> str:
    pop = next(r["ndcg20"] for r in rows if r["model"] == "PopularityModel")
    lines = [f"ml-latest-small, last 20% of each user's events held out; {factors} factors, {iterations} "
             "iterations/epochs; recommend = all users, k=20, known items excluded.", "",
             "| library | model | fit (s) | recommend all users (s) | NDCG@20 | ≥ popularity |",
             "|---|---|---:|---:|---:|:-:|"]
    for r in rows:
        lines.append(f"| {r['library']} | {r['model']} | {r['fit_s']:.3f} | {r['recommend_s']:.3f} | "
                     f"{r['ndcg20']:.4f} | {'yes' if r['ndcg20'] >= pop else 'NO'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ALPENGLOW_DATA", "/work/shared/data")))
    p.add_argument("--factors", type=int, default=10)
    p.add_argument("--iterations", type=int, default=15)
    p.add_argument("--threads", type=int, default=0,
                   help="threads of the alpenglow core (RAYON_NUM_THREADS; default: all cores)")
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    if a.threads > 0:
        os.environ["RAYON_NUM_THREADS"] = str(a.threads)
    path = a.data_dir / FILE
    if not path.exists():
        print(f"{path} not found; offline benchmark skipped", file=sys.stderr)
        return 0
    train, test = split(path)
    rows = alpenglow_rows(train, test, a.factors, a.iterations) + implicit_rows(train, test, a.factors, a.iterations)
    print(f"alpenglow core threads: {os.environ.get('RAYON_NUM_THREADS', f'all ({os.cpu_count()})')}")
    print(markdown(rows, a.factors, a.iterations))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
