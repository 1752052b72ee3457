"""A :class:`~.session.Moment` as the message the live page draws.

The panels' arrays come from :func:`backproplab.viz.panels.page_data` on a one-snapshot
:class:`~backproplab.formats.runfile.Run` (:func:`.lab.make_run`), exactly as a report's do; they
travel as one base64 buffer with a JSON header (:func:`backproplab.viz.panels.pack`, not
compressed: the page is on the same machine). The training and test losses are exact
passes over each set.
"""

from __future__ import annotations

import json

import numpy as np

from ..engine import feedforward
from ..engine.activations import get_activation
from ..engine.costs import get_cost, mean_cost
from ..viz import panels
from . import confusion, lab

GRID = 50  # the input-plane grid of the live page: GRID × GRID points
CURVE_POINTS = 400  # the live loss panel draws at most this many points per curve


def run_of(m, snapshots=None):
    """The :class:`Run` of moment ``m`` (or of ``snapshots``: ``(W, b, step, epoch)``)."""
    snaps = snapshots or [(m.weights, m.biases, m.steps, m.steps / m.steps_per_epoch)]
    return lab.make_run(m.settings, m.data, m.features, m.net_config, snaps,
                        curve_history(m), m.steps_per_epoch)  # fmt: skip


def curve_history(m) -> dict[str, np.ndarray]:
    """Moment ``m``'s curves (:class:`~.curves.CurveBuckets`) as a run's history: each
    bucket's means, drawn at its steps (``curve_step``, ``curve_epoch``)."""
    steps, epochs = m.step_curves.means(), m.epoch_curves.means()
    h = {
        "loss_step": steps[:, 0],
        "grad_norm": steps[:, 1:],
        "curve_step": m.step_curves.centres(),
        "steps_per_row": np.array(m.step_curves.k),
        "loss_epoch": epochs[:, 1],
        "curve_epoch": epochs[:, 0],
        "epochs_per_row": np.array(m.epoch_curves.k),
        "gradcheck_history": np.zeros((0, 2)),
    }
    if np.isfinite(epochs[:, 2]).all() and not m.data.regression:  # (a history without
        # accuracy holds NaN; a regression's targets may look like labels, but are not)
        h["accuracy_epoch"] = epochs[:, 2]
    return h


def losses(m, run) -> tuple[float, float | None]:
    """The mean cost C₀ (no penalty) over the training set and over the test set, at
    moment ``m``. ``run`` (:func:`run_of` of ``m``) already holds the outputs a^L of the
    samples the page shows, the training set first: only test samples it leaves out go
    through the network again."""
    c, d, n = m.net_config, m.data, m.data.n_train
    cost = get_cost(c["cost"], c["output_activation"])
    shown = run.layers[run.L][-1].T  # (n_L, samples shown)
    out = []
    for rows in (slice(0, n), slice(n, None)):
        X, y = d.X[rows], d.y[rows]
        if not len(X):
            out.append(None)
            continue
        Y = lab.targets(m.settings, y, len(d.classes)).T
        with np.errstate(over="ignore", invalid="ignore"):
            if shown.shape[1] == len(d.X) or rows.start == 0:
                a = shown[:, rows]
            else:
                L = len(c["sizes"]) - 1
                acts = [get_activation(c["activation"])] * (L - 1)
                acts.append(get_activation(c["output_activation"]))
                a = feedforward(m.weights, m.biases, lab.lift(m.features)(X.T), acts)[1][-1]
            value = float(mean_cost(cost, a, Y))
        out.append(value if np.isfinite(value) else None)
    return out[0], out[1]


def view_message(m, fresh: bool, grid: int = GRID) -> dict:
    """The ``view`` message of moment ``m``; ``fresh``: the page builds its panels anew."""
    run = run_of(m)
    meta, arrays = panels.page_data(run, grid=grid, nice_box=True, curve_points=CURVE_POINTS)
    header, data = panels.pack(arrays, compress=False)
    train_loss, test_loss = losses(m, run)
    status = {
        "steps": m.steps,
        "epochs": m.epochs,
        "train_loss": train_loss,
        "test_loss": test_loss,
        "running": m.running,
        "network": m.network,
        "sizes": m.net_config["sizes"],
        "n_train": m.data.n_train,
        "n_test": len(m.data.X) - m.data.n_train,
    }
    meta["hidden"]["note"] = meta["hidden"]["note"].replace(  # a live page has one moment
        "one PCA fitted on the last moment and kept for every moment, so motion is change in "
        "the network",
        "a PCA of this moment's activations, fitted again at every update "
        "(its axes may turn as the network changes)",
    )
    meta |= {
        "hidden_heading": f"layer {run.watch} of {list(run.sizes)}",
        "features": m.features,
        "confusion": confusion.for_moment(m),
        "n_train": m.data.n_train,  # the samples shown: the training ones, then the test ones
    }
    return {"type": "view", "fresh": fresh, "version": m.version, "meta": meta,
            "arrays": header, "data": data, "status": status}  # fmt: skip


def view_text(m, fresh: bool) -> str:
    """:func:`view_message` as JSON text: what the session's thread hands to the server.

    The base64 buffer (most of the text) is spliced in as it is: base64 needs no JSON
    escaping, and scanning it for escapes would take a tenth of the view's time."""
    message = view_message(m, fresh)
    data = message.pop("data")
    head = json.dumps(message, allow_nan=False, separators=(",", ":"))
    return f'{head[:-1]},"data":"{data}"}}'
