"""Picking a weight in the playground's network diagram by the wire nearest the click.

Network [2, 8, 8, 1]: the 64 wires between the hidden layers cross each other all over.
Where each wire is drawn is worked out here from the screen alone (the centres of the
neurons' circles as the browser placed them, each neuron named by the figure's public
``data``); the click goes to a point beside one wire near a crossing, and the page must
pick that wire's weight (its name in the message line and the nudge tool's fields) and
mark that wire, and only it, with its band (the screenshot's pixels); hovering there
names the same weight. Screenshots go to
``shots``; ``UPDATE_SCREENSHOTS=1`` also writes the small copy kept in
``tests/screenshots/wire-pick.png``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest

import test_serve_browser as playground
from test_serve_browser import Tab

server, shots = playground.server, playground.shots  # the same fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SIZES = [2, 8, 8, 1]
MESSAGE = "document.querySelector('[data-testid=message]').textContent"


def distance(p, a, b) -> float:
    """From point p to the segment a–b (screen pixels): the perpendicular's foot kept
    between the ends."""
    p, a, b = (np.asarray(v, float) for v in (p, a, b))
    t = np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
    return float(np.linalg.norm(p - (a + t * (b - a))))


def neuron_centres(page) -> dict[tuple[int, int], np.ndarray]:
    """(layer ℓ, neuron j from 0) → the centre of its circle on the screen. The circles
    are the last trace Plotly drew, one ``path.point`` per neuron in the order of the
    trace's ``customdata`` ([ℓ, j] each)."""
    ids = page.evaluate(
        "() => document.getElementById('network-diagram').data"
        ".find(d => d.name === 'neurons').customdata"
    )
    circles = page.locator("#network-diagram .scatterlayer .trace").last.locator("path.point")
    assert circles.count() == sum(SIZES)
    centres = {}
    for i, (ell, j) in enumerate(ids):
        box = circles.nth(i).bounding_box()
        centres[(ell, j)] = np.array([box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    return centres


def wires_on_screen(centres) -> dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]]:
    """W^ℓ[j, k] → its wire, from neuron k of layer ℓ − 1 to neuron j of layer ℓ."""
    return {
        (ell, j, k): (centres[(ell - 1, k)], centres[(ell, j)])
        for ell in range(1, len(SIZES))
        for j in range(SIZES[ell])
        for k in range(SIZES[ell - 1])
    }


def beside_a_crossing(wires, centres):
    """A wire between the hidden layers and a point 1.5 px beside it where another wire
    passes within 8 px (a crossing), every other wire is at least 4.5 px away, and no
    neuron is near."""
    names = list(wires)
    for name in (n for n in names if n[0] == 2):
        a, b = wires[name]
        along = (b - a) / np.linalg.norm(b - a)
        normal = np.array([-along[1], along[0]])
        for t in np.linspace(0.15, 0.85, 57):
            for side in (1.5, -1.5):
                p = a + t * (b - a) + side * normal
                others = [distance(p, *wires[n]) for n in names if n != name]
                if not (min(others) >= 4.5 and min(others) <= 8):
                    continue
                if min(np.linalg.norm(p - c) for c in centres.values()) >= 30:
                    return name, p
    raise AssertionError("no point beside a crossing found")


def click(page, p) -> None:
    """Click at screen point p, alone: two clicks within plotly.js's double-click delay
    (300 ms) are a double click, which rescales the diagram's axes."""
    page.wait_for_timeout(400)
    page.mouse.click(*p)


AMBER = (255, 176, 0)  # the band's colour


def amber_pixels(png: bytes) -> np.ndarray:
    """(x, y) of the pixels of a screenshot drawn in the band's colour."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    near = np.abs(rgb - np.array(AMBER)).max(axis=2) <= 30
    ys, xs = np.nonzero(near)
    return np.column_stack([xs, ys])


def assert_marked(page, name) -> None:
    """The diagram shows the band along wire `name` (ℓ, j, k) and nowhere else: its
    pixels in the band's colour lie beside that wire, where the screen shows it now."""
    page.mouse.move(0, 0)  # off the diagram: no hover label over it
    diagram = page.get_by_test_id("network-diagram")
    diagram.scroll_into_view_if_needed()  # (a pick focuses the weight's field, further down)
    box = diagram.bounding_box()
    pixels = amber_pixels(diagram.screenshot()) + np.array([box["x"], box["y"]])
    a, b = wires_on_screen(neuron_centres(page))[name]
    length = float(np.linalg.norm(b - a))
    assert len(pixels) > 2 * length, (len(pixels), length)  # the band shows beside the wire
    off = [distance(q, a, b) for q in pixels]
    assert np.quantile(off, 0.99) <= 8, np.quantile(off, 0.99)  # along this wire alone


