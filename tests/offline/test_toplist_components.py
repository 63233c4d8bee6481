"""The toplist machinery as core components: OnlinePredictor driving a ToplistCreator."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alpenglow.Getter import Getter as cpp
from alpenglow.errors import ParameterError
from alpenglow.utils import DataframeData


def _run(data, logger, model, updater):
    it = cpp.SimpleIterator()
    it.set_recommender_data(DataframeData(data))
    exp = cpp.OnlineExperiment(top_k=10)
    exp.set_recommender_data_iterator(it)
    exp.add_updater(updater)
    exp.add_logger(logger)
    import alpenglow._core as core
    core.run(exp._handle)


def test_online_predictor_writes_one_list_per_time_frame(tmp_path):
    data = pd.DataFrame({"time": np.arange(8), "user": [0, 1, 1, 2, 0, 2, 3, 2], "item": [0, 0, 1, 2, 1, 0, 1, 1]})
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    creator = cpp.ToplistCreatorPersonalized(top_k=2, exclude_known=1)
    creator.set_model(model)
    out = tmp_path / "lists.txt"
    logger = cpp.OnlinePredictor(evaluation_start_time=0.5, time_frame=3.0, file_name=str(out))
    logger.set_prediction_creator(creator)
    _run(data, logger, model, updater)
    lines = [line.split() for line in out.read_text().splitlines()]
    # frames start at t=1 (frame 0), t=4 (frame 1), t=7 (frame 2); each list is computed
    # before the record trains the model, for the record's user, known items excluded.
    assert [line[:3] for line in lines] == [["0", "1", "0"], ["1", "0", "1"], ["1", "0", "2"], ["2", "2", "1"]]
    scores = [float(line[3]) for line in lines]
    assert scores == pytest.approx([1.0, math.log(2) / math.log(3), math.log(2) / math.log(3), 1.0], rel=1e-5)


def test_online_predictor_needs_a_positive_time_frame():
    with pytest.raises(ParameterError, match="time_frame"):
        cpp.OnlinePredictor()


def test_offline_evaluators_from_python(tmp_path, capfd):
    import alpenglow._core as core

    train = pd.DataFrame({"user": [0, 1, 1, 2], "item": [0, 0, 1, 2]})
    model, updater = cpp.PopularityModel(), cpp.PopularityModelUpdater()
    updater.set_model(model)
    learner = cpp.OfflineIteratingOnlineLearnerWrapper(number_of_iterations=0)
    learner.add_updater(updater)
    core.offline_fit(learner._handle, train["user"].to_numpy(), train["item"].to_numpy(), np.ones(4))
    creator = cpp.ToplistCreatorPersonalized(top_k=2, exclude_known=1)
    creator.set_model(model)
    test = tmp_path / "test.txt"
    test.write_text("2 0 1\n0 1 1\n")
    out = tmp_path / "lists.txt"
    ev = cpp.OfflineUserToplistEvaluator(test_file_name=str(test), test_file_type="offline", output_file_name=str(out))
    ev.set_toplist_creator(creator)
    ev.set_train_data(DataframeData(train))
    ev.evaluate()
    # counts: item 0: 2, items 1, 2: 1 (score log 2 / log 3); known items excluded
    s = f"{math.log(2) / math.log(3):.6g}"
    assert out.read_text().splitlines() == [f"2 0,1 1,{s}", f"0 1,{s} 2,{s}"]
    pr = cpp.PrecisionRecallEvaluator(cutoff=2, test_file_name=str(test), test_file_type="offline")
    pr.set_model(model)
    pr.set_train_data(DataframeData(train))
    capfd.readouterr()
    pr.evaluate()
    printed = capfd.readouterr().out.split()
    # user 2: list [0, 1] (known items kept), test {0}: precision 1/2, recall 1;
    # user 0: list [0, 1], test {1}: precision 1/2, recall 1.
    assert printed == ["precision_avg=0.5", "recall_avg=1"]
