"""Builds one Python class per core component from the registry exported by ``_core``."""

from __future__ import annotations

import warnings
from typing import Any, Callable

from . import _core

_PY_TYPES = {"float": "float", "int": "int", "bool": "bool", "str": "str"}
# How role-method argument kinds read in docstrings and stubs.
_ARG_TYPES = {"None": "None", "bool": "bool", "int": "int", "float": "float", "str": "str",
              "path": "str | os.PathLike[str]", "bytes": "bytes", "record": "Any"}


#: Keywords that the original's own experiments pass to components whose parameters lack them
#: (python-api.md §1.2: its factory silently accepted any keyword). They are accepted with a
#: DeprecationWarning and ignored; any other unknown keyword is an error.
DEPRECATED_KEYWORDS: dict[str, frozenset[str]] = {
    "UniformNegativeSampleGenerator": frozenset({"initialize_all", "max_item"}),
    "AsymmetricFactorModelGradientUpdater": frozenset({"regularization_rate"}),
}


def _drop_deprecated(component: str, kwargs: dict) -> dict:
    ignored = sorted(k for k in kwargs if k in DEPRECATED_KEYWORDS.get(component, ()))
    if not ignored:
        return kwargs
    warnings.warn(f"{component}: keyword(s) {', '.join(repr(k) for k in ignored)} are not parameters of "
                  f"{component} and are ignored (the original accepted and ignored them)",
                  DeprecationWarning, stacklevel=3)
    return {k: v for k, v in kwargs.items() if k not in ignored}


class Component:
    """Base of every core component class: holds the handle of the Rust component."""

    _component: str = ""
    _handle: Any
    _params: dict

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
        if params is not None:
            if kwargs:
                raise TypeError(f"{type(self).__name__}: give either a parameters object or keywords, not both")
            kwargs = dict(vars(params))
        kwargs = _drop_deprecated(self._component, kwargs)
        self._params = kwargs
        self._handle = _core.create(self._component, kwargs)
        from .Getter import Getter

        Getter._register(self)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"{type(self).__name__}({args})"

    def __reduce__(self) -> tuple:
        return (_rebuild, (type(self)._component, self._params))

    def get_params(self) -> dict:
        """All parameter values, defaults included."""
        return self._handle.params()

    def check_wiring(self) -> None:
        """Raise :class:`alpenglow.errors.WiringError` if a required wiring call is missing."""
        self._handle.check_wiring()

    def self_test(self) -> bool:
        """True if the component is fully wired (kept for code written for the original)."""
        self._handle.check_wiring()
        return True

    def initialize(self) -> bool:
        """Kept for compatibility: components are initialised at the start of every run."""
        return True

    def set_experiment_environment(self, experiment: Any) -> None:
        """Kept for compatibility: the environment is given to every component when a run starts."""


def _rebuild(name: str, params: dict) -> Component:
    from . import cpp

    return getattr(cpp, name)(**params)


def _wiring_method(call: str, expects: str, doc: str) -> Callable:
    def method(self: Component, other: Component) -> None:
        handle = getattr(other, "_handle", None)
        if handle is None:
            hint = " (its __init__ did not call super().__init__())" if isinstance(other, Component) else ""
            raise TypeError(f"{type(self).__name__}.{call}: expected {expects}, got {type(other).__name__}{hint}")
        self._handle.wire(call, handle)
        # The Python side of the wiring, as the original's object registry kept it: keeps the
        # wired objects alive and lets hand-wired runs find their data and loggers.
        self.__dict__.setdefault("_wired", {}).setdefault(call, []).append(other)

    method.__name__ = call
    method.__doc__ = f"{doc or call}\n\nParameters\n----------\nother\n    {expects}."
    return method


_STATE = "_state"


def _role_method(method: dict) -> Callable:
    """A Python method that forwards to the core method declared by a role."""
    name = method["name"]

    def call(self: Component, *args: Any) -> Any:
        return self._handle.call(name, *args)

    call.__name__ = name
    call.__qualname__ = name
    arg_lines = [f"{a} : {_ARG_TYPES.get(kind, kind)}" for a, kind in method["args"]]
    doc = method["doc"]
    if arg_lines:
        doc += "\n\nParameters\n----------\n" + "\n".join(arg_lines)
    call.__doc__ = doc
    return call


def _reduce_with_state(self: Component) -> tuple:
    # Never pickled without its state: a model that cannot save it raises instead.
    state = self._handle.call(_STATE)
    return (_rebuild_with_state, (type(self)._component, self._params, state))


def _rebuild_with_state(name: str, params: dict, state: bytes | None) -> Component:
    component = _rebuild(name, params)
    if state is not None:
        component._handle.call("_load_state", state)
    return component


# Kept so that objects pickled by earlier versions still load.
_rebuild_model = _rebuild_with_state


def _docstring(info: dict) -> str:
    lines = [info["doc"].strip(), ""]
    if info["params"]:
        lines += ["Parameters", "----------"]
        for p in info["params"]:
            constraint = f", {p['constraint']}" if p.get("constraint") else ""
            lines.append(f"{p['name']} : {_PY_TYPES.get(p['type'], p['type'])}, default {p['default']!r}{constraint}")
            lines.append(f"    {p['doc']}")
        lines.append("")
    if info["calls"]:
        lines += ["Wiring", "------"]
        for c in info["calls"]:
            lines.append(f"{c['call']}({c['expects']}) [{c['kind']}]: {c['doc']}")
        lines.append("")
    public = [m for m in info["methods"] if not m["name"].startswith("_")]
    if public:
        lines += ["Methods", "-------"]
        for m in public:
            args = ", ".join(a for a, _ in m["args"])
            lines.append(f"{m['name']}({args}): {m['doc']}")
    return "\n".join(lines).strip() + "\n"


def _parameters_class(info: dict) -> type:
    defaults = {p["name"]: p["default"] for p in info["params"]}

    def __init__(self: Any, **kwargs: Any) -> None:
        for k, v in defaults.items():
            setattr(self, k, v)
        for k, v in kwargs.items():
            setattr(self, k, v)

    return type(info["name"] + "Parameters", (), {"__init__": __init__, "__doc__": f"Parameters of {info['name']}.",
                                                  "__module__": "alpenglow.cpp"})


def build_classes(infos: list[dict], mixins: dict[str, type] | None = None) -> dict[str, type]:
    """Classes (and their ``...Parameters`` companions) for every registry entry; a class in
    ``mixins`` (by component name) is mixed in before :class:`Component`."""
    classes: dict[str, type] = {}
    for info in infos:
        if info["name"] == "RecommenderData":
            continue
        namespace: dict[str, Any] = {"_component": info["name"], "__doc__": _docstring(info),
                                     "__module__": "alpenglow.cpp", "_info": info}
        for call in info["calls"]:
            namespace[call["call"]] = _wiring_method(call["call"], call["expects"], call["doc"])
        for method in info["methods"]:
            namespace[method["name"]] = _role_method(method)
        if any(m["name"] == _STATE for m in info["methods"]):
            namespace["__reduce__"] = _reduce_with_state
        bases = (mixins[info["name"]], Component) if mixins and info["name"] in mixins else (Component,)
        classes[info["name"]] = type(info["name"], bases, namespace)
        classes[info["name"] + "Parameters"] = _parameters_class(info)
    return classes
