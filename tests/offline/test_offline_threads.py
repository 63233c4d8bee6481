"""recommend gives identical lists for any number of core threads (RAYON_NUM_THREADS)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import hashlib, sys
sys.path.insert(0, {here!r})
from conftest import clustered_stream
from alpenglow.offline.models import ALSFactorModel, NearestNeighborModel, SvdppModel
data = clustered_stream()
h = hashlib.sha256()
for m in (ALSFactorModel(number_of_iterations=4), NearestNeighborModel(), SvdppModel(number_of_iterations=2)):
    h.update(m.fit(data).recommend(k=10).to_csv(float_format="%.17g").encode())
print(h.hexdigest())
"""


def _digest(threads: int) -> str:
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    code = SCRIPT.format(here=os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_recommend_is_identical_for_one_and_three_threads():
    assert _digest(1) == _digest(3)
