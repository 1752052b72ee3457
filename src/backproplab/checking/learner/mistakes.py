"""The common mistakes in writing backprop, each made inside the engine's own readable
backprop.

A mistake is not a second copy of BP1–BP4. :func:`variant_backprop` runs
:func:`backproplab.engine.backward.backprop` itself — the one readable BP1–BP4 — and a
:class:`Mistake` substitutes one of the terms that function reads, at its named hook
points (:class:`Terms`):

- ``cost``: where BP1 reads ``∇_a C`` (a sign flipped, a factor 2, ``y`` flattened, the
  learner's own ``cost_derivative``);
- ``sigmas``: where BP1 and BP2 read ``σ′(z)`` (missing, taken of a, applied twice, the
  learner's own ``sigmoid_prime``);
- ``weights``: where BP2 reads ``W^{ℓ+1}`` (not transposed, the wrong layer's);
- ``a_in``: where BP4 reads ``a^{ℓ−1}`` (``a^ℓ`` instead);

or rewrites what it returns (``finish``: sums instead of means, a transposed ∂C/∂W, the
layers in reverse order, a loop that stops before layer 1). With no mistake the variant is
``backprop``'s own result, unchanged (``tests/test_check_backprop.py`` proves it on every
case of the battery).

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

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...engine.activations import Activation
from ...engine.backward import backprop
from ...engine.forward import feedforward
from .battery import Case
from .hooks import (
    Finish,
    Gradients,
    Hook,
    Terms,
    bp2_sigma_prime_next_layer,
    bp2_weights,
    bp4_reads_a_current,
    layer_1_left_zero,
    reversed_order,
    scaled_grad_a,
    sigma_prime,
    summed,
    transposed_bp4,
    with_grad_a,
)

Array = np.ndarray


@dataclass(frozen=True)
class Mistake:
    """One mistake and how to make it.

    Attributes:
        name: a short key.
        equation: what it breaks: ``"BP1"`` … ``"BP4"``, or ``"σ′"``, ``"cost_derivative"``,
            ``"order"``, ``"shape"`` when no single equation is at fault.
        hint: what the learner wrote and what the equation says; a function of the case
            shown when the numbers of that case go into it.
        per_layer: it may be made at one layer only (code written out layer by layer),
            so it is also tried at each single layer.
        substitute: the hook that replaces a term before ``backprop`` runs.
        finish: the rewrite of what ``backprop`` returned.
        layer: where the report places it: ``"L"``, ``"1"``, or None (the first equation
            whose output departs from the reference, in backprop's order).
        forward: a σ the forward pass uses in place of the sigmoid (the learner's own
            ``sigmoid``), so that the whole pass, and backprop after it, runs on it.
    """

    name: str
    equation: str
    hint: str | Callable[[Case], str]
    per_layer: bool = False
    substitute: Hook | None = None
    finish: Finish | None = None
    layer: str | None = None
    forward: Callable[[Array], Array] | None = None

    def hint_for(self, case: Case) -> str:
        return self.hint(case) if callable(self.hint) else self.hint


# ---- the hints that quote the case ---------------------------------------------------


def sigma_prime_hint(make: Callable[[Activation], Callable]) -> Callable[[Case], str]:
    """ "your σ′ is wrong: at z = 0.5 it returns …, σ′(0.5) is 0.235"."""

    def hint(case: Case) -> str:
        act = case.layer_activations[0]
        z = np.array([[0.5]])
        with np.errstate(all="ignore"):
            got = float(np.asarray(make(act)(z, act.f(z))).ravel()[0])
            want = float(act.prime(z, act.f(z))[0, 0])
        return (
            f"your σ′ is wrong: at z = 0.5 it returns {got:.4g}; {act.name}′(0.5) is "
            f"{want:.4g}. It breaks BP1 and BP2 at once (every layer uses it)"
        )

    return hint


def broadcast_hint(case: Case) -> str:
    n = case.sizes[-1]
    return (
        f"shape mismatch: a^L has shape ({n}, 1) but y was flattened to ({n},), and "
        f"({n}, 1) − ({n},) broadcasts to ({n}, {n}), so δ^L has shape ({n}, {n}) instead "
        f"of ({n}, 1); keep y a column (y.reshape(-1, 1)), never y.flatten()"
    )


def _prime_on_z(act: Activation):
    return lambda z, a: act.prime(z, z)  # the a-form (a(1 − a), 1 − a²) given z


def _prime_of_a(act: Activation):
    return lambda z, a: act.prime(a, act.f(a))  # σ′ evaluated at a instead of z


def _prime_typo(act: Activation):
    return lambda z, a: act.f(z) * (1 - z)  # σ(z)(1 − z), the notebook's typo


def _prime_squared(act: Activation):
    return lambda z, a: act.prime(z, act.f(z)) ** 2


def _missing(act: Activation):
    return lambda z, a: np.ones_like(z)


MISTAKES: dict[str, Mistake] = {
    m.name: m
    for m in (
        Mistake("bp1_no_sigma_prime", "BP1", "σ′(z^L) is missing: BP1 is δ^L = ∇_a C ⊙ σ′(z^L)",
                substitute=sigma_prime(_missing, output=True, hidden=False, general_bp1=True)),
        Mistake(
            "bp1_sigma_prime_of_a", "BP1",
            "σ′ is applied to a^L instead of z^L: BP1 needs σ′(z^L) (for the sigmoid, "
            "σ′(z) = a(1 − a) with a = σ(z), not σ′(a))",
            substitute=sigma_prime(_prime_of_a, output=True, hidden=False, general_bp1=True),
        ),
        Mistake(
            "bp1_prime_form_on_z", "BP1",
            "σ′ written with a (a(1 − a) for the sigmoid, 1 − a² for tanh) is given z^L "
            "instead of a^L",
            substitute=sigma_prime(_prime_on_z, output=True, hidden=False, general_bp1=True),
        ),
        Mistake(
            "sigma_prime_twice", "BP1",
            "σ′(z^L) is applied twice: network2's cost.delta(z, a, y) already includes "
            "σ′(z^L) for the quadratic cost (and cancels it for cross-entropy), so do not "
            "multiply it by sigmoid_prime(z) again",
            substitute=sigma_prime(_prime_squared, output=True, hidden=False, general_bp1=True),
        ),
        Mistake(
            "factor_2", "BP1",
            "∇_a C is twice too large: for C = ½‖a − y‖² it is a − y; 2(a − y) is the "
            "derivative of ‖a − y‖² (the cost without its ½)",
            substitute=scaled_grad_a(2.0),
        ),
        Mistake(
            "sign_flipped", "BP1",
            "the sign is flipped: ∇_a C is a − y, not y − a (the step would climb the cost)",
            substitute=scaled_grad_a(-1.0),
        ),
        Mistake(
            "cost_ignored", "BP1",
            "BP1 uses the quadratic cost's a − y whatever the cost: take ∇_a C from the "
            "cost (Nielsen: self.cost_derivative(a, y)); for cross-entropy with a sigmoid "
            "output δ^L = a − y",
            substitute=with_grad_a(lambda a, y: a - y),
        ),
        Mistake(
            "cross_entropy_shortcut", "BP1",
            "δ^L = a − y is the cross-entropy shortcut (σ′ cancels there); with the "
            "quadratic cost BP1 is δ^L = (a − y) ⊙ σ′(z^L)",
            substitute=sigma_prime(_missing, output=True, hidden=False, general_bp1=False),
        ),
        Mistake(
            "y_flattened", "shape", broadcast_hint,
            substitute=with_grad_a(lambda a, y: a - y.ravel()), layer="L",
        ),
        Mistake(
            "sigma_prime_on_z_everywhere", "σ′", sigma_prime_hint(_prime_on_z),
            substitute=sigma_prime(_prime_on_z, output=True, hidden=True, general_bp1=True),
            layer="L",
        ),
        Mistake(
            "sigma_prime_typo_everywhere", "σ′", sigma_prime_hint(_prime_typo),
            substitute=sigma_prime(_prime_typo, output=True, hidden=True, general_bp1=True),
            layer="L",
        ),
        Mistake(
            "sigma_prime_of_a_everywhere", "σ′", sigma_prime_hint(_prime_of_a),
            substitute=sigma_prime(_prime_of_a, output=True, hidden=True, general_bp1=True),
            layer="L",
        ),
        Mistake(
            "bp2_no_sigma_prime", "BP2",
            "σ′(z^ℓ) is missing: BP2 is δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ)", True,
            substitute=sigma_prime(_missing, output=False, hidden=True),
        ),
        Mistake(
            "bp2_sigma_prime_of_a", "BP2",
            "σ′ is applied to a^ℓ instead of z^ℓ: BP2 needs σ′(z^ℓ) (for the sigmoid, "
            "σ′(z) = a(1 − a) with a = σ(z), not σ′(a))", True,
            substitute=sigma_prime(_prime_of_a, output=False, hidden=True),
        ),
        Mistake(
            "bp2_prime_form_on_z", "BP2",
            "σ′ written with a (a(1 − a) for the sigmoid, 1 − a² for tanh) is given z^ℓ "
            "instead of a^ℓ", True,
            substitute=sigma_prime(_prime_on_z, output=False, hidden=True),
        ),
        Mistake(
            "bp2_transposed_w", "BP2",
            "W^{ℓ+1} is not transposed: BP2 carries δ back with (W^{ℓ+1})ᵀ δ^{ℓ+1}", True,
            substitute=bp2_weights("untransposed"),
        ),
        Mistake(
            "bp2_sigma_prime_next_layer", "BP2",
            "layer index off by one: σ′ is taken of z^{ℓ+1}, the layer above; BP2 "
            "needs σ′(z^ℓ) of the layer whose δ it computes", True,
            substitute=bp2_sigma_prime_next_layer,
        ),
        Mistake(
            "bp2_weights_wrong_layer", "BP2",
            "layer index off by one: BP2 uses W^ℓ; δ^ℓ comes back through the weights "
            "of the layer above, (W^{ℓ+1})ᵀ δ^{ℓ+1}", True,
            substitute=bp2_weights("wrong layer"),
        ),
        Mistake(
            "loop_stops_early", "BP2",
            "layer 1's gradients are all zero: your loop stops one layer early (Nielsen's "
            "runs l = 2 … num_layers − 1: range(2, self.num_layers))",
            finish=layer_1_left_zero, layer="1",
        ),
        Mistake(
            "layers_reversed", "order",
            "your lists hold the layers in reverse order: the first entry is layer L's "
            "gradient. nabla_w[0] must be ∂C/∂W¹ — reverse the lists (or insert each "
            "layer's gradient at the front) before returning",
            finish=reversed_order, layer="1",
        ),
        Mistake(
            "sum_not_mean", "BP3",
            "the gradients are summed over the batch instead of averaged: they are m "
            "times too large (BP3 and BP4 divide by m, the batch size)",
            finish=summed("wb"),
        ),
        Mistake(
            "bp3_sum_not_mean", "BP3",
            "∂C/∂b is summed over the batch instead of averaged (m times too large); "
            "BP3 is the mean of δ^ℓ over the samples",
            finish=summed("b"),
        ),
        Mistake(
            "bp4_sum_not_mean", "BP4",
            "∂C/∂W is summed over the batch instead of averaged (m times too large); "
            "BP4 is (1/m) Δ^ℓ (A^{ℓ−1})ᵀ",
            finish=summed("w"),
        ),
        Mistake(
            "bp4_a_current", "BP4",
            "BP4 uses a^ℓ instead of a^{ℓ−1}: ∂C/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ, the activations "
            "feeding the layer", True,
            substitute=bp4_reads_a_current,
        ),
        Mistake(
            "bp4_transposed", "BP4",
            "∂C/∂W^ℓ is transposed: it is δ^ℓ (a^{ℓ−1})ᵀ, shape (n_ℓ, n_{ℓ−1}) like W^ℓ", True,
            finish=transposed_bp4,
        ),
    )
}  # fmt: skip


def with_forward(act: Activation, sigma: Callable[[Array], Array]) -> Activation:
    """The sigmoid with its σ(z) replaced by ``sigma`` (other activations unchanged)."""
    if act.name != "sigmoid":
        return act

    def f(z, out=None):
        a = np.asarray(sigma(z.copy()), dtype=float)
        if out is None:
            return a
        out[...] = a
        return out

    return dataclasses.replace(act, f=f, f_unguarded=f)


def helper_mistakes(sigmoid_prime=None, cost_derivative=None, sigmoid=None) -> list[Mistake]:
    """Mistakes made with the learner's own helpers: their ``sigmoid(z)`` in the forward
    pass, their ``sigmoid_prime(z)`` as σ′ at every layer, their ``cost_derivative(a, y)``
    as ∇_a C. Tried when the helper differs from the true function, so that a wrong helper
    is named as such."""
    found = []
    if sigmoid is not None:

        def sigmoid_hint(case: Case) -> str:
            z = np.array([[0.5]])
            got = float(np.asarray(sigmoid(z.copy()), dtype=float).ravel()[0])
            return (
                f"your sigmoid is wrong: sigmoid(0.5) returns {got:.4g}; σ(0.5) = 1/(1 + e^−0.5) "
                f"= 0.6225. The forward pass, and every gradient after it, uses it"
            )

        found.append(
            Mistake("learner_sigmoid", "sigmoid", sigmoid_hint, forward=sigmoid, layer="1")
        )
    if sigmoid_prime is not None:

        def theirs(act: Activation):
            return lambda z, a: np.asarray(sigmoid_prime(z.copy()), dtype=float)

        found.append(
            Mistake(
                "learner_sigma_prime", "σ′", sigma_prime_hint(theirs),
                substitute=sigma_prime(theirs, output=True, hidden=True, general_bp1=True),
                layer="L",
            )
        )  # fmt: skip
    if cost_derivative is not None:

        def hint(case: Case) -> str:
            a, y = np.array([[0.8]]), np.array([[1.0]])
            got = float(np.asarray(cost_derivative(a.copy(), y.copy()), dtype=float).ravel()[0])
            want = float(case.cost_function.grad_a(a, y)[0, 0])
            name = case.cost.replace("_", "-")
            return (
                f"your cost_derivative is wrong: cost_derivative(a=0.8, y=1) returns {got:.4g}; "
                f"∂C/∂a of the {name} cost is {want:.4g} (a − y for the quadratic cost). "
                f"BP1 takes ∇_a C from it"
            )

        found.append(
            Mistake(
                "learner_cost_derivative", "cost_derivative", hint,
                substitute=with_grad_a(
                    lambda a, y: np.asarray(cost_derivative(a.copy(), y.copy()), dtype=float)
                ),
                layer="L",
            )
        )  # fmt: skip
    return found


def variant_backprop(case: Case, mistake: Mistake | None = None, layer: int | None = None):
    """BP1–BP4 on ``case`` by the engine's :func:`~backproplab.engine.backward.backprop`,
    with ``mistake`` made at every layer it applies to (``layer`` None) or at layer
    ``layer`` only; no mistake gives the engine's gradients.

    Returns:
        :class:`Gradients` with the deltas.

    Raises:
        ValueError: where the mistaken expression has no valid shapes on this case.
    """
    acts = case.layer_activations
    if mistake is not None and mistake.forward is not None:
        acts = [with_forward(act, mistake.forward) for act in acts]
    zs, activations = feedforward(case.weights, case.biases, case.X, acts)
    terms = Terms(
        list(case.weights), list(activations), list(acts), case.cost_function,
        case.n_layers, case.n_samples, list(zs),
    )  # fmt: skip
    if mistake is not None and mistake.substitute is not None:
        mistake.substitute(terms, layer)
    grads_w, grads_b, deltas = backprop(
        terms.weights, zs, terms.a_in, case.Y, terms.sigmas, terms.cost, return_deltas=True
    )
    result = Gradients(list(grads_w), list(grads_b), list(deltas))
    if mistake is not None and mistake.finish is not None:
        result = mistake.finish(result, layer, case.n_samples)
    return result
