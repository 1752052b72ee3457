"""One self-contained HTML page about a training run: every image inline, no network needed."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from matplotlib.figure import Figure

from ..io import atomic_write_text
from .animate import html_page
from .diagram import draw_network
from .plots import draw_decision_boundary, plot_dataset, plot_gradcheck_history, plot_history

_STYLE = """<style>
 body { max-width: 1100px; }
 section { margin: 2em 0; }
 img { max-width: 100%; display: block; }
 table { border-collapse: collapse; }
 td, th { border: 1px solid #ccc; padding: 0.25em 0.75em; text-align: left; }
 pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
 .row { display: flex; gap: 1em; flex-wrap: wrap; }
</style>"""


def figure_to_img(fig: Figure, alt: str, dpi: int = 90) -> str:
    """An ``<img>`` tag holding the figure as an inline base64 PNG."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


@dataclass
class RunReport:
    """Everything the report shows about one training run."""

    title: str
    net: object  # the trained Network
    initial_net: object  # the same Network before training
    X: object
    y: object
    history: object
    settings: dict
    summary: str
    gradcheck: object | None = None  # a GradcheckReport
    animation_html: str = ""


def _section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>\n{body}\n</section>"


def render(report: RunReport) -> str:
    """The report as a complete HTML document."""
    parts = [f"<p>{html.escape(report.summary)}</p>"]
    parts.append(
        _section("The data", figure_to_img(plot_dataset(report.X, report.y), "the data set"))
    )
    parts.append(
        _section("The network", figure_to_img(draw_network(report.net), "network diagram"))
    )
    parts.append(
        _section("Training", figure_to_img(plot_history(report.history), "training curves"))
    )
    if report.X.shape[1] <= 2:
        fig = Figure(figsize=(10, 4.5), layout="constrained")
        left, right = fig.subplots(1, 2)
        draw_decision_boundary(left, report.initial_net, report.X, report.y, "before training")
        draw_decision_boundary(right, report.net, report.X, report.y, "after training")
        parts.append(
            _section("Decision boundary in input space", figure_to_img(fig, "decision boundary"))
        )
    if report.gradcheck is not None:
        body = f"<pre>{html.escape(str(report.gradcheck))}</pre>"
        during = plot_gradcheck_history(report.history)
        if during is not None:
            body += figure_to_img(during, "gradient check during training")
        parts.append(_section("Gradient check", body))
    if report.animation_html:
        parts.append(_section("Hidden representations through training", report.animation_html))
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in report.settings.items()
    )
    parts.append(_section("Settings", f"<table>{rows}</table>"))
    return html_page(html.escape(report.title), _STYLE + "\n" + "\n".join(parts))


def write_report(report: RunReport, path) -> None:
    """Render and write the report; nothing appears under ``path`` until it is complete."""
    atomic_write_text(path, render(report))
