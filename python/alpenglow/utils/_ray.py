"""The Ray backend of :class:`ThreadedParameterSearch`: one Ray task per configuration."""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from .ParameterSearch import evaluate_configuration, pilot_cost, portable_error

_remote_task: Any = None
_remote_pilot: Any = None


def _ray_task(model: Any, Score: Callable, settings: dict, run_args: tuple) -> tuple[bool, Any]:
    args, kwargs = run_args
    try:
        return True, evaluate_configuration(model, Score, settings, args, kwargs)
    except Exception as error:  # noqa: BLE001 - sent back to the search, which names the configuration
        return False, portable_error(error)


def _ray_pilot(model: Any, settings: dict, run_args: tuple) -> float:
    args, kwargs = run_args
    return pilot_cost(model, settings, args, kwargs)


class _RayFuture:
    """``result()`` of one Ray reference, for :meth:`ThreadedParameterSearch._order`."""

    def __init__(self, ray: Any, ref: Any, refs: list) -> None:
        self.ray, self.ref = ray, ref
        refs.append(ref)

    def result(self) -> Any:
        return self.ray.get(self.ref)



def run_ray(ray: Any, search: Any, configurations: list[dict], args: tuple, kwargs: dict, errors: str) -> pd.DataFrame:
    """Submit every configuration, collect the scores in grid order."""
    global _remote_task, _remote_pilot
    if not ray.is_initialized():
        ray.init(num_cpus=search.threads, include_dashboard=False, logging_level="ERROR")
    if _remote_task is None:
        _remote_task = ray.remote(num_cpus=1, max_retries=0)(_ray_task)
        _remote_pilot = ray.remote(num_cpus=1, max_retries=0)(_ray_pilot)
    # The data goes into the object store once; every task gets a reference (resolved by Ray,
    # zero-copy for numpy columns on the same node).
    run_args = ray.put((args, kwargs))
    model = ray.put(search.model)
    pilots: list = []
    try:
        order = search._order(configurations, lambda settings: _RayFuture(
            ray, _remote_pilot.remote(model, settings, run_args), pilots))
    except BaseException as error:
        for ref in pilots:
            ray.cancel(ref, force=True)
        if isinstance(error, KeyboardInterrupt):
            raise search._interrupted(configurations, [None] * len(configurations)) from None
        raise
    refs: list = [None] * len(configurations)
    for k in order:  # Ray starts the tasks in submission order as CPUs free up
        refs[k] = _remote_task.remote(model, search.Score, search._settings(configurations[k]), run_args)
    scores: list[Any] = [None] * len(configurations)
    try:
        for k, ref in enumerate(refs):
            ok, value = ray.get(ref)
            scores[k] = value if ok else search._failed(k, configurations[k], value, errors)
    except KeyboardInterrupt:
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        ready_ids = {r.hex() for r in ready}
        for ref in refs:
            if ref.hex() not in ready_ids:
                ray.cancel(ref, force=True)
        for k, ref in enumerate(refs):
            if scores[k] is None and ref.hex() in ready_ids:
                ok, value = ray.get(ref)
                if ok:
                    scores[k] = value
        raise search._interrupted(configurations, scores) from None
    except BaseException:
        for k, ref in enumerate(refs):
            if scores[k] is None:
                ray.cancel(ref, force=True)
        raise
    return search._table(configurations, scores)
