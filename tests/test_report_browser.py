"""The interactive report and the hidden-space page in a real headless browser (Debian's chromium).

Needs the ``browser`` extra (playwright) and ``/usr/bin/chromium``; skipped without them,
except under CI (``CI=true``), where ``.ci/run`` installs both and a skip would hide a
failure. What the page draws is read back from the figure each panel handed Plotly (its
public ``data`` and ``layout``), the ``data-*`` attributes the page renders and the
screen itself (where Plotly drew a point, tick labels, screenshots), and compared with the
run file's arrays. Screenshots are saved next to the run (``run_dir``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.formats.runfile_read import load_run

pytestmark = pytest.mark.browser
SNAPSHOTS = 6


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    argv = [
        "demo",
        "--samples",
        "200",
        "--epochs",
        "6",
        "--frames",
        str(SNAPSHOTS),
        "--quiet",
        "--hidden-page",
    ]  # hidden.html too: it is tested here
    assert main([*argv, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def run(run_dir):
    return load_run(run_dir / "run.npz")


def _open(browser, path: Path):
    """Open ``path`` and wait until the panels are drawn; return the page and lists of
    console errors and network requests."""
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith("file:") else None)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.body.dataset.ready !== undefined", timeout=30_000)
    assert page.evaluate("document.body.dataset.ready") == "true", errors
    return page, errors, remote


def _slider(page) -> int:
    return int(page.get_by_test_id("time-slider").input_value())


def _set_slider(page, t: int) -> None:
    page.get_by_test_id("time-slider").fill(str(t))  # sets the value and fires "input"
    assert _slider(page) == t


def _figure(page, testid: str) -> list[dict]:
    """The traces Plotly holds for a panel: name, type, customdata and coordinates."""
    return page.evaluate(
        """id => document.querySelector(`[data-testid=${id}]`).data.map(t => ({
            name: t.name, type: t.type, customdata: t.customdata ? Array.from(t.customdata) : null,
            x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
            z: t.z ? Array.from(t.z) : null}))""",
        testid,
    )


def _axis(page, testid: str, axis: str) -> tuple[float, float]:
    """``(a, b)``: the screen coordinate of value v on a panel's numeric ``axis`` ("x" or
    "y") is a + b·v, as its tick labels show (each label's centre is its value's place)."""
    ticks = page.evaluate(
        """([id, axis]) => [...document.querySelectorAll(
              `[data-testid=${id}] .${axis}axislayer-above .${axis}tick text`)].map(t => {
            const r = t.getBoundingClientRect();
            return [t.textContent, r.left + r.width / 2, r.top + r.height / 2];
        })""",
        [testid, axis],
    )
    values = [float(text.replace("\u2212", "-")) for text, _, _ in ticks]
    places = [x if axis == "x" else y for _, x, y in ticks]
    b, a = np.polyfit(values, places, 1)
    return a, b


def _where(page, testid: str, x: float, y: float) -> tuple[float, float]:
    """Where on the screen a panel shows the point (x, y), by its axes' tick labels."""
    (ax, bx), (ay, by) = _axis(page, testid, "x"), _axis(page, testid, "y")
    return ax + bx * x, ay + by * y


def _marked(page, testid: str) -> str:
    return page.get_by_test_id(testid).get_attribute("data-marked")


def _hidden_points(page, n: int) -> np.ndarray:
    """(n, 3) every sample's point in the hidden space, as drawn (NaN where not drawn)."""
    P = np.full((n, 3), np.nan)
    for trace in _figure(page, "hidden-space"):
        if trace["name"].startswith("class "):
            P[trace["customdata"]] = np.column_stack([trace["x"], trace["y"], trace["z"]])
    return P


@pytest.mark.parametrize("name", ["report.html", "hidden.html"])
def test_page_loads_from_a_file_offline_without_errors(browser, run_dir, name):
    page, errors, remote = _open(browser, run_dir / name)
    assert page.get_by_test_id("hidden-space").locator(".main-svg").count() >= 1
    assert errors == [] and remote == []
    assert (run_dir / name).stat().st_size < 6_000_000
    page.close()


