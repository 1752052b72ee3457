"""Numerical gradient checking: is backprop right, layer by layer?

Flatten every parameter into one vector ``θ`` (all W's row by row, then all b's — see
:func:`backproplab.engine.parameters.flatten`), nudge one entry at a time by ±ε and take the
centred difference (:mod:`~backproplab.checking.finite_differences`)

    Δ_i = (C(θ + ε e_i) − C(θ − ε e_i)) / 2ε  ≈  ∂C/∂θ_i,

then compare the vector Δ with backprop's gradient g by the relative error
``‖Δ − g‖ / (‖Δ‖ + ‖g‖)``.

**The per-layer rule.** Each W^ℓ and each b^ℓ is judged on its own entries, and a relative
error alone would mislead there: the first layers' gradients are often a thousand times
smaller than the last ones', and a relative error of two tiny numbers measures the finite
difference's rounding, not backprop. So every entry also gets a *resolution* ρ_i, what
rounding alone can make of ``|Δ_i − g_i|`` (the finite difference's ``u·|C| / ε``-sized
rounding plus backprop's own rounding in the network's dtype; see
:func:`~backproplab.checking.finite_differences.resolution`). For the checked entries
of one array, with ρ = ‖ρ_i‖:

- ``FAILED`` when ``‖Δ − g‖ > τ (‖Δ‖ + ‖g‖) + ρ``: the difference is larger than both
  the relative tolerance τ (1e-7 for a float64 network, 1e-4 for float32) and rounding;
- ``ok`` otherwise, if ``‖Δ‖ ≥ 10 ρ``: the gradient is large enough that an error of a
  tenth of it would have shown;
- ``unresolved`` otherwise: the gradient is so small that rounding could hide an error as
  large as the gradient itself, so this check can say nothing about it (use a larger
  ε, fewer layers, or scale the inputs).

The table's "allowed" column is ``τ + ρ / (‖Δ‖ + ‖g‖)``, so a layer fails exactly where
its relative error exceeds it. The whole check PASSES when no array FAILED and at least
one was judged ``ok``; when every array is unresolved (all zero: a dead or saturated
network) it is UNINFORMATIVE. Where a nudge moves a z across a kink of σ (ReLU's at 0),
Δ_i means nothing: that entry is listed as skipped, not compared.

Examples of the rule (``tests/test_gradcheck.py`` runs them): a [2, 3, 1] sigmoid network
on 10 samples, float64, ε = 1e-7, with W² scaled so that ‖∂C/∂W¹‖ is a given fraction of
‖∂C/∂W²‖ (the resolution of one entry is then about 1e-10):

- **1e-3** (∂C/∂W¹ entries ~3e-5): W¹'s relative error is 4e-6 — a bare 1e-7 threshold
  would call this correct backprop FAILED — and rounding allows 7e-5: ``ok``. A wrong
  BP4 there (every ∂C/∂W¹ twice the right value) FAILS.
- **1e-6** (entries ~3e-8): relative error 3e-3, allowed 7e-2: ``unresolved`` — the
  difference is what rounding makes, and an error of a tenth of the gradient would not
  show. The wrong BP4 (an error as large as the gradient) still FAILS.
- **1e-9** (entries ~3e-11, below the resolution): ``unresolved`` whether BP4 is right or
  twice too large; never ``ok``, never a false FAILED.

The differences are always taken in float64, on a copy of the parameters (the network is
never touched): in float32 a step of 1e-7 would be below the resolution of θ itself. One ε
then serves both dtypes; what a float32 network changes is backprop's own rounding, which
the resolution and τ = 1e-4 account for.

>>> import numpy as np
>>> from backproplab import Network
>>> net = Network([2, 3, 1], seed=0)
>>> X, y = np.random.default_rng(0).standard_normal((5, 2)), np.array([0, 1, 1, 0, 1])
>>> gradcheck(net, X, y).passed
True
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np

from ..engine.parameters import flatten
from ..validation import check_positive_int, check_XY
from .finite_differences import numeric_gradient, resolution

Array = np.ndarray

THRESHOLDS = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-4}
RESOLVED = 10.0  # ‖Δ‖ ≥ 10 ρ: an error of a tenth of the gradient would show
PER_ARRAY = 100  # by default, at most this many entries of each W^ℓ and b^ℓ are checked
OK, FAILED, UNRESOLVED, NONE = "ok", "FAILED", "unresolved", "-"


@dataclass
class ParameterError:
    """One checked parameter: where it is, and both estimates of ∂C/∂θ."""

    name: str  # e.g. "W2[0, 1]" (layer ℓ = 2) or "b1[2, 0]"
    numeric: float
    analytic: float

    @property
    def difference(self) -> float:
        return abs(self.numeric - self.analytic)


@dataclass(frozen=True)
class ArrayCheck:
    """The check of one array, W^ℓ or b^ℓ (module docstring: the per-layer rule).

    Attributes:
        name: ``"W2"``, ``"b1"``, …. n_checked: entries compared (kinks excluded).
        numeric, analytic: ‖Δ‖ and ‖g‖ over those entries. difference: ‖Δ − g‖.
        resolution: ρ, the part of ‖Δ − g‖ rounding alone can produce.
        threshold: τ.
    """

    name: str
    n_checked: int
    numeric: float
    analytic: float
    difference: float
    resolution: float
    threshold: float

    @property
    def relative_error(self) -> float:
        """‖Δ − g‖ / (‖Δ‖ + ‖g‖); NaN when both are zero or nothing was checked."""
        scale = self.numeric + self.analytic
        return self.difference / scale if scale > 0 else math.nan

    @property
    def allowed(self) -> float:
        """``τ + ρ / (‖Δ‖ + ‖g‖)``: the relative error above which the array fails."""
        scale = self.numeric + self.analytic
        return self.threshold + self.resolution / scale if scale > 0 else math.inf

    @property
    def verdict(self) -> str:
        """``ok``, ``FAILED``, ``unresolved`` or ``-`` (nothing checked)."""
        if self.n_checked == 0:
            return NONE
        tolerance = self.threshold * (self.numeric + self.analytic) + self.resolution
        if self.difference > tolerance:
            return FAILED
        return OK if self.numeric >= RESOLVED * self.resolution and self.numeric > 0 else UNRESOLVED


@dataclass
class GradcheckReport:
    """The outcome of :func:`gradcheck`.

    Attributes:
        relative_error: ‖Δ − g‖ / (‖Δ‖ + ‖g‖) over every compared parameter (NaN when
            both are zero).
        passed: no array FAILED and at least one was judged ``ok``.
        informative: False when every array is unresolved (e.g. all gradients zero).
        arrays: per layer ℓ = 1 … L, ``(W check, b check)`` (:class:`ArrayCheck`).
        layer_errors: per layer, ``(W relative error, b relative error)``.
        worst: the compared parameters with the largest ``|Δ_i − g_i|``, largest first.
        kinks: names of the parameters whose nudge crossed a kink of σ (not compared).
    """

    relative_error: float
    passed: bool
    threshold: float
    epsilon: float
    n_checked: int
    n_params: int
    arrays: list[tuple[ArrayCheck, ArrayCheck]] = field(default_factory=list)
    worst: list[ParameterError] = field(default_factory=list)
    informative: bool = True
    kinks: list[str] = field(default_factory=list)

    @property
    def layer_errors(self) -> list[tuple[float, float]]:
        return [(w.relative_error, b.relative_error) for w, b in self.arrays]

    @property
    def layer_verdicts(self) -> list[tuple[str, str]]:
        """Per layer, ``(W verdict, b verdict)``: ``ok``, ``FAILED``, ``unresolved``, ``-``."""
        return [(w.verdict, b.verdict) for w, b in self.arrays]

    @property
    def failed_layers(self) -> list[int]:
        """The layers ℓ (from 1) where W^ℓ or b^ℓ FAILED."""
        return [ell for ell, pair in enumerate(self.layer_verdicts, 1) if FAILED in pair]

    @property
    def verdict(self) -> str:
        """``"PASSED"``, ``"FAILED"`` or ``"UNINFORMATIVE"``."""
        if self.failed_layers:
            return "FAILED"
        return "PASSED" if self.informative else "UNINFORMATIVE"

    def __str__(self) -> str:
        lines = [
            f"gradient check {self.verdict}: relative error {self.relative_error:.2e} "
            f"(threshold {self.threshold:.0e} plus rounding, epsilon {self.epsilon:.0e}, "
            f"{self.n_checked} of {self.n_params} parameters)",
        ]
        if not self.informative:
            lines.append(
                "every gradient is too small (or exactly zero) for finite differences to "
                "judge, so nothing was compared (dead units, saturated outputs or zero inputs?)"
            )
        lines += [
            "",
            f"{'layer':>5}  {'W rel. error':>12}  {'allowed':>8}  {'W':>10}  "
            f"{'b rel. error':>12}  {'allowed':>8}  {'b':>10}",
        ]
        for ell, (w, b) in enumerate(self.arrays, start=1):
            cells = [f"{ell:>5}"]
            for a in (w, b):
                cells += [f"{a.relative_error:>12.2e}", f"{a.allowed:>8.0e}", f"{a.verdict:>10}"]
            lines.append("  ".join(cells))
        lines += [
            "",
            "allowed = threshold + what rounding alone can make of the difference, relative "
            "to the gradient;",
            "unresolved = the gradient is too small for finite differences to judge.",
        ]
        if self.kinks:
            shown = ", ".join(self.kinks[:5]) + (" …" if len(self.kinks) > 5 else "")
            lines.append(
                f"{len(self.kinks)} parameter(s) not compared: their nudge crossed a kink of "
                f"σ (ReLU at z = 0), where a difference quotient means nothing: {shown}"
            )
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
    per_array: int | None = PER_ARRAY,
    seed=0,
    n_worst: int = 5,
    l2: float = 0.0,
    l1: float = 0.0,
    n: int | None = None,
) -> GradcheckReport:
    """Compare a gradient with centred finite differences of ``net.cost(X, Y)``, per layer.

    Args:
        net: a :class:`~backproplab.Network` (any activation and cost); left untouched.
        X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
        epsilon: the step ε.
        grads: ``(grads_w, grads_b)`` to check; by default ``net.backprop(X, Y)``'s.
        threshold: the relative tolerance τ; by default 1e-7 for a float64 network and
            1e-4 for a float32 one.
        n_params: check only this many parameters, drawn at random over the whole θ.
        per_array: otherwise, check at most this many entries of each W^ℓ and b^ℓ (drawn
            at random beyond it, so every layer is represented); None: every entry. The
            work is at most ``2 · 2L · per_array`` forward passes over the samples.
        seed: seed or Generator for those draws.
        n_worst: how many of the worst parameters to list.
        l2, l1, n: check the cost with the weight penalty, as ``net.cost(X, Y, l2=…, l1=…,
            n=…)`` (see :mod:`backproplab.engine.penalties`).
    """
    X, Y = check_XY(X, Y, net.sizes[0], net.sizes[-1], net.dtype)
    if not (isinstance(epsilon, (int, float)) and 0 < epsilon < 1):
        raise ValueError(f"epsilon must be a number in (0, 1), such as 1e-7, got {epsilon!r}")
    n = len(X) if n is None else n
    grads_w, grads_b = net.backprop(X, Y, l2=l2, l1=l1, n=n) if grads is None else grads
    _check_grad_shapes(grads_w, grads_b, net)
    analytic = flatten(grads_w, grads_b).astype(np.float64)
    chosen = _choose(net, n_params, per_array, seed)
    numeric, kinked, rho = _differences(net, X, Y, chosen, epsilon, (l2, l1, n))
    checked = analytic[chosen]
    names = _names(net.weights, net.biases)
    keep = ~kinked
    threshold = THRESHOLDS[net.dtype] if threshold is None else threshold
    arrays = _array_checks(net, chosen[keep], numeric[keep], checked[keep], rho[keep], threshold)
    verdicts = [a.verdict for pair in arrays for a in pair]
    return GradcheckReport(
        relative_error=_rel(numeric[keep], checked[keep]),
        passed=FAILED not in verdicts and OK in verdicts,
        informative=OK in verdicts or FAILED in verdicts,
        threshold=threshold,
        epsilon=epsilon,
        n_checked=int(keep.sum()),
        n_params=analytic.size,
        arrays=arrays,
        worst=_worst(names, chosen[keep], numeric[keep], checked[keep], n_worst),
        kinks=[names[i] for i in chosen[kinked]],
    )


_RECENT: dict[bytes, tuple[Array, Array, Array]] = {}  # the last few finite differences


def _differences(net, X, Y, chosen, epsilon, penalties):
    """Δ, the kinks and ρ on the chosen entries; remembered for the last few networks, so
    checking several gradients of the same network on the same data (a correct one and a
    suspect one, say) takes the finite differences once."""
    key = hashlib.blake2b(digest_size=16)
    for part in (net.theta if hasattr(net, "theta") else flatten(net.weights, net.biases),
                 X, Y, chosen):  # fmt: skip
        key.update(np.ascontiguousarray(part).tobytes())
        key.update(str(np.shape(part)).encode())
    names = [a.name for a in net.layer_activations] + [net.cost_function.name]
    key.update(repr((str(net.dtype), names, epsilon, penalties)).encode())
    digest = key.digest()
    if digest not in _RECENT:
        numeric, kinked = numeric_gradient(net, X.T, Y.T, chosen, epsilon, penalties)
        rho = resolution(net, X.T, Y.T, epsilon, penalties)[chosen]
        while len(_RECENT) >= 4:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[digest] = (numeric, kinked, rho)
    return _RECENT[digest]


def _check_grad_shapes(grads_w, grads_b, net) -> None:
    for what, gs, ps in (("grads_w", grads_w, net.weights), ("grads_b", grads_b, net.biases)):
        if len(gs) != len(ps):
            raise ValueError(f"{what} needs {len(ps)} arrays, got {len(gs)}")
        for i, (g, p) in enumerate(zip(gs, ps, strict=True)):
            if np.shape(g) != p.shape:
                raise ValueError(f"{what}[{i}] must have shape {p.shape}, got {np.shape(g)}")


def _choose(net, n_params: int | None, per_array: int | None, seed) -> Array:
    """Indices into θ of the parameters to check, sorted."""
    rng = np.random.default_rng(seed)
    sizes = [p.size for p in [*net.weights, *net.biases]]
    total = sum(sizes)
    if n_params is not None:
        check_positive_int(n_params, "n_params")
        if n_params >= total:
            return np.arange(total)
        return np.sort(rng.choice(total, n_params, replace=False))
    if per_array is None:
        return np.arange(total)
    check_positive_int(per_array, "per_array")
    offsets = np.cumsum([0, *sizes])
    parts = [
        start
        + (np.arange(size) if size <= per_array else rng.choice(size, per_array, replace=False))
        for start, size in zip(offsets[:-1], sizes, strict=True)
    ]
    return np.sort(np.concatenate(parts))


def _array_checks(net, chosen, numeric, checked, rho, threshold):
    """Per layer, ``(W check, b check)`` over the compared entries."""
    L = len(net.weights)
    offsets = np.cumsum([0] + [p.size for p in [*net.weights, *net.biases]])
    array_of = np.searchsorted(offsets, chosen, side="right") - 1  # 0…L−1 W's, L…2L−1 b's

    def check(k: int, name: str) -> ArrayCheck:
        here = array_of == k
        num, ana = numeric[here], checked[here]
        return ArrayCheck(
            name,
            int(here.sum()),
            float(np.linalg.norm(num)),
            float(np.linalg.norm(ana)),
            float(np.linalg.norm(num - ana)),
            float(np.linalg.norm(rho[here])),
            threshold,
        )

    return [(check(i, f"W{i + 1}"), check(L + i, f"b{i + 1}")) for i in range(L)]


def _worst(names, chosen, numeric, checked, n_worst: int) -> list[ParameterError]:
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
    the untrained network) — the data of the notebook's gradient-error plot. Pass an instance
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
