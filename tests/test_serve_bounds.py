"""The playground's bounds: classes, numbers, tabs, memory and time.

The fast tests drive the application in this process (Starlette's TestClient); the slow
ones start ``backproplab serve`` as a child process on 127.0.0.1 and measure it from
outside: its resident memory (``/proc/PID/status``) over 300 tabs opened and closed, and
how long it keeps a connection whose request never completes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from backproplab.serve import lab
from backproplab.serve.settings import FEATURES, MAX_NEURONS, PlaygroundSettings, parse_csv
from test_serve import _until

ORIGIN = {"origin": "http://testserver"}


def _client(**kwargs):
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from backproplab.serve.app import LOCAL_HOSTS, create_app

    return TestClient(create_app([*LOCAL_HOSTS, "testserver"], **kwargs))


def _csv(n_classes: int, rows: int = 400) -> str:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 2))
    return "".join(f"{a},{b},c{i % n_classes}\n" for i, (a, b) in enumerate(X))


def test_csv_labels_cannot_widen_the_output_layer_past_the_cap():
    data = lab.make_data(PlaygroundSettings(data="csv"), parse_csv(_csv(MAX_NEURONS)))
    assert len(data.classes) == MAX_NEURONS
    with pytest.raises(ValueError, match=f"33 classes; the playground takes at most {MAX_NEURONS}"):
        lab.make_data(PlaygroundSettings(data="csv"), parse_csv(_csv(MAX_NEURONS + 1)))
    with pytest.raises(ValueError, match="5000 classes"):  # the case: 5,000 units
        lab.make_data(PlaygroundSettings(data="csv"), parse_csv(_csv(5000, rows=5000)))


def test_a_csv_with_too_many_classes_gets_a_message_and_the_session_goes_on():
    with _client().websocket_connect("/ws", headers=ORIGIN) as ws:
        _until(ws, "view")
        ws.send_text(json.dumps({"type": "csv", "text": _csv(40)}))
        assert "40 classes" in _until(ws, "error")["message"]
        ws.send_text(json.dumps({"type": "gradcheck"}))  # the old data and network serve on
        assert _until(ws, "gradcheck")["samples"] > 0


@pytest.mark.parametrize(
    "number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e999", "9" * 400, "1" * 5000]
)
def test_a_number_no_setting_can_hold_is_a_clear_error(number):
    """JSON's Infinity and NaN (and numbers that overflow) are refused when the message
    is read, with a message saying so, never an internal OverflowError."""
    from backproplab.serve.app import check_message

    text = f'{{"type": "edit", "layer": 1, "j": 0, "k": 0, "value": {number}}}'
    with pytest.raises(ValueError, match="finite|digits") as info:
        check_message(text)
    assert "internal" not in str(info.value)
    settings = f'{{"type": "settings", "settings": {{"seed": {number}}}}}'
    with _client().websocket_connect("/ws", headers=ORIGIN) as ws:
        _until(ws, "view")
        ws.send_text(settings)
        message = _until(ws, "error")["message"]
        assert "finite" in message or "digits" in message
        assert "internal" not in message and "Overflow" not in message


def test_tabs_beyond_the_cap_are_told_the_playground_is_full():
    from starlette.websockets import WebSocketDisconnect

    client = _client(max_tabs=2)
    with client.websocket_connect("/ws", headers=ORIGIN) as one:
        _until(one, "view")
        with client.websocket_connect("/ws", headers=ORIGIN) as two:
            _until(two, "view")
            page = client.get("/")
            assert page.status_code == 503 and "the playground is full" in page.text
            with client.websocket_connect("/ws", headers=ORIGIN) as three:
                m = three.receive_json()
                assert m["type"] == "error" and "at most 2" in m["message"]
                with pytest.raises(WebSocketDisconnect) as info:
                    three.receive_json()
                assert info.value.code == 1013
    assert client.get("/").status_code == 200  # closed tabs make room
    with client.websocket_connect("/ws", headers=ORIGIN) as again:
        assert _until(again, "view")["type"] == "view"


# -- a real server, measured from outside ----------------------------------------------------
def _serve(*options: str):
    """``backproplab serve`` (with ``options``) in a child process; returns ``(process, url)``."""
    pytest.importorskip("uvicorn")
    server = subprocess.Popen([sys.executable, "-m", "backproplab", "serve", "--no-browser",
                               *options], stdout=subprocess.PIPE, text=True)  # fmt: skip
    url = server.stdout.readline().split()[3]  # "backproplab playground at URL …"
    assert url.startswith("http://127.0.0.1:")
    return server, url


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _stop(server) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    finally:
        server.kill()
        server.stdout.close()


def _tab(url: str, settings: dict | None, views: int = 3) -> None:
    """Open a tab, (change its settings,) play until ``views`` views came, close it."""
    from websockets.sync.client import connect

    with connect(url.replace("http", "ws") + "ws", origin=url.rstrip("/"),
                 open_timeout=20) as ws:  # fmt: skip
        if settings:
            ws.send(json.dumps({"type": "settings", "settings": settings}))
        ws.send(json.dumps({"type": "play"}))
        seen = 0
        while seen < views:
            m = json.loads(ws.recv(timeout=30))
            if m["type"] == "view":
                seen += 1
                ws.send(json.dumps({"type": "drawn"}))


@pytest.mark.slow
def test_300_tabs_opened_and_closed_leave_the_servers_memory_where_it_was():
    """Must hold: 300 tabs opened, played and closed, four at a time (every thirtieth with
    the largest network the page allows, on 2,000 samples and every feature), leave the
    server's resident memory within 100 MB of where it was when it started."""
    from concurrent.futures import ThreadPoolExecutor

    big = {"hidden": [MAX_NEURONS] * 6, "n_samples": 2000, "features": list(FEATURES)}
    server, url = _serve()
    try:
        start = _rss_mb(server.pid)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: _tab(url, big, 2) if i % 30 == 0 else _tab(url, None, 1),
                          range(300)))  # fmt: skip
        time.sleep(1.0)  # the last sessions' threads end at their next mini-batch
        end = _rss_mb(server.pid)
        assert end - start < 100, f"{start:.0f} MB at the start, {end:.0f} MB after 300 tabs"
    finally:
        _stop(server)


