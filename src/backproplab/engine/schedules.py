"""Learning-rate schedules: the η each epoch trains with.

A schedule is an object with ``start(eta, epochs, n_samples)``, called once before training,
and ``eta_for(epoch, monitored) -> float``, called before each epoch (counted from 0) with the
losses monitored so far (the validation loss of each finished epoch when there is
validation data, else the training loss).

>>> s = StepDecay(step_size=2, gamma=0.5)
>>> s.start(1.0, epochs=6, n_samples=100)
>>> [s.eta_for(e, []) for e in range(6)]
[1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
"""

from __future__ import annotations

import math


class Constant:
    """``η_e = η``."""

    def start(self, eta: float, epochs: int, n_samples: int) -> None:
        self.eta = eta

    def eta_for(self, epoch: int, monitored) -> float:
        return self.eta


class StepDecay:
    """``η_e = η γ^⌊e / step_size⌋``: multiplied by γ every ``step_size`` epochs."""

    def __init__(self, step_size: int = 10, gamma: float = 0.5):
        if step_size < 1 or not 0 < gamma <= 1:
            raise ValueError(f"StepDecay needs step_size ≥ 1 and 0 < gamma ≤ 1, got "
                             f"{step_size}, {gamma}")  # fmt: skip
        self.step_size, self.gamma = int(step_size), float(gamma)

    def start(self, eta: float, epochs: int, n_samples: int) -> None:
        self.eta = eta

    def eta_for(self, epoch: int, monitored) -> float:
        return self.eta * self.gamma ** (epoch // self.step_size)


class InverseScaling:
    """scikit-learn's ``invscaling``: ``η_e = η / (t_e + 1)^power_t``, where t_e is the
    number of samples seen before epoch e (so the first epoch trains with η)."""

    def __init__(self, power_t: float = 0.5):
        if not power_t > 0:
            raise ValueError(f"power_t must be positive, got {power_t}")
        self.power_t = float(power_t)

    def start(self, eta: float, epochs: int, n_samples: int) -> None:
        self.eta, self.n_samples = eta, n_samples

    def eta_for(self, epoch: int, monitored) -> float:
        return self.eta / (epoch * self.n_samples + 1) ** self.power_t


class HalveOnPlateau:
    """network2's rule: halve η (times ``factor``) whenever the monitored loss has not
    improved by more than ``min_delta`` for ``patience`` epochs; never below ``min_eta``."""

    def __init__(self, patience: int = 10, factor: float = 0.5, min_delta: float = 0.0,
                 min_eta: float = 0.0):  # fmt: skip
        if patience < 1 or not 0 < factor < 1:
            raise ValueError(f"HalveOnPlateau needs patience ≥ 1 and 0 < factor < 1, got "
                             f"{patience}, {factor}")  # fmt: skip
        self.patience, self.factor = int(patience), float(factor)
        self.min_delta, self.min_eta = float(min_delta), float(min_eta)

    def start(self, eta: float, epochs: int, n_samples: int) -> None:
        self.eta, self.best, self.waited, self.seen = eta, math.inf, 0, 0

    def eta_for(self, epoch: int, monitored) -> float:
        for loss in monitored[self.seen :]:  # the epochs finished since the last call
            if loss < self.best - self.min_delta:
                self.best, self.waited = loss, 0
            else:
                self.waited += 1
                if self.waited >= self.patience:
                    self.eta, self.waited = max(self.eta * self.factor, self.min_eta), 0
        self.seen = len(monitored)
        return self.eta


class Cosine:
    """Cosine annealing over the run: ``η_e = η_min + (η − η_min)(1 + cos(π e / E)) / 2``
    with E the number of epochs."""

    def __init__(self, eta_min: float = 0.0):
        self.eta_min = float(eta_min)

    def start(self, eta: float, epochs: int, n_samples: int) -> None:
        self.eta, self.epochs = eta, epochs

    def eta_for(self, epoch: int, monitored) -> float:
        cos = math.cos(math.pi * epoch / self.epochs)
        return self.eta_min + (self.eta - self.eta_min) * (1 + cos) / 2


SCHEDULES = {
    "constant": Constant,
    "step": StepDecay,
    "invscaling": InverseScaling,
    "plateau": HalveOnPlateau,
    "cosine": Cosine,
}


def get_schedule(schedule):
    """A schedule by name (``"constant"``, ``"step"``, ``"invscaling"``, ``"plateau"``,
    ``"cosine"``), None (constant), or the given object."""
    if schedule is None:
        return Constant()
    if hasattr(schedule, "eta_for") and hasattr(schedule, "start"):
        return schedule
    if isinstance(schedule, str) and schedule.lower() in SCHEDULES:
        return SCHEDULES[schedule.lower()]()
    known = ", ".join(SCHEDULES)
    raise ValueError(f"unknown schedule {schedule!r}; choose one of: {known}")
