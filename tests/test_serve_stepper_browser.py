"""The playground's backpropagation stepper and teacher view in a real headless browser.

What the page shows is read back from the ``bp-value`` elements (their ``data-value``
carries every digit) and recomputed independently: the sample regenerated from the
exported model's settings, the passes run by ``engine.backward.backprop`` on the exported
weights. Screenshots go to ``shots``; the small copies kept in ``tests/screenshots/``
were looked at.
"""

from __future__ import annotations

import numpy as np
import pytest

import test_serve_browser as playground
from test_serve_browser import STEPS, STOPPED, Tab

server, shots = playground.server, playground.shots  # the same fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the stepper shows, as a list of {layer, neuron, quantity, value} (value in full).
BP_VALUES = """() => [...document.querySelectorAll('[data-testid=bp-value]')].map(e => ({
  layer: Number(e.dataset.layer), neuron: Number(e.dataset.neuron),
  quantity: e.dataset.quantity, value: Number(e.dataset.value)}))"""
AT_STEP = "document.querySelector('[data-testid=backprop-stepper]').dataset.atStep"
STEP_KIND = "document.querySelector('[data-testid=bp-equation]').dataset.kind"


def _pick(page, i: int) -> None:
    page.get_by_test_id("sample-select").fill(str(i))
    page.get_by_test_id("sample-select").press("Enter")


def _to_the_end(tab) -> list[str]:
    """Press bp-next until it is disabled; the kinds of the steps passed through."""
    page, kinds = tab.page, [tab.page.evaluate(STEP_KIND)]
    while page.get_by_test_id("bp-next").is_enabled():
        tab.click("bp-next")
        kinds.append(page.evaluate(STEP_KIND))
    return kinds


def test_the_stepper_shows_the_engines_values_for_the_exported_model(server, browser, shots,
                                                                      tmp_path):  # fmt: skip
    from backproplab import Network
    from backproplab.engine.backward import backprop
    from backproplab.engine.forward import feedforward
    from backproplab.serve import lab
    from backproplab.serve.settings import parse_settings

    tab = Tab(browser, server)
    page = tab.page
    tab.train_until(epochs=5)
    page.wait_for_timeout(300)
    sample = 17
    _pick(page, sample)
    steps = int(page.evaluate(STEPS))
    tab.wait(f"{AT_STEP} === '{steps}'")
    assert page.get_by_test_id("bp-prev").is_disabled()
    kinds = _to_the_end(tab)
    assert kinds == ["input", "forward", "forward", "forward", "BP1", "BP2", "BP2", "BP3",
                     "BP4", "BP4", "BP4", "update"]  # fmt: skip
    shown = page.evaluate(BP_VALUES)
    target = [
        float(v) for v in page.get_by_test_id("bp-target").get_attribute("data-value").split(",")
    ]
    with page.expect_download() as info:
        tab.click("export-model")
    path = tmp_path / "model.npz"
    info.value.save_as(path)
    net, extra = Network.load(path, return_extra=True)
    assert page.evaluate(AT_STEP) == str(steps)  # the values are of the exported weights
    # the sample, regenerated from the settings: a⁰ = φ(x), its target by the label rule
    s = parse_settings(extra["playground"])
    data = lab.make_data(s)
    a0 = lab.lift(extra["features"])(data.X[sample : sample + 1].T)  # (n_0, 1)
    Y = lab.targets(s, data.y[sample : sample + 1], len(data.classes)).T  # (n_L, 1)
    assert target == Y[:, 0].tolist()
    zs, acts = feedforward(net.weights, net.biases, a0, net.layer_activations)
    _, _, deltas = backprop(net.weights, zs, acts, Y, net.layer_activations,
                            net.cost_function, return_deltas=True)  # fmt: skip
    engine = {"a": acts, "z": [None, *zs], "delta": [None, *deltas]}
    expected = {}
    for q, layers in engine.items():
        for ell, A in enumerate(layers):
            for j in range(0 if A is None else A.shape[0]):
                expected[q, ell, j + 1] = float(A[j, 0])
    got = {(v["quantity"], v["layer"], v["neuron"]): v["value"] for v in shown}
    assert set(got) == set(expected)  # every z, a, δ of [2, 8, 8, 1], numbered from 1
    worst = max(abs(got[key] - expected[key]) for key in expected)
    assert worst <= 1e-12, worst
    # the losses shown carry every digit too: the mean cost over each part of the split
    F = lab.lift(extra["features"])(data.X.T).T  # (n, n_0)
    Y_all, n = lab.targets(s, data.y, len(data.classes)), data.n_train
    for testid, rows in (("train-loss", slice(0, n)), ("test-loss", slice(n, None))):
        shown_loss = float(page.get_by_test_id(testid).get_attribute("data-value"))
        assert shown_loss == pytest.approx(net.cost(F[rows], Y_all[rows]), rel=1e-12, abs=1e-15)
    tab.check_clean(server.rstrip("/"))
    tab.close()


