"""What each panel of the interactive page draws, as arrays: :func:`page_data`, and
:func:`pack`, which makes them one buffer for the page.

The report (:mod:`.page`) and the live playground (:mod:`backproplab.serve.views`) both
draw from these; the numbers of each panel at each moment come from :mod:`.moments`.
:data:`PANELS` lists the panels, each once: adding one to the report and the playground is
adding its entry (and its files in ``web/``).
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..data.labels import low_target
from ..engine.activations import get_activation
from . import moments
from .plots import ACCURACY_COLOR, LOSS_COLOR, class_color, layer_colors

GRID = 40  # the input-plane grid of decision regions and heatmaps: GRID × GRID points
DRAWING_FRAME = np.array([[-1.0, -1.0], [1.0, 1.0]])  # the corners of a drawing's plane
MAX_NEURONS_SHOWN = 16  # per layer, in the diagram and the heatmaps
MAX_CURVE_POINTS = 2000  # a longer training curve is drawn as means of k rows


def gz64(raw: bytes) -> str:
    """``raw`` gzip-compressed (reproducibly: no time stamp), as base64 text."""
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def pack(arrays: dict[str, np.ndarray], compress: bool = True) -> tuple[dict, str]:
    """One buffer from named arrays: ``(header, base64 of the gzip-compressed buffer)``;
    ``header[name] = {"dtype", "shape", "offset"}`` with offsets aligned to 4 bytes.
    ``compress=False``: base64 of the buffer itself (the live page, on the same machine)."""
    header, parts, offset = {}, [], 0
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        if a.dtype.name not in ("float32", "uint8", "int32"):
            raise TypeError(f"{name}: pack float32, uint8 or int32 arrays, not {a.dtype}")
        header[name] = {"dtype": a.dtype.name, "shape": list(a.shape), "offset": offset}
        raw = a.tobytes()
        raw += b"\0" * (-len(raw) % 4)
        parts.append(raw)
        offset += len(raw)
    raw = b"".join(parts)
    return header, gz64(raw) if compress else base64.b64encode(raw).decode("ascii")


def _hidden(run, meta: dict, arrays: dict, nice: bool = False) -> None:
    """The watched layer's points, fixed and per-moment boxes, and decision surfaces;
    ``nice``: the fixed box widened to round steps (:func:`moments.nice_box`)."""
    a = run.layers[run.watch]  # (S, n, n_ℓ)
    project, labels, exact = moments.fixed_projection(a[-1], run.units, run.watch)
    P = np.asarray(project(a), dtype=float)  # (S, n, d)
    d = P.shape[-1]
    lo, hi = moments.box(P)
    if nice:
        lo, hi = moments.nice_box(lo, hi)
    fit = np.stack([np.stack(moments.box(P[t])) for t in range(len(P))])  # (S, 2, d)
    plane = exact and run.weights is not None and run.watch == run.L - 1 and run.sizes[-1] == 1
    arrays["H"] = P.astype(np.float32)
    arrays["fitBox"] = fit.astype(np.float32)
    if plane:
        w, b = run.weights[-1][:, 0, :], run.biases[-1][:, 0]  # (S, d), (S,)
        if run.units is not None:
            w = w[:, run.units]
        k = {1: 1, 2: 2, 3: 0}[d]  # rows of a point, a segment; 3-D: a wireframe
        arrays["planeFixed"] = moments.padded_planes(
            w, b, np.broadcast_to([lo, hi], (len(P), 2, d)), k
        )
        arrays["planeFit"] = moments.padded_planes(w, b, fit, k)
    width, ell = run.sizes[run.watch], run.watch
    a_ell = moments.layer_name(ell)
    if exact:
        note = (
            f"Each point is one sample's activation {a_ell} = ({', '.join(labels)}): layer "
            f"{ell}'s {width} neurons, numbered from 1."
        )
    elif run.units is not None:
        note = f"Neurons {', '.join(labels)} of the {width} neurons of layer {ell}."
    else:
        note = (
            f"Layer {ell} has {width} neurons: {a_ell} shown through one PCA fitted on the "
            "last moment and kept for every moment, so motion is change in the network."
        )
    if nice and not exact and run.units is None:  # a live page: one moment, no whole run
        note = (
            f"Layer {ell} has {width} neurons: {a_ell} shown through a PCA of this moment's "
            "activations, fitted again at every update (its axes may turn as the network "
            "changes)."
        )
    no_plane = ""
    at_zero = float(get_activation(run.output_activation).f(np.zeros((1, 1)))[0, 0])
    if plane and run.regression:
        note += (
            " The grey grid is the output neuron's surface w·a + b = 0 at this moment: the "
            f"network's output is {at_zero:g} there. The colour of a point is its target."
        )
        no_plane = (
            "At this moment the output neuron's surface w·a + b = 0 lies outside the box: "
            f"every sample's output is on one side of {at_zero:g}."
        )
    elif plane:
        note += (
            " The grey grid is the output neuron's decision surface w·a + b = 0 at this moment:"
            f" the network's output is {at_zero:g} there."
        )
        no_plane = (
            "At this moment the output neuron's surface w·a + b = 0 lies outside the box: "
            "every point is on one side of it, so the network gives every sample the same class."
        )
    elif run.sizes[-1] != 1:
        no_plane = "No plane: the output layer has several neurons, with one surface each."
    elif not exact:
        no_plane = "No plane: the surface w·a + b = 0 lives in all the layer's dimensions."
    else:
        no_plane = "No plane: the output neuron reads another layer than this one."
    meta["hidden"] = {
        "heading": f"layer {run.watch} of {list(run.sizes)}",
        "dim": d,
        "labels": labels,
        "box": [lo.tolist(), hi.tolist()],
        "plane": bool(plane),
        "note": note,
        "noPlane": no_plane,  # shown when no surface is drawn at a moment
    }


def _input(run, meta: dict, arrays: dict, grid: int = GRID) -> None:
    """The input-space panel: decision regions (2-D), the curve (1-D) or a fixed PCA.

    The panel is drawn over ``run.X``'s columns: the network's inputs, or the raw inputs a
    run's ``lift`` turns into them (see :func:`.moments.activations_at`)."""
    n0 = run.X.shape[1]
    aL = run.layers[run.L]
    # points drawn by hand (a playground's "drawn" data): always drawn over at least
    # [−1, 1]², the plane they were drawn on, however few they are
    drawn = run.settings.get("data") == "drawn" and n0 == 2
    frame = DRAWING_FRAME if drawn else np.zeros((0, 2))
    if n0 == 1:
        target = _targets_1d(run)
        Xin = np.column_stack([run.X[:, 0], target])
        arrays["sampleOut"] = aL[:, :, 0].astype(np.float32)
        arrays["order"] = np.argsort(run.X[:, 0], kind="stable").astype(np.int32)
        mode, labels = "curve", ["x", "target y and output aᴸ"]
        note = "One input feature: the network's output as a function of x at this moment."
        lo, hi = moments.box(np.concatenate([target, aL[:, :, 0].ravel()])[:, None])
        xlo, xhi = moments.box(run.X[:, :1])
        ranges = {"xrange": [float(xlo[0]), float(xhi[0])], "yrange": [float(lo[0]), float(hi[0])]}
    elif n0 == 2:
        Xin, labels, mode = run.X, ["x₁", "x₂"], "plane"
        note = "The data over the network's decision regions at this moment."
        if run.regression:
            note = ("The network's output over the input plane at this moment, and each "
                    "sample coloured by its target, on the colour scale of the bar.")  # fmt: skip
        if run.weights is None:
            mode, note = "points", "The data (the network is too large to store its regions)."
    else:
        Xin, labels = moments.input_pca(run.X)
        mode = "pca"
        note = (
            f"The inputs have {n0} features: shown through one PCA of the inputs, fixed for "
            "every moment; ✕ marks a sample the network misclassifies at this moment."
        )
    if run.settings.get("standardize"):
        note += " The inputs are standardised (each feature to mean 0, std 1), as the network "
        note += "sees them."
    arrays["Xin"] = np.asarray(Xin, dtype=np.float32)
    arrays["pred"] = moments.predicted_class(run)
    info = {"mode": mode, "labels": labels, "note": note}
    if n0 == 1:
        info |= ranges
    else:
        lo, hi = moments.box(np.vstack([Xin, frame]), pad=0.1)
        info |= {"xrange": [float(lo[0]), float(hi[0])], "yrange": [float(lo[1]), float(hi[1])]}
    if mode == "plane":
        gx, gy = moments.input_grid(np.vstack([run.X, frame]), grid)
        arrays["regions"], info["regionKind"], values = moments.regions(run, gx, gy)
        if values is not None:  # one output: the boundary where a^L is mid-range
            lo, hi = moments.value_range(run.output_activation, values)
            arrays["boundary"], arrays["boundaryStart"] = moments.boundary_lines(
                values, gx, gy, (lo + hi) / 2
            )
        info |= {"gx": gx.tolist(), "gy": gy.tolist()}
        neurons, maps = moments.neuron_heatmaps(run, gx, gy, MAX_NEURONS_SHOWN)
        arrays["heat"] = maps
        lo, hi = moments.value_range(run.activation, np.zeros(1))
        meta["heatmaps"] = {
            "neurons": neurons,
            "names": [moments.neuron_name(ell, j) for ell, j in neurons],  # from 1
            "G": grid,
            "range": _range_text(run, lo, hi),
        }
        meta["heatmaps_note"] = (
            "Each hidden neuron's activation over the input plane at this moment "
            "(orange low, blue high); click one to enlarge it."
        )
    else:
        meta["heatmaps"] = None
        if n0 == 2:
            why = "the run file holds no weights to draw them from (the network is too large)"
        else:
            feature = "one input feature" if n0 == 1 else f"{n0} input features"
            why = f"a neuron's heatmap covers the input plane, and this data has {feature}"
        meta["heatmaps_note"] = (
            f"No heatmaps: {why}; the hidden space and the network diagram show the neurons."
        )
    meta["input"] = info


