"""``backproplab gradcheck`` and ``backproplab ladder``: check backprop from the shell."""

from __future__ import annotations

import argparse
import time

import numpy as np

from ..data.labels import one_hot


def parse_layers(text: str, option: str = "--layers") -> list[int]:
    """``"2,3,3,1"`` -> ``[2, 3, 3, 1]``, with an error that names the option."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(
            f"{option} must be comma-separated integers like 2,3,3,1, got {text!r}"
        ) from None


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
    from ..validation import check_positive_int
    from .limits import check_epsilon, check_gradcheck, check_layers, check_seed

    check_positive_int(args.samples, "--samples")
    check_epsilon(args.epsilon)
    check_seed(args.seed)
    check_layers(parse_layers(args.layers))
    check_gradcheck(parse_layers(args.layers), args.samples)
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
    print(f"{net} on {args.samples} random samples\n")
    print(report)
    return 0 if report.passed else 1


def cmd_ladder(args: argparse.Namespace) -> int:
    from ..checking.ladder import RUNGS
    from ..network import Network
    from .limits import check_layers, check_seed

    sizes = parse_layers(args.layers)
    if args.samples < 1:
        raise ValueError(f"--samples must be at least 1, got {args.samples}")
    check_seed(args.seed)
    check_layers(sizes)
    net = Network(sizes, seed=args.seed)
    X, Y = _random_problem(net, args.samples, np.random.default_rng(args.seed))
    reference = RUNGS["gemm"](net.weights, net.biases, X, Y)
    ref_flat = np.concatenate([g.ravel() for g in reference[0] + reference[1]])
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
    gc.add_argument("--samples", type=int, default=10, help="random samples to check on")
    gc.add_argument("--epsilon", type=float, default=1e-7, help="the finite-difference step ε")
    gc.add_argument("--seed", type=int, default=0, help="seed of the weights and samples")
    gc.set_defaults(func=cmd_gradcheck)

    lad = sub.add_parser("ladder", help="run every rung of the derivation ladder and compare")
    lad.add_argument(
        "--layers", default="2,3,3,1", help="layer sizes (all 1 to include the scalar rung)"
    )
    lad.add_argument("--samples", type=int, default=16, help="random samples")
    lad.add_argument("--seed", type=int, default=0, help="seed of the weights and samples")
    lad.set_defaults(func=cmd_ladder)
