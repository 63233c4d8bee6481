"""``ParameterDefaults``: keyword hyper-parameters with defaults and unused-parameter checks."""

from __future__ import annotations

import difflib
from typing import Any

from .errors import ParameterError


class ParameterDefaults:
    """Stores keyword parameters; subclasses read them with defaults.

    Parameters given by the user but never read raise :class:`alpenglow.errors.ParameterError`
    (a ``TypeError``) from :meth:`check_unused_parameters`, which runs before any work starts.
    """

    def __init__(self, **parameters: Any) -> None:
        self.parameters = parameters
        self.given_parameters = set(parameters)
        self.used_parameters: set[str] = set()

    def parameter_default(self, name: str, value: Any) -> Any:
        """The user's value of ``name`` if given, else ``value``; marks ``name`` as used."""
        self.used_parameters.add(name)
        given = self.parameters.get(name, value)
        evaluate = getattr(given, "eval", None)
        if callable(evaluate) and type(given).__name__ == "DependentParameter":
            return evaluate(self.parameters)
        return given

    def parameter_defaults(self, **defaults: Any) -> dict:
        """:meth:`parameter_default` for every keyword; returns the resolved dict."""
        return {k: self.parameter_default(k, v) for k, v in defaults.items()}

    def set_parameter(self, name: str, value: Any) -> None:
        """Set (or override) a parameter."""
        self.parameters[name] = value
        self.given_parameters.add(name)

    def check_unused_parameters(self) -> None:
        """Raise if a given parameter was never read."""
        unused = sorted(self.given_parameters - self.used_parameters)
        if not unused:
            return
        hints = []
        for name in unused:
            close = difflib.get_close_matches(name, sorted(self.used_parameters), n=1)
            hints.append(f"{name} (did you mean {close[0]!r}?)" if close else name)
        raise ParameterError(
            f"Unused parameters: {', '.join(hints)}. {type(self).__name__} accepts: "
            f"{', '.join(sorted(self.used_parameters))}"
        )
