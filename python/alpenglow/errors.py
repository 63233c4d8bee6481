"""Exceptions raised by alpenglow.

Every error derives from :class:`AlpenglowError` and from the builtin exception that fits, so
``except ValueError`` keeps working for bad data and ``except TypeError`` for bad parameters.
"""

from __future__ import annotations

from typing import Any


class AlpenglowError(Exception):
    """Base class of all alpenglow errors."""


class ParameterError(AlpenglowError, TypeError):
    """Unknown keyword, wrong type or invalid value of a parameter."""


class WiringError(AlpenglowError, ValueError):
    """A component is used without a required ``set_...``/``add_...`` call, or wired wrongly."""


class DataError(AlpenglowError, ValueError):
    """Bad input data; the message names the column and row, or the file and line."""


class InUseError(AlpenglowError, RuntimeError):
    """A component is in use by a running experiment (or another thread)."""


class RunInterrupted(KeyboardInterrupt):
    """Raised when a run is stopped with Ctrl-C.

    Attributes
    ----------
    results : pandas.DataFrame or None
        The rows evaluated before the interruption (also stored on the experiment).
    """

    def __init__(self, message: str, results: Any = None) -> None:
        super().__init__(message)
        self.results = results


class InternalError(AlpenglowError, RuntimeError):
    """A bug inside alpenglow (a Rust panic), caught at the boundary; the message names the
    entry point. The interpreter and the components stay usable."""


class OutOfMemoryError(AlpenglowError, MemoryError):
    """Memory whose size the input decides (ids, dimension, attribute indices, records) cannot
    be allocated; the message names what needed it and how much."""


class SearchError(AlpenglowError, RuntimeError):
    """A configuration of a parameter search failed; the message names it and the cause is
    chained (``__cause__``).

    Attributes
    ----------
    configuration : dict
        The failing configuration (grid axis -> value).
    """

    def __init__(self, message: str, configuration: Any = None) -> None:
        super().__init__(message)
        self.configuration = configuration

    def __reduce__(self) -> tuple:
        return (type(self), (str(self), self.configuration))
