"""The hook points of the readable backprop, and the rewrites of what it returns.

:func:`backproplab.engine.backward.backprop` reads four kinds of term; a mistake made
"inside" it hands it a substituted one (:class:`Terms`): ∇_a C (``cost``), σ′
(``sigmas``), the W of BP2 (``weights``) and the a^{ℓ−1} of BP4 (``a_in``). A ``finish``
rewrites the gradients it returned. :mod:`.mistakes` builds the catalogue from these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...engine.activations import Activation
from ...engine.costs import Cost

Array = np.ndarray


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


@dataclass
class Terms:
    """The terms :func:`~backproplab.engine.backward.backprop` reads, as a mistake may
    substitute them. Lists are indexed like the engine's: ``weights[ℓ−1]`` is the W^ℓ that
    BP2 reads for δ^{ℓ−1}; ``a_in[ℓ−1]`` the a^{ℓ−1} BP4 reads for layer ℓ (``a_in[L]`` is
    the a^L that BP1 reads); ``sigmas[ℓ−1]`` the σ whose σ′(z^ℓ) BP1/BP2 read; ``cost``
    the cost whose ``∇_a C`` BP1 reads."""

    weights: list[Array]
    a_in: list[Array]
    sigmas: list[Activation]
    cost: Cost
    L: int
    m: int
    zs: list[Array]  # the forward pass's z^ℓ, for hooks that read another layer's


Hook = Callable[[Terms, "int | None"], None]
Finish = Callable[[Gradients, "int | None", int], Gradients]


# ---- the hooks -----------------------------------------------------------------------


def with_grad_a(grad_a: Callable[[Array, Array], Array]) -> Hook:
    """BP1 reads ``grad_a(a, y)`` as ∇_a C (through the general path ∇_a C ⊙ σ′(z^L))."""

    def hook(t: Terms, ell) -> None:
        t.cost = dataclasses.replace(
            t.cost,
            grad_a=lambda a, y, out=None: grad_a(a, y),
            fused_with=None,
            sum_over_batch=None,
            total_leaves_grad_a=False,
        )

    return hook


def scaled_grad_a(factor: float) -> Hook:
    """BP1 reads ``factor · ∇_a C`` (through the general path, so it holds where the cost
    would cancel σ′ too)."""

    def hook(t: Terms, ell) -> None:
        cost = t.cost
        with_grad_a(lambda a, y: factor * cost.grad_a(a, y))(t, ell)

    return hook


def sigma_prime(make: Callable[[Activation], Callable], *, output: bool, hidden: bool,
                general_bp1: bool = False) -> Hook:  # fmt: skip
    """σ′ replaced by ``make(σ)(z, a)`` at the output layer (BP1) and/or the hidden ones
    (BP2; at layer ``ell`` only when given). ``general_bp1``: BP1 takes ∇_a C ⊙ σ′ even
    where the cost would cancel σ′ (the learner multiplies by their σ′ whatever the cost)."""

    def hook(t: Terms, ell) -> None:
        for i, act in enumerate(t.sigmas):
            is_output = i == t.L - 1
            if (is_output and output) or (not is_output and hidden and ell in (None, i + 1)):
                wrong = make(act)
                t.sigmas[i] = dataclasses.replace(
                    act, prime=lambda z, a, out=None, wrong=wrong: wrong(z, a)
                )
        if output and general_bp1:
            with_grad_a(t.cost.grad_a)(t, ell)

    return hook


def _from_z(act: Activation) -> Activation:
    """σ with σ′ computed from z alone (so the a's handed to backprop may be replaced)."""
    return dataclasses.replace(act, prime=lambda z, a, out=None: act.prime(z, act.f(z), out=out))


def bp4_reads_a_current(t: Terms, ell) -> None:
    """BP4 at layer ℓ reads a^ℓ where it needs a^{ℓ−1}."""
    t.sigmas = [_from_z(act) for act in t.sigmas]
    a = list(t.a_in)
    for i in range(t.L):
        if ell in (None, i + 1):
            t.a_in[i] = a[i + 1]


def bp2_weights(kind: str) -> Hook:
    """BP2 for δ^ℓ reads W^{ℓ+1} untransposed, or W^ℓ (the wrong layer's)."""

    def hook(t: Terms, ell) -> None:
        w = list(t.weights)
        for i in range(1, t.L):  # weights[i] = W^{i+1} carries δ back to layer i
            if ell in (None, i):
                t.weights[i] = w[i].T if kind == "untransposed" else w[i - 1]

    return hook


def bp2_sigma_prime_next_layer(t: Terms, ell) -> None:
    """BP2 for δ^ℓ reads σ′(z^{ℓ+1}), the layer above's, where it needs σ′(z^ℓ)."""
    sigmas = list(t.sigmas)
    for i in range(t.L - 1):  # hidden layer ℓ = i + 1
        if ell in (None, i + 1):
            above, z_above = sigmas[i + 1], t.zs[i + 1]
            t.sigmas[i] = dataclasses.replace(
                sigmas[i],
                prime=lambda z, a, out=None, s=above, za=z_above: s.prime(za, s.f(za)),
            )


# ---- the rewrites of what backprop returns -------------------------------------------


def summed(parts: str) -> Finish:
    def finish(g: Gradients, ell, m: int) -> Gradients:
        w = [x * m for x in g.grads_w] if "w" in parts else g.grads_w
        b = [x * m for x in g.grads_b] if "b" in parts else g.grads_b
        return Gradients(w, b, g.deltas)

    return finish


def transposed_bp4(g: Gradients, ell, m: int) -> Gradients:
    w = [x.T if ell in (None, i + 1) else x for i, x in enumerate(g.grads_w)]
    return Gradients(w, g.grads_b, g.deltas)


def reversed_order(g: Gradients, ell, m: int) -> Gradients:
    deltas = None if g.deltas is None else g.deltas[::-1]
    return Gradients(g.grads_w[::-1], g.grads_b[::-1], deltas)


def layer_1_left_zero(g: Gradients, ell, m: int) -> Gradients:
    if len(g.grads_w) < 2:
        raise ValueError("one layer: no loop to stop early")
    w, b = list(g.grads_w), list(g.grads_b)
    w[0], b[0] = np.zeros_like(w[0]), np.zeros_like(b[0])
    deltas = None if g.deltas is None else [np.zeros_like(g.deltas[0]), *g.deltas[1:]]
    return Gradients(w, b, deltas)
