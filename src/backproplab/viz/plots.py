"""Static figures: data, training curves, decision boundaries, σ and σ', a nudge.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so it
needs no GUI backend; a notebook displays it directly, and ``fig.savefig`` writes it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..data.labels import encode_labels, low_target
from .figure import NotebookFigure

CLASS_COLORS = [
    "#d62728",
    "#1f77b4",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",  # ten (tab10): the digits each get their own
    "#000000",
    "#0000ff",
    "#ff00ff",
    "#98fb98",
    "#000080",
    "#00ff00",
    "#ff1493",
    "#87cefa",
    "#8b008b",
    "#00ff7f",
]  # then ten more, each the named colour farthest (in RGB) from all before it: twenty
# The training curves' colours (Okabe and Ito's colour-blind-safe palette): the loss in
# black, the accuracy in bluish green, and each layer's norms in a hue of its own.
LOSS_COLOR = "#000000"
ACCURACY_COLOR = "#009e73"
LAYER_COLORS = ["#0072b2", "#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]


def layer_colors(n_layers: int) -> list[str]:
    """The colours of layers 1 … L in the training curves (:data:`LAYER_COLORS`, repeated
    past six layers; the line style tells those apart in :func:`plot_history`).

    >>> layer_colors(2)
    ['#0072b2', '#e69f00']
    """
    return [LAYER_COLORS[ell % len(LAYER_COLORS)] for ell in range(n_layers)]


CLASS_MARKERS = ["*", "o", "s", "^", "D", "v", "P", "X", "p", "h", "8"]  # 11: with the
# 20 colours, every (colour, marker) pair differs for the first 220 classes


def class_color(i: int, n_classes: int = len(CLASS_COLORS)) -> str:
    """The colour of class i of ``n_classes``: :data:`CLASS_COLORS` for up to 20 classes,
    evenly spaced hues (alternately dark and light) for more."""
    if n_classes <= len(CLASS_COLORS):
        return CLASS_COLORS[i % len(CLASS_COLORS)]
    from matplotlib.colors import hsv_to_rgb, to_hex

    value = 0.95 if i % 2 == 0 else 0.6
    return to_hex(hsv_to_rgb((i / n_classes, 0.85, value)))


def class_colors(y) -> list[str]:
    """One colour per sample from its class (labels are ranked: any values work)."""
    _, ranks = np.unique(np.asarray(y), return_inverse=True)
    n = int(ranks.max()) + 1 if len(ranks) else 0
    return [class_color(r, n) for r in ranks]


def class_label(label, limit: int = 40) -> str:
    """``"class <label>"`` as plain text for a legend: a ``$`` is escaped (matplotlib would
    read ``$...$`` as mathematics and fail on what is not), a long label is cut."""
    text = str(label)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "class " + text.replace("$", r"\$")


def scatter_classes(ax, X, y, **kwargs) -> None:
    """Scatter 1-D or 2-D points, one marker and colour per class, with a legend."""
    X, y = np.asarray(X), np.asarray(y)
    classes = np.unique(y)
    for i, label in enumerate(classes):
        pts = X[y == label]
        ys = pts[:, 1] if X.shape[1] > 1 else np.full(len(pts), float(i))  # 1-D: a row per class
        ax.scatter(
            pts[:, 0],
            ys,
            s=kwargs.get("s", 14),
            c=class_color(i, len(classes)),
            marker=CLASS_MARKERS[i % len(CLASS_MARKERS)],
            alpha=kwargs.get("alpha", 0.7),
            label=class_label(label),
            edgecolors="none",
        )
    columns = 1 if len(classes) <= 10 else 2
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8, ncols=columns)


def plot_dataset(X, y, title: str = "the data") -> Figure:
    """The samples in input space, coloured by class: 1-D as a row per class, 2-D as
    they are, more features through PCA onto the two directions of largest variance (the
    title says so, the axes give each component's share of the variance)."""
    fig = NotebookFigure(figsize=(5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    X = np.asarray(X, dtype=float)
    if X.shape[1] > 2:
        from .moments import pca

        project, share = pca(X, 2)
        scatter_classes(ax, project(X), y)
        ax.set(xlabel=f"PC1 ({share[0]:.0%} of the variance)",
               ylabel=f"PC2 ({share[1]:.0%} of the variance)")  # fmt: skip
        ax.set_title(f"{title}\n(PCA of {X.shape[1]} features onto 2)", fontsize=11)
        return fig
    scatter_classes(ax, X, y)
    ax.set_xlabel("$x_1$")
    if X.shape[1] > 1:
        ax.set_ylabel("$x_2$")
    else:
        classes = np.unique(np.asarray(y))
        ax.set_yticks(range(len(classes)), [f"class {c}" for c in classes])
        ax.set_ylim(-0.5, len(classes) - 0.5)
    ax.set_title(title)
    return fig


def plot_history(history) -> Figure:
    """Four panels: loss per step and per epoch, accuracy per epoch, and per layer the
    norms of ∂C/∂W and of W at every step."""
    h = history.trimmed()
    fig = NotebookFigure(figsize=(11, 7), layout="constrained")
    (ax_loss, ax_acc), (ax_grad, ax_w) = fig.subplots(2, 2)
    steps = np.arange(1, h.n_steps + 1)
    epoch_ends = np.arange(1, h.n_epochs + 1) * h.steps_per_epoch
    ax_loss.plot(steps, h.loss_step, lw=0.6, alpha=0.5, color="#999999", label="mini-batch")
    ax_loss.plot(epoch_ends, h.loss_epoch, lw=2, color=LOSS_COLOR, label="training, per epoch")
    if h.val_loss_epoch is not None:
        ax_loss.plot(epoch_ends, h.val_loss_epoch, lw=2, ls="--", color=LOSS_COLOR,
                     label="validation")  # fmt: skip
    ax_loss.set(xlabel="step", ylabel="cost C", title="loss", yscale="log")
    ax_loss.legend(fontsize=8)
    if h.accuracy_epoch is not None:
        epochs = np.arange(1, h.n_epochs + 1)
        ax_acc.plot(epochs, 100 * h.accuracy_epoch, lw=2, color=ACCURACY_COLOR, label="training")
        if h.val_accuracy_epoch is not None:
            ax_acc.plot(epochs, 100 * h.val_accuracy_epoch, lw=2, ls="--", color=ACCURACY_COLOR,
                        label="validation")  # fmt: skip
            ax_acc.legend(fontsize=8)
        ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy", ylim=(0, 101))
    else:
        ax_acc.text(0.5, 0.5, "targets are not class labels", ha="center", va="center")
        ax_acc.set_axis_off()
    L = h.grad_norm.shape[1]
    for ell in range(L):
        color, style = _layer_style(ell, L)
        g = h.grad_norm[:, ell]
        ax_grad.plot(steps, g, lw=0.5, alpha=0.25, color=color)  # every step, faint
        ax_grad.plot(steps, running_mean(g, max(1, h.n_steps // 50)), lw=1.8, color=color,
                     ls=style, label=f"layer {ell + 1}")  # fmt: skip
        ax_w.plot(steps, h.weight_norm[:, ell], lw=1.5, color=color, ls=style,
                  label=f"layer {ell + 1}")  # fmt: skip
    ax_grad.set(
        xlabel="step",
        ylabel="‖∂C/∂W‖ (log scale)",
        yscale="log",
        title="gradient norm per layer\n(faint: each step; line: running mean)",
    )
    ax_w.set(xlabel="step", ylabel="‖W‖", title="weight norm per layer")
    _powers_of_ten(ax_grad.yaxis)
    ax_grad.legend(fontsize=8)
    ax_w.legend(fontsize=8)
    return fig


def _layer_style(ell: int, n_layers: int) -> tuple[str, str]:
    """Layer ℓ's colour (:func:`layer_colors`, none of them the loss's) and line style
    (cycled, so neighbours differ in print too)."""
    return layer_colors(n_layers)[ell], ("-", "--", "-.", ":")[ell % 4]


def _powers_of_ten(axis) -> None:
    """A log axis labelled at powers of ten only, written 10⁻³ (no 2s and 5s between
    them, no SI prefixes); at most about eight labels, every other power when the
    range is wider."""
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, numticks=8))
    axis.set_major_formatter(LogFormatterSciNotation(base=10))
    axis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10) * 0.1, numticks=12))
    axis.set_minor_formatter(NullFormatter())