def test_the_page_adds_no_global_of_its_own(browser, run_dir, tmp_path):
    """The report's modules share nothing through ``window``: it holds what a page that
    only loads plotly.js (the library's own globals) holds, and no more."""
    from plotly.offline import get_plotlyjs

    bare = tmp_path / "plotly-only.html"
    bare.write_text(f"<!DOCTYPE html><html><body><script>{get_plotlyjs()}</script></body></html>")
    names = "Object.getOwnPropertyNames(window)"
    page = browser.new_page()
    page.goto(bare.as_uri(), wait_until="load")
    plotly_only = set(page.evaluate(names))
    page.close()
    assert "Plotly" in plotly_only
    page, errors, _ = _open(browser, run_dir / "report.html")
    assert set(page.evaluate(names)) - plotly_only == set()
    assert page.locator("script[type=module]").count() == 1  # one entry point
    assert errors == []
    page.close()


def test_slider_shows_exactly_the_recorded_activations_and_plane_of_each_moment(
    browser, run_dir, run
):
    page, errors, _ = _open(browser, run_dir / "report.html")
    n = len(run.y)
    for t in (0, SNAPSHOTS - 1):
        _set_slider(page, t)
        drawn = _hidden_points(page, n)
        np.testing.assert_array_equal(drawn, run.layers[2][t].astype(np.float32))
        traces = _figure(page, "hidden-space")
        (plane,) = [tr for tr in traces if tr["name"].startswith("decision surface")] or [None]
        w, b = run.weights[-1][t, 0], run.biases[-1][t, 0]
        if plane is not None:  # the surface of this moment: w·v + b = 0 at every point drawn
            V = np.column_stack([plane["x"], plane["y"], plane["z"]]).astype(float)
            V = V[np.isfinite(V).all(axis=1)]
            assert len(V) >= 3
            np.testing.assert_allclose(V @ w + b, 0, atol=1e-5 * np.abs(w).sum())
        label = page.get_by_test_id("moment").text_content()
        assert f"step {run.step[t]}," in label
        page.screenshot(path=str(run_dir / f"report-snapshot-{t}.png"), full_page=True)
    assert plane is not None  # the trained network's plane crosses the fixed box
    assert errors == []
    page.close()


def test_play_step_buttons_and_arrow_keys_move_the_slider(browser, run_dir):
    page, errors, _ = _open(browser, run_dir / "report.html")
    page.get_by_test_id("step-forward").click()
    page.get_by_test_id("step-forward").click()
    assert _slider(page) == 2
    page.get_by_test_id("step-back").click()
    assert _slider(page) == 1
    page.locator("h1").click()  # keys act on the page when no text field has the focus
    page.keyboard.press("ArrowRight")
    assert _slider(page) == 2
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert _slider(page) == 0
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=time-slider]').value) >= 2"
    )
    page.get_by_test_id("play").click()  # pause
    assert errors == []
    page.close()


def test_dragging_the_hidden_space_turns_it_and_nothing_else_does(browser, run_dir):
    page, errors, _ = _open(browser, run_dir / "hidden.html")
    panel = page.get_by_test_id("hidden-space")
    # the camera as the figure's layout holds it: none set until the user turns the view
    eye = "() => {const c = document.querySelector('[data-testid=hidden-space]').layout.scene.camera; return c ? [c.eye.x, c.eye.y, c.eye.z] : null;}"
    page.get_by_test_id("step-forward").click()  # a new moment does not move the camera
    assert page.evaluate(eye) is None
    page.get_by_test_id("step-back").click()
    page.wait_for_timeout(200)
    before = panel.screenshot()
    box = panel.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for k in range(1, 11):  # a drag at a user's pace
        page.mouse.move(cx + 12 * k, cy + 4 * k)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_timeout(200)
    turned = page.evaluate(eye)
    assert turned is not None
    assert panel.screenshot() != before  # the same moment, seen from elsewhere
    page.screenshot(path=str(run_dir / "hidden-turned.png"))
    page.get_by_test_id("step-forward").click()  # and the user's view stays
    assert np.allclose(page.evaluate(eye), turned)
    assert errors == []
    page.close()


