"""Activation functions σ and their derivatives σ', a small registry by name.

Every activation works on arrays of any shape, element by element (softmax is the
exception: it normalises each column, one column per sample). Each one knows

- ``f(z)``: the activation ``a = σ(z)``;
- ``prime(z, a)``: the derivative ``σ'(z)``, given both ``z`` and ``a = σ(z)`` so that
  ``σ'`` can be written with whichever is cheaper (sigmoid: ``a (1 − a)``, no second
  ``exp``);
- ``backward(z, a, grad_a)``: ``∂C/∂z`` from ``∂C/∂a``. For an element-wise σ this is the
  Hadamard product ``grad_a ⊙ σ'(z)`` of BP1 and BP2; softmax, whose Jacobian is not
  diagonal, overrides it with the full vector–Jacobian product.

>>> import numpy as np
>>> sig = get_activation("sigmoid")
>>> float(sig.f(np.array(0.0)))
0.5
>>> bool(np.isfinite(sig.f(np.array([-1000.0, 1000.0]))).all())
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

Array = np.ndarray

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation function and its derivative.

    Attributes:
        name: the registry name.
        f: ``z -> a``, element-wise (column-wise for softmax).
        prime: ``(z, a) -> σ'(z)``, same shape as ``z``.
        hidden_ok: whether it may be used in a hidden layer (softmax may not).
    """

    name: str
    f: Callable[[Array], Array]
    prime: Callable[[Array, Array], Array]
    hidden_ok: bool = True

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """``∂C/∂z = ∂C/∂a ⊙ σ'(z)`` (the Hadamard product in BP1 and BP2)."""
        return grad_a * self.prime(z, a)


@dataclass(frozen=True)
class Softmax(Activation):
    """Softmax over each column: ``a_j = exp(z_j) / Σ_k exp(z_k)``.

    Its Jacobian ``∂a_j/∂z_k = a_j (δ_jk − a_k)`` is not diagonal, so ``prime`` is
    undefined; ``backward`` computes the vector–Jacobian product
    ``∂C/∂z = a ⊙ (g − Σ_j a_j g_j)`` column by column, with ``g = ∂C/∂a``.
    """

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        return a * (grad_a - np.sum(a * grad_a, axis=0, keepdims=True))


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^{−z}), computed without overflow for any z (scipy's expit)."""
    return expit(z)


def sigmoid_prime(z: Array, a: Array | None = None) -> Array:
    """σ'(z) = σ(z)(1 − σ(z)); pass ``a = σ(z)`` to skip recomputing it."""
    if a is None:
        a = expit(z)
    return a * (1 - a)


def _softmax(z: Array) -> Array:
    """Column-wise softmax with the column maximum subtracted first (no overflow)."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _softmax_prime(z: Array, a: Array) -> Array:
    raise TypeError("softmax has no element-wise derivative; use Activation.backward")


def _relu_prime(z: Array, a: Array) -> Array:
    return (z > 0).astype(z.dtype)


def _leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_prime(z: Array, a: Array) -> Array:
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("sigmoid", sigmoid, sigmoid_prime),
        Activation("linear", lambda z: z, lambda z, a: np.ones_like(z)),
        Activation("tanh", np.tanh, lambda z, a: 1 - a * a),
        Activation("relu", lambda z: np.maximum(z, 0), _relu_prime),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_prime),
        Softmax("softmax", _softmax, _softmax_prime, hidden_ok=False),
    )
}
_ALIASES = {"identity": "linear", "logistic": "sigmoid", "leakyrelu": "leaky_relu"}


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name (``"sigmoid"``, ``"tanh"``, ``"relu"``, …).

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name (str), got {type(name).__name__}")
    key = name.lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in ACTIVATIONS:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}")
    return ACTIVATIONS[key]
