"""Shared wiring of the periodic experiments (the original's PERIODIC sub-graph): a period
computer, a past-data generator and a wrapper that retrains offline learners at every period end."""

from __future__ import annotations

from typing import Any, Sequence

from ..Getter import Getter as rs

#: The period keys every periodic experiment accepts, with their defaults.
PERIODIC_DEFAULTS: dict[str, Any] = dict(
    period_length=86400, period_mode="time", start_time=-1, timeframe_length=0,
    clear_model=False, learn=True, read_model=False, write_model=False,
    base_in_file_name="", base_out_file_name="",
)

PERIODIC_DOC = """period_length : float, default 86400
        Length of a period: time units (``period_mode="time"``) or records ("samplenum").
    period_mode : {"time", "samplenum"}, default "time"
    start_time : float, default -1
        No period ends while the time (or record index) is <= this.
    timeframe_length : float, default 0
        0: train on the whole past; otherwise on the records with time > now - timeframe_length
        (always in time units, also in samplenum mode, as in the original).
    clear_model : bool, default False
        Clear the model before each retraining.
    learn : bool, default True
        Retrain at each period end (False: only read saved models).
    read_model, write_model : bool, default False
        Read the model from ``<base_in_file_name>_<period>`` / write it to
        ``<base_out_file_name>_<period>`` at each period end.
    base_in_file_name, base_out_file_name : str, default ""
        Path prefixes of the model files. The output directory must exist (checked before the run)."""


def periodic_learner(experiment: Any, model: Any, offline_learners: Sequence[Any]) -> Any:
    """The updater that retrains ``offline_learners`` on the past at the end of every period.

    Reads the period keys of :data:`PERIODIC_DEFAULTS` from ``experiment``.
    """
    p = experiment.parameter_defaults(**PERIODIC_DEFAULTS)
    wrapper = rs.PeriodicOfflineLearnerWrapper(
        write_model=p["write_model"], read_model=p["read_model"], clear_model=p["clear_model"], learn=p["learn"],
        base_out_file_name=p["base_out_file_name"], base_in_file_name=p["base_in_file_name"],
    )
    if p["timeframe_length"] == 0:
        generator = rs.CompletePastDataGenerator()
    else:
        generator = rs.TimeframeDataGenerator(timeframe_length=p["timeframe_length"])
    period_computer = rs.PeriodComputer(
        period_length=p["period_length"], start_time=p["start_time"], period_mode=p["period_mode"],
    )
    wrapper.set_data_generator(generator)
    wrapper.set_period_computer(period_computer)
    wrapper.set_model(model)
    for learner in offline_learners:
        wrapper.add_offline_learner(learner)
    return wrapper
