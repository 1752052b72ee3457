"""The command line: ``python -m benchmarks.training [--quick | --smoke | --profile]
[--only W1,W3] [--rounds N] [--output FILE]``."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path

from backproplab.cli import OneLineErrorParser

from .profile import run_profile
from .report import build_report, render_markdown, render_text
from .run import MODES, run_benchmark
from .workloads import WORKLOADS


def _positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="python -m benchmarks.training",
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
    length.add_argument(
        "--profile",
        action="store_true",
        help="instead of the contestants, time the parts of a backproplab step",
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
        if args.profile:
            parser.error("--rounds does not apply to --profile (each part is timed until stable)")
        mode = dataclasses.replace(mode, rounds=args.rounds)
    names = _workload_names(parser, args.only, args.smoke)
    if args.output is not None and not args.output.parent.is_dir():
        parser.error(f"--output: directory {args.output.parent} does not exist")
    if args.profile:
        tables = run_profile(names)
    else:
        tables = build_report(run_benchmark(names, mode))
    print(render_text(tables), end="")
    if args.output is not None:
        from backproplab.formats.files import atomic_write_text

        atomic_write_text(args.output, render_markdown(tables))
    return 0
