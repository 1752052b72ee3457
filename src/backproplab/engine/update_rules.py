"""The optimizers' update rules, written as their equations.

Each optimizer is a pair of pure functions in the style of JAX's optimizers:
``*_init(theta) -> state`` and ``*_update(theta, g, state, eta, …) -> (theta, state)``.
They return new arrays and keep nothing between calls; the state is a small named tuple
whose fields are the equations' symbols (``b``, ``m``, ``v``, ``G``, ``t``). This is the
module to read; :mod:`backproplab.engine.optim` holds the in-place versions the training
loop runs, which perform the same operations in the same order (a test proves the two
give the same bits, step after step). ``optimizer.reference()`` gives an optimizer
object's pair with its hyperparameters bound.

>>> import numpy as np
>>> theta, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
>>> theta, state = sgd_update(theta, g, sgd_init(theta), eta=0.1)   # θ ← θ − η g
>>> theta.tolist(), state.t
([0.95, 2.1], 1)
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

Array = np.ndarray


class Steps(NamedTuple):
    """Plain SGD's state: only the number of steps taken."""

    t: int


class Velocity(NamedTuple):
    """Momentum's state: the velocity ``b`` (None before the first step) and the steps taken."""

    b: Array | None
    t: int


class Moments(NamedTuple):
    """Adam's state: the moving means ``m`` of g and ``v`` of g², and the steps taken t."""

    m: Array
    v: Array
    t: int


class SquareMean(NamedTuple):
    """RMSprop's state: the moving mean ``v`` of g²."""

    v: Array


class SquareSum(NamedTuple):
    """AdaGrad's state: the sum ``G`` of every g² so far."""

    G: Array


def sgd_init(theta: Array) -> Steps:
    return Steps(t=0)


def sgd_update(theta: Array, g: Array, state: Steps, eta: float) -> tuple[Array, Steps]:
    """Plain SGD, Nielsen's update: ``θ ← θ − η g``."""
    return theta - eta * g, Steps(state.t + 1)


def momentum_init(theta: Array) -> Velocity:
    return Velocity(b=None, t=0)


def momentum_update(
    theta: Array, g: Array, state: Velocity, eta: float, mu: float = 0.9
) -> tuple[Array, Velocity]:
    """Momentum: ``b ← μ b + g`` (``b = g`` on the first step), ``θ ← θ − η b``."""
    b = g if state.t == 0 else mu * state.b + g
    return theta - eta * b, Velocity(b, state.t + 1)


def nesterov_update(
    theta: Array, g: Array, state: Velocity, eta: float, mu: float = 0.9
) -> tuple[Array, Velocity]:
    """Nesterov momentum: the same ``b``, then ``θ ← θ − η (g + μ b)``."""
    b = g if state.t == 0 else mu * state.b + g
    return theta - eta * (g + mu * b), Velocity(b, state.t + 1)


def adam_init(theta: Array) -> Moments:
    return Moments(m=np.zeros_like(theta), v=np.zeros_like(theta), t=0)


def adam_update(
    theta: Array,
    g: Array,
    state: Moments,
    eta: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[Array, Moments]:
    """Adam (Kingma & Ba), as ``torch.optim.Adam``, with t counting the steps from 1: the
    moving means m of g and v of g², corrected for their start at 0 (``m̂ = m / (1 − β₁ᵗ)``,
    ``v̂ = v / (1 − β₂ᵗ)``), then ``θ ← θ − η m̂ / (√v̂ + ε)``."""
    t = state.t + 1
    m = beta1 * state.m + (1 - beta1) * g  # m ← β₁ m + (1 − β₁) g
    v = beta2 * state.v + (1 - beta2) * g**2  # v ← β₂ v + (1 − β₂) g²
    sqrt_v_hat = np.sqrt(v) / math.sqrt(1 - beta2**t)  # √v̂ = √(v / (1 − β₂ᵗ))
    theta = theta - eta / (1 - beta1**t) * (m / (sqrt_v_hat + eps))  # θ ← θ − η m̂ / (√v̂ + ε)
    return theta, Moments(m, v, t)


def rmsprop_init(theta: Array) -> SquareMean:
    return SquareMean(v=np.zeros_like(theta))


def rmsprop_update(
    theta: Array, g: Array, state: SquareMean, eta: float, rho: float = 0.99, eps: float = 1e-8
) -> tuple[Array, SquareMean]:
    """RMSprop: ``v ← ρ v + (1 − ρ) g²``, ``θ ← θ − η g / (√v + ε)``."""
    v = rho * state.v + (1 - rho) * g**2
    return theta - eta * (g / (np.sqrt(v) + eps)), SquareMean(v)


def adagrad_init(theta: Array) -> SquareSum:
    return SquareSum(G=np.zeros_like(theta))


def adagrad_update(
    theta: Array, g: Array, state: SquareSum, eta: float, eps: float = 1e-10
) -> tuple[Array, SquareSum]:
    """AdaGrad: ``G ← G + g²``, ``θ ← θ − η g / (√G + ε)``."""
    G = state.G + g**2
    return theta - eta * (g / (np.sqrt(G) + eps)), SquareSum(G)
