"""The ``train`` command's options for training beyond plain SGD, as ``Network.train``
takes them: the optimizer, penalties, schedule, dropout, validation and early stopping."""

from __future__ import annotations

import argparse

from ..engine.optim import OPTIMIZERS
from ..engine.schedules import SCHEDULES


def add_training_flags(p: argparse.ArgumentParser) -> None:
    """Declare the flags (defaults: plain SGD, no penalty, constant η, no dropout, no
    validation)."""
    g = p.add_argument_group("training beyond plain SGD (see Network.train)")
    g.add_argument("--optimizer", default="sgd", choices=sorted(OPTIMIZERS),
                   help="the update rule; momentum and nesterov use μ = 0.9")  # fmt: skip
    g.add_argument("--l2", type=float, default=0.0, help="L2 penalty λ: C₀ + λ/(2n) Σ‖W‖²")
    g.add_argument("--l1", type=float, default=0.0, help="L1 penalty λ: C₀ + λ/n Σ|w|")
    g.add_argument("--schedule", default="constant", choices=sorted(SCHEDULES),
                   help="the learning rate per epoch")  # fmt: skip
    g.add_argument("--dropout", type=float, default=0.0,
                   help="probability of dropping a hidden unit at each step")  # fmt: skip
    g.add_argument("--validation", type=float, default=None, metavar="FRACTION",
                   help="hold out this fraction of the data, evaluated each epoch")  # fmt: skip
    g.add_argument("--patience", type=int, default=None,
                   help="stop when the validation loss has not improved for this many epochs "
                        "(and keep the best epoch's weights)")  # fmt: skip


def training_options(args: argparse.Namespace) -> dict:
    """The ``Network.train`` keyword arguments the flags ask for (only those set)."""
    options = dict(optimizer=args.optimizer, l2=args.l2, l1=args.l1, dropout=args.dropout,
                   schedule=None if args.schedule == "constant" else args.schedule)  # fmt: skip
    if args.validation is not None:
        options["validation_fraction"] = args.validation
    if args.patience is not None:
        options |= dict(patience=args.patience, restore_best=True)
    return options
