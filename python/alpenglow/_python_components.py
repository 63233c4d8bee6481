"""The core components that Python code subclasses: models and updaters written in Python.

``alpenglow.cpp.PythonModel``, ``PythonToplistModel``, ``PythonRankingIteratorModel`` and
``Updater`` are the generated component classes plus what subclassing needs: the Python object
is attached to its core component, which calls its methods during a run (re-taking the GIL for
each call only), and pickling keeps the Python state.
"""

from __future__ import annotations

from typing import Any

from . import _core
from ._registry import Component

RecDat = _core.RecDat
RecDat.__doc__ = """A record: ``user``, ``item``, ``time``, ``score``, ``id``, ``eval``, ``category``.

Built with keywords (``RecDat(user=1, item=2, time=10.0)``; defaults: ``score=1``, ``eval=1``,
everything else 0). Python models receive one per call; it is theirs to keep.
"""


class PythonComponent(Component):
    """Attaches the Python object answering the core's calls (see the subclasses)."""

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
        super().__init__(params, **kwargs)
        self._attach()

    def _target(self) -> Any:
        """The object whose methods the core calls (the adapters of ``alpenglow.PythonModel``
        answer with their parent)."""
        return self

    def _attach(self) -> None:
        target = self._target()
        _core.attach_python(self._handle, target, callable(getattr(target, "predict_all", None)))

    # Pickled as a Python object (the core component holds no state of its own).
    __reduce__ = object.__reduce__

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_handle", None)
        state.pop("_wired", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._handle = _core.create(self._component, self._params)
        self._attach()


def _subclassable(generated: type, hooks: str, extra: dict) -> type:
    doc = (generated.__doc__ or "") + f"\nSubclass it and implement {hooks}; call ``super().__init__()``.\n"
    return type(generated.__name__, (PythonComponent, generated), {"__doc__": doc, "__module__": "alpenglow.cpp", **extra})


def _abstract(name: str, signature: str) -> Any:
    def hook(self: Any, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement {name}{signature}")

    hook.__name__ = name
    hook.__doc__ = f"To be implemented by the subclass: ``{name}{signature}``."
    return hook


def subclassable_classes(classes: dict[str, type]) -> dict[str, type]:
    """The Python-subclassable versions of the generated classes of Python components."""
    prediction = {"prediction": _abstract("prediction", "(rec)")}
    return {
        "PythonModel": _subclassable(classes["PythonModel"], "``prediction(rec)`` or ``predict_all(user)``", prediction),
        "PythonToplistModel": _subclassable(
            classes["PythonToplistModel"], "``prediction(rec)`` and ``get_top_list(user, k, exclude)``",
            {**prediction, "get_top_list": _abstract("get_top_list", "(user, k, exclude)")}),
        "PythonRankingIteratorModel": _subclassable(
            classes["PythonRankingIteratorModel"],
            "``prediction(rec)``, ``iterator_has_next_(id, user, upper_bound)`` and ``iterator_get_next_(id, user)``",
            {**prediction, "iterator_has_next_": _abstract("iterator_has_next_", "(id, user, upper_bound)"),
             "iterator_get_next_": _abstract("iterator_get_next_", "(id, user)")}),
        "PythonUpdater": _subclassable(classes["PythonUpdater"], "``update(rec)``",
                                       {"update": _abstract("update", "(rec)")}),
    }
