"""Training-speed benchmark: one epoch of mini-batch SGD, backproplab against its peers.

    python -m backproplab.bench [--quick | --smoke] [--only W1,W3] [--rounds N] [--output FILE]

Every contestant trains the same architecture (sigmoid layers), with the same batch size,
dtype, learning rate η and number of steps, on the same data, without shuffling:

- **backproplab**: ``Network(sizes, seed=0, dtype=dtype).train(X, Y, epochs=1, ...)``, the
  fast path, with ``evaluate=False`` (no extra pass over the data after the epoch);
- **per-example rung**: :func:`backproplab.ladder.train_per_example`, Nielsen's loop over
  samples (float64 only);
- **batch-tensor rung**: an epoch of SGD built here on :func:`backproplab.ladder.batch_tensor`
  (float64 only);
- **scikit-learn**: ``MLPClassifier(solver="sgd", activation="logistic")`` with momentum,
  L2 penalty and shuffling off. Its output layer is its own (softmax with log-loss for
  several classes, logistic with log-loss for two), so it is the same work up to the last layer;
- **PyTorch** (CPU, optional): ``nn.Sequential(Linear, Sigmoid, …)``, ``optim.SGD`` and the
  quadratic cost ``C = ½‖a − y‖²`` averaged over the mini-batch, exactly backproplab's.

Timing protocol (:func:`time_round_robin`): each contestant builds fresh parameters outside
the timed region, so every repeat does the same work, then one epoch is timed with
``time.perf_counter``. Runs are interleaved round-robin (A B C A B C …) so that a drift in
the machine's speed hits everyone alike, and one untimed warm-up round comes first. Just
before each timed epoch the contestant runs one untimed mini-batch, so that its thread
pools are awake again after the others ran. The tables show each contestant's MEDIAN epoch
time and the ratio ``peer time / backproplab time`` (above 1: backproplab is faster). Where
whole epochs are too slow to time (the rungs on W3; everyone on W3 with ``--quick``), the
first k steps are timed, the same k for backproplab, scikit-learn and PyTorch, and the time
is scaled by ``steps per epoch / k``; such rows carry a †.

Layer sizes follow the package: ``sizes = [n_0, n_1, …, n_L]``, ``W^ℓ`` is (n_ℓ, n_{ℓ−1}).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import __version__, ladder
from .network import Network

Array = np.ndarray
BACKPROPLAB, PER_EXAMPLE, BATCH_TENSOR, SKLEARN, TORCH = (
    "backproplab",
    "per-example rung",
    "batch-tensor rung",
    "scikit-learn",
    "PyTorch",
)


# -- data and workloads ------------------------------------------------------------------


def mnist_like(dtype, n_samples=60_000, n_features=784, n_classes=10, seed=0):
    """MNIST-shaped synthetic data: X of shape (n_samples, n_features), uniform in [0, 1),
    drawn directly in ``dtype`` (no float64 temporary for float32), and integer labels
    of shape (n_samples,) in 0 … n_classes−1."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_samples, n_features), dtype=dtype)
    return X, rng.integers(0, n_classes, n_samples)


def _circles(dtype):
    from . import datasets

    X, y = datasets.circles()  # the loader's default: 1000 samples, noise 0.1, factor 0.3
    return X.astype(dtype), y


def _digits(dtype):
    from . import datasets

    X, y = datasets.digits()  # 1797 × 64 pixels scaled to [0, 1]
    return X.astype(dtype), y


def targets_from_labels(labels: Array, n_out: int, dtype) -> Array:
    """Targets Y of shape (n_samples, n_out) from labels in 0 … n_out−1 (0/1 when n_out is
    1): the labels as a column for one output, else one-hot rows; written straight into a
    ``dtype`` array (no float64 temporary)."""
    Y = np.zeros((len(labels), n_out), dtype=dtype)
    if n_out == 1:
        Y[:, 0] = labels
    else:
        Y[np.arange(len(labels)), labels] = 1
    return Y


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


