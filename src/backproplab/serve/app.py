"""The playground's web application: one page, its assets, and a WebSocket per tab.

Starlette routes:

- ``/``: the page (``web/playground.html`` with the panels' sections, the settings'
  schema and the panels' list filled in);
- ``/assets/{name}``: a file from a fixed table (the style sheets, plotly.js from the
  ``plotly`` package); any other name is 404, and a name is never joined to a path;
- ``/modules/{path}``: an ES module of the package, from a fixed table: the page's entry
  module and every module it or a panel imports (:func:`backproplab.viz.page.module_closure`);
  any other path is 404;
- ``/ws``: the tab's :class:`~.session.Session`.

Security: a request whose Host header is not one of ``allowed_hosts`` gets 400 (Starlette's
``TrustedHostMiddleware``, against DNS rebinding); a WebSocket whose Origin is not the
page's own (the same host and port) is refused before it is accepted; views go one at a
time (the page answers ``drawn``; the next is computed while the page draws, and no other
until it is sent), so a slow page is sent fewer, newer views; every message is size-limited
and checked, and a bad one is answered with an ``error`` message while the session goes
on; a tab that sends more than :data:`MAX_BAD_MESSAGES` bad messages within
:data:`BAD_WINDOW` seconds is disconnected, and other tabs never notice.

Bounds: at most :data:`MAX_TABS` tabs at once (one more is told the playground is full,
and its socket closed with 1013; the page itself answers 503 then); a message's numbers
must be finite (JSON's ``Infinity``, ``NaN``, ``1e400`` or a whole number of more than
:data:`MAX_INT_DIGITS` digits is a clear error, as any bad message is); a tab's session
ends with its socket, and nothing then holds it. The server drops a connection whose
request has not arrived whole within :data:`~.deadline.REQUEST_TIMEOUT` seconds
(:mod:`.deadline`).
"""

from __future__ import annotations

import asyncio
import html
import json
import math
import time
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..viz import page
from ..viz.template import fill
from . import settings as limits
from .outbox import Outbox, ViewSlot
from .session import MESSAGE_TYPES, Session
from .views import view_text

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
PAGE_FILES = ("playground.css",)
ENTRY = "serve/web/playground.js"  # the page's entry module, a path in the package
# The page's own controls in the panels' sections (the panels' own come with them).
PANEL_CONTROLS = {
    "hidden-space": "hidden-controls.html",
    "network-diagram": "network-controls.html",
    "loss-curve": "loss-controls.html",
    "input-space": "draw-controls.html",
}
MAX_TABS = 32  # tabs served at once; one more gets a message saying the playground is full
MAX_BAD_MESSAGES = 50
BAD_WINDOW = 10.0
MAX_INT_DIGITS = 18  # a message's whole numbers (larger ones overflow a float's range checks)
VIEW_ACK_TIMEOUT = 1.0  # seconds a view waits for the page to say it drew the one before

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
            "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-eval'; "
            "connect-src 'self'; frame-ancestors 'none'"}  # fmt: skip


@cache
def asset(name: str) -> bytes | None:
    """The bytes of asset ``name`` from the fixed table, or None."""
    if name == "plotly.min.js":
        from plotly.offline import get_plotlyjs

        return get_plotlyjs().encode("utf-8")
    if name == "style.css":
        return resources.files("backproplab.viz").joinpath("web", name).read_bytes()
    if name in PAGE_FILES:
        return resources.files(__package__).joinpath("web", name).read_bytes()
    return None


def modules() -> tuple[str, ...]:
    """The package paths of the modules the page may load: the allow-list of /modules/."""
    return page.module_closure((ENTRY, *page.panel_modules()))


def _web(name: str) -> str:
    return resources.files(__package__).joinpath("web", name).read_text("utf-8")


