"""The backward pass: the four fundamental equations in matrix form, for a whole batch.

With one column per sample, ``Δ^ℓ`` stacks the per-sample errors ``δ^ℓ`` as columns:

- BP1  ``Δ^L = ∇_a C ⊙ σ'(Z^L)``                      (:func:`backproplab.costs.output_delta`)
- BP2  ``Δ^ℓ = ((W^{ℓ+1})ᵀ Δ^{ℓ+1}) ⊙ σ'(Z^ℓ)``
- BP3  ``∂C/∂b^ℓ = Σ_samples δ^ℓ = Δ^ℓ 1``  (the row sums of Δ^ℓ: Δ^ℓ times a column of ones)
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
    m = Y.shape[1]
    grads_w = [np.empty(W.shape, Z.dtype) for W, Z in zip(weights, zs, strict=True)]
    grads_b = [np.empty((Z.shape[0], 1), Z.dtype) for Z in zs]
    deltas = [np.empty_like(Z) for Z in zs]
    scratch = [np.empty_like(Z) for Z in zs]
    backprop_into(
        weights,
        zs,
        activations,
        Y,
        layer_activations,
        cost,
        1 / m,
        deltas=deltas,
        scratch=scratch,
        grads_w=grads_w,
        grads_b=grads_b,
    )
    return grads_w, grads_b


def backprop_into(
    weights: Sequence[Array],
    zs: Sequence[Array],
    activations: Sequence[Array],
    Y: Array,
    layer_activations: Sequence[Activation],
    cost: Cost,
    scale: float,
    *,
    deltas: Sequence[Array],
    scratch: Sequence[Array],
    grads_w: Sequence[Array],
    grads_b: Sequence[Array],
    ones: Array | None = None,
) -> None:
    """:func:`backprop` into given arrays, with ``Δ^L`` multiplied by ``scale``.

    ``scale = 1/m`` gives the gradients of the batch-mean cost. Since every gradient is
    linear in ``Δ^L``, the training loop passes ``η/m`` instead and gets the SGD steps
    ``η ∂C/∂W^ℓ`` and ``η ∂C/∂b^ℓ`` with no separate pass to multiply them by η.

    Args:
        deltas, scratch: arrays shaped like ``zs``, (n_ℓ, m): ``deltas[ℓ−1]`` receives
            ``Δ^ℓ``; ``scratch[ℓ−1]`` holds ``∂C/∂A^ℓ`` on the way.
        grads_w, grads_b: receive the results, (n_ℓ, n_{ℓ−1}) and (n_ℓ, 1).
        ones: a column of m ones, (m, 1), for BP3 (made here if not given).
    """
    L = len(weights)
    if ones is None:
        ones = np.ones((Y.shape[1], 1), deltas[-1].dtype)
    delta = output_delta(
        cost, layer_activations[-1], zs[-1], activations[-1], Y, deltas[-1], scratch[-1]
    )  # BP1
    delta *= scale
    for i in range(L - 1, -1, -1):  # i = ℓ − 1, from the output layer back to the first
        np.dot(delta, ones, out=grads_b[i])  # BP3: (n_ℓ, m) @ (m, 1)
        np.dot(delta, activations[i].T, out=grads_w[i])  # BP4: (n_ℓ, m) @ (m, n_{ℓ−1})
        if i > 0:
            # BP2: ∂C/∂A^{ℓ−1} = (W^ℓ)ᵀ Δ^ℓ, (n_{ℓ−1}, n_ℓ) @ (n_ℓ, m), then ⊙ σ'(Z^{ℓ−1})
            grad_a = np.dot(weights[i].T, delta, out=scratch[i - 1])
            delta = layer_activations[i - 1].backward(
                zs[i - 1], activations[i], grad_a, out=deltas[i - 1]
            )
