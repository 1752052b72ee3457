"""Regression problems in the playground: the problem switch and what it brings, a CSV of
numeric targets, training in a session (its losses against a forward pass written here),
the exports (the script reproduces the session's losses), and the page in a browser.

The browser test needs the ``serve`` and ``browser`` extras and ``/usr/bin/chromium``; its
screenshot's small copy is ``tests/screenshots/regression.png``.
"""

from __future__ import annotations

import html
import math
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import test_serve_browser as playground
from backproplab.serve import exports, views
from backproplab.serve.session import Session
from backproplab.serve.settings import (
    PlaygroundSettings,
    parse_settings,
    with_problem,
)
from hostile import one_line_error
from test_docs_site import _shrink
from test_serve_browser import Tab

server = playground.server  # the same fixture

SCREENSHOTS = Path(__file__).parent / "screenshots"


def _session(settings: PlaygroundSettings, said: list | None = None) -> Session:
    """A session built on this thread (no training thread)."""
    session = Session((said if said is not None else []).append, lambda m: None)
    session.setup(settings)
    return session


def _regression(**kw) -> PlaygroundSettings:
    given, _ = with_problem({"problem": "regression", **kw}, PlaygroundSettings())
    return parse_settings(given)


def _reference_cost(session) -> tuple[float, float]:
    """The quadratic cost ½ mean (a − y)² over the training and the test rows, through a
    forward pass written here: tanh hidden layers, a linear output, raw inputs x1, x2."""
    d, n = session.data, session.data.n_train
    a = d.X.T  # (2, n): the features are x1, x2 themselves
    for W, b in zip(session.net.weights[:-1], session.net.biases[:-1], strict=True):
        a = np.tanh(W @ a + b)
    out = (session.net.weights[-1] @ a + session.net.biases[-1])[0]
    c = 0.5 * (out - d.y) ** 2
    return float(c[:n].mean()), float(c[n:].mean())


# -- the problem switch ----------------------------------------------------------------------
def test_switching_to_regression_brings_its_data_output_and_cost_and_says_so():
    old = PlaygroundSettings()
    given, said = with_problem(dict(old.to_dict(), problem="regression"), old)
    s = parse_settings(given)
    assert (s.data, s.output_activation, s.cost) == ("plane", "linear", "quadratic")
    assert (
        said
        == "regression: data set to plane, output activation set to linear, cost set to quadratic"
    )
    back, said = with_problem(dict(s.to_dict(), problem="classification"), s)
    assert (back["data"], back["output_activation"], back["cost"]) == (
        "circles", "sigmoid", "binary_cross_entropy")  # fmt: skip
    assert said.startswith("classification: data set to circles")


def test_a_data_set_brings_its_problem_and_a_choice_made_with_the_switch_wins():
    old = PlaygroundSettings()
    given, said = with_problem({"data": "gauss"}, old)
    assert given["problem"] == "regression" and given["output_activation"] == "linear"
    assert said.startswith("problem set to regression: gauss is a regression data set")
    given, said = with_problem({"problem": "regression", "output_activation": "tanh"}, old)
    assert given["output_activation"] == "tanh" and given["cost"] == "quadratic"
    assert "output activation" not in said


def test_drawn_values_that_are_not_classes_leave_a_classification():
    s = _regression(data="drawn", points=[[0.1, 0.2, 0.37], [0.5, -0.5, -1.5]])
    assert s.points[0][2] == 0.37
    given, said = with_problem(dict(s.to_dict(), problem="classification"), s)
    assert given["data"] == "circles" and given["points"] == []
    assert "the drawn values are not classes" in said
    with pytest.raises(ValueError, match="drawn point 1's class must be a whole number"):
        parse_settings({"points": [[0.1, 0.2, 0.37]]})


def test_a_regression_refuses_classification_data_and_softmax_by_name():
    with pytest.raises(
        ValueError, match="circles is a classification data set; a regression offers"
    ):
        _session(parse_settings({"problem": "regression", "data": "circles"}))
    with pytest.raises(ValueError, match="a regression has one output neuron"):
        _session(_regression(output_activation="softmax", cost="categorical_cross_entropy"))


def test_the_command_line_refuses_a_regression_data_set_by_name(capsys, tmp_path):
    one_line_error(["train", "--data", "plane", "--out", str(tmp_path / "o")], capsys,
                   "'plane' is a regression", "playground")  # fmt: skip


def test_the_schema_offers_the_data_sets_of_each_problem():
    from backproplab.serve.settings import schema

    fields = {f["name"]: f for f in schema()["fields"]}
    assert fields["problem"]["choices"] == ["classification", "regression"]
    assert fields["problem"]["testid"] == "problem"
    assert fields["data"]["byProblem"]["regression"] == ["plane", "gauss", "csv", "drawn"]
    assert "plane" not in fields["data"]["byProblem"]["classification"]


# -- a CSV of numeric targets ------------------------------------------------------------------
def _csv(n_values: int, n_rows: int = 120) -> str:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (n_rows, 2))
    y = np.arange(n_rows) % n_values * 0.25 - 1
    return "x1,x2,y\n" + "".join(f"{a:.4f},{b:.4f},{t:g}\n" for (a, b), t in zip(X, y))


