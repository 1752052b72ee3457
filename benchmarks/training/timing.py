"""Timing: the round-robin protocol that times every contestant on a problem."""

from __future__ import annotations

import gc
import math
import statistics
from dataclasses import dataclass, field
from time import perf_counter

from .contestants import CONTESTANTS, Skipped
from .workloads import Problem

# -- timing --------------------------------------------------------------------------------


@dataclass
class Result:
    """One contestant on one problem: the epoch times measured on ``steps`` steps (of
    ``epoch_steps``), or why it was skipped."""

    name: str
    steps: int
    epoch_steps: int
    times: list[float] = field(default_factory=list)
    skipped: str | None = None

    @property
    def epoch_seconds(self) -> float | None:
        """Median time, scaled from the steps timed to a whole epoch."""
        if self.skipped or not self.times:
            return None
        return statistics.median(self.times) * self.epoch_steps / self.steps


MIN_TIMED_SECONDS = 0.05  # epochs shorter than this are timed several in a row
MAX_REPEATS = 50


def time_round_robin(
    runs, epoch_steps: int, rounds: int, warmup: bool, bar, min_seconds=MIN_TIMED_SECONDS
) -> list[Result]:
    """Time ``runs``, a list of ``(Contestant, Problem)``, round-robin.

    Each round gives every contestant in turn, all untimed: a garbage collection, a primer
    (its first mini-batch, on parameters of its own), fresh parameters from ``prepare``;
    then ``epoch()`` runs between two ``time.perf_counter`` calls. The primer wakes the
    contestant's thread pools and caches after the previous contestant ran, as in real
    training where epochs follow one another; without it an epoch of a few milliseconds
    (W1, W2) would mostly measure that wake-up. The first round is not recorded when
    ``warmup``; it also sets how many epochs a contestant runs per timing: as many as make
    ``min_seconds`` (at most ``MAX_REPEATS``), each from fresh parameters, the time divided
    by their number, so that an epoch of a few milliseconds is not timed alone on a
    machine whose speed drifts. A contestant that raises :class:`Skipped` is dropped with
    the reason.
    """
    results = [Result(c.name, p.steps, epoch_steps) for c, p in runs]
    repeats = [1] * len(runs)
    for round_ in range(int(warmup) + rounds):
        for i, ((contestant, problem), result) in enumerate(zip(runs, results, strict=True)):
            bar.update()
            if result.skipped:
                continue
            bar.set_description(contestant.name)
            gc.collect()
            try:
                contestant.prepare(problem.prefix(1))()
                epochs = [contestant.prepare(problem) for _ in range(repeats[i])]
            except Skipped as why:
                result.skipped = str(why)
                continue
            start = perf_counter()
            for epoch in epochs:
                epoch()
            elapsed = (perf_counter() - start) / len(epochs)
            if round_ >= int(warmup):
                result.times.append(elapsed)
            elif elapsed > 0:
                repeats[i] = min(MAX_REPEATS, max(1, math.ceil(min_seconds / elapsed)))
    return results


def run_problem(problem: Problem, steps: int | None, rung_steps: int | None, mode, bar):
    """Time every contestant on ``problem``; at most ``steps`` steps each (the rungs at most
    ``rung_steps``), every result scaled to the full epoch of ``problem.steps`` steps."""
    runs = []
    for c in CONTESTANTS:
        caps = [s for s in (steps, rung_steps if c.rung else None) if s is not None]
        runs.append((c, problem.prefix(min(caps, default=None))))
    return time_round_robin(runs, problem.steps, mode.rounds, mode.warmup, bar)
