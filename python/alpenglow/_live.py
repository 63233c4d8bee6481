"""The live model of an :class:`~alpenglow.OnlineExperiment`: recommend, predict and learn on
the state its last run left behind (``alpenglow_core::experiment::live``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._input import MAX_ID
from .errors import ParameterError


def _show(value: Any) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


class Codebook:
    """Original ids <-> the dense codes of a run (codes: positions of first appearance when
    the run recoded the column, else the ids themselves)."""

    def __init__(self, name: str, codes: np.ndarray, originals: np.ndarray | None) -> None:
        self.name = name
        if originals is None:
            self.index = None
            self.seen = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=bool)
            self.seen[codes] = True
        else:
            first = np.empty(int(codes.max()) + 1, dtype=np.int64)
            first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
            self.index = pd.Index(originals[first])

    def _identity(self, values: np.ndarray) -> np.ndarray:
        if values.dtype.kind not in "iu" or (len(values) and (values.min() < 0 or values.max() > MAX_ID)):
            bad = next((v for v in values.tolist() if not isinstance(v, int) or not 0 <= v <= MAX_ID), values[0])
            raise KeyError(f"unknown {self.name} {_show(bad)}: ids of this experiment are integers in 0..{MAX_ID}")
        return values.astype(np.int64)

    def encode(self, values: Any, learn: bool = False) -> np.ndarray:
        """Codes (uint32) of ``values``; an id the run never saw raises KeyError naming it,
        unless ``learn`` (then it gets the next free code)."""
        values = np.asarray(values)
        if values.ndim == 0:
            values = values.reshape(1)
        if self.index is None:
            codes = self._identity(values)
            known = codes < len(self.seen)
            known[known] = self.seen[codes[known]]
            if learn:
                if len(codes) and codes.max() >= len(self.seen):
                    self.seen = np.concatenate([self.seen, np.zeros(int(codes.max()) + 1 - len(self.seen), bool)])
                self.seen[codes] = True
            elif not known.all():
                raise KeyError(f"unknown {self.name} {_show(values[np.argmin(known)])}: not in the experiment's data")
            return codes.astype(np.uint32)
        codes = self.index.get_indexer(values)
        missing = codes < 0
        if missing.any():
            if not learn:
                raise KeyError(f"unknown {self.name} {_show(values[np.argmax(missing)])}: not in the experiment's data")
            new = pd.Index(pd.unique(values[missing]))
            if len(self.index) + len(new) > MAX_ID + 1:
                raise ParameterError(f"too many distinct {self.name} ids (at most {MAX_ID + 1})")
            self.index = self.index.append(new)
            codes = self.index.get_indexer(values)
        return codes.astype(np.uint32)

    def encode_one(self, value: Any) -> int:
        """The code of one id (what ``encode([value])[0]`` gives), without building arrays: a
        hash lookup of the id, which keeps a live ``recommend`` call cheap."""
        if self.index is None:
            if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) \
                    and 0 <= value < len(self.seen) and self.seen[value]:
                return int(value)
        else:
            try:
                position = self.index.get_loc(value)
            except (KeyError, TypeError, ValueError, pd.errors.InvalidIndexError):
                position = None
            if isinstance(position, (int, np.integer)):
                return int(position)
        return int(self.encode([value])[0])  # not found here: the general path names the id

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return codes.astype(np.int64) if self.index is None else self.index.to_numpy()[codes]


class LiveState:
    """What the live model needs from a finished run."""

    def __init__(self, experiment: Any, model: Any, data_obj: Any, cols: Any, names: dict) -> None:
        self.experiment = experiment
        self.model = model
        self.names = names
        self._source = (data_obj, cols)
        self._codes: dict | None = None

    @property
    def codes(self) -> dict:
        """The id codebooks, built at the first use (a run that never uses the live model
        does not pay for them)."""
        if self._codes is None:
            data_obj, cols = self._source
            if cols is None:
                n = _core.data_length(data_obj._handle)
                g = _core.gather_columns(data_obj._handle, np.arange(n, dtype=np.int64))
                arrays, originals = {"user": np.asarray(g["user"]), "item": np.asarray(g["item"])}, {}
            else:
                arrays, originals = cols.arrays, cols.originals
            self._codes = {c: Codebook(c, np.asarray(arrays[c]), originals.get(c)) for c in ("user", "item")}
        return self._codes


def _state(experiment: Any) -> LiveState:
    state = getattr(experiment, "_live", None)
    if state is None:
        raise RuntimeError(
            f"{type(experiment).__name__} has no live model yet: call run() first (the live model continues "
            "from the state of the last successful run)"
        )
    return state


def recommend(experiment: Any, user: Any, k: int = 10, exclude_known: bool = True) -> pd.DataFrame:
    state = _state(experiment)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be a positive integer, got {k!r}")
    code = state.codes["user"].encode_one(user)
    items, scores = _core.live_recommend(state.experiment._handle, state.model._handle, code, int(k),
                                         bool(exclude_known))
    # Every column is a new array of this call: the frame takes them without copying.
    return pd.DataFrame({"item": state.codes["item"].decode(items), "score": scores,
                         "rank": np.arange(1, len(items) + 1, dtype=np.int64)}, copy=False)


def predict(experiment: Any, users: Any, items: Any) -> np.ndarray:
    state = _state(experiment)
    users, items = np.asarray(users), np.asarray(items)
    if users.shape != items.shape or users.ndim > 1:
        raise ParameterError(f"users and items must be 1-d arrays of the same length, got shapes "
                             f"{users.shape} and {items.shape}")
    u = state.codes["user"].encode(users.reshape(-1))
    i = state.codes["item"].encode(items.reshape(-1))
    out = _core.live_predict(state.experiment._handle, state.model._handle, u, i)
    return out.reshape(users.shape)


def learn(experiment: Any, events: Any) -> int:
    state = _state(experiment)
    if hasattr(events, "to_pandas") and not isinstance(events, pd.DataFrame):
        events = events.to_pandas()
    frame = pd.DataFrame(events) if not isinstance(events, pd.DataFrame) else events
    names = state.names or {c: c for c in ("time", "score", "user", "item")}
    for c in ("user", "item"):
        if names[c] not in frame.columns:
            raise ParameterError(f"learn: events have no '{names[c]}' column")
    n = len(frame)
    time = (frame[names["time"]].to_numpy(dtype=np.float64) if names["time"] in frame.columns
            else np.full(n, np.nan))
    score = frame[names["score"]].to_numpy(dtype=np.float64) if names["score"] in frame.columns else np.ones(n)
    user = state.codes["user"].encode(frame[names["user"]].to_numpy(), learn=True)
    item = state.codes["item"].encode(frame[names["item"]].to_numpy(), learn=True)
    return _core.live_learn(state.experiment._handle, np.ascontiguousarray(time), user, item,
                            np.ascontiguousarray(score))
