"""How a sub-command is declared: its name, what it does, its options as a table.

Each command module's ``register(sub)`` calls :func:`add_command` once per command with
the options as a list of :func:`option` entries, so that declaring a command is one
table, and the options every writing command shares (``--out``, ``--force``,
``--quiet``: see :mod:`backproplab.cli.output`) are declared once, by
:func:`output_options`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable

Option = tuple[tuple[str, ...], dict]


def option(*flags: str, **settings) -> Option:
    """One option, as ``argparse``'s ``add_argument(*flags, **settings)`` takes it."""
    return flags, settings


def add_command(
    sub,
    name: str,
    func: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str | None = None,
    options: Iterable[Option] = (),
) -> argparse.ArgumentParser:
    """Add the command ``name`` to the ``backproplab`` parser: ``func(args)`` runs it."""
    parser = sub.add_parser(name, help=help, description=description)
    for flags, settings in options:
        parser.add_argument(*flags, **settings)
    parser.set_defaults(func=func)
    return parser


def output_options(out: str, default: str | None = None, force: str | None = None):
    """``--out`` (``out``: what it names), ``--force`` and ``--quiet``: the options of a
    command that writes, under the one output rule of :mod:`backproplab.cli.output`."""
    return [
        option("--out", default=default, help=out),
        option(
            "--force",
            action="store_true",
            help=force or "write into a folder that holds other files (never over an input)",
        ),
        option("--quiet", action="store_true", help="print nothing but errors"),
    ]