def test_fit_this_moment_uses_the_moments_own_box(browser, run_dir, run):
    page, errors, _ = _open(browser, run_dir / "hidden.html")
    ranges = "() => {const s = document.querySelector('[data-testid=hidden-space]').layout.scene; return [s.xaxis.range, s.yaxis.range, s.zaxis.range];}"
    fixed = np.array(page.evaluate(ranges))
    assert "fixed axes" in page.get_by_test_id("axes-note").text_content()
    page.get_by_test_id("axes-fit").check()
    assert "fitted to this moment" in page.get_by_test_id("axes-note").text_content()
    fit = np.array(page.evaluate(ranges))
    a = run.layers[2][0]
    assert np.all(fit[:, 0] <= a.min(axis=0)) and np.all(a.max(axis=0) <= fit[:, 1])
    assert np.all(fit[:, 1] - fit[:, 0] < fixed[:, 1] - fixed[:, 0])  # the first clump, enlarged
    page.screenshot(path=str(run_dir / "hidden-fit-snapshot-0.png"))
    assert errors == []
    page.close()


def test_selecting_a_sample_in_the_input_space_marks_it_in_the_hidden_space(browser, run_dir, run):
    page, errors, _ = _open(browser, run_dir / "report.html")
    _set_slider(page, SNAPSHOTS - 1)
    i = 17
    x, y = (float(v) for v in run.X[i])
    page.get_by_test_id("input-space").scroll_into_view_if_needed()
    page.mouse.click(*_where(page, "input-space", x, y))
    page.wait_for_function("() => document.querySelector('[data-testid=sample-select]').value")
    i = int(page.get_by_test_id("sample-select").input_value())  # the sample under the pointer
    assert np.allclose(run.X[i], [x, y], atol=0.05)
    (marked,) = [t for t in _figure(page, "hidden-space") if t["name"] == "marked sample"]
    assert marked["customdata"] == [i]
    np.testing.assert_array_equal(
        [marked["x"][0], marked["y"][0], marked["z"][0]],
        run.layers[2][SNAPSHOTS - 1][i].astype(np.float32),
    )
    assert _marked(page, "hidden-space").split(",")[0] == str(i)
    page.screenshot(path=str(run_dir / "report-selected.png"), full_page=True)
    page.mouse.move(5, 5)  # off the plot: the sample under the pointer is no longer marked
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=input-space]').dataset.marked === '{i}'"
    )
    page.get_by_test_id("sample-select").fill("42")  # the number box marks it in both spaces
    page.get_by_test_id("sample-select").press("Enter")
    for panel in ("hidden-space", "input-space"):
        (marked,) = [t for t in _figure(page, panel) if t["name"] == "marked sample"]
        assert marked["customdata"] == [42]
        assert _marked(page, panel) == "42"
    (marked,) = [t for t in _figure(page, "input-space") if t["name"] == "marked sample"]
    np.testing.assert_array_equal([marked["x"][0], marked["y"][0]], run.X[42].astype(np.float32))
    assert errors == []
    page.close()


def test_clicking_the_loss_curve_moves_the_slider_and_a_neuron_opens_its_heatmap(
    browser, run_dir, run
):
    page, errors, _ = _open(browser, run_dir / "report.html")
    target = 3  # click the epoch-loss point nearest to snapshot 3's step
    spe = run.steps_per_epoch
    epoch = int(round(run.step[target] / spe))
    page.get_by_test_id("loss-curve").scroll_into_view_if_needed()
    loss = float(run.history["loss_epoch"][epoch - 1])
    page.mouse.click(*_where(page, "loss-curve", epoch * spe, loss))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=time-slider]').value !== '0'"
    )
    got = _slider(page)
    assert abs(run.step[got] - epoch * spe) == min(abs(run.step - epoch * spe))
    assert page.get_by_test_id("loss-curve").get_attribute("data-moment") == str(got)
    big = page.get_by_test_id("heatmap-big").get_by_role("img", name="heatmap of")
    page.get_by_test_id("heatmap-2-1").click()
    assert big.get_attribute("aria-label").startswith("heatmap of layer 2, neuron 2, a²₂:")
    assert page.get_by_test_id("heatmap-2-1").get_attribute("aria-pressed") == "true"
    page.get_by_test_id("network-diagram").scroll_into_view_if_needed()
    # neuron 1 of layer 2 (index 0): the circles are drawn in order, input neurons first (2 of them,
    # then layer 1's 3, then layer 2's)
    circles = page.locator("[data-testid=network-diagram] .scatterlayer .trace").last
    box = circles.locator("path.point").nth(2 + 3 + 0).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # where it is drawn
    assert big.get_attribute("aria-label").startswith("heatmap of layer 2, neuron 1, a²₁:")
    assert errors == []
    page.close()
