"""``DataShuffler``: write a seeded shuffle of an event file to another file."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..errors import ParameterError
from ..ParameterDefaults import ParameterDefaults

MODES = ("complete", "same_timestamp", "complete_online")


class DataShuffler(ParameterDefaults):
    """Shuffle the records of an event file into a new file.

    Parameters
    ----------
    input_file : str
        The event file, read in the format ``data_format``.
    output_file : str
        Written with one line per record: ``int(time) user item id score`` (the
        ``online_id_noeval`` layout, readable with ``experimentType="online_id_noeval"``).
    seed : int, default 254938879
        Seed of the shuffle (MINSTD Fisher–Yates, as every random draw of alpenglow).
    shuffle_mode : str, default "complete"
        ``"same_timestamp"``: only records with equal times are permuted among themselves (the
        run's same-time shuffle; every record keeps its time). ``"complete_online"``: the
        records are fully permuted, then given the original time sequence in order, so the
        time column is unchanged while the (user, item, id, score) tuples move. Anything else,
        ``"complete"`` included: a full permutation, every record keeping its own time.
    data_format : str, default "online_id"
        Format of ``input_file`` (an ``experimentType`` value or ``"csv"``).

    Examples
    --------
    >>> DataShuffler(input_file="in.txt", output_file="out.txt", shuffle_mode="same_timestamp").run()  # doctest: +SKIP
    """

    def __init__(self, **parameters: Any) -> None:
        super().__init__(**parameters)

    def run(self) -> int:
        """Read, shuffle and write; returns the number of records written."""
        seed = self.parameter_default("seed", 254938879)
        mode = self.parameter_default("shuffle_mode", "complete")
        data_format = self.parameter_default("data_format", "online_id")
        input_file = self.parameter_default("input_file", None)
        output_file = self.parameter_default("output_file", None)
        self.check_unused_parameters()
        for name, value in (("input_file", input_file), ("output_file", output_file)):
            if not isinstance(value, (str, os.PathLike)):
                raise ParameterError(f"DataShuffler: {name} is required (a file path), got {value!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ParameterError(f"DataShuffler: seed must be an integer, got {seed!r}")
        if not isinstance(mode, str):
            raise ParameterError(f"DataShuffler: shuffle_mode must be a str (one of {MODES}), got {mode!r}")
        handle = _core.read_file(os.fspath(input_file), data_format)
        n = _core.data_length(handle)
        cols = _core.gather_columns(handle, np.arange(n, dtype=np.int64))
        time = np.asarray(cols["time"], dtype=np.float64)
        order = _core.shuffle_order(np.ascontiguousarray(time), int(seed), mode).astype(np.int64)
        out_time = time if mode == "complete_online" else time[order]
        frame = pd.DataFrame({
            "time": np.trunc(out_time).astype(np.int64),
            "user": np.asarray(cols["user"], dtype=np.int64)[order],
            "item": np.asarray(cols["item"], dtype=np.int64)[order],
            "id": np.asarray(cols["id"], dtype=np.int64)[order],
            "score": np.asarray(cols["score"], dtype=np.float64)[order],
        })
        frame.to_csv(os.fspath(output_file), sep=" ", header=False, index=False, float_format="%g", lineterminator="\n")
        print(f"DataShuffler: {n} records ({mode}) written to {os.fspath(output_file)}", file=sys.stderr)
        return n
