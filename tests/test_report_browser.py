"""The report and the animation page in a real headless browser (Debian's chromium).

Needs the ``browser`` extra (playwright) and ``/usr/bin/chromium``; skipped without them,
except under CI (``CI=true``), where ``.ci/run`` installs both and a skip would hide a
failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from backproplab.cli import main

CHROMIUM = os.environ.get("BACKPROPLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"
pytestmark = pytest.mark.browser


def _need(reason_missing: str | None):
    if reason_missing is None:
        return
    if IN_CI:
        pytest.fail(f"CI must run the browser tests, but {reason_missing}")
    pytest.skip(reason_missing)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed (pip install -e '.[browser]')")
    _need(None if Path(CHROMIUM).exists() else f"no chromium at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    argv = ["demo", "--samples", "200", "--epochs", "4", "--frames", "6", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    return out


def _open(browser, path: Path):
    """Open ``path``; return the page and lists of console errors and network requests."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
    )
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, remote


def _slider(page) -> int:
    return int(page.locator("input.anim-slider").input_value())


@pytest.mark.parametrize("name", ["report.html", "hidden.html"])
def test_page_loads_offline_without_errors_and_every_image_renders(browser, run_dir, name):
    page, errors, remote = _open(browser, run_dir / name)
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
    assert len(widths) >= (6 if name == "report.html" else 1)
    assert all(w and w > 0 for w in widths), widths
    assert errors == [] and remote == []
    page.screenshot(path=str(run_dir / f"{name}.png"), full_page=True)
    assert (run_dir / f"{name}.png").stat().st_size > 10_000
    page.close()


def test_animation_controls_step_frames(browser, run_dir):
    page, errors, _ = _open(browser, run_dir / "report.html")
    frame_image = page.locator("img[id^=_anim_img]")
    page.get_by_title("Pause", exact=True).click()
    page.get_by_title("First frame", exact=True).click()
    assert _slider(page) == 0
    first = frame_image.get_attribute("src")
    page.get_by_title("Next frame", exact=True).click()
    page.get_by_title("Next frame", exact=True).click()
    assert _slider(page) == 2
    assert frame_image.get_attribute("src") != first
    page.get_by_title("Previous frame", exact=True).click()
    assert _slider(page) == 1
    page.get_by_title("Last frame", exact=True).click()
    assert _slider(page) == 5  # six frames: 0 to 5
    page.get_by_title("First frame", exact=True).click()
    page.get_by_title("Play", exact=True).click()
    page.wait_for_function("() => document.querySelector('input.anim-slider').value > 0")
    page.get_by_title("Pause", exact=True).click()
    assert errors == []
    page.close()
