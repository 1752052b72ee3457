"""How fast the playground (``backproplab serve``) draws and trains.

    python -m benchmarks.serve [--seconds S] [--rounds N] [--browser] [--smoke]

The issue's setting: [2, 8, 8, 1] (tanh, sigmoid output, cross-entropy) on 500 circles (70 %
for training), batch 10, η = 0.1, 50 × 50 heatmaps and the 3-D hidden view. The server is
``backproplab serve --no-browser`` in a process of its own, as a user starts it; a
WebSocket client (the ``websockets`` package, as a page would) presses play and reads
views for S seconds, at the page's full speed (the ``speed`` setting; its default plays
slowly enough to watch). Reported:

- **views per second**: the view messages (every panel's arrays) the server sent to a
  client in another process that answers each at once (the server sends one view at a
  time: the next after the page says it drew the last);
- **training speed**: mini-batch steps per second while it streams, against
  ``Network.train`` alone on the same data and settings, timed in between (rounds
  interleaved; medians);
- with ``--browser``: the views per second Debian's chromium actually drew (the page's
  ``data-views``),
  and the training speed meanwhile (the steps the views reported), against ``Network.train``
  alone timed before each round with the page paused (the same number of rounds; medians):
  on 2 cores the browser's drawing and the training share them. The page is read only
  before and after a round: while it runs, playwright stays idle (it would otherwise
  decode an event with every view's frame).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time

import numpy as np

from backproplab.serve import lab
from backproplab.serve.settings import PlaygroundSettings


def start_server() -> tuple[subprocess.Popen, str]:
    """``backproplab serve`` in a process of its own, and the URL it printed."""
    server = subprocess.Popen(
        [sys.executable, "-m", "backproplab", "serve", "--no-browser"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    for line in server.stdout:
        found = re.search(r"http://\S+", line)
        if found:
            return server, found.group(0)
    raise RuntimeError(f"backproplab serve printed no URL (exit code {server.wait()})")


def reference_steps_per_second(seconds: float) -> float:
    """``Network.train`` alone, on the playground's data and settings."""
    s = PlaygroundSettings()
    data = lab.make_data(s)
    phi = lab.lift(lab.features_for(s, 2))
    X = phi(data.X[: data.n_train].T).T
    Y = lab.targets(s, data.y[: data.n_train], len(data.classes))
    net = lab.build_network(s, X.shape[1], len(data.classes))
    steps_per_epoch = -(-len(X) // s.batch_size)
    epochs, elapsed = 1, 0.0
    while elapsed < seconds:  # grow until the timing is long enough
        t0 = time.perf_counter()
        net.train(X, Y, epochs=epochs, batch_size=s.batch_size, eta=s.eta, seed=0)
        elapsed = time.perf_counter() - t0
        if elapsed < seconds:
            epochs *= 2
    return epochs * steps_per_epoch / elapsed


def live_round(url: str, seconds: float) -> tuple[float, float]:
    """``(views per second, steps per second)`` streamed to one WebSocket client."""
    from websockets.sync.client import connect

    ws_url = url.replace("http://", "ws://") + "ws"
    origin = url.rstrip("/")
    with connect(ws_url, origin=origin, max_size=None) as ws:
        while json.loads(ws.recv())["type"] != "view":
            pass
        ws.send(json.dumps({"type": "drawn"}))
        full = PlaygroundSettings(speed="full").to_dict()
        ws.send(json.dumps({"type": "settings", "settings": full}))
        ws.send(json.dumps({"type": "play"}))
        views, first, last = 0, None, None
        t_end = time.perf_counter() + seconds
        while time.perf_counter() < t_end:
            m = json.loads(ws.recv())
            if m["type"] != "view":
                continue
            ws.send(json.dumps({"type": "drawn"}))  # as the page does
            now = time.perf_counter()
            if first is None:
                first = (now, m["status"]["steps"])
            last = (now, m["status"]["steps"])
            views += 1
        ws.send(json.dumps({"type": "pause"}))
    span = last[0] - first[0]
    return (views - 1) / span, (last[1] - first[1]) / span


STOPPED = "document.querySelector('[data-testid=play]').getAttribute('aria-pressed') === 'false'"
COUNTS = (
    "[Number(document.body.dataset.views),"
    " Number(document.querySelector('[data-testid=steps]').textContent), performance.now()]"
)


def browser_views(url: str, seconds: float, rounds: int) -> tuple[list[float], list[float]]:
    """Views per second that Debian's chromium drew (the page's own counter), and the
    session's training speed meanwhile (the steps its views reported) as a share of
    ``Network.train`` alone, timed before each round with the page paused."""
    from playwright.sync_api import sync_playwright

    drawn, kept = [], []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_function("document.body.dataset.ready === 'true'", timeout=30_000)
        page.get_by_test_id("speed").select_option("full")
        page.wait_for_function("location.search.includes('speed=full')", timeout=30_000)
        for _ in range(rounds):
            page.get_by_test_id("pause").click()
            page.wait_for_function(STOPPED, timeout=30_000)
            alone = reference_steps_per_second(min(seconds, 2.0))
            page.get_by_test_id("play").click()
            page.wait_for_timeout(1000)
            v0, s0, t0 = page.evaluate(COUNTS)
            time.sleep(seconds)  # (playwright idle: no event decoded meanwhile)
            v1, s1, t1 = page.evaluate(COUNTS)
            span = (t1 - t0) / 1000
            drawn.append((v1 - v0) / span)
            kept.append((s1 - s0) / span / alone)
        page.get_by_test_id("pause").click()
        b.close()
    return drawn, kept


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of a live round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time drawing in chromium")
    parser.add_argument("--smoke", action="store_true", help="one short round, no claims")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.rounds = 1.0, 1
    server, url = start_server()
    views, live, alone = [], [], []
    try:
        for _ in range(args.rounds):
            alone.append(reference_steps_per_second(min(args.seconds, 2.0)))
            v, s = live_round(url, args.seconds)
            views.append(v)
            live.append(s)
        if args.browser:
            drawn, kept = browser_views(url, args.seconds, args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    v, s, a = (statistics.median(x) for x in (views, live, alone))
    print("backproplab serve: [2, 8, 8, 1] on circles, batch 10, 50x50 heatmaps, 3-D view")
    print(f"  views sent per second          {v:8.1f}")
    if args.browser:
        print(f"  views drawn per second (chromium) {statistics.median(drawn):5.1f}")
        print(f"  training speed kept meanwhile  {statistics.median(kept):8.0%}")
        print(f"  (chromium rounds: {np.round(drawn, 1).tolist()} views/s, "
              f"{np.round(kept, 2).tolist()} kept)")  # fmt: skip
    print(f"  steps/s while streaming        {s:8.0f}")
    print(f"  steps/s, Network.train alone   {a:8.0f}")
    print(f"  training speed kept            {s / a:8.0%}")
    print(f"  (rounds: {args.rounds} of {args.seconds:g} s; medians; "
          f"{np.round(np.array(live) / np.array(alone), 2).tolist()})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
