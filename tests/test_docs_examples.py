"""The code examples of the documentation (docs/examples/*.py) run without error.

The pages include these files (``literalinclude``), so what the pages show is what runs here.
``dcg_over_time.py`` is run by the documentation build itself (``make docs``), and
``parameter_search_ray.py`` starts a Ray runtime (slow; the Ray backend has its own tests).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
NOT_HERE = {"dcg_over_time.py", "parameter_search_ray.py"}
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if p.name not in NOT_HERE)


def test_every_example_is_found():
    assert {"anatomy.py", "getting_started.py", "python_models.py", "serialization.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    assert capsys.readouterr().out.strip(), f"{name} printed nothing"
