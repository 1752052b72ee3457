"""Rung 5: the production path, one matrix product per layer and direction.

This is exactly what ``Network.backprop`` computes: the batch is a matrix with one column
per sample, and BP4's sum of outer products becomes one product ``Δ^ℓ (A^{ℓ−1})ᵀ``. It calls
the engine's own :func:`~backproplab.engine.forward.feedforward` and
:func:`~backproplab.engine.backward.backprop`, so the ladder's last rung is the fast path itself.
"""

from __future__ import annotations

from ...engine.activations import get_activation
from ...engine.backward import backprop
from ...engine.costs import get_cost
from ...engine.forward import feedforward
from ._common import check_rung_arguments


def gemm(weights, biases, X, Y):
    """Gradients of the batch-mean quadratic cost, sigmoid layers, through the fast path.

    Args:
        weights: (n_ℓ, n_{ℓ−1}). biases: (n_ℓ, 1). X: (n_samples, n_0). Y: (n_samples, n_L).
    """
    weights, biases, X, Y = check_rung_arguments(weights, biases, X, Y)
    sigmoid_layers = [get_activation("sigmoid")] * len(weights)
    zs, activations = feedforward(weights, biases, X.T, sigmoid_layers)
    return backprop(weights, zs, activations, Y.T, sigmoid_layers, get_cost("quadratic"))
