"""Centred finite differences of the cost, and how precise they (and backprop) can be.

:func:`numeric_gradient` nudges one entry θ_i of the flat parameter vector at a time,

    Δ_i = (C(θ + ε e_i) − C(θ − ε e_i)) / 2ε  ≈  ∂C/∂θ_i,

always in float64, on a copy of the parameters. Where the nudge moves some z across a
kink of σ (ReLU's at z = 0), the two sides see different slopes and Δ_i means nothing;
such entries are found by σ′ jumping between the two evaluations and are reported, not
compared.

:func:`resolution` says how small a difference between Δ and backprop's g can still be
told from rounding, per entry:

- **the finite difference's own rounding.** Each C(θ ± ε e_i) is computed with a
  rounding error ``e_C``; their difference divided by 2ε is off by up to ``e_C / ε``.
  ``e_C`` is bounded by ``u·(|C| + Σ_ℓ mean_x Σ_j |δ^ℓ_j| (|W^ℓ| |a^{ℓ−1}| + |b^ℓ|)_j)``:
  the cost's own rounding plus every z's rounding (``u`` times its terms' magnitudes)
  carried to C by ``δ^ℓ = ∂C_x/∂z^ℓ``. With u = 1.1e-16 (float64), C ≈ 0.1 and ε = 1e-7
  that is about 1e-10 per entry: a gradient far below that cannot be checked this way.
- **backprop's own rounding, in the network's dtype.** BP3 and BP4 sum over samples and
  BP2 over neurons; where the terms cancel, the result keeps the rounding of the terms.
  The terms' magnitudes are the same equations with every factor made positive,
  ``D^L = |Δ^L|``, ``D^ℓ = (|W^{ℓ+1}|ᵀ D^{ℓ+1}) ⊙ |σ′(z^ℓ)|``, ``M_W^ℓ = D^ℓ |A^{ℓ−1}|ᵀ / m``,
  ``M_b^ℓ = mean_x D^ℓ``; the bound is ``γ · u_dtype · M`` with γ = L + 4 (negligible in
  float64; in float32, u = 6e-8, it matters where a layer's gradient is mostly
  cancellation), plus, for a network that is not float64, the measured difference between
  those equations run in its dtype and in float64 on the same parameters.
"""

from __future__ import annotations

import numpy as np

from ..engine.backward import backprop
from ..engine.costs import mean_cost
from ..engine.forward import feedforward
from ..engine.parameters import as_views
from ..engine.penalties import penalty

Array = np.ndarray

SAFETY = 4.0  # the bounds' constant: rounding is rarely as bad as u·(sum of magnitudes)
KINK_JUMP = 1e-3  # |σ′(z+) − σ′(z−)| above this is a kink, not a smooth slope (~1e-7)


def numeric_gradient(net, A0: Array, Y: Array, chosen: Array, epsilon: float,
                     penalties=(0.0, 0.0, 1)) -> tuple[Array, Array]:  # fmt: skip
    """Δ_i for each index i into θ in ``chosen``, and which of them straddled a kink.

    Args:
        net: a :class:`~backproplab.Network`; left untouched.
        A0: inputs (n_0, m), one column per sample. Y: targets (n_L, m).
        chosen: indices into θ (see :func:`backproplab.engine.parameters.flatten`).
        epsilon: the step ε. penalties: ``(λ₂, λ₁, n)`` of the weight penalty.

    Returns:
        ``(numeric, kinked)``: float64 arrays of ``len(chosen)``; ``kinked[k]`` is True
        where the nudge of θ_{chosen[k]} moved a z across a kink of its σ.
    """
    theta, weights, biases = as_views(net.weights, net.biases, np.float64)
    A0, Y = A0.astype(np.float64), Y.astype(np.float64)
    acts = net.layer_activations
    hidden = [(i, act) for i, act in enumerate(acts[:-1])]  # σ′ is diagonal there

    def evaluate() -> tuple[float, list[Array]]:
        zs, activations = feedforward(weights, biases, A0, acts)
        C = mean_cost(net.cost_function, activations[-1], Y) + penalty(weights, *penalties)
        slopes = [act.prime(zs[i], activations[i + 1]) for i, act in hidden]
        if acts[-1].hidden_ok:  # element-wise σ′ (softmax has none)
            slopes.append(acts[-1].prime(zs[-1], activations[-1]))
        return C, slopes

    numeric = np.empty(len(chosen))
    kinked = np.zeros(len(chosen), dtype=bool)
    with np.errstate(all="ignore"):
        for k, i in enumerate(chosen):
            old = theta[i]
            theta[i] = old + epsilon
            plus, slopes_plus = evaluate()
            theta[i] = old - epsilon
            minus, slopes_minus = evaluate()
            theta[i] = old
            numeric[k] = (plus - minus) / (2 * epsilon)
            kinked[k] = any(
                np.max(np.abs(p - q), initial=0.0) > KINK_JUMP
                for p, q in zip(slopes_plus, slopes_minus, strict=True)
            )
    return numeric, kinked