def _range_text(run, lo, hi) -> list[str]:
    if get_activation(run.activation).bounded:
        return [f"{lo:g}", f"{hi:g}"]
    return ["low", "high"]


def _targets_1d(run) -> np.ndarray:
    """The 1-D data's targets as the network was trained on: low/1 by class (a
    regression's are its y)."""
    if run.regression:
        return np.asarray(run.y, dtype=float)
    return np.where(run.y == 1, 1.0, low_target(run.output_activation))


def _network(run, meta: dict, arrays: dict) -> None:
    """Neuron positions, wires (ℓ, j, k, x0, y0, x1, y1) and their weights at each moment."""
    if run.weights is None:
        meta["network"] = None
        meta["network_note"] = "The network is too large to draw its weights."
        return
    shown = [min(n, MAX_NEURONS_SHOWN) for n in run.sizes]
    tallest = max(shown)
    ys = [((np.arange(n) - (n - 1) / 2) * (tallest > 1)).tolist() for n in shown]
    nodes, node_bias = [], []
    for ell, n in enumerate(shown):
        for j in range(n):
            bias_index = sum(shown[1:ell]) + j if ell else -1
            nodes.append([ell, ys[ell][j], ell, j, bias_index])
    wires, values = [], []
    for ell in range(1, len(shown)):
        for j in range(shown[ell]):
            for k in range(shown[ell - 1]):
                wires.append([ell, j, k, ell - 1, ys[ell - 1][k], ell, ys[ell][j]])
                values.append(run.weights[ell - 1][:, j, k])
        node_bias.append(run.biases[ell - 1][:, : shown[ell]])
    arrays["wires"] = np.stack(values, axis=1).astype(np.float32)  # (S, n_wires)
    arrays["biases"] = np.concatenate(node_bias, axis=1).astype(np.float32)  # (S, n_nodes)
    names = ["input"] + [f"layer {ell}" for ell in range(1, run.L)] + [f"output, layer {run.L}"]
    acts = [""] + [run.activation] * (run.L - 1) + [run.output_activation]
    meta["network"] = {
        "nodes": nodes,
        "wires": wires,
        "biggest": float(np.abs(arrays["wires"]).max()),
        "columns": [
            f"{nm} ({n}{', ' + a if a else ''})"
            for nm, n, a in zip(names, run.sizes, acts, strict=True)
        ],
        "yrange": [-(tallest - 1) / 2 - 0.7, (tallest - 1) / 2 + 0.7],
    }
    cut = any(n > MAX_NEURONS_SHOWN for n in run.sizes)
    meta["network_note"] = (
        "Blue wires are positive weights, red negative; width is |w|. Hover a wire for its "
        "value, a neuron for its bias; click a hidden neuron for its heatmap."
        + (
            f" Layers wider than {MAX_NEURONS_SHOWN} show their first {MAX_NEURONS_SHOWN} neurons."
            if cut
            else ""
        )
    )


