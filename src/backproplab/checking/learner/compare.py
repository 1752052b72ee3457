"""Compare a learner's gradients with the reference, equation by equation, layer by layer.

Each equation is judged on what the learner's own code fed it, so a mistake is blamed on
the equation that makes it, not on every equation it flows through:

- BP1: is δ^L right?
- BP2: is δ^ℓ what ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ) gives from the learner's own δ^{ℓ+1}?
- BP3 / BP4: are ∂C/∂b^ℓ and ∂C/∂W^ℓ what the learner's own δ^ℓ gives?

A value that is wrong only because what came in was wrong is ``inherited``. The learner's
δ^ℓ is known when the function returns it (the optional hook), or, for one sample, read off
its gradients: ∂C/∂b^ℓ = δ^ℓ, and ∂C/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ gives δ^ℓ = ∂C/∂W^ℓ a^{ℓ−1} / ‖a^{ℓ−1}‖²
(whichever of the two agrees with the expected δ^ℓ, so that a broken BP3 or BP4 alone
does not hide a right δ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine.forward import feedforward
from .battery import Case
from .hooks import Gradients

Array = np.ndarray

RTOL = 1e-5  # relative to the larger norm: float64 code agrees to ~1e-15, float32 to ~1e-6
ATOL = 1e-12

OK, WRONG, INHERITED, DIFFERS, UNKNOWN, SHAPE = "ok", "WRONG", "inherited", "differs", "?", "shape"


def close(got: Array | None, want: Array | None) -> bool:
    """Same shape and ‖got − want‖ ≤ RTOL · max(‖got‖, ‖want‖) + ATOL."""
    if got is None or want is None or got.shape != want.shape:
        return False
    with np.errstate(all="ignore"):
        diff = float(np.linalg.norm(got - want))
        scale = max(float(np.linalg.norm(got)), float(np.linalg.norm(want)))
    return bool(np.isfinite(diff) and diff <= RTOL * scale + ATOL)


def rel_error(got: Array, want: Array) -> float:
    """‖got − want‖ / max(‖got‖, ‖want‖) (0 for two zeros; inf for different shapes)."""
    if got.shape != want.shape:
        return float("inf")
    with np.errstate(all="ignore"):
        diff = float(np.linalg.norm(got - want))
        scale = max(float(np.linalg.norm(got)), float(np.linalg.norm(want)))
    if not np.isfinite(diff):
        return float("inf")
    return 0.0 if scale == 0 else diff / scale


def matches(got: Gradients, want: Gradients) -> bool:
    """Every gradient (and every δ, where the learner returned them) is close."""
    pairs = list(zip(got.grads_w, want.grads_w, strict=True)) + list(
        zip(got.grads_b, want.grads_b, strict=True)
    )
    if got.deltas is not None and want.deltas is not None:
        pairs += list(zip(got.deltas, want.deltas, strict=True))
    return all(close(g, w) for g, w in pairs)


@dataclass(frozen=True)
class LayerVerdict:
    """The verdicts for layer ℓ: on δ^ℓ (BP1 at ℓ = L, BP2 below), on ∂C/∂b^ℓ (BP3) and
    ∂C/∂W^ℓ (BP4), each ``ok``, ``WRONG``, ``inherited``, ``shape``, ``differs`` (from the
    reference, with the learner's δ unknown) or ``?``, and the relative errors of the two
    gradients."""

    layer: int
    delta: str
    bp3: str
    bp4: str
    error_b: float
    error_w: float

    @property
    def delta_equation(self) -> str:
        return "BP1" if self.delta.endswith("(BP1)") else "BP2"


def local_verdicts(case: Case, got: Gradients, ref: Gradients) -> list[LayerVerdict]:
    """Judge each equation at each layer, output layer first (see the module docstring).

    ``got`` must have one array per layer in each list (the caller checks the count).
    """
    zs, activations = feedforward(case.weights, case.biases, case.X, case.layer_activations)
    acts, L, m = case.layer_activations, case.n_layers, case.n_samples
    verdicts = []
    d_above: Array | None = None  # the learner's δ^{ℓ+1}, where known
    for i in range(L - 1, -1, -1):  # i = ℓ − 1
        ell, a_in = i + 1, activations[i]
        gb, gw = got.grads_b[i], got.grads_w[i]
        if ell == L:
            expected = ref.deltas[i]
        elif d_above is not None and d_above.shape == ref.deltas[i + 1].shape:
            expected = (case.weights[ell].T @ d_above) * acts[i].prime(zs[i], activations[ell])
        else:
            expected = None
        d = _learner_delta(got, i, m, a_in, expected)
        delta_verdict = _judge(d, ref.deltas[i], expected)
        if d is None and close(gb, ref.grads_b[i]) and close(gw, ref.grads_w[i]):
            delta_verdict = OK
        usable = d is not None and d.shape == ref.deltas[i].shape
        mean_b = d.sum(axis=1, keepdims=True) / m if usable else None  # BP3 of its own δ
        mean_w = d @ a_in.T / m if usable else None  # BP4 of its own δ
        verdicts.append(
            LayerVerdict(
                ell,
                f"{delta_verdict} (BP1)" if ell == L else f"{delta_verdict} (BP2)",
                _judge(gb, ref.grads_b[i], mean_b, known=d is not None),
                _judge(gw, ref.grads_w[i], mean_w, known=d is not None),
                rel_error(gb, ref.grads_b[i]),
                rel_error(gw, ref.grads_w[i]),
            )
        )
        d_above = d
    return verdicts


def _learner_delta(got: Gradients, i: int, m: int, a_in: Array, expected) -> Array | None:
    """The learner's δ^ℓ (n_ℓ, m): returned, or read off one sample's gradients."""
    if got.deltas is not None:
        return got.deltas[i]
    if m != 1:
        return None
    gb, gw = got.grads_b[i], got.grads_w[i]
    n = gw.shape[0] if gw.ndim == 2 else None
    from_b = gb if gb.ndim == 2 and gb.shape[1] == 1 else None
    norm2 = float((a_in.T @ a_in)[0, 0])
    usable_w = n is not None and gw.shape[1] == a_in.shape[0] and norm2 > 0
    from_w = gw @ a_in / norm2 if usable_w else None
    if close(from_b, expected) or from_w is None or not close(from_w, expected):
        return from_b
    return from_w  # δ^ℓ is right; only ∂C/∂b^ℓ is not (BP3)


def _judge(got: Array | None, ref: Array, from_own_input: Array | None, known=True) -> str:
    """``ok`` if ``got`` is the reference; ``inherited`` if it is what the equation gives
    from the learner's own (wrong) input; ``WRONG`` otherwise; ``?`` if unknowable."""
    if got is None:
        return UNKNOWN
    if got.shape != ref.shape:
        return SHAPE
    if close(got, ref):
        return OK
    if not known:
        return DIFFERS  # several samples and no δs: which equation is at fault is unknown
    if from_own_input is not None and close(got, from_own_input):
        return INHERITED
    return WRONG


def first_wrong(verdicts: list[LayerVerdict]) -> tuple[str, int] | None:
    """``(equation, layer)`` of the first wrong equation in backprop's order: from the
    output layer back, and at each layer δ^ℓ (BP1/BP2), then BP3, then BP4. A gradient
    that differs while δ^ℓ is unknown is blamed on its own equation."""
    for v in verdicts:
        if v.delta.split()[0] in (WRONG, SHAPE):
            return v.delta_equation, v.layer
        if v.bp3 in (WRONG, SHAPE, DIFFERS):
            return "BP3", v.layer
        if v.bp4 in (WRONG, SHAPE, DIFFERS):
            return "BP4", v.layer
    return None