def running_mean(values, k: int) -> np.ndarray:
    """The mean of the last k values at each position (fewer at the start).

    >>> running_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2).tolist()
    [1.0, 2.0, 4.0, 6.0]
    """
    values = np.asarray(values, dtype=float)
    sums = np.cumsum(np.concatenate([[0.0], values]))
    i = np.arange(1, len(values) + 1)
    start = np.maximum(i - k, 0)
    return (sums[i] - sums[start]) / (i - start)


def decision_grid(net, X, resolution: int = 200):
    """The network's first output over a grid covering 2-D data: ``(xx, yy, out)``."""
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo)
    xx, yy = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
        np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution),
    )
    out = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    if out.shape[1] > 1:
        out = np.argmax(out, axis=1).astype(float)
    return xx, yy, out[:, 0].reshape(xx.shape) if out.ndim == 2 else out.reshape(xx.shape)


def draw_decision_boundary(ax, net, X, y, title: str = "") -> None:
    """Draw the network's output over input space with the data on top (2-D inputs), or
    the input-to-output curve (1-D inputs)."""
    X = np.asarray(X, dtype=float)
    if X.shape[1] == 1:
        grid = np.linspace(X.min(), X.max(), 400).reshape(-1, 1)
        targets = encode_labels(y, 1, low=low_target(net.output_activation))[0].ravel()
        ax.scatter(X[:, 0], targets, s=6, c=class_colors(y), alpha=0.5, label="targets")
        ax.plot(grid[:, 0], net.predict(grid)[:, 0], color="k", lw=2, label="network output")
        ax.set(xlabel="$x$", ylabel="output")
        ax.legend(fontsize=8)
    elif X.shape[1] == 2:
        xx, yy, out = decision_grid(net, X)
        if net.sizes[-1] == 1:
            mid = (low_target(net.output_activation) + 1) / 2  # between the two targets
            ax.contourf(xx, yy, out, levels=20, cmap="RdBu", alpha=0.3)
            ax.contour(xx, yy, out, levels=[mid], colors="k", linewidths=1.5)
        else:
            ax.contourf(
                xx, yy, out, levels=np.arange(net.sizes[-1] + 1) - 0.5, cmap="tab10", alpha=0.3
            )
        scatter_classes(ax, X, y, s=12, alpha=0.8)
        ax.set(xlabel="$x_1$", ylabel="$x_2$")
    else:
        raise ValueError(f"decision boundaries need 1-D or 2-D inputs, got {X.shape[1]} features")
    ax.set_title(title)


