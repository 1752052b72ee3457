"""The interactive report: one self-contained HTML file drawn by Plotly.

Python computes every panel's arrays for every recorded moment (:mod:`.panels`); the
page only draws them. The arrays travel as one gzip-compressed, base64 buffer described
by a JSON header; plotly.js, from the ``plotly`` Python package, travels the same way
(compressed, it takes 1.5 MB of the page instead of 4.8). The page's own JavaScript is
ES modules in ``web/`` beside this module, one per panel (listed in
:data:`.panels.PANELS`) and a few shared ones; its HTML and CSS live there too.

A page opened from disk may not load module files (browsers refuse ``file://`` module
scripts), so the report carries its modules in an import map, each as a ``data:`` URL
under a name ``bpl/<path in the package>`` (:func:`import_map`); the modules' relative
imports are rewritten to those names, and nothing else in them changes. The playground
serves the same files as they are (:func:`module_closure` is its allow-list).
"""

from __future__ import annotations

import base64
import html
import json
import posixpath
import re
from functools import lru_cache
from importlib import resources

import numpy as np

from ..formats.files import atomic_write_text
from . import reproduce
from .panels import PANELS, gz64, pack, page_data
from .template import fill

MODULE_PREFIX = "bpl/"  # the report's import-map names: bpl/viz/web/report.js, …
REPORT_ENTRY = "viz/web/report.js"
# A static import or re-export of a relative specifier: the only imports the modules use.
_IMPORT = re.compile(
    r"""^((?:import|export)\b[^;'"]*?\bfrom\s*|import\s*)(["'])(\.\.?/[^"']+)\2""", re.M
)


def _web(name: str) -> str:
    return resources.files(__package__).joinpath("web", name).read_text(encoding="utf-8")


def module_text(path: str) -> str:
    """The text of the module at ``path`` in the package (e.g. ``viz/web/view.js``)."""
    return resources.files("backproplab").joinpath(path).read_text(encoding="utf-8")


def panel_modules() -> list[str]:
    """The package paths of the panels' modules, in :data:`.panels.PANELS` order."""
    return [f"viz/web/{p.script}" for p in PANELS]


def _imports(path: str, text: str) -> list[tuple[re.Match, str]]:
    """Each relative import of the module at ``path``, with the package path it names."""
    folder = posixpath.dirname(path)
    return [
        (m, posixpath.normpath(posixpath.join(folder, m.group(3)))) for m in _IMPORT.finditer(text)
    ]


@lru_cache(maxsize=8)
def module_closure(entries: tuple[str, ...]) -> tuple[str, ...]:
    """The package paths of ``entries`` and every module they import, each once, the
    imported before the importer. ValueError for an import that leaves the package's
    ``.js`` files."""
    seen: dict[str, None] = {}

    def visit(path: str, chain: tuple[str, ...]) -> None:
        if path in seen:
            return
        if path in chain or not path.endswith(".js") or path.startswith(".."):
            raise ValueError(f"bad module import {path!r} (from {' → '.join(chain)})")
        for _, dep in _imports(path, module_text(path)):
            visit(dep, (*chain, path))
        seen[path] = None

    for entry in entries:
        visit(entry, ())
    return tuple(seen)


def _named(path: str) -> str:
    """The module's text with its relative imports rewritten to import-map names."""
    text = module_text(path)
    out, last = [], 0
    for m, dep in _imports(path, text):
        out += [text[last : m.start(3)], MODULE_PREFIX + dep]
        last = m.end(3)
    return "".join([*out, text[last:]])


@lru_cache(maxsize=1)
def import_map() -> str:
    """The report's modules as an import map of ``data:`` URLs (see the module's doc)."""
    paths = module_closure((REPORT_ENTRY, *panel_modules()))
    imports = {
        MODULE_PREFIX + p: "data:text/javascript;base64,"
        + base64.b64encode(_named(p).encode("utf-8")).decode("ascii")
        for p in paths
    }
    return json.dumps({"imports": imports}, separators=(",", ":"))


def panel_list(prefix: str, ids=None) -> str:
    """The page's panels as the JSON its entry module reads (``#bpl-panels``): each id and
    the name its module is imported by (``prefix`` + its package path)."""
    panels = [
        {"id": p.id, "module": prefix + path}
        for p, path in zip(PANELS, panel_modules(), strict=True)
        if ids is None or p.id in ids
    ]
    return json.dumps(panels, separators=(",", ":"))


