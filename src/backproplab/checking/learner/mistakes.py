"""The common mistakes in writing backprop, each as a deliberately mutated equation.

:func:`variant_backprop` is the engine's BP1–BP4 (:mod:`backproplab.engine.backward`) with one
equation replaced by a :class:`Mistake`, at every layer it applies to or at one layer ℓ
only. A learner's gradients are diagnosed by running every variant on the same case and
seeing which one they match: a clean signature, and each one is tested against a
deliberately wrong implementation written by hand.

Where a mistake cannot even be computed on a case — a transposed W in BP2 when the
layers are not square — the variant raises ValueError (from NumPy), as the learner's code
would.

>>> from backproplab.checking.learner.battery import build_battery
>>> case = build_battery("nielsen")[2]                       # 'deep and narrow'
>>> right = variant_backprop(case)
>>> wrong = variant_backprop(case, MISTAKES["bp2_no_sigma_prime"])
>>> bool(np.allclose(right.deltas[-1], wrong.deltas[-1]))    # δ^L is still right …
True
>>> bool(np.allclose(right.deltas[-2], wrong.deltas[-2]))    # … δ^{L−1} is not
False
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine.costs import output_delta
from ...engine.forward import feedforward
from .battery import Case

Array = np.ndarray


@dataclass(frozen=True)
class Mistake:
    """One mistake and how to recognise it.

    Attributes:
        name: a short key. equation: the equation it breaks ("BP1" … "BP4").
        hint: what the learner wrote and what the equation says.
        per_layer: it may be made at one layer only (code written out layer by layer),
            so it is also tried at each single layer.
    """

    name: str
    equation: str
    hint: str
    per_layer: bool = False


MISTAKES: dict[str, Mistake] = {
    m.name: m
    for m in (
        Mistake("bp1_no_sigma_prime", "BP1", "σ′(z^L) is missing: BP1 is δ^L = ∇_a C ⊙ σ′(z^L)"),
        Mistake(
            "bp1_sigma_prime_of_a",
            "BP1",
            "σ′ is applied to a^L instead of z^L: BP1 needs σ′(z^L) (for the sigmoid, "
            "σ′(z) = a(1 − a) with a = σ(z), not σ′(a))",
        ),
        Mistake(
            "bp1_prime_form_on_z",
            "BP1",
            "σ′ written with a (a(1 − a) for the sigmoid) is given z^L instead of a^L",
        ),
        Mistake(
            "factor_2",
            "BP1",
            "∇_a C is twice too large: for C = ½‖a − y‖² it is a − y; 2(a − y) is the "
            "derivative of ‖a − y‖² (the cost without its ½)",
        ),
        Mistake(
            "sign_flipped",
            "BP1",
            "the sign is flipped: ∇_a C is a − y, not y − a (the step would climb the cost)",
        ),
        Mistake(
            "cost_ignored",
            "BP1",
            "BP1 uses the quadratic cost's a − y whatever the cost: take ∇_a C from the "
            "cost (Nielsen: self.cost_derivative(a, y)); for cross-entropy with a sigmoid "
            "output δ^L = a − y",
        ),
        Mistake(
            "cross_entropy_shortcut",
            "BP1",
            "δ^L = a − y is the cross-entropy shortcut (σ′ cancels there); with the "
            "quadratic cost BP1 is δ^L = (a − y) ⊙ σ′(z^L)",
        ),
        Mistake(
            "bp2_no_sigma_prime",
            "BP2",
            "σ′(z^ℓ) is missing: BP2 is δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ)",
            True,
        ),
        Mistake(
            "bp2_sigma_prime_of_a",
            "BP2",
            "σ′ is applied to a^ℓ instead of z^ℓ: BP2 needs σ′(z^ℓ) (for the sigmoid, "
            "σ′(z) = a(1 − a) with a = σ(z), not σ′(a))",
            True,
        ),
        Mistake(
            "bp2_prime_form_on_z",
            "BP2",
            "σ′ written with a (a(1 − a) for the sigmoid) is given z^ℓ instead of a^ℓ",
            True,
        ),
        Mistake(
            "bp2_transposed_w",
            "BP2",
            "W^{ℓ+1} is not transposed: BP2 carries δ back with (W^{ℓ+1})ᵀ δ^{ℓ+1}",
            True,
        ),
        Mistake(
            "bp2_sigma_prime_next_layer",
            "BP2",
            "layer index off by one: σ′ is taken of z^{ℓ+1}, the layer above; BP2 "
            "needs σ′(z^ℓ) of the layer whose δ it computes",
            True,
        ),
        Mistake(
            "bp2_weights_wrong_layer",
            "BP2",
            "layer index off by one: BP2 uses W^ℓ; δ^ℓ comes back through the weights "
            "of the layer above, (W^{ℓ+1})ᵀ δ^{ℓ+1}",
            True,
        ),
        Mistake(
            "sum_not_mean",
            "BP3",
            "the gradients are summed over the batch instead of averaged: they are m "
            "times too large (BP3 and BP4 divide by m, the batch size)",
        ),
        Mistake(
            "bp3_sum_not_mean",
            "BP3",
            "∂C/∂b is summed over the batch instead of averaged (m times too large); "
            "BP3 is the mean of δ^ℓ over the samples",
        ),
        Mistake(
            "bp4_sum_not_mean",
            "BP4",
            "∂C/∂W is summed over the batch instead of averaged (m times too large); "
            "BP4 is (1/m) Δ^ℓ (A^{ℓ−1})ᵀ",
        ),
        Mistake(
            "bp4_a_current",
            "BP4",
            "BP4 uses a^ℓ instead of a^{ℓ−1}: ∂C/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ, the activations "
            "feeding the layer",
            True,
        ),
        Mistake(
            "bp4_transposed",
            "BP4",
            "∂C/∂W^ℓ is transposed: it is δ^ℓ (a^{ℓ−1})ᵀ, shape (n_ℓ, n_{ℓ−1}) like W^ℓ",
            True,
        ),
    )
}


@dataclass(frozen=True)
class Gradients:
    """What a backprop returns, in the engine's layout.

    ``grads_w[ℓ−1]`` (n_ℓ, n_{ℓ−1}) and ``grads_b[ℓ−1]`` (n_ℓ, 1) are the gradients of the
    batch-mean cost; ``deltas[ℓ−1]`` is ``Δ^ℓ`` (n_ℓ, m), one column per sample, or None
    when unknown.
    """

    grads_w: list[Array]
    grads_b: list[Array]
    deltas: list[Array] | None = None


def variant_backprop(case: Case, mistake: Mistake | None = None, layer: int | None = None):
    """BP1–BP4 on ``case``, with ``mistake`` made at every layer it applies to (``layer``
    None) or at layer ``layer`` only; no mistake gives the engine's gradients.

    Returns:
        :class:`Gradients` with the deltas.

    Raises:
        ValueError: where the mistaken expression has no valid shapes on this case.
    """
    acts = case.layer_activations
    weights = case.weights
    zs, activations = feedforward(weights, case.biases, case.X, acts)
    L, m = len(weights), case.n_samples

    def made(name: str, ell: int) -> bool:
        return mistake is not None and mistake.name == name and layer in (None, ell)

    grads_w: list[Array] = [None] * L  # type: ignore[list-item]
    grads_b: list[Array] = [None] * L  # type: ignore[list-item]
    deltas: list[Array] = [None] * L  # type: ignore[list-item]
    delta = _output_delta(case, zs[-1], activations[-1], made)
    for i in range(L - 1, -1, -1):  # i = ℓ − 1
        ell = i + 1
        deltas[i] = delta
        summed = made("sum_not_mean", ell)
        grads_b[i] = delta.sum(axis=1, keepdims=True)  # BP3, before the mean
        if not (summed or made("bp3_sum_not_mean", ell)):
            grads_b[i] = grads_b[i] / m
        a_in = activations[ell] if made("bp4_a_current", ell) else activations[i]
        grads_w[i] = delta @ a_in.T  # BP4: (n_ℓ, m) @ (m, n_{ℓ−1}), before the mean
        if made("bp4_transposed", ell):
            grads_w[i] = a_in @ delta.T
        if not (summed or made("bp4_sum_not_mean", ell)):
            grads_w[i] = grads_w[i] / m
        if i > 0:
            delta = _hidden_delta(weights, zs, activations, acts, delta, i, made)
    return Gradients(grads_w, grads_b, deltas)


def _output_delta(case: Case, z: Array, a: Array, made) -> Array:
    """BP1, δ^L of shape (n_L, m), as the mistake (if any) computes it."""
    act, cost, Y = case.layer_activations[-1], case.cost_function, case.Y
    L = case.n_layers
    grad_a = cost.grad_a(a, Y)
    if made("bp1_no_sigma_prime", L):
        return grad_a
    if made("bp1_sigma_prime_of_a", L):
        return grad_a * act.prime(a, act.f(a))
    if made("bp1_prime_form_on_z", L):
        return grad_a * act.prime(z, z)
    if made("cost_ignored", L):
        return (a - Y) * act.prime(z, a)
    if made("cross_entropy_shortcut", L):
        return a - Y
    delta = output_delta(cost, act, z, a, Y)
    if made("factor_2", L):
        return 2 * delta
    if made("sign_flipped", L):
        return -delta
    return delta


def _hidden_delta(weights, zs, activations, acts, delta_above: Array, i: int, made) -> Array:
    """BP2, δ^ℓ (n_ℓ, m) from δ^{ℓ+1}, for ℓ = i, as the mistake (if any) computes it."""
    ell = i
    act, z, a = acts[i - 1], zs[i - 1], activations[i]
    W_above = weights[i]  # W^{ℓ+1}, (n_{ℓ+1}, n_ℓ)
    if made("bp2_weights_wrong_layer", ell):
        W_above = weights[i - 1]  # W^ℓ
    back = W_above @ delta_above if made("bp2_transposed_w", ell) else W_above.T @ delta_above
    if made("bp2_no_sigma_prime", ell):
        return back
    if made("bp2_sigma_prime_of_a", ell):
        return back * act.prime(a, act.f(a))
    if made("bp2_prime_form_on_z", ell):
        return back * act.prime(z, z)
    if made("bp2_sigma_prime_next_layer", ell):
        return back * acts[i].prime(zs[i], activations[i + 1])
    return back * act.prime(z, a)
