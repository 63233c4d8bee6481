"""Utilities: data wrappers and parameter search."""

from .DataframeData import DataframeData

__all__ = ["DataframeData"]
from .ParameterSearch import DependentParameter, ParameterSearch
from .ThreadedParameterSearch import RayParameterSearch, ThreadedParameterSearch
__all__ += ["DependentParameter", "ParameterSearch", "RayParameterSearch", "ThreadedParameterSearch"]
