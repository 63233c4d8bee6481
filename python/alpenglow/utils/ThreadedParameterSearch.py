"""Parallel grid search: threads (runs release the GIL), processes, or Ray tasks."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Any, Callable

import pandas as pd

from ..errors import ParameterError, RunInterrupted
from .ParameterSearch import (ERRORS, ParameterSearch, can_pilot, evaluate_configuration, longest_first, pilot_cost,
                              portable_error)

BACKENDS = ("threads", "processes", "ray")
SCHEDULES = ("longest_first", "grid")

# Data of the process-pool workers, sent once per worker by the pool's initializer.
_worker_run_args: tuple = ((), {})


def _init_worker(args: tuple, kwargs: dict) -> None:
    global _worker_run_args
    _worker_run_args = (args, kwargs)


def _process_task(model: Any, Score: Callable, settings: dict) -> tuple[bool, Any]:
    args, kwargs = _worker_run_args
    try:
        return True, evaluate_configuration(model, Score, settings, args, kwargs)
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001 - sent back to the search, which names the configuration
        return False, portable_error(error)


def _process_pilot(model: Any, settings: dict) -> float:
    args, kwargs = _worker_run_args
    return pilot_cost(model, settings, args, kwargs)


def _stop_hook(stop: threading.Event) -> Callable:
    def hook(done: int, total: int, results_since: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt("parameter search stopped")

    return hook


class ThreadedParameterSearch(ParameterSearch):
    """:class:`ParameterSearch` running the configurations in parallel; same table, same order.

    Parameters
    ----------
    model : OnlineExperiment
        The experiment; each configuration runs on a deep copy.
    Score : callable
        Metric of :mod:`alpenglow.evaluation`; its mean is the ``Score.__name__`` column.
    threads : int, default 4
        Number of parallel workers (threads or processes). With Ray: the CPUs of the local
        Ray started when none is running (an existing cluster is used as it is).
    use_process_pool : bool, default True
        Use a process pool (the experiment and ``Score`` must be picklable) instead of threads.
        Runs release the GIL, so threads run truly in parallel and need no pickling.
    backend : {"threads", "processes", "ray"}, optional
        Overrides ``use_process_pool``. ``"ray"`` runs every configuration as a Ray task
        (``pip install alpenglow[ray]``); the run arguments (the data) are put into the object
        store once. Call ``ray.init(address=...)`` before the search to use a cluster;
        otherwise a local Ray with ``threads`` CPUs is started (and left running for later
        searches; ``ray.shutdown()`` stops it).
    schedule : {"longest_first", "grid"}, default "longest_first"
        Order in which the configurations are started. ``"longest_first"``: each
        configuration first replays the first 2% of the stream (a pilot run, in parallel,
        discarded) to measure its cost, then the full runs start from the costliest, so the
        last runs to finish are short ones and no worker idles at the end (the cost is the CPU
        time of the pilot's thread, which other load on the machine does not inflate).
        ``"grid"``: grid order, no pilot. The table is the same either way.

    Notes
    -----
    The result equals the sequential :class:`ParameterSearch` exactly (``DataFrame.equals``):
    every run is deterministic whatever runs beside it, and the rows are in grid order whatever
    the order of execution. The pilot runs cost about 2% of the search; they are skipped when
    there are no more configurations than workers, with one worker, and for a model that is
    not an :class:`~alpenglow.OnlineExperiment`; streams under 10,240 records get no
    estimate (grid order). Ctrl-C stops every worker and raises
    :class:`alpenglow.errors.RunInterrupted` whose ``results`` hold the finished rows.
    """

    def __init__(self, model: Any, Score: Callable, threads: int = 4, use_process_pool: bool = True,
                 backend: str | None = None, schedule: str = "longest_first") -> None:
        super().__init__(model, Score)
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ParameterError(f"{type(self).__name__}: threads must be a positive integer, got {threads!r}")
        if backend is None:
            backend = "processes" if use_process_pool else "threads"
        if backend not in BACKENDS:
            raise ParameterError(f"{type(self).__name__}: backend must be one of {BACKENDS}, got {backend!r}")
        if schedule not in SCHEDULES:
            raise ParameterError(f"{type(self).__name__}: schedule must be one of {SCHEDULES}, got {schedule!r}")
        self.threads = threads
        self.schedule = schedule
        self.use_process_pool = backend == "processes"
        self.backend = backend

    def run(self, *run_parameters: Any, errors: str = "raise", **run_kw_parameters: Any) -> pd.DataFrame:
        """Run every configuration in parallel; see :meth:`ParameterSearch.run`."""
        if errors not in ERRORS:
            raise ParameterError(f"errors must be one of {ERRORS}, got {errors!r}")
        if self.backend == "ray":
            from ._ray import run_ray

            ray = _import_ray()
            configurations = self._check()
            return run_ray(ray, self, configurations, run_parameters, run_kw_parameters, errors)
        configurations = self._check()
        if self.backend == "threads":
            return self._run_threads(configurations, run_parameters, run_kw_parameters, errors)
        return self._run_processes(configurations, run_parameters, run_kw_parameters, errors)

    def _collect(self, configurations: list[dict], futures: list, errors: str, on_interrupt: Callable) -> pd.DataFrame:
        """Scores in grid order; a failure is named (or NaN), Ctrl-C stops the workers."""
        scores: list[Any] = [None] * len(configurations)
        try:
            for k, future in enumerate(futures):
                try:
                    outcome = future.result()
                except (KeyboardInterrupt, cf.CancelledError):
                    raise
                except Exception as error:  # noqa: BLE001 - reported with the configuration
                    scores[k] = self._failed(k, configurations[k], error, errors)
                    continue
                if isinstance(outcome, tuple):
                    ok, value = outcome
                    scores[k] = value if ok else self._failed(k, configurations[k], value, errors)
                else:
                    scores[k] = outcome
        except (KeyboardInterrupt, cf.CancelledError):
            on_interrupt()
            for k, future in enumerate(futures):
                if scores[k] is None and future.done() and not future.cancelled() and future.exception() is None:
                    outcome = future.result()
                    if not isinstance(outcome, tuple) or outcome[0]:
                        scores[k] = outcome[1] if isinstance(outcome, tuple) else outcome
            raise self._interrupted(configurations, scores) from None
        except BaseException:
            on_interrupt()
            raise
        return self._table(configurations, scores)

    def _order(self, configurations: list[dict], submit_pilot: Callable) -> list[int]:
        """Positions of the configurations in the order to start them (see ``schedule``);
        ``submit_pilot(settings)`` returns a future of :func:`pilot_cost`."""
        n = len(configurations)
        if self.schedule == "grid" or n <= self.threads or self.threads == 1 or not can_pilot(self.model):
            return list(range(n))
        pilots = [submit_pilot(self._settings(c)) for c in configurations]
        return longest_first([f.result() for f in pilots])

    def _run_threads(self, configurations: list[dict], args: tuple, kwargs: dict, errors: str) -> pd.DataFrame:
        stop = threading.Event()
        hook = _stop_hook(stop)
        executor = cf.ThreadPoolExecutor(self.threads, thread_name_prefix="alpenglow-search")
        futures: list = [None] * len(configurations)

        def interrupt() -> None:
            stop.set()
            for f in futures:
                if f is not None:
                    f.cancel()
            executor.shutdown(wait=True, cancel_futures=True)

        try:
            try:
                order = self._order(configurations, lambda settings: executor.submit(
                    pilot_cost, self.model, settings, args, kwargs, stop))
            except KeyboardInterrupt:
                interrupt()
                raise self._interrupted(configurations, [None] * len(configurations)) from None
            for k in order:
                futures[k] = executor.submit(evaluate_configuration, self.model, self.Score,
                                             self._settings(configurations[k]), args, kwargs, hook)
            return self._collect(configurations, futures, errors, interrupt)
        finally:
            stop.set()
            executor.shutdown(wait=True, cancel_futures=True)

    def _run_processes(self, configurations: list[dict], args: tuple, kwargs: dict, errors: str) -> pd.DataFrame:
        executor = cf.ProcessPoolExecutor(self.threads, initializer=_init_worker, initargs=(args, kwargs))
        futures: list = [None] * len(configurations)

        def interrupt() -> None:
            for f in futures:
                if f is not None:
                    f.cancel()
            # Workers may not have received the signal (it went to this process alone).
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
            executor.shutdown(wait=True, cancel_futures=True)

        try:
            try:
                order = self._order(configurations, lambda settings: executor.submit(_process_pilot, self.model,
                                                                                    settings))
            except KeyboardInterrupt:
                interrupt()
                raise self._interrupted(configurations, [None] * len(configurations)) from None
            for k in order:
                futures[k] = executor.submit(_process_task, self.model, self.Score, self._settings(configurations[k]))
            return self._collect(configurations, futures, errors, interrupt)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise ImportError(
            "the Ray backend needs Ray: pip install alpenglow[ray]  (or: pip install ray)"
        ) from error
    return ray


def RayParameterSearch(model: Any, Score: Callable, threads: int = 4) -> ThreadedParameterSearch:
    """:class:`ThreadedParameterSearch` with ``backend="ray"`` (see there)."""
    return ThreadedParameterSearch(model, Score, threads=threads, backend="ray")
