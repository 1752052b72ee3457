"""Mini-batch stochastic gradient descent, as in Nielsen's ``SGD``.

Each epoch splits the (optionally shuffled) training set into consecutive mini-batches of
``batch_size`` samples (the last may be shorter) and, for each, takes one step

    W^ℓ ← W^ℓ − η ∂C/∂W^ℓ,    b^ℓ ← b^ℓ − η ∂C/∂b^ℓ

with C the mini-batch's mean cost (the same as Nielsen's ``eta/len(mini_batch) * Σ nabla``).

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

from .backward import backprop
from .forward import feedforward

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
        grad_norm: Frobenius norm of ∂C/∂W^ℓ at each step, shape (n_steps, L).
        weight_norm: Frobenius norm of W^ℓ after each step, shape (n_steps, L).
        loss_epoch: mean cost over the whole training set after each epoch, (epochs,).
        accuracy_epoch: training accuracy after each epoch, (epochs,), or None when the
            targets are not class labels.
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


def label_accuracy(A_out: np.ndarray, Y: np.ndarray) -> float | None:
    """Fraction of samples classified right, or None if ``Y`` does not hold class labels.

    Args:
        A_out: network outputs, shape (n_out, m).
        Y: targets, shape (n_out, m). Labels are recognised as 0/1 or −1/+1 for a single
            output (threshold at the midpoint) and one-hot columns for several outputs
            (predicted class: the largest output).
    """
    if Y.shape[0] == 1:
        values = np.unique(Y)
        if np.all(np.isin(values, (0.0, 1.0))):
            return float(np.mean((A_out > 0.5) == (Y > 0.5)))
        if np.all(np.isin(values, (-1.0, 1.0))):
            return float(np.mean((A_out > 0) == (Y > 0)))
        return None
    one_hot = np.all(np.isin(Y, (0.0, 1.0))) and np.all(Y.sum(axis=0) == 1)
    if not one_hot:
        return None
    return float(np.mean(np.argmax(A_out, axis=0) == np.argmax(Y, axis=0)))


def _call(callbacks, method: str, *args) -> None:
    for cb in callbacks:
        fn = getattr(cb, method, None)
        if fn is not None:
            fn(*args)


def _norms(arrays) -> list[float]:
    return [math.sqrt(float(np.vdot(x, x))) for x in arrays]


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

    Inputs must already be validated (``Network.train`` does that).
    """
    n = X.shape[0]
    L = len(net.weights)
    steps_per_epoch = math.ceil(n / batch_size)
    total = steps_per_epoch * epochs
    is_labels = label_accuracy(Y[:1].T, Y.T) is not None
    history = History(
        loss_step=np.full(total, np.nan),
        grad_norm=np.full((total, L), np.nan),
        weight_norm=np.full((total, L), np.nan),
        loss_epoch=np.full(epochs, np.nan),
        accuracy_epoch=np.full(epochs, np.nan) if is_labels else None,
        steps_per_epoch=steps_per_epoch,
    )
    XT = np.ascontiguousarray(X.T)  # (n_features, n): one column per sample
    YT = np.ascontiguousarray(Y.T)  # (n_outputs, n)
    acts, cost = net.layer_activations, net.cost_function
    _call(callbacks, "on_train_begin", net, history)
    step = 0
    for epoch in range(epochs):
        if shuffle:
            order = rng.permutation(n)
            XT_epoch, YT_epoch = XT[:, order], YT[:, order]
        else:
            XT_epoch, YT_epoch = XT, YT
        for start in range(0, n, batch_size):
            A0 = XT_epoch[:, start : start + batch_size]  # (n_features, m)
            Yb = YT_epoch[:, start : start + batch_size]  # (n_outputs, m)
            zs, activations = feedforward(net.weights, net.biases, A0, acts)
            loss = float(np.mean(cost.value(activations[-1], Yb)))
            grads_w, grads_b = backprop(net.weights, zs, activations, Yb, acts, cost)
            grad_norm = _norms(grads_w)
            if not (math.isfinite(loss) and math.isfinite(sum(grad_norm) + sum(_norms(grads_b)))):
                raise _diverged(history, step, epoch, "the loss or a gradient is not finite")
            new_w = [W - eta * gW for W, gW in zip(net.weights, grads_w, strict=True)]
            new_b = [b - eta * gb for b, gb in zip(net.biases, grads_b, strict=True)]
            weight_norm = _norms(new_w)
            if not math.isfinite(sum(weight_norm) + sum(_norms(new_b))):
                raise _diverged(history, step, epoch, "a step would make the parameters infinite")
            net.weights[:], net.biases[:] = new_w, new_b
            history.loss_step[step] = loss
            history.grad_norm[step] = grad_norm
            history.weight_norm[step] = weight_norm
            step += 1
            history.n_steps = step
            _call(callbacks, "on_step_end", net, history, step)
        if evaluate:
            A_out = net._forward_columns(XT)[1][-1]
            history.loss_epoch[epoch] = float(np.mean(cost.value(A_out, YT)))
            if is_labels:
                history.accuracy_epoch[epoch] = label_accuracy(A_out, YT)
        history.n_epochs = epoch + 1
        _call(callbacks, "on_epoch_end", net, history, epoch)
    _call(callbacks, "on_train_end", net, history)
    return history


def _diverged(history: History, step: int, epoch: int, why: str) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"training diverged at step {step} (epoch {epoch}): {why}; the network keeps the "
        "parameters of the last finite step (try a smaller eta)",
        history.trimmed(),
    )
