"""The interactive report: one self-contained HTML file drawn by Plotly.

Python computes every panel's arrays for every recorded moment (:mod:`.panels`); the
page only draws them. The arrays travel as one gzip-compressed, base64 buffer described
by a JSON header; plotly.js, from the ``plotly`` Python package, travels the same way
(compressed, it takes 1.5 MB of the page instead of 4.8). The page's own JavaScript,
one small file per panel, and its HTML and CSS live in ``web/`` beside this module.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib import resources

from ..formats.modelfile import atomic_write_text
from . import reproduce
from .panels import gz64, pack, page_data
from .template import fill

SCRIPTS = ["app.js", "hidden.js", "input.js", "heatmaps.js", "network.js", "loss.js", "loader.js"]


def _web(name: str) -> str:
    return resources.files(__package__).joinpath("web", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def plotly_gz_base64() -> str:
    """plotly.min.js from the plotly package, gzip-compressed and base64-encoded."""
    from plotly.offline import get_plotlyjs

    return gz64(get_plotlyjs().encode("utf-8"))


def snippet(run) -> str:
    """Python that reproduces the run with the library's public API (:mod:`.reproduce`),
    or a comment saying which of the run's fields could not be written as code."""
    try:
        return reproduce.for_run(run)
    except ValueError as exc:
        return reproduce.refusal(exc)


def _script_tags(meta: dict, arrays: dict) -> str:
    header, blob = pack(arrays)
    meta = dict(meta, arrays=header)
    text = json.dumps(meta, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    tags = [
        f'<script type="application/json" id="bpl-meta">{text}</script>',
        f'<script type="application/octet-stream" id="bpl-data">{blob}</script>',
        f'<script type="application/octet-stream" id="bpl-plotly">{plotly_gz_base64()}</script>',
    ]
    tags += [f"<script>\n{_web(name)}</script>" for name in SCRIPTS]
    return "\n".join(tags)


def _common(run, meta) -> dict[str, str]:
    h = meta["hidden"]
    return {
        "TITLE": html.escape(run.title or "backproplab run"),
        "STYLE": _web("style.css"),
        "CONTROLS": _web("controls.html"),
        "HIDDEN_PANEL": fill(
            _web("hidden-panel.html"),
            {
                "HIDDEN_HEADING": html.escape(f"layer {run.watch} of {run.sizes}"),
                "HIDDEN_NOTE": html.escape(h["note"]),
            },
        ),
    }


def render_report(run, data=None) -> str:
    """The interactive report as a complete HTML document (``data``: :func:`page_data`'s
    result, if already computed)."""
    meta, arrays = data or page_data(run)
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in run.settings.items()
    )
    check = run.gradcheck.get("text", "no gradient check was run")
    during = run.history.get("gradcheck_history")
    if during is not None and len(during):
        errors = during[:, 1]
        check += (
            f"\n\nduring training: {len(during)} checks, relative error from "
            f"{errors.min():.1e} to {errors.max():.1e}"
        )
    values = _common(run, meta) | {
        "SUMMARY": html.escape(run.summary),
        "INPUT_NOTE": html.escape(meta["input"]["note"]),
        "HEATMAPS_NOTE": html.escape(meta["heatmaps_note"]),
        "NETWORK_NOTE": html.escape(meta["network_note"]),
        "GRADCHECK": html.escape(check),
        "SETTINGS": rows,
        "SNIPPET": html.escape(snippet(run)),
    }
    values["SCRIPTS"] = _script_tags(meta, arrays)
    return fill(_web("report.html"), values)


def render_hidden_page(run, data=None) -> str:
    """The hidden-space panel with its slider alone, as a complete HTML document."""
    meta, arrays = data or page_data(run)
    keep = {"y", "H", "fitBox", "planeFixed", "planeFit"}
    arrays = {k: v for k, v in arrays.items() if k in keep}
    values = _common(run, meta)
    values["SCRIPTS"] = _script_tags(meta, arrays)
    return fill(_web("hidden.html"), values)


def write_pages(run, report_path, hidden_path=None) -> None:
    """Write :func:`render_report` (and :func:`render_hidden_page`) atomically."""
    data = page_data(run)
    atomic_write_text(report_path, render_report(run, data))
    if hidden_path is not None:
        atomic_write_text(hidden_path, render_hidden_page(run, data))