# -- the contestants -----------------------------------------------------------------------
#
# Each ``prepare_*(problem)`` does its set-up untimed and returns ``epoch()``, the timed
# part, which trains one pass over ``problem.X`` and returns what it trained.


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
    """The ``torch`` module, or None when it is not installed (tests patch this)."""
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
)


# -- timing --------------------------------------------------------------------------------


@dataclass
class Result:
    """One contestant on one problem: the epoch times measured on ``steps`` steps (of
    ``epoch_steps``), or why it was skipped."""

    name: str
    steps: int
    epoch_steps: int
    times: list[float] = field(default_factory=list)
    skipped: str | None = None

    @property
    def epoch_seconds(self) -> float | None:
        """Median time, scaled from the steps timed to a whole epoch."""
        if self.skipped or not self.times:
            return None
        return statistics.median(self.times) * self.epoch_steps / self.steps


def time_round_robin(runs, epoch_steps: int, rounds: int, warmup: bool, bar) -> list[Result]:
    """Time ``runs``, a list of ``(Contestant, Problem)``, round-robin.

    Each round gives every contestant in turn, all untimed: a garbage collection, a primer
    (its first mini-batch, on parameters of its own), fresh parameters from ``prepare``;
    then ``epoch()`` runs between two ``time.perf_counter`` calls. The primer wakes the
    contestant's thread pools and caches after the previous contestant ran, as in real
    training where epochs follow one another; without it an epoch of a few milliseconds
    (W1, W2) would mostly measure that wake-up. The first round is not recorded when
    ``warmup``. A contestant that raises :class:`Skipped` is dropped with the reason.
    """
    results = [Result(c.name, p.steps, epoch_steps) for c, p in runs]
    for round_ in range(int(warmup) + rounds):
        for (contestant, problem), result in zip(runs, results, strict=True):
            bar.update()
            if result.skipped:
                continue
            bar.set_description(contestant.name)
            gc.collect()
            try:
                contestant.prepare(problem.prefix(1))()
                epoch = contestant.prepare(problem)
            except Skipped as why:
                result.skipped = str(why)
                continue
            start = time.perf_counter()
            epoch()
            elapsed = time.perf_counter() - start
            if round_ >= int(warmup):
                result.times.append(elapsed)
    return results


def run_problem(problem: Problem, steps: int | None, rung_steps: int | None, mode, bar):
    """Time every contestant on ``problem``; at most ``steps`` steps each (the rungs at most
    ``rung_steps``), every result scaled to the full epoch of ``problem.steps`` steps."""
    runs = []
    for c in CONTESTANTS:
        caps = [s for s in (steps, rung_steps if c.rung else None) if s is not None]
        runs.append((c, problem.prefix(min(caps, default=None))))
    return time_round_robin(runs, problem.steps, mode.rounds, mode.warmup, bar)


# -- matrix-multiply peak ------------------------------------------------------------------


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


def matmul_peak(sizes: Sequence[int], m: int, dtype, repeats: int) -> float:
    """GFLOP/s that ``np.matmul(left, right, out=out)`` reaches on exactly one step's
    products: total flops of the products / the sum of each product's best time of
    ``repeats`` calls (one untimed call each first)."""
    gemms = step_gemms(sizes, m, dtype, np.random.default_rng(0))
    best_total = 0.0
    for left, right, out in gemms:
        np.matmul(left, right, out=out)
        best = math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            np.matmul(left, right, out=out)
            best = min(best, time.perf_counter() - start)
        best_total += best
    flops = sum(2 * left.shape[0] * left.shape[1] * right.shape[1] for left, right, _ in gemms)
    return flops / best_total / 1e9


# -- memory --------------------------------------------------------------------------------


