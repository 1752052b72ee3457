"""Many runs at once: a grid of settings times a list of seeds, through joblib.

:func:`sweep` trains one network per (setting, seed) and returns a tidy pandas DataFrame,
one row per run and epoch. The runs go through ``joblib.Parallel``, so where they run is
joblib's choice, set around the call and not in it:

- ``n_jobs=2``: two local worker processes (joblib's default ``loky`` backend);
- ``with joblib.parallel_config(backend="dask"):`` with a ``dask.distributed.Client``
  open: the runs go to the Dask cluster's workers (``n_jobs=None`` then means all of them);
- Ray's joblib backend (``ray.util.joblib.register_ray()``) works the same way.

Each run depends only on its setting and seed (see :mod:`backproplab.sweep.runs`), so the
numbers are the same bits wherever the runs go.

>>> import numpy as np
>>> from backproplab.sweep import sweep
>>> X = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0.0, 1, 1, 0])
>>> df = sweep(X, y, sizes=[2, 3, 1], grid={"eta": [1.0, 3.0]}, seeds=2, epochs=3,
...            batch_size=2)
>>> df.shape, list(df.columns)
((12, 6), ['eta', 'seed', 'epoch', 'loss', 'accuracy', 'diverged'])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from .runs import GRID_KEYS, METRICS, SweepRun, normalise_value, plan, run_options, train_run

__all__ = ["SweepRun", "check_runs", "fixed_options", "iter_results", "plan", "sweep", "to_frame"]


def fixed_options(sizes, epochs, batch_size, eta, options: Mapping[str, Any]) -> dict:
    """The options every run shares, checked and in their stored form (None = not given)."""
    unknown = sorted(set(options) - set(GRID_KEYS))
    if unknown:
        raise TypeError(
            f"unknown option(s) {', '.join(unknown)}; sweep takes these Network and train "
            f"options: {', '.join(GRID_KEYS)}"
        )
    given = {"sizes": sizes, "epochs": epochs, "batch_size": batch_size, "eta": eta}
    fixed = {k: v for k, v in {**given, **options}.items() if v is not None}
    return {k: normalise_value(k, v) for k, v in fixed.items()}


def check_runs(X, Y, runs: list[SweepRun], fixed: Mapping[str, Any], X_val=None, Y_val=None):
    """Raise ValueError/TypeError now, before anything is sent to a worker, if any run's
    options or the data do not fit; return ``(X, Y, X_val, Y_val)`` as arrays."""
    from ..network import Network
    from ..validation import check_positive_float, check_positive_int, check_XY

    if (X_val is None) != (Y_val is None):
        raise ValueError("give both X_val and Y_val, or neither")
    X, Y = np.asarray(X), np.asarray(Y)
    checked = set()
    for run in runs:
        network, train = run_options(run, fixed)
        for required in ("sizes", "epochs", "batch_size", "eta"):
            if required not in {**network, **train}:
                raise ValueError(f"{required} must be given, as {required}= or as a grid key")
        key = tuple(sorted({**network, **train}.items()))
        if key in checked:
            continue
        checked.add(key)
        net = Network(seed=0, **network)  # raises for unknown names and bad pairings
        check_positive_int(train["epochs"], "epochs")
        check_positive_int(train["batch_size"], "batch_size")
        check_positive_float(train["eta"], "eta")
        check_XY(X, Y, net.sizes[0], net.sizes[-1], net.dtype)
        if X_val is not None:
            check_XY(X_val, Y_val, net.sizes[0], net.sizes[-1], net.dtype)
    if X_val is not None:
        X_val, Y_val = np.asarray(X_val), np.asarray(Y_val)
    return X, Y, X_val, Y_val


def iter_results(
    X, Y, runs: Iterable[SweepRun], fixed: Mapping[str, Any], *, n_jobs=None, X_val=None, Y_val=None
) -> Iterator[tuple[SweepRun, list[dict]]]:
    """Train ``runs`` through ``joblib.Parallel`` and yield ``(run, rows)`` for each as it
    finishes (in any order). ``rows`` are :func:`~backproplab.sweep.runs.train_run`'s."""
    from joblib import Parallel, delayed

    runs = list(runs)
    if not runs:
        return
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    yield from parallel(delayed(_task)(X, Y, run, fixed, X_val, Y_val) for run in runs)


def _task(X, Y, run, fixed, X_val, Y_val):
    return run, train_run(X, Y, run, fixed, X_val, Y_val)


def to_frame(
    runs: list[SweepRun], results: Mapping[SweepRun, list[dict]], *, validation: bool = False
):
    """The tidy table: the rows of ``runs`` (in that order), one per run and epoch.

    Columns: one per grid key, then ``seed``, ``epoch``, ``loss``, ``accuracy``,
    ``val_loss`` and ``val_accuracy`` when ``validation``, and ``diverged``.
    """
    import pandas as pd

    keys = [k for k, _ in runs[0].setting] if runs else []
    metrics = list(METRICS if validation else METRICS[:2])
    columns = [*keys, "seed", "epoch", *metrics, "diverged"]
    rows = [row for run in runs for row in results[run]]
    df = pd.DataFrame.from_records(rows, columns=columns)
    df = df.astype({"seed": "int64", "epoch": "int64", "diverged": "bool"})
    return df.astype({m: "float64" for m in metrics})


def sweep(
    X,
    Y,
    *,
    sizes=None,
    grid: Mapping[str, Iterable],
    seeds,
    epochs: int | None = None,
    batch_size: int | None = None,
    eta: float | None = None,
    n_jobs: int | None = None,
    X_val=None,
    Y_val=None,
    **options,
):
    """Train one network per combination of ``grid`` and seed; one row per run and epoch.

    Args:
        X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs), as for
            :meth:`Network.train <backproplab.Network.train>`.
        sizes, epochs, batch_size, eta: the runs' layer sizes and training; each may
            instead be a grid key (the grid's value wins).
        grid: ``{key: [values]}`` over any of ``sizes``, ``activation``,
            ``output_activation``, ``cost``, ``init``, ``dtype``, ``epochs``,
            ``batch_size``, ``eta``, ``shuffle``; ``{}`` runs only the seeds.
        seeds: a count (``10``: seeds 0–9) or a list of seeds. Run s uses
            ``Network(..., seed=s)`` and ``train(..., seed=s)``.
        n_jobs: joblib's ``n_jobs``; None leaves it to the active joblib backend (one
            process locally, every worker under the Dask backend).
        X_val, Y_val: held-out data, evaluated after every epoch.
        **options: further fixed Network or train options (any grid key).

    Returns:
        A ``pandas.DataFrame`` with a column per grid key, then ``seed``, ``epoch``
        (1, 2, …), ``loss`` and ``accuracy`` on the training data after that epoch
        (accuracy NaN unless Y holds class labels), ``val_loss`` and ``val_accuracy``
        when X_val is given, and ``diverged`` (the run stopped early because its loss
        stopped being finite). Rows follow the grid's order, then the seed, then the epoch.
    """
    fixed = fixed_options(sizes, epochs, batch_size, eta, options)
    runs = plan(grid, seeds)
    X, Y, X_val, Y_val = check_runs(X, Y, runs, fixed, X_val, Y_val)
    results = dict(iter_results(X, Y, runs, fixed, n_jobs=n_jobs, X_val=X_val, Y_val=Y_val))
    return to_frame(runs, results, validation=X_val is not None)
