"""Utilities: data wrappers and parameter search."""

from .DataframeData import DataframeData
from .AvailabilityFilter import AvailabilityFilter

__all__ = ["DataframeData"]
__all__ += ["AvailabilityFilter"]
from .ParameterSearch import DependentParameter, ParameterSearch
from .ThreadedParameterSearch import RayParameterSearch, ThreadedParameterSearch
__all__ += ["DependentParameter", "ParameterSearch", "RayParameterSearch", "ThreadedParameterSearch"]
from .DataShuffler import DataShuffler
from .FactorModelReader import readEigenFactorModel, readFactorModel
__all__ += ["DataShuffler", "readEigenFactorModel", "readFactorModel"]
from ._optuna import optuna_objective
__all__ += ["optuna_objective"]
