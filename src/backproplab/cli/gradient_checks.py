"""``backproplab gradcheck`` and ``backproplab ladder``: compare backprop's gradients with finite
differences and with every rung of the derivation ladder, from the shell."""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager

import numpy as np

from ..data.labels import one_hot

MAX_SAMPLES = 10_000  # gradcheck and ladder: samples per forward pass; more is a typo
MAX_GRADCHECK_WORK = 2e10  # multiply-adds a gradcheck may take (about a minute at most)
LAYER_OVERHEAD = 2000  # a layer's fixed cost per forward pass, in multiply-adds (NumPy calls)


def check_gradcheck_work(sizes: list[int], samples: int) -> None:
    """Refuse a check whose finite differences would run for minutes: each checked entry
    (at most :data:`~backproplab.checking.gradcheck.PER_ARRAY` of each W and b) costs two
    forward passes, ``Σ (samples · n_ℓ n_{ℓ−1} + overhead)`` multiply-adds each, the
    overhead being a layer's NumPy calls (:data:`LAYER_OVERHEAD`)."""
    from ..checking.gradcheck import PER_ARRAY

    pairs = list(zip(sizes[:-1], sizes[1:], strict=False))
    checked = sum(min(n * n_in, PER_ARRAY) + min(n, PER_ARRAY) for n_in, n in pairs)
    work = 2.0 * checked * sum(samples * n * n_in + LAYER_OVERHEAD for n_in, n in pairs)
    if work > MAX_GRADCHECK_WORK:
        raise ValueError(
            f"this check would take about {work:.1e} multiply-adds (at most "
            f"{MAX_GRADCHECK_WORK:.0e} are accepted): use fewer --samples or a smaller network"
        )


@contextmanager
def quiet_broken_pipe():
    """Let the reader stop early (``backproplab ladder | head -1``): when stdout's pipe is
    closed, stop writing and exit quietly (code 0) instead of with a broken-pipe error.
    Everything is flushed inside the block, so the error cannot surface at exit."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that flush is quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def check_samples(n, option: str = "--samples") -> int:
    """A number of samples from 1 to :data:`MAX_SAMPLES`."""
    from ..validation import check_positive_int

    check_positive_int(n, option)
    if n > MAX_SAMPLES:
        raise ValueError(f"{option} must be at most {MAX_SAMPLES}, got {n}")
    return n


def _random_problem(net, n_samples: int, rng: np.random.Generator):
    """Inputs ~ N(0, 1) and targets that suit the network's output and cost."""
    X = rng.standard_normal((n_samples, net.sizes[0]))
    n_out = net.sizes[-1]
    if net.cost_function.name == "categorical_cross_entropy":
        Y = one_hot(rng.integers(0, n_out, n_samples), classes=np.arange(n_out))
    elif net.output_activation in ("sigmoid", "softmax"):
        Y = rng.uniform(0, 1, (n_samples, n_out))
    else:
        Y = rng.standard_normal((n_samples, n_out))
    return X, Y


def cmd_gradcheck(args: argparse.Namespace) -> int:
    from ..checking.gradcheck import gradcheck
    from ..network import Network
    from .limits import check_epsilon, check_layers, check_seed, parse_layers

    check_samples(args.samples)
    check_epsilon(args.epsilon)
    check_seed(args.seed)
    check_layers(parse_layers(args.layers))
    check_gradcheck_work(parse_layers(args.layers), args.samples)
    net = Network(
        parse_layers(args.layers),
        activation=args.activation,
        output_activation=args.output_activation,
        cost=args.cost,
        init="xavier",
        seed=args.seed,
    )
    X, Y = _random_problem(net, args.samples, np.random.default_rng(args.seed))
    report = gradcheck(net, X, Y, epsilon=args.epsilon)
    with quiet_broken_pipe():
        print(f"{net} on {args.samples} random samples\n")
        print(report)
    return 0 if report.passed else 1


def cmd_ladder(args: argparse.Namespace) -> int:
    from ..checking.ladder import RUNGS
    from ..network import Network
    from .limits import check_layers, check_seed, parse_layers

    sizes = parse_layers(args.layers)
    check_samples(args.samples)
    check_seed(args.seed)
    check_layers(sizes)
    net = Network(sizes, seed=args.seed)
    X, Y = _random_problem(net, args.samples, np.random.default_rng(args.seed))
    reference = RUNGS["gemm"](net.weights, net.biases, X, Y)
    ref_flat = np.concatenate([g.ravel() for g in reference[0] + reference[1]])
    with quiet_broken_pipe():
        print(f"every rung of the ladder on {net}, {args.samples} samples\n")
        print(f"{'rung':<14}{'max rel. diff from gemm':>24}{'time':>12}")
        for name, rung in RUNGS.items():
            if name == "scalar" and any(s != 1 for s in sizes):
                print(f"{name:<14}{'(width-1 chains only)':>24}{'':>12}")
                continue
            start = time.perf_counter()
            grads = rung(net.weights, net.biases, X, Y)
            seconds = time.perf_counter() - start
            flat = np.concatenate([g.ravel() for g in grads[0] + grads[1]])
            scale = np.maximum(np.abs(ref_flat), np.finfo(float).tiny)
            diff = float(np.max(np.abs(flat - ref_flat) / scale))
            print(f"{name:<14}{diff:>24.2e}{seconds * 1e3:>10.3f}ms")
    return 0


def register(sub) -> None:
    """Add ``gradcheck`` and ``ladder`` to the ``backproplab`` parser."""
    gc = sub.add_parser("gradcheck", help="compare backprop with finite differences, per layer")
    gc.add_argument("--layers", default="2,3,3,1", help="layer sizes, input first")
    gc.add_argument("--activation", default="sigmoid", help="hidden layers' activation")
    gc.add_argument("--output-activation", default=None,
                    help="output activation (default: the hidden one)")  # fmt: skip
    gc.add_argument("--cost", default="quadratic", help="quadratic or cross-entropy")
    gc.add_argument("--samples", type=int, default=10,
                    help=f"random samples to check on (at most {MAX_SAMPLES}); at most 100 "
                    "entries of each W and b are checked, two forward passes each")  # fmt: skip
    gc.add_argument("--epsilon", type=float, default=1e-7, help="the finite-difference step ε")
    gc.add_argument("--seed", type=int, default=0, help="seed of the weights and samples")
    gc.set_defaults(func=cmd_gradcheck)

    lad = sub.add_parser("ladder", help="run every rung of the derivation ladder and compare")
    lad.add_argument(
        "--layers", default="2,3,3,1", help="layer sizes (all 1 to include the scalar rung)"
    )
    lad.add_argument(
        "--samples", type=int, default=16, help=f"random samples (at most {MAX_SAMPLES})"
    )
    lad.add_argument("--seed", type=int, default=0, help="seed of the weights and samples")
    lad.set_defaults(func=cmd_ladder)
