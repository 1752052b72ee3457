"""The backward pass: the four fundamental equations of backpropagation, in matrix form.

This is the one place to read BP1–BP4, the whole of them. With one column per sample,
``Δ^ℓ`` stacks the per-sample errors ``δ^ℓ = ∂C_x/∂z^ℓ`` as columns, shape (n_ℓ, m):

- BP1  ``Δ^L = ∇_a C ⊙ σ'(Z^L)``                       the output layer's error
- BP2  ``Δ^ℓ = ((W^{ℓ+1})ᵀ Δ^{ℓ+1}) ⊙ σ'(Z^ℓ)``         carried one layer back
- BP3  ``∂C/∂b^ℓ = (1/m) Σ_x δ^ℓ_x``                    the row means of Δ^ℓ
- BP4  ``∂C/∂W^ℓ = (1/m) Σ_x δ^ℓ_x (a^{ℓ−1}_x)ᵀ = (1/m) Δ^ℓ (A^{ℓ−1})ᵀ``   one matrix product

``C = (1/m) Σ_x C_x`` is the batch-mean cost, so the gradients are means over the samples.
Layer numbering is that of :mod:`backproplab.engine.forward`: ``weights[ℓ−1]`` is ``W^ℓ``,
``zs[ℓ−1]`` is ``Z^ℓ``, ``activations[ℓ]`` is ``A^ℓ``.

Three cases change a line of the equations, and each is a visible branch of
:func:`backprop`:

- **The fused shortcut (BP1).** For sigmoid with binary cross-entropy and softmax with
  categorical cross-entropy, σ' cancels the denominator of ``∇_a C`` and
  ``Δ^L = A^L − Y`` exactly (no division by a(1 − a), which saturates).
- **Softmax (BP1).** Its σ' is not element-wise but a Jacobian ``∂a_j/∂z_k = a_j(δ_jk −
  a_k)`` for each sample, so the Hadamard product becomes a vector–Jacobian product,
  ``δ^L = a ⊙ (∇_a C − Σ_j a_j ∂C/∂a_j)`` column by column.
- **Dropout (BP2).** A hidden layer's output was ``A^ℓ = σ(Z^ℓ) ⊙ mask^ℓ``, so
  ``∂A^ℓ/∂Z^ℓ = mask^ℓ ⊙ σ'(Z^ℓ)`` and BP2 reads
  ``Δ^ℓ = (((W^{ℓ+1})ᵀ Δ^{ℓ+1}) ⊙ mask^ℓ) ⊙ σ'(Z^ℓ)``, the mask already holding the
  inverted-dropout scale 1/(1 − p).

:func:`backprop` is written for reading: fresh arrays, no learning rate, no tricks. The
training loop runs the same equations in place on reused buffers
(:meth:`backproplab.engine.workspace.Workspace.gradients`, the fast path); tests prove the
two equal, with and without dropout, and the fused shortcut equal to the general BP1.

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

from .activations import Activation, Softmax
from .costs import Cost

Array = np.ndarray


def backprop(
    weights: Sequence[Array],
    zs: Sequence[Array],
    activations: Sequence[Array],
    Y: Array,
    layer_activations: Sequence[Activation],
    cost: Cost,
    *,
    masks: Sequence[Array] | None = None,
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
        masks: the inverted-dropout masks the forward pass applied, ``masks[ℓ−1]`` of
            shape (n_ℓ, m) for each hidden layer ℓ = 1 … L−1 (``activations`` must then
            be that pass's, with masked hidden outputs), or None without dropout.
        return_deltas: also return the errors ``Δ^ℓ``.

    Returns:
        ``(grads_w, grads_b)`` shaped like the weights (n_ℓ, n_{ℓ−1}) and the biases
        (n_ℓ, 1); with ``return_deltas``, ``(grads_w, grads_b, deltas)`` where
        ``deltas[ℓ−1]`` is ``Δ^ℓ`` (n_ℓ, m): column x is sample x's own ``δ^ℓ_x =
        ∂C_x/∂z^ℓ`` (not divided by m).
    """
    L, m = len(weights), Y.shape[1]
    if masks is not None and len(masks) != L - 1:
        raise ValueError(f"masks must hold one array per hidden layer ({L - 1}), got {len(masks)}")
    grads_w: list[Array] = [None] * L  # type: ignore[list-item]
    grads_b: list[Array] = [None] * L  # type: ignore[list-item]
    deltas: list[Array] = [None] * L  # type: ignore[list-item]

    # BP1: Δ^L = ∇_a C ⊙ σ'(Z^L), (n_L, m)
    output, Z_L, A_L = layer_activations[-1], zs[-1], activations[-1]
    if is_fused(cost, output):
        delta = A_L - Y  # BP1, fused: σ' cancels ∇_a C's denominator, Δ^L = A^L − Y
    else:
        grad_a = cost.grad_a(A_L, Y)  # ∇_a C, (n_L, m)
        if isinstance(output, Softmax):
            delta = output.backward(Z_L, A_L, grad_a)  # BP1 for softmax: (J_σ)ᵀ ∇_a C
        else:
            delta = grad_a * output.prime(Z_L, A_L)  # BP1: ∇_a C ⊙ σ'(Z^L)

    for ell in range(L, 0, -1):  # ℓ = L … 1; the lists are 0-based, so W^ℓ is weights[ℓ − 1]
        deltas[ell - 1] = delta  # Δ^ℓ, (n_ℓ, m)
        grads_b[ell - 1] = delta.sum(axis=1, keepdims=True) / m  # BP3: (n_ℓ, 1)
        grads_w[ell - 1] = (delta @ activations[ell - 1].T) / m  # BP4: (n_ℓ, m) @ (m, n_{ℓ−1})
        if ell > 1:  # carry Δ^ℓ back to layer ℓ − 1
            sigma, Z = layer_activations[ell - 2], zs[ell - 2]  # σ and Z^{ℓ−1}
            back = weights[ell - 1].T @ delta  # (W^ℓ)ᵀ Δ^ℓ: (n_{ℓ−1}, n_ℓ) @ (n_ℓ, m)
            if masks is None:
                delta = back * sigma.prime(Z, activations[ell - 1])  # BP2: ⊙ σ'(Z^{ℓ−1})
            else:  # dropout: A^{ℓ−1} was σ(Z^{ℓ−1}) ⊙ mask, so σ' needs σ(Z) before the mask
                delta = (back * masks[ell - 2]) * sigma.prime(Z, sigma.f(Z))  # BP2 with mask
    if return_deltas:
        return grads_w, grads_b, deltas
    return grads_w, grads_b


def is_fused(cost: Cost, output: Activation) -> bool:
    """Whether ``Δ^L = A^L − Y`` exactly: the cost was built for this output activation so
    that σ' cancels (sigmoid with binary cross-entropy: ``∇_a C = (a − y)/(a(1 − a))``
    and ``σ' = a(1 − a)``; softmax with categorical cross-entropy likewise through its
    Jacobian)."""
    return cost.fused_with == output.name
