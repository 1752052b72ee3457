"""Numerical gradient checking: is backprop right?

Flatten every parameter into one vector ``θ`` (all W's row by row, then all b's — see
:func:`get_params`), nudge one entry at a time by ±ε and take the centred difference

    Δ_i = (C(θ + ε e_i) − C(θ − ε e_i)) / 2ε  ≈  ∂C/∂θ_i,

then compare the vector Δ with the analytic gradient g by the relative error

    ‖Δ − g‖ / (‖Δ‖ + ‖g‖),

which is below 1e-7 for a correct backprop in float64 with ε = 1e-7 (away from kinks such
as ReLU's at 0, where a difference quotient straddles two slopes).

>>> import numpy as np
>>> from backproplab import Network
>>> net = Network([2, 3, 1], seed=0)
>>> X, y = np.random.default_rng(0).standard_normal((5, 2)), np.array([0, 1, 1, 0, 1])
>>> gradcheck(net, X, y).passed
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .validation import check_XY

Array = np.ndarray


def get_params(weights, biases) -> Array:
    """All parameters as one vector: every ``W^ℓ.ravel()`` in order, then every ``b^ℓ``."""
    return np.concatenate([p.ravel() for p in [*weights, *biases]])


def set_params(theta: Array, weights, biases) -> tuple[list[Array], list[Array]]:
    """Cut ``theta`` back into arrays shaped like ``weights`` and ``biases`` (used for shapes
    only); the exact inverse of :func:`get_params`."""
    theta = np.asarray(theta)
    templates = [*weights, *biases]
    total = sum(p.size for p in templates)
    if theta.shape != (total,):
        raise ValueError(
            f"theta must have shape ({total},) for these parameters, got {theta.shape}"
        )
    out, start = [], 0
    for p in templates:
        out.append(theta[start : start + p.size].reshape(p.shape).astype(p.dtype, copy=True))
        start += p.size
    return out[: len(weights)], out[len(weights) :]


@dataclass
class ParameterError:
    """One checked parameter: where it is, and both estimates of ∂C/∂θ."""

    name: str  # e.g. "W2[0, 1]" (layer ℓ = 2) or "b1[2, 0]"
    numeric: float
    analytic: float

    @property
    def difference(self) -> float:
        return abs(self.numeric - self.analytic)


@dataclass
class GradcheckReport:
    """The outcome of :func:`gradcheck`.

    Attributes:
        relative_error: ‖Δ − g‖ / (‖Δ‖ + ‖g‖) over every checked parameter.
        passed: ``relative_error < threshold``.
        layer_errors: per layer ℓ = 1 … L, ``(W error, b error)``: the same ratio over that
            layer's checked entries (NaN where none was checked).
        worst: the checked parameters with the largest |Δ_i − g_i|, largest first.
    """

    relative_error: float
    passed: bool
    threshold: float
    epsilon: float
    n_checked: int
    n_params: int
    layer_errors: list[tuple[float, float]] = field(default_factory=list)
    worst: list[ParameterError] = field(default_factory=list)

    def __str__(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        lines = [
            f"gradient check {verdict}: relative error {self.relative_error:.2e} "
            f"(threshold {self.threshold:.0e}, epsilon {self.epsilon:.0e}, "
            f"{self.n_checked} of {self.n_params} parameters)",
            "",
            f"{'layer':>5}  {'W rel. error':>12}  {'b rel. error':>12}",
        ]
        for ell, (w_err, b_err) in enumerate(self.layer_errors, start=1):
            lines.append(f"{ell:>5}  {w_err:>12.2e}  {b_err:>12.2e}")
        lines += ["", f"{'worst parameter':<16}  {'numeric':>12}  {'backprop':>12}  {'|diff|':>9}"]
        for p in self.worst:
            lines.append(
                f"{p.name:<16}  {p.numeric:>12.5e}  {p.analytic:>12.5e}  {p.difference:>9.2e}"
            )
        return "\n".join(lines)


def _rel(a: Array, b: Array) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if a.size == 0:
        return math.nan
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def _names(weights, biases) -> list[str]:
    names = []
    for prefix, params in (("W", weights), ("b", biases)):
        for ell, P in enumerate(params, start=1):
            names += [f"{prefix}{ell}[{i}, {j}]" for i, j in np.ndindex(P.shape)]
    return names


def gradcheck(
    net,
    X,
    Y,
    *,
    epsilon: float = 1e-7,
    grads=None,
    threshold: float = 1e-7,
    n_params: int | None = None,
    seed=None,
    n_worst: int = 5,
) -> GradcheckReport:
    """Compare a gradient with centred finite differences of ``net.cost(X, Y)``.

    Args:
        net: a :class:`~backproplab.Network` (any activation and cost). Its parameters are
            perturbed in place and restored exactly.
        X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
        epsilon: the step ε.
        grads: ``(grads_w, grads_b)`` to check; by default ``net.backprop(X, Y)``'s.
        threshold: the relative error below which the check passes.
        n_params: check only this many parameters, drawn at random (for large networks).
        seed: seed or Generator for that draw.
        n_worst: how many of the worst parameters to list.
    """
    X, Y = check_XY(X, Y, net.sizes[0], net.sizes[-1], net.dtype)
    if grads is None:
        grads = net.backprop(X, Y)
    grads_w, grads_b = grads
    for what, gs, ps in (("grads_w", grads_w, net.weights), ("grads_b", grads_b, net.biases)):
        if len(gs) != len(ps):
            raise ValueError(f"{what} needs {len(ps)} arrays, got {len(gs)}")
        for i, (g, p) in enumerate(zip(gs, ps, strict=True)):
            if np.shape(g) != p.shape:
                raise ValueError(f"{what}[{i}] must have shape {p.shape}, got {np.shape(g)}")
    analytic = get_params(grads_w, grads_b).astype(np.float64)
    params = [*net.weights, *net.biases]
    total = analytic.size
    if n_params is None or n_params >= total:
        chosen = np.arange(total)
    else:
        if n_params < 1:
            raise ValueError(f"n_params must be at least 1, got {n_params}")
        chosen = np.sort(np.random.default_rng(seed).choice(total, n_params, replace=False))
    offsets = np.cumsum([0] + [p.size for p in params])
    XT, YT = X.T, Y.T

    def cost() -> float:
        A_out = net._forward_columns(XT)[1][-1]
        return float(np.mean(net.cost_function.value(A_out, YT)))

    numeric = np.empty(len(chosen))
    for n, flat in enumerate(chosen):
        which = int(np.searchsorted(offsets, flat, side="right") - 1)
        P, idx = params[which], np.unravel_index(flat - offsets[which], params[which].shape)
        old = P[idx]
        P[idx] = old + epsilon
        plus = cost()
        P[idx] = old - epsilon
        minus = cost()
        P[idx] = old  # restored bit for bit
        numeric[n] = (plus - minus) / (2 * epsilon)
    checked = analytic[chosen]
    L = len(net.weights)
    layer_of = np.searchsorted(offsets, chosen, side="right") - 1  # 0 … 2L−1
    layer_errors = [
        (
            _rel(numeric[layer_of == ell], checked[layer_of == ell]),
            _rel(numeric[layer_of == L + ell], checked[layer_of == L + ell]),
        )
        for ell in range(L)
    ]
    names = _names(net.weights, net.biases)
    order = np.argsort(-np.abs(numeric - checked))[:n_worst]
    worst = [ParameterError(names[chosen[i]], float(numeric[i]), float(checked[i])) for i in order]
    error = _rel(numeric, checked)
    return GradcheckReport(
        relative_error=error,
        passed=bool(error < threshold),
        threshold=threshold,
        epsilon=epsilon,
        n_checked=len(chosen),
        n_params=total,
        layer_errors=layer_errors,
        worst=worst,
    )


class GradcheckCallback:
    """Training callback: every ``every`` steps, gradient-check the network.

    The check runs on a fixed subset of the training data (at most ``n_samples`` samples,
    evenly spaced through it) and at most ``n_params`` parameters (a fixed random subset),
    so it stays cheap; ``(step, relative_error)`` pairs go to
    ``history.extras["gradcheck"]`` — the data of the seed's gradient-error plot.

    Its ε defaults to 1e-5 rather than 1e-7: as training converges the gradients shrink
    (to ~1e-4 on the circles data), and the rounding error of ``C(θ+ε) − C(θ−ε)``, about
    ``1e-16 · C / ε``, would then dominate a check with ε = 1e-7. The truncation error
    (∝ ε²) and the rounding error (∝ 1/ε) balance near ε = 1e-5 in float64.
    """

    def __init__(self, X, Y, every: int, *, n_samples=10, n_params=200, epsilon=1e-5, seed=0):
        idx = np.unique(np.linspace(0, len(X) - 1, min(n_samples, len(X))).astype(int))
        self.X, self.Y = np.asarray(X)[idx], np.asarray(Y)[idx]
        self.every, self.n_params, self.epsilon, self.seed = every, n_params, epsilon, seed

    def on_train_begin(self, net, history) -> None:
        history.extras.setdefault("gradcheck", [])

    def on_step_end(self, net, history, step: int) -> None:
        if step % self.every == 0:
            report = gradcheck(
                net, self.X, self.Y, epsilon=self.epsilon, n_params=self.n_params, seed=self.seed
            )
            history.extras["gradcheck"].append((step, report.relative_error))