def block_means(values: np.ndarray, k: int) -> np.ndarray:
    """Means of ``values`` (T, ...) over consecutive blocks of k steps (the last block may
    be shorter), as float32; k = 1 returns the values themselves."""
    values = np.asarray(values, dtype=float)
    starts = np.arange(0, len(values), k)
    sums = np.add.reduceat(values, starts, axis=0)
    counts = np.diff(np.append(starts, len(values))).reshape(-1, *[1] * (values.ndim - 1))
    return (sums / counts).astype(np.float32)


@dataclass(frozen=True)
class Panel:
    """A panel of the report and the playground.

    ``id``: its element's id and test id; ``title``: its heading; ``script``: its ES module
    in ``web/`` (exporting ``init``, ``draw`` and, for a live page, ``update``);
    ``controls``: the HTML of its own controls in ``web/``, if it has any (its section is
    ``web/section.html`` around them); ``build(run, meta, arrays, options)``: what
    it draws, added to ``meta`` and ``arrays`` (None: it draws another panel's arrays);
    ``note(meta)``: the text under its heading.
    """

    id: str
    title: str
    script: str
    controls: str | None
    build: Callable[[object, dict, dict, dict], None] | None
    note: Callable[[dict], str]


PANELS = (
    Panel("hidden-space", "Hidden space", "hidden.js", "hidden-controls.html",
          lambda run, meta, arrays, o: _hidden(run, meta, arrays, o["nice_box"]),
          lambda meta: meta["hidden"]["note"]),
    Panel("input-space", "Input space", "input.js", None,
          lambda run, meta, arrays, o: _input(run, meta, arrays, o["grid"]),
          lambda meta: meta["input"]["note"]),
    Panel("neuron-heatmaps", "Neurons", "heatmaps.js", None,
          None,  # its maps come with the input space's (on the same grid)
          lambda meta: meta["heatmaps_note"]),
    Panel("network-diagram", "The network", "network.js", None,
          lambda run, meta, arrays, o: _network(run, meta, arrays),
          lambda meta: meta["network_note"]),
    Panel("loss-curve", "Training", "loss.js", None,
          lambda run, meta, arrays, o: _curves(run, meta, arrays, o["curve_points"]),
          lambda meta: "Loss per step and per epoch, "
          + ("no accuracy (a regression has no classes to count), " if meta["regression"] else
             "accuracy, ")
          + "and each layer's gradient norm; the dotted line is the moment shown, and a click "
          "on a curve goes there."),
)  # fmt: skip


