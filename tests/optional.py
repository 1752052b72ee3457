"""Optional pieces the tests use: skipped when missing — except in CI, which must run them."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("BACKPROPLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(missing: str | None) -> None:
    """Skip a test for a missing optional piece (``missing`` says what), but fail in CI."""
    if missing is None:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but {missing}")
    pytest.skip(missing)
