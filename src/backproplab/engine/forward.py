"""The forward pass: ``z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ`` and ``a^ℓ = σ(z^ℓ)``, for a whole batch.

Layer convention used everywhere in backproplab: layers are numbered ℓ = 1 … L, and the
Python lists are 0-based, so ``weights[ℓ−1]`` is ``W^ℓ``, ``zs[ℓ−1]`` is ``z^ℓ`` and
``activations[ℓ]`` is ``a^ℓ`` (``activations[0]`` is the input, ``a^0 = Xᵀ``). There is one
more activation than z. Inside the engine a batch is stored as columns: ``A`` has shape
(neurons, n_samples).

With inverted dropout, each hidden layer's output is multiplied by a mask:
``A^ℓ = σ(Z^ℓ) ⊙ mask^ℓ``, where an entry of ``mask^ℓ`` is 0 (the unit dropped for that
sample) or ``1/(1 − p)`` (kept, and scaled so that the layer's expected output stays
that of the whole layer). The output layer is never masked.

:func:`feedforward` is the pass to read; :func:`feedforward_into` is the training step's,
the same arithmetic written into reused arrays.
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
    masks: Sequence[Array] | None = None,
) -> tuple[list[Array], list[Array]]:
    """Run a batch through the network: ``Z^ℓ = W^ℓ A^{ℓ−1} + b^ℓ``, ``A^ℓ = σ(Z^ℓ)``.

    Args:
        weights: ``W^ℓ`` of shape (n_ℓ, n_{ℓ−1}) for ℓ = 1 … L.
        biases: ``b^ℓ`` of shape (n_ℓ, 1).
        A0: the input batch, shape (n_0, n_samples): one column per sample.
        layer_activations: σ for each layer ℓ = 1 … L.
        masks: inverted-dropout masks, ``masks[ℓ−1]`` of shape (n_ℓ, n_samples) for each
            hidden layer ℓ = 1 … L−1 (as :meth:`Workspace.draw_masks
            <backproplab.engine.workspace.Workspace.draw_masks>` draws them), or None.

    Returns:
        ``(zs, activations)``: ``zs[ℓ−1]`` is ``Z^ℓ`` of shape (n_ℓ, n_samples);
        ``activations[ℓ]`` is ``A^ℓ`` of shape (n_ℓ, n_samples), ``activations[0]`` is A0.
        With ``masks``, a hidden layer's ``A^ℓ`` is the masked ``σ(Z^ℓ) ⊙ mask^ℓ``, what
        the next layer receives.
    """
    L = len(weights)
    if masks is not None and len(masks) != L - 1:
        raise ValueError(f"masks must hold one array per hidden layer ({L - 1}), got {len(masks)}")
    zs, activations = [], [A0]
    with np.errstate(over="ignore"):  # σ's e^{−z} overflows by design for z ≪ 0
        for ell in range(1, L + 1):
            W, b, sigma = weights[ell - 1], biases[ell - 1], layer_activations[ell - 1]
            Z = W @ activations[ell - 1] + b  # (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, m) + (n_ℓ, 1)
            A = sigma.f(Z)  # A^ℓ = σ(Z^ℓ), (n_ℓ, m)
            if masks is not None and ell < L:
                A = A * masks[ell - 1]  # dropout: A^ℓ = σ(Z^ℓ) ⊙ mask^ℓ
            zs.append(Z)
            activations.append(A)
    return zs, activations


def feedforward_into(
    weights: Sequence[Array],
    biases: Sequence[Array],
    layer_activations: Sequence[Activation],
    zs: Sequence[Array],
    activations: Sequence[Array],
    masks: Sequence[Array] | None = None,
    kept: Sequence[Array] | None = None,
) -> None:
    """:func:`feedforward` into given arrays: ``activations[0]`` holds the input batch;
    ``zs[ℓ−1]`` and ``activations[ℓ]`` (each (n_ℓ, n_samples)) are overwritten with
    ``Z^ℓ`` and ``A^ℓ``. Nothing is allocated, so the training loop can reuse the same
    buffers at every step. With dropout ``masks``, ``kept[ℓ−1]`` (n_ℓ, n_samples)
    receives each hidden layer's ``σ(Z^ℓ)`` before the mask (σ' is computed from it) and
    ``activations[ℓ]`` the masked ``σ(Z^ℓ) ⊙ mask^ℓ``.

    Run it under ``np.errstate(over="ignore")``: σ's e^{−z} overflows by design for z ≪ 0,
    and one error-state context for the whole pass is cheaper than one per layer (on a
    small network it costs as much as a layer's arithmetic), hence σ's ``f_unguarded``.
    A network whose z overflows shows it as ±inf in the result; training checks for that
    explicitly.
    """
    L = len(weights)
    for i, (W, b, act) in enumerate(zip(weights, biases, layer_activations, strict=True)):
        # np.dot makes the same BLAS call as np.matmul (the same bits) with less overhead
        Z = np.dot(W, activations[i], out=zs[i])  # (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, m)
        np.add(Z, b, out=Z)  # + b^ℓ, broadcast from (n_ℓ, 1) over the m columns
        if masks is None or i == L - 1:
            act.f_unguarded(Z, out=activations[i + 1])  # A^ℓ = σ(Z^ℓ)
        else:  # dropout: σ(Z^ℓ) kept, then A^ℓ = σ(Z^ℓ) ⊙ mask^ℓ
            act.f_unguarded(Z, out=kept[i])
            np.multiply(kept[i], masks[i], out=activations[i + 1])
