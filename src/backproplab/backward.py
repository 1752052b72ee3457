"""The backward pass: the four fundamental equations in matrix form, for a whole batch.

With one column per sample, ``Δ^ℓ`` stacks the per-sample errors ``δ^ℓ`` as columns:

- BP1  ``Δ^L = ∇_a C ⊙ σ'(Z^L)``                      (:func:`backproplab.costs.output_delta`)
- BP2  ``Δ^ℓ = ((W^{ℓ+1})ᵀ Δ^{ℓ+1}) ⊙ σ'(Z^ℓ)``
- BP3  ``∂C/∂b^ℓ = Σ_samples δ^ℓ``  (the row sums of Δ^ℓ)
- BP4  ``∂C/∂W^ℓ = Σ_samples δ^ℓ (a^{ℓ−1})ᵀ = Δ^ℓ (A^{ℓ−1})ᵀ``  (one matrix product)

The cost differentiated is the batch mean ``C = (1/m) Σ_x C_x``, so ``Δ^L`` is divided by m
once and every gradient below inherits the factor. Layer numbering is that of
:mod:`backproplab.forward`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation
from .costs import Cost, output_delta

Array = np.ndarray


def backprop(
    weights: Sequence[Array],
    zs: Sequence[Array],
    activations: Sequence[Array],
    Y: Array,
    layer_activations: Sequence[Activation],
    cost: Cost,
) -> tuple[list[Array], list[Array]]:
    """Gradients of the batch-mean cost from a forward pass's ``zs`` and ``activations``.

    Args:
        weights: ``W^ℓ`` of shape (n_ℓ, n_{ℓ−1}).
        zs, activations: as returned by :func:`backproplab.forward.feedforward`.
        Y: targets, shape (n_L, m): one column per sample.
        layer_activations: σ for each layer.
        cost: the cost C_x.

    Returns:
        ``(grads_w, grads_b)``, shaped like the weights (n_ℓ, n_{ℓ−1}) and biases (n_ℓ, 1).
    """
    L = len(weights)
    m = Y.shape[1]
    grads_w: list[Array] = [None] * L  # type: ignore[list-item]
    grads_b: list[Array] = [None] * L  # type: ignore[list-item]
    delta = output_delta(cost, layer_activations[-1], zs[-1], activations[-1], Y) / m  # BP1
    for i in range(L - 1, -1, -1):  # i = ℓ − 1, from the output layer back to the first
        grads_b[i] = delta.sum(axis=1, keepdims=True)  # BP3: (n_ℓ, 1)
        grads_w[i] = delta @ activations[i].T  # BP4: (n_ℓ, m) @ (m, n_{ℓ−1})
        if i > 0:
            # BP2: (n_{ℓ−1}, n_ℓ) @ (n_ℓ, m), then ⊙ σ'(Z^{ℓ−1})
            delta = layer_activations[i - 1].backward(
                zs[i - 1], activations[i], weights[i].T @ delta
            )
    return grads_w, grads_b
