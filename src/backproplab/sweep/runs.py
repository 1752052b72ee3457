"""What a sweep runs: the grid's settings times the seeds, and one training run.

A *setting* is one combination of the grid's values, kept in the grid's key order; a
:class:`SweepRun` is a setting and a seed. :func:`train_run` builds
``Network(sizes, seed=seed, **network options)`` and trains it with ``train(...,
seed=seed)``: the seed fixes the initial weights and the shuffling, and nothing else is
random, so a run gives the same bits wherever it runs (a joblib worker process, a Dask
worker on another machine).

Grid values are plain JSON values (str, int, float, bool, None) except ``sizes`` (a tuple
of ints) and ``dtype`` (kept as its name, ``"float32"`` or ``"float64"``), so that every
run has a stable text key (:meth:`SweepRun.key`) under which the command line stores it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

NETWORK_KEYS = ("sizes", "activation", "output_activation", "cost", "init", "dtype")
TRAIN_KEYS = ("epochs", "batch_size", "eta", "shuffle", "optimizer", "l2", "l1", "schedule",
              "dropout")  # fmt: skip
GRID_KEYS = NETWORK_KEYS + TRAIN_KEYS
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: a setting ``((key, value), …)`` in grid order, and a seed."""

    setting: tuple[tuple[str, Any], ...]
    seed: int

    def key(self) -> str:
        """A short stable name for the run: a hash of its setting and seed."""
        text = json.dumps([[k, _jsonable(v)] for k, v in self.setting] + [["seed", self.seed]])
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def label(self) -> str:
        """``"eta=0.5, activation=tanh"`` (``"all runs"`` for an empty grid)."""
        return setting_label(self.setting)


def setting_label(setting) -> str:
    parts = [f"{k}={','.join(map(str, v)) if k == 'sizes' else v}" for k, v in setting]
    return ", ".join(parts) or "all runs"


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def normalise_value(key: str, value):
    """A grid or fixed option's value in its stored form; TypeError/ValueError if unfit."""
    if key == "sizes":
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise TypeError(f"sizes must be a sequence of ints, got {value!r}")
        sizes = tuple(value)
        if not all(isinstance(s, Integral) and not isinstance(s, bool) for s in sizes):
            raise TypeError(f"sizes must hold ints, got {value!r}")
        return tuple(int(s) for s in sizes)
    if key == "dtype":
        try:
            return np.dtype(value).name
        except TypeError:
            raise TypeError(f"dtype must be float32 or float64, got {value!r}") from None
    if isinstance(value, np.generic):
        value = value.item()
    if key == "eta" and isinstance(value, Real) and not isinstance(value, bool):
        value = float(value)  # eta=1 and eta=1.0 are one setting
    if value is None or isinstance(value, str | bool | Integral):
        return value
    if isinstance(value, Real) and math.isfinite(value):
        return float(value)
    raise TypeError(
        f"grid and option values must be str, int, float, bool or None; {key} got {value!r}"
    )


def expand_grid(grid: Mapping[str, Iterable]) -> list[tuple[tuple[str, Any], ...]]:
    """Every combination of the grid's values, the last key varying fastest.

    >>> expand_grid({"eta": [0.5, 3], "activation": ["tanh", "relu"]})[:2]
    [(('eta', 0.5), ('activation', 'tanh')), (('eta', 0.5), ('activation', 'relu'))]
    """
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a dict of lists, got {type(grid).__name__}")
    keys, columns = [], []
    for key, values in grid.items():
        if key not in GRID_KEYS:
            raise ValueError(f"unknown grid key {key!r}; choose from: {', '.join(GRID_KEYS)}")
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            raise TypeError(f"grid[{key!r}] must be a list of values, got {values!r}")
        values = [normalise_value(key, v) for v in values]
        if not values:
            raise ValueError(f"grid[{key!r}] is empty; give at least one value")
        if len(set(values)) != len(values):
            raise ValueError(f"grid[{key!r}] repeats a value: {values}")
        keys.append(key)
        columns.append(values)
    return [tuple(zip(keys, combo, strict=True)) for combo in itertools.product(*columns)]