def _json_script(id_: str, value) -> str:
    text = json.dumps(value, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="{id_}">{text}</script>'


def page_html() -> str:
    """The page: the panels' sections, the settings' schema (read now: an activation
    registered since counts) and the panels' modules."""
    controls = {id_: _web(name) for id_, name in PANEL_CONTROLS.items()}
    panels = page.panel_list("/modules/")
    scripts = "\n".join(
        [
            _json_script("bpl-schema", limits.schema()),
            f'<script type="application/json" id="bpl-panels">{panels}</script>',
            '<script src="/assets/plotly.min.js"></script>',
            f'<script type="module" src="/modules/{ENTRY}"></script>',
        ]
    )
    values = {"PANELS": page.panel_sections(None, controls), "SCRIPTS": scripts}
    body = fill(_web("playground.html"), values)
    head = (
        '<link rel="stylesheet" href="/assets/style.css">\n'
        '<link rel="stylesheet" href="/assets/playground.css">'
    )
    return page.document("backproplab playground", head, body)


async def index(request) -> Response:
    tabs = request.app.state.tabs
    if tabs.full():
        text = (
            f"<!doctype html><title>backproplab playground</title><p>{html.escape(tabs.message())}"
        )
        return HTMLResponse(text, status_code=503, headers=_HEADERS)
    return HTMLResponse(page_html(), headers=_HEADERS)


async def serve_module(request) -> Response:
    path = request.path_params["path"]
    if path not in modules():  # a fixed table: the path is compared, never opened as given
        return PlainTextResponse("not found", status_code=404)
    raw = page.module_text(path).encode("utf-8")
    return Response(raw, media_type=_TYPES[".js"], headers=_HEADERS)


async def serve_asset(request) -> Response:
    name = request.path_params["name"]
    raw = asset(name)
    if raw is None:
        return PlainTextResponse("not found", status_code=404)
    kind = _TYPES[name[name.rindex(".") :]]
    return Response(raw, media_type=kind, headers=_HEADERS)


def same_origin(websocket: WebSocket) -> bool:
    """Whether the WebSocket's Origin is the page's own: http(s), the same host and port."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


class _NotFinite(ValueError):
    """A number in a message that no setting can hold (json.loads wraps nothing)."""


def _no_constant(name: str):
    raise _NotFinite(f"a message held {name}: numbers must be finite")


def _finite_float(text: str) -> float:
    x = float(text)
    if not math.isfinite(x):
        raise _NotFinite(
            f"a message held the number {text[:40]}, too large: numbers must be finite"
        )
    return x


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _NotFinite(f"a message held a whole number of more than {MAX_INT_DIGITS} digits")
    return int(text)


def check_message(text) -> dict:
    """A page's message as a dict with a known ``type``; ValueError otherwise."""
    if text is None:
        raise ValueError("messages must be JSON text, not binary frames")
    if len(text) > limits.MAX_MESSAGE_BYTES:
        raise ValueError(
            f"message of {len(text):,} characters refused: at most {limits.MAX_MESSAGE_BYTES:,}"
        )
    try:
        message = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float,
                             parse_int=_bounded_int)  # fmt: skip
    except _NotFinite as exc:
        raise ValueError(str(exc)) from None
    except (ValueError, RecursionError):
        raise ValueError("a message was not valid JSON") from None
    if not isinstance(message, dict) or message.get("type") not in (*MESSAGE_TYPES, "drawn"):
        kind = message.get("type") if isinstance(message, dict) else None
        raise ValueError(f"unknown message type {str(kind)[:40]!r}")
    return message


class Tabs:
    """The open tabs of one application, at most ``limit`` (each holds a session: a thread,
    its data and its network)."""

    def __init__(self, limit: int):
        self.limit, self.open = limit, 0

    def full(self) -> bool:
        return self.open >= self.limit

    def message(self) -> str:
        return (f"the playground is full: {self.open} tabs are open, at most {self.limit}; "
                "close one and reload this page")  # fmt: skip


