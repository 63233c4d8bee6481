"""Models written in Python (the original's ``alpenglow.PythonModel``).

Subclass :class:`SelfUpdatingModel`, implement ``update(rec)`` and ``prediction(rec)``, and
return ``(m._model, m._updater, [])`` from an experiment's ``_config``::

    class MyPop(alpenglow.SelfUpdatingModel):
        def __init__(self):
            super().__init__()
            self.counts = {}
        def update(self, rec):
            self.counts[rec.item] = self.counts.get(rec.item, 0) + 1
        def prediction(self, rec):
            return self.counts.get(rec.item, 0)

Faster alternatives, chosen by the methods the class has (first match):

* ``get_top_list(user, k, exclude)``: the model ranks by its own list (``exclude`` is a dict
  whose keys are the items to leave out: the user's known items when ``exclude_known`` is on);
* ``prediction_iterator(user, bound)``: a generator of ``(item, score)`` pairs in descending
  score order; ``bound()`` is the current upper bound, below which the generator may stop;
* ``predict_all(user)`` (beyond the original): the scores of all items as a 1-d numpy array
  indexed by item id (ids past its end score 0). One call scores every item, so a numpy model
  ranks as fast as the array arithmetic allows; ``prediction`` is then not needed.

Ties: the toplist path keeps the list's order; the other paths break ties with the seeded tie
generator, like the built-in models. The run re-takes the GIL only around these calls; an
exception raised in them stops the run with that exception (``experiment.results`` holds the
rows evaluated before). Ids: a run with a Python model passes the input's integer ids
unchanged (no recoding) when they are non-negative integers below 2**24, else dense codes.
"""

from __future__ import annotations

from typing import Any, Iterator

from . import cpp

__all__ = ["SelfUpdatingModel", "SubModel", "SubRankingIteratorModel", "SubToplistModel", "SubUpdater"]


class _ParentAdapter:
    """The core calls the parent's methods directly (no forwarding call per item)."""

    def __init__(self, parent: Any) -> None:
        self.parent = parent
        super().__init__()

    def _target(self) -> Any:
        return self.parent


class _ParentModel(_ParentAdapter):
    def prediction(self, rec: Any) -> float:
        return self.parent.prediction(rec)


class SubModel(_ParentModel, cpp.PythonModel):
    """Core model whose scores come from ``parent.prediction`` (or ``parent.predict_all``)."""


class SubToplistModel(_ParentModel, cpp.PythonToplistModel):
    """Core model ranking by ``parent.get_top_list(user, k, exclude)``."""

    def get_top_list(self, user: int, k: int, exclude: dict | None = None) -> list:
        return [(int(i), float(s)) for i, s in self.parent.get_top_list(user, k, exclude or {})]


class SubRankingIteratorModel(cpp.PythonRankingIteratorModel):
    """Core model ranking through the generator ``parent.prediction_iterator(user, bound)``."""

    def __init__(self, parent: Any) -> None:
        self.parent = parent
        self._iterator_id: int | None = None
        self._generator: Iterator | None = None
        self._pair: tuple | None = None
        self._bound = float("-inf")
        super().__init__()

    def _get_bound(self) -> float:
        return self._bound

    def prediction(self, rec: Any) -> float:
        return self.parent.prediction(rec)

    def iterator_has_next_(self, id: int, user: int, upper_bound: float) -> bool:
        self._bound = upper_bound
        if id != self._iterator_id:
            self._iterator_id = id
            self._generator = iter(self.parent.prediction_iterator(user, self._get_bound))
        try:
            self._pair = next(self._generator)  # type: ignore[arg-type]
        except StopIteration:
            return False
        return True

    def iterator_get_next_(self, id: int, user: int) -> tuple:
        return self._pair  # type: ignore[return-value]

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.update(_iterator_id=None, _generator=None, _pair=None)
        return state


class SubUpdater(_ParentAdapter, cpp.Updater):
    """Core updater that calls ``parent.update(rec)``."""

    def update(self, rec: Any) -> None:
        self.parent.update(rec)


class SelfUpdatingModel:
    """Base class of a model written in Python that trains itself.

    ``self._model`` is the core model to evaluate and ``self._updater`` the updater to add;
    an experiment's ``_config`` returns ``(m._model, m._updater, [])``. The adapter is chosen
    by the methods the subclass has: ``get_top_list`` first, then ``prediction_iterator``,
    else ``prediction`` / ``predict_all`` (see the module documentation).
    """

    _model: Any
    _updater: Any

    def __init__(self) -> None:
        self._updater = SubUpdater(self)
        if callable(getattr(self, "get_top_list", None)):
            self._model = SubToplistModel(self)
        elif callable(getattr(self, "prediction_iterator", None)):
            self._model = SubRankingIteratorModel(self)
        else:
            self._model = SubModel(self)

    def update(self, rec: Any) -> None:
        """Train on a record (to be implemented)."""
        raise NotImplementedError(f"{type(self).__name__} must implement update(rec)")

    def prediction(self, rec: Any) -> float:
        """The score of ``(rec.user, rec.item)`` (to be implemented, unless ``predict_all`` is)."""
        if callable(getattr(self, "predict_all", None)):
            scores = self.predict_all(rec.user)  # type: ignore[attr-defined]
            return float(scores[rec.item]) if rec.item < len(scores) else 0.0
        raise NotImplementedError(f"{type(self).__name__} must implement prediction(rec)")

