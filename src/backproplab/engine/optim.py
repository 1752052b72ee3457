"""The update step: how a gradient moves the parameters.

Backprop gives ``g = ∇_θ C`` (with a penalty's gradient added when there is one); an
optimizer turns it into a change of θ. The rules and defaults are those of
``torch.optim``'s SGD, Adam, RMSprop and Adagrad (learning rate = η), and the tests check
them against it.

Each rule is written twice:

- **as its equations** (the part to read), in :mod:`backproplab.engine.update_rules`: a
  pair of pure functions in the style of JAX's optimizers, ``*_init(theta) -> state`` and
  ``*_update(theta, g, state, eta, …) -> (theta, state)``, which return new arrays and
  keep nothing; ``Optimizer.reference()`` gives an optimizer's pair with its
  hyperparameters bound;
- **in place** (the training loop's, here): a small object with explicit, inspectable state.
  ``init(theta)`` allocates what it keeps between steps (named after the equations:
  ``velocity``, ``m``, ``v``, ``sum_sq``) and ``update(theta, grad, eta)`` changes θ in
  place, allocating nothing (the loop calls ``update_overwriting_grad``, which may also
  use ``grad`` as scratch). Each in-place chain performs the reference's arithmetic
  operation for operation, and a test proves the two give the same bits step after step.

>>> import numpy as np
>>> theta, grad = np.array([1.0, 2.0]), np.array([0.5, -1.0])
>>> sgd = SGD()
>>> sgd.init(theta)
>>> sgd.update(theta, grad, eta=0.1)
>>> theta.tolist()
[0.95, 2.1]
>>> init, update = Adam().reference()
>>> theta, state = update(np.zeros(2), grad, init(np.zeros(2)), eta=0.1)
>>> theta.round(6).tolist(), state.t   # Adam's first step is η sign(g), nearly
([-0.1, 0.1], 1)
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from . import update_rules as rules

Array = np.ndarray


def add_scaled(y: Array, alpha: float, x: Array, scratch: Array) -> None:
    """``y ← y + αx`` in place, through ``scratch`` (shaped like x) instead of a new array.

    (A BLAS ``axpy`` would take one pass instead of two, but SciPy's BLAS is a second
    OpenBLAS beside NumPy's, and its idle threads slow NumPy's matrix products down.)
    """
    np.multiply(x, alpha, out=scratch)
    np.add(y, scratch, out=y)


class Optimizer:
    """What every optimizer shares: :meth:`prepare` keeps the state between calls to
    ``train`` (momentum carries over, as with a ``torch.optim`` object reused), and
    starts afresh for a different θ."""

    _prepared_for: tuple | None = None

    def prepare(self, theta: Array) -> None:
        """``init(theta)`` unless this optimizer already holds state for a θ of this size
        and dtype."""
        key = (theta.size, theta.dtype)
        if self._prepared_for != key:
            self.init(theta)
            self._prepared_for = key

    def init(self, theta: Array) -> None:
        raise NotImplementedError

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        raise NotImplementedError

    def update_overwriting_grad(self, theta: Array, grad: Array, eta: float) -> None:
        """:meth:`update`, free to use ``grad`` as scratch (what it holds afterwards is
        undefined). The training loop calls this: its gradient is computed anew each step."""
        self.update(theta, grad, eta)

    def reference(self):
        """``(init, update)``: this optimizer's rule as pure functions, its hyperparameters
        bound; ``state = init(theta)``, then ``theta, state = update(theta, g, state, eta)``
        at each step."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum μ:

    - plain (μ = 0), Nielsen's update:  ``θ ← θ − η g``;
    - momentum:  ``b ← μ b + g`` (``b = g`` on the first step), ``θ ← θ − η b``;
    - Nesterov:  the same ``b``, then ``θ ← θ − η (g + μ b)``.


    The equations: ``sgd_update``, ``momentum_update`` and ``nesterov_update`` in
    :mod:`~backproplab.engine.update_rules`.
    """

    def __init__(self, momentum: float = 0.0, nesterov: bool = False):
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if nesterov and momentum == 0:
            raise ValueError("nesterov needs a momentum above 0")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.velocity: Array | None = None  # b
        self.steps = 0
        self._scratch: Array | None = None

    def __repr__(self) -> str:
        return f"SGD(momentum={self.momentum}, nesterov={self.nesterov})"

    def reference(self):
        if not self.momentum:
            return rules.sgd_init, rules.sgd_update
        rule = rules.nesterov_update if self.nesterov else rules.momentum_update
        return rules.momentum_init, partial(rule, mu=self.momentum)

    def init(self, theta: Array) -> None:
        self._scratch = np.empty_like(theta)
        self.steps = 0
        if self.momentum:
            self.velocity = np.zeros_like(theta)  # b

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        self._update(theta, grad, eta, self._scratch)

    def update_overwriting_grad(self, theta: Array, grad: Array, eta: float) -> None:
        """:meth:`update` with ``grad`` as the scratch for ``η g`` (or ``η b``): the training
        loop's gradient was just written and is still in the cache, where a separate
        scratch vector is not (on W3 float64, 90 µs a step less)."""
        self._update(theta, grad, eta, self._scratch if self.nesterov else grad)

    def _update(self, theta: Array, grad: Array, eta: float, scratch: Array) -> None:
        self.steps += 1
        if not self.momentum:
            add_scaled(theta, -eta, grad, scratch)  # θ ← θ − η g
            return
        b, mu = self.velocity, self.momentum
        if self.steps == 1:
            np.copyto(b, grad)  # b ← g
        else:
            np.multiply(b, mu, out=b)
            np.add(b, grad, out=b)  # b ← μ b + g
        if self.nesterov:  # θ ← θ − η (g + μ b)
            step = np.multiply(b, mu, out=self._scratch)
            np.add(step, grad, out=step)
            add_scaled(theta, -eta, step, step)
        else:
            add_scaled(theta, -eta, b, scratch)  # θ ← θ − η b


class Adam(Optimizer):
    """Adam (Kingma & Ba), as ``torch.optim.Adam``; t counts the steps from 1:

    ``m ← β₁ m + (1 − β₁) g``,  ``v ← β₂ v + (1 − β₂) g²``,
    ``θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)``
    (the equations: ``update_rules.adam_update``).
    """

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m: Array | None = None
        self.v: Array | None = None
        self.t = 0
        self._scratch: Array | None = None

    def __repr__(self) -> str:
        return f"Adam(beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"

    def reference(self):
        return rules.adam_init, partial(
            rules.adam_update, beta1=self.beta1, beta2=self.beta2, eps=self.eps
        )

    def init(self, theta: Array) -> None:
        self.m, self.v = np.zeros_like(theta), np.zeros_like(theta)
        self._scratch = np.empty_like(theta)
        self.t = 0

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        self.t += 1
        b1, b2, m, v, s = self.beta1, self.beta2, self.m, self.v, self._scratch
        np.multiply(m, b1, out=m)
        add_scaled(m, 1 - b1, grad, s)  # m ← β₁ m + (1 − β₁) g
        np.multiply(v, b2, out=v)
        np.multiply(grad, grad, out=s)
        s *= 1 - b2
        v += s  # v ← β₂ v + (1 − β₂) g²
        np.sqrt(v, out=s)
        s /= math.sqrt(1 - b2**self.t)  # a Python float, as in adam_update: float32 stays so
        s += self.eps  # √v / √(1 − β₂ᵗ) + ε
        np.divide(m, s, out=s)
        s *= eta / (1 - b1**self.t)
        theta -= s


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``: ``v ← ρ v + (1 − ρ) g²``,
    ``θ ← θ − η g / (√v + ε)`` (the equations: ``update_rules.rmsprop_update``)."""

    def __init__(self, rho: float = 0.99, eps: float = 1e-8):
        if not 0 <= rho < 1:
            raise ValueError(f"rho must be in [0, 1), got {rho}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.rho, self.eps = float(rho), float(eps)
        self.v: Array | None = None
        self._scratch: Array | None = None

    def __repr__(self) -> str:
        return f"RMSprop(rho={self.rho}, eps={self.eps})"

    def reference(self):
        return rules.rmsprop_init, partial(rules.rmsprop_update, rho=self.rho, eps=self.eps)

    def init(self, theta: Array) -> None:
        self.v, self._scratch = np.zeros_like(theta), np.empty_like(theta)

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        v, s = self.v, self._scratch
        np.multiply(v, self.rho, out=v)
        np.multiply(grad, grad, out=s)
        s *= 1 - self.rho
        v += s  # v ← ρ v + (1 − ρ) g²
        np.sqrt(v, out=s)
        s += self.eps
        np.divide(grad, s, out=s)
        s *= eta
        theta -= s  # θ ← θ − η g / (√v + ε)


class AdaGrad(Optimizer):
    """AdaGrad, as ``torch.optim.Adagrad``: ``G ← G + g²``, ``θ ← θ − η g / (√G + ε)``
    (the equations: ``update_rules.adagrad_update``)."""

    def __init__(self, eps: float = 1e-10):
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.eps = float(eps)
        self.sum_sq: Array | None = None  # G
        self._scratch: Array | None = None

    def __repr__(self) -> str:
        return f"AdaGrad(eps={self.eps})"

    def reference(self):
        return rules.adagrad_init, partial(rules.adagrad_update, eps=self.eps)

    def init(self, theta: Array) -> None:
        self.sum_sq, self._scratch = np.zeros_like(theta), np.empty_like(theta)

    def update(self, theta: Array, grad: Array, eta: float) -> None:
        G, s = self.sum_sq, self._scratch
        np.multiply(grad, grad, out=s)
        G += s  # G ← G + g²
        np.sqrt(G, out=s)
        s += self.eps
        np.divide(grad, s, out=s)
        s *= eta
        theta -= s  # θ ← θ − η g / (√G + ε)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": lambda: SGD(momentum=0.9),
    "nesterov": lambda: SGD(momentum=0.9, nesterov=True),
    "adam": Adam,
    "rmsprop": RMSprop,
    "adagrad": AdaGrad,
}


def get_optimizer(optimizer) -> Optimizer:
    """An optimizer by name (``"sgd"``, ``"momentum"`` (μ = 0.9), ``"nesterov"``,
    ``"adam"``, ``"rmsprop"``, ``"adagrad"``; a fresh one each time), or the given
    :class:`Optimizer`, whose state carries over from an earlier ``train``."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()]()
    known = ", ".join(OPTIMIZERS)
    raise ValueError(f"unknown optimizer {optimizer!r}; choose one of: {known}")
