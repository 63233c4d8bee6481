"""A metric over time: per-period means of a run, and plots of one or several runs."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._columns import float_column


def _metric(metric: Callable | None) -> Callable:
    if metric is None:
        from .ranking import DcgScore

        return DcgScore
    if not callable(metric):
        raise TypeError(f"metric must be a metric function such as DcgScore, got {metric!r}")
    return metric


def over_time(results: pd.DataFrame, metric: Callable | None = None, period: float = 86400,
              time_column: str = "time") -> pd.Series:
    """Mean of ``metric`` per period of time (e.g. the daily average DCG).

    Parameters
    ----------
    results : pandas.DataFrame
        Results of :meth:`OnlineExperiment.run`.
    metric : callable, default DcgScore
        A metric of :mod:`alpenglow.evaluation` (one value per evaluated record).
    period : float, default 86400
        Length of a period in the unit of the time column (86400: a day of Unix seconds).
    time_column : str, default "time"
        The time column of ``results``.

    Returns
    -------
    pandas.Series
        Indexed by the start of each period that has evaluated records
        (``floor(time / period) * period``), ascending; named after the metric.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from alpenglow.evaluation import over_time, DcgScore
    >>> r = pd.DataFrame({"time": [0, 10, 86400, 90000], "rank": [1.0, np.nan, 3.0, 1.0]})
    >>> over_time(r, DcgScore).tolist()
    [0.5, 0.75]
    """
    metric = _metric(metric)
    if isinstance(period, bool) or not isinstance(period, (int, float, np.integer, np.floating)) or not period > 0:
        raise ValueError(f"period must be a positive number, got {period!r}")
    time = float_column(results, time_column)
    values = metric(results)
    start = np.floor(time / period) * period
    name = getattr(metric, "__name__", "metric")
    series = pd.Series(np.asarray(values, dtype=np.float64), index=pd.Index(start, name="period"))
    return series.groupby(level=0, sort=True).mean().rename(name)


def plot(runs: pd.DataFrame | Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame], metric: Callable | None = None,
         period: float = 86400, ax: Any = None, file: str | None = None, time_column: str = "time") -> Any:
    """Plot the per-period mean of ``metric`` for one or several runs (needs matplotlib).

    Parameters
    ----------
    runs : DataFrame, dict of label -> DataFrame, or list of DataFrames
        Results of runs; a dict gives the legend labels.
    metric : callable, default DcgScore
    period : float, default 86400
        See :func:`over_time`.
    ax : matplotlib Axes, optional
        Draw into it (default: a new figure).
    file : str, optional
        Also save the figure to this file (e.g. ``"dcg.png"``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("plot needs matplotlib: pip install alpenglow[plot]  (or: pip install matplotlib)") from error
    metric = _metric(metric)
    if isinstance(runs, pd.DataFrame):
        items = [(None, runs)]
    elif isinstance(runs, Mapping):
        items = [(str(k), v) for k, v in runs.items()]
    else:
        items = [(f"run {k}", v) for k, v in enumerate(runs)]
    if not items:
        raise ValueError("plot needs at least one run")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    for label, results in items:
        series = over_time(results, metric, period, time_column)
        ax.plot(series.index, series.to_numpy(), marker=".", label=label)
    ax.set_xlabel(f"{time_column} (one point per period of {period:g})")
    ax.set_ylabel(f"mean {getattr(metric, '__name__', 'metric')}")
    if any(label is not None for label, _ in items):
        ax.legend()
    ax.grid(True, alpha=0.3)
    if file is not None:
        ax.figure.savefig(file, dpi=100, bbox_inches="tight")
    return ax
