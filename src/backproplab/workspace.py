"""The arrays the training loop reuses at every step, so that a step allocates nothing:

- :class:`Buffers`: Z, A, Δ and scratch for one mini-batch size;
- :class:`FlatParameters`: every W and b as views into one vector θ, and the step η∇C as
  views into a second one, so that ``θ ← θ − η∇C`` is a single subtraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .network import Network


def _norms(arrays) -> list[float]:
    """Frobenius norm ‖x‖ = √(Σ x²) of each array, as Python floats (NaN or inf if the
    array holds one)."""
    norms = [math.sqrt(np.vdot(x, x)) for x in arrays]
    if math.isfinite(sum(norms)):
        return norms
    pairs = zip(norms, arrays, strict=True)
    return [n if math.isfinite(n) else _rescaled_norm(x) for n, x in pairs]


def _rescaled_norm(x: np.ndarray) -> float:
    """‖x‖ when Σ x² overflows the array's dtype (float32 does above ~1.8e19): computed
    on x divided by its largest |x|, then scaled back."""
    largest = float(np.max(np.abs(x)))
    if not math.isfinite(largest) or largest == 0:
        return largest
    scaled = x / largest
    return largest * math.sqrt(np.vdot(scaled, scaled))


@dataclass
class Buffers:
    """The arrays one SGD step on m samples writes, allocated once and reused.

    ``zs``, ``activations[1:]``, ``deltas`` and ``scratch`` are (n_ℓ, m) for ℓ = 1 … L;
    ``activations[0]`` is set to each mini-batch's input; ``X_rows`` (m, n_0) and
    ``Y_rows`` (m, n_L) receive the rows of a shuffled mini-batch; ``ones`` is (m, 1).
    """

    zs: list[np.ndarray]
    activations: list[np.ndarray]
    deltas: list[np.ndarray]
    scratch: list[np.ndarray]
    X_rows: np.ndarray
    Y_rows: np.ndarray
    ones: np.ndarray

    @classmethod
    def allocate(cls, sizes: list[int], m: int, dtype) -> Buffers:
        def layers() -> list[np.ndarray]:
            return [np.empty((n, m), dtype) for n in sizes[1:]]

        return cls(
            zs=layers(),
            activations=[np.empty((0, m), dtype), *layers()],
            deltas=layers(),
            scratch=layers(),
            X_rows=np.empty((m, sizes[0]), dtype),
            Y_rows=np.empty((m, sizes[-1]), dtype),
            ones=np.ones((m, 1), dtype),
        )

    def batch(self, X, Y, order, start: int) -> tuple[np.ndarray, np.ndarray]:
        """Mini-batch ``start : start + m`` as columns, (n_0, m) and (n_L, m): views of
        X and Y's rows in order, or the rows ``order[start : start + m]`` gathered into
        this buffer's own arrays."""
        m = self.X_rows.shape[0]
        if order is None:
            return X[start : start + m].T, Y[start : start + m].T
        rows = order[start : start + m]
        np.take(X, rows, axis=0, out=self.X_rows)
        np.take(Y, rows, axis=0, out=self.Y_rows)
        return self.X_rows.T, self.Y_rows.T


class FlatParameters:
    """The network's parameters W^1 … W^L, b^1 … b^L as views into one vector θ, and their
    SGD steps η∂C/∂W^ℓ, η∂C/∂b^ℓ as views into a second vector of the same layout, so
    that a single subtraction ``θ ← θ − η∇C`` updates every parameter.

    Building it copies the current parameters into θ and makes ``net.weights`` and
    ``net.biases`` those views: training then updates the network itself, in place.
    """

    def __init__(self, net: Network):
        arrays = [*net.weights, *net.biases]
        L = len(net.weights)
        self.theta = np.concatenate([p.ravel() for p in arrays]).astype(net.dtype, copy=False)
        self.step = np.empty_like(self.theta)
        views, step_views = _views(self.theta, arrays), _views(self.step, arrays)
        net.weights[:], net.biases[:] = views[:L], views[L:]
        self.W, self.b = views[:L], views[L:]
        self.step_W, self.step_b = step_views[:L], step_views[L:]
        n_weights = sum(W.size for W in self.W)  # θ holds the weights first, then the biases
        self._W_then_b = [*self.W, self.theta[n_weights:]]
        self._step_W_then_b = [*self.step_W, self.step[n_weights:]]
        self.limit = float(np.finfo(self.theta.dtype).max)
        self._measure()

    def _measure(self) -> None:
        """``weight_norms``: ‖W^ℓ‖ for each layer; ``norm``: ‖θ‖ over every parameter."""
        norms = _norms(self._W_then_b)
        self.weight_norms, self.norm = norms[:-1], math.hypot(*norms)

    def step_norms(self) -> list[float]:
        """‖η∂C/∂W^ℓ‖ for ℓ = 1 … L, then ‖η∇C‖ over every parameter (NaN or inf if any
        element of the step is)."""
        norms = _norms(self._step_W_then_b)
        return [*norms[:-1], math.hypot(*norms)]

    def problem_with_step(self, loss: float, step_norms: list[float]) -> str | None:
        """Why the step must not be taken, or None.

        While ‖θ‖ + ‖η∇C‖ stays below the largest float, no element |θ_i − η∂C/∂θ_i| ≤
        |θ_i| + |η∂C/∂θ_i| can overflow, so the element-wise check runs only near that limit.
        """
        if not math.isfinite(loss + step_norms[-1]):
            return "the loss or a gradient is not finite"
        if not self.norm + step_norms[-1] < self.limit:
            with np.errstate(over="ignore"):
                if not np.isfinite(self.theta - self.step).all():
                    return "a step would make the parameters infinite"
        return None

    def take_step(self) -> None:
        """θ ← θ − η∇C, in place; then the norms of the new parameters."""
        np.subtract(self.theta, self.step, out=self.theta)
        self._measure()


def _views(vector: np.ndarray, like: list[np.ndarray]) -> list[np.ndarray]:
    """Consecutive pieces of ``vector`` shaped like the arrays in ``like``."""
    views, offset = [], 0
    for p in like:
        views.append(vector[offset : offset + p.size].reshape(p.shape))
        offset += p.size
    return views
