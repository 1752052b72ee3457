"""What every panel shows at each recorded moment, computed once from a run's arrays.

Pure functions on arrays: the interactive page, the notebook figures and the GIF all draw
these, so the three agree. S is the number of snapshots, n of recorded samples, G the
side of the input-plane grid.

>>> import numpy as np
>>> v = plane_in_box(np.array([0.0, 0.0, 1.0]), -0.5, np.zeros(3), np.ones(3))
>>> v.shape, np.allclose(v[:, 2], 0.5)
((4, 3), True)
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import get_activation
from ..engine.forward import feedforward

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def neuron_name(ell: int, j: int) -> str:
    """The notebook's name of neuron ``j`` (0-based, as in the code) of layer ℓ, as text a
    person reads: neurons are numbered from 1, like the layers.

    Everything the pages, figures and captions show counts neurons from 1 (the notebook's
    aˡⱼ); indices in the code and in the arrays stay 0-based.

    >>> neuron_name(2, 0), neuron_name(12, 9)
    ('a²₁', 'a¹²₁₀')
    """
    return f"a{str(ell).translate(_SUPERSCRIPT)}{str(j + 1).translate(_SUBSCRIPT)}"


def layer_name(ell: int) -> str:
    """``a^ℓ`` as text: ``layer_name(2) == "a²"``."""
    return f"a{str(ell).translate(_SUPERSCRIPT)}"


def fixed_projection(final: np.ndarray, units=None, layer: int | None = None):
    """``(project, labels, exact)``: one map from a^ℓ (n, n_ℓ) to at most 3 coordinates.

    A layer of width ≤ 3 is shown as it is; ``units`` picks up to three units; a wider
    layer goes through the PCA fitted on ``final`` (the last snapshot's a^ℓ), fixed for
    every moment so that motion on screen is change in the network. ``exact`` says that
    nothing was projected away (then the output neuron's decision surface can be drawn).
    ``labels`` name the axes: ``a²₁`` for neuron 1 of ``layer`` 2 (numbered from 1), or
    ``unit 1`` when the layer is not given.
    """
    width = final.shape[1]
    if units is not None:
        units = [int(u) for u in units]
        if not 1 <= len(units) <= 3 or any(not 0 <= u < width for u in units):
            raise ValueError(
                f"units must name 1 to 3 of the layer's {width} units (0-based), got {units}"
            )
        return (lambda a: a[..., units]), [_unit(layer, u) for u in units], len(units) == width
    if width <= 3:
        return (lambda a: a), [_unit(layer, u) for u in range(width)], True
    project, share = pca(final, 3)
    return project, [f"PC{i + 1} ({share[i]:.0%})" for i in range(3)], False


def _unit(layer: int | None, u: int) -> str:
    return f"unit {u + 1}" if layer is None else neuron_name(layer, u)


def pca(X: np.ndarray, k: int):
    """The principal components of the rows of ``X`` (n, d): ``(project, share)``.

    ``project`` maps rows (..., d) to their first k coordinates (..., k) along the
    directions of largest variance, the right singular vectors of the centred ``X``
    (signs as scikit-learn's ``PCA`` sets them: each direction's largest entry positive;
    a direction the data lacks is zero); ``share`` (k,) is each one's share of the
    variance. NumPy's SVD directly: scikit-learn's checks cost the live playground's
    training thread more than the decomposition itself.
    """
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    V = np.zeros((k, X.shape[1]))
    V[: min(k, len(vt))] = vt[:k]
    largest = V[np.arange(k), np.argmax(np.abs(V), axis=1)]
    V *= np.where(largest < 0, -1.0, 1.0)[:, None]
    variance = np.zeros(k)
    variance[: min(k, len(s))] = s[:k] ** 2
    total = float(np.sum(s**2))
    share = variance / total if total > 0 else variance

    def project(a):
        return (np.asarray(a, dtype=float) - mean) @ V.T

    return project, share


def box(P: np.ndarray, pad: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` of points ``P`` (..., d) over every leading axis, padded by 5%."""
    flat = P.reshape(-1, P.shape[-1])
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    margin = pad * np.maximum(hi - lo, 1e-6)
    return lo - margin, hi + margin


def nice_box(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` widened to multiples of a round step (1, 2 or 5 × 10^k, at most a tenth
    of each side's length): points that move a little keep the same box, and the same
    axes. Each end moves out by less than a tenth of its side's length.

    >>> lo, hi = nice_box(np.array([-1.05, 0.013]), np.array([1.05, 0.31]))
    >>> lo.tolist(), hi.tolist()
    ([-1.2, 0.0], [1.2, 0.32])
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    span = np.maximum(hi - lo, 1e-12) / 10
    power = 10.0 ** np.floor(np.log10(span))
    step = power * np.select([span >= 5 * power, span >= 2 * power], [5.0, 2.0], 1.0)
    digits = np.maximum(0, -np.floor(np.log10(step)).astype(int) + 1)

    def rounded(v: np.ndarray) -> np.ndarray:  # to the step's precision: -1.2, not -1.2000…02
        return np.array([round(float(x), int(k)) for x, k in zip(v, digits, strict=True)])

    return rounded(np.floor(lo / step) * step), rounded(np.ceil(hi / step) * step)


def plane_in_box(w: np.ndarray, b: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The part of ``w · a + b = 0`` inside the box [lo, hi], as ordered vertices (k, d).

    In 3-D a convex polygon (k ≤ 6, in order around its rim), in 2-D a segment (k = 2), in
    1-D a point; k = 0 when the surface misses the box. Found where the box's edges cross it.
    """
    d = len(w)
    corners = np.array(np.meshgrid(*[[0, 1]] * d, indexing="ij")).reshape(d, -1).T  # (2^d, d)
    points = []
    for c in corners:
        for i in range(d):
            if c[i]:  # each edge once: from a corner with 0 in coordinate i
                continue
            p = np.where(c == 1, hi, lo).astype(float)
            q = p.copy()
            q[i] = hi[i]
            fp, fq = w @ p + b, w @ q + b
            if fp == fq:
                if fp == 0:
                    points += [p, q]
                continue
            t = fp / (fp - fq)
            if 0 <= t <= 1:
                points.append(p + t * (q - p))
    if not points:
        return np.empty((0, d))
    P = np.array(points)
    _, first = np.unique(np.round(P, 9), axis=0, return_index=True)  # corners found twice
    V = P[np.sort(first)]
    if d == 3 and len(V) > 2:  # order around the centroid, within the plane
        n = w / np.linalg.norm(w)
        u = np.cross(n, [1.0, 0, 0] if abs(n[0]) < 0.9 else [0, 1.0, 0])
        u /= np.linalg.norm(u)
        v = np.cross(n, u)
        rel = V - V.mean(axis=0)
        V = V[np.argsort(np.arctan2(rel @ v, rel @ u))]
    return V


def plane_wireframe(w: np.ndarray, b: float, lo: np.ndarray, hi: np.ndarray, n: int = 6):
    """The 3-D surface ``w · a + b = 0`` inside the box as lines: its rim, then ``n`` chords
    across it parallel to each of the two axes it is least steep in, rows of NaN between
    lines. Shape (8 + 6n, 3), NaN-padded; all NaN when the surface misses the box.

    Lines, unlike a translucent surface, hide no point behind them, and a WebGL view
    redraws them without the extra passes transparency costs."""
    out = np.full((8 + 6 * n, 3), np.nan)
    rim = plane_in_box(w, b, lo, hi)
    if len(rim) < 3:
        return out
    out[: len(rim) + 1] = np.vstack([rim, rim[:1]])  # closed
    row = 8
    for i in np.argsort(np.abs(w))[:2]:  # slices a_i = c: a segment of the surface each
        others = [k for k in range(3) if k != i]
        for c in np.linspace(lo[i], hi[i], n + 2)[1:-1]:
            seg = plane_in_box(w[others], b + w[i] * c, lo[others], hi[others])
            if len(seg) == 2:
                out[row : row + 2, others] = seg
                out[row : row + 2, i] = c
            row += 3
    return out


def padded_planes(W_out, b_out, boxes, k: int) -> np.ndarray:
    """Decision surfaces of S moments as (S, rows, d) float32, NaN where there is none.

    In 3-D each moment's :func:`plane_wireframe`; in 2-D the segment and in 1-D the point
    of :func:`plane_in_box` (``k`` rows: 2 or 1).

    Args:
        W_out: (S, d) the output neuron's weights; b_out: (S,) its bias.
        boxes: (S, 2, d) the box [lo, hi] of each moment (or one box broadcast).
    """
    S, d = W_out.shape
    if d == 3:
        frames = [plane_wireframe(W_out[t], float(b_out[t]), *boxes[t]) for t in range(S)]
        return np.stack(frames).astype(np.float32)
    out = np.full((S, k, d), np.nan, dtype=np.float32)
    for t in range(S):
        V = plane_in_box(W_out[t], float(b_out[t]), boxes[t][0], boxes[t][1])
        if len(V) == k:
            out[t] = V
    return out


def layer_activations(run) -> list:
    """σ for layers 1 … L of the run's network (Activation objects)."""
    L = run.L
    return [get_activation(run.activation)] * (L - 1) + [get_activation(run.output_activation)]


def activations_at(run, t: int, A0: np.ndarray) -> list[np.ndarray]:
    """Every layer's activations A^ℓ (n_ℓ, m) at snapshot ``t`` for inputs A0 (n_0, m).

    A run with a ``lift`` (the live playground's input features) is drawn over raw
    inputs: ``run.lift`` maps A0 (d, m) to the network's inputs (n_0, m) first."""
    if run.lift is not None:
        A0 = run.lift(A0)
    weights = [W[t] for W in run.weights]
    biases = [b[t][:, None] for b in run.biases]
    _, activations = feedforward(weights, biases, A0, layer_activations(run))
    return activations


def input_grid(X: np.ndarray, G: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """``(gx, gy)``, G points each spanning the 2-D inputs ``X`` (n, 2) with a 10% margin."""
    lo, hi = box(X[:, :2], pad=0.1)
    return np.linspace(lo[0], hi[0], G), np.linspace(lo[1], hi[1], G)


def grid_columns(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """The grid's points as columns (2, G·G), row by row in y (row i is ``gy[i]``)."""
    xx, yy = np.meshgrid(gx, gy)
    return np.vstack([xx.ravel(), yy.ravel()])


def value_range(name: str, values: np.ndarray) -> tuple[float, float]:
    """The range activation ``name``'s values lie in: its ``bounds`` when both are finite
    (sigmoid: (0, 1)), else the values' own range (ReLU's values, from 0 to their largest)."""
    activation = get_activation(name)
    if activation.bounded:
        return activation.bounds
    lo, hi = float(np.min(values)), float(np.max(values))
    return (lo, hi) if hi > lo else (lo - 1.0, lo + 1.0)


def to_uint8(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``values`` mapped linearly from [lo, hi] onto 0 … 255 (clipped), for colour maps."""
    return np.clip(np.rint((values - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)


def value_scale(targets: np.ndarray) -> tuple[float, float]:
    """The range [lo, hi] a regression's colour scale spans, its middle (white) the middle
    of the diverging scale: symmetric about 0 when the targets have both signs (white is
    0), else the targets' own range.

    >>> value_scale(np.array([-0.5, 1.0])), value_scale(np.array([2.0, 4.0]))
    ((-1.0, 1.0), (2.0, 4.0))
    """
    lo, hi = float(np.min(targets)), float(np.max(targets))
    if lo < 0 < hi:
        m = max(-lo, hi)
        return -m, m
    return (lo, hi) if hi > lo else (lo - 1.0, lo + 1.0)


def predicted_class(run) -> np.ndarray:
    """(S, n) the class index each recorded sample is given at each moment, from a^L.

    One output: class 1 above the middle of the output's range (σ: ½, tanh: 0); several:
    the largest output."""
    a = run.layers[run.L]
    if a.shape[-1] == 1:
        lo, hi = value_range(run.output_activation, a)
        return (a[..., 0] > (lo + hi) / 2).astype(np.uint8)
    return class_codes(np.argmax(a, axis=-1), a.shape[-1])


def class_codes(index: np.ndarray, n_classes: int) -> np.ndarray:
    """Class numbers in the smallest type the page reads that holds them (uint8 or int32)."""
    return index.astype(np.uint8 if n_classes <= 256 else np.int32)


def input_pca(X: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Inputs with more than 2 features through one PCA fitted on them: (n, 2) and labels."""
    project, share = pca(X, 2)
    return project(X), [f"input PC{i + 1} ({share[i]:.0%})" for i in range(2)]


def output_grid(run, gx, gy) -> np.ndarray:
    """a^L over the input plane at every moment: (S, n_L, G, G), row i at ``gy[i]``."""
    A0 = grid_columns(gx, gy)
    G = len(gx)
    out = np.empty((run.n_snapshots, run.sizes[-1], G, G))
    for t in range(run.n_snapshots):
        out[t] = activations_at(run, t, A0)[-1].reshape(-1, G, G)
    return out


def regions(run, gx, gy) -> tuple[np.ndarray, str, np.ndarray | None]:
    """The network's decision over the input plane at every moment.

    Returns ``(codes, kind, values)``: for one output neuron (``kind = "output"``) ``codes``
    is a^L on 0 … 255 over the output's range and ``values`` the float a^L itself, both
    (S, G, G); for several (``"class"``) ``codes`` is the predicted class (the largest
    output) and ``values`` is None. A regression (``"regression"``): ``codes`` is a^L on
    0 … 255 over the targets' colour scale (:func:`value_scale`), ``values`` None (no
    boundary: no class changes anywhere)."""
    a = output_grid(run, gx, gy)
    if run.regression:
        return to_uint8(a[:, 0], *value_scale(run.y)), "regression", None
    if a.shape[1] > 1:
        return class_codes(np.argmax(a, axis=1), a.shape[1]), "class", None
    lo, hi = value_range(run.output_activation, a)
    return to_uint8(a[:, 0], lo, hi), "output", a[:, 0]


def boundary_lines(values: np.ndarray, gx, gy, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The contour ``value = level`` of each moment's grid (S, G, G), by marching squares.

    Returns ``(points, starts)``: ``points`` (N, 2) float32 holds every moment's lines one
    after another, NaN rows between lines; moment t's rows are ``starts[t]:starts[t + 1]``."""
    import contourpy  # matplotlib's own contouring library

    chunks, starts = [], [0]
    nan = np.full((1, 2), np.nan)
    for grid in values:
        lines = contourpy.contour_generator(x=gx, y=gy, z=grid).lines(level)
        rows = np.concatenate([np.vstack([ln, nan]) for ln in lines]) if lines else nan[:0]
        chunks.append(rows)
        starts.append(starts[-1] + len(rows))
    points = np.concatenate(chunks) if starts[-1] else np.zeros((0, 2))
    return points.astype(np.float32), np.asarray(starts, dtype=np.int32)


def neuron_heatmaps(run, gx, gy, max_per_layer: int = 16):
    """Each hidden neuron's activation over the input plane at every moment.

    Returns ``(neurons, maps)``: ``neurons`` lists (ℓ, j) for the first ``max_per_layer``
    neurons of each hidden layer; ``maps`` is (S, N, G, G) uint8, a^ℓ_j on 0 … 255 over
    the hidden activation's range (for an unbounded σ, its range over all moments)."""
    A0 = grid_columns(gx, gy)
    G, S = len(gx), run.n_snapshots
    neurons = [
        (ell, j) for ell in range(1, run.L) for j in range(min(run.sizes[ell], max_per_layer))
    ]
    values = np.empty((S, len(neurons), G * G))
    for t in range(S):
        acts = activations_at(run, t, A0)
        for i, (ell, j) in enumerate(neurons):
            values[t, i] = acts[ell][j]
    lo, hi = value_range(run.activation, values)
    return neurons, to_uint8(values, lo, hi).reshape(S, len(neurons), G, G)
