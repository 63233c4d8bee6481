"""``Getter``: the keyword factory of core components, as in the original framework.

``Getter.X(**kwargs)`` builds ``alpenglow.cpp.X``. Between ``Getter.collect()`` and
``Getter.get_and_clean()`` every component created in the current thread is recorded.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable


class MetaGetter(type):
    """Attribute access on ``Getter`` returns the component class of that name."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        from . import cpp

        return getattr(cpp, name)


class Getter(metaclass=MetaGetter):
    """Factory and per-thread registry of core components."""

    _collected: dict[int, list] = {}
    _lock = threading.Lock()

    @classmethod
    def _register(cls, obj: Any) -> None:
        key = threading.get_ident()
        with cls._lock:
            if key in cls._collected:
                cls._collected[key].append(obj)

    @classmethod
    def collect(cls) -> None:
        """Start recording the components created in this thread."""
        with cls._lock:
            cls._collected[threading.get_ident()] = []

    @classmethod
    def get_and_clean(cls) -> list:
        """Return the components created since :meth:`collect` and stop recording."""
        with cls._lock:
            return cls._collected.pop(threading.get_ident(), [])

    @staticmethod
    def set_experiment_environment(online_experiment: Any, objects: Iterable[Any]) -> None:
        """Kept for compatibility: every component receives the environment when a run starts."""

    @staticmethod
    def initialize_all(objects: Iterable[Any]) -> None:
        """Kept for compatibility: components are initialised at the start of every run."""
        for obj in objects:
            init = getattr(obj, "initialize", None)
            if callable(init) and init() is False:
                raise RuntimeError(f"Could not initialize objects: {obj!r}")

    @staticmethod
    def run_self_test(obj: Any) -> None:
        """Check that ``obj`` is fully wired; raises :class:`alpenglow.errors.WiringError` if not."""
        test = getattr(obj, "self_test", None)
        if callable(test) and test() is False:
            raise AssertionError(f"self test of {obj!r} failed")
