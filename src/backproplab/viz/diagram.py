"""The network drawn the way the book draws it: neurons in columns, weights on the wires."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from .figure import NotebookFigure

POSITIVE, NEGATIVE = "#1f77b4", "#d62728"


def _positions(sizes):
    """(x, y) of every neuron, each layer centred vertically."""
    tallest = max(sizes)
    return [
        np.column_stack([np.full(n, float(col)), (np.arange(n) - (n - 1) / 2) * (tallest > 1)])
        for col, n in enumerate(sizes)
    ]


def draw_network(net, ax=None, *, max_neurons: int = 16, annotate: bool | None = None) -> Figure:
    """Draw ``net``: wire colour is the weight's sign (blue +, red −), width its magnitude.

    Layers wider than ``max_neurons`` show their first ``max_neurons`` neurons, with a
    "⋮" below them and "showing 16 of 64" under the layer's name; the title says how many
    neurons and wires are left out. Weight values are written on the wires of small
    networks (``annotate``: default when there are at most 30 wires).
    """
    if ax is None:
        fig = NotebookFigure(
            figsize=(2.2 * len(net.sizes) + 1, 0.55 * min(max(net.sizes), max_neurons) + 2),
            layout="constrained",
        )
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    shown = [min(n, max_neurons) for n in net.sizes]
    pos = _positions(shown)
    biggest = max(float(np.max(np.abs(W))) for W in net.weights) or 1.0
    n_wires = sum(a * b for a, b in zip(shown[:-1], shown[1:], strict=True))
    annotate = n_wires <= 30 if annotate is None else annotate
    for ell, W in enumerate(net.weights):
        W = W[: shown[ell + 1], : shown[ell]]
        segments, colors, widths = [], [], []
        for j, k in np.ndindex(W.shape):
            segments.append([pos[ell][k], pos[ell + 1][j]])
            colors.append(POSITIVE if W[j, k] >= 0 else NEGATIVE)
            widths.append(0.3 + 4.5 * abs(W[j, k]) / biggest)
        ax.add_collection(
            LineCollection(segments, colors=colors, linewidths=widths, alpha=0.75, zorder=1)
        )
        if annotate:
            for (j, k), (p, q) in zip(np.ndindex(W.shape), segments, strict=True):
                t = 0.3 + 0.4 * ((j + k) % 3) / 2  # stagger labels along the wire
                x, y = (1 - t) * p[0] + t * q[0], (1 - t) * p[1] + t * q[1]
                ax.text(
                    x,
                    y,
                    f"{W[j, k]:.2f}",
                    fontsize=7,
                    ha="center",
                    va="center",
                    zorder=3,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8),
                )
    names = ["input"] + [f"layer {ell}" for ell in range(1, len(net.sizes) - 1)] + ["output"]
    acts = [""] + [a.name for a in net.layer_activations]
    for col, p in enumerate(pos):
        ax.scatter(p[:, 0], p[:, 1], s=420, c="white", edgecolors="k", linewidths=1.5, zorder=2)
        label = f"{names[col]}\n{net.sizes[col]} neuron{'s' if net.sizes[col] != 1 else ''}"
        if shown[col] < net.sizes[col]:
            label += f"\n(showing {shown[col]} of {net.sizes[col]})"
            ax.text(col, p[:, 1].min() - 0.55, "⋮", ha="center", va="center", fontsize=14)
        if acts[col]:
            label += f"\n{acts[col]}"
        ax.text(col, p[:, 1].min() - 0.9, label, ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.5, len(net.sizes) - 0.5)
    tallest = (max(shown) - 1) / 2
    ax.set_ylim(-tallest - 2.2, tallest + 0.8)
    ax.set_axis_off()
    title = "the network: blue wires positive, red negative, width = |w|"
    hidden_neurons = sum(net.sizes) - sum(shown)
    if hidden_neurons:
        all_wires = sum(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:], strict=True))
        title += (
            f"\nlayers wider than {max_neurons} show their first {max_neurons} neurons:"
            f"\n{hidden_neurons} neurons and {all_wires - n_wires} of {all_wires} wires not drawn"
        )
    ax.set_title(title, fontsize=10)
    return fig
