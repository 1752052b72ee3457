"""The backward pass: the four fundamental equations of backpropagation, in matrix form.

This is the one place to read BP1–BP4. With one column per sample, ``Δ^ℓ`` stacks the
per-sample errors ``δ^ℓ = ∂C_x/∂z^ℓ`` as columns, shape (n_ℓ, m):

- BP1  ``Δ^L = ∇_a C ⊙ σ'(Z^L)``                       the output layer's error
- BP2  ``Δ^ℓ = ((W^{ℓ+1})ᵀ Δ^{ℓ+1}) ⊙ σ'(Z^ℓ)``         carried one layer back
- BP3  ``∂C/∂b^ℓ = (1/m) Σ_x δ^ℓ_x``                    the row means of Δ^ℓ
- BP4  ``∂C/∂W^ℓ = (1/m) Σ_x δ^ℓ_x (a^{ℓ−1}_x)ᵀ = (1/m) Δ^ℓ (A^{ℓ−1})ᵀ``   one matrix product

``C = (1/m) Σ_x C_x`` is the batch-mean cost, so the gradients are means over the samples.
Layer numbering is that of :mod:`backproplab.engine.forward`: ``weights[ℓ−1]`` is ``W^ℓ``,
``zs[ℓ−1]`` is ``Z^ℓ``, ``activations[ℓ]`` is ``A^ℓ``.

:func:`backprop` is written for reading: general σ and cost, fresh arrays, no learning
rate. The training loop runs the same equations in place on reused buffers
(:meth:`backproplab.engine.workspace.Workspace.gradients`, the fast path); a test proves the two
equal.

>>> import numpy as np
>>> from backproplab.engine.activations import get_activation
>>> from backproplab.engine.costs import get_cost
>>> from backproplab.engine.forward import feedforward
>>> sigma = [get_activation("sigmoid")] * 2
>>> weights, biases = [np.ones((2, 1)), np.ones((1, 2))], [np.zeros((2, 1)), np.zeros((1, 1))]
>>> zs, activations = feedforward(weights, biases, np.array([[0.0]]), sigma)
>>> grads_w, grads_b = backprop(weights, zs, activations, np.array([[1.0]]), sigma,
...                             get_cost("quadratic"))
>>> [g.shape for g in grads_w], [g.shape for g in grads_b]
([(2, 1), (1, 2)], [(2, 1), (1, 1)])
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
    *,
    return_deltas: bool = False,
):
    """Gradients of the batch-mean cost ``C = (1/m) Σ_x C_x`` by BP1–BP4.

    Args:
        weights: ``W^ℓ`` of shape (n_ℓ, n_{ℓ−1}) for ℓ = 1 … L.
        zs, activations: a forward pass, as :func:`backproplab.engine.forward.feedforward`
            returns it: ``zs[ℓ−1]`` is ``Z^ℓ`` and ``activations[ℓ]`` is ``A^ℓ``, each
            (n_ℓ, m); ``activations[0]`` is the input batch (n_0, m).
        Y: targets, (n_L, m): one column per sample.
        layer_activations: σ for each layer ℓ = 1 … L (hidden layers element-wise).
        cost: the per-example cost C_x.
        return_deltas: also return the errors ``Δ^ℓ``.

    Returns:
        ``(grads_w, grads_b)`` shaped like the weights (n_ℓ, n_{ℓ−1}) and the biases
        (n_ℓ, 1); with ``return_deltas``, ``(grads_w, grads_b, deltas)`` where
        ``deltas[ℓ−1]`` is ``Δ^ℓ`` (n_ℓ, m): column x is sample x's own ``δ^ℓ_x =
        ∂C_x/∂z^ℓ`` (not divided by m).
    """
    L, m = len(weights), Y.shape[1]
    grads_w: list[Array] = [None] * L  # type: ignore[list-item]
    grads_b: list[Array] = [None] * L  # type: ignore[list-item]
    deltas: list[Array] = [None] * L  # type: ignore[list-item]

    # BP1: Δ^L = ∇_a C ⊙ σ'(Z^L), (n_L, m). Where σ' cancels against the cost (sigmoid with
    # binary cross-entropy, softmax with categorical), output_delta gives Δ^L = A^L − Y.
    delta = output_delta(cost, layer_activations[-1], zs[-1], activations[-1], Y)
    for i in range(L - 1, -1, -1):  # i = ℓ − 1, from the output layer back to the first
        deltas[i] = delta
        grads_b[i] = delta.sum(axis=1, keepdims=True) / m  # BP3: (n_ℓ, 1)
        grads_w[i] = (delta @ activations[i].T) / m  # BP4: (n_ℓ, m) @ (m, n_{ℓ−1})
        if i > 0:
            sigma_prime = layer_activations[i - 1].prime(zs[i - 1], activations[i])
            delta = (weights[i].T @ delta) * sigma_prime  # BP2: (n_{ℓ−1}, n_ℓ) @ (n_ℓ, m)
    if return_deltas:
        return grads_w, grads_b, deltas
    return grads_w, grads_b
