"""A whole run: the modes (how long to measure), what a run measured, and the run itself."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from .contestants import BACKPROPLAB, CONTESTANTS, PRODUCTS
from .memory import measure_memory
from .timing import Result, run_problem
from .workloads import WORKLOADS, Workload, epoch_flops, make_problem


@dataclass(frozen=True)
class Mode:
    """How long to measure: timed rounds, a warm-up round or not, and the most steps timed
    per contestant (None: whole epochs)."""

    name: str
    rounds: int
    warmup: bool
    max_steps: int | None


MODES = {
    "full": Mode("full", 5, True, None),
    "quick": Mode("quick", 3, True, 100),
    "smoke": Mode("smoke", 1, False, None),
}


@dataclass
class Measurements:
    """What a run measured. Timings are keyed ``"W3 float32"``; the matmul peak (GFLOP/s:
    the epoch's flops over the median time of its products alone, timed in the same rounds
    as the contestants) and the memory (``{"budget", "peak"}`` in bytes) by dtype, for the
    ``probe`` workload."""

    mode: Mode
    probe: str | None
    workloads: dict[str, Workload] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)
    results: dict[str, list[Result]] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)
    memory: dict[str, dict] = field(default_factory=dict)
    others: tuple[float, float] | None = None  # cores busy elsewhere, stolen (see _cpu_seconds)

    def epoch_seconds(self, key: str, name: str) -> float | None:
        """Contestant ``name``'s median epoch time on ``key``, None if not measured."""
        return next((r.epoch_seconds for r in self.results.get(key, []) if r.name == name), None)

    def gflops(self, key: str, name: str = BACKPROPLAB) -> float | None:
        """Contestant ``name``'s achieved GFLOP/s on ``key``: exact epoch flops / epoch time."""
        seconds, w = self.epoch_seconds(key, name), self.workloads.get(key)
        if not seconds:
            return None
        return epoch_flops(w.sizes, self.samples[key], w.batch_size) / seconds / 1e9


def _cpu_seconds() -> tuple[float, float, float] | None:
    """CPU seconds so far: busy on the whole machine, stolen from it by a hypervisor, and
    used by this process with its finished children; None where /proc/stat is missing."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks + [0] * (8 - len(ticks))
    hz, own = os.sysconf("SC_CLK_TCK"), os.times()
    ours = own.user + own.system + own.children_user + own.children_system
    return (user + nice + system + irq + softirq) / hz, steal / hz, ours


def run_benchmark(names: Sequence[str], mode: Mode) -> Measurements:
    """Time the workloads ``names``, then measure the memory on the probe workload (W3;
    W1 in a smoke run), showing progress on stderr."""
    probe = "W3" if "W3" in names else ("W1" if mode.name == "smoke" else None)
    m = Measurements(mode, probe)
    jobs = [(WORKLOADS[name], dtype) for name in names for dtype in WORKLOADS[name].dtypes]
    total = len(jobs) * (int(mode.warmup) + mode.rounds) * len(CONTESTANTS)
    total += len(WORKLOADS[probe].dtypes) if probe else 0
    cpu_start, wall_start = _cpu_seconds(), time.perf_counter()
    with tqdm(total=total, disable=None, leave=False, file=sys.stderr) as bar:
        for w, dtype in jobs:
            key = f"{w.name} {dtype}"
            bar.set_postfix_str(key)
            X, labels = w.load(np.dtype(dtype).type)
            problem = make_problem(X, labels, w.sizes, w.batch_size, w.eta, dtype)
            m.workloads[key], m.samples[key] = w, len(X)
            m.results[key] = run_problem(problem, mode.max_steps, w.rung_steps, mode, bar)
            del X, labels, problem  # the next workload's data need the room
        for dtype in WORKLOADS[probe].dtypes if probe else ():
            w, n_samples = WORKLOADS[probe], m.samples[f"{probe} {dtype}"]
            peak = m.gflops(f"{probe} {dtype}", PRODUCTS)
            if peak is not None:
                m.peaks[dtype] = peak
            bar.set_postfix_str(f"memory, {dtype}")
            m.memory[dtype] = measure_memory(w.sizes, n_samples, w.batch_size, w.eta, dtype)
            bar.update()
    cpu_end, wall = _cpu_seconds(), time.perf_counter() - wall_start
    if cpu_start and cpu_end:
        busy, stolen, ours = (end - start for start, end in zip(cpu_start, cpu_end, strict=True))
        m.others = (max(busy - ours, 0.0) / wall, stolen / wall)
    return m
