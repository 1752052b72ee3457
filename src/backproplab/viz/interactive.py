"""Interactive Plotly figures for notebooks: the report's views, displayed inline by Jupyter.

Each function returns a :class:`plotly.graph_objects.Figure`; a notebook shows it when it
is a cell's value (turn it with the mouse, scrub with its slider), ``fig.write_html``
saves it. They draw what :mod:`.moments` computes, like the report.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from . import moments
from .plots import class_color


def _surface_trace(V: np.ndarray, d: int) -> dict:
    """The decision surface's vertices (k, d) as a Plotly trace (a polygon in 3-D)."""
    style = {"name": "w·a + b = 0", "hoverinfo": "skip", "showlegend": False}
    if len(V) == 0:
        V = np.full((1, d), np.nan)
    if d == 3:
        k = len(V)
        fan = np.arange(1, max(k - 1, 1))
        return go.Mesh3d(
            x=V[:, 0], y=V[:, 1], z=V[:, 2], i=np.zeros_like(fan), j=fan, k=fan + 1,
            opacity=0.3, color="#444", **style,
        )  # fmt: skip
    if d == 2:
        return go.Scatter(x=V[:, 0], y=V[:, 1], mode="lines", line={"dash": "dash"}, **style)
    return go.Scatter(x=[V[0, 0]] * 2, y=[-0.5, 1.5], mode="lines", **style)


def hidden_space_figure(recorder, y, layer: int, *, units=None, title: str | None = None):
    """The watched layer's representation at every snapshot, with a slider and play button.

    Args:
        recorder: a :class:`~backproplab.training.callbacks.Recorder` that recorded ``layer``.
        y: the recorded samples' class labels, shape (n_samples,).
        layer: ℓ, the layer to show (a hidden layer).
        units: up to three units to show instead of the PCA of a wider layer.

    Returns:
        A Figure with one frame per snapshot: the points of every sample coloured by class
        and, when the layer feeds a single output neuron and nothing is projected away, the
        neuron's decision surface ``w · a + b = 0`` of that moment. The axes are fixed over
        all snapshots; the camera is the user's.
    """
    snaps = recorder.snapshots
    if not snaps or layer not in snaps[0].layers:
        raise ValueError(f"the recorder holds no snapshots of layer {layer}")
    y = np.asarray(y)
    A = np.stack([s.layers[layer] for s in snaps])  # (S, n, n_ℓ)
    project, labels, exact = moments.fixed_projection(A[-1], units, layer)
    P = np.asarray(project(A), dtype=float)  # (S, n, d)
    d = P.shape[-1]
    lo, hi = moments.box(P)
    L = len(snaps[0].weights)
    plane = exact and layer == L - 1 and snaps[0].weights[-1].shape[0] == 1
    classes = np.unique(y)

    def traces(t: int) -> list:
        out = []
        for c, label in enumerate(classes):
            pts = P[t][y == label]
            marker = {"size": 3 if d == 3 else 6, "color": class_color(c, len(classes))}
            cols = [pts[:, k] for k in range(d)] + ([np.full(len(pts), c)] if d == 1 else [])
            if d == 3:
                out.append(go.Scatter3d(x=cols[0], y=cols[1], z=cols[2], mode="markers",
                                        marker=marker, name=f"class {label}"))  # fmt: skip
            else:
                out.append(go.Scatter(x=cols[0], y=cols[1], mode="markers", marker=marker,
                                      name=f"class {label}"))  # fmt: skip
        if plane:
            w = snaps[t].weights[-1][0]
            w = w if units is None else w[list(units)]
            V = moments.plane_in_box(w, float(snaps[t].biases[-1][0, 0]), lo, hi)
            out.append(_surface_trace(V, d))
        return out

    def name(t: int) -> str:
        return f"step {snaps[t].step} (epoch {snaps[t].epoch:.2f})"

    frames = [go.Frame(data=traces(t), name=str(t)) for t in range(len(snaps))]
    fig = go.Figure(data=traces(0), frames=frames)
    axes = [{"title": labels[k], "range": [lo[k], hi[k]], "autorange": False} for k in range(d)]
    if d == 3:
        fig.update_layout(scene={"xaxis": axes[0], "yaxis": axes[1], "zaxis": axes[2],
                                 "aspectmode": "cube"})  # fmt: skip
    else:
        fig.update_layout(xaxis=axes[0], yaxis=axes[1] if d == 2 else {"visible": False})
    step = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}
    fig.update_layout(
        title=title or f"hidden layer {layer}",
        uirevision="hidden",
        height=560,
        sliders=[
            {
                "active": 0,
                "currentvalue": {"prefix": "snapshot: "},
                "steps": [
                    {"label": name(t), "method": "animate", "args": [[str(t)], step]}
                    for t in range(len(snaps))
                ],
            }
        ],  # fmt: skip
        updatemenus=[
            {
                "type": "buttons",
                "x": 0,
                "y": 0,
                "xanchor": "right",
                "yanchor": "top",
                "buttons": [
                    {
                        "label": "play",
                        "method": "animate",
                        "args": [
                            None,
                            {"frame": {"duration": 80, "redraw": True}, "fromcurrent": True},
                        ],
                    },
                    {"label": "pause", "method": "animate", "args": [[None], step]},
                ],
            }
        ],  # fmt: skip
    )
    return fig


def history_figure(history):
    """The loss per step and per epoch, the accuracy and each layer's gradient norm."""
    from plotly.subplots import make_subplots

    h = history.trimmed()
    steps = np.arange(1, h.n_steps + 1)
    epochs = np.arange(1, h.n_epochs + 1) * h.steps_per_epoch
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=("loss", "accuracy", "gradient norm"))  # fmt: skip
    fig.add_scatter(x=steps, y=h.loss_step, name="loss per step", line={"width": 1}, row=1, col=1)
    fig.add_scatter(x=epochs, y=h.loss_epoch, name="loss per epoch", row=1, col=1)
    if h.val_loss_epoch is not None:
        fig.add_scatter(x=epochs, y=h.val_loss_epoch, name="validation loss",
                        line={"dash": "dash"}, row=1, col=1)  # fmt: skip
    if h.accuracy_epoch is not None:
        fig.add_scatter(x=epochs, y=h.accuracy_epoch, name="accuracy", row=2, col=1)
    if h.val_accuracy_epoch is not None:
        fig.add_scatter(x=epochs, y=h.val_accuracy_epoch, name="validation accuracy",
                        line={"dash": "dash"}, row=2, col=1)  # fmt: skip
    for ell in range(h.grad_norm.shape[1]):
        fig.add_scatter(x=steps, y=h.grad_norm[:, ell], name=f"‖∂C/∂W{ell + 1}‖",
                        line={"width": 1}, row=3, col=1)  # fmt: skip
    fig.update_yaxes(type="log", row=3, col=1)
    fig.update_xaxes(title_text="step", row=3, col=1)
    fig.update_layout(height=620)
    return fig