def memory_budget(X: Array, Y: Array, net: Network, batch_size: int) -> int:
    """Bytes training could not do without: the data X and Y, the parameters, and one
    mini-batch's ``z^ℓ`` and ``a^ℓ`` (n_ℓ × m each, ℓ = 1 … L)."""
    params = sum(W.nbytes + b.nbytes for W, b in zip(net.weights, net.biases, strict=True))
    activations = 2 * batch_size * sum(net.sizes[1:]) * net.dtype.itemsize
    return X.nbytes + Y.nbytes + params + activations


def _proc_status_bytes(key: str) -> int | None:
    """A ``kB`` line of /proc/self/status (Linux) in bytes, or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _peak_rss() -> int:
    """The process's peak resident set, in bytes.

    VmHWM (Linux) is this process's own high-water mark. ``ru_maxrss`` is the fallback
    only: it is carried across fork and exec, so a child of a big process reports the
    parent's peak."""
    peak = _proc_status_bytes("VmHWM")
    if peak is None:
        import resource

        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kB elsewhere
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    return peak


def _memory_child(spec: str) -> None:
    """Run by :func:`measure_memory` in a fresh interpreter: build the data, then the
    network, train one epoch, print one JSON line."""
    s = json.loads(spec)
    baseline = _proc_status_bytes("VmRSS") or _peak_rss()  # after numpy, backproplab imports
    dtype = np.dtype(s["dtype"]).type
    sizes, batch_size = s["sizes"], s["batch_size"]
    # Drawn directly in dtype, the targets written into a dtype array: no float64
    # temporary, whose size would otherwise set the peak for float32.
    X, labels = mnist_like(dtype, s["n_samples"], sizes[0], max(sizes[-1], 2))
    Y = targets_from_labels(labels, sizes[-1], dtype)
    net = Network(sizes, seed=0, dtype=dtype)
    budget = memory_budget(X, Y, net, batch_size)
    net.train(X, Y, epochs=1, batch_size=batch_size, eta=s["eta"], shuffle=False, evaluate=False)
    print(json.dumps({"budget": budget, "peak": _peak_rss() - baseline}))


def measure_memory(sizes, n_samples: int, batch_size: int, eta: float, dtype: str) -> dict:
    """Peak RSS of one backproplab epoch on synthetic data, measured in a fresh Python.

    Returns ``{"budget": bytes, "peak": bytes}``: ``peak`` is the process's peak resident
    set after training minus its resident set just after ``import numpy, backproplab``;
    ``budget`` is :func:`memory_budget`.
    """
    spec = json.dumps(
        {
            "sizes": list(sizes),
            "n_samples": n_samples,
            "batch_size": batch_size,
            "eta": eta,
            "dtype": dtype,
        }
    )
    code = "import sys; from backproplab.bench import _memory_child; _memory_child(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, spec], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory measurement failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- a whole run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    """How long to measure: timed rounds, a warm-up round or not, the most steps timed per
    contestant (None: whole epochs) and the repeats of each product for the matmul peak."""

    name: str
    rounds: int
    warmup: bool
    max_steps: int | None
    peak_repeats: int


MODES = {
    "full": Mode("full", 5, True, None, 50),
    "quick": Mode("quick", 3, True, 100, 20),
    "smoke": Mode("smoke", 1, False, None, 2),
}


@dataclass
class Measurements:
    """What a run measured. Timings are keyed ``"W3 float32"``; the matmul peak (GFLOP/s)
    and the memory (``{"budget", "peak"}`` in bytes) by dtype, for the ``probe`` workload."""

    mode: Mode
    probe: str | None
    workloads: dict[str, Workload] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)
    results: dict[str, list[Result]] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)
    memory: dict[str, dict] = field(default_factory=dict)
    others: tuple[float, float] | None = None  # cores busy elsewhere, stolen (see _cpu_seconds)

    def epoch_seconds(self, key: str, name: str) -> float | None:
        """Contestant ``name``'s median epoch time on ``key``, None if not measured."""
        return next((r.epoch_seconds for r in self.results.get(key, []) if r.name == name), None)

    def gflops(self, key: str) -> float | None:
        """backproplab's achieved GFLOP/s on ``key``: exact epoch flops / epoch time."""
        seconds, w = self.epoch_seconds(key, BACKPROPLAB), self.workloads.get(key)
        if not seconds:
            return None
        return epoch_flops(w.sizes, self.samples[key], w.batch_size) / seconds / 1e9