@pytest.mark.parametrize(("n_values", "problem"), [(20, "classification"), (21, "regression")])
def test_a_csv_of_more_than_twenty_numeric_values_is_a_regression(n_values, problem):
    said = []
    session = _session(PlaygroundSettings(), said)
    session._handle({"type": "csv", "text": _csv(n_values)})
    assert session.settings.problem == problem and session.settings.data == "csv"
    info = [m["message"] for m in said if m["type"] == "info"][-1]
    if problem == "regression":
        assert "numbers of 21 distinct values (more than 20): a regression" in info
        assert "output activation set to linear" in info
        assert session.data.classes == [] and session.net.sizes[-1] == 1
        assert session.data.y.dtype.kind == "f" and len(np.unique(session.data.y)) == 21
    else:
        assert "its label column holds 20 classes: a classification" in info
        assert len(session.data.classes) == 20 and session.net.sizes[-1] == 20
    # the other problem, on the same CSV: its labels read anew, as classes or as values
    other = "classification" if problem == "regression" else "regression"
    session._handle(
        {"type": "settings", "settings": dict(session.settings.to_dict(), problem=other)}
    )
    assert session.settings.problem == other and session.settings.data == "csv"
    assert session.data.regression == (other == "regression")
    assert session.net.sizes[-1] == (1 if other == "regression" else n_values)
    Y = session.Y_train
    if other == "regression":  # the labels' values themselves: -1, -0.75, …
        assert Y.shape[1] == 1 and set(np.unique(Y)) <= set(np.arange(n_values) * 0.25 - 1)
    else:  # one-hot rows
        assert ((Y == 0) | (Y == 1)).all() and (Y.sum(axis=1) == 1).all()


# -- training and what the page is sent --------------------------------------------------------
def test_a_session_trains_a_regression_and_shows_real_losses():
    session = _session(_regression(noise=0.0, hidden=[6], batch_size=10, eta=0.05))
    net, d = session.net, session.data
    assert (net.output_activation, net.cost_function.name, net.sizes) == ("linear", "quadratic",
                                                                          [2, 6, 1])  # fmt: skip
    np.testing.assert_allclose(session.Y_train[:, 0], (d.X[: d.n_train, 0] + d.X[: d.n_train, 1]) / 2,
                               rtol=0, atol=1e-12)  # fmt: skip
    first = views.view_message(session.moment(), True)["status"]
    net.train(session.X_train, session.Y_train, epochs=60, batch_size=10, eta=0.05,
              seed=session.rng)  # fmt: skip
    m = session.moment()
    message = views.view_message(m, True)
    train, test = message["status"]["train_loss"], message["status"]["test_loss"]
    want = _reference_cost(session)
    assert math.isclose(train, want[0], rel_tol=1e-9) and math.isclose(test, want[1], rel_tol=1e-9)
    assert train < 0.1 * first["train_loss"] and test < 0.01  # a plane is easy to fit
    meta = message["meta"]
    assert meta["confusion"] is None and meta["input"]["regionKind"] == "regression"
    lo, hi = meta["regression"]["range"]
    assert lo == -hi and hi == pytest.approx(np.abs(d.y[: d.n_train]).max())  # the samples shown
    assert "accuracy_epoch" not in views.curve_history(m)
    assert "no accuracy (a regression has no classes to count)" in meta["notes"]["loss-curve"]


def test_the_stepper_shows_the_real_valued_target():
    from backproplab.serve.stepper import message_for

    session = _session(_regression(noise=0.2))
    out = message_for(session, {"sample": 5})
    assert out["label"] is None and out["target"] == [session.data.y[5]]
    bp1 = next(s for s in out["steps"] if s["kind"] == "BP1")
    assert "quadratic cost, σ = linear" in bp1["equation"]
    assert math.isclose(out["delta"][-1][0], out["a"][-1][0] - session.data.y[5], rel_tol=1e-12)


def test_model_and_report_export_a_regression(tmp_path):
    from backproplab import Network

    session = _session(_regression(data="gauss", hidden=[5, 4]))
    _, _, raw = exports.export("model", session)
    (tmp_path / "model.npz").write_bytes(raw)
    loaded = Network.load(tmp_path / "model.npz")
    assert loaded.output_activation == "linear" and loaded.sizes == [2, 5, 4, 1]
    _, _, page = exports.export("report", session)
    text = html.unescape(page.decode("utf-8"))
    assert "NaN" not in re.sub(r"<script[^>]*bpl-plotly.*?</script>", "", text, flags=re.S)
    assert "Y = np.array(labels, dtype='float64')[:, None]" in text  # the snippet's targets


