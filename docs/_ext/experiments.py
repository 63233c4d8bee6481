"""The experiment catalogue, generated from ``alpenglow.experiments``.

For every experiment class: its docstring, and the parameters it reads with their defaults as
the code declares them. The parameters are found by building the experiment's component graph
(``_config``) with ``parameter_default`` recorded, twice with two seeds: a default that follows
the seed is "the experiment ``seed``". Descriptions come from the numpydoc ``Parameters``
section; the fixes of the original are the docstring's ``Notes`` and the ``Fix:`` paragraphs of
the components the experiment wires.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from numpydoc.docscrape import NumpyDocString

from components import fixes
from rst import heading, list_table, literal, markdownish

SEEDS = (1_000_003, 2_000_003)


class _Unset:
    def __repr__(self) -> str:
        return "-"


def _recorded(cls: type, seed: int) -> tuple[list[tuple[str, Any]], list[Any]]:
    """(name, default) of every ``parameter_default`` call of ``_config``, and the components built."""
    from alpenglow.Getter import Getter

    experiment = cls()
    calls: list[tuple[str, Any]] = []
    read = experiment.parameter_default

    def record(name: str, value: Any) -> Any:
        calls.append((name, value))
        return read(name, value)

    experiment.parameter_default = record
    Getter.collect()
    try:
        experiment._config(100, seed)
    finally:
        objects = Getter.get_and_clean()
    return calls, objects


def code_parameters(cls: type, raw: dict[str, Any] | None = None) -> dict[str, str]:
    """Parameter name -> its default as reST, in the order the code reads them; ``raw`` gets
    the values of the parameters with one plain default."""
    first, objects = _recorded(cls, SEEDS[0])
    second, _ = _recorded(cls, SEEDS[1])
    defaults: dict[str, list[str]] = {}
    for (name, a), (_, b) in zip(first, second):
        if a == SEEDS[0] and b == SEEDS[1]:
            shown = "the experiment ``seed``"
        else:
            shown = literal(a)
        if shown not in defaults.setdefault(name, []):
            defaults[name].append(shown)
    if raw is not None:
        singles = {name: a for (name, a), (_, b) in zip(first, second) if a == b and len(defaults[name]) == 1}
        raw.update(singles)
    return {name: " or ".join(shown) + (" (see meaning)" if len(shown) > 1 else "")
            for name, shown in defaults.items()}


def common_parameters() -> dict[str, str]:
    """The parameters every experiment reads in ``run()``, recorded from a tiny run."""
    import pandas as pd
    from alpenglow.experiments import PopularityExperiment

    experiment = PopularityExperiment()
    calls: list[tuple[str, Any]] = []
    read = experiment.parameter_default
    experiment.parameter_default = lambda name, value: (calls.append((name, value)), read(name, value))[1]
    experiment.run(pd.DataFrame({"time": [0], "user": [0], "item": [0]}), verbose=False)
    return {name: literal(value) for name, value in calls if name != "out_file"} | {"out_file": literal(None)}


def _descriptions(doc: NumpyDocString) -> dict[str, tuple[str, str, str | None]]:
    """Parameter name -> (type text, description, documented default) from a numpydoc
    ``Parameters`` section (``a, b : float, default 1, 2`` gives a 1 and b 2)."""
    out = {}
    for p in doc["Parameters"]:
        names = [n.strip() for n in p.name.split(",")]
        kind, _, default = p.type.partition(", default ")
        defaults = [d.strip() for d in default.split(",")] if default else []
        for k, name in enumerate(names):
            documented = defaults[k] if len(defaults) == len(names) else None
            out[name] = (kind, "\n".join(p.desc).strip(), documented)
    return out


def _same(documented: str, value: Any) -> bool:
    """Whether a docstring's default text denotes the code's default value."""
    text = documented.strip().strip("\"'`")
    if isinstance(value, bool) or value is None:
        return text == repr(value)
    if isinstance(value, (int, float)):
        try:
            return float(text.replace("_", "")) == float(value)
        except ValueError:
            return False
    return text == str(value)


def check_defaults(name: str, values: dict[str, Any], described: dict, warn: Callable[[str], None]) -> None:
    """Warn where the docstring's default of a parameter is not the code's."""
    for param, value in values.items():
        documented = described.get(param, (None, None, None))[2]
        if documented is not None and not _same(documented, value):
            warn(f"{name}: the docstring says {param} defaults to {documented}, the code to {value!r}")


def _table(params: dict[str, str], described: dict[str, tuple[str, str]]) -> str:
    rows = []
    for name, default in params.items():
        kind, desc, _ = described.get(name, ("", "", None))
        rows.append([f"``{name}``", default, f"*{markdownish(kind)}*\n\n{desc}" if kind and desc else
                     (f"*{markdownish(kind)}*" if kind else desc)])
    return list_table(["parameter", "default (from the code)", "meaning"], rows, [22, 22, 56])


def _section(lines: list[str]) -> str:
    return "\n".join(lines).strip() + "\n"


def render_experiment(cls: type, warn: Callable[[str], None]) -> str:
    name = cls.__name__
    doc = NumpyDocString(inspect.cleandoc(cls.__doc__ or ""))
    values: dict[str, Any] = {}
    params = code_parameters(cls, values)
    described = _descriptions(doc)
    check_defaults(name, values, described, warn)
    undocumented = [p for p in params if p not in described]
    if undocumented:
        warn(f"{name}: parameters read by the code but not in its docstring: {', '.join(undocumented)}")
    _, objects = _recorded(cls, SEEDS[0])
    used = sorted({type(o)._component for o in objects if getattr(o, "_component", "")})
    out = [f".. _experiment-{name}:\n", heading(name, "-"),
           f"API: :class:`alpenglow.experiments.{name}`\n",
           _section(doc["Summary"]) + "\n" if doc["Summary"] else "",
           _section(doc["Extended Summary"]) + "\n" if doc["Extended Summary"] else ""]
    if params:
        out += [".. rubric:: Parameters\n", _table(params, described)]
    else:
        out.append("No parameters of its own: only the :ref:`common parameters <experiment-common>`.\n")
    if doc["Notes"]:
        out += [".. rubric:: Notes: differences from the original\n", _section(doc["Notes"]) + "\n"]
    component_fixes = [(c, f) for c in used for f in fixes(_infos()[c])]
    out.append(".. rubric:: Components\n")
    out.append(", ".join(f":ref:`{c} <component-{c}>`" for c in used) + ".\n")
    if component_fixes:
        out.append("Fixes of the original in these components:\n")
        out.append("\n".join(f"* **{c}**: {markdownish(f)}" for c, f in component_fixes) + "\n")
    return "\n".join(part for part in out if part)


_INFOS: dict[str, dict] = {}


def _infos() -> dict[str, dict]:
    if not _INFOS:
        from alpenglow import _core

        _INFOS.update({info["name"]: info for info in _core.components()})
    return _INFOS


def render(warn: Callable[[str], None]) -> str:
    import alpenglow.experiments as experiments
    from alpenglow import OnlineExperiment

    base = NumpyDocString(inspect.cleandoc(OnlineExperiment.__doc__ or ""))
    out = [".. This page is generated by docs/_ext/experiments.py from alpenglow.experiments. Do not edit.\n",
           ".. _experiment-catalogue:\n",
           heading("Experiment catalogue", "="),
           ".. currentmodule:: alpenglow.experiments\n",
           "The ready-made online experiments of :mod:`alpenglow.experiments`. Each is built with keyword "
           "parameters (``FactorExperiment(dimension=20, learning_rate=0.03)``) and run with "
           ":meth:`~alpenglow.OnlineExperiment.run`. The parameter lists and defaults below are read "
           "from the code when this page is built (the experiment's graph is built once and every "
           "parameter it reads is recorded with its default); the meanings come from the docstrings. "
           "A parameter an experiment does not read is an error when the run starts "
           "(:class:`alpenglow.errors.ParameterError`).\n",
           "Each section ends with the core components the experiment wires (see the "
           ":ref:`component-reference`) and their fixes of the original.\n",
           ".. contents:: Experiments\n   :local:\n   :depth: 1\n",
           ".. _experiment-common:\n",
           heading("Common parameters", "-"),
           "Read by every experiment (in :meth:`~alpenglow.OnlineExperiment.run`):\n",
           _table(common_parameters(), _descriptions(base))]
    for name in experiments.__all__:
        out.append(render_experiment(getattr(experiments, name), warn))
    return "\n".join(out)
