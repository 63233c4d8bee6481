"""Ready-made online experiments."""

from .PersonalPopularityExperiment import PersonalPopularityExperiment
from .PopularityExperiment import PopularityExperiment
from .PopularityTimeframeExperiment import PopularityTimeframeExperiment
from .TransitionProbabilityExperiment import TransitionProbabilityExperiment

__all__ = [
    "PersonalPopularityExperiment",
    "PopularityExperiment",
    "PopularityTimeframeExperiment",
    "TransitionProbabilityExperiment",
]
