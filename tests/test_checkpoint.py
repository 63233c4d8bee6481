"""Checkpoint, resume and continue: a run stopped half-way and resumed from its checkpoint gives
exactly the results of one uninterrupted run, for every ready-made experiment, with the
same-time shuffle on; damaged or mismatching checkpoints are refused with a clear error."""

from __future__ import annotations

import os
import shutil
import zlib

import numpy as np
import pandas as pd
import pytest

import alpenglow as ag
import alpenglow.experiments as ex
from alpenglow.datasets import synthetic_stream
from alpenglow.errors import ParameterError, RunInterrupted

PERIOD = {"period_length": 30}
EXPERIMENTS = [
    (ex.PopularityExperiment, {}),
    (ex.PopularityTimeframeExperiment, {"tau": 50}),
    (ex.PersonalPopularityExperiment, {}),
    (ex.TransitionProbabilityExperiment, {}),
    (ex.FactorExperiment, {"negative_rate": 5}),
    (ex.PosSamplingFactorExperiment, {"negative_rate": 5}),
    (ex.AsymmetricFactorExperiment, {"negative_rate": 5}),
    (ex.SvdppExperiment, {"negative_rate": 5}),
    (ex.FmExperiment, {"negative_rate": 5}),
    (ex.NearestNeighborExperiment, {}),
    (ex.BatchFactorExperiment, PERIOD),
    (ex.BatchAndOnlineFactorExperiment, PERIOD),
    (ex.ALSFactorExperiment, {**PERIOD, "number_of_iterations": 2}),
    (ex.ALSOnlineFactorExperiment, {**PERIOD, "number_of_iterations": 2, "online_negative_rate": 3}),
]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = synthetic_stream(2400, n_users=60, n_items=150, seed=7)
    d["time"] = d["time"] // 50  # many equal times: the same-time shuffle matters
    return d


def stop_at(experiment: ag.OnlineExperiment, position: int, start: int = 0) -> None:
    """Makes the next run of `experiment` (which starts at record `start`) stop as Ctrl-C
    does once it has processed the records before `position`."""

    def hook(done, total, results_since):
        if done >= position:
            raise KeyboardInterrupt

    experiment._run_hook, experiment._run_hook_every = hook, position - start


def interrupted_run(experiment, data, position, start=0, **kw) -> pd.DataFrame:
    stop_at(experiment, position, start)
    with pytest.raises(RunInterrupted) as stopped:
        experiment.run(data, verbose=False, **kw)
    return stopped.value.results


