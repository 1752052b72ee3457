"""The benchmark's problems: the data, the workloads W1–W3, the arrays every contestant
trains on, and the exact flop count of a step and an epoch."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from backproplab.data.labels import encode_labels
from backproplab.network import Network

Array = np.ndarray


# -- data and workloads ------------------------------------------------------------------


def mnist_like(dtype, n_samples=60_000, n_features=784, n_classes=10, seed=0):
    """MNIST-shaped synthetic data: X of shape (n_samples, n_features), uniform in [0, 1),
    drawn directly in ``dtype`` (no float64 temporary for float32), and integer labels
    of shape (n_samples,) in 0 … n_classes−1."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_samples, n_features), dtype=dtype)
    return X, rng.integers(0, n_classes, n_samples)


def _circles(dtype):
    from backproplab import datasets

    X, y = datasets.circles()  # the loader's default: 1000 samples, noise 0.1, factor 0.3
    return X.astype(dtype), y


def _digits(dtype):
    from backproplab import datasets

    X, y = datasets.digits()  # 1797 × 64 pixels scaled to [0, 1]
    return X.astype(dtype), y


def targets_from_labels(labels: Array, n_out: int, dtype) -> Array:
    """Targets Y of shape (n_samples, n_out) from labels in 0 … n_out−1, by backproplab's
    one rule (:func:`backproplab.data.labels.encode_labels`), in ``dtype``."""
    return encode_labels(labels, n_out)[0].astype(dtype)


@dataclass(frozen=True)
class Workload:
    """One benchmark problem: its data, architecture and SGD settings.

    ``load(dtype)`` returns X of shape (n_samples, sizes[0]) and integer labels (n_samples,).
    ``rung_steps`` caps the steps timed for the two slow ladder rungs (None: whole epochs).
    """

    name: str
    title: str
    sizes: tuple[int, ...]
    batch_size: int
    eta: float
    dtypes: tuple[str, ...]
    load: Callable[[type], tuple[Array, Array]]
    rung_steps: int | None = None


WORKLOADS = {
    "W1": Workload("W1", "circles, 1000 samples", (2, 3, 3, 1), batch_size=50, eta=3.0,
                   dtypes=("float64",), load=_circles),
    "W2": Workload("W2", "8×8 digits, 1797 samples", (64, 100, 10), batch_size=32, eta=3.0,
                   dtypes=("float64",), load=_digits),
    "W3": Workload("W3", "MNIST-shaped synthetic, 60000 × 784", (784, 512, 256, 10),
                   batch_size=128, eta=0.1, dtypes=("float32", "float64"), load=mnist_like,
                   rung_steps=4),
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """The concrete arrays every contestant trains on.

    X: (n_samples, n_0), C-contiguous in ``dtype``. Y: (n_samples, n_L) targets in ``dtype``.
    labels: (n_samples,) integers (what scikit-learn is given). weights, biases: the initial
    ``W^ℓ`` (n_ℓ, n_{ℓ−1}) and ``b^ℓ`` (n_ℓ, 1) of ``Network(sizes, seed=0, dtype=dtype)``.
    """

    sizes: tuple[int, ...]
    batch_size: int
    eta: float
    dtype: type
    X: Array
    Y: Array
    labels: Array
    classes: Array
    weights: list[Array]
    biases: list[Array]

    @property
    def steps(self) -> int:
        """Mini-batches in one pass over X (the last may be short)."""
        return math.ceil(len(self.X) / self.batch_size)

    def prefix(self, steps: int | None) -> Problem:
        """The same problem cut to its first ``steps`` mini-batches (views, no copies)."""
        if steps is None or steps >= self.steps:
            return self
        n = steps * self.batch_size
        return dataclasses.replace(self, X=self.X[:n], Y=self.Y[:n], labels=self.labels[:n])


def make_problem(X, labels, sizes, batch_size, eta, dtype) -> Problem:
    """A :class:`Problem` from data X (n_samples, n_0) and integer labels (n_samples,)."""
    dtype = np.dtype(dtype).type
    net = Network(sizes, seed=0, dtype=dtype)
    return Problem(
        sizes=tuple(sizes),
        batch_size=batch_size,
        eta=eta,
        dtype=dtype,
        X=np.ascontiguousarray(X, dtype=dtype),
        Y=targets_from_labels(labels, sizes[-1], dtype),
        labels=np.asarray(labels),
        classes=np.unique(labels),
        weights=net.weights,
        biases=net.biases,
    )


# -- the flop count ------------------------------------------------------------------------


def step_flops(sizes: Sequence[int], m: int) -> int:
    """Floating-point operations in the matrix products of one SGD step on m samples.

    A product (p, q) @ (q, r) does p·r·q multiply-adds, counted as 2 flops each. A step does

    - forward ``Z^ℓ = W^ℓ A^{ℓ−1}``: (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, m), for ℓ = 1 … L;
    - BP2 ``(W^ℓ)ᵀ Δ^ℓ``: (n_{ℓ−1}, n_ℓ) @ (n_ℓ, m), for ℓ = 2 … L (the input needs no δ);
    - BP4 ``Δ^ℓ (A^{ℓ−1})ᵀ``: (n_ℓ, m) @ (m, n_{ℓ−1}), for ℓ = 1 … L;

    so ``flops = 2m (3 Σ_ℓ n_ℓ n_{ℓ−1} − n_1 n_0)``. Element-wise work (σ, ⊙, biases, the
    update) is not counted.

    >>> step_flops([2, 3, 1], m=4)  # 2·4·(3·(3·2 + 1·3) − 3·2)
    168
    """
    products = sum(n * n_prev for n_prev, n in zip(sizes[:-1], sizes[1:], strict=True))
    return 2 * m * (3 * products - sizes[1] * sizes[0])


def epoch_flops(sizes: Sequence[int], n_samples: int, batch_size: int) -> int:
    """Flops of one epoch, each step counted with its true batch size m (the last step of
    an epoch gets the ``n_samples mod batch_size`` left-over samples)."""
    full, rest = divmod(n_samples, batch_size)
    return full * step_flops(sizes, batch_size) + (step_flops(sizes, rest) if rest else 0)
