"""Raw access to the core components, generated from the core registry.

Every core component ``X`` is a class here, built with keyword arguments that map onto its
parameters (``alpenglow.cpp.PopularityModel()``, ``alpenglow.cpp.MemoryRankingLogger(top_k=10)``).
Wiring calls keep the original names (``set_model``, ``add_updater``, ...). Unknown keywords
raise :class:`alpenglow.errors.ParameterError` listing the accepted ones. ``XParameters``
classes exist for code written against the original bindings: ``X(XParameters(...))``.

The name ``cpp`` is kept so that existing scripts run unchanged; the core is written in Rust.
"""

from __future__ import annotations

import os as _os
from typing import Any as _Any

from . import _core
from ._handwired import MIXINS as _MIXINS
from ._handwired import RankingLog, RankingLogs
from ._registry import Component as _Component
from ._registry import build_classes as _build_classes
from .errors import RunInterrupted as CppKeyboardInterrupt

# The original reported its C++ compiler and standard library here ("gcc", "libstdc++", ...);
# the core is Rust: the rustc that built the extension (captured at build time) and its std.
__compiler = _core.build_info()["compiler"]
__stdlib = "rust-std " + _core.build_info()["target"]

_classes = _build_classes(_core.components(), _MIXINS)
# Models and updaters written in Python subclass these (see alpenglow.PythonModel).
from ._python_components import RecDat, subclassable_classes as _subclassable  # noqa: E402

_classes.update(_subclassable(_classes))
_classes["Updater"] = type("Updater", (_classes["PythonUpdater"],), {"__module__": __name__, "__doc__": _classes["PythonUpdater"].__doc__})
_classes["UpdaterParameters"] = _classes["PythonUpdaterParameters"]
globals().update(_classes)


class RecommenderData(_Component):
    """A stream of events (see :func:`LegacyRecommenderData` and :class:`alpenglow.utils.DataframeData`)."""

    _component = "RecommenderData"

    def __init__(self, *args: _Any, **kwargs: _Any) -> None:
        raise TypeError("build stream data with LegacyRecommenderData(file_name=...) or DataframeData(df)")

    @classmethod
    def _from_handle(cls, handle: _Any) -> "RecommenderData":
        obj = cls.__new__(cls)
        obj._handle = handle
        obj._params = {}
        return obj

    def size(self) -> int:
        """Number of records."""
        return _core.data_length(self._handle)

    def __len__(self) -> int:
        return self.size()


class LegacyRecommenderData(RecommenderData):
    """Reads a stream file.

    Parameters
    ----------
    file_name : str or os.PathLike
        Path of the file (gzip accepted).
    type : str
        Format: ``online`` (``time user item score eval``), ``online_id`` (``time user item id
        score eval``), ``online_id_noeval``, ``online_attribute``, ``category``, ``offline``
        (``user item score``), ``offlineTimestamp`` (``time user item score``) or ``csv`` (with
        a header; ``user`` and ``item`` required).
    experiment_termination_time : float
        When > 0, reading stops at the first record with time >= this value.
    """

    def __init__(self, file_name: str | _os.PathLike = "", type: str = "online", experiment_termination_time: float = 0) -> None:
        self._handle = _core.read_file(_os.fspath(file_name), type, float(experiment_termination_time))
        self._params = {"file_name": _os.fspath(file_name), "type": type,
                        "experiment_termination_time": experiment_termination_time}


def __getattr__(name: str) -> _Any:
    raise AttributeError(f"alpenglow.cpp has no component '{name}'; available: {', '.join(sorted(_classes))}")


__all__ = sorted(_classes) + ["RecDat", "RecommenderData", "LegacyRecommenderData", "RankingLogs", "RankingLog",
                              "CppKeyboardInterrupt"]


def __dir__() -> list[str]:
    # Only what the module offers: components, their parameter classes and the markers.
    return sorted(__all__) + ["__compiler", "__stdlib"]


del annotations