@pytest.mark.parametrize("cls,params", EXPERIMENTS, ids=[c.__name__ for c, _ in EXPERIMENTS])
def test_stopped_then_resumed_equals_one_run(tmp_path, data, cls, params):
    full = cls(top_k=30, **params).run(data, verbose=False)
    path = tmp_path / "run.ckpt"
    first = interrupted_run(cls(top_k=30, **params), data, len(data) // 2, checkpoint=str(path))
    assert len(first) == len(data) // 2
    rest = cls(top_k=30, **params).run(data, verbose=False, resume=path)
    both = pd.concat([first, rest])
    assert both.equals(full), f"{cls.__name__}: first differing row {np.flatnonzero(both['rank'].fillna(-1).values != full['rank'].fillna(-1).values)[:5]}"
    # No temporary file is left beside the checkpoint.
    assert os.listdir(tmp_path) == ["run.ckpt"]


def test_periodic_checkpoints_resume_from_the_last_one(tmp_path, data):
    """checkpoint_every=700: at record 1000 the file holds position 700 (copied there by the
    hook); resuming from the copy repeats records 700.. exactly."""
    full = ex.FactorExperiment(top_k=30, negative_rate=5).run(data, verbose=False)
    path, copy = tmp_path / "run.ckpt", tmp_path / "at-1000.ckpt"
    exp = ex.FactorExperiment(top_k=30, negative_rate=5)

    def hook(done, total, results_since):
        if done == 1000:
            shutil.copy(path, copy)

    exp._run_hook, exp._run_hook_every = hook, 1000
    exp.run(data, verbose=False, checkpoint=path, checkpoint_every=700)
    rest = ex.FactorExperiment(top_k=30, negative_rate=5).run(data, verbose=False, resume=copy)
    assert rest.equals(full.iloc[700:])
    # The checkpoint written at the end resumes to nothing left.
    done = ex.FactorExperiment(top_k=30, negative_rate=5).run(data, verbose=False, resume=path)
    assert len(done) == 0


def test_resume_twice_in_a_row(tmp_path, data):
    full = ex.PopularityTimeframeExperiment(top_k=30, tau=50).run(data, verbose=False)
    a, b = tmp_path / "a.ckpt", tmp_path / "b.ckpt"
    first = interrupted_run(ex.PopularityTimeframeExperiment(top_k=30, tau=50), data, 800, checkpoint=a)
    second = interrupted_run(ex.PopularityTimeframeExperiment(top_k=30, tau=50), data, 1700, 800, resume=a, checkpoint=b)
    third = ex.PopularityTimeframeExperiment(top_k=30, tau=50).run(data, verbose=False, resume=b)
    assert (len(first), len(second)) == (800, 900)
    assert pd.concat([first, second, third]).equals(full)


def test_termination_time_writes_the_checkpoint_at_the_cut(tmp_path, data):
    cut = float(data["time"].iloc[1000])
    full = ex.PopularityExperiment(top_k=30).run(data, verbose=False)
    path = tmp_path / "run.ckpt"
    first = ex.PopularityExperiment(top_k=30).run(data, verbose=False, checkpoint=path,
                                                   experiment_termination_time=cut)
    assert first["time"].max() < cut
    rest = ex.PopularityExperiment(top_k=30).run(data, verbose=False, resume=path)
    assert pd.concat([first, rest]).equals(full)


@pytest.fixture
def checkpoint(tmp_path, data):
    path = tmp_path / "run.ckpt"
    interrupted_run(ex.FactorExperiment(top_k=30, negative_rate=5), data, 1000, checkpoint=path)
    return path


def resume(path, data, **params):
    return ex.FactorExperiment(top_k=30, **{"negative_rate": 5, **params}).run(data, verbose=False, resume=path)


def test_a_flipped_byte_is_refused(checkpoint, data):
    raw = bytearray(checkpoint.read_bytes())
    raw[len(raw) // 2] ^= 0x10
    checkpoint.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="damaged checkpoint"):
        resume(checkpoint, data)


def test_a_truncated_file_and_other_files_are_refused(checkpoint, tmp_path, data):
    checkpoint.write_bytes(checkpoint.read_bytes()[:-20])
    with pytest.raises(ValueError, match="damaged checkpoint"):
        resume(checkpoint, data)
    other = tmp_path / "model.bin"
    other.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match="not an alpenglow checkpoint"):
        resume(other, data)
    with pytest.raises(OSError, match="missing.ckpt"):
        resume(tmp_path / "missing.ckpt", data)


def test_another_format_version_is_refused(checkpoint, data):
    raw = checkpoint.read_bytes()
    body = bytearray(raw[:-12])
    body[8:12] = (99).to_bytes(4, "little")
    resealed = bytes(body) + b"ALPCRC32" + zlib.crc32(bytes(body)).to_bytes(4, "little")
    checkpoint.write_bytes(resealed)
    with pytest.raises(ValueError, match="format version 99.*reads version 1"):
        resume(checkpoint, data)


def test_another_experiment_or_stream_is_refused(checkpoint, data):
    with pytest.raises(ValueError, match="different experiment"):
        resume(checkpoint, data, negative_rate=6)
    with pytest.raises(ValueError, match="different experiment"):
        ex.PopularityExperiment(top_k=30).run(data, verbose=False, resume=checkpoint)
    changed = data.copy()
    changed.loc[changed.index[10], "item"] = int(changed["item"].max()) + 1
    with pytest.raises(ValueError, match="not the stream the checkpoint was written on"):
        resume(checkpoint, changed)
    with pytest.raises(ValueError, match="serves only 500"):
        resume(checkpoint, data.iloc[:500])
    # Another shuffle seed, or no shuffle (another iterator), is another experiment.
    with pytest.raises(ValueError, match="different experiment"):
        resume(checkpoint, data, seed=5)
    with pytest.raises(ValueError, match="different experiment"):
        ex.FactorExperiment(top_k=30, negative_rate=5).run(data, verbose=False, resume=checkpoint,
                                                           shuffle_same_time=False)


def test_bad_checkpoint_arguments(tmp_path, data):
    exp = ex.PopularityExperiment()
    with pytest.raises(ParameterError, match="checkpoint_every must be a positive"):
        exp.run(data, verbose=False, checkpoint=tmp_path / "a", checkpoint_every=0)
    with pytest.raises(ParameterError, match="checkpoint_every needs checkpoint"):
        exp.run(data, verbose=False, checkpoint_every=10)
    with pytest.raises(OSError, match="no-such-folder"):
        exp.run(data, verbose=False, checkpoint=tmp_path / "no-such-folder" / "a.ckpt")
    # The results of the run are kept even though its last checkpoint could not be written.
    assert exp.results is not None and len(exp.results) == len(data)


