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
    m = A0.shape[1]
    dtype = np.result_type(A0, *weights, *biases)
    zs = [np.empty((W.shape[0], m), dtype) for W in weights]
    activations = [A0] + [np.empty_like(Z) for Z in zs]
    with np.errstate(over="ignore"):  # see feedforward_into
        feedforward_into(weights, biases, layer_activations, zs, activations)
    return zs, activations


def feedforward_into(
    weights: Sequence[Array],
    biases: Sequence[Array],
    layer_activations: Sequence[Activation],
    zs: Sequence[Array],
    activations: Sequence[Array],
) -> None:
    """:func:`feedforward` into given arrays: ``activations[0]`` holds the input batch;
    ``zs[ℓ−1]`` and ``activations[ℓ]`` (each (n_ℓ, n_samples)) are overwritten with
    ``Z^ℓ`` and ``A^ℓ``. Nothing is allocated, so the training loop can reuse the same
    buffers at every step.

    Run it under ``np.errstate(over="ignore")``: σ's e^{−z} overflows by design for z ≪ 0,
    and one error-state context for the whole pass is cheaper than one per layer (on a
    small network it costs as much as a layer's arithmetic). A network whose z overflows
    shows it as ±inf in the result; training checks for that explicitly.
    """
    for i, (W, b, act) in enumerate(zip(weights, biases, layer_activations, strict=True)):
        # np.dot makes the same BLAS call as np.matmul (the same bits) with less overhead
        Z = np.dot(W, activations[i], out=zs[i])  # (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, m)
        np.add(Z, b, out=Z)  # + b^ℓ, broadcast from (n_ℓ, 1) over the m columns
        act.f_unguarded(Z, out=activations[i + 1])  # A^ℓ = σ(Z^ℓ)