def test_stepping_to_bp2_shows_its_equation_and_highlights_the_layer(server, browser, shots):
    tab = Tab(browser, server)
    page = tab.page
    _pick(page, 3)
    tab.wait(f"{AT_STEP} === '0'")
    for _ in range(5):  # input, forward ×3, BP1, then BP2 of layer 2
        tab.click("bp-next")
    assert page.evaluate(STEP_KIND) == "BP2"
    equation = page.get_by_test_id("bp-equation").inner_text()
    assert "δ² = ((W³)ᵀ δ³) ⊙ σ′(z²)" in equation
    assert "δ²₁ = ((W³)ᵀδ³)₁ · σ′(z²₁) = " in equation  # with its numbers
    assert page.evaluate("document.getElementById('network-diagram').dataset.bpLayer") == "2"
    deltas = page.locator("[data-testid=bp-value][data-quantity=delta]")
    assert deltas.count() == 8 + 1  # δ³ (BP1) and δ² so far
    page.get_by_test_id("backprop-stepper").screenshot(path=str(shots / "stepper-bp2.png"))
    tab.click("bp-prev")
    assert page.evaluate(STEP_KIND) == "BP1"
    # keyboard: the buttons are real buttons
    page.get_by_test_id("bp-next").focus()
    page.keyboard.press("Enter")
    assert page.evaluate(STEP_KIND) == "BP2"
    tab.check_clean(server.rstrip("/"))
    tab.close()


