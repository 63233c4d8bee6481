"""Argument validation with errors that name the offending argument."""

from __future__ import annotations

import math
import numbers
import operator


def integer(name: str, value: object, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, checking that it is an integer ``>= minimum``.

    Parameters
    ----------
    name : str
        Argument name used in the error message.
    value : object
        Value to check; bools are rejected.
    minimum : int, optional
        Smallest accepted value.

    Returns
    -------
    int
        The value.

    Raises
    ------
    ValueError
        If ``value`` is not an integer or is below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    result = operator.index(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {result}")
    return result


def real(
    name: str, value: object, *, minimum: float = -math.inf, maximum: float = math.inf
) -> float:
    """Return ``value`` as a finite float in ``[minimum, maximum]``.

    Parameters
    ----------
    name : str
        Argument name used in the error message.
    value : object
        Value to check; bools are rejected.
    minimum, maximum : float, optional
        Inclusive bounds.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ValueError
        If ``value`` is not a finite real number within the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {result}")
    if not minimum <= result <= maximum:
        if maximum == math.inf:
            raise ValueError(f"{name} must be at least {minimum}, got {result}")
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {result}")
    return result
