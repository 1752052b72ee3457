"""``backproplab view RUN.npz``: rebuild a run's interactive pages without training.

Reads the run file that ``demo`` or ``train`` wrote (checked like a model file: anything
wrong is refused with a one-line error) and writes ``report.html`` (and with
``--hidden-page`` ``hidden.html``), the same pages as the run that wrote it, into ``--out``
(default: the run file's folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_view(args: argparse.Namespace) -> int:
    from ..formats.runfile import load_run
    from ..viz.page import write_pages

    run = load_run(args.run)
    out = Path(args.out) if args.out is not None else Path(args.run).parent
    if not out.is_dir():
        raise ValueError(f"--out {out} is not a folder")
    hidden = out / "hidden.html" if args.hidden_page else None
    write_pages(run, out / "report.html", hidden)
    if not args.quiet:
        print(f"wrote {out}/: report.html" + (" hidden.html" if hidden else ""))
        print(f"open {(out / 'report.html').resolve()}")
    return 0


def register(sub) -> None:
    """Add ``view`` to the ``backproplab`` parser."""
    p = sub.add_parser("view", help="draw report.html again from a run.npz")
    p.add_argument("run", help="a run file written by demo or train (run.npz)")
    p.add_argument("--out", default=None, help="folder for the pages (default: the run's)")
    p.add_argument(
        "--hidden-page", action="store_true", help="also write hidden.html (the hidden space alone)"
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_view)
