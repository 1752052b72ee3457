"""The playground server without a browser: its security, its validation, its sessions.

Starlette's TestClient drives the application in this process. Needs the ``serve`` extra;
skipped without it, except under CI (``CI=true``), where a skip would hide a failure.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from backproplab.serve import lab
from backproplab.serve.curves import CurveBuckets
from backproplab.serve.settings import (
    FEATURES,
    MAX_CSV_BYTES,
    MAX_MESSAGE_BYTES,
    PlaygroundSettings,
    parse_csv,
    parse_settings,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
HOST = "127.0.0.1"
ORIGIN = {"origin": "http://testserver"}  # the test client's WebSockets say Host: testserver


def _client():
    try:
        from starlette.testclient import TestClient
    except ImportError:
        if IN_CI:
            pytest.fail(
                "CI must run the playground's tests, but the playground's server is not installed"
            )
        pytest.skip("the playground's server is not installed (make demo or make test installs it)")
    from backproplab.serve.app import LOCAL_HOSTS, create_app

    return TestClient(create_app([*LOCAL_HOSTS, "testserver"]), base_url=f"http://{HOST}")


@pytest.fixture
def client():
    return _client()


def _until(ws, want, limit: int = 400) -> dict:
    """The first message whose type is ``want`` (at most ``limit`` messages read); each
    view is answered ``drawn``, as the page does, so that the next one comes."""
    for _ in range(limit):
        m = ws.receive_json()
        if m["type"] == "view":
            ws.send_text(json.dumps({"type": "drawn"}))
        if m["type"] == want:
            return m
    raise AssertionError(f"no {want!r} message in {limit}")


def _opened(ws) -> dict:
    """Read the opening messages; return the first view."""
    return _until(ws, "view")


def _stepped(ws, steps: int) -> dict:
    """Ask for one step and return the view showing ``steps`` steps."""
    ws.send_text(json.dumps({"type": "step"}))
    for _ in range(400):
        m = _until(ws, "view")
        if m["status"]["steps"] == steps:
            return m
    raise AssertionError("the step never showed")


# -- security ------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "10.0.0.7"])
def test_a_foreign_host_header_gets_400(client, host):
    for path in ("/", "/modules/viz/web/view.js", "/assets/plotly.min.js"):
        assert client.get(path, headers={"host": host}).status_code == 400
    assert client.get("/", headers={"host": f"localhost:{8000}"}).status_code == 200
    assert client.get("/").status_code == 200


def test_a_websocket_from_a_foreign_host_or_origin_is_refused(client):
    from starlette.testclient import WebSocketDenialResponse
    from starlette.websockets import WebSocketDisconnect

    for headers in (
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:9"},  # another port: another origin
        {"origin": "null"},
        {},  # no Origin at all
    ):
        with pytest.raises(WebSocketDisconnect) as info:
            with client.websocket_connect("/ws", headers=headers):
                pass
        refused = info.value  # the handshake is answered 403 (or closed with 1008)
        if isinstance(refused, WebSocketDenialResponse):
            assert refused.status_code == 403
        else:
            assert refused.code == 1008
    with pytest.raises((WebSocketDenialResponse, WebSocketDisconnect)):
        with client.websocket_connect("/ws", headers={"host": "evil.example", **ORIGIN}):
            pass


def test_assets_come_from_a_fixed_table_never_a_path(client):
    for name in ("..%2Fapp.py", "app.py", "%2Fetc%2Fpasswd", "report.html", "view.js"):
        assert client.get(f"/assets/{name}").status_code == 404
    assert client.get("/assets/../../pyproject.toml").status_code == 404
    for path in ("serve/app.py", "viz/web/report.html", "viz/web/../../serve/app.py",
                 "..%2Fpyproject.toml", "serve/web/playground.js/..", "viz/web/report.js"):  # fmt: skip
        assert client.get(f"/modules/{path}").status_code == 404  # (the report's entry too)
    page = client.get("/")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    for src in ("/assets/plotly.min.js", "/modules/serve/web/playground.js"):
        assert f'src="{src}"' in page.text
        assert client.get(src).status_code == 200
    js = client.get("/modules/viz/web/view.js")  # a module the entry imports, as it is
    assert js.headers["content-type"].startswith("text/javascript")
    assert 'from "./unpack.js"' in js.text
    assert "http" not in "".join(
        line for line in page.text.splitlines() if "src=" in line or "href=" in line
    )


BAD = [
    ("not json {", "not valid JSON"),
    (json.dumps([1, 2]), "unknown message type"),
    (json.dumps({"type": "launch"}), "unknown message type"),
    (json.dumps({"type": "settings", "settings": {"hidden": [8] * 7}}), "at most 6 hidden"),
    (json.dumps({"type": "settings", "settings": {"hidden": [64]}}), "at most 32 per layer"),
    (json.dumps({"type": "settings", "settings": {"n_samples": 6000}}), "between 10 and 5000"),
    (json.dumps({"type": "settings", "settings": {"eta": -1}}), "learning rate"),
    (json.dumps({"type": "settings", "settings": {"data": "/etc/passwd"}}), "data must be one of"),
    (json.dumps({"type": "settings", "settings": {"features": []}}), "at least one input feature"),
    (json.dumps({"type": "settings", "settings": {"path": "x"}}), "unknown setting"),
    (json.dumps({"type": "csv", "text": "a,b\n1,2\n"}), "columns"),
    (json.dumps({"type": "csv", "text": "1,2,a\n" * (MAX_CSV_BYTES // 6 + 1)}), "larger than"),
    (json.dumps({"type": "edit", "layer": 9, "j": 0, "k": 0, "value": 1}), "layer must be"),
    (json.dumps({"type": "edit", "layer": 1, "j": 0, "k": 0, "value": 1e9}), "a weight must"),
    (json.dumps({"type": "nudge", "layer": 1, "j": 99, "k": 0}), "row j"),
    (json.dumps({"type": "export", "what": "../../x"}), "export one of"),
    ("x" * (MAX_MESSAGE_BYTES + 1), "refused"),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_message_gets_a_message_and_the_session_goes_on(client, text, expected):
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        _opened(ws)
        ws.send_text(text)
        error = _until(ws, "error")
        assert expected in error["message"]
        view = _stepped(ws, 1)  # the session goes on: one step trains
        assert view["status"]["sizes"] == [2, 8, 8, 1]


def test_binary_frames_are_refused_with_a_message(client):
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        _opened(ws)
        ws.send_bytes(b"\x00\x01")
        assert "binary" in _until(ws, "error")["message"]
        _stepped(ws, 1)


def test_a_burst_of_bad_messages_leaves_other_tabs_served(client):
    from starlette.websockets import WebSocketDisconnect

    with client.websocket_connect("/ws", headers=ORIGIN) as good:
        _opened(good)
        with client.websocket_connect("/ws", headers=ORIGIN) as bad:
            _opened(bad)
            for _ in range(30):  # a burst, within the limit: answered, still connected
                bad.send_text("{{{")
            _stepped(bad, 1)
            _stepped(good, 1)
            with pytest.raises(WebSocketDisconnect):  # a flood: that tab is cut off
                for _ in range(200):
                    bad.send_text("{{{")
                    while bad.receive_json()["type"] != "error":
                        pass
        view = _stepped(good, 2)  # the other tab trains on
        assert view["status"]["steps"] == 2


# -- training through the socket --------------------------------------------------------------
def test_play_trains_pause_stops_and_views_follow(client):
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        first = _opened(ws)
        assert first["fresh"] and first["status"]["steps"] == 0
        full = dict(PlaygroundSettings().to_dict(), speed="full")
        ws.send_text(json.dumps({"type": "settings", "settings": full}))
        ws.send_text(json.dumps({"type": "play"}))
        for _ in range(400):
            view = _until(ws, "view")
            if view["status"]["epochs"] >= 20:
                break
        ws.send_text(json.dumps({"type": "pause"}))
        for _ in range(400):
            view = _until(ws, "view")
            if not view["status"]["running"]:
                break
        assert view["status"]["test_loss"] < 0.5 * first["status"]["test_loss"]
        assert not view["fresh"]  # same network: the panels are updated, not rebuilt
        meta = view["meta"]
        assert meta["heatmaps"]["G"] == 50 and meta["input"]["mode"] == "plane"
        assert "fitted again at every update" in meta["hidden"]["note"]  # 8 units: a PCA
        # a change of layers rebuilds the network and the panels
        settings = dict(full, hidden=[3])
        ws.send_text(json.dumps({"type": "settings", "settings": settings}))
        for _ in range(20):  # a view computed before the settings arrived may come first
            view = _until(ws, "view")
            if view["fresh"]:
                break
        assert view["fresh"] and view["status"]["sizes"] == [2, 3, 1]
        assert view["status"]["steps"] == 0


def test_a_fresh_view_replaced_before_it_went_out_leaves_the_next_one_fresh(client):
    """The page has not said ``drawn`` yet, so the views wait: the new network's first view
    (fresh) is replaced by the pause's view of the same network before it goes out. That
    one must then say ``fresh``: the page rebuilds its panels for the new network."""
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        first = ws.receive_json()
        while first["type"] != "view":
            first = ws.receive_json()
        assert first["status"]["sizes"] != [2, 3, 1]
        settings = dict(PlaygroundSettings().to_dict(), hidden=[3])  # no `drawn` sent yet
        ws.send_text(json.dumps({"type": "settings", "settings": settings}))
        ws.send_text(json.dumps({"type": "pause"}))  # a second view of the new network
        view = _until(ws, "view")
        assert view["status"]["sizes"] == [2, 3, 1] and view["fresh"]


def test_gradcheck_and_nudge_through_the_socket(client):
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        _opened(ws)
        ws.send_text(json.dumps({"type": "gradcheck"}))
        report = _until(ws, "gradcheck")
        assert report["passed"] and len(report["layers"]) == 3
        assert all(e < 1e-7 for pair in report["layers"] for e in pair)
        ws.send_text(json.dumps({"type": "nudge", "layer": 2, "j": 1, "k": 3}))
        r = _until(ws, "nudge")
        # the cost curve's own slope at w (centred differences of the returned points)
        i = len(r["amounts"]) // 2
        secant = (r["cost"][i + 1] - r["cost"][i - 1]) / (r["amounts"][i + 1] - r["amounts"][i - 1])
        assert r["gradient"] == pytest.approx(secant, rel=0.05, abs=1e-6)


def test_a_csv_upload_becomes_the_data(client):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    labels = np.where(X[:, 0] > 0, "right", "left")
    text = "x1,x2,side\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(X, labels))
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        _opened(ws)
        ws.send_text(json.dumps({"type": "csv", "text": text}))
        settings = _until(ws, "settings")
        assert settings["settings"]["data"] == "csv"
        view = _until(ws, "view")
        assert view["meta"]["classes"] == ["left", "right"]
        assert view["status"]["n_train"] + view["status"]["n_test"] == 60


# -- the pieces ---------------------------------------------------------------------------------
def test_settings_defaults_and_limits():
    assert parse_settings({}) == PlaygroundSettings()
    assert parse_settings({"features": ["x2", "x1"]}).features == ["x1", "x2"]
    with pytest.raises(ValueError, match="whole number"):
        parse_settings({"seed": 1.5})
    with pytest.raises(ValueError, match="must be a number"):
        parse_settings({"noise": float("nan")})
    with pytest.raises(ValueError, match="true or false"):
        parse_settings({"show_test": "yes"})
    with pytest.raises(ValueError, match="shown layer"):
        parse_settings({"hidden": [4], "watch": 2})


def test_csv_parsing():
    X, labels = parse_csv("1,2,a\n3,4,b\n\n5,6,a\n")
    assert X.tolist() == [[1, 2], [3, 4], [5, 6]] and labels.tolist() == ["a", "b", "a"]
    for text, why in (("1,2,a\n1,2,a\n", "two classes"), ("1,2,a\n2,x,b\n4,5,a\n", "line 2"),
                      ("a,b,c\n1,nan,a\n2,3,b\n", "not finite")):  # fmt: skip
        with pytest.raises(ValueError, match=why):
            parse_csv(text)


def test_features_are_the_playgrounds_formulas():
    x1, x2 = np.array([0.5, -2.0]), np.array([1.5, 0.25])
    F = lab.lift(list(FEATURES))(np.vstack([x1, x2]))
    expected = [x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)]
    np.testing.assert_allclose(F, np.vstack(expected))
    assert lab.features_for(PlaygroundSettings(features=["x2", "x1x2"]), 1) == ["x1"]


def test_curve_buckets_are_block_means():
    rng = np.random.default_rng(1)
    rows = rng.random((5003, 3))
    c = CurveBuckets(3, max_buckets=100)
    for chunk in np.array_split(np.arange(5003), 17):  # arriving in uneven pieces
        c.add(rows[chunk])
    means, k = c.means(), c.k
    assert len(c) == len(means) <= 100 and k == 64
    for b in (0, 7, len(means) - 1):  # a second way: slice the raw rows
        block = slice(b * k, min((b + 1) * k, 5003))
        np.testing.assert_allclose(means[b], rows[block].mean(axis=0))
        assert c.centres()[b] == pytest.approx((block.start + 1 + block.stop) / 2)


def test_targets_and_outputs():
    s = PlaygroundSettings()
    y = np.array([0, 1, 1])
    assert lab.targets(s, y, 2)[:, 0].tolist() == [0, 1, 1]
    tanh = PlaygroundSettings(output_activation="tanh", cost="quadratic")
    assert lab.targets(tanh, y, 2)[:, 0].tolist() == [-1, 1, 1]
    soft = PlaygroundSettings(output_activation="softmax", cost="categorical_cross_entropy")
    assert lab.targets(soft, y, 2).tolist() == [[1, 0], [0, 1], [0, 1]]
    assert lab.n_outputs(s, 3) == 3


def test_the_exported_script_reproduces_the_setup(tmp_path):
    """The script, run, builds the same data and network: the same initial loss."""
    import subprocess
    import sys

    from backproplab.serve import exports
    from backproplab.serve.session import Session

    session = Session(lambda m: None, lambda m: None)
    session.setup(PlaygroundSettings(hidden=[4], features=["x1", "x2", "x1x2"]))  # no thread needed
    text = exports.script(session).replace(
        "history = net.train(",
        "print('initial', net.cost(F[:n_train], Y[:n_train]))\nhistory = net.train(",
    )
    path = tmp_path / "playground.py"
    path.write_text(text)
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    initial = float(out.stdout.split("initial")[1].split()[0])
    assert math.isclose(initial, session.net.cost(session.X_train, session.Y_train), rel_tol=1e-12)


# -- the command line and a real server ------------------------------------------------------
def test_serve_help(capsys):
    from backproplab.cli import main

    with pytest.raises(SystemExit) as info:
        main(["serve", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--port", "--host", "--no-browser", "--request-timeout", "127.0.0.1"):
        assert option in out


def test_serve_prints_its_url_and_warns_off_localhost(monkeypatch, capsys):
    _client()  # skips without the extra
    from backproplab import serve
    from backproplab.cli import main

    calls, timeouts = [], []

    def fake_run(host, port, *, browser, on_ready, request_timeout):
        calls.append((host, port, browser))
        timeouts.append(request_timeout)
        on_ready(f"http://{host}:{port or 5555}/")

    monkeypatch.setattr(serve, "run", fake_run)
    assert main(["serve", "--no-browser"]) == 0
    out, err = capsys.readouterr()
    assert "http://127.0.0.1:5555/" in out and "warning" not in err
    assert calls == [("127.0.0.1", 0, False)]
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    out, err = capsys.readouterr()
    assert "warning" in err and "0.0.0.0" in err
    assert calls[-1] == ("0.0.0.0", 8123, True)
    assert main(["serve", "--port", "70000"]) == 2
    assert timeouts == [None, None]  # the server's own deadline (deadline.REQUEST_TIMEOUT)
    assert main(["serve", "--no-browser", "--request-timeout", "2.5"]) == 0
    assert timeouts[-1] == 2.5
    for bad in ("0", "-1", "nan", "1e9"):
        assert main(["serve", "--no-browser", "--request-timeout", bad]) == 2
    assert len(timeouts) == 3


def test_a_real_server_refuses_a_foreign_host():
    """uvicorn on a free port of 127.0.0.1, in a thread; raw HTTP requests."""
    import http.client
    import threading
    import time

    _client()
    from backproplab import serve

    sock = serve.open_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    srv = serve.make_server(sock, "127.0.0.1")
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.05)

        def status(host: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/", headers={"Host": host})
            code = conn.getresponse().status
            conn.close()
            return code

        assert status(f"127.0.0.1:{port}") == 200
        assert status(f"localhost:{port}") == 200
        assert status(f"attacker.example:{port}") == 400  # DNS rebinding
        assert status("") == 400
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.mark.end_to_end
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_the_server_stops_on_a_signal_after_a_tab_trained_and_closed(stop):
    """``backproplab serve`` in its own process: a tab plays, draws and closes; Ctrl-C (or
    a SIGTERM) then stops the server at once, every tab's tasks ended."""
    import signal
    import subprocess
    import sys

    _client()
    from websockets.sync.client import connect

    server = subprocess.Popen([sys.executable, "-m", "backproplab", "serve", "--no-browser"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        url = server.stdout.readline().split()[3]  # "backproplab playground at URL …"
        with connect(url.replace("http", "ws") + "ws", origin=url.rstrip("/")) as ws:
            ws.send(json.dumps({"type": "play"}))
            for _ in range(20):
                if json.loads(ws.recv())["type"] == "view":
                    ws.send(json.dumps({"type": "drawn"}))
        server.send_signal(getattr(signal, stop))
        code = server.wait(timeout=10)
        if stop == "SIGINT":  # Ctrl-C: a clean exit, said so
            assert code == 0 and "stopped" in server.stdout.read()
        else:  # uvicorn shuts down, then ends by the signal it was sent
            assert code == -signal.SIGTERM
    finally:
        server.kill()
        server.stdout.close()


def test_closing_a_session_ends_its_thread():
    """A closed tab's session stops training at the next mini-batch, and its thread ends."""
    import threading
    import time

    from backproplab.serve.session import Session

    seen = threading.Event()
    session = Session(lambda m: None, lambda m: seen.set())
    session.start()
    session.submit({"type": "play"})
    deadline = time.monotonic() + 20
    while session.steps < 100 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session.steps >= 100 and seen.is_set()  # it trained
    session.close()
    session.thread.join(timeout=10)
    assert not session.thread.is_alive()
    steps = session.steps
    time.sleep(0.2)
    assert session.steps == steps


def test_a_view_slot_keeps_the_newest_view_and_wakes_the_loop_only_for_a_waiting_sender():
    import asyncio
    import threading

    from backproplab.serve.outbox import ViewSlot

    async def main():
        loop = asyncio.get_running_loop()
        wakes, call_soon_threadsafe = [], loop.call_soon_threadsafe
        loop.call_soon_threadsafe = lambda *a: (wakes.append(a), call_soon_threadsafe(*a))
        slot = ViewSlot(loop)
        session = threading.Thread(target=lambda: [slot.put(text, 1) for text in ("a", "b")])
        session.start()  # while the page draws: views wait, the newest wins
        await asyncio.sleep(0.2)
        assert not slot.empty() and wakes == []
        assert await slot.take() == ("b", 1) and slot.empty()
        waiting = asyncio.create_task(slot.take())
        await asyncio.sleep(0.05)  # the sender waits for a view: the next one wakes it
        threading.Thread(target=slot.put, args=("c", 2)).start()
        assert await asyncio.wait_for(waiting, 5) == ("c", 2) and len(wakes) == 1

    asyncio.run(main())


def test_a_view_never_overtakes_a_message_emitted_before_it():
    """At set-up the session emits its settings, then offers a view, before either sender
    has run; the view's sender runs first, yet the settings go first. A message dropped
    because the page does not read holds no view back."""
    import asyncio
    import threading

    from backproplab.serve.outbox import Outbox, ViewSlot

    async def main():
        loop = asyncio.get_running_loop()
        outbox, slot, sent = Outbox(loop, maxsize=2), ViewSlot(loop), []

        async def send(text):
            await asyncio.sleep(0.01)  # a socket write lets other tasks run
            sent.append(text)

        async def send_view():
            text, after = await slot.take()
            await outbox.sent(after)
            sent.append(text)

        def session(*messages):
            for m in messages:
                outbox.emit({"type": m})
            slot.put(f"view after {outbox.emitted}", after=outbox.emitted)

        thread = threading.Thread(target=session, args=("settings", "info"))
        thread.start()
        thread.join()
        view = asyncio.create_task(send_view())  # first in line
        messages = asyncio.create_task(outbox.send_all(send))
        await asyncio.wait_for(view, 5)
        assert sent == ['{"type": "settings"}', '{"type": "info"}', "view after 2"]
        messages.cancel()  # the page stops reading: the queue fills, then drops
        thread = threading.Thread(target=session, args=("a", "b", "c"))
        thread.start()
        thread.join()
        await asyncio.sleep(0.05)  # the emitted messages reach the queue
        await asyncio.wait_for(send_view(), 5)  # "c" was dropped: the view still goes
        assert sent[-1] == "view after 5"

    asyncio.run(main())


def test_a_session_offers_moments_only_when_the_page_is_ready():
    """While a view waits to be sent, training offers no new moments; the moments a
    change forces (here: pause) still come; once ready, moments come again."""
    import threading
    import time

    from backproplab.serve.session import MAX_QUEUED, Session

    ready, offered = threading.Event(), []
    session = Session(lambda m: None, lambda m: offered.append(m.steps),
                      PlaygroundSettings(speed="full"), ready=ready.is_set)  # fmt: skip
    session.setup(session.settings)
    session.start()
    try:
        session.submit({"type": "play"})
        deadline = time.monotonic() + 20
        while session.steps < 20_000 and time.monotonic() < deadline:  # ~1 s
            time.sleep(0.01)
        assert session.steps >= 20_000
        assert len(offered) <= 2  # the first moments only (set-up), none while training
        ready.set()
        n, deadline = len(offered), time.monotonic() + 20
        while len(offered) < n + 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(offered) >= n + 3 and offered[-1] > offered[n]  # training, and offered
        ready.clear()
        time.sleep(0.1)
        n = len(offered)
        session.submit({"type": "pause"})
        deadline = time.monotonic() + 20
        while len(offered) == n and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(offered) > n  # a pause is shown though the page is not ready
    finally:
        session.close()
        session.thread.join(timeout=10)
    with pytest.raises(ValueError, match=f"more than {MAX_QUEUED} messages"):
        for _ in range(MAX_QUEUED + 1):
            session.submit({"type": "step"})  # the thread has ended: nobody reads them


@pytest.mark.parametrize(
    ("settings", "mode", "sizes"),
    [
        ({"data": "toy"}, "curve", [1, 8, 8, 1]),
        ({"data": "toy", "features": ["x1", "x1^2", "x2"]}, "curve", [2, 8, 8, 1]),
        (
            {"data": "blobs", "output_activation": "softmax", "cost": "categorical_cross_entropy"},
            "plane",
            [2, 8, 8, 3],
        ),
        ({"data": "xor", "features": list(FEATURES), "hidden": []}, "plane", [7, 1]),
        ({"data": "moons", "hidden": [3], "show_test": True}, "plane", [2, 3, 1]),
    ],
)
def test_every_data_set_draws(client, settings, mode, sizes):
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        _opened(ws)
        ws.send_text(json.dumps({"type": "settings", "settings": settings}))
        view = _stepped(ws, 1)
        assert view["meta"]["input"]["mode"] == mode
        assert view["status"]["sizes"] == sizes
        n = view["status"]["n_train"] + (
            view["status"]["n_test"] if settings.get("show_test") else 0
        )
        assert view["meta"]["n_samples"] == n


def test_the_hosts_answered():
    import socket

    from backproplab import serve

    local = serve.allowed_hosts("127.0.0.1")
    assert {"127.0.0.1", "localhost", "::1"} <= set(local)
    assert socket.gethostname() not in local or socket.gethostname() == "localhost"
    assert socket.gethostname() in serve.allowed_hosts("0.0.0.0")  # reachable by its name


def test_a_loss_panel_draws_at_most_its_points_per_curve_as_block_means():
    from types import SimpleNamespace

    from backproplab.viz.panels import _curves

    T, E, spe = 1000, 900, 35
    loss, grad = np.arange(T, dtype=float), np.arange(2.0 * T).reshape(T, 2)
    h = {"loss_step": loss, "grad_norm": grad, "loss_epoch": np.linspace(1, 0, E),
         "accuracy_epoch": np.linspace(0, 1, E)}  # fmt: skip
    meta, arrays = {}, {}
    _curves(SimpleNamespace(history=h, steps_per_epoch=spe), meta, arrays, most=400)
    # 1000 points → blocks of k = 3 (334 points, the last block of one); 900 epochs → k = 3
    assert meta["steps_per_point"] == 3 and meta["epochs_per_point"] == 3
    np.testing.assert_allclose(arrays["loss_step"][:333], loss[:999].reshape(333, 3).mean(1))
    assert arrays["loss_step"][-1] == loss[-1]
    np.testing.assert_allclose(arrays["curve_step"][:2], [2, 5])  # steps 1-3, 4-6
    np.testing.assert_allclose(arrays["grad_norm"][5], grad[15:18].mean(0))
    np.testing.assert_allclose(arrays["curve_epoch"][:2], [2 * spe, 5 * spe])  # epochs 1-3, 4-6
    assert len(arrays["accuracy_epoch"]) == len(arrays["curve_epoch"]) == 300
    # rows that are already means of 8 steps / 4 epochs, drawn where the history says
    h |= {"curve_step": 8.0 * np.arange(T) + 4.5, "steps_per_row": np.array(8),
          "curve_epoch": np.linspace(100, 200, E), "epochs_per_row": np.array(4)}  # fmt: skip
    meta, arrays = {}, {}
    _curves(SimpleNamespace(history=h, steps_per_epoch=spe), meta, arrays, most=400)
    assert meta["steps_per_point"] == 24 and meta["epochs_per_point"] == 12
    np.testing.assert_allclose(arrays["curve_step"][0], h["curve_step"][:3].mean())
    np.testing.assert_allclose(arrays["curve_epoch"][-1], h["curve_epoch"][-3:].mean(), rtol=1e-6)


class _StopAt(Exception):
    pass


def test_a_playing_session_trains_exactly_as_one_long_train_call(monkeypatch):
    """The session trains in ``train`` calls of a few epochs each (so no History grows
    without bound); the optimizer's state and the shuffling carry over, so the weights
    are bit for bit those of one ``Network.train`` call stopped at the same step. Its
    curves stay bounded and hold every step and epoch trained."""
    import time

    from backproplab import Network
    from backproplab.engine.optim import get_optimizer
    from backproplab.serve import curves
    from backproplab.serve import session as session_module

    monkeypatch.setattr(session_module, "CHUNK_STEPS", 100)  # 2 epochs of 35 steps a call
    s = PlaygroundSettings(optimizer="adam", dropout=0.2, eta=0.01, seed=3, speed="full")
    calls = []
    real_train = Network.train
    monkeypatch.setattr(
        Network,
        "train",
        lambda self, *a, **k: (calls.append(k["epochs"]), real_train(self, *a, **k))[1],
    )
    session = session_module.Session(lambda m: None, lambda m: None, s)
    session.start()
    session.submit({"type": "play"})
    deadline = time.monotonic() + 30
    while session.epochs < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    session.submit({"type": "pause"})
    while session.running and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    steps = session.steps
    assert steps > 300 * 35 and session.steps == steps and len(calls) > 100
    assert set(calls) == {2}
    sc, ec = session.step_curves, session.epoch_curves
    assert len(sc) <= curves.MAX_CURVE_BUCKETS < steps and sc.k > 1 and len(ec) <= 2000
    assert sc.count.sum() == steps and ec.count.sum() == session.epochs
    assert len(session._history.loss_step) <= 100  # the History of one call

    session.close()
    session.thread.join(timeout=10)
    net = lab.build_network(s, 2, 2)

    class Stop:
        def on_step_end(self, net, history, step):
            if history.n_steps == steps:
                raise _StopAt

    with pytest.raises(_StopAt), np.errstate(over="ignore", invalid="ignore"):
        net.train(session.X_train, session.Y_train, epochs=10**6, batch_size=10, eta=0.01,
                  seed=np.random.default_rng(3), callbacks=[Stop()],
                  optimizer=get_optimizer("adam"), dropout=0.2)  # fmt: skip
    for mine, theirs in zip(session.net.weights + session.net.biases,
                            net.weights + net.biases, strict=True):  # fmt: skip
        np.testing.assert_array_equal(mine, theirs)


def test_a_view_text_is_its_message_as_json():
    """The view's base64 buffer is spliced into the JSON text, not encoded by ``json``."""
    from backproplab.serve.session import Session
    from backproplab.serve.views import view_message, view_text

    session = Session(lambda m: None, lambda m: None)
    session.setup(PlaygroundSettings(data="spirals", hidden=[5, 4]))
    m = session.moment()
    assert json.loads(view_text(m, True)) == json.loads(json.dumps(view_message(m, True)))


@pytest.mark.parametrize("show_test", [False, True])
def test_a_views_losses_are_the_networks_cost_on_each_set(show_test):
    """The status's training and test losses (read from the outputs the view already
    computed where it can) against ``Network.cost`` on each set."""
    from backproplab.serve.session import Session
    from backproplab.serve.views import view_message

    session = Session(lambda m: None, lambda m: None)
    session.setup(PlaygroundSettings(data="spirals", hidden=[5], show_test=show_test))
    session.net.weights[0][...] += 0.3  # not the initial network
    status = view_message(session.moment(), True)["status"]
    d, n = session.data, session.data.n_train
    for rows, key in ((slice(0, n), "train_loss"), (slice(n, None), "test_loss")):
        X = session.phi(d.X[rows].T).T
        Y = lab.targets(session.settings, d.y[rows], len(d.classes))
        assert status[key] == session.net.cost(X, Y)


# -- the pace of play ---------------------------------------------------------------------------
def _steps_per_second(speed: str, seconds: float) -> float:
    """A session on its thread, playing at ``speed`` for about ``seconds``: its steps a second."""
    import time

    from backproplab.serve.session import Session

    session = Session(lambda m: None, lambda m: None, PlaygroundSettings(speed=speed))
    session.start()
    try:
        session.submit({"type": "play"})
        deadline = time.monotonic() + 20
        while session.steps == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        t0, s0 = time.perf_counter(), session.steps
        time.sleep(seconds)
        return (session.steps - s0) / (time.perf_counter() - t0)
    finally:
        session.close()
        session.thread.join(timeout=10)


@pytest.mark.parametrize(("speed", "lo", "hi"), [("10", 8, 11), ("100", 80, 101)])
def test_play_keeps_the_pace_the_speed_setting_asks_for(speed, lo, hi):
    assert lo <= _steps_per_second(speed, 1.0) <= hi


def test_slow_motion_shows_every_step_and_still_hears_pause():
    """At one step a second each step is offered to the page; a pause in the middle of
    the wait is taken at once, not after the wait."""
    import time

    from backproplab.serve.session import Session

    offered = []
    session = Session(lambda m: None, lambda m: offered.append((m.steps, m.running)),
                      PlaygroundSettings(speed="1"))  # fmt: skip
    session.start()
    try:
        session.submit({"type": "play"})
        time.sleep(1.5)  # steps 1 and 2 (the first goes at once)
        session.submit({"type": "pause"})
        t0 = time.monotonic()
        while session.running and time.monotonic() - t0 < 5:
            time.sleep(0.005)
        assert time.monotonic() - t0 < 0.2
        assert session.steps == 2
        assert {1, 2} <= {steps for steps, _ in offered}
    finally:
        session.close()
        session.thread.join(timeout=10)


def test_a_speed_outside_the_choices_is_refused():
    with pytest.raises(ValueError, match="speed must be one of 1, 3, 10"):
        parse_settings({"speed": "fast"})
    assert parse_settings({"speed": "full"}).speed == "full"


# -- divergence ----------------------------------------------------------------------------------
def _until_diverged(settings: PlaygroundSettings) -> tuple[dict, object]:
    """Play ``settings`` on a session's thread until it says it diverged: that message and
    the session (closed)."""
    import queue

    from backproplab.serve.session import Session

    said: queue.Queue = queue.Queue()
    session = Session(lambda m: said.put(m) if m["type"] in ("diverged", "error") else None,
                      lambda m: None, settings)  # fmt: skip
    session.start()
    session.submit({"type": "play"})
    try:
        return said.get(timeout=30), session
    finally:
        session.close()
        session.thread.join(timeout=10)


def test_an_exploding_loss_pauses_and_says_what_to_try():
    s = PlaygroundSettings(output_activation="linear", cost="quadratic", eta=1.0, speed="full")
    m, session = _until_diverged(s)
    assert m["type"] == "diverged" and m["kind"] == "explode"
    assert not session.running
    loss = session.step_curves.means()[:, 0]
    assert loss[m["step"] - 1] > 1000 * loss[0] and np.all(loss[: m["step"] - 1] <= 1000 * loss[0])
    assert f"exploded at step {m['step']}" in m["message"]
    assert "lower learning rate η (now 1; try 0.1)" in m["message"]
    assert "another initialisation (now xavier; try scaled)" in m["message"]


def test_a_nan_loss_pauses_at_the_step_it_happened(monkeypatch):
    from backproplab.serve import session as session_module

    monkeypatch.setattr(session_module, "EXPLODE_FACTOR", math.inf)  # NaN, not explosion
    s = PlaygroundSettings(output_activation="linear", cost="quadratic", eta=1.0, speed="full")
    m, session = _until_diverged(s)
    assert m["type"] == "diverged" and m["kind"] == "nan"
    assert m["step"] == session.steps + 1  # the step that would have made it NaN
    assert np.isfinite(np.concatenate([w.ravel() for w in session.net.weights])).all()
    assert f"NaN or infinite at step {m['step']}" in m["message"]
    assert f"keeps the weights of step {session.steps}" in m["message"]
    assert "(now xavier; try scaled)" in m["message"]


def test_an_output_activation_brings_the_only_cost_that_fits_and_says_so(client):
    with client.websocket_connect("/ws", headers=ORIGIN) as ws:
        _opened(ws)
        softmax = dict(PlaygroundSettings().to_dict(), output_activation="softmax")
        ws.send_text(json.dumps({"type": "settings", "settings": softmax}))
        settings = _until(ws, "settings")["settings"]
        assert (settings["output_activation"], settings["cost"]) == (
            "softmax", "categorical_cross_entropy")  # fmt: skip
        said = _until(ws, "info")["message"]
        assert (
            said
            == "cost set to categorical_cross_entropy: binary_cross_entropy needs a sigmoid output"
        )
        view = _stepped(ws, 1)
        assert view["status"]["sizes"] == [2, 8, 8, 2]  # softmax: one output per class
        back = dict(settings, cost="binary_cross_entropy")  # the cost chosen: its output follows
        ws.send_text(json.dumps({"type": "settings", "settings": back}))
        settings = _until(ws, "settings")["settings"]
        assert settings["output_activation"] == "sigmoid"
        assert (
            _until(ws, "info")["message"]
            == "output activation set to sigmoid: binary_cross_entropy needs it"
        )