def resolution(net, A0: Array, Y: Array, epsilon: float, penalties=(0.0, 0.0, 1)) -> Array:
    """Per entry of θ (the layout of :func:`~backproplab.engine.parameters.flatten`), the
    size of a difference ``|Δ_i − g_i|`` that rounding alone can explain: the finite
    difference's ``e_C / ε`` plus backprop's ``γ · u_dtype · M_i`` (module docstring).
    Shape (n_params,), float64."""
    _, weights, biases = as_views(net.weights, net.biases, np.float64)
    A0, Y = A0.astype(np.float64), Y.astype(np.float64)
    acts, cost = net.layer_activations, net.cost_function
    l2, l1, n = penalties
    with np.errstate(all="ignore"):
        zs, activations = feedforward(weights, biases, A0, acts)
        deltas = backprop(weights, zs, activations, Y, acts, cost, return_deltas=True)[2]
        m, L = A0.shape[1], len(weights)
        C = abs(mean_cost(cost, activations[-1], Y) + penalty(weights, *penalties))
        # every z's rounding, carried to C by δ = ∂C_x/∂z
        z_terms = sum(
            float(np.sum(np.abs(D) * (np.abs(W) @ np.abs(A) + np.abs(b)))) / m
            for D, W, A, b in zip(deltas, weights, activations[:-1], biases, strict=True)
        )
        u64 = np.finfo(np.float64).eps
        fd = SAFETY * u64 * (C + z_terms) / epsilon
        # backprop's terms, every factor made positive
        D = [np.abs(d) for d in deltas]
        for i in range(L - 2, -1, -1):
            D[i] = (np.abs(weights[i + 1]).T @ D[i + 1]) * np.abs(
                acts[i].prime(zs[i], activations[i + 1])
            )
        M_w = [Di @ np.abs(A).T / m + (l2 / n) * np.abs(W) + (l1 / n)
               for Di, A, W in zip(D, activations[:-1], weights, strict=True)]  # fmt: skip
        M_b = [Di.mean(axis=1, keepdims=True) for Di in D]
    u = np.finfo(net.dtype).eps
    magnitudes = np.concatenate([x.ravel() for x in M_w + M_b])
    bound = fd + SAFETY * (L + 4) * u * magnitudes
    if net.dtype != np.float64:
        bound = bound + SAFETY * _dtype_rounding(net, A0, Y, weights, biases, zs, activations)
    return np.where(np.isfinite(bound), bound, np.inf)


def _dtype_rounding(net, A0, Y, weights64, biases64, zs64, activations64) -> Array:
    """|g_dtype − g_float64| per entry of θ: the same equations (the engine's
    :func:`~backproplab.engine.backward.backprop`) run in the network's dtype and in
    float64 on the same parameters. This measures what the formula-level bound misses,
    such as σ′ = a(1 − a) near a saturated a = 0.99998, whose 1 − a keeps only a few
    float32 digits."""
    acts, cost, dtype = net.layer_activations, net.cost_function, net.dtype
    with np.errstate(all="ignore"):
        zs, activations = feedforward(net.weights, net.biases, A0.astype(dtype), acts)
        low = backprop(net.weights, zs, activations, Y.astype(dtype), acts, cost)
        high = backprop(weights64, zs64, activations64, Y, acts, cost)
        return np.abs(
            np.concatenate([g.ravel() for g in [*low[0], *low[1]]]).astype(np.float64)
            - np.concatenate([g.ravel() for g in [*high[0], *high[1]]])
        )
