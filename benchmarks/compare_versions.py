"""Two versions of backproplab side by side: is a change slower?

    python -m benchmarks.compare_versions --against REF [--rounds N] [--only W1,W3] [--steps S]
        [--epochs E] [--options KEY=VALUE,...] [--ref-options KEY=VALUE,...]

The package as it was at git revision REF is unpacked from the repository into a temporary
folder and imported under another name, so both versions run in one process, on the same
workloads as the training benchmark (:mod:`benchmarks.training.workloads`), interleaved
round after round by the benchmark's own protocol
(:func:`benchmarks.training.timing.time_round_robin`). Each is timed on
``Network(sizes, seed=0).train(X, Y, epochs=E, ...)`` (E = 1 unless ``--epochs``; the
time is divided by E), the default path, plus any ``--options`` (``--ref-options`` for
REF's side; values are Python literals, e.g. ``evaluate=False``). The table shows the
median epoch time of each and the ratio current / REF (above 1: the current code is
slower).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from benchmarks.training.contestants import Contestant
from benchmarks.training.timing import time_round_robin
from benchmarks.training.workloads import WORKLOADS, make_problem

ROOT = Path(__file__).resolve().parents[1]


def import_version(ref: str, folder: Path, name: str = "backproplab_ref"):
    """The ``backproplab`` package of git revision ``ref``, imported as ``name``."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src/backproplab"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(folder, filter="data")
    init = folder / "src" / "backproplab" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def parse_options(text: str) -> dict:
    """``"evaluate=False,l2=0.5"`` → ``{"evaluate": False, "l2": 0.5}``."""
    pairs = [item.split("=", 1) for item in text.split(",") if item]
    return {key: ast.literal_eval(value) for key, value in pairs}


def trainer(package, options: dict, epochs: int = 1):
    """``prepare(problem) -> epoch`` for the given package's ``Network.train`` (``epochs``
    epochs a call)."""

    def prepare(p):
        net = package.Network(p.sizes, seed=0, dtype=p.dtype)

        def epoch():
            net.train(p.X, p.Y, epochs=epochs, batch_size=p.batch_size, eta=p.eta,
                      shuffle=False, **options)  # fmt: skip
            return net

        return epoch

    return prepare


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_versions")
    parser.add_argument("--against", required=True, help="git revision to compare with")
    parser.add_argument("--current", default=None,
                        help="a git revision to time instead of the working tree")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", default="W1,W2,W3", help="workloads, e.g. W1,W3")
    parser.add_argument("--steps", type=int, default=None, help="cut each epoch to S steps")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per train call")
    parser.add_argument("--options", default="", help="train options of the current side")
    parser.add_argument("--ref-options", default="", help="train options of REF's side")
    args = parser.parse_args(argv)
    import backproplab  # the working tree's, unless --current names a revision

    with tempfile.TemporaryDirectory() as tmp:
        old = import_version(args.against, Path(tmp) / "ref")
        if args.current is not None:
            backproplab = import_version(args.current, Path(tmp) / "cur", "backproplab_cur")
        contestants = [
            Contestant("current", trainer(backproplab, parse_options(args.options), args.epochs)),
            Contestant(args.against, trainer(old, parse_options(args.ref_options), args.epochs)),
        ]
        cur = args.current or "current"
        print(f"| workload | {cur} (s) | {args.against} (s) | {cur} / {args.against} |")
        print("|---|---|---|---|")
        for name in args.only.split(","):
            w = WORKLOADS[name]
            for dtype in w.dtypes:
                X, labels = w.load(np.dtype(dtype).type)
                p = make_problem(X, labels, w.sizes, w.batch_size, w.eta, dtype).prefix(args.steps)
                runs = [(c, p) for c in contestants]
                with tqdm(total=2 * (args.rounds + 1), disable=None, leave=False) as bar:
                    new, ref = time_round_robin(runs, p.steps, args.rounds, True, bar)
                a, b = new.epoch_seconds / args.epochs, ref.epoch_seconds / args.epochs
                print(f"| {name} {dtype} | {a:.5f} | {b:.5f} | {a / b:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
