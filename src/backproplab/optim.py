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
    """Plain (stochastic) gradient descent, Nielsen's update: ``θ ← θ − η g``."""

    name = "sgd"

    def init(self, theta: Array) -> None:
        self.step = np.empty_like(theta)  # η g, kept so that the gradient stays readable

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        np.multiply(grad, eta, out=self.step)  # η g
        np.subtract(theta, self.step, out=theta)  # θ ← θ − η g


def get_optimizer(name) -> SGD:
    """An optimizer by name (``"sgd"``), or the given object."""
    if hasattr(name, "update") and hasattr(name, "init"):
        return name
    if isinstance(name, str) and name.lower() == "sgd":
        return SGD()
    raise ValueError(f"unknown optimizer {name!r}; choose one of: sgd")
