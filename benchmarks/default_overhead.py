"""What the default ``Network.train`` costs over the bare training loop.

    python -m benchmarks.default_overhead [--rounds N] [--before REF]

Four ways to run the same epochs, timed interleaved, round after round, by the training
benchmark's protocol on its workloads W1 and W2 (where bookkeeping weighs most):

- *bare loop*: ``train`` as it was before epochs recorded running means (revision REF,
  default 20df48f, with ``evaluate=False``): the steps and their per-step history (loss,
  gradient and weight norms, divergence checks), no epoch loss or accuracy. It is the
  loop the training issue measured at 0.43× scikit-learn's epoch time on W2 and asked
  the default to stay within 10 % of;
- *default train*: today's default, which adds each epoch's running mean loss and
  accuracy (the mean over its mini-batches, as Keras and scikit-learn report them);
- *evaluate=True*: today's ``train`` with an exact pass over the training set after each
  epoch instead;
- *engine alone*: ``Workspace.gradients`` and the SGD update for each mini-batch, nothing
  recorded at all — the floor under any training loop.

The table shows median epoch times and each one's ratio to the bare loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

import backproplab
from backproplab import Network
from backproplab.engine import SGD, Workspace
from benchmarks.compare_versions import import_version, trainer
from benchmarks.training.contestants import Contestant
from benchmarks.training.timing import time_round_robin
from benchmarks.training.workloads import WORKLOADS, make_problem


def engine_alone(p):
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
    parser.add_argument("--before", default="20df48f",
                        help="revision whose train(evaluate=False) is the bare loop")  # fmt: skip
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        before = import_version(args.before, Path(tmp) / "before")
        contestants = [
            Contestant("bare loop", trainer(before, {"evaluate": False})),
            Contestant("default train", trainer(backproplab, {})),
            Contestant("evaluate=True", trainer(backproplab, {"evaluate": True})),
            Contestant("engine alone", engine_alone),
        ]
        print("| workload | bare loop (s) | default train / bare | evaluate=True / bare "
              "| engine alone / bare |")  # fmt: skip
        print("|---|---|---|---|---|")
        for name in ("W1", "W2"):
            w = WORKLOADS[name]
            X, labels = w.load(np.float64)
            p = make_problem(X, labels, w.sizes, w.batch_size, w.eta, "float64")
            with tqdm(total=len(contestants) * (args.rounds + 1), disable=None, leave=False) as bar:
                results = time_round_robin(
                    [(c, p) for c in contestants], p.steps, args.rounds, True, bar
                )
            bare, *others = (r.epoch_seconds for r in results)
            ratios = " | ".join(f"{t / bare:.3f}" for t in others)
            print(f"| {name} | {bare:.5f} | {ratios} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