def test_a_closed_tabs_session_is_freed():
    """Once its socket closes, nothing holds a tab's session: no object, no thread."""
    import gc
    import threading

    from backproplab.serve.session import Session

    client = _client()
    for _ in range(5):
        with client.websocket_connect("/ws", headers=ORIGIN) as ws:
            _until(ws, "view")
            ws.send_text(json.dumps({"type": "play"}))
            _until(ws, "view")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        gc.collect()
        sessions = [o for o in gc.get_objects() if type(o) is Session]
        threads = [t for t in threading.enumerate() if t.name == "backproplab-session"]
        if not sessions and not threads:
            break
        time.sleep(0.05)
    assert not sessions and not threads


def test_the_request_deadline_is_10_seconds_unless_the_server_is_told_otherwise():
    """The deadline the next test measures at 4 s (``--request-timeout``, so that it
    waits less) is 10 s by default."""
    pytest.importorskip("uvicorn")
    from backproplab import serve
    from backproplab.serve.deadline import REQUEST_TIMEOUT, DeadlineProtocol

    assert REQUEST_TIMEOUT == 10
    with serve.open_socket("127.0.0.1", 0) as sock:
        protocol = serve.make_server(sock, "127.0.0.1").config.http
        assert protocol is DeadlineProtocol and protocol.timeout == REQUEST_TIMEOUT
        protocol = serve.make_server(sock, "127.0.0.1", request_timeout=4).config.http
        assert issubclass(protocol, DeadlineProtocol) and protocol.timeout == 4
        assert DeadlineProtocol.timeout == REQUEST_TIMEOUT  # the default left as it was
        with pytest.raises(ValueError, match="positive number of seconds"):
            serve.make_server(sock, "127.0.0.1", request_timeout=0)


@pytest.mark.slow
def test_a_half_sent_request_is_dropped_within_30_seconds():
    """Half a request's headers, then one byte a second: the server closes the connection
    at its deadline (``--request-timeout``: 4 s here, 10 s by default, see above), and
    serves others meanwhile."""
    REQUEST_TIMEOUT = 4.0

    server, url = _serve("--request-timeout", str(REQUEST_TIMEOUT))
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    try:
        half = socket.create_connection(("127.0.0.1", port), timeout=40)
        trickle = socket.create_connection(("127.0.0.1", port), timeout=40)
        started = time.monotonic()
        half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        trickle.sendall(b"GET / HTTP/1.1\r\n")
        closed, served = {}, False
        while len(closed) < 2 and time.monotonic() - started < 40:
            for name, sock in (("half", half), ("trickle", trickle)):
                if name in closed:
                    continue
                sock.settimeout(0.5)
                try:
                    if sock.recv(1024) == b"":
                        closed[name] = time.monotonic() - started
                except TimeoutError:
                    pass
                except ConnectionResetError:
                    closed[name] = time.monotonic() - started
            if "trickle" not in closed:
                try:
                    trickle.sendall(b"X")  # a byte of a header line, again and again
                except OSError:
                    closed["trickle"] = time.monotonic() - started
            if not served and time.monotonic() - started > 2:  # others are served meanwhile
                with socket.create_connection(("127.0.0.1", port), timeout=10) as other:
                    other.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                  "Connection: close\r\n\r\n".encode())  # fmt: skip
                    assert other.recv(64).startswith(b"HTTP/1.1 200")
                served = True
        assert served and set(closed) == {"half", "trickle"}, closed
        assert all(REQUEST_TIMEOUT - 1 < t < 30 for t in closed.values()), closed
        half.close()
        trickle.close()
    finally:
        _stop(server)
