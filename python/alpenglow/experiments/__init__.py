"""Ready-made online experiments."""

from .ALSFactorExperiment import ALSFactorExperiment
from .ALSOnlineFactorExperiment import ALSOnlineFactorExperiment
from .AsymmetricFactorExperiment import AsymmetricFactorExperiment
from .BatchAndOnlineFactorExperiment import BatchAndOnlineFactorExperiment
from .BatchFactorExperiment import BatchFactorExperiment
from .ExternalModelExperiment import ExternalModelExperiment
from .FactorExperiment import FactorExperiment
from .FmExperiment import FmExperiment
from .NearestNeighborExperiment import NearestNeighborExperiment
from .PersonalPopularityExperiment import PersonalPopularityExperiment
from .PopularityExperiment import PopularityExperiment
from .PopularityTimeframeExperiment import PopularityTimeframeExperiment
from .PosSamplingFactorExperiment import PosSamplingFactorExperiment
from .SvdppExperiment import SvdppExperiment
from .TransitionProbabilityExperiment import TransitionProbabilityExperiment

__all__ = [
    "ALSFactorExperiment",
    "ALSOnlineFactorExperiment",
    "AsymmetricFactorExperiment",
    "BatchAndOnlineFactorExperiment",
    "BatchFactorExperiment",
    "ExternalModelExperiment",
    "FactorExperiment",
    "FmExperiment",
    "NearestNeighborExperiment",
    "PersonalPopularityExperiment",
    "PopularityExperiment",
    "PopularityTimeframeExperiment",
    "PosSamplingFactorExperiment",
    "SvdppExperiment",
    "TransitionProbabilityExperiment",
]
