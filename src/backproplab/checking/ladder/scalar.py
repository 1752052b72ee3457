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

from ...engine.activations import sigmoid, sigmoid_prime
from ._common import check_rung_arguments


def scalar(weights, biases, X, Y):
    """Gradients of the batch-mean quadratic cost for a chain of width-1 sigmoid layers.

    Args:
        weights, biases: lists of (1, 1) arrays. X: (n_samples, 1). Y: (n_samples,) or
            (n_samples, 1).

    Returns:
        ``(grads_w, grads_b)``: lists of (1, 1) arrays.
    """
    weights, biases, X, Y = check_rung_arguments(weights, biases, X, Y)
    if any(W.shape != (1, 1) for W in weights):
        shapes = [W.shape for W in weights]
        raise ValueError(f"the scalar rung needs every layer of width 1, got W shapes {shapes}")
    w = [float(W[0, 0]) for W in weights]
    b = [float(B[0, 0]) for B in biases]
    L, n = len(w), len(X)
    dw, db = [0.0] * L, [0.0] * L
    for x, y in zip(X[:, 0].tolist(), Y[:, 0].tolist(), strict=True):
        a, z = [x], []  # a[ℓ] is a^ℓ (a[0] = x); z[ℓ−1] is z^ℓ; w[ℓ−1] is w^ℓ
        for i in range(L):  # i = ℓ − 1
            z.append(w[i] * a[i] + b[i])  # z^ℓ = w^ℓ a^{ℓ−1} + b^ℓ
            a.append(float(sigmoid(z[i])))
        delta = (a[L] - y) * float(sigmoid_prime(z[L - 1], a[L]))  # BP1
        for i in range(L - 1, -1, -1):  # i = ℓ − 1, from the output layer back
            db[i] += delta  # BP3: δ^ℓ
            dw[i] += a[i] * delta  # BP4: a^{ℓ−1} δ^ℓ
            if i > 0:
                delta = w[i] * delta * float(sigmoid_prime(z[i - 1], a[i]))  # BP2
    return [np.array([[g / n]]) for g in dw], [np.array([[g / n]]) for g in db]