@pytest.mark.slow  # three child processes; the quick suite replays a session in-process
@pytest.mark.parametrize("data", ["plane", "csv", "drawn"])
def test_the_exported_script_reproduces_the_sessions_losses(data, tmp_path):
    """Trained on its thread (play, pause mid-epoch, single steps, weights edited by hand),
    a regression's script and report snippet print the page's losses (must hold 5)."""
    from test_serve_reproduce import _drive, _losses, _session_losses

    settings = _regression(data="gauss" if data == "csv" else data, hidden=[4], eta=0.03,
                           points=[[round(math.cos(t), 3), round(math.sin(t), 3), round(t - 3, 2)]
                                   for t in np.linspace(0, 6, 25)])  # fmt: skip
    text = _csv(40) if data == "csv" else None
    if text is not None:
        (tmp_path / "data.csv").write_text(text)
    session, script, snippet = _drive(settings, csv=text)
    assert session.settings.problem == "regression" and session.steps >= 62
    want = _session_losses(session)
    status = views.view_message(session.moment(), True)["status"]
    assert (status["train_loss"], status["test_loss"]) == want  # what the page shows
    for got in _losses([script, snippet], tmp_path):
        assert (got[1] is None) == (data == "drawn")  # drawn points: all training points
        np.testing.assert_allclose([g for g in got if g is not None],
                                   [w for w in want if w is not None], rtol=1e-9, atol=1e-12)  # fmt: skip


# -- the page ----------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.slow
def test_the_page_trains_a_regression_on_a_value_scale(server, browser, tmp_path):
    tab = Tab(browser, server + "?speed=full&show_test=true")
    page = tab.page
    page.get_by_test_id("problem").select_option("regression")
    tab.wait("document.body.dataset.problem === 'regression'")
    assert page.get_by_test_id("data").input_value() == "plane"
    offered = page.locator("[data-testid=data] option").all_inner_texts()
    assert offered == ["plane", "gauss", "csv", "drawn"]
    assert page.get_by_test_id("output-activation").input_value() == "linear"
    assert page.get_by_test_id("cost").input_value() == "quadratic"
    assert "regression: data set to plane" in page.get_by_test_id("message").text_content()
    assert page.locator("#discretize-label").is_hidden()
    assert page.get_by_test_id("draw-class").evaluate("el => el.type") == "number"
    tab.wait("document.body.dataset.sizes === '2,8,8,1'")
    tab.train_until(15)
    loss = tab.number("train-loss")
    assert 0 < loss < 0.02, loss
    assert page.locator("#confusion").is_hidden()
    # the input space: points coloured by their targets with a colour bar, test diamonds
    traces = page.evaluate(INPUT_TRACES)
    assert traces["training samples"]["scale"] and traces["training samples"]["colors"] == 350
    assert traces["test samples"]["symbol"] == "diamond" and traces["test samples"]["colors"] == 150
    assert page.locator("#input-space .colorbar").count() == 1
    assert page.evaluate(playground.REGIONS_DRAWN), "the output is not drawn over the plot area"
    text = page.locator("body").inner_text()
    assert "None" not in text and "NaN" not in text
    # the stepper: a real-valued target
    page.get_by_test_id("sample-select").fill("3")
    page.get_by_test_id("sample-select").press("Enter")
    tab.wait("document.querySelector('[data-testid=bp-target]').dataset.value !== undefined")
    assert "real-valued" in page.get_by_test_id("bp-target").text_content()
    page.get_by_test_id("input-space").screenshot(path=str(tmp_path / "regression.png"))
    # a drawn point takes the value typed
    page.get_by_test_id("draw-class").fill("0.75")
    tab.click("draw")
    box = page.locator("#input-space .nsewdrag").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    tab.wait("location.search.includes('data=drawn')")
    assert re.search(r"points=[-0-9.]+%2C[-0-9.]+%2C0.75", page.url), page.url
    tab.check_clean(playground._base(server))
    tab.close()
    shot = tmp_path / "regression.png"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the small copy kept, to look at
        shot = Path(shutil.copy(shot, SCREENSHOTS / "regression.png"))
    _shrink(shot, width=560, colours=192)


# What the input space handed Plotly, by trace name: its marker symbol, whether it shows
# the colour bar, and how many values colour its points.
INPUT_TRACES = """() => Object.fromEntries(document.getElementById('input-space').data.map(t => [t.name,
  {symbol: t.marker.symbol, scale: Boolean(t.marker.showscale),
   colors: Array.isArray(t.marker.color) ? t.marker.color.length : 0}]))"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_exported_report_draws_a_regression(browser, tmp_path):
    session = _session(_regression(data="gauss", hidden=[6], show_test=True))
    session.net.train(session.X_train, session.Y_train, epochs=3, batch_size=10, eta=0.05,
                      seed=session.rng)  # fmt: skip
    _, _, raw = exports.export("report", session)
    (tmp_path / "report.html").write_bytes(raw)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((tmp_path / "report.html").as_uri(), wait_until="load")
    page.wait_for_function("document.body.dataset.ready !== undefined", timeout=30_000)
    assert page.evaluate("document.body.dataset.ready") == "true", errors
    traces = page.evaluate(INPUT_TRACES)
    shown = len(session.data.X)  # (a report, like the classes', does not tell test points apart)
    assert traces["samples"]["scale"] and traces["samples"]["colors"] == shown
    colors = page.evaluate("document.getElementById('hidden-space').data[0].marker.color.length")
    assert colors == shown  # the hidden space: every sample by its target
    assert errors == []
    page.close()
