"""Calls on components during a run (issue 11, item 10): reading parameters never disturbs the
run; a call that needs the component fails itself with an InUseError saying it is busy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alpenglow._core as core
import alpenglow.cpp as cpp
from alpenglow.errors import InUseError
from alpenglow.utils import DataframeData


def wired(n=2000):
    frame = pd.DataFrame({"time": np.arange(n), "user": np.arange(n) % 7, "item": np.arange(n) % 11})
    iterator = cpp.SimpleIterator()
    iterator.set_recommender_data(DataframeData(frame))
    experiment = cpp.OnlineExperiment(top_k=10, exclude_known=False)
    experiment.set_recommender_data_iterator(iterator)
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    logger = cpp.MemoryRankingLogger(top_k=10, random_seed=43211234)
    logger.set_model(model)
    experiment.add_logger(logger)
    experiment.add_updater(updater)
    return experiment, model, updater, logger


def test_reading_parameters_during_a_run_does_not_disturb_it():
    # Was a bug: get_params() during a run aborted the run with an InUseError blaming the wiring.
    experiment, model, updater, logger = wired()
    seen = []

    def progress(done, total):
        seen.append((logger.get_params()["top_k"], updater.get_params(), experiment.get_params()["top_k"]))

    assert core.run(experiment._handle, progress, 100) == 2000
    assert len(seen) >= 20 and seen[0][0] == 10 and seen[0][2] == 10


def test_a_call_that_needs_the_component_gets_the_in_use_error_itself():
    experiment, model, updater, logger = wired()
    errors = []

    class Rec:
        user, item = 0, 1

    def progress(done, total):
        for call in (lambda: model.prediction(Rec()), updater.check_wiring):
            try:
                call()
            except InUseError as e:
                errors.append(str(e))

    assert core.run(experiment._handle, progress, 500) == 2000  # the run is not disturbed
    assert errors[0] == ("PopularityModel is busy in a running experiment (or in a call from another thread); "
                         "call this after the run")
    assert errors[1].startswith("PopularityModelUpdater is busy in a running experiment")
    assert model.prediction(Rec()) > 0  # usable again after the run
