"""A sphinx-gallery image scraper for the figures backproplab's own functions return.

Those figures are built without pyplot (:class:`backproplab.viz.figure.NotebookFigure`),
so matplotlib's scraper, which asks pyplot for its figures, never sees them. This module
keeps every such figure made while an example runs, and the scraper saves them as the
example's images after each block, in the order they were made.
"""

from __future__ import annotations

from backproplab.viz.figure import NotebookFigure

_made: list[NotebookFigure] = []
_original_init = NotebookFigure.__init__


def _remembering_init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    _made.append(self)


NotebookFigure.__init__ = _remembering_init


def library_figures(block, block_vars, gallery_conf):
    """Save the figures made by the block just run; return the reST that shows them."""
    from sphinx_gallery.scrapers import figure_rst

    paths = []
    for figure, path in zip(list(_made), block_vars["image_path_iterator"]):
        figure.savefig(path, bbox_inches="tight")
        paths.append(path)
    _made.clear()
    return figure_rst(paths, gallery_conf["src_dir"])
