"""Rung 2: one neuron at a time. Explicit loops over samples, neurons j and inputs k.

For neuron j of layer ℓ and neuron k of layer ℓ−1:

- BP1 ``δ_j^L = (a_j^L − y_j) σ'(z_j^L)``
- ``∂C/∂a_k^{ℓ−1} = Σ_j w_jk^ℓ δ_j^ℓ``: a_k feeds every neuron of layer ℓ, so every one of
  them passes blame back (this sum is BP2 before the σ' factor)
- BP2 ``δ_k^{ℓ−1} = (∂C/∂a_k^{ℓ−1}) σ'(z_k^{ℓ−1})``
- BP3 ``∂C/∂b_j^ℓ = δ_j^ℓ``;  BP4 ``∂C/∂w_jk^ℓ = a_k^{ℓ−1} δ_j^ℓ``
"""

from __future__ import annotations

import numpy as np

from ...engine.activations import sigmoid, sigmoid_prime
from ._common import check_rung_arguments


def _forward_one(weights, biases, x):
    """z[ℓ−1][j] and a[ℓ][j] for one sample, one weighted sum per neuron."""
    a, z = [list(x)], []
    for W, b in zip(weights, biases, strict=True):
        n_out, n_in = W.shape
        z_layer = []
        for j in range(n_out):
            total = float(b[j, 0])
            for k in range(n_in):
                total += float(W[j, k]) * a[-1][k]
            z_layer.append(total)
        z.append(z_layer)
        a.append([float(sigmoid(zj)) for zj in z_layer])
    return z, a


def per_neuron(weights, biases, X, Y):
    """Gradients of the batch-mean quadratic cost, sigmoid layers, loops over j and k.

    Args:
        weights: ``W^ℓ`` of shape (n_ℓ, n_{ℓ−1}). biases: (n_ℓ, 1). X: (n_samples, n_0).
        Y: (n_samples,) or (n_samples, n_L).

    Returns:
        ``(grads_w, grads_b)`` shaped like the weights and biases.
    """
    weights, biases, X, Y = check_rung_arguments(weights, biases, X, Y)
    grads_w = [np.zeros_like(W) for W in weights]
    grads_b = [np.zeros_like(b) for b in biases]
    L = len(weights)
    for x, y in zip(X.tolist(), Y.tolist(), strict=True):
        z, a = _forward_one(weights, biases, x)
        delta = [  # BP1, one output neuron at a time
            (a[L][j] - y[j]) * float(sigmoid_prime(z[L - 1][j], a[L][j])) for j in range(len(y))
        ]
        for i in range(L - 1, -1, -1):  # i = ℓ − 1
            W = weights[i]
            n_out, n_in = W.shape
            for j in range(n_out):
                grads_b[i][j, 0] += delta[j]  # BP3
                for k in range(n_in):
                    grads_w[i][j, k] += a[i][k] * delta[j]  # BP4
            if i > 0:
                dC_da = [sum(float(W[j, k]) * delta[j] for j in range(n_out)) for k in range(n_in)]
                delta = [  # BP2
                    dC_da[k] * float(sigmoid_prime(z[i - 1][k], a[i][k])) for k in range(n_in)
                ]
    n = len(X)
    return [g / n for g in grads_w], [g / n for g in grads_b]
