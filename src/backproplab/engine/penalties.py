"""Weight penalties (regularisation), as in Nielsen's network2.

With n the number of training samples, the cost minimised becomes::

    C = C₀ + (λ₂ / 2n) Σ_ℓ ‖W^ℓ‖²  +  (λ₁ / n) Σ_ℓ Σ |w|,

whose gradient adds ``(λ₂/n) W + (λ₁/n) sign(W)`` to ``∂C₀/∂W``; the biases are not
penalised. With plain SGD the L2 step is network2's ``W ← (1 − ηλ₂/n) W − η ∂C₀/∂W``.

>>> import numpy as np
>>> penalty([np.array([[3.0, -4.0]])], l2=2.0, l1=0.0, n=10)   # 2/20 · 25
2.5
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Array = np.ndarray


def check_penalties(l2, l1) -> tuple[float, float]:
    """λ₂ and λ₁ as floats, or a ValueError if either is negative or not finite."""
    out = []
    for name, lam in (("l2", l2), ("l1", l1)):
        try:
            lam = float(lam)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {lam!r}") from None
        if not math.isfinite(lam) or lam < 0:
            raise ValueError(f"{name} (λ) must be a finite number ≥ 0, got {lam}")
        out.append(lam)
    return out[0], out[1]


def penalty(weights: Sequence[Array], l2: float, l1: float, n: int) -> float:
    """``(λ₂/2n) Σ‖W‖² + (λ₁/n) Σ|w|`` over every weight matrix (0 when both λ are 0)."""
    total = 0.0
    if l2:
        total += l2 / (2 * n) * sum(float(np.vdot(W, W)) for W in weights)
    if l1:
        total += l1 / n * sum(float(np.abs(W).sum()) for W in weights)
    return total


def penalty_gradients(weights: Sequence[Array], l2: float, l1: float, n: int) -> list[Array]:
    """``∂/∂W^ℓ`` of :func:`penalty`: ``(λ₂/n) W^ℓ + (λ₁/n) sign(W^ℓ)``, one per layer."""
    return [l2 / n * W + l1 / n * np.sign(W) for W in weights]
