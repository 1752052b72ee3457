"""The built documentation site (``make docs``): its local links, and its pages in Chromium.

The site is read from ``docs/_build/html``. Without it these tests skip, except under CI
(``CI=true``), where ``.ci/run`` builds the site before running the tests, so a skip there
would hide a missing or broken build.

In the browser, each page is served over HTTP from the build folder and checked for what a
reader would notice: an error in the console, a request to anywhere but the site itself
(the site must work offline: MathJax and plotly.js are served from it), and mathematics
left as raw TeX instead of typeset. ``UPDATE_SCREENSHOTS=1`` also writes the screenshots
kept in ``tests/screenshots/`` (small PNGs, to look at the pages in review).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# (page, screenshot name or None, has mathematics)
PAGES = [
    ("index.html", "index.png", False),
    ("walkthrough/06_scalar_bp.html", "walkthrough-scalar-bp.png", True),
    ("walkthrough/13_hidden_space.html", "walkthrough-hidden-space.png", True),
    ("auto_examples/plot_05_gradcheck.html", "gallery-gradcheck.png", False),
    ("api/backproplab.engine.backward.html", "api-backward.png", False),
]


def _site() -> Path:
    if not (SITE / "index.html").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no built site at {SITE}: .ci/run runs `make docs` before the tests")
        pytest.skip(f"no built site at {SITE} (run `make docs`)")
    return SITE


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("src", "href") or (tag == "link" and name == "href")):
                self.urls.append(value)


def _local_target(page: Path, url: str) -> Path | None:
    """The file a link points to inside the site, or None for what is not a local file."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "data:", "javascript:")):
        return None
    if not parts.path:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    return target / "index.html" if target.is_dir() else target


def test_every_local_link_and_asset_of_the_site_exists():
    site = _site()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    broken, external_assets = [], []
    for page in pages:
        if page.is_relative_to(site / "hidden-space"):
            continue  # the run's own report: checked by the report's tests
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for url in parser.urls:
            target = _local_target(page, url)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(site)} → {url}")
        html = page.read_text(encoding="utf-8", errors="replace")
        external_assets += [
            f"{page.relative_to(site)}: {m}"
            for m in re.findall(
                r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"(https?://[^\"]+)", html
            )
        ]
    assert not broken, "\n".join(broken[:40])
    assert not external_assets, "\n".join(external_assets[:40])


def test_every_walkthrough_page_is_offered_as_a_notebook():
    site = _site()
    pages = sorted((site / "walkthrough").glob("[0-9][0-9]_*.html"))
    assert len(pages) == 13
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(rf'href="[^"]*{page.stem}\.ipynb"', html), page.name


@pytest.fixture(scope="module")
def server():
    site = _site()
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


_VISIBLE_TEXT = """() => {
    const main = document.querySelector("article") || document.body;
    const copy = main.cloneNode(true);
    copy.querySelectorAll("pre, code, script, style, mjx-container, .highlight, iframe")
        .forEach(e => e.remove());
    return copy.innerText;
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("path", "shot", "has_math"), PAGES, ids=[p[0] for p in PAGES])
def test_page_in_chromium(browser, server, path, shot, has_math, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((server, "data:", "blob:", "about:"))
            else outside.append(r.url)
        ),
    )
    page.goto(f"{server}/{path}", wait_until="load")
    if has_math:
        page.wait_for_function(
            "window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000
        )
        page.evaluate("MathJax.startup.promise")
        assert page.locator("mjx-container").count() > 0, "no typeset mathematics"
    if "hidden_space" in path:  # the interactive report, embedded: wait for its panels
        frame = page.frame_locator("iframe").first
        frame.locator("body[data-ready='true']").wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    text = page.evaluate(_VISIBLE_TEXT)
    raw = [t for t in ("\\(", "\\)", "\\[", "\\begin", "$$") if t in text]
    raw += re.findall(r"\$[^$\s][^$\n]{0,40}\$", text)
    assert not raw, f"raw TeX left on {path}: {raw[:5]}"
    assert not errors, errors
    assert not outside, f"requests leaving the site: {outside}"
    target = (SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path) / shot
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(target))
    _shrink(target)
    page.close()


def _shrink(path: Path, width: int = 900, colours: int = 96) -> None:
    """Keep a screenshot small: 900 pixels wide, a palette of 96 colours."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        height = round(image.height * width / image.width)
        small = image.resize((width, height), Image.LANCZOS)
        small.quantize(colours).save(path, optimize=True)


def test_the_walkthrough_and_the_gallery_link_into_the_api_reference():
    """Every reference to a function or class on these pages resolves to its entry in the
    API reference (an unresolved one is rendered as plain code, with no link)."""
    site = _site()
    pages = sorted((site / "walkthrough").glob("*.html")) + sorted(
        (site / "auto_examples").glob("plot_*.html")
    )
    linked = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<code class="xref py[^"]*"', html):
            before = html[max(0, match.start() - 300) : match.start()]
            assert re.search(
                r'<a class="reference internal" href="[^"]*api/[^"]*"[^>]*>\s*$', before
            ), (
                page.name,
                html[match.start() : match.start() + 200],
            )
            linked += 1
    assert linked >= 30


def test_every_walkthrough_page_shows_figures_made_at_build():
    """The walkthrough's 13 pages together hold at least 13 figures, each page one or more;
    the gallery has at least 12 executed examples."""
    site = _site()
    counts = {
        page.name: len(
            re.findall(r'<img [^>]*src="[^"]*_images/', page.read_text(encoding="utf-8"))
        )
        for page in sorted((site / "walkthrough").glob("[0-9][0-9]_*.html"))
    }
    assert len(counts) == 13 and all(counts.values()), counts
    assert sum(counts.values()) >= 13, counts
    examples = sorted((site / "auto_examples").glob("plot_*.html"))
    assert len(examples) >= 12
    images = sum(p.read_text(encoding="utf-8").count("sphx-glr-single-img") for p in examples)
    assert images >= 12


def test_the_downloadable_notebooks_are_valid_and_self_contained():
    """What a teacher downloads: a valid notebook per page, its code and text, without the
    site's own download link."""
    nbformat = pytest.importorskip("nbformat")
    site = _site()
    notebooks = sorted((site / "_downloads").rglob("[0-9][0-9]_*.ipynb"))
    assert len({n.name for n in notebooks}) == 13
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert len(code) >= 2, path.name
        assert not any("{download}" in c.source for c in nb.cells), path.name
        assert "backproplab" in "".join(c.source for c in code), path.name
