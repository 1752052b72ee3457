"""What training records, step by step and epoch by epoch: :class:`History`, and its
tables as CSV text (:func:`epoch_csv`, one row per epoch; :func:`step_csv`, one per step)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

_STEP_FIELDS = ("loss_step", "grad_norm", "weight_norm")
_EPOCH_FIELDS = ("loss_epoch", "accuracy_epoch", "val_loss_epoch", "val_accuracy_epoch",
                 "eta_epoch")  # fmt: skip


@dataclass
class History:
    """What happened during training.

    Per step (one row per mini-batch step):
        loss_step: the mini-batch's cost before the step, (n_steps,) — the cost minimised:
            the mean C_x plus the weight penalty when ``l2``/``l1`` are set.
        grad_norm: Frobenius norm of that cost's gradient ∂C/∂W^ℓ, (n_steps, L).
        weight_norm: Frobenius norm of W^ℓ after the step, (n_steps, L).

    Per epoch:
        loss_epoch: the training cost of the epoch, (n_epochs,): by default the mean of its
            mini-batch losses as they were computed (free; Keras and scikit-learn report
            this), or with ``evaluate=True`` an exact pass over the training set after
            the epoch.
        accuracy_epoch: training accuracy, the same way, or None when the targets are not
            class labels.
        val_loss_epoch, val_accuracy_epoch: an exact pass over the validation data after
            each epoch (None without validation data; accuracy None if not labels).
        eta_epoch: the learning rate each epoch trained with (the schedule's η).

    Also: ``steps_per_epoch``; ``n_steps`` and ``n_epochs`` run; ``best_epoch`` (the epoch,
    from 0, whose monitored loss was the lowest, when early stopping watched it);
    ``stopped_early``; and ``extras``, named records added by callbacks (for example
    ``"gradcheck"``: a list of ``(step, relative_error)``).

    While training runs, the arrays may hold more rows than ``n_steps``/``n_epochs`` (they
    grow as training goes, so a long run reserves nothing up front); the history that
    ``train`` returns is :meth:`trimmed` to what ran.
    """

    loss_step: np.ndarray
    grad_norm: np.ndarray
    weight_norm: np.ndarray
    loss_epoch: np.ndarray
    accuracy_epoch: np.ndarray | None
    steps_per_epoch: int
    n_steps: int = 0
    n_epochs: int = 0
    extras: dict[str, Any] = field(default_factory=dict)
    val_loss_epoch: np.ndarray | None = None
    val_accuracy_epoch: np.ndarray | None = None
    eta_epoch: np.ndarray | None = None
    best_epoch: int | None = None
    stopped_early: bool = False

    @classmethod
    def empty(cls, n_layers: int, steps_per_epoch: int, *, labels: bool, validation: bool,
              capacity: int) -> History:  # fmt: skip
        """A history with room for ``capacity`` steps (it grows past them as needed)."""
        epochs = max(1, capacity // steps_per_epoch)

        def column(on: bool = True):
            return _nans(epochs) if on else None

        return cls(
            loss_step=_nans(capacity),
            grad_norm=_nans((capacity, n_layers)),
            weight_norm=_nans((capacity, n_layers)),
            loss_epoch=column(),
            accuracy_epoch=column(labels),
            steps_per_epoch=steps_per_epoch,
            val_loss_epoch=column(validation),
            val_accuracy_epoch=column(validation and labels),
            eta_epoch=column(),
        )

    def record_step(self, loss: float, grad_norms, weight_norms) -> None:
        """Append one step's loss and per-layer norms."""
        s = self.n_steps
        if s == len(self.loss_step):
            for name in _STEP_FIELDS:
                setattr(self, name, _doubled(getattr(self, name)))
        self.loss_step[s] = loss
        self.grad_norm[s] = grad_norms
        self.weight_norm[s] = weight_norms
        self.n_steps = s + 1

    def record_epoch(self, **values: float | None) -> None:
        """Append one epoch's values: ``loss_epoch=…, accuracy_epoch=…, eta_epoch=…,
        val_loss_epoch=…, val_accuracy_epoch=…`` (those this history keeps)."""
        e = self.n_epochs
        if e == len(self.loss_epoch):
            for name in _EPOCH_FIELDS:
                if getattr(self, name) is not None:
                    setattr(self, name, _doubled(getattr(self, name)))
        for name, value in values.items():
            column = getattr(self, name)
            if column is not None:
                column[e] = np.nan if value is None else value
        self.n_epochs = e + 1

    def monitored(self) -> np.ndarray:
        """The loss early stopping and schedules watch, one per finished epoch: the
        validation loss when there is validation data, else the training loss."""
        column = self.loss_epoch if self.val_loss_epoch is None else self.val_loss_epoch
        return column[: self.n_epochs]

    def trimmed(self) -> History:
        """A history holding only the steps and epochs actually run: this one when it has
        no spare rows, else a new one (an array with no spare rows is shared, not
        copied)."""
        if len(self.loss_step) == self.n_steps and len(self.loss_epoch) == self.n_epochs:
            return self
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _STEP_FIELDS:
                value = _first(value, self.n_steps)
            elif f.name in _EPOCH_FIELDS and value is not None:
                value = _first(value, self.n_epochs)
            elif f.name == "extras":
                value = dict(value)
            out[f.name] = value
        return History(**out)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers, ready for JSON."""
        h = self.trimmed()
        out: dict[str, Any] = {}
        for f in fields(h):
            value = getattr(h, f.name)
            if f.name == "extras":
                continue
            out[f.name] = value.tolist() if isinstance(value, np.ndarray) else value
        return {**out, **h.extras}


def _nans(shape) -> np.ndarray:
    """A new float array of NaN (``np.full``'s result, at a third of its cost)."""
    a = np.empty(shape)
    a.fill(np.nan)
    return a


def _first(a: np.ndarray, n: int) -> np.ndarray:
    """The first n rows of ``a``: ``a`` itself if it has no more, else a copy."""
    return a if len(a) == n else a[:n].copy()


def _doubled(a: np.ndarray) -> np.ndarray:
    """``a`` with twice the rows, the new ones NaN."""
    return np.concatenate([a, np.full_like(a, np.nan)])


def _number(value) -> str:
    """A CSV cell: 10 significant digits (enough to compare runs by eye or in a
    spreadsheet; run.npz keeps every digit), empty for a value not recorded."""
    if value is None or not np.isfinite(value):
        return "" if value is None or np.isnan(value) else str(float(value))
    return f"{float(value):.10g}"


def epoch_csv(history: History) -> str:
    """The history's per-epoch figures as CSV text, one row per epoch.

    Columns: ``epoch`` (from 1), ``step`` (the steps run when it ended), ``loss``,
    ``accuracy`` (when the targets are classes), ``validation_loss`` and
    ``validation_accuracy`` (with validation data), ``eta``, then for each layer ℓ = 1 … L
    ``grad_norm_W{ℓ}`` (the mean over the epoch's steps of ‖∂C/∂W^ℓ‖) and
    ``weight_norm_W{ℓ}`` (‖W^ℓ‖ at the epoch's end).

    >>> h = History.empty(1, 2, labels=False, validation=False, capacity=4)
    >>> for k in range(4):
    ...     h.record_step(1.0 / (k + 1), [2.0 * k], [1.0 + k])
    ...     if k % 2:
    ...         h.record_epoch(loss_epoch=0.5 / k, eta_epoch=3.0)
    >>> print(epoch_csv(h), end="")
    epoch,step,loss,eta,grad_norm_W1,weight_norm_W1
    1,2,0.5,3,1,2
    2,4,0.1666666667,3,5,4
    """
    h = history.trimmed()
    L, E, k = h.grad_norm.shape[1], h.n_epochs, h.steps_per_epoch
    columns = {"epoch": np.arange(1, E + 1), "step": np.minimum(np.arange(1, E + 1) * k, h.n_steps)}
    columns["loss"] = h.loss_epoch
    named = {"accuracy": h.accuracy_epoch, "validation_loss": h.val_loss_epoch,
             "validation_accuracy": h.val_accuracy_epoch, "eta": h.eta_epoch}  # fmt: skip
    columns |= {name: values for name, values in named.items() if values is not None}
    starts = np.arange(E) * k  # each epoch's first step
    ends = columns["step"]
    grad = np.add.reduceat(h.grad_norm[: ends[-1]], starts, axis=0) if E else h.grad_norm[:0]
    grad = grad / (ends - starts)[:, None]
    for ell in range(L):
        columns[f"grad_norm_W{ell + 1}"] = grad[:, ell]
    for ell in range(L):
        columns[f"weight_norm_W{ell + 1}"] = h.weight_norm[ends - 1, ell] if E else []
    return _csv(columns, whole=("epoch", "step"))


def step_csv(history: History) -> str:
    """The history's per-step records as CSV text: ``step`` (from 1), ``epoch`` (steps
    run over steps per epoch), the mini-batch ``loss`` and per layer ℓ ``grad_norm_W{ℓ}``
    and ``weight_norm_W{ℓ}``."""
    h = history.trimmed()
    L = h.grad_norm.shape[1]
    steps = np.arange(1, h.n_steps + 1)
    columns = {"step": steps, "epoch": steps / h.steps_per_epoch, "loss": h.loss_step}
    columns |= {f"grad_norm_W{ell + 1}": h.grad_norm[:, ell] for ell in range(L)}
    columns |= {f"weight_norm_W{ell + 1}": h.weight_norm[:, ell] for ell in range(L)}
    return _csv(columns, whole=("step",))


def _csv(columns: dict, whole: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    cells = [
        [str(int(v)) for v in values] if name in whole else [_number(v) for v in values]
        for name, values in columns.items()
    ]
    w.writerows(zip(*cells, strict=True))
    return buf.getvalue()
