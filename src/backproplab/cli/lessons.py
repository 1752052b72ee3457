"""``backproplab demo slowdown`` and ``backproplab demo vanishing``: the two lessons of
:mod:`backproplab.lessons`, each written into a folder as a figure and a short summary.

- :func:`run_slowdown` writes ``slowdown.png`` and ``slowdown.txt``: one sigmoid neuron
  trained with the quadratic cost and with cross-entropy, from a saturated and an
  unsaturated start;
- :func:`run_vanishing` writes ``vanishing.png`` and ``vanishing.txt``: a deep narrow
  network's gradient norm per layer for three activation/initialisation settings.

Both take the folder to write into and ``quiet`` (print nothing but errors), write every
file atomically and return exit code 0. :func:`cmd_lesson` runs one under the output
policy of ``train`` (:mod:`.output`): the folder is checked before any work, the files are
written into a staging folder and moved into place together, Ctrl-C exits 130.
"""

from __future__ import annotations

from pathlib import Path

from .output import Printer, sigint_guard, staged_run


def _save_figure(fig, path: Path) -> None:
    from ..formats.files import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100)


def _write(out: Path, name: str, fig, summary: str, quiet: bool) -> int:
    from ..formats.files import atomic_write_text

    _save_figure(fig, out / f"{name}.png")
    atomic_write_text(out / f"{name}.txt", summary + "\n")
    Printer(quiet)(summary)
    return 0


def run_slowdown(out: Path, quiet: bool = False) -> int:
    """Train the neuron with both costs from Nielsen's two starts — saturated (w = b = 2)
    and not (w = 0.6, b = 0.9), x = 1, y = 0, η = 0.15, 300 epochs — and write
    ``out/slowdown.png`` (the two side by side) and ``out/slowdown.txt`` (``out`` must be
    a writable folder)."""
    from ..lessons import slowdown_starts
    from ..viz.lessons import plot_slowdown

    starts = slowdown_starts()
    summary = "\n\n".join(s.summary() for s in starts)
    return _write(Path(out), "slowdown", plot_slowdown(*starts), summary, quiet)


def run_vanishing(out: Path, quiet: bool = False) -> int:
    """Train [64, 30, 30, 30, 30, 30, 10] on 1000 standardised digits for 4 epochs in the
    three settings (sigmoid N(0, 1), sigmoid N(0, 1/n_in), ReLU He) and write
    ``out/vanishing.png`` and ``out/vanishing.txt``. A few seconds on two cores."""
    from ..lessons import vanishing_gradients
    from ..viz.lessons import plot_vanishing

    Printer(quiet)("training [64, 30, 30, 30, 30, 30, 10] three ways on the digits ...")
    result = vanishing_gradients()
    return _write(Path(out), "vanishing", plot_vanishing(result), result.summary(), quiet)


LESSONS = {
    "slowdown": (run_slowdown, ("slowdown.png", "slowdown.txt")),
    "vanishing": (run_vanishing, ("vanishing.png", "vanishing.txt")),
}


def cmd_lesson(name: str, out: Path, *, quiet: bool = False, force: bool = False) -> int:
    """Run lesson ``name`` into ``out`` under the output policy of ``train``."""
    run, names = LESSONS[name]
    with (
        sigint_guard() as interrupts,
        staged_run(
            out, command=f"demo {name}", names=names, force=force, interrupts=interrupts
        ) as stage,
    ):
        run(stage.path, quiet)
    Printer(quiet)(f"wrote {out}/: {' '.join(stage.written)}")
    return 0
