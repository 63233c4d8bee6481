"""``OfflineModel``: the scikit-learn-style base class of the offline models."""

from __future__ import annotations

import pickle
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import _core
from ..errors import DataError, ParameterError
from ..ParameterDefaults import ParameterDefaults
from ._data import Codes, query_columns, training_columns

#: Default of the always-used ``seed`` key (the original's).
DEFAULT_SEED = 254938879

_MAGIC = b"ALPENGLOW-OFFLINE-MODEL\n"


class NotFittedError(DataError):
    """The model was used before :meth:`OfflineModel.fit`."""


class OfflineModel(ParameterDefaults):
    """Base class of the offline models: fit on a whole training set, then predict scores of
    (user, item) pairs and recommend top lists.

    Parameters
    ----------
    seed : int, default 254938879
        Seed of the model's random draws (initial factors, shuffles), as documented per model.
    **parameters
        The model's hyper-parameters (see each model). A parameter the model does not read is
        an error (:class:`alpenglow.errors.ParameterError`) at :meth:`fit`.

    Notes
    -----
    Differences from the original:

    * ``fit`` never modifies the caller's data (the original added a ``score`` column to it).
    * Ids of any hashable type are accepted and recoded (``recode=True``, the default); every
      result shows the original ids. With ``recode=False`` ids must be integers in
      ``0..=2**24-1``, used as they are.
    * ``predict`` returns a numpy array (the original: a list); unknown users or items get NaN.
    * ``recommend`` runs in parallel over users in the core with the GIL released, with one tie
      order (higher score, then lower item code), and lists only items with a finite,
      non-zero score; it also accepts an ``items`` whitelist and a ``filter_items`` blacklist.
    * Models can be saved (:meth:`write` / :meth:`read`) and pickled with their learned state.
    * ``.matrix`` and ``.recommender_data`` of the original are not provided.
    """

    #: Parameters the original accepted but ignored: giving one is an error saying why.
    _unsupported: dict[str, str] = {}

    def __init__(self, **parameters: Any) -> None:
        super().__init__(**parameters)
        self.model: Any = None
        self.objects: dict[str, Any] = {}
        self._users: Codes | None = None
        self._items: Codes | None = None
        self._train: tuple[np.ndarray, np.ndarray] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.parameters.items())})"

    def get_params(self, deep: bool = True) -> dict:
        """The parameters given to the constructor (scikit-learn convention)."""
        return dict(self.parameters)

    def set_params(self, **parameters: Any) -> "OfflineModel":
        """Sets parameters (used by the next :meth:`fit`); returns self."""
        for name, value in parameters.items():
            self.set_parameter(name, value)
        return self

    # -- to implement -------------------------------------------------------------------------
    def _build(self) -> tuple[Any, Any]:
        """Builds the core components from the parameters: returns (model, offline learner) and
        fills ``self.objects``."""
        raise NotImplementedError

    # -- fitting ------------------------------------------------------------------------------
    def _seed(self) -> int:
        return self.parameter_default("seed", DEFAULT_SEED)

    def _check_parameters(self) -> None:
        for name, why in self._unsupported.items():
            if name in self.given_parameters:
                raise ParameterError(f"{type(self).__name__}: parameter '{name}' is not supported: {why}")
        self.check_unused_parameters()

    def fit(self, X: Any, y: Any = None, columns: Mapping[str, str] = {}, recode: bool = True) -> "OfflineModel":
        """Trains the model from scratch on ``X``.

        Parameters
        ----------
        X : DataFrame (pandas or polars), pyarrow Table, dict of arrays, 2-d numpy array or scipy.sparse matrix
            A table with ``user`` and ``item`` columns and optionally ``score`` (default 1.0),
            in training order; or a user x item matrix whose non-zero entries are the
            (row, column, value) events (row-major order). Never modified.
        y : array-like, optional
            Scores, one per row of ``X``; an error if ``X`` has a score column too.
        columns : dict, optional
            Maps ``user``/``item``/``score`` to the input's column names.
        recode : bool, default True
            Map ids of any hashable type to dense codes (results show the original ids).
            ``False``: ids are integers in ``0..=2**24-1``, used as they are.

        Returns
        -------
        self

        Notes
        -----
        Training runs in the core with the GIL released. Ctrl-C stops it between passes (ALS:
        between sweeps) with ``KeyboardInterrupt``; the model then stays as it was before.
        """
        cols = training_columns(X, y, columns)
        users = Codes(cols["user"], "user", bool(recode))
        items = Codes(cols["item"], "item", bool(recode))
        self.used_parameters = set()
        model, learner = self._build()
        self._check_parameters()
        _core.offline_fit(learner._handle, users.train, items.train, cols["score"])
        self.model, self._learner = model, learner
        self._users, self._items = users, items
        self._train = (users.train, items.train)
        return self

    def _require_fit(self, what: str) -> None:
        if self.model is None:
            raise NotFittedError(f"{type(self).__name__}.{what}(): the model is not fitted yet; call fit() first")

    @property
    def users(self) -> np.ndarray:
        """The training users (original ids), in first-appearance order."""
        self._require_fit("users")
        return self._users.originals()

    @property
    def items(self) -> np.ndarray:
        """The training items (original ids), in first-appearance order."""
        self._require_fit("items")
        return self._items.originals()

    # -- using ----------------------------------------------------------------------------------
    def predict(self, X: Any) -> np.ndarray:
        """The model's score of every (user, item) row of ``X``.

        Parameters
        ----------
        X : DataFrame, pyarrow Table or dict of arrays
            With ``user`` and ``item`` columns (other columns are ignored).

        Returns
        -------
        numpy.ndarray of float
            One score per row; NaN where the user or the item did not occur in training.
        """
        self._require_fit("predict")
        users, items = query_columns(X, "predict")
        u, i = self._users.encode(users), self._items.encode(items)
        out = np.full(len(u), np.nan)
        ok = (u >= 0) & (i >= 0)
        if ok.any():
            out[ok] = _core.offline_predict(self.model._handle, np.ascontiguousarray(u[ok]), np.ascontiguousarray(i[ok]))
        return out

    def recommend(
        self,
        users: Any = None,
        k: int = 100,
        exclude_known: bool = True,
        items: Any = None,
        filter_items: Any = None,
    ) -> pd.DataFrame:
        """Top-``k`` recommendations of users.

        Parameters
        ----------
        users : sequence, optional
            The users (original ids); default: every training user. Duplicates are dropped.
            A user that did not occur in training is an error naming it.
        k : int, default 100
            Maximum list length per user (a positive integer).
        exclude_known : bool, default True
            Skip the (user, item) pairs of the training data.
        items : sequence, optional
            Whitelist: only these items may be recommended (ids unseen in training are ignored).
        filter_items : sequence, optional
            Blacklist: these items are never recommended.

        Returns
        -------
        pandas.DataFrame
            Columns ``user, item, rank, score`` (rank 1-based), sorted by user (in sorted id
            order when the ids are orderable, else in the given order) and rank. Ties are ordered
            by lower item code (first appearance in training with ``recode=True``, the item id
            otherwise). Only items with a finite, non-zero score are listed, so a list can be
            shorter than ``k`` (e.g. a nearest-neighbour user whose history reaches few items).
        """
        self._require_fit("recommend")
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise ParameterError(f"recommend(): k must be a positive integer, got {k!r}")
        if users is None:
            codes = self._users.known
        else:
            wanted = pd.unique(pd.Series(list(users) if not hasattr(users, "to_numpy") else users.to_numpy(), dtype=object))
            codes = self._users.encode(wanted)
            if (codes < 0).any():
                missing = [wanted[j] for j in np.flatnonzero(codes < 0)[:5]]
                raise DataError(f"recommend(): {int((codes < 0).sum())} user(s) did not occur in training, e.g. "
                                f"{', '.join(map(repr, missing))}")
        originals = self._users.decode(codes)
        try:
            order = np.argsort(originals, kind="stable")
        except TypeError:
            order = np.arange(len(codes))
        codes = np.ascontiguousarray(codes[order], dtype=np.int64)
        candidates = self._items.known
        if items is not None:
            wl = self._items.encode(list(items) if not hasattr(items, "to_numpy") else items.to_numpy())
            candidates = candidates[np.isin(candidates, wl[wl >= 0])]
        if filter_items is not None:
            bl = self._items.encode(list(filter_items) if not hasattr(filter_items, "to_numpy") else filter_items.to_numpy())
            candidates = candidates[~np.isin(candidates, bl[bl >= 0])]
        tu, ti = self._train
        res = _core.offline_recommend(self.model._handle, codes, np.ascontiguousarray(candidates), tu, ti, int(k),
                                      bool(exclude_known))
        return pd.DataFrame({
            "user": self._users.decode(res["user"].astype(np.int64)),
            "item": self._items.decode(res["item"].astype(np.int64)),
            "rank": res["rank"].astype(np.int64),
            "score": res["score"],
        })

    # -- persistence ----------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = {"parameters": dict(self.parameters), "fitted": self.model is not None}
        if self.model is not None:
            state.update(users=self._users, items=self._items, train=self._train,
                         model_state=self.model._handle.call("_state"))
        return state

    def __setstate__(self, state: dict) -> None:
        type(self).__init__(self, **state["parameters"])
        if state["fitted"]:
            model, learner = self._build()
            model._handle.call("_load_state", state["model_state"])
            self.model, self._learner = model, learner
            self._users, self._items, self._train = state["users"], state["items"], state["train"]

    def write(self, file_name: Any) -> None:
        """Saves the fitted model (parameters, id codes, training pairs and learned state) to
        ``file_name``. The file is a pickle: read only files you trust."""
        self._require_fit("write")
        with open(file_name, "wb") as f:
            f.write(_MAGIC)
            pickle.dump((type(self).__name__, self.__getstate__()), f, protocol=5)

    def read(self, file_name: Any) -> "OfflineModel":
        """Loads a model saved by :meth:`write` by the same model class; its parameters replace
        this object's. The file is a pickle: read only files you trust."""
        with open(file_name, "rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                raise DataError(f"{file_name}: not a model saved by OfflineModel.write")
            name, state = pickle.load(f)
        if name != type(self).__name__:
            raise DataError(f"{file_name}: holds a {name}, not a {type(self).__name__}")
        self.__setstate__(state)
        return self
