"""Rung 1: the 1-D chain. Every layer has one neuron, every quantity is a Python float.

For a chain ``x → z¹ → a¹ → … → z^L → a^L`` with ``z^ℓ = w^ℓ a^{ℓ−1} + b^ℓ``, the four
equations are plain products of numbers:

- BP1 ``δ^L = (a^L − y) σ'(z^L)``
- BP2 ``δ^ℓ = w^{ℓ+1} δ^{ℓ+1} σ'(z^ℓ)``
- BP3 ``∂C/∂b^ℓ = δ^ℓ``
- BP4 ``∂C/∂w^ℓ = a^{ℓ−1} δ^ℓ``
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, sigmoid_prime
from ._common import prepare


def scalar(weights, biases, X, Y):
    """Gradients of the batch-mean quadratic cost for a chain of width-1 sigmoid layers.

    Args:
        weights, biases: lists of (1, 1) arrays. X: (n_samples, 1). Y: (n_samples,) or
            (n_samples, 1).

    Returns:
        ``(grads_w, grads_b)``: lists of (1, 1) arrays.
    """
    weights, biases, X, Y = prepare(weights, biases, X, Y)
    if any(W.shape != (1, 1) for W in weights):
        shapes = [W.shape for W in weights]
        raise ValueError(f"the scalar rung needs every layer of width 1, got W shapes {shapes}")
    w = [float(W[0, 0]) for W in weights]
    b = [float(B[0, 0]) for B in biases]
    L, n = len(w), len(X)
    dw, db = [0.0] * L, [0.0] * L
    for x, y in zip(X[:, 0].tolist(), Y[:, 0].tolist(), strict=True):
        a, z = [x], []  # a[ℓ] is a^ℓ (a[0] = x); z[ℓ−1] is z^ℓ
        for ell in range(L):
            z.append(w[ell] * a[ell] + b[ell])
            a.append(float(sigmoid(z[ell])))
        delta = (a[L] - y) * float(sigmoid_prime(z[L - 1], a[L]))  # BP1
        for ell in range(L - 1, -1, -1):  # the list index of layer ℓ + 1
            db[ell] += delta  # BP3
            dw[ell] += a[ell] * delta  # BP4: a^{ℓ−1} δ^ℓ
            if ell > 0:
                delta = w[ell] * delta * float(sigmoid_prime(z[ell - 1], a[ell]))  # BP2
    return [np.array([[g / n]]) for g in dw], [np.array([[g / n]]) for g in db]
