"""The offline models: fit on a training set, then ``predict`` and ``recommend``."""

from .ALSFactorModel import ALSFactorModel
from .AsymmetricFactorModel import AsymmetricFactorModel
from .FactorModel import FactorModel
from .NearestNeighborModel import NearestNeighborModel
from .PopularityModel import PopularityModel
from .SvdppModel import SvdppModel

__all__ = ["ALSFactorModel", "AsymmetricFactorModel", "FactorModel", "NearestNeighborModel", "PopularityModel",
           "SvdppModel"]
