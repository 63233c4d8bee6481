"""Grid search over experiment parameters: ``ParameterSearch`` and ``DependentParameter``.

The sequential search and the shared machinery of the parallel ones
(:mod:`alpenglow.utils.ThreadedParameterSearch`): the grid, the check of the axis names before
any run, one configuration's evaluation, the result table and the handling of failures and
Ctrl-C.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import math
import pickle
import time
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from ..errors import ParameterError, RunInterrupted, SearchError

ERRORS = ("raise", "skip")


class DependentParameter:
    """A parameter whose value is formatted from other parameters of the same configuration.

    Parameters
    ----------
    format_string : str
        A ``%``-format, evaluated as ``format_string % tuple(params[n] for n in parameter_names)``.
    parameter_names : list of str, optional
        The parameters it uses. When None, :meth:`ParameterSearch.set_parameter_values` binds it
        to every non-dependent axis registered so far, in registration order.

    Examples
    --------
    >>> from alpenglow.utils import DependentParameter
    >>> DependentParameter("out_%s_%s.txt", ["learning_rate", "seed"]).eval({"learning_rate": 0.1, "seed": 3})
    'out_0.1_3.txt'
    """

    def __init__(self, format_string: str, parameter_names: Sequence[str] | None = None) -> None:
        if not isinstance(format_string, str):
            raise ParameterError(f"DependentParameter: format_string must be a str, got {format_string!r}")
        self.format_string = format_string
        self.parameter_names = None if parameter_names is None else list(parameter_names)

    def eval(self, parameters: dict) -> str:
        """The value for one configuration (``parameters``: name -> value)."""
        names = self.parameter_names or []
        missing = [n for n in names if n not in parameters]
        if missing:
            raise ParameterError(f"DependentParameter {self.format_string!r}: no value for {', '.join(missing)}")
        values = tuple(parameters[n] for n in names)
        try:
            return self.format_string % values
        except (TypeError, ValueError) as error:
            raise ParameterError(
                f"DependentParameter {self.format_string!r} cannot format the values {values} of {names}: {error}"
            ) from None

    def __repr__(self) -> str:
        return f"DependentParameter({self.format_string!r}, {self.parameter_names!r})"


class ConfigurationFailure(Exception):
    """A configuration's error that could not be sent back from a worker as it was."""


def portable_error(error: BaseException) -> BaseException:
    """``error`` if it survives pickling (to come back from a worker process), else its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any pickling problem
        return ConfigurationFailure(f"{type(error).__name__}: {error}")


def _score_name(Score: Callable) -> str:
    return getattr(Score, "__name__", type(Score).__name__)


def evaluate_configuration(model: Any, Score: Callable, settings: dict, args: tuple, kwargs: dict,
                           hook: Any = None) -> float:
    """One configuration: deep-copy ``model``, set the parameters, run, ``Score(result).mean()``.

    Module-level so that process pools and Ray workers can pickle it by reference.
    """
    experiment = copy.deepcopy(model)
    for name, value in settings.items():
        experiment.set_parameter(name, value)
    if hook is not None:
        experiment._run_hook = hook
    result = experiment.run(*args, **kwargs)
    return float(Score(result).mean())


#: Share of the stream a pilot run replays to estimate a configuration's cost.
PILOT_FRACTION = 0.02
#: Records between the pilot's clock readings; the first reading is taken after this many, so
#: the estimate leaves out the run's set-up (input conversion, building the components).
PILOT_EVERY = 512
#: Streams shorter than this get no estimate (every cost 0: grid order); their runs are short.
PILOT_MIN_RECORDS = 20 * PILOT_EVERY


class _PilotDone(Exception):
    """Raised by the pilot's hook to end the pilot run."""


def pilot_cost(model: Any, settings: dict, args: tuple, kwargs: dict, stop: Any = None) -> float:
    """Estimated relative cost of one configuration, from a pilot run on a prefix of the stream.

    The configuration runs on a deep copy of ``model`` and is stopped after ``PILOT_FRACTION``
    of the records; the estimate is the CPU time of the running thread over its replay loop
    from record ``PILOT_EVERY`` to the stop (the set-up before is left out). It measures what
    the configuration costs on this data, whatever its parameters mean, and unlike wall time
    it does not count the moments the thread waits for a core (other pilots, other programs);
    work a model spreads over a thread pool of the core is not counted. Nothing of the pilot
    is kept; its output file, if any, is not written.

    Module-level so that process pools and Ray workers can pickle it by reference.

    Returns
    -------
    float
        CPU seconds; 0.0 for a stream shorter than ``PILOT_MIN_RECORDS`` (no estimate), ``inf``
        when the pilot fails (the configuration then runs first and reports its error early).
    """
    experiment = copy.deepcopy(model)
    for name, value in settings.items():
        experiment.set_parameter(name, value)
    experiment.set_parameter("out_file", None)
    marks: list[float] = []

    def hook(done: int, total: int, results_since: Any) -> None:
        if stop is not None and stop.is_set():
            raise KeyboardInterrupt("parameter search stopped")
        if total < PILOT_MIN_RECORDS:
            raise _PilotDone
        marks.append(time.thread_time())
        if len(marks) > 1 and done >= PILOT_FRACTION * total:
            raise _PilotDone

    experiment._run_hook = hook
    experiment._run_hook_every = PILOT_EVERY
    kwargs = {k: v for k, v in kwargs.items() if k != "out_file"}
    kwargs["verbose"] = False
    try:
        experiment.run(*args, **kwargs)
    except _PilotDone:
        pass
    except KeyboardInterrupt:
        raise
    except Exception:  # noqa: BLE001 - the full run reports it with the configuration
        return math.inf
    return marks[-1] - marks[0] if len(marks) > 1 else 0.0