def test_a_click_picks_the_wire_nearest_it_and_marks_it(server, browser, shots):
    tab = Tab(browser, server + "?hidden=8,8")
    page = tab.page
    diagram = page.get_by_test_id("network-diagram")
    diagram.scroll_into_view_if_needed()
    centres = neuron_centres(page)
    wires = wires_on_screen(centres)
    assert amber_pixels(diagram.screenshot()).size == 0  # nothing picked yet

    name, p = beside_a_crossing(wires, centres)
    ell, j, k = name
    # hovering there names the weight a click picks, with its value
    page.mouse.move(*p)
    tip = page.get_by_test_id("wire-tip")
    tab.wait(f"document.querySelector('[data-testid=wire-tip]')?.dataset.weight === "
             f"'{ell},{j},{k}'", timeout=10_000)  # fmt: skip
    assert tip.is_visible() and tip.inner_text().startswith(f"W{ell}{j + 1},{k + 1} = ")
    box = diagram.bounding_box()
    page.screenshot(path=str(shots / "wire-hover.png"), clip=box)
    click(page, p)
    tab.wait(f"{MESSAGE}.startsWith('picked W{ell}[{j}, {k}] = ')", timeout=10_000)
    fields = [page.get_by_test_id(f"nudge-{f}").input_value() for f in ("layer", "j", "k")]
    assert fields == [str(ell), str(j), str(k)]
    assert_marked(page, name)
    png = diagram.screenshot(path=str(shots / "wire-pick.png"))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the small copy kept: 64 colours
        from PIL import Image

        shot = Image.open(io.BytesIO(png)).convert("RGB").quantize(64)
        shot.save(SCREENSHOTS / "wire-pick.png", optimize=True)

    # a click far from every wire and neuron picks nothing: the pick and its band stay
    diagram.scroll_into_view_if_needed()
    centres = neuron_centres(page)
    wires = wires_on_screen(centres)
    area = page.locator("#network-diagram .nsewdrag").bounding_box()
    far = np.array([area["x"] + 6, area["y"] + 6])
    assert min(distance(far, *w) for w in wires.values()) > 20
    said = page.evaluate(f"() => {MESSAGE}")
    page.mouse.move(*far)
    tab.wait("document.querySelector('[data-testid=wire-tip]').hidden", timeout=10_000)
    click(page, far)
    assert page.evaluate(f"() => {MESSAGE}") == said
    assert_marked(page, name)

    # hovering a hidden neuron's circle shows its own label (its bias), not a wire's
    page.mouse.move(*(centres[(1, 3)] + np.array([4, -3])))
    page.wait_for_function(
        "[...document.querySelectorAll('#network-diagram .hoverlayer .hovertext')]"
        ".some(t => t.textContent.includes('layer 1, neuron 4') && t.textContent.includes('b = '))",
        timeout=10_000,
    )
    assert page.get_by_test_id("wire-tip").is_hidden()
    # a click on a hidden neuron's circle, beside its wires' ends, enlarges its heatmap as
    # before and picks no weight
    click(page, centres[(1, 3)] + np.array([4, -3]))
    tab.wait(
        "document.querySelector('[data-testid=heatmap-1-3]')"
        ".getAttribute('aria-pressed') === 'true'",
        timeout=10_000,
    )
    assert page.evaluate(f"() => {MESSAGE}") == said
    assert_marked(page, name)

    # by keyboard: the nudge tool's fields typed in pick a weight, and its wire is marked
    for field, value in (("layer", "3"), ("j", "0"), ("k", "5")):
        page.get_by_test_id(f"nudge-{field}").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    assert_marked(page, (3, 0, 5))
    tab.check_clean(playground._base(server))
    tab.close()
