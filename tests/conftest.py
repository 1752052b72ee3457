import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_circles

sys.path.insert(0, str(Path(__file__).parent))

from optional import CHROMIUM, need  # noqa: E402  (the path above first)


@pytest.fixture(scope="session")
def circles():
    """The notebook's data: make_circles(1000, factor=0.3, noise=0.1), unshuffled."""
    X, y = make_circles(n_samples=1000, shuffle=False, factor=0.3, noise=0.1, random_state=0)
    return X, y.astype(float)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def pytest_collection_modifyitems(items):
    """Browser tests and end-to-end command-line runs are slow: ``make quick`` skips them."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("end_to_end"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, driven by playwright (the ``browser`` extra)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("playwright is not installed (make test installs it)")
    need(None if Path(CHROMIUM).exists() else f"no chromium at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
