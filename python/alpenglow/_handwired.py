"""What hand-wired experiments need beyond the generated component classes.

* ``OnlineExperiment.run()`` runs a graph wired by hand (as in the documentation's "anatomy of
  an online experiment"), with the GIL released and Ctrl-C stopping it cleanly.
* ``MemoryRankingLogger.set_ranking_logs(RankingLogs())`` / ``get_ranking_logs()``: the
  evaluated records as ``RankingLog`` objects, as the original's bindings offered them.
* ``ListConditionalMetaLogger(should_run_vector=[...])``: the flags of the inner logger.

These are mixed into the generated classes by :func:`alpenglow._registry.build_classes`.
"""

from __future__ import annotations

import os

from typing import Any, Iterable, Iterator

import numpy as np

from . import _core


class RankingLog:
    """One evaluated record: ``time, id, rank, user, item, score, prediction``.

    ``rank`` is the raw 0-based rank code of the core (``>= top_k``: not in the top list; see
    the ``out_file`` format of :meth:`alpenglow.OnlineExperiment.run`).
    """

    __slots__ = ("time", "id", "rank", "user", "item", "score", "prediction")

    def __init__(self, time: float = 0.0, id: int = 0, rank: int = 0, user: int = 0, item: int = 0,
                 score: float = 0.0, prediction: float = 0.0) -> None:
        self.time, self.id, self.rank = time, id, rank
        self.user, self.item, self.score, self.prediction = user, item, score, prediction

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"RankingLog({fields})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RankingLog) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)


class RankingLogs:
    """The ranking log of a :class:`MemoryRankingLogger` (``logger.set_ranking_logs(logs)``).

    Attributes
    ----------
    top_k : int or None
        The top list length the ranks refer to: the value set by the user, otherwise the
        logger's after a run.
    logs : list of RankingLog
        The evaluated records of the logger's last run, in processing order (read after
        ``OnlineExperiment.run()``; empty before). ``time`` is the record's time in the data
        (a ``RandomOnlineIterator`` serves records at other times).
    """

    def __init__(self) -> None:
        self._top_k: int | None = None
        self._logger: Any = None

    @property
    def top_k(self) -> int | None:
        if self._top_k is None and self._logger is not None:
            return int(_core.ranking_logs(self._logger._handle)["top_k"]) or None
        return self._top_k

    @top_k.setter
    def top_k(self, value: int) -> None:
        self._top_k = int(value)

    def _columns(self) -> dict | None:
        if self._logger is None:
            return None
        raw = _core.ranking_logs(self._logger._handle)
        data = getattr(self._logger, "_data", None)
        if data is None:
            if len(raw["record_index"]):
                raise RuntimeError("the ranking log belongs to a run whose data is unknown here; "
                                   "run the experiment with alpenglow.cpp.OnlineExperiment.run()")
            return None
        columns = _core.gather_columns(data._handle, np.ascontiguousarray(raw["record_index"], dtype=np.int64))
        columns["rank"] = raw["rank"]
        columns["prediction"] = raw["prediction"]
        return columns

    @property
    def logs(self) -> list[RankingLog]:
        c = self._columns()
        if c is None:
            return []
        return [RankingLog(float(t), int(i), int(r), int(u), int(it), float(s), float(p))
                for t, i, r, u, it, s, p in zip(c["time"], c["id"], c["rank"], c["user"], c["item"], c["score"],
                                                c["prediction"])]

    def __len__(self) -> int:
        if self._logger is None:
            return 0
        return len(_core.ranking_logs(self._logger._handle)["record_index"])

    def __iter__(self) -> Iterator[RankingLog]:
        return iter(self.logs)

    def to_frame(self) -> Any:
        """The log as a DataFrame indexed by ``id`` with the columns of
        :meth:`alpenglow.OnlineExperiment.run` (``rank`` 1-based, NaN when >= ``top_k``)."""
        import pandas as pd

        c = self._columns() or {k: np.empty(0) for k in ("time", "id", "rank", "user", "item", "score", "prediction")}
        top_k = self.top_k or 0
        raw = np.asarray(c["rank"])
        rank = raw.astype(np.float64) + 1.0
        rank[raw >= top_k] = np.nan
        return pd.DataFrame({"time": c["time"], "score": c["score"], "user": c["user"], "item": c["item"],
                             "prediction": c["prediction"], "rank": rank},
                            index=pd.Index(c["id"], name="id"))


def _wired(component: Any, call: str) -> list:
    return list(getattr(component, "_wired", {}).get(call, ()))


