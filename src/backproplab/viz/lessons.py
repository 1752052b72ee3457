"""Figures of the two lessons in :mod:`backproplab.lessons`: learning slowdown and vanishing
gradients.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot (no GUI
backend needed); a notebook shows it directly and ``fig.savefig`` writes it.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ..lessons import SETTING_LABELS, Slowdown, Vanishing
from .figure import NotebookFigure

COST_COLORS = {"quadratic": "#d62728", "cross_entropy": "#1f77b4"}
COST_TITLES = {
    "quadratic": "quadratic cost  C = ½(a − y)²",
    "cross_entropy": "cross-entropy  C = −[y ln a + (1 − y) ln(1 − a)]",
}
COST_LABELS = {"quadratic": "quadratic", "cross_entropy": "cross-entropy"}
GRAD_NORM = r"$\Vert\partial C/\partial W^{\ell}\Vert$"
SETTING_COLORS = {"gaussian": "#d62728", "scaled": "#ff7f0e", "he": "#2ca02c"}


def plot_slowdown(s: Slowdown) -> Figure:
    """The saturated neuron learning with each cost (2×2 panels).

    Top: the cost against the epoch, quadratic left and cross-entropy right. Bottom left:
    BP1's factor σ′(z) = a(1 − a) over training, at most 1/4 (at z = 0). Bottom right:
    ``|∂C/∂w|`` on a log scale — ``(a − y) σ′(z) x`` for the quadratic cost, ``(a − y) x``
    for cross-entropy, whose ``∂C/∂a = (a − y)/(a(1 − a))`` cancels σ′.

    Args:
        s: the result of :func:`backproplab.lessons.learning_slowdown`.
    """
    fig = NotebookFigure(figsize=(11, 7.5), layout="constrained")
    (ax_q, ax_ce), (ax_sp, ax_g) = fig.subplots(2, 2)
    fig.suptitle(
        f"Learning slowdown: one sigmoid neuron started saturated (w = {s.w0:g}, b = {s.b0:g}, "
        f"x = {s.x:g}, target y = {s.y:g}, η = {s.eta:g})",
        fontsize=12,
    )
    for ax, run in ((ax_q, s.quadratic), (ax_ce, s.cross_entropy)):
        color = COST_COLORS[run.cost_name]
        ax.plot(run.epochs, run.cost, color=color, lw=2)
        ax.set(xlabel="epoch", ylabel="cost C", title=COST_TITLES[run.cost_name])
        ax.set_ylim(bottom=0)
        ax.set_xlim(0, run.epochs[-1])
        half = run.epochs_until(0.5)
        note = f"output a: {run.a[0]:.3f} → {run.a[-1]:.3f}\n" + (
            f"a < 0.5 after epoch {half}" if half is not None else "a never falls below 0.5"
        )
        ax.text(0.97, 0.95, note, transform=ax.transAxes, ha="right", va="top", fontsize=9,
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.8"})  # fmt: skip
        if half is not None:
            ax.axvline(half, color="0.5", ls=":", lw=1)
    for run in s.runs:
        color, label = COST_COLORS[run.cost_name], COST_LABELS[run.cost_name]
        ax_sp.plot(run.epochs, run.sigma_prime, color=color, lw=2, label=label)
        ax_g.plot(run.epochs, np.abs(run.grad_w), color=color, lw=2, label=label + (
            ": (a − y) σ′(z) x" if run.cost_name == "quadratic" else ": (a − y) x"
        ))  # fmt: skip
    ax_sp.axhline(0.25, color="0.5", ls=":", lw=1, label="σ′ at most ¼ (z = 0)")
    last = s.quadratic.epochs[-1]
    ax_sp.set(xlabel="epoch", ylabel="σ′(z) = a(1 − a)", ylim=(0, 0.27), xlim=(0, last),
              title="BP1's factor σ′(z), tiny while saturated")  # fmt: skip
    ax_sp.legend(fontsize=8, loc="center right")
    ax_g.set(xlabel="epoch", ylabel="|∂C/∂w|", yscale="log", xlim=(0, last),
             title="|∂C/∂w|: only the quadratic cost's carries σ′")  # fmt: skip
    ax_g.legend(fontsize=8, loc="upper right")
    return fig


def _smoothed(steps: np.ndarray, values: np.ndarray, window: int):
    """A running geometric mean of ``values`` over ``window`` steps: ``(x, y)`` at the
    windows' centres (what a log axis shows as the running average)."""
    if window <= 1 or len(values) <= window:
        return steps, values
    kernel = np.full(window, 1.0 / window)
    log_mean = np.convolve(np.log(np.maximum(values, np.finfo(float).tiny)), kernel, "valid")
    return np.convolve(steps, kernel, "valid"), np.exp(log_mean)


