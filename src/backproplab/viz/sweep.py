"""Figures of a sweep's tidy table (:func:`backproplab.sweep.sweep`).

The table's columns before ``seed`` are the grid's keys; one combination of their values
is a *setting*, and each setting was run once per seed.

- :func:`plot_sweep_loss`: the training loss per epoch of every setting, the line the
  median over the seeds and the band the spread from the lowest to the highest seed;
- :func:`plot_sweep_final`: each setting's final accuracy (or final loss, when the targets
  were not class labels), one dot per seed and a bar at the mean.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .figure import NotebookFigure


def grid_keys(df) -> list[str]:
    """The grid's keys: the table's columns before ``seed``."""
    columns = list(df.columns)
    if "seed" not in columns or "epoch" not in columns:
        raise ValueError("the table needs the columns seed and epoch (a sweep's table)")
    return columns[: columns.index("seed")]


def final_rows(df, metric: str):
    """One row per run: its last epoch with a value of ``metric`` (a run that diverged
    before finishing an epoch keeps its row of NaNs)."""
    import pandas as pd

    run = [*grid_keys(df), "seed"]
    last_finite = df[df[metric].notna()].groupby(run, sort=False, dropna=False).tail(1)
    last = df.groupby(run, sort=False, dropna=False).tail(1)
    both = pd.concat([last_finite, last])
    return both[~both[run].astype(str).duplicated()].sort_index()


def _settings(df):
    """``[(label, rows of that setting), …]`` in the table's order."""
    from ..sweep.runs import setting_label

    keys = grid_keys(df)
    if not keys:
        return [("all runs", df)]
    groups = df.groupby(keys, sort=False, dropna=False)
    return [
        (setting_label(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)), rows)
        for key, rows in groups
    ]


def plot_sweep_loss(df, metric: str = "loss", log: bool | None = None) -> Figure:
    """Loss curves per setting with the spread over seeds.

    Args:
        df: a sweep's table. metric: the column to draw (``"loss"``, ``"val_loss"``, …).
        log: a logarithmic y axis; None chooses it when every value is positive.

    Returns:
        The figure: for each setting, the median over seeds at each epoch as a line and
        the band between the lowest and the highest seed.
    """
    if df.empty or metric not in df.columns:
        raise ValueError(f"the table has no rows or no column {metric!r}")
    fig = NotebookFigure(figsize=(9.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    settings = _settings(df)
    colours = _colours(len(settings))
    for (label, rows), colour in zip(settings, colours, strict=True):
        by_epoch = rows.groupby("epoch")[metric]
        epochs = np.array(sorted(rows["epoch"].unique()))
        median, low, high = by_epoch.median(), by_epoch.min(), by_epoch.max()
        n_seeds = rows["seed"].nunique()
        ax.plot(epochs, median.loc[epochs], color=colour, lw=1.8, label=f"{label} ({n_seeds})")
        ax.fill_between(epochs, low.loc[epochs], high.loc[epochs], color=colour, alpha=0.18, lw=0)
    values = df[metric].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if log is None:  # not for losses past 1e200 (diverging runs): log ticks would overflow
        log = bool(len(values) and values.min() > 0 and values.max() < 1e200)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title(f"{metric.replace('_', ' ')} per epoch: median over seeds, band = min to max")
    ax.grid(True, alpha=0.3)
    fig.legend(title="setting (seeds)", fontsize="small", loc="outside right upper")
    return fig


def plot_sweep_final(df, metric: str | None = None) -> Figure:
    """Each setting's value at its last epoch: a dot per seed and a bar at the mean.

    Args:
        df: a sweep's table.
        metric: the column; None means ``accuracy`` when it holds numbers, else ``loss``.

    Returns:
        The figure, settings along x. A run that diverged is drawn as a cross: at its last
        finished epoch's value, or on the axis's floor if it finished none.
    """
    if df.empty:
        raise ValueError("the table has no rows")
    if metric is None:
        metric = "accuracy" if df["accuracy"].notna().any() else "loss"
    last = final_rows(df, metric)
    settings = _settings(last)
    fig = NotebookFigure(figsize=(max(5.0, 1.1 * len(settings) + 2.5), 4.5), layout="constrained")
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)  # jitter only, so dots of equal value stay apart
    colours = _colours(len(settings))
    floor = []
    for x, ((_, rows), colour) in enumerate(zip(settings, colours, strict=True)):
        values = rows[metric].to_numpy(dtype=float)
        diverged = rows["diverged"].to_numpy(dtype=bool)
        jitter = x + rng.uniform(-0.15, 0.15, len(values))
        ax.scatter(jitter[~diverged], values[~diverged], color=colour, s=22, zorder=3)
        lost = diverged & ~np.isfinite(values)  # no value: drawn on the axis's floor
        ax.scatter(jitter[diverged & ~lost], values[diverged & ~lost], color=colour, marker="x",
                   s=30, zorder=3)  # fmt: skip
        floor.append((jitter[lost], colour))
        mean = np.nanmean(values) if np.isfinite(values).any() else np.nan
        ax.hlines(mean, x - 0.3, x + 0.3, color="black", lw=2, zorder=2)
    crowded = len(settings) > 4
    ax.set_xticks(
        range(len(settings)),
        [label for label, _ in settings],
        rotation=30 if crowded else 0,
        ha="right" if crowded else "center",
    )
    final_epoch = int(df["epoch"].max())
    ax.set_ylabel(f"final {metric.replace('_', ' ')}")
    ax.set_title(f"{metric.replace('_', ' ')} after epoch {final_epoch}: a dot per seed, "
                 "bar = mean")  # fmt: skip
    if "accuracy" in metric:
        ax.set_ylim(min(0.0, ax.get_ylim()[0]), 1.02)
    bottom = ax.get_ylim()[0]
    for xs, colour in floor:
        ax.scatter(xs, np.full(len(xs), bottom), color=colour, marker="x", s=30, zorder=3,
                   clip_on=False)  # fmt: skip
    if any(len(xs) for xs, _ in floor) or last["diverged"].any():
        ax.set_xlabel("× = a run that diverged (on the floor: before finishing an epoch)")
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def _colours(n: int):
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if n <= 10 else "viridis"]
    return [cmap(i if n <= 10 else i / max(n - 1, 1)) for i in range(n)]
