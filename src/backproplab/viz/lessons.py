"""Figures of the two lessons in :mod:`backproplab.lessons`: learning slowdown and vanishing
gradients.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot (no GUI
backend needed); a notebook shows it directly and ``fig.savefig`` writes it.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ..lessons import SATURATED_SIGMA_PRIME, SETTING_LABELS, Slowdown, Vanishing
from .figure import NotebookFigure

COST_COLORS = {"quadratic": "#d62728", "cross_entropy": "#1f77b4"}
COST_TITLES = {
    "quadratic": "quadratic cost  C = ½(a − y)²",
    "cross_entropy": "cross-entropy  C = −[y ln a + (1 − y) ln(1 − a)]",
}
COST_LABELS = {"quadratic": "quadratic", "cross_entropy": "cross-entropy"}
GRAD_NORM = r"$\Vert\partial C/\partial W^{\ell}\Vert$"
DELTA_NORM = r"$\Vert\delta^{\ell}\Vert = \Vert\partial C/\partial b^{\ell}\Vert$"
SETTING_COLORS = {"gaussian": "#d62728", "scaled": "#ff7f0e", "he": "#2ca02c"}


def _epochs_text(epochs: int | None) -> str:
    return f"after {epochs} epochs" if epochs is not None else "never"


def slowdown_title(starts: tuple[Slowdown, ...]) -> str:
    """The figure's title, from the runs' numbers: per start, σ′(z) there and how many
    epochs each cost needs to bring the output below 0.5."""
    parts = []
    for s in starts:
        half = s.epochs_to_half()
        state = "saturated" if s.saturated else "not saturated"
        parts.append(
            f"from σ′(z) = {s.sigma_prime_at_start:.3f} ({state}): a < 0.5 "
            f"{_epochs_text(half['quadratic'])} with the quadratic cost, "
            f"{_epochs_text(half['cross_entropy'])} with cross-entropy"
        )
    eta = ", ".join(sorted({f"{s.eta:g}" for s in starts}))
    return f"Learning slowdown, one sigmoid neuron, η = {eta}:\n" + ";\n".join(parts)


def plot_slowdown(*starts: Slowdown) -> Figure:
    """One sigmoid neuron learning with each cost, one column per start (give the
    saturated and the unsaturated start, :func:`backproplab.lessons.slowdown_starts`, to
    see the contrast side by side). Every title is computed from the runs.

    Rows: the cost as a fraction of where it started (both costs); BP1's factor σ′(z) =
    a(1 − a) over training, at most ¼; ``|∂C/∂w|`` on a log scale — ``(a − y) σ′(z) x`` for
    the quadratic cost, ``(a − y) x`` for cross-entropy, whose ``∂C/∂a = (a − y)/(a(1 − a))``
    cancels σ′.

    Args:
        starts: one or more results of :func:`backproplab.lessons.learning_slowdown`.
    """
    if not starts:
        raise TypeError("plot_slowdown needs at least one Slowdown")
    for s in starts:
        if not isinstance(s, Slowdown):
            raise TypeError(f"plot_slowdown takes Slowdown results, got {type(s).__name__}")
    n = len(starts)
    fig = NotebookFigure(figsize=(5.6 * n + 0.6, 10), layout="constrained")
    axes = fig.subplots(3, n, squeeze=False)
    fig.suptitle(slowdown_title(starts), fontsize=11)
    for column, s in zip(axes.T, starts, strict=True):
        ax_c, ax_sp, ax_g = column
        half = s.epochs_to_half()
        last = s.quadratic.epochs[-1]
        for run in s.runs:
            color, label = COST_COLORS[run.cost_name], COST_LABELS[run.cost_name]
            ax_c.plot(run.epochs, run.cost / run.cost[0], color=color, lw=2,
                      label=f"{label}: a < 0.5 {_epochs_text(half[run.cost_name])}")  # fmt: skip
            if half[run.cost_name] is not None:
                ax_c.axvline(half[run.cost_name], color=color, ls=":", lw=1)
            ax_sp.plot(run.epochs, run.sigma_prime, color=color, lw=2, label=label)
            ax_g.plot(run.epochs, np.abs(run.grad_w), color=color, lw=2, label=label + (
                ": (a − y) σ′(z) x" if run.cost_name == "quadratic" else ": (a − y) x"
            ))  # fmt: skip
        q = s.quadratic
        state = "saturated" if s.saturated else "not saturated"
        title = (f"start w = {s.w0:g}, b = {s.b0:g}: z = {q.z[0]:.3g}, a = {q.a[0]:.3f},\n"
                 f"σ′(z) = {s.sigma_prime_at_start:.3f}: {state}")  # fmt: skip
        ax_c.set(xlabel="epoch", ylabel="C / C(start)", ylim=(0, 1.05), xlim=(0, last),
                 title=title)  # fmt: skip
        ax_c.legend(fontsize=8, loc="upper right")
        ax_sp.axhline(0.25, color="0.5", ls=":", lw=1, label="σ′ at most ¼ (z = 0)")
        ax_sp.axhline(SATURATED_SIGMA_PRIME, color="0.5", ls="--", lw=1,
                      label=f"saturated below {SATURATED_SIGMA_PRIME:g}")  # fmt: skip
        sp_title = f"BP1's factor σ′(z): {s.sigma_prime_at_start:.3f} at the start"
        ax_sp.set(xlabel="epoch", ylabel="σ′(z) = a(1 − a)", ylim=(0, 0.27), xlim=(0, last),
                  title=sp_title)  # fmt: skip
        ax_sp.legend(fontsize=8, loc="best")
        ratio = abs(s.cross_entropy.grad_w[0] / s.quadratic.grad_w[0])
        g_title = f"first step: cross-entropy's |∂C/∂w| is {ratio:.3g}× the quadratic's"
        ax_g.set(xlabel="epoch", ylabel="|∂C/∂w|", yscale="log", xlim=(0, last),
                 title=g_title)  # fmt: skip
        ax_g.legend(fontsize=8, loc="best")
    return fig


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def vanishing_title(v: Vanishing) -> str:
    """The figure's title, from the runs: each setting's ‖δ¹‖ / ‖δ^{L−1}‖ untrained."""
    hidden = len(v.sizes) - 2
    ratios = ", ".join(
        f"{run.delta_first_to_last:.2g} ({SETTING_LABELS[name]})"
        for name, run in sorted(v.runs.items(), key=lambda item: item[1].delta_first_to_last)
    )
    return (
        f"Vanishing gradients: {list(v.sizes)} on {v.n_samples} standardised digits, softmax + "
        f"cross-entropy, SGD η = {v.eta:g}, batch {v.batch_size}\n"
        f"untrained, the first hidden layer's ‖δ‖ over the last's (layer 1 / layer {hidden}): "
        f"{ratios}"
    )


def plot_vanishing(v: Vanishing) -> Figure:
    """Nielsen's measurement of each hidden layer's speed of learning, ``‖δ^ℓ‖ =
    ‖∂C/∂b^ℓ‖`` of the whole training set, one panel per setting (log scale, a line per
    hidden layer over training); below, the untrained network's ``‖δ^ℓ‖`` against ℓ per
    setting, each layer's median ``‖∂C/∂W^ℓ‖`` over the mini-batch steps (the output layer
    included), and the training accuracy per epoch. Every title is computed from the runs.

    Args:
        v: the result of :func:`backproplab.lessons.vanishing_gradients`.
    """
    names = list(v.runs)
    L = len(v.sizes) - 1
    hidden = L - 1
    layer_colors = colormaps["viridis"](np.linspace(0.0, 0.9, hidden))
    columns = max(len(names), 3)
    fig = NotebookFigure(figsize=(4.6 * columns + 0.5, 8.5), layout="constrained")
    grid = fig.add_gridspec(2, columns)
    fig.suptitle(vanishing_title(v), fontsize=11)
    top = [fig.add_subplot(grid[0, i]) for i in range(len(names))]
    for ax in top[1:]:
        ax.sharey(top[0])
    for ax, name in zip(top, names, strict=True):
        run = v.runs[name]
        epoch = run.delta_steps / run.steps_per_epoch
        for ell in range(hidden):
            ax.plot(epoch, run.delta_norm[:, ell], "-", color=layer_colors[ell], lw=1.8,
                    label=f"hidden layer {ell + 1}")  # fmt: skip
        end = run.delta_norm[-1, 0] / run.delta_norm[-1, -1]
        ax.set(yscale="log", xlabel="epoch", title=f"{SETTING_LABELS[name]}\n"
               f"‖δ¹‖ / ‖δ{str(hidden).translate(SUPERSCRIPTS)}‖: "
               f"{run.delta_first_to_last:.2g} untrained, "
               f"{end:.2g} after {v.epochs} epochs")  # fmt: skip
        ax.set_xlim(0, epoch[-1])
    top[0].set_ylabel(DELTA_NORM + " over the training set")
    top[-1].legend(fontsize=8, loc="lower right")

    ax_start, ax_speed, ax_acc = (fig.add_subplot(grid[1, i]) for i in range(3))
    hidden_layers, layers = np.arange(1, hidden + 1), np.arange(1, L + 1)
    for name in names:
        run, color = v.runs[name], SETTING_COLORS.get(name)
        label = SETTING_LABELS[name]
        ax_start.plot(hidden_layers, run.start_delta_norm, "o-", color=color, lw=2, label=label)
        ax_speed.plot(layers, run.median_grad_norm, "o-", color=color, lw=2, label=label)
        ax_acc.plot(np.arange(1, len(run.accuracy_epoch) + 1), 100 * run.accuracy_epoch,
                    "o-", color=color, lw=2, label=label)  # fmt: skip
    ax_start.set(yscale="log", xlabel="hidden layer ℓ (1 = input side)", xticks=hidden_layers,
                 ylabel=DELTA_NORM + ", untrained",
                 title="untrained: ‖δˡ‖ per hidden layer")  # fmt: skip
    ax_start.legend(fontsize=8)
    ax_speed.set(yscale="log", xlabel=f"layer ℓ (1 = input side, {L} = output)", xticks=layers,
                 ylabel="median " + GRAD_NORM + " over the steps",
                 title="training: median ‖∂C/∂Wˡ‖ per layer")  # fmt: skip
    ax_speed.legend(fontsize=8)
    ax_acc.set(xlabel="epoch", ylabel="training accuracy (%)", ylim=(0, 101),
               xticks=np.arange(1, v.epochs + 1), title="what it learns")  # fmt: skip
    ax_acc.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1, 0.14))
    return fig
