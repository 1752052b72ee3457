"""Mini-batch stochastic gradient descent, as in Nielsen's ``SGD``.

Each epoch splits the (optionally shuffled) training set into consecutive mini-batches of
``batch_size`` samples (the last may be shorter) and, for each, takes one step

    W^ℓ ← W^ℓ − η ∂C/∂W^ℓ,    b^ℓ ← b^ℓ − η ∂C/∂b^ℓ

with C the mini-batch's mean cost (the same as Nielsen's ``eta/len(mini_batch) * Σ nabla``).

The loop is the fast path: every array a step writes (Z, A, Δ and the steps η∂C/∂W) is
allocated once per batch size and reused, parameters are updated in place (both in
:mod:`backproplab.workspace`), η is folded into Δ^L (see
:func:`backproplab.backward.backprop_into`), and nothing in Python runs per sample. The
results are those of :func:`~backproplab.forward.feedforward` and
:func:`~backproplab.backward.backprop`, which run the same code on fresh arrays.

Nothing here prints. Training returns a :class:`History` and calls callbacks; a callback
is any object with some of the methods ``on_train_begin(net, history)``,
``on_step_end(net, history, step)``, ``on_epoch_end(net, history, epoch)`` and
``on_train_end(net, history)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .backward import backprop_into
from .forward import feedforward_into
from .workspace import Buffers, FlatParameters

if TYPE_CHECKING:
    from .network import Network


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
        grad_norm: Frobenius norm of ∂C/∂W^ℓ at each step, shape (n_steps, L)
            (computed as ‖η ∂C/∂W^ℓ‖ / η: equal up to rounding).
        weight_norm: Frobenius norm of W^ℓ after each step, shape (n_steps, L).
        loss_epoch: mean cost over the whole training set after each epoch, (epochs,)
            (NaN when training ran with ``evaluate=False``).
        accuracy_epoch: training accuracy after each epoch, (epochs,), or None when the
            targets are not class labels or training ran with ``evaluate=False``.
        steps_per_epoch: mini-batches per epoch.
        n_steps: steps actually taken (less than planned if training stopped early).
        extras: named per-step or per-epoch records added by callbacks (for example
            ``"gradcheck"``: a list of ``(step, relative_error)``).
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


def label_kind(Y: np.ndarray) -> str | None:
    """What kind of class labels the targets ``Y`` (n_out, m) hold, or None if not labels.

    ``"0/1"`` or ``"±1"`` for a single output (threshold at the midpoint), ``"one-hot"``
    for one-hot columns (predicted class: the largest output).
    """
    if Y.shape[0] == 1:
        if np.all((Y == 0) | (Y == 1)):
            return "0/1"
        if np.all(np.abs(Y) == 1):
            return "±1"
        return None
    if np.all(np.isin(Y, (0.0, 1.0))) and np.all(Y.sum(axis=0) == 1):
        return "one-hot"
    return None


def label_hits(A_out: np.ndarray, Y: np.ndarray, kind: str) -> int:
    """How many of the m samples are classified right; A_out and Y are (n_out, m)."""
    if kind == "0/1":
        return int(np.count_nonzero((A_out > 0.5) == (Y > 0.5)))
    if kind == "±1":
        return int(np.count_nonzero((A_out > 0) == (Y > 0)))
    return int(np.count_nonzero(np.argmax(A_out, axis=0) == np.argmax(Y, axis=0)))


def label_accuracy(A_out: np.ndarray, Y: np.ndarray) -> float | None:
    """Fraction of samples classified right, or None if ``Y`` does not hold class labels
    (see :func:`label_kind`). A_out and Y are (n_out, m)."""
    kind = label_kind(Y)
    return None if kind is None else label_hits(A_out, Y, kind) / Y.shape[1]


def sgd(
    net: Network,
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
) -> History:
    """Train ``net`` in place; X is (n_samples, n_features), Y is (n_samples, n_outputs).

    Inputs must already be validated and of the network's dtype (``Network.train`` does
    that).
    """
    n = X.shape[0]
    X, Y = np.ascontiguousarray(X), np.ascontiguousarray(Y)  # mini-batches are row blocks
    params = FlatParameters(net)
    acts, cost = net.layer_activations, net.cost_function
    steps_per_epoch = math.ceil(n / batch_size)
    total = steps_per_epoch * epochs
    kind = label_kind(Y.T) if evaluate else None  # accuracy is measured only by evaluation
    history = History(
        loss_step=np.full(total, np.nan),
        grad_norm=np.full((total, len(params.W)), np.nan),
        weight_norm=np.full((total, len(params.W)), np.nan),
        loss_epoch=np.full(epochs, np.nan),
        accuracy_epoch=None if kind is None else np.full(epochs, np.nan),
        steps_per_epoch=steps_per_epoch,
    )
    buffers: dict[int, Buffers] = {}  # one set per batch size (the last may be shorter)
    on_step = [cb.on_step_end for cb in callbacks if hasattr(cb, "on_step_end")]
    _call(callbacks, "on_train_begin", net, history)
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            m = min(batch_size, n - start)
            if m not in buffers:
                buffers[m] = Buffers.allocate(net.sizes, m, net.dtype)
            buf = buffers[m]
            A0, Yb = buf.batch(X, Y, order, start)
            loss = compute_step(params, buf, A0, Yb, acts, cost, eta)
            step_norms = params.step_norms()
            problem = params.problem_with_step(loss, step_norms)
            if problem:
                raise _diverged(history, step, epoch, problem)
            params.take_step()
            history.loss_step[step] = loss
            history.grad_norm[step] = [s / eta for s in step_norms[:-1]]
            history.weight_norm[step] = params.weight_norms
            step += 1
            history.n_steps = step
            for on_step_end in on_step:
                on_step_end(net, history, step)
        if evaluate:
            history.loss_epoch[epoch], hits = _evaluate(net, X, Y, kind)
            if kind is not None:
                history.accuracy_epoch[epoch] = hits / n
        history.n_epochs = epoch + 1
        _call(callbacks, "on_epoch_end", net, history, epoch)
    _call(callbacks, "on_train_end", net, history)
    return history


def compute_step(params, buf: Buffers, A0, Yb, acts, cost, eta: float) -> float:
    """Forward and backward pass of one mini-batch: fills ``params.step`` with η∇C and
    returns the mini-batch's mean cost. A0 is (n_0, m), Yb is (n_L, m).

    Overflow and NaN are not warned about here: the caller checks the loss and the step
    for them and stops training with a clear error instead.
    """
    m = A0.shape[1]
    buf.activations[0] = A0
    with np.errstate(over="ignore", invalid="ignore"):
        feedforward_into(params.W, params.b, acts, buf.zs, buf.activations)
        loss = cost.total(buf.activations[-1], Yb, scratch=buf.deltas[-1]) / m  # Δ^L comes next
        backprop_into(
            params.W,
            buf.zs,
            buf.activations,
            Yb,
            acts,
            cost,
            eta / m,
            deltas=buf.deltas,
            scratch=buf.scratch,
            grads_w=params.step_W,
            grads_b=params.step_b,
            ones=buf.ones,
        )
    return loss


def _evaluate(net: Network, X, Y, kind: str | None) -> tuple[float, int]:
    """Mean cost over all samples and the number classified right (0 if not labels),
    a block of samples at a time so that no full-data activations are held."""
    cost = net.cost_function
    block = max(1, _EVAL_ELEMENTS // max(net.sizes))
    total_cost, hits = 0.0, 0
    for start in range(0, X.shape[0], block):
        with np.errstate(over="ignore", invalid="ignore"):  # an inf loss is recorded as such
            A_out = net._forward_columns(X[start : start + block].T)[1][-1]
            Yb = Y[start : start + block].T
            total_cost += cost.total(A_out, Yb)
        if kind is not None:
            hits += label_hits(A_out, Yb, kind)
    return total_cost / X.shape[0], hits


_EVAL_ELEMENTS = 1 << 20  # activations held per layer while evaluating, in elements


def _call(callbacks, method: str, *args) -> None:
    for cb in callbacks:
        fn = getattr(cb, method, None)
        if fn is not None:
            fn(*args)


def _diverged(history: History, step: int, epoch: int, why: str) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"training diverged at step {step} (epoch {epoch}): {why}; the network keeps the "
        "parameters of the last finite step (try a smaller eta)",
        history.trimmed(),
    )
