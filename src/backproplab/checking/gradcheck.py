"""Numerical gradient checking: is backprop right?

Flatten every parameter into one vector ``θ`` (all W's row by row, then all b's — see
:func:`backproplab.engine.parameters.flatten`), nudge one entry at a time by ±ε and take the
centred difference

    Δ_i = (C(θ + ε e_i) − C(θ − ε e_i)) / 2ε  ≈  ∂C/∂θ_i,

then compare the vector Δ with the analytic gradient g by the relative error

    ‖Δ − g‖ / (‖Δ‖ + ‖g‖),

which is below 1e-7 for a correct backprop in float64 with ε = 1e-7 (away from kinks such
as ReLU's at 0, where a difference quotient straddles two slopes).

The differences are always taken in float64, on a copy of the parameters (the network is
never touched): in float32, ε = 1e-7 would be below the resolution of θ itself. A float32
network's own backprop is then compared with them at a threshold of 1e-4, what float32's
rounding allows. When both gradients are exactly zero the check says nothing (a dead or
saturated network): it is reported as uninformative, not passed.

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

from ..engine.costs import mean_cost
from ..engine.forward import feedforward
from ..engine.parameters import as_views, flatten
from ..engine.penalties import penalty
from ..validation import check_positive_int, check_XY

Array = np.ndarray


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
        relative_error: ‖Δ − g‖ / (‖Δ‖ + ‖g‖) over every checked parameter (NaN when
            both are zero).
        passed: ``relative_error < threshold``, and the check was informative.
        informative: False when both gradients are exactly zero: nothing was compared.
        layer_errors: per layer ℓ = 1 … L, ``(W error, b error)``: the same ratio over that
            layer's checked entries (NaN where none was checked or both are zero).
        worst: the checked parameters with the largest ``|Δ_i − g_i|``, largest first.
    """

    relative_error: float
    passed: bool
    threshold: float
    epsilon: float
    n_checked: int
    n_params: int
    layer_errors: list[tuple[float, float]] = field(default_factory=list)
    worst: list[ParameterError] = field(default_factory=list)
    informative: bool = True

    @property
    def verdict(self) -> str:
        """``"PASSED"``, ``"FAILED"`` or ``"UNINFORMATIVE"``."""
        if not self.informative:
            return "UNINFORMATIVE"
        return "PASSED" if self.passed else "FAILED"

    def _layer_verdict(self, error: float) -> str:
        if math.isnan(error):
            return "-"
        return "ok" if error < self.threshold else "FAILED"

    def __str__(self) -> str:
        lines = [
            f"gradient check {self.verdict}: relative error {self.relative_error:.2e} "
            f"(threshold {self.threshold:.0e}, epsilon {self.epsilon:.0e}, "
            f"{self.n_checked} of {self.n_params} parameters)",
        ]
        if not self.informative:
            lines.append(
                "both the finite differences and backprop's gradient are exactly zero, so "
                "nothing was compared (dead units, saturated outputs or zero inputs?)"
            )
        lines += [
            "",
            f"{'layer':>5}  {'W rel. error':>12}  {'W':>6}  {'b rel. error':>12}  {'b':>6}",
        ]
        for ell, (w_err, b_err) in enumerate(self.layer_errors, start=1):
            w_ok, b_ok = self._layer_verdict(w_err), self._layer_verdict(b_err)
            lines.append(f"{ell:>5}  {w_err:>12.2e}  {w_ok:>6}  {b_err:>12.2e}  {b_ok:>6}")
        lines += ["", f"{'worst parameter':<16}  {'numeric':>12}  {'backprop':>12}  {'|diff|':>9}"]
        for p in self.worst:
            lines.append(
                f"{p.name:<16}  {p.numeric:>12.5e}  {p.analytic:>12.5e}  {p.difference:>9.2e}"
            )
        return "\n".join(lines)


def _rel(a: Array, b: Array) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖); NaN when there is nothing to compare (no entries, or both
    zero — a ratio 0/0 proves nothing)."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if a.size == 0 or denom == 0:
        return math.nan
    return float(np.linalg.norm(a - b) / denom)


THRESHOLDS = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-4}


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
    threshold: float | None = None,
    n_params: int | None = None,
    seed=None,
    n_worst: int = 5,
    l2: float = 0.0,
    l1: float = 0.0,
    n: int | None = None,
) -> GradcheckReport:
    """Compare a gradient with centred finite differences of ``net.cost(X, Y)``.

    Args:
        net: a :class:`~backproplab.Network` (any activation and cost); left untouched.
        X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
        epsilon: the step ε.
        grads: ``(grads_w, grads_b)`` to check; by default ``net.backprop(X, Y)``'s.
        threshold: the relative error below which the check passes; by default 1e-7 for a
            float64 network and 1e-4 for a float32 one.
        n_params: check only this many parameters, drawn at random (for large networks).
        seed: seed or Generator for that draw.
        n_worst: how many of the worst parameters to list.
        l2, l1, n: check the cost with the weight penalty, as ``net.cost(X, Y, l2=…, l1=…,
            n=…)`` (see :mod:`backproplab.engine.penalties`).
    """
    X, Y = check_XY(X, Y, net.sizes[0], net.sizes[-1], net.dtype)
    n = len(X) if n is None else n
    grads_w, grads_b = net.backprop(X, Y, l2=l2, l1=l1, n=n) if grads is None else grads
    _check_grad_shapes(grads_w, grads_b, net)
    analytic = flatten(grads_w, grads_b).astype(np.float64)
    chosen = _choose(analytic.size, n_params, seed)
    numeric = _numeric_gradient(net, X.T, Y.T, chosen, epsilon, (l2, l1, n))
    checked = analytic[chosen]
    error = _rel(numeric, checked)
    threshold = THRESHOLDS[net.dtype] if threshold is None else threshold
    return GradcheckReport(
        relative_error=error,
        passed=bool(error < threshold),
        informative=not math.isnan(error),
        threshold=threshold,
        epsilon=epsilon,
        n_checked=len(chosen),
        n_params=analytic.size,
        layer_errors=_layer_errors(net, chosen, numeric, checked),
        worst=_worst(net, chosen, numeric, checked, n_worst),
    )