def test_the_stepper_follows_the_network(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    _pick(page, 2)
    tab.wait(f"{AT_STEP} === '0'")
    tab.click("bp-next")
    tab.click("add-layer")  # [8, 8] → [8, 8, 8]: recomputed for the new network
    tab.wait("document.body.dataset.sizes === '2,8,8,8,1'")
    tab.wait("document.querySelectorAll('[data-testid=bp-layers] .bp-layer').length === 5")
    assert "[2, 8, 8, 8, 1]" in page.get_by_test_id("bp-holds").inner_text()
    tab.click("step")  # training moves the weights: the values follow
    tab.wait(f"{AT_STEP} === '1'")
    tab.wait(STOPPED)
    tab.check_clean(server.rstrip("/"))
    tab.close()


def test_the_teacher_view_hides_the_settings_and_keeps_the_instrument(server, browser, shots):
    tab = Tab(browser, server + "?view=teacher&eta=0.3")
    page = tab.page
    assert page.evaluate("document.body.classList.contains('teacher')")
    page.wait_for_function("location.search.includes('eta=0.3')")  # the settings were written
    assert "view=teacher" in page.url  # … and the view kept
    for hidden in ("hidden", "eta", "gradcheck", "nudge", "export-model", "hidden-space"):
        assert page.get_by_test_id(hidden).is_hidden(), hidden
    for shown in ("network-diagram", "input-space", "backprop-stepper", "play", "bp-next"):
        assert page.get_by_test_id(shown).is_visible(), shown
    width = page.evaluate("document.getElementById('input-space').getBoundingClientRect().width")
    assert width >= 600  # two panels side by side across the whole window
    _pick(page, 5)
    tab.wait(f"{AT_STEP} === '0'")
    for _ in range(5):
        tab.click("bp-next")
    assert page.evaluate(STEP_KIND) == "BP2"
    page.screenshot(path=str(shots / "teacher-view.png"), full_page=True)
    link = page.get_by_test_id("view-switch")
    assert link.inner_text() == "all controls" and "view=teacher" not in link.get_attribute("href")
    link.click()  # back to every control, the same settings
    tab.wait(
        "document.body.dataset.ready === 'true' && !document.body.classList.contains('teacher')"
    )
    tab.wait("location.search.includes('eta=0.3')")  # (after the session's first settings)
    assert page.get_by_test_id("eta").is_visible() and "view=teacher" not in page.url
    tab.check_clean(server.rstrip("/"))
    tab.close()


# The confusion tables as drawn: {which: [[count, …] per true class]}.
CONFUSION = """() => Object.fromEntries(['train', 'test'].map(w => {
  const cells = [...document.querySelectorAll(`[data-testid=confusion-${w}] td`)];
  const k = Math.round(Math.sqrt(cells.length)), rows = [];
  for (const c of cells) (rows[Number(c.dataset.actual)] ||= [])[Number(c.dataset.predicted)] = Number(c.dataset.count);
  return [w, rows.length === k ? rows : null];
}))"""


def test_the_confusion_matrices_are_the_exported_models(server, browser, shots, tmp_path):
    from backproplab import Network
    from backproplab.serve import lab
    from backproplab.serve.settings import parse_settings

    tab = Tab(browser, server)
    page = tab.page
    assert page.get_by_test_id("confusion").is_visible()
    tab.train_until(epochs=5)
    page.wait_for_timeout(300)
    shown = page.evaluate(CONFUSION)
    with page.expect_download() as info:
        tab.click("export-model")
    path = tmp_path / "model.npz"
    info.value.save_as(path)
    net, extra = Network.load(path, return_extra=True)
    s = parse_settings(extra["playground"])
    data = lab.make_data(s)
    a = net.predict(lab.lift(extra["features"])(data.X.T).T)[:, 0]  # one sigmoid output
    predicted, n = (a > 0.5).astype(int), data.n_train
    for which, rows in (("train", slice(0, n)), ("test", slice(n, None))):
        counts = np.zeros((2, 2), dtype=int)
        np.add.at(counts, (data.y[rows], predicted[rows]), 1)
        assert shown[which] == counts.tolist(), which
    assert "accuracy" in page.get_by_test_id("confusion").inner_text()
    page.get_by_test_id("confusion").screenshot(path=str(shots / "confusion.png"))
    tab.check_clean(server.rstrip("/"))
    tab.close()


# Where the input-space plot draws the point (x, y): its plot area on the screen and the
# axes' ranges, as the page shows them.
INPUT_AREA = """() => {
  const el = document.getElementById('input-space');
  const r = el.querySelector('.nsewdrag').getBoundingClientRect();
  return {left: r.left, top: r.top, width: r.width, height: r.height,
          x: el.layout.xaxis.range, y: el.layout.yaxis.range};
}"""


def test_a_click_on_a_point_picks_its_sample(server, browser):
    from backproplab.serve import lab
    from backproplab.serve.settings import PlaygroundSettings

    tab = Tab(browser, server)
    page = tab.page
    data = lab.make_data(PlaygroundSettings())
    X = data.X[: data.n_train]  # the points drawn: the training set
    gaps = np.linalg.norm(X[:, None] - X[None], axis=-1) + np.eye(len(X)) * 1e9
    i = int(gaps.min(axis=1).argmax())  # the loneliest point: no neighbour to hit instead
    area = page.evaluate(INPUT_AREA)
    (x0, x1), (y0, y1) = area["x"], area["y"]
    px = area["left"] + (X[i, 0] - x0) / (x1 - x0) * area["width"]
    py = area["top"] + (y1 - X[i, 1]) / (y1 - y0) * area["height"]
    page.mouse.click(px, py)
    tab.wait(f"document.querySelector('[data-testid=backprop-stepper]').dataset.sample === '{i}'")
    assert page.get_by_test_id("sample-select").input_value() == str(i)
    a0 = page.locator("[data-testid=bp-value][data-layer='0']")
    assert [float(v) for v in a0.evaluate_all("es => es.map(e => e.dataset.value)")] == X[
        i
    ].tolist()
    tab.check_clean(server.rstrip("/"))
    tab.close()