def plot_decision_boundary(net, X, y, title: str = "decision boundary") -> Figure:
    """The network's decision boundary in input space (see :func:`draw_decision_boundary`)."""
    fig = NotebookFigure(figsize=(5, 4.5), layout="constrained")
    draw_decision_boundary(fig.add_subplot(), net, X, y, title)
    return fig


def plot_activation(name: str = "sigmoid", z=None) -> Figure:
    """σ(z) and σ'(z) side by side."""
    from ..engine.activations import get_activation

    act = get_activation(name)
    z = np.linspace(-6, 6, 601) if z is None else np.asarray(z, dtype=float)
    if act.name == "softmax":
        raise ValueError("softmax is not element-wise; plot it per column instead")
    a = act.f(z)
    fig = NotebookFigure(figsize=(9, 3.5), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    ax1.plot(z, a, color="#2ca02c", lw=2)
    ax1.set(xlabel="z", ylabel="σ(z)", title=f"{act.name}")
    ax2.plot(z, act.prime(z, a), color="#d62728", lw=2)
    ax2.set(xlabel="z", ylabel="σ'(z)", title=f"{act.name}'")
    for ax in (ax1, ax2):
        ax.axhline(0, color="0.7", lw=0.8)
        ax.axvline(0, color="0.7", lw=0.8)
    return fig


def plot_nudge(result) -> Figure:
    """The three panels of a nudge: how shifting θ moves z, then a^L, then C.

    Args:
        result: a :class:`~backproplab.checking.nudge.NudgeResult`. The cost panel also draws the
            tangent whose slope is backprop's ∂C/∂θ.
    """
    theta = result.value + result.amounts
    fig = NotebookFigure(figsize=(13, 4), layout="constrained")
    ax_z, ax_a, ax_c = fig.subplots(1, 3, sharex=True)
    ax_z.plot(theta, result.z.mean(axis=1), color="#ff7f0e", lw=2)
    ax_z.set(ylabel="z (mean over samples)", title=f"a nudge in {result.name} moves z")
    ax_a.plot(theta, result.a[:, 0, :].mean(axis=1), color="#2ca02c", lw=2)
    ax_a.set(ylabel="$a^L$ (mean over samples)", title="… which moves the output a")
    ax_c.plot(theta, result.cost, color="#d62728", lw=2, label="C")
    span = 0.15 * (theta.max() - theta.min())
    tangent = np.array([result.value - span, result.value + span])
    c0 = np.interp(result.value, theta, result.cost)
    ax_c.plot(
        tangent,
        c0 + result.gradient * (tangent - result.value),
        "k--",
        lw=1.5,
        label=f"backprop slope ∂C/∂θ = {result.gradient:.3g}",
    )
    ax_c.set(ylabel="cost C", title="… which moves the cost")
    ax_c.legend(fontsize=8)
    for ax in (ax_z, ax_a, ax_c):
        ax.axvline(result.value, color="0.6", lw=1, ls=":")
        ax.set_xlabel(f"{result.name} + nudge")
    return fig


def plot_gradcheck_history(history) -> Figure | None:
    """The relative gradient-check error recorded during training (``gradcheck_every``)."""
    checks = history.extras.get("gradcheck")
    if not checks:
        return None
    steps, errors = zip(*checks, strict=True)
    fig = NotebookFigure(figsize=(6, 3.5), layout="constrained")
    ax = fig.add_subplot()
    ax.semilogy(steps, errors, "o-", ms=3, color="#9467bd")
    ax.axhline(1e-7, color="k", ls="--", lw=1, label="threshold 1e-7")
    ax.set(xlabel="step", ylabel="relative error", title="gradient check during training")
    ax.legend(fontsize=8)
    return fig