def _cpu_seconds() -> tuple[float, float, float] | None:
    """CPU seconds so far: busy on the whole machine, stolen from it by a hypervisor, and
    used by this process with its finished children; None where /proc/stat is missing."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks + [0] * (8 - len(ticks))
    hz, own = os.sysconf("SC_CLK_TCK"), os.times()
    ours = own.user + own.system + own.children_user + own.children_system
    return (user + nice + system + irq + softirq) / hz, steal / hz, ours


def run_benchmark(names: Sequence[str], mode: Mode) -> Measurements:
    """Time the workloads ``names``, then measure the matmul peak and the memory on the
    probe workload (W3; W1 in a smoke run), showing progress on stderr."""
    probe = "W3" if "W3" in names else ("W1" if mode.name == "smoke" else None)
    m = Measurements(mode, probe)
    jobs = [(WORKLOADS[name], dtype) for name in names for dtype in WORKLOADS[name].dtypes]
    total = len(jobs) * (int(mode.warmup) + mode.rounds) * len(CONTESTANTS)
    total += 2 * len(WORKLOADS[probe].dtypes) if probe else 0
    cpu_start, wall_start = _cpu_seconds(), time.perf_counter()
    with tqdm(total=total, disable=None, leave=False, file=sys.stderr) as bar:
        for w, dtype in jobs:
            key = f"{w.name} {dtype}"
            bar.set_postfix_str(key)
            X, labels = w.load(np.dtype(dtype).type)
            problem = make_problem(X, labels, w.sizes, w.batch_size, w.eta, dtype)
            m.workloads[key], m.samples[key] = w, len(X)
            m.results[key] = run_problem(problem, mode.max_steps, w.rung_steps, mode, bar)
            del X, labels, problem  # the next workload's data need the room
        for dtype in WORKLOADS[probe].dtypes if probe else ():
            w, n_samples = WORKLOADS[probe], m.samples[f"{probe} {dtype}"]
            bar.set_postfix_str(f"matmul peak, {dtype}")
            m.peaks[dtype] = matmul_peak(w.sizes, w.batch_size, dtype, mode.peak_repeats)
            bar.update()
            bar.set_postfix_str(f"memory, {dtype}")
            m.memory[dtype] = measure_memory(w.sizes, n_samples, w.batch_size, w.eta, dtype)
            bar.update()
    cpu_end, wall = _cpu_seconds(), time.perf_counter() - wall_start
    if cpu_start and cpu_end:
        busy, stolen, ours = (end - start for start, end in zip(cpu_start, cpu_end, strict=True))
        m.others = (max(busy - ours, 0.0) / wall, stolen / wall)
    return m


# -- the report ----------------------------------------------------------------------------


@dataclass
class Table:
    """A titled table of strings, with notes printed under it."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def render_text(tables: Sequence[Table]) -> str:
    """Plain text: each title underlined, columns padded to their widest cell."""
    parts = []
    for t in tables:
        widths = [max(len(r[i]) for r in [t.columns, *t.rows]) for i in range(len(t.columns))]
        lines = [t.title, "=" * len(t.title)]
        for row in [t.columns, *t.rows]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        parts.append("\n".join(lines + t.notes))
    return "\n\n".join(parts) + "\n"


def render_markdown(tables: Sequence[Table]) -> str:
    """Markdown: for each table a heading (the first one's the page title), a pipe table
    and the notes as lines."""
    parts = []
    for i, t in enumerate(tables):
        lines = ["#" * min(i + 1, 2) + f" {t.title}", "", "| " + " | ".join(t.columns) + " |"]
        lines.append("|" + "---|" * len(t.columns))
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in t.rows]
        lines += [""] + [note + "  " for note in t.notes] if t.notes else []
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _versions() -> str:
    import scipy
    import sklearn

    torch = _import_torch()
    torch_text = f"{torch.__version__} ({torch.get_num_threads()} threads)" if torch else "absent"
    return (
        f"python {platform.python_version()}, backproplab {__version__}, numpy "
        f"{np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"torch {torch_text}"
    )


