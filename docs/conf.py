"""Sphinx configuration for backproplab's documentation (``make docs``).

The site is built with warnings as errors and needs no network, neither to build nor to
read: MathJax comes from the ``sphinx-mathjax-offline`` package and is served from the
site, the interactive report carries its own plotly.js, and nothing links to outside
documentation (no intersphinx).

- ``walkthrough/*.py``: jupytext percent scripts, executed at build by MyST-NB; each is
  also offered as a ``.ipynb`` (written by :func:`write_notebooks` before the build reads).
- ``examples/*.py``: the sphinx-gallery sources, executed into ``auto_examples/``.
- ``api.md``: autosummary pages generated from the docstrings into ``api/``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # this process only: the notebooks' kernels keep their inline backend

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE / "_ext"))  # gallery_scraper
os.environ.pop("MPLBACKEND", None)  # inherited by the kernels, it would hide plt.show()

project = "backproplab"
author = "the backproplab authors"
copyright = "the backproplab authors"  # noqa: A001

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into the site: no CDN
    "sphinx_gallery.gen_gallery",
]

# -- sources -----------------------------------------------------------------------------
# The walkthrough's percent scripts are notebooks; the gallery's sources and everything
# generated next to them are not pages of their own.
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
exclude_patterns = [
    "_build",
    "conf.py",
    "examples/*",
    "auto_examples/*.py",
    "auto_examples/*.ipynb",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "walkthrough/_notebooks/*",
    "jupyter_execute",
    "**.ipynb_checkpoints",
    "_generated/*",
    "_ext",
    "_templates",
]
root_doc = "index"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# "more than one target" for a short name in a type hint (three classes are called
# Settings) is not an error of the page.
suppress_warnings = ["mystnb.unknown_mime_type", "ref.python"]

# -- execution ---------------------------------------------------------------------------
nb_execution_mode = "cache"  # re-run a page only when its code changed
# The cache lives beside what the pages write for the site (the hidden-space page's run),
# so that the two are kept or deleted together.
nb_execution_cache_path = str(HERE / "_generated" / "jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 240
nb_execution_show_tb = True
nb_merge_streams = True
nb_output_stderr = "remove"  # progress-bar notices; errors still fail the build

# -- API reference -----------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
templates_path = ["_templates"]  # the module page leaves out backproplab.__main__
# Each object is documented once, where it is defined (a package's re-exports are not
# documented again), and members a class inherits from scikit-learn or matplotlib are left
# to their own documentation.
autodoc_default_options = {"members": True, "ignore-module-all": True}
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
# The optional extras' modules are documented even where an extra is not installed.
autodoc_mock_imports = [
    name
    for name in ("starlette", "uvicorn", "websockets", "httpx2", "pandas", "joblib", "dask",
                 "torch", "onnx", "onnxruntime")
    if importlib.util.find_spec(name) is None
]  # fmt: skip
napoleon_google_docstring = True
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_custom_sections = [("Per step", "params_style"), ("Per epoch", "params_style")]

# -- gallery -----------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_|/ex_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_signature": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib", "gallery_scraper.library_figures"),
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "plot_gallery": "True",
    "promote_jupyter_magic": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    "write_computation_times": False,  # its pages load DataTables from a CDN
}

# -- output ------------------------------------------------------------------------------
html_theme = "furo"
html_title = "backproplab"
html_favicon = "_static/favicon.png"
html_static_path = ["_static"]
html_css_files = ["backproplab.css"]
html_extra_path = ["_generated/site"]
html_show_sourcelink = False
html_theme_options = {"navigation_with_keys": True}
html_last_updated_fmt = None


def write_notebooks(app) -> None:
    """Each walkthrough page as a ``.ipynb`` a teacher can hand out (without outputs)."""
    import jupytext

    out = HERE / "walkthrough" / "_notebooks"
    out.mkdir(exist_ok=True)
    for script in sorted((HERE / "walkthrough").glob("[0-9][0-9]_*.py")):
        notebook = jupytext.read(script, fmt="py:percent")
        for cell in notebook.cells:  # the download link points at the notebook itself
            if cell.cell_type == "markdown":
                lines = cell.source.splitlines()
                cell.source = "\n".join(line for line in lines if "{download}" not in line)
        target = out / (script.stem + ".ipynb")
        text = jupytext.writes(notebook, fmt="ipynb")
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Leave out members defined outside backproplab (scikit-learn's set_*_request
    methods, matplotlib's Figure.set): their documentation is theirs."""
    module = getattr(obj, "__module__", None)
    if what == "class" and isinstance(module, str) and not module.startswith("backproplab"):
        return True
    return None


def _join_name_lists(app, what, name, obj, options, lines):
    """Napoleon reads ``a, b, c: text`` as one entry, but not when the names run onto a
    second line; join such lines before it parses them."""
    import re

    out: list[str] = []
    for line in lines:
        if out and re.fullmatch(r"\s+(\w+, )*\w+,", out[-1]):
            out[-1] = out[-1] + " " + line.strip()
        else:
            out.append(line.replace("Per step (one row per mini-batch step):", "Per step:"))
    lines[:] = out


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
    app.connect("autodoc-process-docstring", _join_name_lists, priority=400)
    (HERE / "_generated" / "site").mkdir(parents=True, exist_ok=True)
    app.connect("builder-inited", write_notebooks)
