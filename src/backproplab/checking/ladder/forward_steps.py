"""The forward pass, the way the notebook builds it up.

- :func:`node`: one neuron, ``σ(w a + b)``, and :func:`chain_forward` running one sample
  through a chain of them.
- :func:`augment` / :func:`feedforward_augmented`: the bias as an extra weight. Each W
  gets b as one more column, ``[W | b]`` of shape (n_ℓ, n_{ℓ−1} + 1), and every
  activation gets a row of ones appended, so ``[W | b] [a; 1] = W a + b``.
- :func:`collapse_linear`: with the identity as every activation the network is one
  affine map, ``a^L = W* x + b*`` with ``W* = W^L ⋯ W^1`` and
  ``b* = Σ_ℓ (W^L ⋯ W^{ℓ+1}) b^ℓ`` — depth adds nothing.
"""

from __future__ import annotations

import numpy as np

from ...engine.activations import sigmoid


def node(w, b, a):
    """One sigmoid neuron: ``z = w a + b``, returns ``a' = σ(z)``.

    Numbers give a float; arrays (the notebook's (1,) arrays, or a batch of inputs) give an
    array of the broadcast shape.

    >>> node(0.0, 0.0, 5.0), node(np.array([1.0]), np.array([0.0]), np.array([0.0]))
    (0.5, array([0.5]))
    """
    z = np.asarray(w, dtype=float) * np.asarray(a, dtype=float) + np.asarray(b, dtype=float)
    return float(sigmoid(z)) if z.ndim == 0 else sigmoid(z)


def chain_forward(weights, biases, x: float) -> float:
    """One sample through a chain of width-1 layers, node by node (lists of (1, 1) arrays)."""
    a = float(x)
    for W, b in zip(weights, biases, strict=True):
        if np.shape(W) != (1, 1):
            raise ValueError(f"chain_forward needs width-1 layers, got a W of shape {np.shape(W)}")
        a = node(float(W[0, 0]), float(b[0, 0]), a)  # numbers in, a number out
    return a


def augment(weights, biases) -> list[np.ndarray]:
    """``[W | b]`` for each layer: shape (n_ℓ, n_{ℓ−1} + 1), the bias as the last column."""
    return [np.hstack([W, b]) for W, b in zip(weights, biases, strict=True)]


def feedforward_augmented(augmented_weights, X, activation=sigmoid) -> np.ndarray:
    """Output ``a^L`` of shape (n_L, n_samples) using bias-augmented weights.

    Args:
        augmented_weights: from :func:`augment`.
        X: (n_samples, n_0).
    """
    A = np.asarray(X, dtype=float).T  # (n_0, n)
    for W_aug in augmented_weights:
        ones = np.ones((1, A.shape[1]))
        A = activation(W_aug @ np.vstack([A, ones]))  # (n_ℓ, n_{ℓ−1}+1) @ (n_{ℓ−1}+1, n)
    return A


def collapse_linear(network) -> tuple[np.ndarray, np.ndarray]:
    """The single affine map ``(W*, b*)`` equal to a network with identity activations.

    Args:
        network: a :class:`~backproplab.Network` whose every activation is ``"linear"``.

    Returns:
        ``W*`` of shape (n_L, n_0) and ``b*`` of shape (n_L, 1), with
        ``network.predict(X) == (W* @ X.T + b*).T`` up to rounding.
    """
    names = [act.name for act in network.layer_activations]
    if any(name != "linear" for name in names):
        raise ValueError(f"collapse_linear needs identity activations everywhere, got {names}")
    W_star = np.eye(network.sizes[0])
    b_star = np.zeros((network.sizes[0], 1))
    for W, b in zip(network.weights, network.biases, strict=True):
        W_star, b_star = W @ W_star, W @ b_star + b  # compose with the next layer
    return W_star, b_star
