"""``backproplab view RUN.npz``: rebuild a run's interactive pages without training.

Reads the run file that ``demo`` or ``train`` wrote (checked like a model file: anything
wrong is refused with a one-line error) and writes ``report.html`` (and, with
``--hidden-page``, ``hidden.html``), the same pages as the run that wrote it, into
``--out`` (default: the folder ``<run>-view`` beside the run file, so the run's own pages
are never written over).
``--out`` follows the rule of every command that writes (:mod:`backproplab.cli.output`):
a new or empty folder, or one a previous ``view`` wrote, unless ``--force``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .commands import add_command, option, output_options
from .output import Printer, sigint_guard, staged_run

PAGES = ("report.html", "hidden.html")


def default_out(run: Path) -> Path:
    """``backproplab-demo/run.npz`` → ``backproplab-demo/run-view``."""
    return run.parent / f"{run.stem}-view"


def cmd_view(args: argparse.Namespace) -> int:
    from ..formats.runfile_read import load_run
    from ..viz.page import write_pages

    pages = PAGES if args.hidden_page else PAGES[:1]
    run_path = Path(args.run)
    run = load_run(run_path)
    out = Path(args.out) if args.out is not None else default_out(run_path)
    with (
        sigint_guard() as interrupts,
        staged_run(
            out,
            command="view",
            names=pages,
            inputs=[run_path],
            force=args.force,
            interrupts=interrupts,
        ) as stage,
    ):
        write_pages(run, *(stage.path / name for name in pages))
    say = Printer(args.quiet)
    say(f"wrote {out}/: {' '.join(stage.written)}")
    say(f"open {(out / 'report.html').resolve()}")
    return 0


def register(sub) -> None:
    """Add ``view`` to the ``backproplab`` parser."""
    add_command(
        sub,
        "view",
        cmd_view,
        help="draw report.html again from a run.npz",
        options=[
            option("run", help="a run file written by demo or train (run.npz)"),
            option(
                "--hidden-page",
                action="store_true",
                help="also write hidden.html (the hidden space alone)",
            ),
            *output_options("folder for the pages (default: RUN-view beside the run)"),
        ],
    )
