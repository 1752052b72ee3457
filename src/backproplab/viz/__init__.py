"""Figures and animations of a network learning (matplotlib, no GUI backend needed)."""

from .animate import animate_hidden, animate_output_curve, save_gif, to_html
from .diagram import draw_network
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
    "plot_activation",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_gradcheck_history",
    "plot_history",
    "plot_nudge",
    "save_gif",
    "to_html",
]
