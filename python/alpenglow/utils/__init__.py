"""Utilities: data wrappers and parameter search."""

from .DataframeData import DataframeData
from .AvailabilityFilter import AvailabilityFilter

__all__ = ["DataframeData"]
__all__ += ["AvailabilityFilter"]
