"""The contestants: backproplab, its two slow ladder rungs, scikit-learn and PyTorch, and
the floor they all stand on: the epoch's matrix products alone.

Each ``prepare_*(problem)`` does its set-up untimed and returns ``epoch()``, the timed
part, which trains one pass over ``problem.X`` and returns what it trained.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from backproplab import ladder
from backproplab.network import Network

from .workloads import Array, Problem

BACKPROPLAB, PER_EXAMPLE, BATCH_TENSOR, SKLEARN, TORCH, PRODUCTS = (
    "backproplab",
    "per-example rung",
    "batch-tensor rung",
    "scikit-learn",
    "PyTorch",
    "products alone",
)


class Skipped(Exception):
    """A contestant that cannot run here; the message says why."""


def prepare_backproplab(p: Problem) -> Callable[[], Network]:
    """backproplab's fast path on a fresh ``Network(sizes, seed=0)``. X and Y already have
    the network's dtype and are C-contiguous, so ``train`` converts nothing."""
    net = Network(p.sizes, seed=0, dtype=p.dtype)

    def epoch() -> Network:
        net.train(
            p.X, p.Y, epochs=1, batch_size=p.batch_size, eta=p.eta, shuffle=False, evaluate=False
        )
        return net

    return epoch


def prepare_per_example(p: Problem) -> Callable[[], tuple[list[Array], list[Array]]]:
    """Rung 3 (Nielsen's loop over samples); it returns new parameters, so no set-up."""
    if p.dtype != np.float64:
        raise Skipped("float64 only")

    def epoch():
        return ladder.train_per_example(
            p.weights, p.biases, p.X, p.Y, epochs=1, batch_size=p.batch_size, eta=p.eta
        )

    return epoch


def batch_tensor_epoch(weights, biases, X, Y, *, batch_size: int, eta: float):
    """One epoch of mini-batch SGD whose gradients come from rung 4, ``ladder.batch_tensor``:
    ``W^ℓ ← W^ℓ − η ∂C/∂W^ℓ`` and ``b^ℓ ← b^ℓ − η ∂C/∂b^ℓ``, C the mini-batch mean cost.

    Args:
        weights: (n_ℓ, n_{ℓ−1}). biases: (n_ℓ, 1). X: (n_samples, n_0). Y: (n_samples, n_L).

    Returns:
        New ``(weights, biases)``; the arguments are left untouched.
    """
    weights = [W.copy() for W in weights]
    biases = [b.copy() for b in biases]
    for start in range(0, len(X), batch_size):
        grads_w, grads_b = ladder.batch_tensor(
            weights, biases, X[start : start + batch_size], Y[start : start + batch_size]
        )
        for W, b, gW, gb in zip(weights, biases, grads_w, grads_b, strict=True):
            W -= eta * gW
            b -= eta * gb
    return weights, biases


def prepare_batch_tensor(p: Problem):
    """Rung 4 in :func:`batch_tensor_epoch`; no set-up (it copies the parameters itself)."""
    if p.dtype != np.float64:
        raise Skipped("float64 only")
    return lambda: batch_tensor_epoch(
        p.weights, p.biases, p.X, p.Y, batch_size=p.batch_size, eta=p.eta
    )


