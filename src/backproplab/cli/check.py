"""``backproplab check path/to/student.py:backprop``: which equation of a learner's backprop
is wrong, at which layer — usable as an autograder.

Exit codes: 0 every case passes; 1 a diagnosis (wrong gradients, an exception, a
time-out); 2 the file cannot be loaded (syntax or import error) or the command is wrong.
The learner's file runs in a separate process (:mod:`backproplab.checking.learner.worker`),
never in this one, with a time limit per call and an overall one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_CASES = 40  # more than any battery holds: bounds the whole run's time


def parse_target(text: str) -> tuple[Path, str]:
    """``"path/to/student.py:Network.backprop"`` → (absolute path, ``"Network.backprop"``)."""
    path_text, sep, attribute = text.rpartition(":")
    if not sep or not path_text or not attribute:
        raise ValueError(f"give the function as path/to/file.py:function, got {text!r}")
    if not all(part.isidentifier() for part in attribute.split(".")):
        raise ValueError(
            f"{attribute!r} is not a function name (like backprop or Network.backprop)"
        )
    path = Path(path_text).expanduser().resolve()
    if path.suffix != ".py":
        raise ValueError(f"{path_text} is not a Python file (.py)")
    if not path.is_file():
        raise ValueError(f"no such file: {path_text}")
    return path, attribute


def cmd_check(args: argparse.Namespace) -> int:
    path, attribute = parse_target(args.target)
    if not args.time_limit > 0:
        raise ValueError(f"--time-limit must be positive, got {args.time_limit}")
    backstop = 30 + args.time_limit * (MAX_CASES + 1)
    with tempfile.TemporaryDirectory(prefix="backproplab-check-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-I",
            "-m",
            "backproplab.checking.learner.worker",
            str(path),
            attribute,
            args.style,
            args.samples,
            repr(args.time_limit),
            str(out),
        ]
        try:
            proc = subprocess.run(
                command, cwd=path.parent, capture_output=True, text=True, timeout=backstop
            )
        except subprocess.TimeoutExpired:
            print(
                f"backproplab check: {path.name} was stopped after {backstop:g} s", file=sys.stderr
            )
            return 1
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    if result is None:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        print(
            f"backproplab check: the code in {path.name} ended the checking process "
            f"(exit status {proc.returncode})" + (f":\n{tail}" if tail else ""),
            file=sys.stderr,
        )
        return 1
    if result["status"] == "load_error":
        print(f"backproplab check: {result['message']}", file=sys.stderr)
        return 2
    print(
        json.dumps(result["report"], indent=2, ensure_ascii=False) if args.json else result["text"]
    )
    return 0 if result["passed"] else 1


def register(sub) -> None:
    """Add ``check`` to the ``backproplab`` parser."""
    p = sub.add_parser(
        "check",
        help="check a learner's backprop: which equation is wrong, at which layer",
        description="Run the backprop function in a learner's file on a fixed battery of "
        "small networks and say which of BP1-BP4 is wrong, at which layer, with a hint. "
        "Exit code 0: all pass; 1: a diagnosis; 2: the file cannot be loaded.",
    )
    p.add_argument("target", help="path/to/file.py:function (or :Class.method)")
    p.add_argument(
        "--style",
        choices=["nielsen", "batch"],
        default="nielsen",
        help="nielsen: fn(net, x, y) -> (nabla_b, nabla_w) per example (default); "
        "batch: fn(weights, biases, X, Y) -> (grads_w, grads_b) of the batch-mean cost",
    )
    p.add_argument(
        "--samples",
        choices=["columns", "rows"],
        default="columns",
        help="batch style: one column per sample (default) or one row per sample",
    )
    p.add_argument("--time-limit", type=float, default=10.0, help="seconds per call (default 10)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_check)
