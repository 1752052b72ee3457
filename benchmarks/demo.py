"""How fast the main job is: ``backproplab demo`` wall time, the report's size, the time
until the report is interactive in Chromium, and how fast scrubbing redraws it.

Run from the checkout (needs the ``browser`` extra and Debian's chromium for the page
figures)::

    .venv/bin/python benchmarks/demo.py [--repeats 3] [--chromium /usr/bin/chromium]

Prints a Markdown table (the performance page's figures come from it). Not a test: the numbers
depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRUB = """async () => {
  const n = BPL.meta.step.length, frame = () => new Promise(r => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  for (let k = 0; k < 2 * n; k++) { BPL.setTime(k % n); await frame(); }
  return 2 * n / ((performance.now() - t0) / 1000);
}"""


def demo_wall(out: Path) -> float:
    """Seconds for one ``backproplab demo`` in a fresh process (import to exit)."""
    exe = Path(sys.executable).with_name("backproplab")
    start = time.perf_counter()
    subprocess.run([str(exe), "demo", "--out", str(out), "--quiet"], check=True)
    return time.perf_counter() - start


def page_figures(page_path: Path, chromium: str, repeats: int) -> tuple[list[float], list[float]]:
    """``(ready, fps)``: ms from navigation start until every panel is drawn, and redraws
    per second while the slider sweeps every snapshot twice."""
    from playwright.sync_api import sync_playwright

    ready, fps = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.goto(page_path.as_uri())
            page.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
            ready.append(page.evaluate("BPL.readyAt"))
            fps.append(page.evaluate(SCRUB))
            page.close()
        browser.close()
    return ready, fps


def row(label: str, values: list[float], fmt: str) -> tuple[str, str, str]:
    """A table row: the label, the median and every run."""
    runs = ", ".join(format(v, fmt) for v in values)
    return label, format(statistics.median(values), fmt), runs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo"
        walls = [demo_wall(out) for _ in range(args.repeats)]
        rows = [row("`backproplab demo` wall time (s)", walls, ".1f")]
        for name in ("report.html", "hidden.html", "hidden.gif", "run.npz"):
            rows.append((f"{name} size (MB)", f"{(out / name).stat().st_size / 1e6:.2f}", ""))
        if Path(args.chromium).exists():
            ready, fps = page_figures(out / "report.html", args.chromium, args.repeats)
            rows.append(row("report.html interactive after (ms from navigation)", ready, ".0f"))
            rows.append(row("scrubbing report.html: redraws of every panel per second", fps, ".0f"))
            _, fps = page_figures(out / "hidden.html", args.chromium, args.repeats)
            rows.append(row("scrubbing hidden.html: redraws per second", fps, ".0f"))
    print(f"load average when the runs began: {load:.1f} ({os.cpu_count()} cores)\n")
    print("| measure | median | runs |\n|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
