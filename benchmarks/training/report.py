"""The report: the measurements as tables (header, workloads, matmul peak, memory, targets),
rendered as plain text or Markdown."""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from backproplab import __version__

from . import contestants
from .contestants import BACKPROPLAB, BATCH_TENSOR, PER_EXAMPLE, PRODUCTS, SKLEARN, TORCH
from .run import Measurements
from .timing import MIN_TIMED_SECONDS
from .workloads import WORKLOADS, epoch_flops


@dataclass
class Table:
    """A titled table of strings, with notes printed under it."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def render_text(tables: Sequence[Table]) -> str:
    """Plain text: each title underlined, columns padded to their widest cell."""
    parts = []
    for t in tables:
        widths = [max(len(r[i]) for r in [t.columns, *t.rows]) for i in range(len(t.columns))]
        lines = [t.title, "=" * len(t.title)]
        for row in [t.columns, *t.rows]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        parts.append("\n".join(lines + t.notes))
    return "\n\n".join(parts) + "\n"


def render_markdown(tables: Sequence[Table]) -> str:
    """Markdown: for each table a heading (the first one's the page title), a pipe table
    and the notes as lines."""
    parts = []
    for i, t in enumerate(tables):
        lines = ["#" * min(i + 1, 2) + f" {t.title}", "", "| " + " | ".join(t.columns) + " |"]
        lines.append("|" + "---|" * len(t.columns))
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in t.rows]
        lines += [""] + [note + "  " for note in t.notes] if t.notes else []
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _versions() -> str:
    import scipy
    import sklearn

    torch = contestants._import_torch()
    torch_text = f"{torch.__version__} ({torch.get_num_threads()} threads)" if torch else "absent"
    return (
        f"python {platform.python_version()}, backproplab {__version__}, numpy "
        f"{np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"torch {torch_text}"
    )


def _blas() -> list[str]:
    """One line per BLAS library loaded (threadpoolctl), and thread settings if any."""
    from threadpoolctl import threadpool_info

    lines = [
        f"{Path(i['filepath']).parent.name}: {i['internal_api']} {i.get('version')} "
        f"({i.get('architecture')}, {i.get('threading_layer')}, {i['num_threads']} threads)"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if var in os.environ:
            lines.append(f"note: {var}={os.environ[var]} is set")
    return lines


def header_table(m: Measurements) -> Table:
    """Where and how the numbers were taken."""
    cores = f"{os.cpu_count()} logical"
    if hasattr(os, "sched_getaffinity"):
        cores += f", {len(os.sched_getaffinity(0))} usable"
    how = f"{m.mode.rounds} timed round(s), interleaved"
    how += ", after 1 warm-up round" if m.mode.warmup else ""
    if m.mode.warmup:
        how += f" (epochs under {MIN_TIMED_SECONDS * 1e3:.0f} ms: several per timing, averaged)"
    if m.mode.max_steps:
        how += f"; at most {m.mode.max_steps} steps timed per epoch, then scaled (†)"
    if m.mode.name == "smoke":
        how += "; SMOKE RUN: it checks that every path runs, its numbers are no measurement"
    rows = [
        ["date", datetime.now().astimezone().isoformat(timespec="seconds")],
        ["mode", f"{m.mode.name}: {how}"],
        ["versions", _versions()],
        ["machine", f"{platform.machine()}, {cores} cores, no GPU used"],
    ]
    rows += [["BLAS", line] for line in _blas()]
    if m.others is not None:
        busy, stolen = m.others
        text = f"{busy:.2f} cores busy with other processes, {stolen:.2f} stolen, on average"
        if busy > 0.1 or stolen > 0.1:
            text += ": THE MACHINE WAS NOT IDLE, the timings are unreliable"
        rows.append(["other load", text])
    rows.append(["ratio", "peer epoch time / backproplab epoch time (> 1: backproplab is faster)"])
    return Table("backproplab training-speed benchmark", ["", ""], rows)


def _note(name: str, n_out: int) -> str:
    torch = contestants._import_torch() if name == TORCH else None
    return {
        BACKPROPLAB: "Network.train(evaluate=False)",
        PER_EXAMPLE: "ladder.train_per_example",
        BATCH_TENSOR: "ladder.batch_tensor + SGD loop",
        SKLEARN: "MLPClassifier.partial_fit; own output layer: "
        + ("logistic" if n_out == 1 else "softmax")
        + " + log-loss",
        TORCH: f"nn.Sequential + optim.SGD, {torch.get_num_threads() if torch else '?'} threads",
        PRODUCTS: "np.dot on the epoch's matrix products only: the floor, not a trainer",
    }[name]


def workload_table(key: str, m: Measurements) -> Table:
    """One workload: each contestant's median epoch time, its ratio to backproplab, notes."""
    w, base = m.workloads[key], m.epoch_seconds(key, BACKPROPLAB)
    rows = []
    for r in m.results[key]:
        if r.skipped:
            rows.append([r.name, "—", "—", f"skipped ({r.skipped})"])
            continue
        scaled = r.steps < r.epoch_steps
        note = (f"† {r.steps} of {r.epoch_steps} steps timed; " if scaled else "") + _note(
            r.name, w.sizes[-1]
        )
        ratio = f"{r.epoch_seconds / base:.2f}" if base else "—"
        rows.append([r.name, f"{r.epoch_seconds:.4g}" + (" †" if scaled else ""), ratio, note])
    flops = epoch_flops(w.sizes, m.samples[key], w.batch_size)
    title = (
        f"{key}: {w.title}, sizes {list(w.sizes)}, batch {w.batch_size}, eta {w.eta}, "
        f"{math.ceil(m.samples[key] / w.batch_size)} steps/epoch"
    )
    notes = [f"exact flops per epoch: {flops / 1e9:.4g} GFLOP"]
    if any("†" in row[1] for row in rows):
        notes.insert(0, "† timed on the first steps of the epoch only, scaled to the whole epoch")
    return Table(title, ["contestant", "median epoch s", "ratio", "notes"], rows, notes)


def peak_table(m: Measurements) -> Table:
    """The matmul peak per dtype and the share of it backproplab reaches on the probe."""
    rows = []
    for dtype, peak in m.peaks.items():
        achieved = m.gflops(f"{m.probe} {dtype}")
        rows.append([dtype, f"{peak:.1f}"] + (["—", "—"] if achieved is None else
                    [f"{achieved:.1f}", f"{100 * achieved / peak:.0f} %"]))  # fmt: skip
    notes = [
        "peak: exact flops of an epoch / the median time of its products alone (np.dot),",
        "timed in the same interleaved rounds as the contestants",
        f"backproplab: exact flops of a {m.probe} epoch / its median epoch time",
    ]
    m_batch = WORKLOADS[m.probe].batch_size
    title = f"Matrix-multiply peak on the products of a {m.probe} epoch (m = {m_batch})"
    return Table(title, ["dtype", "peak GFLOP/s", "backproplab GFLOP/s", "of peak"], rows, notes)


def memory_table(m: Measurements) -> Table:
    """Peak RSS of one backproplab epoch against the budget, per dtype."""
    rows = [
        [
            d,
            f"{v['budget'] / 2**20:.4g}",
            f"{v['peak'] / 2**20:.4g}",
            f"{v['peak'] / v['budget']:.2f}",
        ]
        for d, v in m.memory.items()
    ]
    notes = [
        "budget: X + Y + parameters + one mini-batch's z and a. peak: peak RSS (VmHWM) after "
        "the epoch minus RSS after `import numpy, backproplab`, in a fresh Python process"
    ]
    columns = ["dtype", "budget MiB", "peak increase MiB", "peak / budget"]
    return Table(f"Memory of one backproplab {m.probe} epoch", columns, rows, notes)


@dataclass(frozen=True)
class SpeedTarget:
    """backproplab's epoch time ≤ ``fraction`` × the peer's (``<`` when ``strict``)."""

    key: str
    peer: str
    fraction: float
    strict: bool = False


SPEED_TARGETS = (
    SpeedTarget("W3 float32", TORCH, 0.75),
    SpeedTarget("W3 float32", SKLEARN, 0.65),
    SpeedTarget("W3 float64", TORCH, 1.0, strict=True),
    SpeedTarget("W3 float64", SKLEARN, 1.0, strict=True),
    SpeedTarget("W1 float64", TORCH, 0.15),
    SpeedTarget("W2 float64", SKLEARN, 0.45),
    SpeedTarget("W2 float64", PER_EXAMPLE, 1 / 15),
)
PEAK_TARGET = 0.65  # W3 float32: backproplab reaches ≥ 65 % of the matmul peak
MEMORY_TARGET = 1.5  # W3, both dtypes: peak RSS increase ≤ 1.5 × the budget


def _target_row(label: str, value: float | None, text: str, goal: str, ok) -> list[str]:
    status = "not measured" if value is None else ("met" if ok(value) else "MISSED")
    return [label, "—" if value is None else text.format(value), goal, status]


def targets_table(m: Measurements) -> Table:
    """Each target of the issue with the measured value and met / MISSED."""
    rows = []
    for t in SPEED_TARGETS:
        ours, theirs = m.epoch_seconds(t.key, BACKPROPLAB), m.epoch_seconds(t.key, t.peer)
        ratio = theirs / ours if ours and theirs else None  # time ≤ f × peer ⇔ ratio ≥ 1/f
        goal = "ratio > 1 (ahead)" if t.strict else f"ratio ≥ {1 / t.fraction:.4g}"
        ok = (lambda r, t=t: r > 1) if t.strict else (lambda r, t=t: r * t.fraction >= 1)
        rows.append(_target_row(f"{t.key}: backproplab vs {t.peer}", ratio, "{:.3f}", goal, ok))
    w3 = m.probe == "W3"
    achieved = m.gflops("W3 float32") if w3 and "float32" in m.peaks else None
    share = achieved / m.peaks["float32"] if achieved else None
    rows.append(_target_row("W3 float32: share of the matmul peak", share, "{:.1%}",
                            f"≥ {PEAK_TARGET:.0%}", lambda s: s >= PEAK_TARGET))  # fmt: skip
    for dtype in ("float32", "float64"):
        v = m.memory.get(dtype) if w3 else None
        rows.append(_target_row(f"W3 {dtype}: peak RSS / budget",
                                v["peak"] / v["budget"] if v else None, "{:.2f}",
                                f"≤ {MEMORY_TARGET}", lambda r: r <= MEMORY_TARGET))  # fmt: skip
    notes = []
    if m.mode.name == "smoke":
        rows = [[r[0], "—", r[2], "not evaluated (smoke run)"] for r in rows]
    elif m.mode.max_steps:
        notes.append(
            f"W3 times are scaled from {m.mode.max_steps}-step prefixes (†): costs that grow "
            "with the whole data set are under-counted; take verdicts from a full run"
        )
    return Table("Targets", ["target", "measured", "goal", "status"], rows, notes)


def build_report(m: Measurements) -> list[Table]:
    """The header, one table per workload, the matmul peak, the memory and the targets."""
    tables = [header_table(m)] + [workload_table(key, m) for key in m.results]
    tables += [peak_table(m)] if m.peaks else []
    tables += [memory_table(m)] if m.memory else []
    return tables + [targets_table(m)]
