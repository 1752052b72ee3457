"""Rung 4: the batch as a stack of column vectors, a 3-D array of shape (n, neurons, 1).

``matmul`` (``@``) treats a 3-D array as a stack of matrices in its last two axes, so
``W @ A`` multiplies W into every sample's column at once, and ``δ @ aᵀ`` forms every
sample's outer product at once; summing over axis 0 adds them up:

- BP1 ``δ^L = (a^L − y) ⊙ σ'(z^L)``,                   (n, n_L, 1)
- BP2 ``δ^ℓ = (W^{ℓ+1})ᵀ δ^{ℓ+1} ⊙ σ'(z^ℓ)``,          (n_ℓ, n_{ℓ+1}) @ (n, n_{ℓ+1}, 1)
- BP3 ``∂C/∂b^ℓ = Σ_x δ_x^ℓ``,                          sum over axis 0 → (n_ℓ, 1)
- BP4 ``∂C/∂W^ℓ = Σ_x δ_x^ℓ (a_x^{ℓ−1})ᵀ``,             (n, n_ℓ, 1) @ (n, 1, n_{ℓ−1}), summed

BP4's sum of outer products is also one ``einsum``, the form the notebook writes:
``np.einsum("xjo,xko->jk", delta, a_prev)`` — for every sample x, δ_j times a_k, summed
over x (and the length-1 axis o). :func:`bp4_einsum` computes it that way; the tests
prove both forms equal.
"""

from __future__ import annotations

import numpy as np

from ...engine.activations import sigmoid, sigmoid_prime
from ._common import check_rung_arguments


def bp4_einsum(delta, a_prev):
    """``Σ_x δ_x (a_x)ᵀ`` for stacks δ (n, n_ℓ, 1) and a_prev (n, n_{ℓ−1}, 1), by einsum:
    (n_ℓ, n_{ℓ−1})."""
    return np.einsum("xjo,xko->jk", delta, a_prev)


def batch_tensor(weights, biases, X, Y, *, einsum: bool = False):
    """Gradients of the batch-mean quadratic cost with 3-D stacks of per-sample columns.

    Args:
        weights: (n_ℓ, n_{ℓ−1}). biases: (n_ℓ, 1). X: (n_samples, n_0). Y: (n_samples, n_L).
        einsum: form BP4 with :func:`bp4_einsum` instead of stacked outer products.
    """
    weights, biases, X, Y = check_rung_arguments(weights, biases, X, Y)
    n = len(X)
    a = X[:, :, None]  # (n, n_0, 1): a stack of column vectors
    activations, zs = [a], []
    for W, b in zip(weights, biases, strict=True):
        z = W @ a + b  # (n_ℓ, n_{ℓ−1}) @ (n, n_{ℓ−1}, 1) + (n_ℓ, 1) -> (n, n_ℓ, 1)
        a = sigmoid(z)
        zs.append(z)
        activations.append(a)
    L = len(weights)
    grads_w, grads_b = [None] * L, [None] * L
    delta = (activations[-1] - Y[:, :, None]) * sigmoid_prime(zs[-1], activations[-1])  # BP1
    for i in range(L - 1, -1, -1):  # i = ℓ − 1
        grads_b[i] = delta.sum(axis=0) / n  # BP3: (n_ℓ, 1)
        if einsum:
            grads_w[i] = bp4_einsum(delta, activations[i]) / n  # BP4, the notebook's form
        else:
            a_prev_T = activations[i].transpose(0, 2, 1)  # (n, 1, n_{ℓ−1})
            grads_w[i] = (delta @ a_prev_T).sum(axis=0) / n  # BP4: (n_ℓ, n_{ℓ−1})
        if i > 0:
            delta = (weights[i].T @ delta) * sigmoid_prime(zs[i - 1], activations[i])  # BP2
    return grads_w, grads_b
