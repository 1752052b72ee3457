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
from .panels import gz64, pack, page_data

SCRIPTS = ["app.js", "hidden.js", "input.js", "heatmaps.js", "network.js", "loss.js", "loader.js"]


def _web(name: str) -> str:
    return resources.files(__package__).joinpath("web", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def plotly_gz_base64() -> str:
    """plotly.min.js from the plotly package, gzip-compressed and base64-encoded."""
    from plotly.offline import get_plotlyjs

    return gz64(get_plotlyjs().encode("utf-8"))


def snippet(run) -> str:
    """Python that reproduces the run with the library's public API."""
    s = run.settings
    if str(s.get("data", "")).lower().endswith(".csv"):
        load = f"X, labels = datasets.load_csv({s['data']!r}, target={s.get('target')!r})"
    else:
        options = {k: s[k] for k in ("n_samples", "noise") if k in s}
        if "seed" in datasets_options(s.get("data", "")):
            options["seed"] = s.get("seed", 0)
        args = "".join(f", {k}={v!r}" for k, v in options.items())
        load = f"X, labels = datasets.load({s.get('data')!r}{args})"
    low = ", low=-1.0" if run.output_activation == "tanh" and run.sizes[-1] == 1 else ""
    targets = f"Y, classes = encode_labels(labels, {run.sizes[-1]}{low})  # 0/1 or one-hot rows"
    plain = {"optimizer": "sgd", "l2": 0.0, "l1": 0.0, "dropout": 0.0, "schedule": None}
    extra = {k: v for k, v in (s.get("training") or {}).items() if plain.get(k, "-") != v}
    training = "".join(f", {k}={v!r}" for k, v in extra.items())
    lines = [
        "from backproplab import Network, datasets",
        "from backproplab.data.labels import encode_labels",
        "",
        load,
        *(
            ["X = datasets.standardize(X)[0]  # each feature to mean 0, std 1"]
            if s.get("standardize")
            else []
        ),
        targets,
        f"net = Network({run.sizes}, activation={run.activation!r},",
        f"              output_activation={run.output_activation!r}, cost={run.cost!r},",
        f"              init={s.get('init', 'gaussian')!r}, seed={s.get('seed', 0)!r})",
        *(
            [
                f"for b in net.biases[:-1]:  # hidden biases start at {s['hidden_bias']!r}",
                f"    b[...] = {s['hidden_bias']!r}",
            ]
            if s.get("hidden_bias") is not None
            else []
        ),
        f"history = net.train(X, Y, epochs={s.get('epochs')}, batch_size={s.get('batch_size')},",
        f"                    eta={s.get('eta')}, seed={s.get('seed', 0)!r}{training})",
        "print(net.accuracy(X, Y), history.loss_epoch[-1])",
    ]
    return "\n".join(lines) + "\n"


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


def datasets_options(name: str) -> tuple[str, ...]:
    from ..data import datasets

    try:
        return datasets.options_of(name)
    except ValueError:
        return ()


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


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _common(run, meta) -> dict[str, str]:
    h = meta["hidden"]
    return {
        "TITLE": html.escape(run.title or "backproplab run"),
        "STYLE": _web("style.css"),
        "CONTROLS": _web("controls.html"),
        "HIDDEN_PANEL": _fill(
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
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>'
        for k, v in settings_rows(run.settings)
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
    return _fill(_web("report.html"), values)


def render_hidden_page(run, data=None) -> str:
    """The hidden-space panel with its slider alone, as a complete HTML document."""
    meta, arrays = data or page_data(run)
    keep = {"y", "H", "fitBox", "planeFixed", "planeFit"}
    arrays = {k: v for k, v in arrays.items() if k in keep}
    values = _common(run, meta)
    values["SCRIPTS"] = _script_tags(meta, arrays)
    return _fill(_web("hidden.html"), values)


def write_pages(run, report_path, hidden_path=None) -> None:
    """Write :func:`render_report` (and :func:`render_hidden_page`) atomically."""
    data = page_data(run)
    atomic_write_text(report_path, render_report(run, data))
    if hidden_path is not None:
        atomic_write_text(hidden_path, render_hidden_page(run, data))
