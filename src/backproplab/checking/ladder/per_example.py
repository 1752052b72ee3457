"""Rung 3: vectors and matrices, one sample at a time (Nielsen's ``backprop``).

For one sample, a column vector ``x`` of shape (n_0, 1):

- BP1 ``δ^L = (a^L − y) ⊙ σ'(z^L)``
- BP2 ``δ^ℓ = (W^{ℓ+1})ᵀ δ^{ℓ+1} ⊙ σ'(z^ℓ)``
- BP3 ``∂C_x/∂b^ℓ = δ^ℓ``
- BP4 ``∂C_x/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ``  (an outer product, (n_ℓ, 1) @ (1, n_{ℓ−1}))

The per-sample gradients are then summed over the batch. :func:`train_per_example` runs
Nielsen's mini-batch SGD on this rung with every operation in his order, so that it gives
bit-for-bit the weights of his ``network.py``.
"""

from __future__ import annotations

import numpy as np

from ...engine.activations import sigmoid, sigmoid_prime
from ...validation import check_positive_float, check_positive_int
from ._common import check_rung_arguments


def backprop_one(weights, biases, x, y):
    """``(nabla_w, nabla_b)``: gradients of C_x = ½‖a^L − y‖² for one sample.

    Args:
        x: (n_0, 1) column. y: (n_L, 1) column.
    """
    a, activations, zs = x, [x], []
    for W, b in zip(weights, biases, strict=True):
        z = W @ a + b  # (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, 1) + (n_ℓ, 1)
        a = sigmoid(z)
        zs.append(z)
        activations.append(a)
    L = len(weights)
    nabla_w, nabla_b = [None] * L, [None] * L
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1], activations[-1])  # BP1
    for i in range(L - 1, -1, -1):  # i = ℓ − 1
        nabla_b[i] = delta  # BP3
        nabla_w[i] = delta @ activations[i].T  # BP4: (n_ℓ, 1) @ (1, n_{ℓ−1})
        if i > 0:
            delta = (weights[i].T @ delta) * sigmoid_prime(zs[i - 1], activations[i])  # BP2
    return nabla_w, nabla_b


def _summed_gradients(weights, biases, X, Y):
    nabla_w = [np.zeros(W.shape) for W in weights]
    nabla_b = [np.zeros(b.shape) for b in biases]
    for x, y in zip(X, Y, strict=True):
        dw, db = backprop_one(weights, biases, x.reshape(-1, 1), y.reshape(-1, 1))
        nabla_w = [nw + d for nw, d in zip(nabla_w, dw, strict=True)]
        nabla_b = [nb + d for nb, d in zip(nabla_b, db, strict=True)]
    return nabla_w, nabla_b


def per_example(weights, biases, X, Y):
    """Gradients of the batch-mean quadratic cost: per-sample BP1–BP4, summed, divided by n.

    Args:
        weights: (n_ℓ, n_{ℓ−1}). biases: (n_ℓ, 1). X: (n_samples, n_0). Y: (n_samples, n_L).
    """
    weights, biases, X, Y = check_rung_arguments(weights, biases, X, Y)
    nabla_w, nabla_b = _summed_gradients(weights, biases, X, Y)
    n = len(X)
    return [g / n for g in nabla_w], [g / n for g in nabla_b]


def train_per_example(weights, biases, X, Y, *, epochs, batch_size, eta):
    """Nielsen's mini-batch SGD on this rung, without shuffling; returns new parameters.

    Each mini-batch of ``batch_size`` consecutive samples (the last may be shorter) sums
    the per-sample gradients and steps ``W ← W − (η / len(batch)) Σ ∂C_x/∂W``.
    """
    weights, biases, X, Y = check_rung_arguments(weights, biases, X, Y)
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    eta = check_positive_float(eta, "eta")
    for _ in range(epochs):
        for start in range(0, len(X), batch_size):
            Xb, Yb = X[start : start + batch_size], Y[start : start + batch_size]
            nabla_w, nabla_b = _summed_gradients(weights, biases, Xb, Yb)
            step = eta / len(Xb)
            weights = [W - step * nw for W, nw in zip(weights, nabla_w, strict=True)]
            biases = [b - step * nb for b, nb in zip(biases, nabla_b, strict=True)]
    return weights, biases