def _check_grad_shapes(grads_w, grads_b, net) -> None:
    for what, gs, ps in (("grads_w", grads_w, net.weights), ("grads_b", grads_b, net.biases)):
        if len(gs) != len(ps):
            raise ValueError(f"{what} needs {len(ps)} arrays, got {len(gs)}")
        for i, (g, p) in enumerate(zip(gs, ps, strict=True)):
            if np.shape(g) != p.shape:
                raise ValueError(f"{what}[{i}] must have shape {p.shape}, got {np.shape(g)}")


def _choose(total: int, n_params: int | None, seed) -> np.ndarray:
    """Indices into θ of the parameters to check: all, or ``n_params`` drawn at random."""
    if n_params is None or n_params >= total:
        return np.arange(total)
    check_positive_int(n_params, "n_params")
    return np.sort(np.random.default_rng(seed).choice(total, n_params, replace=False))


def _numeric_gradient(net, A0: Array, Y: Array, chosen: np.ndarray, epsilon: float,
                      penalties=(0.0, 0.0, 1)) -> Array:  # fmt: skip
    """``(C(θ + ε e_i) − C(θ − ε e_i)) / 2ε`` for each i in ``chosen``; A0 is (n_0, m) and
    Y is (n_L, m); ``penalties`` is ``(λ₂, λ₁, n)``. Computed in float64 on a copy of θ:
    the network is not touched."""
    theta, weights, biases = as_views(net.weights, net.biases, np.float64)
    A0, Y = A0.astype(np.float64), Y.astype(np.float64)

    def cost() -> float:
        A_out = feedforward(weights, biases, A0, net.layer_activations)[1][-1]
        return mean_cost(net.cost_function, A_out, Y) + penalty(weights, *penalties)

    numeric = np.empty(len(chosen))
    for n, i in enumerate(chosen):
        old = theta[i]
        theta[i] = old + epsilon
        plus = cost()
        theta[i] = old - epsilon
        minus = cost()
        theta[i] = old
        numeric[n] = (plus - minus) / (2 * epsilon)
    return numeric


def _layer_of(net, chosen: np.ndarray) -> np.ndarray:
    """For each index into θ: 0 … L−1 for ``W^1 … W^L``, L … 2L−1 for ``b^1 … b^L``."""
    offsets = np.cumsum([0] + [p.size for p in [*net.weights, *net.biases]])
    return np.searchsorted(offsets, chosen, side="right") - 1


def _layer_errors(net, chosen, numeric, checked) -> list[tuple[float, float]]:
    L, layer_of = len(net.weights), _layer_of(net, chosen)
    return [
        (
            _rel(numeric[layer_of == i], checked[layer_of == i]),
            _rel(numeric[layer_of == L + i], checked[layer_of == L + i]),
        )
        for i in range(L)
    ]


def _worst(net, chosen, numeric, checked, n_worst: int) -> list[ParameterError]:
    names = _names(net.weights, net.biases)
    order = np.argsort(-np.abs(numeric - checked))[:n_worst]
    return [ParameterError(names[chosen[i]], float(numeric[i]), float(checked[i])) for i in order]


class GradcheckCallback:
    """Training callback: before the first step and then every ``every`` steps,
    gradient-check the network as it is at that moment.

    What is checked, exactly: the gradient of the mean cost over a fixed subset of the
    training data — ``n_samples`` samples evenly spaced through it, the same at every check
    (not the current mini-batch, so the checks are comparable along training) — on at most
    ``n_params`` parameters, a random subset fixed by ``seed``, with step ``epsilon``.
    ``(step, relative_error)`` pairs go to ``history.extras["gradcheck"]`` (step 0 is
    the untrained network) — the data of the seed's gradient-error plot. Pass an instance
    in ``callbacks`` to set these; ``Network.train(gradcheck_every=k)`` uses the defaults.

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
        self._check(net, history, 0)

    def on_step_end(self, net, history, step: int) -> None:
        if step % self.every == 0:
            self._check(net, history, step)

    def _check(self, net, history, step: int) -> None:
        report = gradcheck(
            net, self.X, self.Y, epsilon=self.epsilon, n_params=self.n_params, seed=self.seed
        )
        history.extras["gradcheck"].append((step, report.relative_error))
