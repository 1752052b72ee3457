"""Where a backproplab training step spends its time, part by part.

Each part is one of the engine's own functions, called as the training loop calls it, on
the workload's first mini-batch and timed alone (the best of several repeats, so with
warm caches):

- the forward pass, :func:`backproplab.engine.forward.feedforward_into`;
- the loss and the backward pass (BP1–BP4): the training loop's
  ``Workspace.gradients`` minus its forward pass;
- the gradient's norms, ``Workspace.grad_norms`` (per-step history, overflow bound);
- the update ``θ ← θ − η g`` (``optim.SGD.update``) and the new weights' norms.

The matrix products of each pass are also timed alone (the arrays of the *products alone*
contestant), so that what a pass spends around its products shows. The whole step is an
epoch of ``Network.train`` divided by its steps; what the parts leave of it is the loop
around them (mini-batch views, history records, checks, Python) and cold caches.
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit

import numpy as np
from tqdm.auto import tqdm

from backproplab.engine import SGD, Workspace
from backproplab.engine.forward import feedforward_into
from backproplab.network import Network

from .contestants import prepare_backproplab, step_gemms
from .report import Table
from .workloads import WORKLOADS, Problem, make_problem

_REPEATS = 5  # timings of each part; the best one counts
_SECONDS = 0.02  # the least time one timing of a part lasts


def best_time(fn) -> float:
    """Seconds one call of ``fn()`` takes: the best of several timings, each of enough
    calls to last ``_SECONDS``."""
    timer = timeit.Timer(fn)
    calls = max(1, int(_SECONDS / max(timer.timeit(1), 1e-9)))
    return min(timer.repeat(repeat=_REPEATS, number=calls)) / calls


def step_parts(p: Problem, epochs: int = 5) -> list[tuple[str, float]]:
    """``(part, seconds per step)`` for one SGD step of backproplab on ``p``: first the
    whole step (the median of ``epochs`` epochs after an untimed one), then the parts
    listed in the module docstring, then the rest."""
    epoch = prepare_backproplab(p)
    epoch()
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        seconds.append(time.perf_counter() - start)
    whole = statistics.median(seconds) / p.steps

    net = Network(p.sizes, seed=0, dtype=p.dtype)
    acts, cost, L = net.layer_activations, net.cost_function, len(net.weights)
    ws, m = Workspace(net.theta, net.weights, net.biases, acts, cost), min(p.batch_size, len(p.X))
    A0, Y = ws.batch(p.X, p.Y, None, 0, m)
    buf = ws.buffers(m)
    buf.activations[0] = A0
    sgd = SGD()
    sgd.init(ws.theta)

    def update():
        sgd.update(ws.theta, ws.grad, p.eta)
        ws.weight_norms()

    products = step_gemms(p.sizes, m, p.dtype, np.random.default_rng(0))

    def multiply(gemms):
        for left, right, out in gemms:
            np.dot(left, right, out=out)

    with np.errstate(over="ignore", invalid="ignore"):  # as in training
        forward = best_time(
            lambda: feedforward_into(ws.weights, ws.biases, acts, buf.zs, buf.activations)
        )
    step = best_time(lambda: ws.gradients(A0, Y))
    parts = [
        ("forward pass", forward),
        ("  its matrix products alone", best_time(lambda: multiply(products[:L]))),
        ("loss and backward pass (BP1–BP4)", step - forward),
        ("  its matrix products alone (BP2, BP4)", best_time(lambda: multiply(products[L:]))),
        ("norms of the gradient", best_time(ws.grad_norms)),
        ("update, norms of the new weights", best_time(update)),
    ]
    counted = sum(s for name, s in parts if not name.startswith(" "))
    return [("whole step, in an epoch", whole), *parts, ("the rest of the loop", whole - counted)]


def profile_table(key: str, parts: list[tuple[str, float]]) -> Table:
    """The parts of a step on workload ``key`` (e.g. ``"W3 float32"``) as a table."""
    whole = parts[0][1]
    rows = [[name, f"{s * 1e6:.1f}", f"{s / whole:.0%}"] for name, s in parts]
    return Table(
        f"Where a backproplab step on {key} spends its time",
        ["part", "µs per step", "share"],
        rows,
        [
            "each part timed alone on the first mini-batch (best of "
            f"{_REPEATS}, warm caches); the whole step: median epoch time / steps",
            "the rest: the loop around the parts (batch views, history, checks, Python) "
            "and cold caches; it can come out negative when the machine's speed drifts",
        ],
    )


def run_profile(names, max_steps: int = 100) -> list[Table]:
    """A table of the step's parts for each workload in ``names`` and each of its dtypes,
    the epoch cut to its first ``max_steps`` steps; progress on stderr."""
    jobs = [(WORKLOADS[name], dtype) for name in names for dtype in WORKLOADS[name].dtypes]
    tables = []
    for w, dtype in tqdm(jobs, disable=None, leave=False, file=sys.stderr):
        X, labels = w.load(np.dtype(dtype).type)
        problem = make_problem(X, labels, w.sizes, w.batch_size, w.eta, dtype)
        tables.append(profile_table(f"{w.name} {dtype}", step_parts(problem.prefix(max_steps))))
    return tables