def parse_seeds(seeds) -> list[int]:
    """``10`` means seeds 0–9; a list or range is taken as given (distinct ints ≥ 0)."""
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be a positive count or a list of seeds, got {seeds}")
        return list(range(int(seeds)))
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise TypeError(f"seeds must be a count or a list of ints, got {seeds!r}")
    seeds = list(seeds)
    if not seeds or not all(isinstance(s, Integral) and not isinstance(s, bool) for s in seeds):
        raise ValueError(f"seeds must be a non-empty list of ints, got {seeds!r}")
    if min(seeds) < 0 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct and at least 0, got {seeds!r}")
    return [int(s) for s in seeds]


def plan(grid: Mapping[str, Iterable], seeds) -> list[SweepRun]:
    """Every run of the sweep: each setting of the grid, with each seed."""
    return [SweepRun(setting, seed) for setting in expand_grid(grid) for seed in parse_seeds(seeds)]


def run_options(run: SweepRun, fixed: Mapping[str, Any]) -> tuple[dict, dict]:
    """``(Network keyword arguments, train keyword arguments)`` for ``run``: the fixed
    options overridden by the run's setting."""
    options = {**fixed, **dict(run.setting)}
    network = {k: options[k] for k in NETWORK_KEYS if k in options}
    train = {k: options[k] for k in TRAIN_KEYS if k in options}
    return network, train


def train_run(X, Y, run: SweepRun, fixed: Mapping[str, Any], X_val=None, Y_val=None) -> list[dict]:
    """Train the network of one run; one row per epoch.

    Args:
        X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
        run: the setting and seed.
        fixed: the options every run shares (``sizes``, ``epochs``, ``batch_size``,
            ``eta`` and any other key of :data:`GRID_KEYS`); the setting overrides them.
        X_val, Y_val: held-out data evaluated after every epoch, or None.

    Returns:
        ``[{**setting, "seed", "epoch", "loss", "accuracy"[, "val_loss",
        "val_accuracy"], "diverged"}, …]`` for epochs 1, 2, …; ``accuracy`` is NaN when
        the targets are not class labels. A run whose loss stops being finite
        (:class:`~backproplab.TrainingDivergedError`) keeps the epochs it finished and
        ends with a row of NaNs for the epoch in which it diverged, all with
        ``diverged`` True.
    """
    from ..network import Network
    from ..training.loop import TrainingDivergedError

    network_options, train_options = run_options(run, fixed)
    net = Network(seed=run.seed, **network_options)
    validation = None if X_val is None else (X_val, Y_val)
    diverged = False
    try:  # an exact pass over the training data after each epoch: the table's loss
        history = net.train(X, Y, seed=run.seed, evaluate=True, validation_data=validation,
                            **train_options)  # fmt: skip
    except TrainingDivergedError as exc:
        history, diverged = exc.history.trimmed(), True
    rows = []
    for e in range(history.n_epochs):
        row = {k: v for k, v in run.setting}
        row.update(seed=run.seed, epoch=e + 1, loss=float(history.loss_epoch[e]))
        acc = history.accuracy_epoch
        row["accuracy"] = math.nan if acc is None else float(acc[e])
        if validation is not None:
            val_acc = history.val_accuracy_epoch
            row["val_loss"] = float(history.val_loss_epoch[e])
            row["val_accuracy"] = math.nan if val_acc is None else float(val_acc[e])
        row["diverged"] = diverged
        rows.append(row)
    if diverged:  # the epoch in which the loss stopped being finite
        row = {k: v for k, v in run.setting}
        row.update(seed=run.seed, epoch=history.n_epochs + 1, loss=math.nan, accuracy=math.nan)
        if validation is not None:
            row.update(val_loss=math.nan, val_accuracy=math.nan)
        rows.append({**row, "diverged": True})
    return rows