def plot_vanishing(v: Vanishing) -> Figure:
    """Every layer's ``‖∂C/∂W^ℓ‖`` over training, one panel per setting (log scale, a thin
    line per step and a running geometric mean over a fifth of an epoch); below, each
    layer's median over training (the "speed of learning" per layer) and the training
    accuracy per epoch, one line per setting.

    Args:
        v: the result of :func:`backproplab.lessons.vanishing_gradients`.
    """
    names = list(v.runs)
    L = len(v.sizes) - 1
    layer_colors = colormaps["viridis"](np.linspace(0.0, 0.9, L))
    fig = NotebookFigure(figsize=(4.2 * max(len(names), 2) + 1, 8), layout="constrained")
    grid = fig.add_gridspec(2, max(len(names), 2) * 2)
    fig.suptitle(
        f"Vanishing gradients: {list(v.sizes)} on {v.n_samples} standardised digits, "
        f"softmax + cross-entropy, SGD η = {v.eta:g}, batch {v.batch_size}",
        fontsize=12,
    )
    top = [fig.add_subplot(grid[0, 2 * i : 2 * i + 2]) for i in range(len(names))]
    for ax in top[1:]:
        ax.sharey(top[0])
    for ax, name in zip(top, names, strict=True):
        run = v.runs[name]
        epoch = np.arange(1, len(run.grad_norm) + 1) / run.steps_per_epoch
        window = max(1, run.steps_per_epoch // 5)
        for ell in range(L):
            g = run.grad_norm[:, ell]
            ax.plot(epoch, g, color=layer_colors[ell], lw=0.5, alpha=0.25)
            ax.plot(*_smoothed(epoch, g, window), color=layer_colors[ell], lw=1.8,
                    label=f"layer {ell + 1}" + (" (output)" if ell == L - 1 else ""))  # fmt: skip
        ax.set(yscale="log", xlabel="epoch", title=SETTING_LABELS[name] +
               f"\nlayer 1 / layer {L}: {run.first_to_last_at_start:.2g} untrained,"
               f"\n{run.first_to_last:.2g} while training (median)")  # fmt: skip
        ax.set_xlim(0, epoch[-1])
    top[0].set_ylabel(GRAD_NORM + " at each step")
    top[-1].legend(fontsize=8, loc="lower right", ncol=2)

    ax_speed = fig.add_subplot(grid[1, : grid.ncols // 2 + 1])
    ax_acc = fig.add_subplot(grid[1, grid.ncols // 2 + 1 :])
    layers = np.arange(1, L + 1)
    for name in names:
        run, color = v.runs[name], SETTING_COLORS.get(name)
        ax_speed.plot(layers, run.median_grad_norm, "o-", color=color, lw=2,
                      label=SETTING_LABELS[name])  # fmt: skip
        ax_acc.plot(np.arange(1, len(run.accuracy_epoch) + 1), 100 * run.accuracy_epoch,
                    "o-", color=color, lw=2, label=SETTING_LABELS[name])  # fmt: skip
    ax_speed.set(yscale="log", xlabel="layer ℓ (1 = first hidden, input side)",
                 ylabel="median " + GRAD_NORM + " over training", xticks=layers,
                 title="speed of learning per layer")  # fmt: skip
    ax_speed.legend(fontsize=8)
    ax_acc.set(xlabel="epoch", ylabel="training accuracy (%)", ylim=(0, 101),
               xticks=np.arange(1, v.epochs + 1), title="what it learns")  # fmt: skip
    ax_acc.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1, 0.14))
    return fig
