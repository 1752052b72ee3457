"""Mini-batch stochastic gradient descent, as in Nielsen's ``SGD``.

Each epoch splits the (optionally shuffled) training set into consecutive mini-batches of
``batch_size`` samples (the last may be shorter) and, for each, takes one step:

1. the gradient ``g = ∇_θ C`` of the mini-batch's mean cost C, by the forward pass and
   BP1–BP4 (:meth:`backproplab.workspace.Workspace.gradients`, the fast path of
   :func:`backproplab.backward.backprop`);
2. the update, a separate step: ``θ ← θ − η g`` for plain SGD, that is
   ``W^ℓ ← W^ℓ − η ∂C/∂W^ℓ`` and ``b^ℓ ← b^ℓ − η ∂C/∂b^ℓ``
   (:mod:`backproplab.optim`; the same as Nielsen's ``eta/len(mini_batch) * Σ nabla``).

Every array a step writes is allocated once and reused, the parameters are updated in
place as one vector θ (the network's ``weights`` and ``biases`` are views of it), and
nothing in Python runs per sample.

Nothing here prints. Training returns a :class:`History` and calls callbacks; a callback
is any object with some of the methods ``on_train_begin(net, history)``,
``on_step_end(net, history, step)``, ``on_epoch_end(net, history, epoch)`` and
``on_train_end(net, history)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .forward import feedforward
from .labels import label_hits, label_kind
from .optim import get_optimizer
from .workspace import Workspace


class TrainingDivergedError(ValueError):
    """The loss or a gradient became NaN or infinite; the network keeps the parameters
    of the last finite step and the history up to it (``.history``)."""

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """What happened during training, step by step and epoch by epoch.

    Attributes:
        loss_step: mini-batch mean cost before each step, shape (n_steps,).
        grad_norm: Frobenius norm of ∂C/∂W^ℓ at each step, shape (n_steps, L).
        weight_norm: Frobenius norm of W^ℓ after each step, shape (n_steps, L).
        loss_epoch: mean cost over the whole training set after each epoch, (epochs,)
            (NaN when training ran with ``evaluate=False``).
        accuracy_epoch: training accuracy after each epoch, (epochs,), or None when the
            targets are not class labels or training ran with ``evaluate=False``.
        steps_per_epoch: mini-batches per epoch.
        n_steps, n_epochs: steps and epochs actually run.
        extras: named per-step or per-epoch records added by callbacks (for example
            ``"gradcheck"``: a list of ``(step, relative_error)``).

    While training runs, the arrays may hold more rows than ``n_steps``/``n_epochs``
    (they grow as training goes, so a long run reserves nothing up front); the history
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

    @classmethod
    def empty(cls, n_layers: int, steps_per_epoch: int, labels: bool, capacity: int) -> History:
        """A history with room for ``capacity`` steps (it grows past them as needed)."""
        epochs = max(1, capacity // steps_per_epoch)
        return cls(
            loss_step=np.full(capacity, np.nan),
            grad_norm=np.full((capacity, n_layers), np.nan),
            weight_norm=np.full((capacity, n_layers), np.nan),
            loss_epoch=np.full(epochs, np.nan),
            accuracy_epoch=np.full(epochs, np.nan) if labels else None,
            steps_per_epoch=steps_per_epoch,
        )

    def record_step(self, loss: float, grad_norms: list[float], weight_norms: list[float]):
        """Append one step's loss and per-layer norms."""
        s = self.n_steps
        if s == len(self.loss_step):
            self.loss_step, self.grad_norm, self.weight_norm = (
                _doubled(a) for a in (self.loss_step, self.grad_norm, self.weight_norm)
            )
        self.loss_step[s] = loss
        self.grad_norm[s] = grad_norms
        self.weight_norm[s] = weight_norms
        self.n_steps = s + 1

    def record_epoch(self, loss: float, accuracy: float | None) -> None:
        """Append one epoch's loss (and accuracy, when the targets are labels)."""
        e = self.n_epochs
        if e == len(self.loss_epoch):
            self.loss_epoch = _doubled(self.loss_epoch)
            if self.accuracy_epoch is not None:
                self.accuracy_epoch = _doubled(self.accuracy_epoch)
        self.loss_epoch[e] = loss
        if self.accuracy_epoch is not None:
            self.accuracy_epoch[e] = np.nan if accuracy is None else accuracy
        self.n_epochs = e + 1

    def trimmed(self) -> History:
        """A copy holding only the steps and epochs actually run."""
        s, e = self.n_steps, self.n_epochs
        return History(
            self.loss_step[:s].copy(),
            self.grad_norm[:s].copy(),
            self.weight_norm[:s].copy(),
            self.loss_epoch[:e].copy(),
            None if self.accuracy_epoch is None else self.accuracy_epoch[:e].copy(),
            self.steps_per_epoch,
            s,
            e,
            dict(self.extras),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers, ready for JSON."""
        h = self.trimmed()
        return {
            "steps_per_epoch": h.steps_per_epoch,
            "n_steps": h.n_steps,
            "n_epochs": h.n_epochs,
            "loss_step": h.loss_step.tolist(),
            "grad_norm": h.grad_norm.tolist(),
            "weight_norm": h.weight_norm.tolist(),
            "loss_epoch": h.loss_epoch.tolist(),
            "accuracy_epoch": None if h.accuracy_epoch is None else h.accuracy_epoch.tolist(),
            **{k: v for k, v in h.extras.items()},
        }


def _doubled(a: np.ndarray) -> np.ndarray:
    """``a`` with twice the rows, the new ones NaN."""
    return np.concatenate([a, np.full_like(a, np.nan)])


_INITIAL_STEPS = 1 << 16  # history rows reserved before training; more are added as needed


def sgd(
    net,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    eta: float,
    shuffle: bool,
    rng: np.random.Generator,
    callbacks=(),
    evaluate: bool = True,
    optimizer="sgd",
) -> History:
    """Train ``net`` in place; X is (n_samples, n_features), Y is (n_samples, n_outputs).

    ``net`` is used through its public attributes: ``theta``, ``weights``, ``biases``
    (views of θ), ``layer_activations``, ``cost_function``; it is also what callbacks
    receive. Inputs must already be validated and of the network's dtype
    (``Network.train`` does that).
    """
    n = X.shape[0]
    X, Y = np.ascontiguousarray(X), np.ascontiguousarray(Y)  # mini-batches are row blocks
    ws = Workspace(net.theta, net.weights, net.biases, net.layer_activations, net.cost_function)
    optimizer = get_optimizer(optimizer)
    optimizer.init(ws.theta)
    steps_per_epoch = math.ceil(n / batch_size)
    kind = label_kind(Y.T) if evaluate else None  # accuracy is measured only by evaluation
    history = History.empty(
        len(ws.weights), steps_per_epoch, kind is not None,
        capacity=min(steps_per_epoch * epochs, _INITIAL_STEPS),
    )  # fmt: skip
    on_step = [cb.on_step_end for cb in callbacks if hasattr(cb, "on_step_end")]
    _call(callbacks, "on_train_begin", net, history)
    weight_norms = ws.weight_norms()
    for epoch in range(epochs):
        order = rng.permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            A0, Yb = ws.batch(X, Y, order, start, min(batch_size, n - start))
            loss = ws.gradients(A0, Yb)
            grad_norms = ws.grad_norms()
            problem = ws.problem_with_step(loss, eta, grad_norms[-1], weight_norms[-1])
            if problem:
                raise _diverged(history, epoch, problem)
            optimizer.update(ws.theta, ws.grad, eta)
            weight_norms = ws.weight_norms()
            history.record_step(loss, grad_norms[:-1], weight_norms[:-1])
            for on_step_end in on_step:
                on_step_end(net, history, history.n_steps)
        if evaluate:
            loss_epoch, hits = evaluate_cost(net, X, Y, kind)
            history.record_epoch(loss_epoch, None if kind is None else hits / n)
        else:
            history.record_epoch(np.nan, None)
        _call(callbacks, "on_epoch_end", net, history, epoch)
    _call(callbacks, "on_train_end", net, history)
    return history


def evaluate_cost(net, X: np.ndarray, Y: np.ndarray, kind: str | None) -> tuple[float, int]:
    """Mean cost of ``net`` over all samples (X (n, n_0), Y (n, n_L)) and the number
    classified right (0 if ``kind`` is None), a block of samples at a time so that no
    full-data activations are held."""
    block = max(1, _EVAL_ELEMENTS // max(net.sizes))
    total_cost, hits = 0.0, 0
    for start in range(0, X.shape[0], block):
        with np.errstate(over="ignore", invalid="ignore"):  # an inf loss is recorded as such
            A0, Yb = X[start : start + block].T, Y[start : start + block].T
            A_out = feedforward(net.weights, net.biases, A0, net.layer_activations)[1][-1]
            total_cost += net.cost_function.total(A_out, Yb)  # Σ_x C_x over the block
        if kind is not None:
            hits += label_hits(A_out, Yb, kind)
    return total_cost / X.shape[0], hits


_EVAL_ELEMENTS = 1 << 20  # activations held per layer while evaluating, in elements


def _call(callbacks, method: str, *args) -> None:
    for cb in callbacks:
        fn = getattr(cb, method, None)
        if fn is not None:
            fn(*args)


def _diverged(history: History, epoch: int, why: str) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"training diverged at step {history.n_steps} (epoch {epoch}): {why}; the network "
        "keeps the parameters of the last finite step (try a smaller eta)",
        history.trimmed(),
    )
