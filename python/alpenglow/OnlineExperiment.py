"""``OnlineExperiment``: the base class of every online experiment."""

from __future__ import annotations

import os
import time
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._input import MAX_ID, Columns, prepare, record_ids
from ._progress import Progress
from .errors import ParameterError, RunInterrupted
from .Getter import Getter as rs
from .ParameterDefaults import ParameterDefaults

DEFAULT_SEED = 254938879
RANKING_SEED = 43211234


def _decode(cols: Columns, name: str, codes: np.ndarray) -> np.ndarray:
    """Original ids of dense codes (codes are positions of first appearance)."""
    values = cols.originals[name]
    first = np.empty(int(cols.arrays[name].max()) + 1, dtype=np.int64)
    first[cols.arrays[name][::-1]] = np.arange(len(values) - 1, -1, -1)
    return values[first[codes]]


#: Values of the ``cold`` result column, indexed by the core's bits (user = 1, item = 2).
COLD_CATEGORIES = ["", "user", "item", "both"]


def _polars() -> Any:
    """The polars module, imported on first use."""
    try:
        import polars
    except ImportError:
        raise ImportError("output='polars' needs polars: pip install alpenglow[polars]") from None
    return polars


def _same(a: Any, b: Any) -> bool:
    """``a == b`` for run settings (False where the comparison is not a plain truth value)."""
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and other values without a plain equality
        return False


def _as_pandas(data: Any) -> pd.DataFrame:
    """An input stream (pandas, polars, pyarrow, dict of arrays) as a pandas DataFrame."""
    if isinstance(data, pd.DataFrame):
        return data
    if hasattr(data, "to_pandas"):
        return data.to_pandas()
    return pd.DataFrame(dict(data))


