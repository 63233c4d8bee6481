"""Command-line interface: ``alpenglow run <Experiment>``, ``alpenglow search`` and ``alpenglow list``.

Examples
--------
.. code-block:: console

    $ alpenglow list
    $ alpenglow run Popularity --events 100000 --quiet
    $ alpenglow run TransitionProbability --data ratings.csv.gz --top-k 50 --out results.csv
    $ alpenglow run PopularityTimeframe --set tau=86400 --exclude-known
    $ alpenglow run Factor --data ratings.csv.gz --plot dcg.png
    $ alpenglow search Factor --data ratings.csv.gz --grid learning_rate=0.03,0.05 --grid negative_rate=10,30
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from typing import Any, Sequence

DEFAULT_EVENTS = 1_000_000
SUFFIX = "Experiment"


def parse_value(text: str) -> Any:
    """Convert a ``--set`` value: int, then float, then bool, else the string itself.

    Parameters
    ----------
    text : str
        The value as typed on the command line.

    Returns
    -------
    int, float, bool or str
        ``"3"`` -> 3, ``"0.5"`` -> 0.5, ``"true"``/``"false"`` (any case) -> bool,
        anything else unchanged.
    """
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split a ``name=value`` argument of ``--set``.

    Parameters
    ----------
    text : str
        ``name=value``; the name must be a Python identifier.

    Returns
    -------
    tuple of (str, object)
        The name and the value converted by :func:`parse_value`.

    Raises
    ------
    ValueError
        If there is no ``=`` or the name is not an identifier.
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ValueError(f"--set expects name=value, got {text!r}")
    return name, parse_value(value)


def experiment_classes() -> dict[str, type]:
    """Return the experiments of :mod:`alpenglow.experiments` by class name.

    Returns
    -------
    dict of str to type
        Every class listed in ``alpenglow.experiments.__all__``.
    """
    from . import experiments

    return {name: getattr(experiments, name) for name in experiments.__all__}


def find_experiment(name: str) -> type:
    """Look up an experiment class by name, with or without the ``Experiment`` suffix.

    Parameters
    ----------
    name : str
        Case-sensitive class name, e.g. ``PopularityExperiment`` or ``Popularity``.

    Returns
    -------
    type
        The experiment class.

    Raises
    ------
    ValueError
        If there is no such experiment; the message lists the available ones.
    """
    classes = experiment_classes()
    for candidate in (name, name + SUFFIX):
        if candidate in classes:
            return classes[candidate]
    short = {n.removesuffix(SUFFIX): n for n in classes}
    close = difflib.get_close_matches(name, list(classes) + list(short), n=1)
    hint = f" Did you mean {short.get(close[0], close[0])!r}?" if close else ""
    raise ValueError(f"unknown experiment {name!r}.{hint} Available: {', '.join(classes)}")


def first_line(obj: object) -> str:
    """Return the first sentence of ``obj``'s docstring ('' when it has none)."""
    doc = (getattr(obj, "__doc__", None) or "").strip()
    paragraph = " ".join(doc.split("\n\n")[0].split())
    sentence_end = paragraph.find(". ")
    return paragraph if sentence_end < 0 else paragraph[: sentence_end + 1]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``alpenglow`` command.

    Returns
    -------
    argparse.ArgumentParser
        Parser with the ``run`` and ``list`` sub-commands.
    """
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="alpenglow",
        description="Online (prequential) evaluation of recommender experiments on event streams.",
    )
    parser.add_argument("--version", action="version", version=f"alpenglow {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{run,list,search}")
    sub.add_parser("list", help="list the available experiments",
                   description="List the experiments that 'alpenglow run' accepts.")
    run = sub.add_parser(
        "run", help="run an experiment and report its metrics",
        description="Replay a stream through an experiment (evaluate each event, then train on it) "
                    "and report DCG@k, recall@k and speed. Without --data, a synthetic stream is used.",
        epilog="example: alpenglow run Popularity --data ratings.csv.gz --top-k 100 --out results.csv",
    )
    run.add_argument("experiment", help="experiment class name, e.g. PopularityExperiment or Popularity "
                                        "(see 'alpenglow list')")
    run.add_argument("--data", metavar="FILE",
                     help="input file; by default a CSV with header time,user,item[,score] (gzip ok)")
    run.add_argument("--format", metavar="FMT",
                     help="read --data in an alpenglow file format instead (online, online_id, "
                          "offlineTimestamp, ...)")
    run.add_argument("--top-k", type=int, default=100, metavar="N", help="top list length (default: 100)")
    run.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the synthetic stream (default: 0)")
    run.add_argument("--events", type=int, default=DEFAULT_EVENTS, metavar="N",
                     help=f"events of the synthetic stream (default: {DEFAULT_EVENTS:_})")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                     help="experiment parameter, repeatable; VALUE is parsed as int, float, "
                          "true/false, else string (e.g. --set tau=86400 --set mode=inverted)")
    run.add_argument("--out", metavar="FILE", help="write the per-event results to this CSV file")
    run.add_argument("--exclude-known", action="store_true",
                     help="do not rank items the user already interacted with")
    run.add_argument("--no-shuffle", action="store_true",
                     help="keep the file order of events with equal timestamps")
    run.add_argument("--quiet", action="store_true", help="no progress bar (and fewer notes) on stderr")
    run.add_argument("--plot", metavar="FILE", help="save a plot of the daily mean DCG to FILE (needs matplotlib)")
    add_search_parser(sub)
    return parser


def add_search_parser(sub: Any) -> None:
    """Add the ``search`` sub-command (a parameter grid, printed as a table)."""
    search = sub.add_parser(
        "search", help="run an experiment on every configuration of a parameter grid",
        description="Run an experiment on every configuration of a grid (--grid, repeatable) in parallel "
                    "and print one row per configuration with the mean metric. Without --data, a "
                    "synthetic stream is used.",
        epilog="example: alpenglow search Factor --grid learning_rate=0.03,0.05 --grid negative_rate=10,30",
    )
    search.add_argument("experiment", help="experiment class name (see 'alpenglow list')")
    search.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...", required=True,
                        help="a grid axis, repeatable; values parsed as int, float, true/false, else string")
    search.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                        help="fixed experiment parameter, repeatable")
    search.add_argument("--data", metavar="FILE", help="input file (CSV with header time,user,item[,score])")
    search.add_argument("--format", metavar="FMT", help="read --data in an alpenglow file format instead")
    search.add_argument("--top-k", type=int, default=100, metavar="N", help="top list length (default: 100)")
    search.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the synthetic stream (default: 0)")
    search.add_argument("--events", type=int, default=SEARCH_EVENTS, metavar="N",
                        help=f"events of the synthetic stream (default: {SEARCH_EVENTS:_})")
    search.add_argument("--metric", default="DcgScore", metavar="NAME",
                        help="metric of alpenglow.evaluation: DcgScore (default), RecallScore, PrecisionScore, "
                             "RrScore, MseScore (the 'Score' suffix may be left out)")
    search.add_argument("--threads", type=int, default=2, metavar="N", help="parallel workers (default: 2)")
    search.add_argument("--backend", choices=("threads", "processes", "ray"), default="threads",
                        help="threads (default; runs release the GIL), processes, or ray")
    search.add_argument("--errors", choices=("raise", "skip"), default="raise",
                        help="a failing configuration stops the search (raise) or scores NaN (skip)")
    search.add_argument("--out", metavar="FILE", help="also write the table to this CSV file")
    search.add_argument("--quiet", action="store_true", help="fewer notes on stderr")


SEARCH_EVENTS = 100_000


def parse_grid(text: str) -> tuple[str, list[Any]]:
    """Split a ``--grid name=v1,v2,...`` argument into the name and the parsed values."""
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ValueError(f"--grid expects name=v1,v2,..., got {text!r}")
    parsed = [parse_value(v.strip()) for v in values.split(",") if v.strip()]
    if not parsed:
        raise ValueError(f"--grid {name}: no values given")
    return name, parsed


def find_metric(name: str) -> Any:
    """A metric of :mod:`alpenglow.evaluation` by name, with or without the ``Score`` suffix."""
    from . import evaluation

    names = [n for n in evaluation.__all__ if n.endswith("Score")]
    for candidate in (name, name + "Score"):
        if candidate in names:
            return getattr(evaluation, candidate)
    raise ValueError(f"unknown metric {name!r}; one of: {', '.join(names)}")


def search_command(args: argparse.Namespace) -> int:
    """Execute ``alpenglow search`` and print the table."""
    from .utils import ThreadedParameterSearch

    cls = find_experiment(args.experiment)
    metric = find_metric(args.metric)
    params: dict[str, Any] = {"top_k": args.top_k}
    params.update(parse_assignment(p) for p in args.params)
    grid = [parse_grid(g) for g in args.grid]
    search = ThreadedParameterSearch(cls(**params), metric, threads=args.threads, backend=args.backend)
    for name, values in grid:
        search.set_parameter_values(name, values)
    data, fmt, desc, _ = _load(args)
    _note(args, f"data: {desc}")
    started = time.perf_counter()
    table = search.run(data, experimentType=fmt, verbose=False, errors=args.errors)
    with __import__("pandas").option_context("display.max_rows", None, "display.width", 200):
        print(table.to_string(index=False))
    _note(args, f"{len(table)} configurations in {time.perf_counter() - started:.3f} s "
                f"({args.backend}, {args.threads} workers)")
    if args.out:
        table.to_csv(args.out, index=False)
        _note(args, f"table written to {args.out}")
    return 0


def _note(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _load(args: argparse.Namespace) -> tuple[Any, str | None, str, int | None]:
    """Return (data, experimentType, description, number of records or None)."""
    from . import _core, datasets

    if args.data is None:
        if args.format is not None:
            raise ValueError("--format needs --data")
        if args.events < 1:
            raise ValueError(f"--events must be at least 1, got {args.events}")
        desc = f"synthetic_stream(n_events={args.events}, seed={args.seed})"
        print(f"no --data given: using {desc}", file=sys.stderr)
        frame = datasets.synthetic_stream(n_events=args.events, seed=args.seed)
        return frame, None, desc, len(frame)
    if args.format is not None:
        formats = _core.file_formats()
        if args.format not in formats:
            raise ValueError(f"unknown --format {args.format!r}; one of: {', '.join(formats)}")
        with open(args.data, "rb"):  # fail early, with an OSError, on a missing file
            pass
        return args.data, args.format, f"{args.data} (format {args.format})", None
    frame = datasets.load_csv(args.data)
    desc = (f"{args.data} ({len(frame):,} records, {frame['user'].nunique():,} users, "
            f"{frame['item'].nunique():,} items)")
    return frame, None, desc, len(frame)


def check_parameters(cls: type, params: dict[str, Any]) -> None:
    """Fail fast on bad experiment parameters, before any data is loaded.

    Runs a fresh experiment on a one-event stream; only parameter errors are raised
    (anything else is left for the real run to report).

    Parameters
    ----------
    cls : type
        Experiment class.
    params : dict
        Its keyword parameters.

    Raises
    ------
    alpenglow.errors.ParameterError
        On an unknown parameter or an invalid value.
    """
    from .errors import ParameterError

    try:
        cls(**params).run({"time": [0], "user": [0], "item": [0]}, verbose=False)
    except ParameterError:
        raise
    except Exception:  # noqa: BLE001 - not a parameter problem; the real run reports it
        pass


def run_command(args: argparse.Namespace) -> int:
    """Execute ``alpenglow run`` for parsed arguments and print the report.

    Parameters
    ----------
    args : argparse.Namespace
        Arguments from :func:`build_parser`.

    Returns
    -------
    int
        Exit code 0.
    """
    from .evaluation import DcgScore, RecallScore

    started = time.perf_counter()
    cls = find_experiment(args.experiment)
    params: dict[str, Any] = {"top_k": args.top_k}
    params.update(parse_assignment(p) for p in args.params)
    check_parameters(cls, params)
    experiment = cls(**params)
    data, fmt, desc, n_records = _load(args)
    results = experiment.run(data, experimentType=fmt, verbose=not args.quiet,
                             exclude_known=args.exclude_known, shuffle_same_time=not args.no_shuffle)
    top_k = results.attrs.get("top_k", args.top_k)
    rows = len(results)
    dcg = float(DcgScore(results).mean()) if rows else float("nan")
    recall = float(RecallScore(results).mean()) if rows else float("nan")
    if args.out:
        results.to_csv(args.out)
        _note(args, f"results written to {args.out}")
    if args.plot:
        _plot(results, cls.__name__, args.plot)
        _note(args, f"plot written to {args.plot}")
    seconds = experiment.run_seconds or float("nan")
    counted, basis = (n_records, "records") if n_records is not None else (rows, "evaluated rows")
    print(f"experiment:      {cls.__name__} ({', '.join(f'{k}={v!r}' for k, v in params.items())})")
    print(f"data:            {desc}")
    print(f"options:         exclude_known={args.exclude_known}, shuffle_same_time={not args.no_shuffle}")
    print(f"rows evaluated:  {rows:,}")
    print(f"{f'DCG@{top_k}:':<17}{dcg:.6f}")
    print(f"{f'recall@{top_k}:':<17}{recall:.6f} (hit rate)")
    print(f"events/s:        {counted / seconds:,.0f} ({counted:,} {basis} / replay loop {seconds:.3f} s)")
    print(f"wall time:       {time.perf_counter() - started:.3f} s")
    return 0


def _plot(results: Any, label: str, file: str) -> None:
    try:
        import matplotlib
    except ImportError as error:
        raise ValueError("--plot needs matplotlib: pip install alpenglow[plot]") from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .evaluation import DcgScore, plot

    ax = plot({label: results}, DcgScore, file=file)
    plt.close(ax.figure)


def list_command() -> int:
    """Print every experiment with the first line of its docstring.

    Returns
    -------
    int
        Exit code 0.
    """
    classes = experiment_classes()
    width = max(map(len, classes))
    for name, cls in classes.items():
        print(f"{name:<{width}}  {first_line(cls)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``alpenglow`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on a usage or input error (message on stderr, no traceback),
        130 when interrupted.
    """
    from .errors import AlpenglowError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version or a usage error
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        if args.command == "list":
            return list_command()
        return search_command(args) if args.command == "search" else run_command(args)
    except (AlpenglowError, OSError, ValueError, ImportError) as error:
        print(f"alpenglow: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alpenglow: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
