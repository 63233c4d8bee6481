"""Sphinx configuration of the alpenglow documentation (``make docs``)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# The package as built in place by `make build` (maturin develop) or copied next to its sources.
sys.path.insert(0, str(HERE.parent / "python"))

import alpenglow  # noqa: E402

project = "alpenglow"
author = "the alpenglow authors"
copyright = "the alpenglow authors"
version = release = alpenglow.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "alpenglow_docs",
]

exclude_patterns = ["_build", "examples"]
templates_path: list = []
html_theme = "alabaster"
html_static_path: list = []
html_title = f"alpenglow {release}"
html_theme_options = {"description": "Online recommender experiments on event streams", "fixed_sidebar": True}

# API reference: numpydoc renders the docstrings; members are listed by autodoc, not by numpydoc.
autodoc_member_order = "bysource"
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# No network during the build: intersphinx links stay off (the mapping is empty).
intersphinx_mapping: dict = {}
