"""The Ray backend of :class:`ThreadedParameterSearch`: one Ray task per configuration."""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from .ParameterSearch import evaluate_configuration, portable_error

_remote_task: Any = None


def _ray_task(model: Any, Score: Callable, settings: dict, run_args: tuple) -> tuple[bool, Any]:
    args, kwargs = run_args
    try:
        return True, evaluate_configuration(model, Score, settings, args, kwargs)
    except Exception as error:  # noqa: BLE001 - sent back to the search, which names the configuration
        return False, portable_error(error)



def run_ray(ray: Any, search: Any, configurations: list[dict], args: tuple, kwargs: dict, errors: str) -> pd.DataFrame:
    """Submit every configuration, collect the scores in grid order."""
    global _remote_task
    if not ray.is_initialized():
        ray.init(num_cpus=search.threads, include_dashboard=False, logging_level="ERROR")
    if _remote_task is None:
        _remote_task = ray.remote(num_cpus=1, max_retries=0)(_ray_task)
    # The data goes into the object store once; every task gets a reference (resolved by Ray,
    # zero-copy for numpy columns on the same node).
    run_args = ray.put((args, kwargs))
    model = ray.put(search.model)
    refs = [_remote_task.remote(model, search.Score, search._settings(c), run_args) for c in configurations]
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