def _toplist_flags(value: Any) -> bool | np.ndarray:
    """``calculate_toplists`` as False, True or a contiguous bool array (one flag per record)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise ParameterError(
            f"calculate_toplists must be True, False or a sequence of booleans (one per record), got {value!r}"
        )
    flags = np.asarray(value)
    if flags.ndim != 1 or flags.dtype.kind not in "biu":
        raise ParameterError(
            f"calculate_toplists must be a 1-d sequence of booleans (one per record), got dtype {flags.dtype}"
        )
    return np.ascontiguousarray(flags != 0)


def _wires_python(*roots: Any) -> bool:
    """True if a component written in Python is among ``roots`` or wired into them."""
    from ._python_components import PythonComponent

    stack, seen = list(roots), set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, (list, tuple)):
            stack.extend(obj)
            continue
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, PythonComponent):
            return True
        for wired in getattr(obj, "__dict__", {}).get("_wired", {}).values():
            stack.extend(wired)
    return False


def _python_ids(data: Any, columns: Mapping[str, str] | None, network_mode: bool) -> bool:
    """Whether to recode ids for a run with a Python model: not when the user and item ids are
    non-negative integers below 2**24 (the Python model then sees the input's ids), else yes."""
    if isinstance(data, (str, os.PathLike)):
        return False  # file ids are integers, never recoded
    mapping = dict(columns or {})
    names = ("source", "target") if network_mode else ("user", "item")
    try:
        for canonical, default in zip(("user", "item"), names):
            values = np.asarray(data[mapping.get(canonical, mapping.get(default, default))])
            if values.dtype.kind not in "iu" or (len(values) and (values.min() < 0 or values.max() > MAX_ID)):
                return True
    except Exception:  # noqa: BLE001 - the input checks below report what is wrong
        return True
    return False


def _unpack_config(name: str, config: Any) -> tuple:
    """``_config``'s result as (model, updaters, loggers, end_loggers).

    The 3-tuple is the original's contract. Its example scripts return a 4-tuple, whose 4th
    element is taken as end loggers (run once after the last record, e.g.
    ``TransitionModelEndLogger``), since the loggers already have the 3rd.
    """
    if isinstance(config, (tuple, list)) and len(config) in (3, 4):
        model, updaters, loggers, *rest = config
        return model, updaters, list(loggers or []), list(rest[0] or []) if rest else []
    raise TypeError(f"{name}._config must return (model, updaters, loggers) or (model, updaters, loggers, "
                    f"end_loggers), got {type(config).__name__}"
                    + (f" of length {len(config)}" if isinstance(config, (tuple, list)) else ""))


class OnlineExperiment(ParameterDefaults):
    """Base class of online experiments: replay a stream, evaluating before training.

    Subclasses implement ``_config(top_k, seed)`` returning ``(model, updater_or_updaters,
    loggers)`` or ``(model, updater_or_updaters, loggers, end_loggers)`` (end loggers run once
    after the last record), reading their hyper-parameters with :meth:`parameter_default`.

    Parameters
    ----------
    seed : int, default 254938879
        Seed of the experiment: drives the same-timestamp shuffle and every component seed the
        experiment does not fix otherwise. Must not be 0.
    top_k : int, default 100
        Length of the top list; the rank is NaN when the item is not in it.
    ranking_seed : int, default 43211234
        Seed of the tie-breaking generator of the evaluation (fixed in the original).
    out_file : str, optional
        Also write every evaluated record to this text file (wins over ``run(out_file=...)``).
    network_mode : bool, default False
        The data has ``source``/``target`` columns instead of ``user``/``item``.
    reference_ranking : bool, default False
        Rank by scoring every item instead of the model's fast path: much slower, identical
        results (for checking fast paths and benchmarking them).
    **parameters
        Hyper-parameters of the subclass. A parameter that the experiment does not use raises
        :class:`alpenglow.errors.ParameterError` (a ``TypeError``) when ``run`` starts.
    """

    def __init__(self, **parameters: Any) -> None:
        super().__init__(**parameters)
        self.results: pd.DataFrame | None = None
        self._predictions: dict | None = None
        self._live: Any = None
        self._last_run: dict | None = None
        #: Wall-clock seconds of the last run's replay loop alone (no input or result building).
        self.run_seconds: float | None = None

    def _config(self, top_k: int, seed: int) -> tuple:
        raise NotImplementedError("subclasses implement _config(top_k, seed) -> (model, updaters, loggers)")

    def run(
        self,
        data: Any,
        experimentType: str | None = None,
        columns: Mapping[str, str] | None = None,
        verbose: bool = True,
        out_file: str | None = None,
        exclude_known: bool = False,
        initialize_all: bool = False,
        calculate_toplists: bool | Sequence[bool] = False,
        experiment_termination_time: float = 0,
        memory_log: bool = True,
        shuffle_same_time: bool = True,
        recode: bool = True,
        evaluation_start_time: float = 0,
        evaluate_cold_start: bool = False,
        output: str = "pandas",
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: int | None = None,
        resume: str | os.PathLike | None = None,
        continue_run: bool = False,
    ) -> Any:
        """Run the experiment on a stream.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame, pyarrow.Table, dict of arrays, or str
            The stream, sorted by ``time``: columns ``user`` and ``item`` (required), ``time``
            (default: row number), ``score`` (default 1), ``eval`` (default 1: evaluate the
            record), ``category``. The index gives the record ids. A str is a file path, read
            in the format ``experimentType``.
        experimentType : str, optional
            File format: ``online``, ``online_id``, ``online_id_noeval``, ``online_attribute``,
            ``category``, ``offline``, ``offlineTimestamp`` or ``csv`` (with a header).
        columns : dict, optional
            Canonical name -> column name of the input, e.g. ``{'user': 'uid'}``. When given,
            only the mapped columns are read. The results use the input's names.
        verbose : bool, default True
            Show a progress bar.
        out_file : str, optional
            Also write ``int(time) rank prediction user item score id`` lines (raw 0-based rank
            codes, internal ids) to this file.
        exclude_known : bool, default False
            Do not rank items the user has already interacted with (the pair occurred earlier).
        initialize_all : bool, default False
            Every id up to the largest one exists from the start (otherwise an item exists only
            after its first record, so its first occurrence is always a miss).
        calculate_toplists : bool or sequence of bool, default False
            Compute the model's top list before every record (or where the flag is true; flags
            are by processing position over all records). Read them with
            :meth:`get_predictions`. Disables the same-time shuffle.
        experiment_termination_time : float, default 0
            When > 0, stop at the first record with time >= this value (any input).
        memory_log : bool, default True
            Keep results in memory (False: only ``out_file`` is written; the result is empty).
        shuffle_same_time : bool, default True
            Shuffle records with equal timestamps (seeded with ``seed``).
        recode : bool, default True
            Map users and items to dense codes (and back in the results). With False, ids must
            be non-negative integers. When a model or updater written in Python is wired, ids
            that are non-negative integers below 2**24 are not recoded, so that the Python code
            sees the input's ids.
        evaluation_start_time : float, default 0
            Records earlier than this are not evaluated (they still train the model).
        evaluate_cold_start : bool, default False
            Also rank *cold* records, whose item or user has no earlier record (none with
            ``initialize_all`` for ids up to the largest). A new item is ranked with the model's
            prediction for it against every existing item, as if it existed; for cold records a
            zero prediction is ranked too (the items tied with it are broken with the usual
            seeded draw), so such a record is NaN only when out of the top ``top_k`` or the
            prediction is not finite. Warm records are ranked exactly as without the option.
            The results get a ``cold`` column (categorical): ``"user"``, ``"item"``, ``"both"``
            or ``""`` (warm).
        output : {"pandas", "polars"}, default "pandas"
            Type of the result: ``"polars"`` returns a ``polars.DataFrame`` with the same columns
            and ``id`` as the first column (``pip install alpenglow[polars]``); ``rank`` keeps
            NaN (not null) for unranked records. ``self.results`` is the same object.
        checkpoint : str or path, optional
            Write the whole state of the run to this file (models, updaters, samplers and their
            random generators, the ranking's tie-breaking generator, the position in the
            stream) every ``checkpoint_every`` records and once more when the run ends for any
            reason: end of data, ``experiment_termination_time``, Ctrl-C, an error. Each write
            goes to a temporary file renamed over the previous checkpoint, so a crash while
            writing keeps the previous one. An error inside a record's training leaves that
            record half-learned; the previous checkpoint is then kept. Not available when a
            component written in Python is wired (pickle it instead).
        checkpoint_every : int, optional
            Records between two checkpoints (default: only when the run ends).
        resume : str or path, optional
            Continue from this checkpoint instead of starting from the beginning: the
            experiment (class and parameters) and the data (same records, same
            ``shuffle_same_time`` and ``seed``) must be the ones that wrote it, or the
            checkpoint is refused. The results hold the records from the checkpoint's position
            on, so that the results before the checkpoint followed by these equal one
            uninterrupted run. File names and ``experiment_termination_time`` may differ.
        continue_run : bool, default False
            Continue the last successful run on new events (``data`` holds only the new
            ones, with the columns of the first run's input; times must not go back): every
            learned state is kept, the new events are evaluated and trained on as if they had
            followed the earlier ones in one stream (the same-time shuffle applies among the
            new events), and the results are appended to ``self.results``, which is returned.
            The other settings of the run being continued are kept: a keyword left at its
            default means "as there", another value that differs from there is an error
            (``verbose``, ``checkpoint``, ``checkpoint_every`` and
            ``experiment_termination_time`` may differ). Not available
            after :meth:`learn`, for a file path input, or with ``calculate_toplists`` flags.

        Returns
        -------
        pandas.DataFrame or polars.DataFrame
            Indexed by record id (``id``), with columns ``time``, ``score``, ``user``, ``item``,
            ``prediction`` and ``rank`` (1-based, NaN when not in the top ``top_k``, for a new
            item, a zero or non-finite prediction), and ``cold`` with ``evaluate_cold_start``.
            One row per evaluated record in processing order; the frame has a ``top_k``
            attribute (pandas).

        Raises
        ------
        alpenglow.errors.RunInterrupted
            On Ctrl-C; its ``results`` (and ``self.results``) hold the rows evaluated so far.
        """
        run_settings = dict(experimentType=experimentType, columns=columns, out_file=out_file,
                            exclude_known=exclude_known, initialize_all=initialize_all,
                            calculate_toplists=calculate_toplists, memory_log=memory_log,
                            shuffle_same_time=shuffle_same_time, recode=recode,
                            evaluation_start_time=evaluation_start_time, evaluate_cold_start=evaluate_cold_start,
                            output=output)
        if continue_run:
            return self._continue_run(data, run_settings, verbose=verbose, checkpoint=checkpoint,
                                      checkpoint_every=checkpoint_every,
                                      experiment_termination_time=experiment_termination_time)
        self._last_run = None
        seed = self.parameter_default("seed", DEFAULT_SEED)
        top_k = self.parameter_default("top_k", 100)
        ranking_seed = self.parameter_default("ranking_seed", RANKING_SEED)
        reference_ranking = bool(self.parameter_default("reference_ranking", False))
        network_mode = self.parameter_default("network_mode", False)
        out_file = self.parameter_default("out_file", out_file)
        # Only the Python types are checked here (the core would take True or 10.0 as an int); the
        # ranges are the core's declared constraints of the components these values go to, asked
        # before the data is read so that the message names the keyword as the user gave it.
        for name, value, component, param in (("top_k", top_k, "OnlineExperiment", "top_k"),
                                              ("seed", seed, "OnlineExperiment", "random_seed"),
                                              ("ranking_seed", ranking_seed, "MemoryRankingLogger", "random_seed")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise ParameterError(f"{type(self).__name__}: {name} must be an integer, got {value!r}")
            why = _core.parameter_violation(component, param, int(value))
            if why:
                raise ParameterError(f"{type(self).__name__}: parameter '{name}' {why}")
        top_k = int(top_k)
        for name, value in (("experiment_termination_time", experiment_termination_time),
                            ("evaluation_start_time", evaluation_start_time)):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise ParameterError(f"{name} must be a number, got {value!r}")
        if checkpoint_every is not None and (isinstance(checkpoint_every, bool)
                                             or not isinstance(checkpoint_every, (int, np.integer))
                                             or checkpoint_every < 1):
            raise ParameterError(f"checkpoint_every must be a positive number of records, got {checkpoint_every!r}")
        if checkpoint_every is not None and checkpoint is None:
            raise ParameterError("checkpoint_every needs checkpoint=<file>")
        if output not in ("pandas", "polars"):
            raise ParameterError(f"output must be 'pandas' or 'polars', got {output!r}")
        if output == "polars":
            _polars()
        self._output = output
        self._live = None
        self._cold_start = bool(evaluate_cold_start)
        self._predictions = None
        self.results = None

        rs.collect()
        try:
            model, updaters, loggers, end_loggers = _unpack_config(type(self).__name__, self._config(top_k, seed))
            if (checkpoint is not None or resume is not None) and _wires_python(model, updaters, loggers, end_loggers):
                raise ParameterError(
                    "checkpoint/resume: a model or updater written in Python is wired, and its state lives in "
                    "Python objects the core cannot save; pickle those objects instead"
                )
            if recode and _wires_python(model, updaters, loggers, end_loggers):
                recode = _python_ids(data, columns, network_mode)
            data_obj, cols, names = self._input(data, experimentType, columns, network_mode, recode,
                                                experiment_termination_time)
            flags = _toplist_flags(calculate_toplists)
            toplists = flags is not False
            if shuffle_same_time and not toplists:
                iterator = rs.ShuffleIterator(seed=seed)
            else:
                iterator = rs.SimpleIterator()
            iterator.set_recommender_data(data_obj)
            experiment = rs.OnlineExperiment(
                random_seed=seed, top_k=top_k, exclude_known=bool(exclude_known), initialize_all=bool(initialize_all),
                evaluation_start_time=float(evaluation_start_time),
                experiment_termination_time=float(experiment_termination_time),
                evaluate_cold_start=bool(evaluate_cold_start),
            )
            experiment.set_recommender_data_iterator(iterator)
            for logger in loggers:
                experiment.add_logger(logger)
            ranking_logger = rs.MemoryRankingLogger(
                out_file=os.fspath(out_file) if out_file else "", memory_log=bool(memory_log), top_k=top_k,
                random_seed=ranking_seed, reference_ranking=reference_ranking,
            )
            ranking_logger.set_model(model)
            experiment.add_logger(ranking_logger)
            prediction_logger = None
            if toplists:
                prediction_logger = rs.PredictionLogger(top_k=top_k)
                prediction_logger.set_model(model)
                if flags is not True:
                    n = cols.n if cols is not None else _core.data_length(data_obj._handle)
                    if len(flags) < n:
                        raise ParameterError(
                            f"calculate_toplists has {len(flags)} flags but the stream has {n} records"
                        )
                    _core.set_should_run(prediction_logger._handle, flags)
                experiment.add_logger(prediction_logger)
            for updater in updaters if isinstance(updaters, (list, tuple)) else [updaters]:
                experiment.add_updater(updater)
            for logger in end_loggers:
                experiment.add_end_logger(logger)
        finally:
            self.objects = rs.get_and_clean()
        self.check_unused_parameters()

        total = cols.n if cols is not None else _core.data_length(data_obj._handle)
        progress = Progress(total, type(self).__name__) if verbose else None
        interval = max(1024, min(65536, total // 200 or 1))
        callback, period_ms = self._with_run_hook(progress, ranking_logger, data_obj, cols, names, top_k)
        if hook_every := (self._run_hook_every if self._run_hook is not None else None):
            interval = int(hook_every)
        started = time.perf_counter()
        try:
            _core.run(experiment._handle, callback, interval, period_ms,
                      checkpoint=None if checkpoint is None else os.fspath(checkpoint),
                      checkpoint_every=int(checkpoint_every or 0),
                      resume=None if resume is None else os.fspath(resume))
        except BaseException as error:
            self.run_seconds = time.perf_counter() - started
            self.results = self._results(ranking_logger, data_obj, cols, names, top_k)
            if prediction_logger is not None:
                self._predictions = self._toplists(prediction_logger, data_obj, cols, names)
            if isinstance(error, KeyboardInterrupt):
                raise RunInterrupted(
                    f"run interrupted after {len(self.results)} evaluated records; they are in .results",
                    self.results,
                ) from None
            error.results = self.results  # type: ignore[attr-defined]
            raise
        finally:
            if progress is not None:
                progress.close()
        self.run_seconds = time.perf_counter() - started
        self.results = self._results(ranking_logger, data_obj, cols, names, top_k)
        if prediction_logger is not None:
            self._predictions = self._toplists(prediction_logger, data_obj, cols, names)
        from ._live import LiveState

        self._live = LiveState(experiment, model, data_obj, cols, names)
        self._last_run = {"data": data, "settings": run_settings}
        return self.results

    def _continue_run(self, data: Any, requested: dict, **given: Any) -> Any:
        """``run(data, continue_run=True)``: resume, from the state of the last run, a run over
        that run's input followed by ``data``. ``requested``: the run settings given with it,
        which must be the continued run's (or left at their defaults)."""
        import inspect
        import tempfile

        last = getattr(self, "_last_run", None)
        if self._live is None or last is None:
            raise RuntimeError(f"{type(self).__name__}: continue_run needs an earlier successful run to continue")
        settings = dict(last["settings"])
        defaults = inspect.signature(OnlineExperiment.run).parameters
        for name, value in requested.items():
            default = defaults[name].default
            if value is not default and not _same(value, default) and not _same(value, settings[name]):
                raise ParameterError(
                    f"continue_run keeps the settings of the run it continues: {name} was {settings[name]!r} there, "
                    f"got {value!r}"
                )
        if isinstance(data, (str, os.PathLike)) or isinstance(last["data"], (str, os.PathLike)):
            raise ParameterError("continue_run takes data frames (or dicts of arrays), not file paths")
        if not isinstance(settings["calculate_toplists"], (bool, np.bool_)):
            raise ParameterError("continue_run is not available for a run with calculate_toplists flags")
        before, new = _as_pandas(last["data"]), _as_pandas(data)
        time_column = (settings["columns"] or {}).get("time", "time")
        if time_column in before.columns and time_column in new.columns and len(before) and len(new):
            last_time, first_new = before[time_column].max(), new[time_column].min()
            if first_new < last_time or (first_new == last_time and settings["shuffle_same_time"]):
                raise ParameterError(
                    f"continue_run: the new events start at time {first_new!r}, "
                    + ("before" if first_new < last_time else "at")
                    + f" the last event of the run ({last_time!r}); new events must come later"
                    + ("" if first_new < last_time else
                       " (or run with shuffle_same_time=False, which keeps equal times in input order)")
                )
        missing = [c for c in before.columns if c not in new.columns]
        if missing:
            raise ParameterError(f"continue_run: the new events lack the columns {missing} of the first run's input")
        combined = pd.concat([before, new[list(before.columns)]], copy=False)
        earlier = self.results
        with tempfile.TemporaryDirectory(prefix="alpenglow-continue-") as folder:
            state = os.path.join(folder, "state.ckpt")
            _core.live_checkpoint(self._live.experiment._handle, state)
            added = self.run(combined, resume=state, **settings, **given)
        if earlier is not None and added is not None:
            if settings["output"] == "polars":
                self.results = _polars().concat([earlier, added])
            else:
                frame = pd.concat([earlier, added])
                object.__setattr__(frame, "top_k", getattr(added, "top_k", None))
                frame.attrs["top_k"] = added.attrs.get("top_k")
                self.results = frame
        return self.results

    #: Set by alpenglow.utils (parameter searches, Optuna): ``hook(done, total, results_since)``
    #: called during the run; ``results_since(start)`` is the results frame of the evaluated
    #: rows from position ``start`` on. Raising KeyboardInterrupt in the hook stops the run as
    #: Ctrl-C does. With ``_run_hook_every`` the hook runs exactly every that many records
    #: (and at the end) instead of every few milliseconds.
    _run_hook: Any = None
    _run_hook_every: int | None = None

    def _with_run_hook(self, progress: Any, logger: Any, data_obj: Any, cols: Columns | None, names: dict,
                       top_k: int) -> tuple:
        hook = self._run_hook
        if hook is None:
            return progress, 50.0

        def results_since(start: int) -> pd.DataFrame:
            return self._results(logger, data_obj, cols, names, top_k, start=start)

        def callback(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            hook(done, total, results_since)

        return callback, (1e15 if self._run_hook_every else 50.0)

    # ----------------------------------------------------------------------------------------
    # The live model: the state of the last successful run, queried and trained further.
    # Every call claims the experiment's components (like a run) and releases the GIL; a call
    # while a run or another thread's call uses them raises alpenglow.errors.InUseError
    # instead of waiting. A new run replaces the state.
    # ----------------------------------------------------------------------------------------
    def recommend(self, user: Any, k: int = 10, exclude_known: bool = True) -> pd.DataFrame:
        """The model's top ``k`` items for ``user`` in its current state (after the last run
        and any :meth:`learn`), through the same ranking path as ``calculate_toplists``.

        Parameters
        ----------
        user : user id
            As in the run's input (same recoding); a user the run never saw raises ``KeyError``.
        k : int, default 10
            Length of the list (shorter if fewer items exist).
        exclude_known : bool, default True
            Leave out items the user already interacted with.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` (input ids), ``score`` and ``rank`` (1-based), best first; ties
            are ordered by the item's first appearance in the stream.

        Raises
        ------
        RuntimeError
            Before any successful run.
        """
        from . import _live

        return _live.recommend(self, user, k, exclude_known)

    def predict(self, users: Any, items: Any) -> np.ndarray:
        """The model's predictions for the pairs ``(users[i], items[i])`` in its current state,
        at the time of the last record.

        Parameters
        ----------
        users, items : array-like
            Ids as in the run's input, same length; an unknown id raises ``KeyError`` naming it.

        Returns
        -------
        numpy.ndarray
            float64, one prediction per pair.
        """
        from . import _live

        return _live.predict(self, users, items)

    def learn(self, events: Any) -> int:
        """Trains the model on new events in stream order without evaluating them: the
        environment and the updaters run as in the training half of a run, the loggers do not.
        ``run(A)`` then ``learn(B)`` leaves the model as a run over A followed by B would
        (with ``shuffle_same_time=False``).

        Parameters
        ----------
        events : pandas.DataFrame, polars.DataFrame or dict of arrays
            Columns named as in the run's input: ``user`` and ``item`` (required; new ids are
            welcome), ``time`` (default: the last record's time; must not go back) and
            ``score`` (default 1).

        Returns
        -------
        int
            The number of events learned.
        """
        from . import _live

        return _live.learn(self, events)

    def _input(self, data: Any, experiment_type: str | None, columns: Mapping[str, str] | None, network_mode: bool,
               recode: bool, termination: float) -> tuple:
        from .cpp import LegacyRecommenderData, RecommenderData

        if isinstance(data, (str, os.PathLike)):
            if experiment_type is None:
                raise ParameterError(
                    "experimentType is required when data is a file path; one of: " + ", ".join(_core.file_formats())
                )
            return LegacyRecommenderData(data, type=experiment_type, experiment_termination_time=termination), None, {}
        mapping = dict(columns or {})
        if network_mode:
            mapping = {"user": mapping.get("source", "source"), "item": mapping.get("target", "target"),
                       **{k: v for k, v in mapping.items() if k not in ("source", "target")}}
        cols = prepare(data, mapping, recode)
        a = cols.arrays
        handle = _core.dataframe_data(time=a["time"], user=a["user"], item=a["item"], score=a["score"],
                                      eval=a["eval"], id=None if cols.index is None else record_ids(cols.index),
                                      category=a["category"])
        names = {c: mapping.get(c, c) for c in ("time", "score", "user", "item")}
        return RecommenderData._from_handle(handle), cols, names

    @staticmethod
    def _gather(data_obj: Any, cols: Columns | None, idx: np.ndarray) -> dict:
        if cols is None:
            return _core.gather_columns(data_obj._handle, idx)
        a = cols.arrays
        out = {"time": a["time"][idx] if a["time"] is not None else idx.astype(np.float64),
               "id": cols.index[idx] if cols.index is not None else idx.astype(np.int64, copy=False)}
        out["score"] = a["score"][idx] if a["score"] is not None else np.ones(len(idx))
        for c in ("user", "item"):
            out[c] = cols.originals[c][idx] if c in cols.originals else a[c][idx]
        return out

    def _results(self, logger: Any, data_obj: Any, cols: Columns | None, names: dict, top_k: int,
                 start: int | None = None) -> Any:
        if start is None:
            logs = _core.ranking_logs(logger._handle, take=True)
        else:
            logs = _core.ranking_logs_since(logger._handle, start)
        if start is None and getattr(self, "_output", "pandas") == "polars":
            return self._polars_results(logs, data_obj, cols, names)
        idx = logs["record_index"]
        g = self._gather(data_obj, cols, idx)
        raw = logs["rank"]
        rank = np.add(raw, 1.0, dtype=np.float64)
        rank[raw >= top_k] = np.nan
        del raw
        index = pd.Index(g["id"], name="id", copy=False)
        frame = pd.DataFrame(
            {"time": np.asarray(g["time"], dtype=np.float64), "score": np.asarray(g["score"], dtype=np.float64),
             "user": g["user"], "item": g["item"], "prediction": logs["prediction"], "rank": rank},
            index=index, copy=False,
        )
        cold = logs.get("cold")
        if getattr(self, "_cold_start", False) and cold is not None and len(cold) == len(idx):
            frame["cold"] = pd.Categorical.from_codes(cold.astype(np.int8), categories=COLD_CATEGORIES)
        renames = {c: n for c, n in names.items() if n != c}
        if renames:
            frame = frame.rename(columns=renames, copy=False)
        object.__setattr__(frame, "top_k", top_k)
        frame.attrs["top_k"] = top_k
        return frame

    def _polars_results(self, logs: dict, data_obj: Any, cols: Columns | None, names: dict) -> Any:
        """The results as a polars DataFrame (numeric columns handed over without a copy where
        polars can take the numpy buffer)."""
        pl = _polars()
        idx = logs["record_index"]
        top_k = logs["top_k"]
        g = self._gather(data_obj, cols, idx)
        raw = logs["rank"]
        rank = np.add(raw, 1.0, dtype=np.float64)
        rank[raw >= top_k] = np.nan
        columns = {"id": g["id"], "time": np.asarray(g["time"], dtype=np.float64),
                   "score": np.asarray(g["score"], dtype=np.float64), "user": g["user"], "item": g["item"],
                   "prediction": logs["prediction"], "rank": rank}
        series = [pl.Series(name, np.asarray(values), nan_to_null=False) for name, values in columns.items()]
        if getattr(self, "_cold_start", False) and len(logs["cold"]) == len(idx):
            labels = np.asarray(COLD_CATEGORIES, dtype=object)[logs["cold"]]
            series.append(pl.Series("cold", labels, dtype=pl.Enum(COLD_CATEGORIES)))
        frame = pl.DataFrame(series)
        renames = {c: n for c, n in names.items() if n != c}
        return frame.rename(renames) if renames else frame

    def _toplists(self, logger: Any, data_obj: Any, cols: Columns | None, names: dict) -> dict:
        p = _core.predictions(logger._handle, take=True)
        idx = p["record_index"]
        g = self._gather(data_obj, cols, idx)
        items = p["item"].astype(np.int64)
        if cols is not None and "item" in cols.originals:
            items = _decode(cols, "item", items)
        return {"record_id": g["id"], "time": np.asarray(g["time"]).astype(np.int64), "user": g["user"],
                "item": items, "rank": p["rank"].astype(np.int64), "prediction": p["score"],
                "names": names}

    def get_predictions(self) -> pd.DataFrame | None:
        """Top lists computed by a run with ``calculate_toplists``, or None.

        Returns
        -------
        pandas.DataFrame or None
            Columns ``record_id``, ``time`` (int), ``user``, ``item``, ``rank`` (1-based) and
            ``prediction``: up to ``top_k`` rows per record, best first (ties: lower item code
            first), in processing order.
        """
        if self._predictions is None:
            return None
        p = dict(self._predictions)
        names = p.pop("names")
        frame = pd.DataFrame(p)
        return frame.rename(columns={c: n for c, n in names.items() if c in ("time", "user", "item") and n != c})
