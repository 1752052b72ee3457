"""What the default ``Network.train`` costs over the bare training loop.

    python -m benchmarks.default_overhead [--rounds N]

The bare loop is the engine alone — for each mini-batch, ``Workspace.gradients`` and the SGD
update, nothing recorded. The default ``train`` adds the per-step history (loss, gradient
and weight norms), the running mean of the epoch's loss and accuracy, the divergence
checks and the callbacks' loop; ``evaluate=True`` adds an exact pass over the training set
after each epoch. Timed interleaved, round after round, by the training benchmark's
protocol on its workloads W1 and W2 (where the overhead weighs most); the table shows median
epoch times and their ratios to the bare loop.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from tqdm.auto import tqdm

import backproplab
from backproplab import Network
from backproplab.engine import SGD, Workspace
from benchmarks.compare_versions import trainer
from benchmarks.training.contestants import Contestant
from benchmarks.training.timing import time_round_robin
from benchmarks.training.workloads import WORKLOADS, make_problem


def bare_loop(p):
    net = Network(p.sizes, seed=0, dtype=p.dtype)
    ws = Workspace(net.theta, net.weights, net.biases, net.layer_activations, net.cost_function)
    sgd = SGD()
    sgd.init(ws.theta)
    n = len(p.X)

    def epoch():
        for start in range(0, n, p.batch_size):
            A0, Yb = ws.batch(p.X, p.Y, None, start, min(p.batch_size, n - start))
            ws.gradients(A0, Yb)
            sgd.update(ws.theta, ws.grad, p.eta)
        return net

    return epoch


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.default_overhead")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    contestants = [
        Contestant("bare loop", bare_loop),
        Contestant("train (default)", trainer(backproplab, {})),
        Contestant("train(evaluate=True)", trainer(backproplab, {"evaluate": True})),
    ]
    print("| workload | bare loop (s) | default train / bare | evaluate=True / bare |")
    print("|---|---|---|---|")
    for name in ("W1", "W2"):
        w = WORKLOADS[name]
        X, labels = w.load(np.float64)
        p = make_problem(X, labels, w.sizes, w.batch_size, w.eta, "float64")
        with tqdm(total=3 * (args.rounds + 1), disable=None, leave=False) as bar:
            bare, default, exact = time_round_robin(
                [(c, p) for c in contestants], p.steps, args.rounds, True, bar
            )
        b = bare.epoch_seconds
        print(f"| {name} | {b:.5f} | {default.epoch_seconds / b:.3f} | "
              f"{exact.epoch_seconds / b:.3f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