def can_pilot(model: Any) -> bool:
    """Whether ``model`` can be stopped after a prefix (an :class:`OnlineExperiment`)."""
    from ..OnlineExperiment import OnlineExperiment

    return isinstance(model, OnlineExperiment)


def longest_first(costs: Sequence[float]) -> list[int]:
    """Positions of ``costs`` from the largest to the smallest; equal costs keep their order.

    Starting the longest runs first (LPT list scheduling) keeps the workers busy to the end:
    the runs left for the last moments are the short ones.

    Examples
    --------
    >>> longest_first([1.0, float("inf"), 3.0, 3.0, 0.0])
    [1, 2, 3, 0, 4]
    """
    return sorted(range(len(costs)), key=lambda k: -costs[k])


class ParameterSearch:
    """Evaluate an experiment on every configuration of a parameter grid, one after the other.

    Parameters
    ----------
    model : OnlineExperiment
        The experiment (not yet run); every configuration runs on a deep copy of it.
    Score : callable
        A metric of :mod:`alpenglow.evaluation` (``Score(results)`` returns one value per
        evaluated record); the table holds its mean under the column ``Score.__name__``.

    Examples
    --------
    >>> from alpenglow.experiments import PopularityExperiment
    >>> from alpenglow.evaluation import DcgScore
    >>> search = ParameterSearch(PopularityExperiment(top_k=100), DcgScore)  # doctest: +SKIP
    >>> search.set_parameter_values("top_k", [100, 50])                      # doctest: +SKIP
    >>> search.run(data, verbose=False)                                      # doctest: +SKIP
    """

    def __init__(self, model: Any, Score: Callable) -> None:
        if not callable(Score):
            raise ParameterError(f"{type(self).__name__}: Score must be callable (e.g. DcgScore), got {Score!r}")
        self.model = model
        self.Score = Score
        self.parameter_names: list[str] = []
        self.parameter_values: list[Any] = []

    def set_parameter_values(self, parameter_name: str, parameter_values: Iterable[Any] | DependentParameter) -> None:
        """Add one grid axis: a list of values, or a single :class:`DependentParameter`.

        Axes are combined in registration order (the first varies slowest). A dependent
        parameter without names is bound here to all non-dependent axes registered so far.
        """
        if not isinstance(parameter_name, str):
            raise ParameterError(f"parameter name must be a str, got {parameter_name!r}")
        if parameter_name in self.parameter_names:
            raise ParameterError(f"parameter '{parameter_name}' already has values; set each axis once")
        if isinstance(parameter_values, DependentParameter):
            dep = copy.copy(parameter_values)
            axes = [n for n, v in zip(self.parameter_names, self.parameter_values) if not isinstance(v, DependentParameter)]
            if dep.parameter_names is None:
                dep.parameter_names = axes
            unknown = [n for n in dep.parameter_names if n not in axes]
            if unknown:
                raise ParameterError(
                    f"DependentParameter '{parameter_name}' uses {', '.join(unknown)}, which is not a grid axis "
                    f"registered before it (axes: {', '.join(axes) or 'none'})"
                )
            value: Any = dep
        elif isinstance(parameter_values, (str, bytes)) or not isinstance(parameter_values, Iterable):
            raise ParameterError(
                f"values of '{parameter_name}' must be a list of values or a DependentParameter, got {parameter_values!r}"
            )
        else:
            value = list(parameter_values)
            if not value:
                raise ParameterError(f"parameter '{parameter_name}' has an empty list of values: the grid would be empty")
        self.parameter_names.append(parameter_name)
        self.parameter_values.append(value)

    # -- the grid ---------------------------------------------------------------------------

    def _axes(self) -> tuple[list[str], list[list[Any]]]:
        pairs = [(n, v) for n, v in zip(self.parameter_names, self.parameter_values) if not isinstance(v, DependentParameter)]
        return [n for n, _ in pairs], [v for _, v in pairs]

    def _get_configurations(self) -> list[dict]:
        """Every configuration of the non-dependent axes, in ``itertools.product`` order."""
        names, values = self._axes()
        return [dict(zip(names, combo)) for combo in itertools.product(*values)]

    def _settings(self, configuration: dict) -> dict:
        """Every parameter to set for a configuration, dependent ones evaluated, in axis order."""
        out = {}
        for name, value in zip(self.parameter_names, self.parameter_values):
            out[name] = value.eval(configuration) if isinstance(value, DependentParameter) else configuration[name]
        return out

    def _check(self) -> list[dict]:
        """The configurations, after checking the grid and the axis names (before any run)."""
        names, _ = self._axes()
        if not self.parameter_names:
            raise ParameterError(
                f"{type(self).__name__}: the grid is empty; add axes with set_parameter_values(name, values)"
            )
        if not names:
            raise ParameterError(f"{type(self).__name__}: the grid has only dependent parameters; add a list of values")
        configurations = self._get_configurations()
        self._check_names(self._settings(configurations[0]))
        return configurations

    def _check_names(self, settings: dict) -> None:
        """Raise when an axis is not a parameter of the experiment, naming the accepted ones.

        The experiment's components are built (not run) with the first configuration, which
        records the parameters the experiment reads.
        """
        if not hasattr(self.model, "_config") or not hasattr(self.model, "set_parameter"):
            return
        from ..Getter import Getter as rs
        from ..OnlineExperiment import DEFAULT_SEED

        probe = copy.deepcopy(self.model)
        for name, value in settings.items():
            probe.set_parameter(name, value)
        probe.used_parameters = set()
        rs.collect()
        try:
            probe._config(probe.parameter_default("top_k", 100), probe.parameter_default("seed", DEFAULT_SEED))
        except Exception:  # noqa: BLE001 - building failed: the run reports it with its own message
            return
        finally:
            rs.get_and_clean()
        for common in ("seed", "top_k", "ranking_seed", "reference_ranking", "network_mode", "out_file"):
            probe.parameter_default(common, None)
        accepted = probe.used_parameters
        unknown = [n for n in self.parameter_names if n not in accepted]
        if unknown:
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(name, sorted(accepted), n=1)
                hints.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
            raise ParameterError(
                f"{type(self).__name__}: {type(self.model).__name__} has no parameter "
                f"{', '.join(hints)}; it accepts: {', '.join(sorted(accepted))}"
            )

    # -- running ----------------------------------------------------------------------------

    def _table(self, configurations: list[dict], scores: list[float]) -> pd.DataFrame:
        names, _ = self._axes()
        rows = [dict(c, **{_score_name(self.Score): s}) for c, s in zip(configurations, scores)]
        return pd.DataFrame(rows, columns=[*names, _score_name(self.Score)])

    def _failed(self, k: int, configuration: dict, error: BaseException, errors: str) -> float:
        if errors == "skip":
            return math.nan
        raise SearchError(
            f"{type(self).__name__}: configuration {k} {configuration} failed: {type(error).__name__}: {error}",
            configuration,
        ) from error

    def _interrupted(self, configurations: list[dict], scores: list[Any]) -> RunInterrupted:
        done = [(c, s) for c, s in zip(configurations, scores) if s is not None]
        table = self._table([c for c, _ in done], [s for _, s in done])
        return RunInterrupted(
            f"parameter search interrupted after {len(done)} of {len(configurations)} configurations; "
            "the finished rows are in .results",
            table,
        )

    def run(self, *run_parameters: Any, errors: str = "raise", **run_kw_parameters: Any) -> pd.DataFrame:
        """Run every configuration; arguments are passed to the experiment's ``run``.

        Parameters
        ----------
        *run_parameters, **run_kw_parameters
            Passed to ``model.run`` (the data first), e.g. ``run(data, verbose=False)``.
        errors : {"raise", "skip"}, default "raise"
            A failing configuration raises :class:`alpenglow.errors.SearchError` naming it
            (the cause chained); with ``"skip"`` its score is NaN and the search goes on.

        Returns
        -------
        pandas.DataFrame
            One row per configuration in grid order (``itertools.product`` over the axes in
            registration order): one column per non-dependent axis, then the mean score under
            ``Score.__name__``.

        Raises
        ------
        alpenglow.errors.ParameterError
            Empty grid, or an axis the experiment does not take (before any run).
        alpenglow.errors.RunInterrupted
            On Ctrl-C; its ``results`` holds the finished configurations' rows.
        """
        if errors not in ERRORS:
            raise ParameterError(f"errors must be one of {ERRORS}, got {errors!r}")
        configurations = self._check()
        scores: list[Any] = [None] * len(configurations)
        for k, configuration in enumerate(configurations):
            try:
                scores[k] = evaluate_configuration(self.model, self.Score, self._settings(configuration),
                                                   run_parameters, run_kw_parameters)
            except KeyboardInterrupt:
                raise self._interrupted(configurations, scores) from None
            except Exception as error:  # noqa: BLE001 - reported with the configuration
                scores[k] = self._failed(k, configuration, error, errors)
        return self._table(configurations, scores)
