"""``backproplab serve``: a live playground in the browser, driven by the real engine.

The page only draws: each tab has a :class:`~.session.Session` whose thread trains a
:class:`~backproplab.network.Network` with ``Network.train`` and streams the panels of the
interactive report (:mod:`backproplab.viz.page`) as they change, over a WebSocket
(:mod:`.app`). Runs on Starlette, uvicorn and websockets, default dependencies.

- :mod:`.settings`: the one schema of the page's settings (the page builds its controls
  from it) and its checks; :mod:`.lab`: from settings to data, features, network and Run;
- :mod:`.session`: one tab's training thread; :mod:`.journal`: what it did to its network,
  for the exports to replay; :mod:`.curves`: its loss curves, in bounded memory;
- :mod:`.views`: a moment as the message the page draws; :mod:`.outbox`: the newest view
  waiting for a slow page; :mod:`.confusion`: the confusion matrices;
- :mod:`.probes`: gradient check and nudge; :mod:`.stepper`: one sample's backward pass,
  an equation at a time; :mod:`.exports`: model, report and script, made in memory;
- :mod:`.app`: the Starlette app (assets from a fixed table, Host/Origin checks, message
  limits); :mod:`.deadline`: slow clients cut off.

It reads the engine, the checking tools, ``viz`` and ``formats``. Outside it, only the
CLI's ``serve`` command and the script generator (:mod:`backproplab.viz.reproduce`, which
reads the settings' checks and the data rules of :mod:`.lab`) import it.
"""

from __future__ import annotations

import socket
import threading
import webbrowser

LOCAL = ("127.0.0.1", "localhost", "::1")


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: a free port the system picks)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def allowed_hosts(host: str) -> list[str]:
    """The Host header names the server answers: the bound address and localhost; for a
    wildcard address (0.0.0.0, ::) also this machine's name and addresses."""
    names = {host, *LOCAL, "[::1]"}
    if host in ("0.0.0.0", "::"):
        name = socket.gethostname()
        names.add(name)
        try:
            names.update(socket.gethostbyname_ex(name)[2])
        except OSError:
            pass
    return sorted(names)


def make_server(sock: socket.socket, host: str, request_timeout: float | None = None):
    """A uvicorn server for the playground on the listening socket ``sock``; a request
    must arrive whole within ``request_timeout`` seconds (None: deadline.REQUEST_TIMEOUT)."""
    import uvicorn

    from .app import create_app
    from .deadline import REQUEST_TIMEOUT, deadline_protocol
    from .settings import MAX_MESSAGE_BYTES

    config = uvicorn.Config(
        create_app(allowed_hosts(host)), log_level="warning", ws_max_size=MAX_MESSAGE_BYTES,
        http=deadline_protocol(REQUEST_TIMEOUT if request_timeout is None else request_timeout),
        ws="websockets-sansio", lifespan="off",
        ws_per_message_deflate=False,  # 1.5 MB/s of views: compressing costs more than it saves
    )  # fmt: skip
    return uvicorn.Server(config)


def url_of(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


def run(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    browser: bool = True,
    on_ready=None,
    request_timeout: float | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C stops uvicorn cleanly); ``on_ready(url)`` is
    called once the socket listens; ``browser``: open the page then; ``request_timeout``:
    as for :func:`make_server`."""
    sock = open_socket(host, port)
    url = url_of(sock, host)
    server = make_server(sock, host, request_timeout)
    if on_ready is not None:
        on_ready(url)
    if browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