def panel_sections(meta: dict | None, controls: dict[str, str], ids=None) -> str:
    """The panels' HTML sections, in :data:`.panels.PANELS` order: each with its heading,
    its note (from ``meta``; None: empty, for the page's script to fill), the panel's own
    controls and the page's (``controls[id]``, HTML)."""
    sections = []
    for p in PANELS:
        if ids is not None and p.id not in ids:
            continue
        heading = ""
        if p.id == "hidden-space" and meta is not None:
            heading = ": " + meta["hidden"]["heading"]
        own = _web(p.controls) if p.controls else ""
        values = {
            "ID": p.id,
            "TITLE": html.escape(p.title),
            "HEADING": html.escape(heading),
            "NOTE": html.escape(meta["notes"][p.id]) if meta is not None else "",
            "CONTROLS": controls.get(p.id, "") + own,
        }
        sections.append(fill(_web("section.html"), values))
    return "\n".join(sections)


def document(title: str, head: str, body: str) -> str:
    """A complete HTML page: ``head`` and ``body`` are HTML, ``title`` text."""
    values = {"TITLE": html.escape(title), "HEAD": head, "BODY": body}
    return fill(_web("page.html"), values)


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


def settings_rows(settings: dict) -> list[tuple[str, str]]:
    """The run's settings as (name, value) rows of text: a nested group (``training``) gives
    a row per entry, lists read ``2, 3, 3, 1``.

    >>> settings_rows({"layers": [2, 3, 1], "training": {"optimizer": "sgd", "l2": 0.0}})
    [('layers', '2, 3, 1'), ('optimizer', 'sgd'), ('l2', '0.0')]
    """
    rows = []
    for name, value in settings.items():
        if isinstance(value, dict):
            rows += settings_rows(value)
        elif isinstance(value, list | tuple):
            rows.append((str(name), ", ".join(str(v) for v in value)))
        else:
            rows.append((str(name), str(value)))
    return rows


def _script_tags(meta: dict, arrays: dict, ids=None) -> str:
    header, blob = pack(arrays)
    meta = dict(meta, arrays=header)
    text = json.dumps(meta, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    panels = panel_list(MODULE_PREFIX, ids)
    tags = [
        f'<script type="application/json" id="bpl-meta">{text}</script>',
        f'<script type="application/json" id="bpl-panels">{panels}</script>',
        f'<script type="application/octet-stream" id="bpl-data">{blob}</script>',
        f'<script type="application/octet-stream" id="bpl-plotly">{plotly_gz_base64()}</script>',
        f'<script type="importmap">{import_map()}</script>',
        f'<script type="module">import "{MODULE_PREFIX}{REPORT_ENTRY}";</script>',
    ]
    return "\n".join(tags)


def _page(run, body: str, values: dict[str, str]) -> str:
    style = f"<style>\n{_web('style.css')}</style>"
    return document(run.title or "backproplab run", style, fill(_web(body), values))


def render_report(run, data=None) -> str:
    """The interactive report as a complete HTML document (``data``: :func:`page_data`'s
    result, if already computed)."""
    meta, arrays = data or page_data(run)
    rows = "".join(
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>'
        for k, v in settings_rows(run.settings)
    )
    check = run.gradcheck.get("text", "no gradient check was run")
    during = run.history.get("gradcheck_history")
    if during is not None and len(during):
        errors = during[:, 1][np.isfinite(during[:, 1])]
        check += f"\n\nduring training: {len(during)} checks"
        if len(errors):
            check += f", relative error from {errors.min():.1e} to {errors.max():.1e}"
        if len(errors) < len(during):
            check += f"; {len(during) - len(errors)} with no finite error (NaN or infinite)"
    if "[" in check:  # the worst parameters, named as the code indexes them
        check += (
            "\n\nParameters are named as in the code, counting from 0: W2[0, 1] is the "
            "notebook's w²₁₂ (layer 2, neuron 1, input 2), b1[0, 0] is b¹₁."
        )
    values = {
        "SUMMARY": html.escape(run.summary),
        "CONTROLS": _web("controls.html"),
        "PANELS": panel_sections(meta, {"input-space": _web("sample-select.html")}),
        "GRADCHECK": html.escape(check),
        "SETTINGS": rows,
        "SNIPPET": html.escape(snippet(run)),
        "SCRIPTS": _script_tags(meta, arrays),
    }
    return _page(run, "report.html", values)


def render_hidden_page(run) -> str:
    """The hidden-space panel with its slider alone, as a complete HTML document."""
    ids = ("hidden-space",)
    meta, arrays = page_data(run, panels=ids)
    values = {
        "CONTROLS": _web("controls.html"),
        "PANELS": panel_sections(meta, {}, ids),
        "SCRIPTS": _script_tags(meta, arrays, ids),
    }
    return _page(run, "hidden.html", values)


def write_pages(run, report_path, hidden_path=None) -> None:
    """Write :func:`render_report` (and :func:`render_hidden_page`) atomically."""
    atomic_write_text(report_path, render_report(run))
    if hidden_path is not None:
        atomic_write_text(hidden_path, render_hidden_page(run))