def test_python_models_cannot_be_checkpointed(tmp_path, data):
    class Counts(ag.SelfUpdatingModel):
        def __init__(self):
            super().__init__()
            self.counts = {}

        def update(self, rec):
            self.counts[rec.item] = self.counts.get(rec.item, 0) + 1

        def prediction(self, rec):
            return self.counts.get(rec.item, 0)

    class Experiment(ag.OnlineExperiment):
        def _config(self, top_k, seed):
            m = Counts()
            return (m._model, m._updater, [])

    with pytest.raises(ParameterError, match="written in Python"):
        Experiment(top_k=10).run(data.iloc[:50], verbose=False, checkpoint=tmp_path / "a.ckpt")
    assert not (tmp_path / "a.ckpt").exists()


def split_at_new_time(data: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    cut = data["time"].iloc[n]
    return data[data["time"] < cut], data[data["time"] >= cut]


@pytest.mark.parametrize("cls,params", [(ex.PopularityExperiment, {}), (ex.FactorExperiment, {"negative_rate": 5}),
                                        (ex.SvdppExperiment, {"negative_rate": 3}),
                                        (ex.TransitionProbabilityExperiment, {})],
                         ids=["Popularity", "Factor", "Svdpp", "Transition"])
def test_continue_run_on_new_events_equals_one_run(data, cls, params):
    full = cls(top_k=30, **params).run(data, verbose=False)
    before, after = split_at_new_time(data, 1200)
    exp = cls(top_k=30, **params)
    exp.run(before, verbose=False)
    result = exp.run(after, verbose=False, continue_run=True)
    assert result is exp.results
    assert result.equals(full)
    # And once more: a continued run can be continued.
    before, middle = split_at_new_time(before, 600)
    exp = cls(top_k=30, **params)
    exp.run(before, verbose=False)
    exp.run(middle, verbose=False, continue_run=True)
    assert exp.run(after, verbose=False, continue_run=True).equals(full)


def test_continue_run_with_string_ids(data):
    named = data.assign(user=data["user"].map(lambda u: f"u{u}"), item=data["item"].map(lambda i: f"i{i}"))
    full = ex.FactorExperiment(top_k=30, negative_rate=5).run(named, verbose=False)
    before, after = split_at_new_time(named, 1500)
    exp = ex.FactorExperiment(top_k=30, negative_rate=5)
    exp.run(before, verbose=False)
    assert exp.run(after, verbose=False, continue_run=True).equals(full)
    assert exp.recommend("u3", k=5)["item"].str.startswith("i").all()


def test_continue_run_refusals(data):
    before, after = split_at_new_time(data, 1200)
    exp = ex.PopularityExperiment()
    with pytest.raises(RuntimeError, match="needs an earlier successful run"):
        exp.run(after, verbose=False, continue_run=True)
    exp.run(after, verbose=False)
    with pytest.raises(ParameterError, match="before the last event"):
        exp.run(before, verbose=False, continue_run=True)
    exp.run(before, verbose=False)
    with pytest.raises(ParameterError, match="lack the columns"):
        exp.run(after.drop(columns=["time"]), verbose=False, continue_run=True)
    exp.learn(after.iloc[:3])
    with pytest.raises(ValueError, match="learned records outside the run"):
        exp.run(after, verbose=False, continue_run=True)



def members(cpp):
    popularity, transition = cpp.PopularityModel(), cpp.TransitionProbabilityModel()
    popularity_updater, transition_updater = cpp.PopularityModelUpdater(), cpp.TransitionProbabilityModelUpdater()
    popularity_updater.set_model(popularity)
    transition_updater.set_model(transition)
    return popularity, transition, [popularity_updater, transition_updater]


class Forecaster(ag.OnlineExperiment):
    """The exponentially weighted forecaster of the combination docs (random choice of the
    ranking model, DCG evaluators with their own tie-breaking generators)."""

    def _config(self, top_k, seed):
        from alpenglow.Getter import Getter as cpp

        popularity, transition, updaters = members(cpp)
        model = cpp.RandomChoosingCombinedModel(seed=seed)
        model.add_model(popularity)
        model.add_model(transition)
        expert = cpp.RandomChoosingCombinedModelExpertUpdater(eta=0.1, top_k=top_k, loss_type="dcg")
        expert.set_model(model)
        return model, [expert, *updaters], []


class MergedToplists(ag.OnlineExperiment):
    def _config(self, top_k, seed):
        from alpenglow.Getter import Getter as cpp

        popularity, transition, updaters = members(cpp)
        model = cpp.ToplistCombinationModel(seed=seed, top_k=top_k)
        model.add_model(popularity)
        model.add_model(transition)
        return model, updaters, []


class LinearCombination(ag.OnlineExperiment):
    def _config(self, top_k, seed):
        from alpenglow.Getter import Getter as cpp

        popularity, transition, updaters = members(cpp)
        factor = cpp.FactorModel(dimension=5, begin_min=-0.01, begin_max=0.01)
        factor_updater = cpp.FactorModelGradientUpdater(learning_rate=0.05)
        factor_updater.set_model(factor)
        combined = cpp.CombinedModel(log_file_name="", log_frequency=0, use_user_weights=True)
        for model in (transition, factor, popularity):
            combined.add_model(model)
        combiner = cpp.CombinedDoubleLayerModelGradientUpdater(global_learning_rate=0.05, learning_rate=0.05)
        combiner.set_model(combined)
        sampler = cpp.UniformNegativeSampleGenerator(negative_rate=4, seed=seed, filter_repeats=True)
        for model, updater in ((combined, combiner), (factor, factor_updater)):
            computer = cpp.GradientComputerPointWise()
            computer.set_objective(cpp.ObjectiveMSE())
            computer.set_model(model)
            computer.add_gradient_updater(updater)
            sampler.add_updater(computer)
        return combined, [sampler, *updaters], []


@pytest.mark.parametrize("cls", [Forecaster, MergedToplists, LinearCombination])
def test_hand_wired_combinations_resume_exactly(tmp_path, data, cls):
    full = cls(top_k=30).run(data, verbose=False)
    path = tmp_path / "run.ckpt"
    first = interrupted_run(cls(top_k=30), data, 1100, checkpoint=path)
    rest = cls(top_k=30).run(data, verbose=False, resume=path)
    assert pd.concat([first, rest]).equals(full)


def test_external_model_experiment_resumes_its_file_protocol(tmp_path, data):
    """ExternalModelExperiment in write mode: the interrupted and resumed runs write exactly the
    period files of one run (the period counter is part of the checkpoint)."""
    def experiment(folder):
        folder.mkdir(exist_ok=True)
        return ex.ExternalModelExperiment(top_k=30, mode="write", period_length=400, period_mode="samplenum",
                                          out_name_base=str(folder / "batch"))

    full = experiment(tmp_path / "full").run(data, verbose=False)
    path = tmp_path / "run.ckpt"
    first = interrupted_run(experiment(tmp_path / "parts"), data, 1000, checkpoint=path)
    rest = experiment(tmp_path / "parts").run(data, verbose=False, resume=path)
    assert pd.concat([first, rest]).equals(full)
    names = sorted(os.listdir(tmp_path / "full"))
    assert len(names) >= 10 and names == sorted(os.listdir(tmp_path / "parts"))
    for name in names:
        assert (tmp_path / "parts" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


@pytest.mark.parametrize("options", [
    {"exclude_known": True},
    {"evaluate_cold_start": True},
    {"initialize_all": True},
    {"calculate_toplists": True},
    {"shuffle_same_time": False, "evaluation_start_time": 300},
], ids=["exclude_known", "cold_start", "initialize_all", "toplists", "no_shuffle_eval_start"])
def test_run_options_resume_exactly(tmp_path, data, options):
    full_exp = ex.FactorExperiment(top_k=30, negative_rate=4)
    full = full_exp.run(data, verbose=False, **options)
    path = tmp_path / "run.ckpt"
    first_exp = ex.FactorExperiment(top_k=30, negative_rate=4)
    first = interrupted_run(first_exp, data, 1300, checkpoint=path, **options)
    rest_exp = ex.FactorExperiment(top_k=30, negative_rate=4)
    rest = rest_exp.run(data, verbose=False, resume=path, **options)
    assert pd.concat([first, rest]).equals(full)
    if options.get("calculate_toplists"):
        lists = pd.concat([first_exp.get_predictions(), rest_exp.get_predictions()], ignore_index=True)
        assert lists.equals(full_exp.get_predictions())


def test_continue_run_refuses_other_settings_and_accepts_the_same(data):
    """A setting left at its default means "as in the continued run"; another value is refused."""
    before, after = split_at_new_time(data, 1200)
    exp = ex.PopularityExperiment(top_k=30)
    exp.run(before, verbose=False)
    with pytest.raises(ParameterError, match="exclude_known was False there, got True"):
        exp.run(after, verbose=False, continue_run=True, exclude_known=True)
    exp = ex.PopularityExperiment(top_k=30)
    exp.run(before, verbose=False, exclude_known=True)
    full = ex.PopularityExperiment(top_k=30).run(data, verbose=False, exclude_known=True)
    assert exp.run(after, verbose=False, continue_run=True).equals(full)
    exp = ex.PopularityExperiment(top_k=30)
    exp.run(before, verbose=False, exclude_known=True)
    assert exp.run(after, verbose=False, continue_run=True, exclude_known=True).equals(full)
