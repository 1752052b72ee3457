"""The forward pass: ``z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ`` and ``a^ℓ = σ(z^ℓ)``, for a whole batch.

Layer convention used everywhere in backproplab: layers are numbered ℓ = 1 … L, and the
Python lists are 0-based, so ``weights[ℓ−1]`` is ``W^ℓ``, ``zs[ℓ−1]`` is ``z^ℓ`` and
``activations[ℓ]`` is ``a^ℓ`` (``activations[0]`` is the input, ``a^0 = Xᵀ``). There is one
more activation than z. Inside the engine a batch is stored as columns: ``A`` has shape
(neurons, n_samples).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation

Array = np.ndarray


def feedforward(
    weights: Sequence[Array],
    biases: Sequence[Array],
    A0: Array,
    layer_activations: Sequence[Activation],
) -> tuple[list[Array], list[Array]]:
    """Run a batch through the network.

    Args:
        weights: ``W^ℓ`` of shape (n_ℓ, n_{ℓ−1}) for ℓ = 1 … L.
        biases: ``b^ℓ`` of shape (n_ℓ, 1).
        A0: the input batch, shape (n_0, n_samples): one column per sample.
        layer_activations: σ for each layer ℓ = 1 … L.

    Returns:
        ``(zs, activations)``: ``zs[ℓ−1]`` is ``Z^ℓ`` of shape (n_ℓ, n_samples);
        ``activations[ℓ]`` is ``A^ℓ`` of shape (n_ℓ, n_samples), ``activations[0]`` is A0.
    """
    zs: list[Array] = []
    activations: list[Array] = [A0]
    A = A0
    for W, b, act in zip(weights, biases, layer_activations, strict=True):
        Z = W @ A + b  # (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, m) + (n_ℓ, 1) -> (n_ℓ, m)
        A = act.f(Z)
        zs.append(Z)
        activations.append(A)
    return zs, activations
