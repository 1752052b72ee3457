"""The report reads right at first sight, in a real headless browser (Debian's chromium):
the notebook's names on the axes and neurons (numbered from 1), both classes visible at
the first snapshot, gradient norms at powers of ten, the settings as a table of names and
values, nothing cut, and no horizontal scrolling on a 400 px wide screen.

What is checked is read from the page as a person sees it: the SVG and HTML text, the
pixels of a screenshot, element sizes; the 3-D scene's axis titles, which plotly.js draws
in WebGL rather than as text, from the layout the panel handed Plotly (its public
``layout``).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from backproplab.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    argv = ["demo", "--samples", "300", "--epochs", "6", "--frames", "5", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((out / "report.html").as_uri(), wait_until="load")
    page.wait_for_function("document.body.dataset.ready !== undefined", timeout=30_000)
    assert page.evaluate("document.body.dataset.ready") == "true", errors
    yield page
    page.close()


def _set_time(page, t: int) -> None:
    page.get_by_test_id("time-slider").fill(str(t))
    page.wait_for_timeout(300)


def test_axes_and_neurons_carry_the_notebooks_names_numbered_from_1(page):
    titles = page.evaluate(
        """() => { const s = document.querySelector('[data-testid=hidden-space]').layout.scene;
                   return [s.xaxis.title.text, s.yaxis.title.text, s.zaxis.title.text]; }"""
    )
    assert titles == ["a²₁", "a²₂", "a²₃"]  # layer 2, neurons 1 to 3
    note = page.get_by_test_id("hidden-space").locator("xpath=..").inner_text()
    assert "a² = (a²₁, a²₂, a²₃)" in note and "^" not in note
    svg_titles = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=input-space] .g-xtitle text,'
                  + '[data-testid=input-space] .g-ytitle text')].map(t => t.textContent)"""
    )
    assert svg_titles == ["x₁", "x₂"]
    thumbs = page.evaluate(
        "() => [...document.querySelectorAll('.thumb span')].map(s => s.textContent)"
    )
    assert thumbs == ["a¹₁", "a¹₂", "a¹₃", "a²₁", "a²₂", "a²₃"]


def _class_pixels(page) -> tuple[int, int]:
    """Pixels of the hidden space drawn in class 0's red and class 1's blue."""
    shot = page.get_by_test_id("hidden-space").screenshot()
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r > g + 60) & (r > b + 60)
    blue = (b > r + 40) & (b > g + 10)
    return int(red.sum()), int(blue.sum())


def test_both_classes_are_visible_at_the_first_snapshot(page):
    _set_time(page, 0)
    traces = page.evaluate(
        """() => document.querySelector('[data-testid=hidden-space]').data
                 .filter(t => t.name.startsWith('class '))
                 .map(t => [t.name, t.visible === undefined ? true : t.visible,
                            t.opacity === undefined ? 1 : t.opacity, t.x.length])"""
    )
    assert [t[0] for t in traces] == ["class 0", "class 1"]
    assert all(visible is True and 0 < opacity <= 1 and n > 0 for _, visible, opacity, n in traces)
    red, blue = _class_pixels(page)
    assert red >= 5 and blue >= 5, (red, blue)  # each class has points on screen
    note = page.get_by_test_id("plane-note")
    plane = page.evaluate(
        """() => document.querySelector('[data-testid=hidden-space]').data
                 .some(t => t.name.startsWith('decision surface'))"""
    )
    assert plane or "outside the box" in note.inner_text()  # drawn, or the caption says why


def test_gradient_norms_are_labelled_at_powers_of_ten(page):
    ticks = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=loss-curve] .yaxislayer-above '
                  + '.y3tick text')].map(t => t.textContent)"""
    )
    ticks = [t.replace("\u200b", "") for t in ticks]  # plotly's zero-width spaces
    assert ticks and all(re.fullmatch(r"10[−-]?\d+|1|10", t) for t in ticks), ticks
    names = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=loss-curve] .legendtext')]
                 .map(t => t.textContent)"""
    )
    assert any(n.startswith("‖∂C/∂W¹‖") for n in names), names
    colors = page.evaluate(
        """() => document.querySelector('[data-testid=loss-curve]').data
                 .map(t => [t.name, t.line && t.line.color])"""
    )
    loss = dict(colors)["loss per epoch"]
    layers = [c for name, c in colors if name.startswith("‖∂C/∂W")]
    assert len(set(layers)) == len(layers) and loss not in layers


def test_settings_are_a_table_of_names_and_values_and_nothing_is_cut(page):
    rows = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=settings] tr')]
                 .map(r => [r.querySelector('th').textContent, r.querySelector('td').textContent])"""
    )
    settings = dict(rows)
    assert settings["layers"] == "2, 3, 3, 1" and settings["optimizer"] == "sgd"
    assert not any("{" in v or "[" in v for v in settings.values())
    check = page.get_by_test_id("gradient-check")
    assert check.evaluate("e => e.scrollWidth <= e.clientWidth")  # wrapped, not cut


def test_no_horizontal_overflow_at_400_px(page):
    page.set_viewport_size({"width": 400, "height": 900})
    page.wait_for_timeout(500)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, width
    finally:
        page.set_viewport_size({"width": 1300, "height": 1000})
