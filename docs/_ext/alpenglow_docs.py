"""Sphinx extension of the alpenglow documentation: writes the generated pages at build time.

Into ``docs/_generated/`` (not committed):

* ``experiments.rst``: the experiment catalogue (:mod:`experiments`);
* ``components.rst``: the component reference from the core registry (:mod:`components`);
* ``dcg_over_time.png``: the plot of ``docs/examples/dcg_over_time.py``, run by the build.

A generated file is rewritten only when its text changes, so incremental builds stay incremental.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import time
from pathlib import Path

from sphinx.util import logging

import components
import experiments

logger = logging.getLogger(__name__)

#: Example scripts that the build runs in ``_generated/`` (they save the pictures pages show).
PLOT_SCRIPTS = ["dcg_over_time.py"]


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _run_script(script: Path, folder: Path) -> None:
    started = time.perf_counter()
    previous = os.getcwd()
    output = io.StringIO()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(output):
            runpy.run_path(str(script), run_name="__main__")
    finally:
        os.chdir(previous)
        import matplotlib.pyplot as plt

        plt.close("all")
    (folder / (script.stem + ".out")).write_text(output.getvalue())
    logger.info(f"ran {script.name} in {time.perf_counter() - started:.1f} s")


def generate(app) -> None:
    from alpenglow import _core

    source = Path(app.srcdir)
    folder = source / "_generated"
    folder.mkdir(exist_ok=True)
    _write(folder / "components.rst", components.render(_core.components()))
    _write(folder / "experiments.rst", experiments.render(lambda message: logger.warning(message)))
    for name in PLOT_SCRIPTS:
        _run_script(source / "examples" / name, folder)


def setup(app):
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
