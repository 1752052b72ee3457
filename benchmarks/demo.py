"""How fast the main job is: ``backproplab demo`` wall time and what it writes, side by side
with another version of the project (by default the branch ``main``) in the same run, then
the time until the report is interactive in Chromium and how fast scrubbing redraws it.

Run from the checkout (needs the test tools for the page figures, and Debian's chromium)::

    .venv/bin/python benchmarks/demo.py [--repeats 5] [--baseline main] [--chromium PATH]

The two versions run alternately in fresh processes of the same interpreter, each from
its own source tree (the baseline's is extracted with ``git archive``), so that a busy
machine slows both alike; the table gives each one's median and every run, and the median
of the per-round ratios. Prints Markdown (the README's figures come from it). Not a test:
the numbers depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRUB = """async () => {
  const slider = document.querySelector('[data-testid=time-slider]'), n = Number(slider.max) + 1;
  const frame = () => new Promise(r => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  for (let k = 0; k < 2 * n; k++) {
    slider.value = String(k % n);
    slider.dispatchEvent(new Event("input"));
    await frame();
  }
  return 2 * n / ((performance.now() - t0) / 1000);
}"""


ROOT = Path(__file__).resolve().parent.parent


def extract(ref: str, into: Path) -> Path:
    """The source tree of git revision ``ref`` of this checkout, under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def demo_wall(src: Path, out: Path) -> tuple[float, float]:
    """``(wall, cpu)`` seconds of one ``backproplab demo`` of the package in ``src``, in a
    fresh process (interpreter start to exit); ``cpu`` is user + system time of the
    process and its children (the GIF's second drawer), which a busy machine inflates
    less than the wall time."""
    env = dict(os.environ, PYTHONPATH=str(src))
    code = "import sys; from backproplab.cli import main; sys.exit(main())"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, "demo", "--out", str(out), "--quiet", "--force"],
                   check=True, env=env)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def written(out: Path) -> tuple[float, str]:
    """``(megabytes, names)`` of the files a run left in ``out``."""
    files = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    return sum(p.stat().st_size for p in files) / 1e6, " ".join(p.name for p in files)


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
            ready.append(page.evaluate("performance.getEntriesByName('bpl-ready')[0].startTime"))
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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "baseline").mkdir()
        sources = {args.baseline: extract(args.baseline, tmp / "baseline"), "this": ROOT / "src"}
        walls = {name: [] for name in sources}
        cpus = {name: [] for name in sources}
        for k in range(args.repeats):  # alternate, and alternate who goes first
            order = list(sources) if k % 2 == 0 else list(sources)[::-1]
            for name in order:
                wall, cpu = demo_wall(sources[name], tmp / name)
                walls[name].append(wall)
                cpus[name].append(cpu)
        rows = []
        for what, times in (("wall", walls), ("CPU", cpus)):
            for n in sources:
                rows.append(row(f"`backproplab demo` {what} time (s), {n}", times[n], ".2f"))
            ratios = [t / b for t, b in zip(times["this"], times[args.baseline])]
            rows.append(row(f"{what} ratio this / {args.baseline} (per round)", ratios, ".2f"))
        for name in sources:
            mb, names = written(tmp / name)
            rows.append((f"written by {name} (MB)", f"{mb:.2f}", names))
        out = tmp / "this"
        rows.append(("report.html (MB)", f"{(out / 'report.html').stat().st_size / 1e6:.2f}", ""))
        if Path(args.chromium).exists():
            ready, fps = page_figures(out / "report.html", args.chromium, 3)
            rows.append(row("report.html interactive after (ms from navigation)", ready, ".0f"))
            rows.append(row("scrubbing report.html: redraws of every panel per second", fps, ".0f"))
    print(f"load average when the runs began: {load:.1f} ({os.cpu_count()} cores)\n")
    print("| measure | median | runs |\n|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
