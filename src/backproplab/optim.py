"""The update step: how a gradient moves the parameters.

Backprop gives ``g = ∇_θ C``; an optimizer turns it into a change of θ. Each optimizer is a
small object with explicit state: ``init(theta)`` allocates what it keeps between steps
and ``update(theta, grad, eta)`` changes θ in place, allocating nothing.

>>> import numpy as np
>>> theta, grad = np.array([1.0, 2.0]), np.array([0.5, -1.0])
>>> sgd = SGD()
>>> sgd.init(theta)
>>> sgd.update(theta, grad, eta=0.1)
>>> theta.tolist()
[0.95, 2.1]
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


class SGD:
    """Plain (stochastic) gradient descent, Nielsen's update: ``θ ← θ − η g``.

    The update is BLAS's ``axpy`` (y ← y + αx with α = −η): one pass over θ, in place,
    instead of NumPy's two (``η g`` into a buffer, then the subtraction).
    """

    name = "sgd"

    def init(self, theta: Array) -> None:
        from scipy.linalg.blas import get_blas_funcs

        self._axpy = get_blas_funcs("axpy", dtype=theta.dtype)  # daxpy or saxpy

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        updated = self._axpy(grad, theta, a=-eta)  # θ ← θ − η g, in θ's own memory
        if updated is not theta:  # a θ BLAS cannot write in place (not contiguous): copy back
            theta[...] = updated


def get_optimizer(name) -> SGD:
    """An optimizer by name (``"sgd"``), or the given object."""
    if hasattr(name, "update") and hasattr(name, "init"):
        return name
    if isinstance(name, str) and name.lower() == "sgd":
        return SGD()
    raise ValueError(f"unknown optimizer {name!r}; choose one of: sgd")
