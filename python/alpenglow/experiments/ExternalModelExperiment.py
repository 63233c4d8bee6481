"""Evaluation of a recommender that runs outside alpenglow, through files."""

from __future__ import annotations

from ..Getter import Getter as rs
from ..OnlineExperiment import OnlineExperiment
from ._periodic import PERIODIC_DOC, periodic_learner


class ExternalModelExperiment(OnlineExperiment):
    __doc__ = """Evaluates top lists computed by an external tool, period by period.

    The experiment runs twice over the same stream with the same period settings:

    1. ``mode="write"``: at the end of period ``n`` (n = 1, 2, ...) it writes
       ``<out_name_base>_<n>_train.dat``, the training set (the whole past, or the time
       window of ``timeframe_length``), and ``<out_name_base>_<n-1>_test.dat``, the users
       evaluated during period ``n`` (so the users to recommend for with the model trained on
       ``_<n-1>_train.dat``; ``_0_test.dat`` lists the users of the first period). Every rank
       of this run is NaN.
    2. The external tool reads each ``_<n>_train.dat`` and writes
       ``<in_name_base>_<n>_predictions.dat`` for the users of ``_<n>_test.dat``.
    3. ``mode="read"``: at the end of period ``n`` it loads ``_<n>_predictions.dat``; those
       lists serve the records of period ``n + 1``. The rank of a record is the position of
       its item in its user's list (1-based; NaN when the item is not among the first
       ``top_k``, or the user has no list).

    File formats:

    * ``_train.dat``: CSV with the header ``time,user,item,id,score,category``, one record
      per line, oldest first. Floats are written so that they read back to the same value
      (integral values without a fraction).
    * ``_test.dat``: the header ``user``, then one user id per line, ascending.
    * ``_predictions.dat``: whitespace-separated ``user item pos`` lines, no header. A user's
      list is ordered by ``pos`` (any integers; equal positions by item id); an item listed
      twice for a user is an error.

    Ids in all files are the internal ids: with ``run(recode=True)`` (the default) users and
    items are recoded to 0..n-1 in order of first appearance, so either run with
    ``recode=False`` (ids already dense non-negative integers) or map the ids yourself.

    Parameters
    ----------
    mode : {"write", "read"}, default "write"
        Given to both the model and its offline learner.
    out_name_base : str, default "batch"
        Path prefix of the files written in write mode. Its directory must exist and be
        writable (checked before the run).
    in_name_base : str, default ""
        Path prefix of the predictions files read in read mode (required in that mode).
    """ + PERIODIC_DOC + """
    **parameters
        The common parameters of :class:`alpenglow.OnlineExperiment`.

    Raises
    ------
    alpenglow.errors.ParameterError
        A bad ``mode``, or an empty path prefix for the mode.
    OSError
        The output directory cannot be written (before the run), or a predictions file is
        missing (at its period end); the message names the path.
    alpenglow.errors.DataError
        A malformed predictions file; the message names the file and the line.

    Notes
    -----
    Differences from the original framework:

    * A list item at position ``i`` (0-based) scores ``1/(i+1)`` as a float (the original
      used integer division: 1, 0, 0, ...). ``prediction`` is 0 for every record, and
      ``exclude_known`` is not applied to the external lists (as in the original).
    * The training files are chronological (the original wrote the past newest first).
    * A missing or malformed predictions file is an error (the original read it as empty).
    * The test files list users in ascending id order (the original's order was that of a
      hash set).

    Doc≠code: no default of this experiment differs between the original's documentation and
    its code. As documented with the period keys, ``timeframe_length`` is in time units even
    with ``period_mode="samplenum"``.

    Examples
    --------
    >>> import tempfile, os
    >>> from alpenglow.experiments import ExternalModelExperiment
    >>> from alpenglow.datasets import synthetic_stream
    >>> folder = tempfile.mkdtemp()
    >>> exp = ExternalModelExperiment(period_length=1000, period_mode="samplenum",
    ...                               out_name_base=os.path.join(folder, "batch"))
    >>> res = exp.run(synthetic_stream(3000), verbose=False, recode=False)
    >>> sorted(f for f in os.listdir(folder))[:3]
    ['batch_0_test.dat', 'batch_1_test.dat', 'batch_1_train.dat']
    """

    def _config(self, top_k: int, seed: int) -> tuple:
        p = self.parameter_defaults(mode="write", out_name_base="batch", in_name_base="")
        model = rs.ExternalModel(mode=p["mode"])
        learner = rs.OfflineExternalModelLearner(
            mode=p["mode"], out_name_base=p["out_name_base"], in_name_base=p["in_name_base"],
        )
        learner.set_model(model)
        return model, [periodic_learner(self, model, [learner])], []
