"""alpenglow: online evaluation and training of recommender models on event streams.

An online experiment replays a time-ordered stream of (time, user, item, score) events; for
every event it first evaluates the current model (rank of the event's item among all items
for the user), then trains on it. The core is written in Rust and runs without the GIL.

Examples
--------
>>> from alpenglow.experiments import PopularityExperiment
>>> from alpenglow.evaluation import DcgScore
>>> from alpenglow.datasets import synthetic_stream
>>> res = PopularityExperiment(top_k=100).run(synthetic_stream(10_000), verbose=False)
>>> float(DcgScore(res).mean()) > 0
True
"""

from . import errors, utils
from .Getter import Getter
from .OnlineExperiment import OnlineExperiment
from .ParameterDefaults import ParameterDefaults
from .PythonModel import SelfUpdatingModel
from .utils import DataframeData

__version__ = "0.1.0"

__all__ = ["DataframeData", "Getter", "OnlineExperiment", "ParameterDefaults", "SelfUpdatingModel", "errors", "utils"]
