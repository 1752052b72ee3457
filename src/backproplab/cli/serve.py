"""``backproplab serve``: the live playground in the browser.

Starts a local web server (Starlette + uvicorn, installed with the library; ``make play`` in
the clone), prints its URL and
opens it in the browser; Ctrl-C stops it. It binds 127.0.0.1 unless ``--host`` says
otherwise, and says so loudly when that makes it reachable from other machines.
"""

from __future__ import annotations

import argparse
import sys

from .commands import add_command, option


def cmd_serve(args: argparse.Namespace) -> int:
    from .. import serve

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
    except ImportError as exc:
        print(
            f"backproplab serve: error: {exc.name} is missing; the playground's server comes "
            "with the library's own dependencies: in the clone, run `make play` (or "
            "`.venv/bin/pip install -e .`)",
            file=sys.stderr,
        )
        return 2
    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be between 0 and 65535, got {args.port}")
    timeout = args.request_timeout
    if timeout is not None and not 0 < timeout <= 3600:
        raise ValueError(f"--request-timeout must be between 0 and 3600 seconds, got {timeout:g}")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: --host {args.host} lets other machines on the network reach the "
            "playground (it has no login); use it only on a network you trust",
            file=sys.stderr,
        )

    def ready(url: str) -> None:
        print(f"backproplab playground at {url}  (Ctrl-C stops it)", flush=True)

    try:
        serve.run(
            args.host, args.port, browser=not args.no_browser, on_ready=ready,
            request_timeout=timeout,
        )  # fmt: skip
    except KeyboardInterrupt:
        pass
    print("backproplab serve: stopped", flush=True)
    return 0


def register(sub) -> None:
    """Add ``serve`` to the ``backproplab`` parser."""
    add_command(
        sub,
        "serve",
        cmd_serve,
        help="a live playground in the browser: train and check a network as you watch",
        description=(
            "Start the live playground: a local web page where you change the data, the features,"
            " the layers and the training settings and watch the real engine train, with its "
            "gradients checked on demand."
        ),
        options=[
            option("--port", type=int, default=0, help="port to listen on (0: a free port)"),
            option(
                "--host",
                default="127.0.0.1",
                help="address to bind; anything but localhost warns (no login)",
            ),
            option("--no-browser", action="store_true", help="do not open a browser"),
            option(
                "--request-timeout",
                type=float,
                default=None,
                metavar="SECONDS",
                help="close a connection whose request has not arrived whole within this "
                "many seconds (default: 10)",
            ),
        ],
    )
