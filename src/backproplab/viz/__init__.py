"""Figures and animations of a network learning.

matplotlib figures and animations (no GUI backend needed), interactive Plotly figures for
notebooks (:func:`hidden_space_figure`, :func:`history_figure`), and the interactive
report (:mod:`.page`).
"""

from .animate import animate_hidden, animate_output_curve, save_gif, to_html
from .diagram import draw_network
from .interactive import hidden_space_figure, history_figure
from .plots import (
    plot_activation,
    plot_dataset,
    plot_decision_boundary,
    plot_gradcheck_history,
    plot_history,
    plot_nudge,
)

__all__ = [
    "animate_hidden",
    "animate_output_curve",
    "draw_network",
    "hidden_space_figure",
    "history_figure",
    "plot_activation",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_gradcheck_history",
    "plot_history",
    "plot_nudge",
    "save_gif",
    "to_html",
]