def page_data(
    run,
    grid: int = GRID,
    nice_box: bool = False,
    curve_points: int = MAX_CURVE_POINTS,
    panels: tuple[str, ...] | None = None,
) -> tuple[dict, dict[str, np.ndarray]]:
    """``(meta, arrays)``: everything the page draws, for every recorded moment; ``grid``:
    the side of the input-plane grid of the decision regions and heatmaps; ``nice_box``:
    the hidden space's fixed box widened to round steps (a live page, whose box is each
    moment's own, then keeps its axes while the points move a little); ``curve_points``:
    the most points a training curve is drawn with (see :func:`_curves`); ``panels``: the
    ids of the panels to draw (by default all of :data:`PANELS`). ``meta["notes"]`` holds
    each panel's note."""
    meta = {
        "classes": run.classes,
        "colors": [class_color(c, len(run.classes)) for c in range(len(run.classes))],
        # the training curves: the loss in black, every layer in a colour-blind-safe hue
        "palette": {"loss": LOSS_COLOR, "accuracy": ACCURACY_COLOR, "layers": layer_colors(run.L)},
        "n_samples": int(len(run.y)),
        "step": run.step.tolist(),
        "epoch": run.epoch.tolist(),
        "loss": [None if not np.isfinite(v) else float(v) for v in run.loss],
        "steps_per_epoch": run.steps_per_epoch,
    }
    # y: the class index of each sample, or a regression's real-valued target
    arrays = {"y": run.y.astype(np.float32 if run.regression else np.int32)}
    # a regression: the range of the colour scale its values are drawn on (None: classes)
    meta["regression"] = {"range": list(moments.value_scale(run.y))} if run.regression else None
    options = {"grid": grid, "nice_box": nice_box, "curve_points": curve_points}
    chosen = [p for p in PANELS if panels is None or p.id in panels]
    for panel in chosen:
        if panel.build is not None:
            panel.build(run, meta, arrays, options)
    meta["notes"] = {p.id: p.note(meta) for p in chosen}
    return meta, arrays


def _curves(run, meta: dict, arrays: dict, most: int) -> None:
    """The training curves, each drawn with at most ``most`` points: a longer one becomes
    means over blocks of k consecutive rows, placed at the mean of their steps.

    The history holds a row per step (``loss_step``, ``grad_norm``) and per epoch
    (``loss_epoch`` and the accuracy and validation curves). A history whose rows are
    already means (a live session's, :class:`backproplab.serve.curves.CurveBuckets`) says
    where each row is drawn, ``curve_step`` and ``curve_epoch`` (by default: step t at t,
    epoch e at its last step e · steps_per_epoch), and how many steps or epochs a row
    stands for, ``steps_per_row`` and ``epochs_per_row`` (by default 1).
    """
    h = run.history
    T, E = len(h["loss_step"]), len(h["loss_epoch"])
    at_step = h.get("curve_step", np.arange(1, T + 1.0))
    at_epoch = h.get("curve_epoch", np.arange(1, E + 1.0) * run.steps_per_epoch)
    k, ke = max(1, -(-T // most)), max(1, -(-E // most))
    meta["steps_per_point"] = k * int(h.get("steps_per_row", 1))
    meta["epochs_per_point"] = ke * int(h.get("epochs_per_row", 1))
    arrays["curve_step"] = block_means(at_step, k)
    arrays["loss_step"] = block_means(h["loss_step"], k)
    arrays["grad_norm"] = block_means(h["grad_norm"], k)
    arrays["curve_epoch"] = block_means(at_epoch, ke)
    for name in ("loss_epoch", "accuracy_epoch", "val_loss_epoch", "val_accuracy_epoch"):
        if name in h:
            arrays[name] = block_means(h[name], ke)