def prepare_sklearn(p: Problem):
    """scikit-learn's ``MLPClassifier``, plain SGD, timed on ``partial_fit``.

    ``partial_fit`` is documented as one iteration over the data, i.e. one epoch, and with
    ``shuffle=False`` it walks the same consecutive mini-batches. Its first call is set-up
    (checks the labels, draws its own Glorot-uniform weights, builds the optimizer), so
    each repeat makes a fresh estimator and primes it, untimed, with ``partial_fit`` on the
    first mini-batch; the timed second call is the pure epoch. Both calls validate X (a
    finite check), as backproplab's ``train`` does. X keeps its dtype: scikit-learn accepts
    float32 and float64 and trains in the dtype of X.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=p.sizes[1:-1],
        activation="logistic",
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=p.eta,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=p.batch_size,
        shuffle=False,
        max_iter=1,
        tol=0.0,
        n_iter_no_change=10**9,
        early_stopping=False,
        random_state=0,
    )
    first = slice(0, p.batch_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.partial_fit(p.X[first], p.labels[first], classes=p.classes)

    def epoch():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return clf.partial_fit(p.X, p.labels)

    return epoch


def _import_torch():
    """The ``torch`` module, or None when it is not installed (tests patch this; the report
    calls it as ``contestants._import_torch()`` too, so one patch reaches every use)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def prepare_torch(p: Problem):
    """PyTorch on the CPU with backproplab's initial parameters, cost and update.

    The layers are made in the problem's dtype (no global default dtype is changed) and
    without torch's own initialisation, then ``W^ℓ`` (n_ℓ, n_{ℓ−1}), which is already the
    orientation of ``Linear.weight``, and ``b^ℓ`` are copied in. Mini-batches are
    consecutive slices of tensors sharing X's and Y's memory; no DataLoader.
    """
    torch = _import_torch()
    if torch is None:
        raise Skipped("torch not installed")
    dtype = torch.float32 if p.dtype == np.float32 else torch.float64
    layers = []
    for W, b in zip(p.weights, p.biases, strict=True):
        linear = torch.nn.utils.skip_init(torch.nn.Linear, W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b[:, 0]))
        layers += [linear, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=p.eta)  # no momentum, no decay
    X, Y, B = torch.from_numpy(p.X), torch.from_numpy(p.Y), p.batch_size

    def epoch():
        for start in range(0, len(X), B):
            A = model(X[start : start + B])  # (m, n_L)
            loss = 0.5 * ((A - Y[start : start + B]) ** 2).sum(dim=1).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        return model

    return epoch


def step_gemms(sizes: Sequence[int], m: int, dtype, rng) -> list[tuple[Array, Array, Array]]:
    """The matrix products of one SGD step, as ``(left, right, out)``, laid out as a
    backprop with column batches lays them out: weights ``W^ℓ`` (n_ℓ, n_{ℓ−1}), activations
    and deltas (n_ℓ, m), all C-contiguous, transposes as views (see :func:`step_flops`)."""
    W = [
        rng.random((n, n_prev), dtype=dtype)
        for n_prev, n in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    A = [rng.random((n, m), dtype=dtype) for n in sizes]  # A[ℓ] = a^ℓ, (n_ℓ, m)
    D = [rng.random((n, m), dtype=dtype) for n in sizes[1:]]  # D[ℓ−1] = Δ^ℓ, (n_ℓ, m)
    L = len(W)
    gemms = [(W[i], A[i], np.empty((sizes[i + 1], m), dtype)) for i in range(L)]  # forward
    gemms += [(W[i].T, D[i], np.empty((sizes[i], m), dtype)) for i in range(1, L)]  # BP2
    gemms += [(D[i], A[i].T, np.empty(W[i].shape, dtype)) for i in range(L)]  # BP4
    return gemms


def prepare_products(p: Problem):
    """The matrix products of an epoch and nothing else: for every mini-batch, exactly the
    ``np.dot(left, right, out=out)`` calls (the engine's own call) of :func:`step_gemms`,
    on arrays of the problem's dtype. No contestant can train faster than this; the run
    times it in the same rounds as the others, so the peak it yields sees the same machine
    they do."""
    n, B = len(p.X), p.batch_size
    rng = np.random.default_rng(0)
    by_size = {m: step_gemms(p.sizes, m, p.dtype, rng) for m in {B, n - (p.steps - 1) * B}}

    def epoch() -> None:
        for start in range(0, n, B):
            for left, right, out in by_size[min(B, n - start)]:
                np.dot(left, right, out=out)

    return epoch


def torch_parameters(model) -> tuple[list[Array], list[Array]]:
    """``(weights, biases)`` of a model from :func:`prepare_torch` as NumPy arrays shaped
    like backproplab's: (n_ℓ, n_{ℓ−1}) and (n_ℓ, 1)."""
    linears = [layer for layer in model if hasattr(layer, "weight")]
    weights = [layer.weight.detach().numpy().copy() for layer in linears]
    biases = [layer.bias.detach().numpy().reshape(-1, 1).copy() for layer in linears]
    return weights, biases


@dataclass(frozen=True)
class Contestant:
    """A name, its ``prepare(problem) -> epoch`` and whether it is a slow ladder rung."""

    name: str
    prepare: Callable[[Problem], Callable[[], object]]
    rung: bool = False


CONTESTANTS = (
    Contestant(BACKPROPLAB, prepare_backproplab),
    Contestant(PER_EXAMPLE, prepare_per_example, rung=True),
    Contestant(BATCH_TENSOR, prepare_batch_tensor, rung=True),
    Contestant(SKLEARN, prepare_sklearn),
    Contestant(TORCH, prepare_torch),
    Contestant(PRODUCTS, prepare_products),
)
