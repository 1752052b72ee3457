"""``backproplab demo slowdown`` and ``backproplab demo vanishing``: the two lessons of
:mod:`backproplab.lessons`, each written into a folder as a figure and a short summary.

- :func:`run_slowdown` writes ``slowdown.png`` and ``slowdown.txt``: one saturated sigmoid
  neuron trained with the quadratic cost and with cross-entropy;
- :func:`run_vanishing` writes ``vanishing.png`` and ``vanishing.txt``: a deep narrow
  network's gradient norm per layer for three activation/initialisation settings.

Both take the output folder and ``quiet`` (print nothing but errors), check that the folder
is writable before computing anything, write every file atomically and return exit code 0.
"""

from __future__ import annotations

import os
from pathlib import Path


def _writable_folder(out: Path) -> Path:
    """Create ``out`` if needed and prove it writable (ValueError naming it if not)."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ValueError(f"--out {out} is not a writable folder ({exc.strerror or exc})") from None
    return out


def _save_figure(fig, path: Path) -> None:
    from ..io import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100)


def _write(out: Path, name: str, fig, summary: str, quiet: bool) -> int:
    from ..io import atomic_write_text

    _save_figure(fig, out / f"{name}.png")
    atomic_write_text(out / f"{name}.txt", summary + "\n")
    if not quiet:
        print(summary)
        print(f"wrote {out}/: {name}.png {name}.txt")
    return 0


def run_slowdown(out: Path, quiet: bool = False) -> int:
    """Train the saturated neuron with both costs (Nielsen's start: w = b = 2, x = 1,
    y = 0, η = 0.15, 300 epochs) and write ``out/slowdown.png`` and ``out/slowdown.txt``."""
    from ..lessons import learning_slowdown
    from ..viz.lessons import plot_slowdown

    out = _writable_folder(out)
    result = learning_slowdown()
    return _write(out, "slowdown", plot_slowdown(result), result.summary(), quiet)


def run_vanishing(out: Path, quiet: bool = False) -> int:
    """Train [64, 30, 30, 30, 30, 30, 10] on 1000 standardised digits for 4 epochs in the
    three settings (sigmoid N(0, 1), sigmoid N(0, 1/n_in), ReLU He) and write
    ``out/vanishing.png`` and ``out/vanishing.txt``. A few seconds on two cores."""
    from ..lessons import vanishing_gradients
    from ..viz.lessons import plot_vanishing

    out = _writable_folder(out)
    if not quiet:
        print("training [64, 30, 30, 30, 30, 30, 10] three ways on the digits ...")
    result = vanishing_gradients()
    return _write(out, "vanishing", plot_vanishing(result), result.summary(), quiet)
