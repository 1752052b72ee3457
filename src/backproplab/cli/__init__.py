"""The ``backproplab`` command line.

Each module in this package owns a few sub-commands: its ``register(subparsers)`` declares
them with argparse and points each at a ``cmd_*(args) -> int`` function. ``main`` builds
the parser and dispatches. A mistake in what the user typed ends with one line on stderr
and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from ..formats.text import one_line
from . import check_learner, demo, gradient_checks, predict, serve, sweep, view

COMMAND_MODULES = [demo, predict, gradient_checks, check_learner, sweep, view, serve]


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` text with every option's default, except where there is none to show
    (None, a flag's False, an empty list) or the help text already says what it is."""

    def _get_help_string(self, action):
        text = action.help or ""
        nothing = action.default is None or action.default is False or action.default == []
        if nothing or "default" in text:
            return text
        return super()._get_help_string(action)


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported in one line (exit code 2), and ``--help``
    showing every option's default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="backproplab",
        description="See and check how a neural network learns by backpropagation.",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"backproplab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A Ctrl-C at any moment, even while the parser's modules are
    still being imported, ends with one line and exit code 130 (see also
    :mod:`backproplab_entry`, the command's entry point) — also when a library it lands
    in turns its ``KeyboardInterrupt`` into another error (an extension's import, say)."""
    name = "backproplab"
    with _noting_interrupts() as interrupted:
        try:
            args = build_parser().parse_args(argv)
            name = f"backproplab {args.command}"
            with _silenced(getattr(args, "quiet", False)):
                return args.func(args)
        except Exception as exc:
            if not interrupted:
                return _error(name, exc)
        except KeyboardInterrupt:
            pass
    print(f"{name}: interrupted; no file was left half-written", file=sys.stderr)
    return 130


def _error(name: str, exc: Exception) -> int:
    """A user's mistake or a request too large: one line, exit code 2; anything else is
    a bug, raised as it is."""
    if isinstance(exc, ValueError | TypeError | OSError):
        print(one_line(f"{name}: error: {exc}"), file=sys.stderr)
        return 2
    if isinstance(exc, MemoryError):
        print(f"{name}: error: not enough memory for this request", file=sys.stderr)
        return 2
    raise exc


@contextmanager
def _noting_interrupts() -> Iterator[list]:
    """A Ctrl-C raises ``KeyboardInterrupt`` as usual, and is noted in the list yielded,
    so that an error a library made of it is still known for an interrupt. (Off the main
    thread, where signals cannot be handled, the list stays empty.)"""
    noted: list = []

    def on_sigint(signum, frame):
        noted.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread
        previous = None
    try:
        yield noted
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


@contextmanager
def _silenced(quiet: bool) -> Iterator[None]:
    """With ``--quiet``: no warnings (matplotlib's about a missing glyph, say) and no log
    messages below errors, in this process and the ones it forks; errors still print."""
    if not quiet:
        yield
        return
    logger = logging.getLogger("matplotlib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


if __name__ == "__main__":
    sys.exit(main())