async def playground_socket(websocket: WebSocket) -> None:
    """One tab, if the application has room for it (else a message, and close 1013)."""
    if not same_origin(websocket):
        await websocket.close(code=1008)  # refused before accept: the handshake fails
        return
    tabs = websocket.app.state.tabs
    await websocket.accept()
    if tabs.full():
        await websocket.send_text(json.dumps({"type": "error", "message": tabs.message()}))
        await websocket.close(code=1013)  # "try again later"
        return
    tabs.open += 1
    try:
        await _tab(websocket)
    finally:
        tabs.open -= 1


async def _tab(websocket: WebSocket) -> None:
    """One tab: its session's messages and views out, the page's messages in."""
    loop = asyncio.get_running_loop()
    outbox, views = Outbox(loop), ViewSlot(loop)
    drawn = asyncio.Event()  # the page drew the last view: the next may go
    drawn.set()
    last_version = None  # of the last view computed
    put_fresh = False  # the last view put in the slot was fresh

    def publish(moment) -> None:
        """On the session's thread, between two mini-batches: the view is computed there,
        not in a thread of its own, which would contend with training for the GIL and
        slow it more than the computation itself does."""
        nonlocal last_version, put_fresh
        # fresh: a new version (the page also compares versions), or it replaces a fresh
        # view that has not gone out yet (at worst, one taken meanwhile: a spare rebuild)
        fresh = moment.version != last_version or (put_fresh and not views.empty())
        last_version = moment.version
        try:
            text = view_text(moment, fresh)
        except Exception as exc:  # drawing failed: say so, keep serving
            outbox.emit({"type": "error", "message": f"could not draw: {exc}"})
        else:
            views.put(text, after=outbox.emitted)
            put_fresh = fresh

    async def send_messages() -> None:
        await outbox.send_all(websocket.send_text)

    async def send_views() -> None:
        while True:
            try:  # one view in flight: a slow page gets fewer, newer views
                async with asyncio.timeout(VIEW_ACK_TIMEOUT):  # (3.11's wait_for could
                    await drawn.wait()  # swallow the cancel of a closing tab)
            except TimeoutError:
                pass
            text, after = await views.take()
            await outbox.sent(after)  # the messages emitted before it go first
            drawn.clear()
            await websocket.send_text(text)

    async def quietly(sender) -> None:
        try:
            await sender()
        except (WebSocketDisconnect, RuntimeError):  # the tab closed while a message went
            pass  # (Starlette's "cannot send once closed" is a RuntimeError)

    hello = {"type": "hello", "settings": limits.PlaygroundSettings().to_dict()}
    await websocket.send_text(json.dumps(hello))  # first: the session's messages come after
    session = Session(outbox.emit, publish, ready=views.empty)
    senders = [asyncio.create_task(quietly(fn)) for fn in (send_messages, send_views)]
    session.start()
    bad: list[float] = []
    try:
        while True:
            event = await websocket.receive()
            if event["type"] == "websocket.disconnect":
                break
            try:
                message = check_message(event.get("text"))
                if message["type"] == "drawn":
                    drawn.set()
                    continue
                session.submit(message)
            except ValueError as exc:
                now = time.monotonic()
                bad = [t for t in bad if now - t < BAD_WINDOW] + [now]
                outbox.put({"type": "error", "message": str(exc)})
                if len(bad) > MAX_BAD_MESSAGES:
                    await websocket.close(code=1008)
                    break
    except WebSocketDisconnect:
        pass
    finally:
        session.close()
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)  # gone before the tab is


def create_app(allowed_hosts=LOCAL_HOSTS, max_tabs: int = MAX_TABS) -> Starlette:
    """The application; ``allowed_hosts``: the Host header names it answers; ``max_tabs``:
    the tabs it serves at once."""
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/assets/{name}", serve_asset),
            Route("/modules/{path:path}", serve_module),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
            WebSocketRoute("/ws", playground_socket),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))],
    )
    app.state.tabs = Tabs(max_tabs)
    return app