def _blas() -> list[str]:
    """One line per BLAS library loaded (threadpoolctl), and thread settings if any."""
    from threadpoolctl import threadpool_info

    lines = [
        f"{Path(i['filepath']).parent.name}: {i['internal_api']} {i.get('version')} "
        f"({i.get('architecture')}, {i.get('threading_layer')}, {i['num_threads']} threads)"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if var in os.environ:
            lines.append(f"note: {var}={os.environ[var]} is set")
    return lines


def header_table(m: Measurements) -> Table:
    """Where and how the numbers were taken."""
    cores = f"{os.cpu_count()} logical"
    if hasattr(os, "sched_getaffinity"):
        cores += f", {len(os.sched_getaffinity(0))} usable"
    how = f"{m.mode.rounds} timed round(s), interleaved"
    how += ", after 1 warm-up round" if m.mode.warmup else ""
    if m.mode.max_steps:
        how += f"; at most {m.mode.max_steps} steps timed per epoch, then scaled (†)"
    if m.mode.name == "smoke":
        how += "; SMOKE RUN: it checks that every path runs, its numbers are no measurement"
    rows = [
        ["date", datetime.now().astimezone().isoformat(timespec="seconds")],
        ["mode", f"{m.mode.name}: {how}"],
        ["versions", _versions()],
        ["machine", f"{platform.machine()}, {cores} cores, no GPU used"],
    ]
    rows += [["BLAS", line] for line in _blas()]
    if m.others is not None:
        busy, stolen = m.others
        text = f"{busy:.2f} cores busy with other processes, {stolen:.2f} stolen, on average"
        if busy > 0.1 or stolen > 0.1:
            text += ": THE MACHINE WAS NOT IDLE, the timings are unreliable"
        rows.append(["other load", text])
    rows.append(["ratio", "peer epoch time / backproplab epoch time (> 1: backproplab is faster)"])
    return Table("backproplab training-speed benchmark", ["", ""], rows)


def _note(name: str, n_out: int) -> str:
    torch = _import_torch() if name == TORCH else None
    return {
        BACKPROPLAB: "Network.train(evaluate=False)",
        PER_EXAMPLE: "ladder.train_per_example",
        BATCH_TENSOR: "ladder.batch_tensor + SGD loop",
        SKLEARN: "MLPClassifier.partial_fit; own output layer: "
        + ("logistic" if n_out == 1 else "softmax")
        + " + log-loss",
        TORCH: f"nn.Sequential + optim.SGD, {torch.get_num_threads() if torch else '?'} threads",
    }[name]


def workload_table(key: str, m: Measurements) -> Table:
    """One workload: each contestant's median epoch time, its ratio to backproplab, notes."""
    w, base = m.workloads[key], m.epoch_seconds(key, BACKPROPLAB)
    rows = []
    for r in m.results[key]:
        if r.skipped:
            rows.append([r.name, "—", "—", f"skipped ({r.skipped})"])
            continue
        scaled = r.steps < r.epoch_steps
        note = (f"† {r.steps} of {r.epoch_steps} steps timed; " if scaled else "") + _note(
            r.name, w.sizes[-1]
        )
        ratio = f"{r.epoch_seconds / base:.2f}" if base else "—"
        rows.append([r.name, f"{r.epoch_seconds:.4g}" + (" †" if scaled else ""), ratio, note])
    flops = epoch_flops(w.sizes, m.samples[key], w.batch_size)
    title = (
        f"{key}: {w.title}, sizes {list(w.sizes)}, batch {w.batch_size}, eta {w.eta}, "
        f"{math.ceil(m.samples[key] / w.batch_size)} steps/epoch"
    )
    notes = [f"exact flops per epoch: {flops / 1e9:.4g} GFLOP"]
    if any("†" in row[1] for row in rows):
        notes.insert(0, "† timed on the first steps of the epoch only, scaled to the whole epoch")
    return Table(title, ["contestant", "median epoch s", "ratio", "notes"], rows, notes)


def peak_table(m: Measurements) -> Table:
    """The matmul peak per dtype and the share of it backproplab reaches on the probe."""
    rows = []
    for dtype, peak in m.peaks.items():
        achieved = m.gflops(f"{m.probe} {dtype}")
        rows.append([dtype, f"{peak:.1f}"] + (["—", "—"] if achieved is None else
                    [f"{achieved:.1f}", f"{100 * achieved / peak:.0f} %"]))  # fmt: skip
    notes = [
        "peak: flops of one step's products / the sum of each product's best np.matmul time",
        f"backproplab: exact flops of a {m.probe} epoch / its median epoch time",
    ]
    m_batch = WORKLOADS[m.probe].batch_size
    title = f"Matrix-multiply peak on the products of one {m.probe} step (m = {m_batch})"
    return Table(title, ["dtype", "peak GFLOP/s", "backproplab GFLOP/s", "of peak"], rows, notes)


def memory_table(m: Measurements) -> Table:
    """Peak RSS of one backproplab epoch against the budget, per dtype."""
    rows = [
        [
            d,
            f"{v['budget'] / 2**20:.4g}",
            f"{v['peak'] / 2**20:.4g}",
            f"{v['peak'] / v['budget']:.2f}",
        ]
        for d, v in m.memory.items()
    ]
    notes = [
        "budget: X + Y + parameters + one mini-batch's z and a. peak: peak RSS (VmHWM) after "
        "the epoch minus RSS after `import numpy, backproplab`, in a fresh Python process"
    ]
    columns = ["dtype", "budget MiB", "peak increase MiB", "peak / budget"]
    return Table(f"Memory of one backproplab {m.probe} epoch", columns, rows, notes)


@dataclass(frozen=True)
class SpeedTarget:
    """backproplab's epoch time ≤ ``fraction`` × the peer's (``<`` when ``strict``)."""

    key: str
    peer: str
    fraction: float
    strict: bool = False


SPEED_TARGETS = (
    SpeedTarget("W3 float32", TORCH, 0.75),
    SpeedTarget("W3 float32", SKLEARN, 0.65),
    SpeedTarget("W3 float64", TORCH, 1.0, strict=True),
    SpeedTarget("W3 float64", SKLEARN, 1.0, strict=True),
    SpeedTarget("W1 float64", TORCH, 0.15),
    SpeedTarget("W2 float64", SKLEARN, 0.45),
    SpeedTarget("W2 float64", PER_EXAMPLE, 1 / 15),
)
PEAK_TARGET = 0.65  # W3 float32: backproplab reaches ≥ 65 % of the matmul peak
MEMORY_TARGET = 1.5  # W3, both dtypes: peak RSS increase ≤ 1.5 × the budget


def _target_row(label: str, value: float | None, text: str, goal: str, ok) -> list[str]:
    status = "not measured" if value is None else ("met" if ok(value) else "MISSED")
    return [label, "—" if value is None else text.format(value), goal, status]


def targets_table(m: Measurements) -> Table:
    """Each target of the issue with the measured value and met / MISSED."""
    rows = []
    for t in SPEED_TARGETS:
        ours, theirs = m.epoch_seconds(t.key, BACKPROPLAB), m.epoch_seconds(t.key, t.peer)
        ratio = theirs / ours if ours and theirs else None  # time ≤ f × peer ⇔ ratio ≥ 1/f
        goal = "ratio > 1 (ahead)" if t.strict else f"ratio ≥ {1 / t.fraction:.4g}"
        ok = (lambda r, t=t: r > 1) if t.strict else (lambda r, t=t: r * t.fraction >= 1)
        rows.append(_target_row(f"{t.key}: backproplab vs {t.peer}", ratio, "{:.3f}", goal, ok))
    w3 = m.probe == "W3"
    achieved = m.gflops("W3 float32") if w3 and "float32" in m.peaks else None
    share = achieved / m.peaks["float32"] if achieved else None
    rows.append(_target_row("W3 float32: share of the matmul peak", share, "{:.1%}",
                            f"≥ {PEAK_TARGET:.0%}", lambda s: s >= PEAK_TARGET))  # fmt: skip
    for dtype in ("float32", "float64"):
        v = m.memory.get(dtype) if w3 else None
        rows.append(_target_row(f"W3 {dtype}: peak RSS / budget",
                                v["peak"] / v["budget"] if v else None, "{:.2f}",
                                f"≤ {MEMORY_TARGET}", lambda r: r <= MEMORY_TARGET))  # fmt: skip
    notes = []
    if m.mode.name == "smoke":
        rows = [[r[0], "—", r[2], "not evaluated (smoke run)"] for r in rows]
    elif m.mode.max_steps:
        notes.append(
            f"W3 times are scaled from {m.mode.max_steps}-step prefixes (†): costs that grow "
            "with the whole data set are under-counted; take verdicts from a full run"
        )
    return Table("Targets", ["target", "measured", "goal", "status"], rows, notes)


def build_report(m: Measurements) -> list[Table]:
    """The header, one table per workload, the matmul peak, the memory and the targets."""
    tables = [header_table(m)] + [workload_table(key, m) for key in m.results]
    tables += [peak_table(m)] if m.peaks else []
    tables += [memory_table(m)] if m.memory else []
    return tables + [targets_table(m)]


# -- command line --------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported in one line (exit code 2)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m backproplab.bench",
        description="Time one epoch of mini-batch SGD in backproplab, its ladder rungs, "
        "scikit-learn and PyTorch (if installed), and check the speed targets.",
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--quick",
        action="store_true",
        help="3 rounds, W3 timed on its first 100 steps and scaled (< 2 min)",
    )
    length.add_argument(
        "--smoke",
        action="store_true",
        help="W1 only, one round, no claims: checks that every path runs",
    )
    parser.add_argument(
        "--only", metavar="W1,W3", help=f"comma-separated workloads (known: {', '.join(WORKLOADS)})"
    )
    parser.add_argument(
        "--rounds",
        type=_positive_int,
        metavar="N",
        help="timed rounds (default: 5; --quick 3; --smoke 1)",
    )
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="also write the report to FILE as Markdown")  # fmt: skip
    return parser


