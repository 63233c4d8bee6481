"""Builds one Python class per core component from the registry exported by ``_core``."""

from __future__ import annotations

from typing import Any, Callable

from . import _core

_PY_TYPES = {"float": "float", "int": "int", "bool": "bool", "str": "str"}


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
            raise TypeError(f"{type(self).__name__}.{call}: expected {expects}, got {type(other).__name__}")
        self._handle.wire(call, handle)

    method.__name__ = call
    method.__doc__ = f"{doc or call}\n\nParameters\n----------\nother\n    {expects}."
    return method


def _prediction(self: Component, rec_dat: Any) -> float:
    """The model's prediction for a record (any object with ``user``, ``item``, ``time``...)."""
    return self._handle.prediction(rec_dat)


def _write(self: Component, file_name: Any) -> None:
    """Save the model's learned state to ``file_name`` (load it with :meth:`read`)."""
    import os

    self._handle.write_model(os.fspath(file_name))


def _read(self: Component, file_name: Any) -> None:
    """Load state saved by :meth:`write` into this model (same kind and dimension)."""
    import os

    self._handle.read_model(os.fspath(file_name))


def _reduce_model(self: Component) -> tuple:
    try:
        state = self._handle.model_bytes()
    except TypeError:
        state = None
    return (_rebuild_model, (type(self)._component, self._params, state))


def _rebuild_model(name: str, params: dict, state: bytes | None) -> Component:
    model = _rebuild(name, params)
    if state is not None:
        model._handle.load_model_bytes(state)
    return model


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


def build_classes(infos: list[dict]) -> dict[str, type]:
    """Classes (and their ``...Parameters`` companions) for every registry entry."""
    classes: dict[str, type] = {}
    for info in infos:
        if info["name"] == "RecommenderData":
            continue
        namespace: dict[str, Any] = {"_component": info["name"], "__doc__": _docstring(info),
                                     "__module__": "alpenglow.cpp", "_info": info}
        for call in info["calls"]:
            namespace[call["call"]] = _wiring_method(call["call"], call["expects"], call["doc"])
        if "model" in info["roles"]:
            namespace.update(prediction=_prediction, write=_write, read=_read, __reduce__=_reduce_model)
        classes[info["name"]] = type(info["name"], (Component,), namespace)
        classes[info["name"] + "Parameters"] = _parameters_class(info)
    return classes