def _loggers(experiment: Any) -> Iterable[Any]:
    """Every logger reachable from the experiment (through meta loggers too)."""
    stack = _wired(experiment, "add_logger") + _wired(experiment, "add_end_logger")
    seen: set[int] = set()
    while stack:
        logger = stack.pop()
        if id(logger) in seen:
            continue
        seen.add(id(logger))
        yield logger
        stack.extend(_wired(logger, "set_logger"))


class OnlineExperimentMixin:
    """``run()`` for an experiment wired by hand."""

    def run(self, checkpoint: Any = None, checkpoint_every: int = 0, resume: Any = None) -> None:
        """Run the experiment wired by hand: for every record, the loggers, then the
        environment and the updaters in the order added; the end loggers after the last one.

        The GIL is released during the run. Ctrl-C stops the run after the current record,
        raising :class:`alpenglow.errors.RunInterrupted` (a ``KeyboardInterrupt``, also
        available as ``alpenglow.cpp.CppKeyboardInterrupt``); what the loggers logged so far
        stays readable.

        Parameters
        ----------
        checkpoint : str or path, optional
            Write the whole state of the run to this file every ``checkpoint_every`` records
            (0: only at the end) and when the run ends (see
            :meth:`alpenglow.OnlineExperiment.run`).
        checkpoint_every : int, default 0
            Records between two checkpoints.
        resume : str or path, optional
            Continue from a checkpoint written by the same wiring over the same data.
        """
        from .errors import RunInterrupted

        iterators = _wired(self, "set_recommender_data_iterator")
        data = _wired(iterators[-1], "set_recommender_data")[-1:] if iterators else []
        try:
            _core.run(self._handle, checkpoint=None if checkpoint is None else os.fspath(checkpoint),  # type: ignore[attr-defined]
                      checkpoint_every=int(checkpoint_every), resume=None if resume is None else os.fspath(resume))
        except KeyboardInterrupt as interrupt:
            if isinstance(interrupt, RunInterrupted):
                raise
            raise RunInterrupted("run interrupted; the loggers keep what they logged so far") from None
        finally:
            for logger in _loggers(self):
                if hasattr(logger, "get_ranking_logs"):
                    logger._data = data[0] if data else None


class MemoryRankingLoggerMixin:
    """The ranking log of a hand-wired run, as ``RankingLogs``."""

    def set_ranking_logs(self, ranking_logs: RankingLogs) -> None:
        """Make ``ranking_logs`` show this logger's results (``ranking_logs.logs``).

        Parameters
        ----------
        ranking_logs : RankingLogs
        """
        if not isinstance(ranking_logs, RankingLogs):
            raise TypeError(f"MemoryRankingLogger.set_ranking_logs: expected RankingLogs, got {type(ranking_logs).__name__}")
        ranking_logs._logger = self
        self._ranking_logs = ranking_logs

    def get_ranking_logs(self) -> RankingLogs:
        """The ``RankingLogs`` of this logger (the one given to ``set_ranking_logs``, or a new one)."""
        logs = getattr(self, "_ranking_logs", None)
        if logs is None:
            logs = RankingLogs()
            self.set_ranking_logs(logs)
        return logs


class ListConditionalMetaLoggerMixin:
    """``should_run_vector``: the flags of the inner logger."""

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
        if params is not None:
            kwargs = {**vars(params), **kwargs}
        flags = kwargs.pop("should_run_vector", None)
        super().__init__(**kwargs)  # type: ignore[call-arg]
        if flags is not None:
            self.set_should_run_vector(flags)

    def set_should_run_vector(self, should_run_vector: Any) -> None:
        """Run the inner logger on the n-th served record iff flag n is non-zero.

        Parameters
        ----------
        should_run_vector : sequence of int or bool
            One flag per served record (a run fails when it reaches a record beyond the list).
        """
        flags = np.asarray(should_run_vector)
        if flags.ndim != 1 or (flags.size and flags.dtype.kind not in "biu"):
            raise TypeError("ListConditionalMetaLogger: should_run_vector must be a 1-d sequence of ints or bools")
        _core.set_should_run(self._handle, np.ascontiguousarray(flags != 0))  # type: ignore[attr-defined]
        self._params["should_run_vector"] = [int(f) for f in flags]  # type: ignore[attr-defined]


#: Mixins of the generated component classes, by component name.
MIXINS: dict[str, type] = {
    "OnlineExperiment": OnlineExperimentMixin,
    "MemoryRankingLogger": MemoryRankingLoggerMixin,
    "ListConditionalMetaLogger": ListConditionalMetaLoggerMixin,
}
