"""How a nudge to one parameter moves z, a and the cost (the notebook's three-panel picture).

Shift one weight ``W^ℓ[j, k]`` (or bias ``b^ℓ[j]``) by each of a range of amounts and
record, for every amount, the weighted input ``z_j^ℓ`` of the neuron it feeds, the output
``a^L`` and the cost C. The slope of C at amount 0 is ``∂C/∂w``, which backprop computes
without any nudging.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.costs import mean_cost
from ..engine.forward import feedforward
from ..validation import check_XY


@dataclass
class NudgeResult:
    """What :func:`nudge` measured.

    Attributes:
        amounts: the shifts applied, shape (n_amounts,).
        value: the parameter's value before any shift.
        z: ``z_j^ℓ`` of the neuron the parameter feeds, shape (n_amounts, n_samples).
        a: the network output ``a^L``, shape (n_amounts, n_out, n_samples).
        cost: the mean cost C, shape (n_amounts,).
        slope: the centred finite-difference slope ``dC/dθ`` at amount 0.
        gradient: backprop's ``∂C/∂θ`` for the same parameter.
        name: e.g. ``"W3[0, 1]"``: layer ℓ = 3, row j = 0, column k = 1.
    """

    amounts: np.ndarray
    value: float
    z: np.ndarray
    a: np.ndarray
    cost: np.ndarray
    slope: float
    gradient: float
    name: str


def nudge(net, X, Y, layer: int, index, amounts, *, param: str = "W", h: float = 1e-6):
    """Shift one parameter through ``amounts`` and record z, a and C.

    Args:
        net: a :class:`~backproplab.Network`; restored exactly afterwards.
        X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
        layer: ℓ, from 1 (the first layer of weights) to L.
        index: ``(j, k)`` for a weight, ``j`` for a bias.
        amounts: the shifts, 1-D.
        param: ``"W"`` or ``"b"``.
        h: the step of the finite-difference slope.

    Returns:
        A :class:`NudgeResult`.
    """
    X, Y = check_XY(X, Y, net.sizes[0], net.sizes[-1], net.dtype)
    L = len(net.weights)
    if not 1 <= layer <= L:
        raise ValueError(f"layer must be between 1 and {L}, got {layer}")
    if param not in ("W", "b"):
        raise ValueError(f"param must be 'W' or 'b', got {param!r}")
    P = (net.weights if param == "W" else net.biases)[layer - 1]
    idx = tuple(np.atleast_1d(index)) if param == "W" else (int(index), 0)
    if len(idx) != 2 or not all(0 <= i < n for i, n in zip(idx, P.shape, strict=True)):
        raise ValueError(f"index {index!r} is outside {param}{layer} of shape {P.shape}")
    amounts = np.asarray(amounts, dtype=np.float64).ravel()
    XT, YT = X.T, Y.T
    old = P[idx]

    def run(shift):
        P[idx] = old + shift
        zs, acts = feedforward(net.weights, net.biases, XT, net.layer_activations)
        cost = mean_cost(net.cost_function, acts[-1], YT)
        return zs[layer - 1][idx[0]].copy(), acts[-1].copy(), cost

    try:
        results = [run(s) for s in amounts]
        slope = (run(h)[2] - run(-h)[2]) / (2 * h)
    finally:
        P[idx] = old
    grads_w, grads_b = net.backprop(X, Y)
    gradient = float((grads_w if param == "W" else grads_b)[layer - 1][idx])
    return NudgeResult(
        amounts=amounts,
        value=float(old),
        z=np.array([r[0] for r in results]),
        a=np.array([r[1] for r in results]),
        cost=np.array([r[2] for r in results]),
        slope=float(slope),
        gradient=gradient,
        name=f"{param}{layer}[{idx[0]}, {idx[1]}]" if param == "W" else f"b{layer}[{idx[0]}]",
    )