def _workload_names(parser, only: str | None, smoke: bool) -> list[str]:
    """The workloads to run, in the order of ``WORKLOADS``; a usage error if unknown."""
    if only is None:
        return ["W1"] if smoke else list(WORKLOADS)
    names = {name.strip().upper() for name in only.split(",") if name.strip()}
    unknown = sorted(names - set(WORKLOADS))
    if unknown or not names:
        parser.error(f"unknown workload {', '.join(unknown) or repr(only)} in --only; "
                     f"known workloads: {', '.join(WORKLOADS)}")  # fmt: skip
    if smoke and names != {"W1"}:
        parser.error("--smoke runs W1 alone; drop --only or use --quick")
    return [name for name in WORKLOADS if name in names]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    mode = MODES["smoke" if args.smoke else "quick" if args.quick else "full"]
    if args.rounds:
        mode = dataclasses.replace(mode, rounds=args.rounds)
    names = _workload_names(parser, args.only, args.smoke)
    if args.output is not None and not args.output.parent.is_dir():
        parser.error(f"--output: directory {args.output.parent} does not exist")
    tables = build_report(run_benchmark(names, mode))
    print(render_text(tables), end="")
    if args.output is not None:
        from .io import atomic_write_text

        atomic_write_text(args.output, render_markdown(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
