"""User text inside an error message: escaped and cut, so a message stays one short line.

Every message that quotes text it did not write — a CSV header or field, a class label, a
path, a value from a file's metadata, a command-line value — shows it through
:func:`shown`. A terminal escape sequence, a newline that would forge a second line, or
a 128 KB header then reach the terminal as a short, visible, inert string.

>>> shown("age\\x1b[2J\\nerror: forged")
'age\\\\x1b[2J\\\\nerror: forged'
>>> len(shown("x" * 100_000))
80
"""

from __future__ import annotations

import os

LIMIT = 80  # characters of user text in a message


def shown(value, limit: int = LIMIT) -> str:
    """``value`` as it may appear in a message: characters that are not printable
    (control characters, escape sequences, line and paragraph separators, bidirectional
    overrides) written as Python escapes, and the result cut to ``limit`` characters —
    a path in the middle (its file name is kept), anything else at the end, with "…".
    Text other than ``str`` and paths is shown by its ``repr``."""
    if isinstance(value, os.PathLike):
        return _cut_middle(_escaped(os.fspath(value)), limit)
    text = value if isinstance(value, str) else repr(value)
    return _cut_end(_escaped(text), limit)


def shown_path(path, limit: int = LIMIT) -> str:
    """A path (``str`` or path object) as :func:`shown` shows paths: cut in the middle."""
    return _cut_middle(_escaped(os.fspath(path)), limit)


def one_line(message: str, limit: int = 1000) -> str:
    """A whole message as one terminal line: what is not printable escaped, cut to
    ``limit`` characters (a last guard; the parts quoting user text are already cut)."""
    return _cut_end(_escaped(message), limit)


def quoted(value, limit: int = LIMIT) -> str:
    """:func:`shown` between single quotes, for text whose ends matter (``'a b '``)."""
    return f"'{shown(value, limit - 2)}'"


def _escaped(text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _cut_end(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut_middle(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    keep = limit - 1
    return text[: keep // 3] + "…" + text[len(text) - (keep - keep // 3) :]
