"""Figures and animations that show themselves in a notebook, with no ``%matplotlib``.

The figures here are built without pyplot (no GUI backend, no global state), so IPython
has no matplotlib display hook for them until something imports pyplot with the inline
backend: a fresh kernel would print ``<Figure size 1100x700 with 4 Axes>``. These
subclasses carry their own rich representation instead, which Jupyter asks for:

- :class:`NotebookFigure` is a :class:`matplotlib.figure.Figure` whose ``_repr_png_``
  renders it with the Agg canvas (trimmed to its content, as the inline backend does);
- :class:`~.animate.NotebookAnimation` (in :mod:`.animate`, beside the player it uses) is
  a :class:`~matplotlib.animation.FuncAnimation` whose ``_repr_html_`` is the offline
  JavaScript player of :func:`~.animate.to_html` (plain ``FuncAnimation`` returns nothing
  unless ``rcParams["animation.html"]`` is set).

Outside a notebook they are the matplotlib objects they extend.

>>> fig = NotebookFigure(figsize=(2, 1))
>>> fig._repr_png_()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure


class NotebookFigure(Figure):
    """A Figure that a notebook shows as a PNG image when it is a cell's value."""

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
