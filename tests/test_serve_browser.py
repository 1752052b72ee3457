"""The live playground in a real headless browser (Debian's chromium, through playwright).

The server runs in this process, on a free port of 127.0.0.1, in a thread. Needs the
``serve`` and ``browser`` extras and ``/usr/bin/chromium``; skipped without them except
under CI (``CI=true``), where a skip would hide a failure. What the page shows is read
back from its outputs, the ``data-*`` attributes it renders, the pixels it drew and the
figure each panel handed Plotly (its public ``data`` and ``layout``); screenshots go to
``shots``.
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest

from optional import need

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server():
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        need("the playground's server is not installed (make demo or make test installs it)")
    from backproplab import serve

    sock = serve.open_socket("127.0.0.1", 0)
    url = serve.url_of(sock, "127.0.0.1")
    srv = serve.make_server(sock, "127.0.0.1")
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield url
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("playground-shots")


class Tab:
    """One page of the playground, with its console errors and every request it made."""

    def __init__(self, browser, url: str, context=None):
        self.ctx = context or browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        self.page = self.ctx.new_page()
        self.errors, self.requests = [], []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.text} at {m.location}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda exc: self.errors.append(f"{exc}\n{exc.stack}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = url
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function("document.body.dataset.ready === 'true'", timeout=30_000)

    def number(self, testid: str) -> float:
        text = self.page.get_by_test_id(testid).text_content()
        return float(text) if text not in ("–", "") else float("nan")

    def click(self, testid: str) -> None:
        self.page.get_by_test_id(testid).click()

    def train_until(self, epochs: int) -> None:
        """Play at full speed until the page shows at least ``epochs`` epochs, then pause
        (and wait until the session says it stopped)."""
        self.page.get_by_test_id("speed").select_option("full")
        self.wait("location.search.includes('speed=full')")
        self.click("play")
        self.wait(f"{EPOCH} >= {epochs}", timeout=60_000)
        self.click("pause")
        self.wait(STOPPED)

    def wait(self, condition: str, timeout: int = 30_000) -> None:
        self.page.wait_for_function(condition, timeout=timeout)

    def check_clean(self, base: str) -> None:
        assert self.errors == []
        outside = [
            u
            for u in self.requests
            if not (u.startswith(base) or u.startswith("blob:") or u.startswith("data:"))
        ]
        assert outside == [], outside

    def close(self) -> None:
        self.ctx.close()


def _base(url: str) -> str:
    return url.rstrip("/")


def _held_still(tab: Tab, seconds: float, limit: float = 15.0) -> float:
    """The step counter once it has shown the same number for ``seconds``."""
    shown, since, start = tab.number("steps"), time.perf_counter(), time.perf_counter()
    while time.perf_counter() - since < seconds:
        assert time.perf_counter() - start < limit, "the step counter never held still"
        tab.page.wait_for_timeout(50)
        now = tab.number("steps")
        if now != shown:
            shown, since = now, time.perf_counter()
    return shown


# What the page shows, as JavaScript expressions: the epochs and steps counters, whether
# the play button is down, and the layer sizes of the network the page drew.
EPOCH = "Number(document.querySelector('[data-testid=epoch]').textContent)"
STEPS = "Number(document.querySelector('[data-testid=steps]').textContent)"
STOPPED = "document.querySelector('[data-testid=play]').getAttribute('aria-pressed') === 'false'"
SIZES = "document.body.dataset.sizes"


def test_play_pause_step_and_the_losses(server, browser, shots):
    tab = Tab(browser, server + "?speed=full")
    page = tab.page
    assert tab.number("epoch") == 0
    loss0 = tab.number("test-loss")
    page.screenshot(path=str(shots / "playground-start.png"), full_page=True)
    tab.click("play")
    page.wait_for_function(
        "Number(document.querySelector('[data-testid=epoch]').textContent) >= 30", timeout=60_000
    )
    tab.click("pause")
    tab.wait(STOPPED)
    epochs = tab.number("epoch")
    steps = tab.number("steps")
    loss = tab.number("test-loss")
    assert epochs >= 30
    assert loss < 0.5 * loss0, (loss0, loss)  # circles: the test loss falls
    page.wait_for_timeout(600)
    assert tab.number("steps") == steps  # paused: nothing moves
    tab.click("step")
    tab.wait(f"{STEPS} === {int(steps) + 1}")
    page.wait_for_timeout(300)
    assert tab.number("steps") == steps + 1  # one mini-batch, and only one
    page.screenshot(path=str(shots / "playground-trained.png"), full_page=True)
    # what the panels drew: the network's wires and the regions image are there
    n_traces = page.evaluate("document.getElementById('network-diagram').data.length")
    assert n_traces > 3
    assert page.evaluate(REGIONS_DRAWN), "the decision regions are not drawn over the plot area"
    tab.check_clean(_base(server))
    tab.close()


# The regions canvas behind the input plot: clipped to the plot area, which it covers (the
# grid's cells reach half a cell past the axes' ranges), showing several colours (both
# classes' and the boundary).
REGIONS_DRAWN = """() => {
  const el = document.getElementById('input-space'), c = el.querySelector('.regions canvas');
  if (!c || c.parentElement.hidden) return false;
  const r = c.getBoundingClientRect(), box = c.parentElement.getBoundingClientRect();
  const area = el.querySelector('.nsewdrag').getBoundingClientRect();
  const covers = Math.abs(box.left - area.left) < 1 && Math.abs(box.right - area.right) < 1 &&
                 Math.abs(box.top - area.top) < 1 && Math.abs(box.bottom - area.bottom) < 1 &&
                 r.left <= area.left && r.right >= area.right && r.top <= area.top && r.bottom >= area.bottom;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 37) seen.add(`${d[i] >> 5},${d[i + 1] >> 5},${d[i + 2] >> 5}`);
  return covers && seen.size > 3;
}"""


# The regions image as drawn: its pixels, the input coordinates of its edges, and the
# classes' colours (the legend's, as the page shows them).
REGION_PIXELS = """() => {
  const c = document.querySelector('#input-space .regions canvas');
  const colors = [...document.querySelectorAll('#input-space .legend .traces .scatterpts')]
    .map(p => p.style.fill).map(f => '#' + f.match(/\\d+/g).slice(0, 3)
      .map(v => Number(v).toString(16).padStart(2, '0')).join(''));
  return {extent: c.dataset.extent, width: c.width, colors,
          pixels: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)};
}"""


def test_changing_layers_rebuilds_and_the_address_keeps_the_settings(server, browser, shots):
    tab = Tab(browser, server)
    page = tab.page
    tab.click("add-layer")  # [8, 8] → [8, 8, 8]
    tab.wait(f"{SIZES} === '2,8,8,8,1'")
    assert tab.number("steps") == 0  # a new network
    page.wait_for_function("document.querySelectorAll('#network-diagram .xtick').length === 5")
    columns = page.locator("#network-diagram .xtick text").all_text_contents()
    assert columns[0] == "input (2)" and columns[2].startswith("layer 2 (8")  # as drawn
    page.get_by_test_id("hidden").fill("5,3")
    page.get_by_test_id("hidden").press("Enter")
    page.get_by_test_id("hidden").blur()
    tab.wait(f"{SIZES} === '2,5,3,1'")
    page.get_by_test_id("eta").fill("0.3")
    page.get_by_test_id("eta").blur()
    page.get_by_test_id("feature-x1^2").check()
    tab.wait(f"{SIZES} === '3,5,3,1'")
    page.wait_for_function("location.search.includes('eta=0.3')", timeout=10_000)
    url = page.url
    assert "hidden=5%2C3" in url and "features=" in url
    tab.close()
    again = Tab(browser, url)  # the address reproduces the setup
    p2 = again.page
    again.wait(f"{SIZES} === '3,5,3,1'")
    assert p2.get_by_test_id("hidden").input_value() == "5,3"
    assert p2.get_by_test_id("eta").input_value() == "0.3"
    assert p2.get_by_test_id("feature-x1^2").is_checked()
    p2.screenshot(path=str(shots / "playground-reloaded.png"), full_page=True)
    again.check_clean(_base(server))
    again.close()


def test_bad_settings_get_a_message_and_the_session_goes_on(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    page.get_by_test_id("hidden").fill("8,64")
    page.get_by_test_id("hidden").blur()
    page.wait_for_function(
        "document.querySelector('[data-testid=message]').textContent.includes('at most 32')",
        timeout=30_000,
    )
    assert page.get_by_test_id("hidden").input_value() == "8,8"  # put back as it is
    tab.click("step")
    tab.wait(f"{STEPS} === 1")
    tab.close()


def test_two_tabs_train_independently(server, browser):
    a, b = Tab(browser, server), Tab(browser, server)
    a.click("play")
    a.wait(f"{EPOCH} >= 5", timeout=60_000)
    assert b.number("steps") == 0  # the other tab does not train
    b.click("step")
    b.wait(f"{STEPS} === 1")
    a.click("pause")
    a.wait(STOPPED)
    assert a.number("steps") > 10
    a.close()
    # a's session is gone; b's goes on
    b.click("step")
    b.wait(f"{STEPS} === 2")
    b.close()


def test_check_gradients_shows_passing_errors(server, browser, shots):
    tab = Tab(browser, server)
    page = tab.page
    tab.train_until(epochs=3)
    tab.click("gradcheck")
    page.wait_for_function(
        "document.querySelector('[data-testid=gradcheck-result]').dataset.verdict", timeout=30_000
    )
    assert page.get_by_test_id("gradcheck-result").get_attribute("data-verdict") == "PASSED"
    cells = page.locator("[data-testid=gradcheck-table] td").all_text_contents()
    errors = [float(c) for c in cells if re.fullmatch(r"[0-9.]+e[-+][0-9]+", c)]
    assert len(errors) == 6  # W and b of each of the 3 layers
    assert max(errors) < 1e-7
    # the nudge tool: C against one weight, with backprop's slope matching the secant
    page.get_by_test_id("nudge-layer").fill("2")
    tab.click("nudge")
    page.wait_for_function("document.getElementById('nudge-plot').dataset.slope", timeout=30_000)
    slope = float(page.get_by_test_id("nudge-plot").get_attribute("data-slope"))
    gradient = float(page.get_by_test_id("nudge-plot").get_attribute("data-gradient"))
    assert gradient == pytest.approx(slope, rel=1e-4, abs=1e-8)
    page.get_by_test_id("gradcheck").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "playground-gradcheck.png"), full_page=True)
    tab.check_clean(_base(server))
    tab.close()


def _on_W3_0_4(page) -> tuple[float, float]:
    """A point on the wire of W³[0, 4] (network [2, 8, 8, 1]) with no other wire within
    4.5 px, where the screen shows it (scrolled into view)."""
    from test_serve_wires import distance, neuron_centres, wires_on_screen

    page.get_by_test_id("network-diagram").scroll_into_view_if_needed()
    wires = wires_on_screen(neuron_centres(page))
    a, b = wires[(3, 0, 4)]
    for t in np.linspace(0.2, 0.8, 25):
        p = a + t * (b - a)
        if min(distance(p, *w) for n, w in wires.items() if n != (3, 0, 4)) >= 4.5:
            return float(p[0]), float(p[1])
    raise AssertionError("no point on W3[0, 4] apart from the other wires")


def test_a_weight_edited_from_the_diagram(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    # click on the wire of W³[0, 4]
    x, y = _on_W3_0_4(page)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function(
        "document.querySelector('[data-testid=message]').textContent.startsWith('picked W3[0, 4]')",
        timeout=10_000,
    )
    fields = [page.get_by_test_id(f"nudge-{f}").input_value() for f in ("layer", "j", "k")]
    assert fields == ["3", "0", "4"]
    page.get_by_test_id("weight-value").fill("2.5")
    tab.click("set-weight")
    page.wait_for_function(
        "document.querySelector('[data-testid=message]').textContent.includes('W3[0, 4] set to 2.5')",
        timeout=30_000,
    )
    x, y = _on_W3_0_4(page)
    page.mouse.move(x, y)  # back over the wire: its label shows the new value
    page.mouse.move(x + 1, y)
    page.wait_for_function(
        "document.querySelector('[data-testid=wire-tip]').dataset.weight === '3,0,4' && "
        "document.querySelector('[data-testid=wire-tip]').textContent.endsWith('= 2.500')",
        timeout=30_000,
    )
    tab.close()


def test_the_exported_model_predicts_what_the_page_shows(server, browser, tmp_path):
    from backproplab import Network

    tab = Tab(browser, server)
    page = tab.page
    tab.train_until(epochs=20)
    page.wait_for_timeout(300)
    with page.expect_download() as info:
        tab.click("export-model")
    path = tmp_path / "model.npz"
    info.value.save_as(path)
    net = Network.load(path)
    assert net.sizes == [2, 8, 8, 1]
    # the input panel's regions as drawn: where the model is sure of a class, the page's
    # pixel is nearer that class's colour (lightened over white) than the other's
    drawn = page.evaluate(REGION_PIXELS)
    x0, x1, y0, y1 = (float(v) for v in drawn["extent"].split(","))
    W = drawn["width"]
    px = (np.arange(4, W, 8) + 0.5) / W  # a grid of pixels, as fractions of the image
    xs, ys = x0 + px * (x1 - x0), y1 - px * (y1 - y0)
    xx, yy = np.meshgrid(xs, ys)
    a = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))[:, 0].reshape(xx.shape)
    rgb = np.array(drawn["pixels"], dtype=float).reshape(W, W, 4)[:, :, :3]
    rows, cols = np.meshgrid(np.arange(4, W, 8), np.arange(4, W, 8), indexing="ij")
    seen = rgb[rows, cols]
    colors = [np.array([int(c[k : k + 2], 16) for k in (1, 3, 5)]) for c in drawn["colors"]]
    tint = [255 + 0.45 * (c - 255) for c in colors]  # drawn at 45 % over white
    nearer_1 = np.linalg.norm(seen - tint[1], axis=2) < np.linalg.norm(seen - tint[0], axis=2)
    sure = (a < 0.2) | (a > 0.8)
    assert sure.sum() > 100
    assert np.mean(nearer_1[sure] == (a[sure] > 0.5)) > 0.97
    # and the losses the page shows
    with page.expect_download() as info:
        tab.click("export-script")
    script = tmp_path / "playground.py"
    info.value.save_as(script)
    assert "Network([2, 8, 8, 1]" in script.read_text()
    with page.expect_download() as info:
        tab.click("export-report")
    report = tmp_path / "report.html"
    info.value.save_as(report)
    assert "bpl-meta" in report.read_text()
    tab.check_clean(_base(server))
    tab.close()


def test_the_controls_are_the_schemas_fields(server, browser):
    """Each setting of serve.settings.FIELDS with a group is a labelled control on the page,
    its choices and range the schema's, showing the default; keyboard use changes it."""
    from backproplab.serve.settings import schema

    s = schema()
    tab = Tab(browser, server)
    page = tab.page
    for f in s["fields"]:
        if f["group"] is None:
            assert page.locator(f"#{f['name']}").count() == 0
            continue
        if f["kind"] == "features":
            for value, label in zip(f["choices"], f["labels"], strict=True):
                box = page.get_by_label(label, exact=True)
                assert box.get_attribute("data-testid") == f"feature-{value}"
                assert box.is_checked() == (value in s["defaults"]["features"])
            continue
        control = page.get_by_label(f["label"], exact=True)  # found by its label, as read aloud
        assert control.get_attribute("data-testid") == f["testid"]
        if f["kind"] == "choice":
            options = control.locator("option").evaluate_all("os => os.map(o => o.value)")
            problem = s["defaults"]["problem"]  # (the data sets offered are the problem's)
            assert options == (f["byProblem"][problem] if "byProblem" in f else f["choices"])
            assert control.input_value() == s["defaults"][f["name"]]
        elif f["kind"] in ("int", "float"):
            assert float(control.get_attribute("min")) == f["lo"]
            assert float(control.get_attribute("max")) == f["hi"]
            assert float(control.input_value()) == s["defaults"][f["name"]]
    # by keyboard alone: focus the batch size, type, Tab away; the session takes it
    page.get_by_label("batch size", exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("25")
    page.keyboard.press("Tab")
    tab.wait("location.search.includes('batch_size=25')")
    tab.check_clean(_base(server))
    tab.close()


def test_the_default_speed_can_be_watched_and_slow_motion_shows_each_step(server, browser, shots):
    """Must hold: at the default speed the step counter advances by fewer than 300 steps a
    second (the boundary moves for several seconds); slow motion is one step a second."""
    tab = Tab(browser, server)
    page = tab.page
    speed = page.get_by_label("speed", exact=True)
    assert speed.get_attribute("data-testid") == "speed"
    assert speed.locator("option:checked").text_content() == "100 steps/s"
    labels = speed.locator("option").all_text_contents()
    assert labels[0] == "1 step/s (slow motion)" and labels[-1] == "full speed"
    tab.click("play")
    tab.wait(f"{STEPS} > 0")
    t0, s0 = time.perf_counter(), tab.number("steps")
    page.wait_for_timeout(3000)
    rate = (tab.number("steps") - s0) / (time.perf_counter() - t0)
    assert 20 < rate < 300, rate  # (100 a second asked; a busy machine draws fewer views)
    page.screenshot(path=str(shots / "playground-default.png"), full_page=True)
    # slow motion, chosen by keyboard: each step's view comes by itself
    speed.focus()
    page.keyboard.press("Home")
    tab.wait("location.search.includes('speed=1')")
    steps = _held_still(tab, 0.6)  # the fast steps' last views (one still on its way under
    tab.wait(f"{STEPS} === {int(steps) + 1}", timeout=5_000)  # load) have come: slow motion
    t0 = time.perf_counter()
    tab.wait(f"{STEPS} === {int(steps) + 2}", timeout=5_000)
    assert 0.5 < time.perf_counter() - t0 < 1.6  # one step a second (as the views arrive)
    page.get_by_test_id("input-space").screenshot(path=str(shots / "playground-slow-motion.png"))
    tab.click("pause")
    tab.wait(STOPPED)
    # the step axis on a log scale, and back
    box = page.get_by_label("log-scale steps", exact=True)
    assert box.get_attribute("data-testid") == "log-steps"
    box.check()
    tab.wait("document.getElementById('loss-curve').dataset.stepAxis === 'log'")
    assert page.locator("#loss-curve .xtitle").text_content() == "step (log scale)"
    box.uncheck()
    tab.wait("document.getElementById('loss-curve').dataset.stepAxis === 'linear'")
    tab.check_clean(_base(server))
    tab.close()


def test_nothing_stale_results_messages_and_the_file_chooser(server, browser, tmp_path):
    """A gradient check and a nudge say which network they hold for and are cleared when
    it changes; the message line clears on the next action; errors name what was typed;
    the file chooser forgets a CSV once other data is chosen."""
    tab = Tab(browser, server)
    page = tab.page
    tab.click("gradcheck")
    tab.wait("document.querySelector('[data-testid=gradcheck-result]').dataset.verdict")
    held = page.get_by_test_id("gradcheck-network").text_content()
    assert held.startswith("For network #") and "[2, 8, 8, 1]" in held and "at step 0" in held
    tab.click("nudge")
    tab.wait("document.getElementById('nudge-plot').dataset.slope")
    assert "[2, 8, 8, 1]" in page.get_by_test_id("nudge-network").text_content()
    tab.click("add-layer")
    tab.wait(f"{SIZES} === '2,8,8,8,1'")
    tab.wait("!document.querySelector('[data-testid=gradcheck-result]').dataset.verdict")
    assert page.get_by_test_id("gradcheck-result").text_content() == ""
    assert page.locator("[data-testid=gradcheck-table] td").count() == 0
    assert "changed" in page.get_by_test_id("gradcheck-network").text_content()
    assert page.get_by_test_id("nudge-plot").get_attribute("data-slope") is None
    assert "changed" in page.get_by_test_id("nudge-network").text_content()
    tab.click("gradcheck")  # checked again: for the new network
    tab.wait("document.querySelector('[data-testid=gradcheck-result]').dataset.verdict")
    assert "[2, 8, 8, 8, 1]" in page.get_by_test_id("gradcheck-network").text_content()
    # an error names what was typed, and the next action clears the message line
    page.get_by_test_id("hidden").fill("abc,8")
    page.get_by_test_id("hidden").blur()
    message = page.get_by_test_id("message")
    tab.wait("document.querySelector('[data-testid=message]').textContent !== ''")
    assert message.text_content() == "hidden layer 1 must be a whole number; got 'abc'"
    tab.click("step")
    tab.wait(f"{STEPS} === 1")
    assert message.text_content() == ""
    # a CSV chosen, then other data: the chooser no longer names the CSV
    csv = tmp_path / "two.csv"
    csv.write_text("x1,x2,c\n" + "".join(f"{i / 10},{(i % 3) / 3},{i % 2}\n" for i in range(30)))
    page.get_by_test_id("csv").set_input_files(str(csv))
    tab.wait("location.search.includes('data=csv')")
    assert page.eval_on_selector("#csv", "e => e.files.length") == 1
    page.get_by_test_id("data").select_option("moons")
    tab.wait("location.search.includes('data=moons')")
    assert page.eval_on_selector("#csv", "e => e.files.length") == 0
    tab.check_clean(_base(server))
    tab.close()


def test_divergence_pauses_and_the_page_says_what_to_try(server, browser):
    tab = Tab(browser, server + "?output_activation=linear&cost=quadratic&eta=1&speed=full")
    page = tab.page
    box = page.get_by_test_id("divergence")
    assert box.is_hidden()
    tab.click("play")
    tab.wait("!document.querySelector('[data-testid=divergence]').hidden", timeout=60_000)
    tab.wait(STOPPED)
    step = int(box.get_attribute("data-step"))
    text = box.text_content()
    assert f"The loss exploded at step {step}:" in text
    assert "Training paused" in text and "lower learning rate η (now 1; try 0.1)" in text
    assert box.get_attribute("role") == "alert"
    tab.wait(f"{STEPS} === {step}")  # paused where it happened
    page.get_by_test_id("eta").fill("0.1")  # the next action: the explanation goes
    page.get_by_test_id("eta").blur()
    tab.wait("document.querySelector('[data-testid=divergence]').hidden")
    tab.check_clean(_base(server))
    tab.close()


# The drawn points as the input space shows them: [x1, x2, class] of each class trace.
SHOWN_POINTS = """() => document.getElementById('input-space').data
  .filter(d => d.name.startsWith('class '))
  .flatMap(d => d.x.map((x, i) => [x, d.y[i], Number(d.name.slice(6))]))"""


def _click_plot(page, fx: float, fy: float, shift: bool = False) -> tuple[float, float]:
    """Click the input space's plot area at fractions (fx, fy) of its width and height
    (from the top left); returns the input coordinates there, by the axes' ranges."""
    area = page.locator("#input-space .nsewdrag").bounding_box()
    xr, yr = page.evaluate(
        "() => { const l = document.getElementById('input-space').layout;"
        " return [l.xaxis.range, l.yaxis.range]; }"
    )
    if shift:
        page.keyboard.down("Shift")
    page.mouse.click(area["x"] + fx * area["width"], area["y"] + fy * area["height"])
    if shift:
        page.keyboard.up("Shift")
    return xr[0] + fx * (xr[1] - xr[0]), yr[1] - fy * (yr[1] - yr[0])


def test_points_drawn_by_hand_are_exactly_what_play_trains_on(server, browser, shots, tmp_path):
    """Must hold: 20 points of two classes drawn by clicking, then play, trains on exactly
    those points (all of them training points); they survive a reload and export."""
    tab = Tab(browser, server)
    page = tab.page
    tab.click("draw")
    assert page.get_by_test_id("draw").get_attribute("aria-pressed") == "true"
    rng = np.random.default_rng(1)
    drawn = []
    for i in range(21):
        c = int(i >= 10)
        page.get_by_test_id("draw-class").select_option(str(c))
        centre = (0.3, 0.35) if c == 0 else (0.7, 0.65)
        fx, fy = centre + rng.uniform(-0.12, 0.12, size=2)
        x1, x2 = _click_plot(page, fx, fy)
        drawn.append([x1, x2, c])
        tab.wait(f"({SHOWN_POINTS})().length === {len(drawn)}")
    _click_plot(page, fx, fy, shift=True)  # the 21st removed again
    drawn.pop()
    tab.wait(f"({SHOWN_POINTS})().length === 20")
    shown = np.array(sorted(page.evaluate(SHOWN_POINTS)))
    assert np.allclose(shown, sorted(drawn), atol=0.012)  # where clicked, to a pixel or two
    assert page.get_by_test_id("data").input_value() == "drawn"
    page.mouse.move(5, 5)  # (no hover label in the picture)
    page.wait_for_timeout(300)
    page.get_by_test_id("input-space").screenshot(path=str(shots / "playground-drawn.png"))
    # play: every epoch is the 20 points, in mini-batches of 10: two steps an epoch
    tab.click("play")
    tab.wait(f"{EPOCH} >= 3")
    tab.click("pause")
    tab.wait(STOPPED)
    steps = tab.number("steps")  # (paused at an epoch's last step, before its end is counted)
    assert tab.number("epoch") in (steps // 2, (steps - 1) // 2)
    assert page.get_by_test_id("test-loss").text_content() == "–"  # no test points
    with page.expect_download() as info:
        tab.click("export-script")
    script = tmp_path / "playground.py"
    info.value.save_as(script)
    P = re.search(r"P = np.array\((.*)\)", script.read_text()).group(1)
    assert np.allclose(sorted(eval(P)), shown)  # (a list of numbers: checked by the exporter)
    # a reload keeps them: they are in the address
    url = page.url
    assert "data=drawn" in url and "points=" in url
    tab.close()
    again = Tab(browser, url)
    again.wait(f"({SHOWN_POINTS})().length === 20")
    assert np.allclose(sorted(again.page.evaluate(SHOWN_POINTS)), shown)
    again.click("draw-clear")
    again.wait("location.search.includes('points') === false")
    assert again.page.get_by_test_id("data").input_value() == "circles"
    again.check_clean(_base(server))
    again.close()


def test_one_input_disables_the_features_of_x2_and_says_so(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    assert page.get_by_test_id("features-note").text_content() == ""
    page.get_by_test_id("data").select_option("toy")
    tab.wait(f"{SIZES} === '1,8,8,1'")
    for name in ("x2", "x2^2", "x1x2", "sin(x2)"):
        assert page.get_by_test_id(f"feature-{name}").is_disabled()
    for name in ("x1", "x1^2", "sin(x1)"):
        assert page.get_by_test_id(f"feature-{name}").is_enabled()
    note = page.get_by_test_id("features-note").text_content()
    assert note.startswith("The data has one input, x₁: x₂, x₂², x₁x₂, sin x₂")
    page.get_by_test_id("data").select_option("moons")
    tab.wait(f"{SIZES} === '2,8,8,1'")
    assert page.get_by_test_id("feature-x2").is_enabled()
    assert page.get_by_test_id("features-note").text_content() == ""
    tab.check_clean(_base(server))
    tab.close()


def test_test_points_are_drawn_apart_with_their_own_legend_entries(server, browser, shots):
    tab = Tab(browser, server + "?show_test=true")
    page = tab.page
    tab.wait("document.getElementById('input-space').data.length >= 4")
    traces = page.evaluate(
        "document.getElementById('input-space').data.filter(d => d.name.startsWith('class '))"
        ".map(d => [d.name, d.x.length, d.marker.symbol || 'circle'])"
    )
    names = [[name, symbol] for name, _, symbol in traces]
    assert names == [["class 0", "circle"], ["class 1", "circle"],
                     ["class 0, test", "circle-open"], ["class 1, test", "circle-open"]]  # fmt: skip
    counts = [n for _, n, _ in traces]
    assert counts[0] + counts[1] == 350 and counts[2] + counts[3] == 150  # the 70 % split
    legend = page.locator("#input-space .legend .traces").all_text_contents()
    assert legend == ["class 0", "class 1", "class 0, test", "class 1, test"]
    page.get_by_test_id("input-space").screenshot(path=str(shots / "playground-test-points.png"))
    tab.check_clean(_base(server))
    tab.close()


# The colours of the regions' cell centres (8 image pixels a cell), the boundary's dark
# line left out: what a person sees of the regions. The share of cells in the two
# commonest colours.
CELL_COLOURS = """() => {
  const c = document.querySelector('#input-space .regions canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Map();
  let n = 0;
  for (let y = 4; y < c.height; y += 8) for (let x = 4; x < c.width; x += 8) {
    const p = 4 * (y * c.width + x), key = `${d[p]},${d[p + 1]},${d[p + 2]}`;
    if (d[p] + d[p + 1] + d[p + 2] <= 300) continue;
    seen.set(key, (seen.get(key) || 0) + 1);
    n += 1;
  }
  const top = [...seen.values()].sort((a, b) => b - a);
  return (top[0] + (top[1] || 0)) / n;
}"""


def test_discretize_output_shows_each_region_in_one_class_colour(server, browser):
    tab = Tab(browser, server)  # untrained: outputs near ½, the regions in many shades
    page = tab.page
    box = page.get_by_label("discretize output", exact=True)
    assert box.get_attribute("data-testid") == "discretize"
    assert page.evaluate(CELL_COLOURS) < 0.5  # a scale from class 0 through white to class 1
    box.check()
    tab.wait("document.querySelector('#input-space .regions canvas').dataset.discrete === 'true'")
    assert page.evaluate(CELL_COLOURS) > 0.9  # two tints (but cells the boundary crosses)
    box.uncheck()
    tab.wait("document.querySelector('#input-space .regions canvas').dataset.discrete === 'false'")
    tab.check_clean(_base(server))
    tab.close()


def test_each_hidden_layer_has_its_own_neuron_buttons(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    plus = page.get_by_role("button", name="one neuron more in hidden layer 1")
    assert plus.get_attribute("data-testid") == "add-neuron-1"
    plus.click()
    tab.wait(f"{SIZES} === '2,9,8,1'")
    page.get_by_test_id("remove-neuron-2").click()
    tab.wait(f"{SIZES} === '2,9,7,1'")
    tab.click("add-layer")
    tab.wait(f"{SIZES} === '2,9,7,7,1'")
    page.get_by_test_id("add-neuron-3").focus()  # by keyboard too
    page.keyboard.press("Enter")
    tab.wait(f"{SIZES} === '2,9,7,8,1'")
    assert page.get_by_test_id("hidden").input_value() == "9,7,8"
    tab.check_clean(_base(server))
    tab.close()
