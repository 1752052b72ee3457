"""Mini-batch stochastic gradient descent, as in Nielsen's ``SGD``.

Each epoch splits the (optionally shuffled) training set into consecutive mini-batches of
``batch_size`` samples (the last may be shorter) and, for each, takes one step:

1. the gradient ``g = ∇_θ C`` of the mini-batch's mean cost C, by the forward pass and
   BP1–BP4 (:meth:`backproplab.engine.workspace.Workspace.gradients`, the fast path of
   :func:`backproplab.engine.backward.backprop`);
2. with ``l2``/``l1``, the penalty's gradient added to g (:mod:`backproplab.engine.penalties`);
3. the update, a separate step: ``θ ← θ − η g`` for plain SGD, that is
   ``W^ℓ ← W^ℓ − η ∂C/∂W^ℓ`` and ``b^ℓ ← b^ℓ − η ∂C/∂b^ℓ`` (the same as Nielsen's
   ``eta/len(mini_batch) * Σ nabla``), or another optimizer's rule
   (:mod:`backproplab.engine.optim`).

Around the steps: η may follow a schedule (:mod:`backproplab.engine.schedules`), hidden layers may
be thinned by dropout, and after each epoch the training cost (a running mean, or an
exact pass), the validation cost and accuracy are recorded; early stopping ends training
when the monitored loss stops improving and can restore the best parameters.

Every array a step writes is allocated once and reused, the parameters are updated in
place as one vector θ (the network's ``weights`` and ``biases`` are views of it), and
nothing in Python runs per sample.

Nothing here prints. Training returns a :class:`History` and calls callbacks; a callback
is any object with some of the methods ``on_train_begin(net, history)``,
``on_step_end(net, history, step)``, ``on_epoch_end(net, history, epoch)`` and
``on_train_end(net, history)``. A callback asks training to stop by setting its
``stop_training`` attribute to True: the loop reads it after every step and every epoch
(see :mod:`backproplab.training.callbacks`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.labels import label_classes, label_hits, label_kind, predicted_classes
from ..engine.forward import feedforward
from ..engine.penalties import check_penalties, penalty
from ..engine.workspace import Workspace
from ..validation import check_positive_float, check_positive_int
from .history import History


class TrainingDivergedError(ValueError):
    """The loss or a gradient became NaN or infinite; the network keeps the parameters
    of the last finite step and the history up to it (``.history``)."""

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


@dataclass
class Settings:
    """How to train, already validated (``Network.train`` checks what users pass)."""

    epochs: int
    batch_size: int
    eta: float
    shuffle: bool = True
    optimizer: Any = None  # an object of backproplab.engine.optim (plain SGD by default)
    schedule: Any = None  # an object of backproplab.engine.schedules (constant η by default)
    l2: float = 0.0
    l1: float = 0.0
    dropout: float = 0.0
    evaluate: bool = False
    patience: int | None = None
    min_delta: float = 0.0
    restore_best: bool = False


def training_settings(
    *,
    epochs,
    batch_size,
    eta,
    shuffle=True,
    optimizer="sgd",
    schedule=None,
    l2=0.0,
    l1=0.0,
    dropout=0.0,
    evaluate=False,
    patience=None,
    min_delta=0.0,
    restore_best=False,
) -> Settings:
    """Check what a user asked for and return it as :class:`Settings`; a ValueError names
    the first bad option."""
    from ..engine.optim import get_optimizer
    from ..engine.schedules import get_schedule

    l2, l1 = check_penalties(l2, l1)
    dropout = float(dropout) if isinstance(dropout, int | float) else dropout
    if not isinstance(dropout, float) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
    if patience is not None:
        patience = check_positive_int(patience, "patience")
    if not isinstance(min_delta, int | float) or not min_delta >= 0:
        raise ValueError(f"min_delta must be a number ≥ 0, got {min_delta!r}")
    if restore_best and patience is None:
        raise ValueError("restore_best needs early stopping: give patience too")
    return Settings(
        epochs=check_positive_int(epochs, "epochs"),
        batch_size=check_positive_int(batch_size, "batch_size"),
        eta=check_positive_float(eta, "eta"),
        shuffle=bool(shuffle),
        optimizer=get_optimizer(optimizer),
        schedule=get_schedule(schedule),
        l2=l2,
        l1=l1,
        dropout=dropout,
        evaluate=bool(evaluate),
        patience=patience,
        min_delta=float(min_delta),
        restore_best=bool(restore_best),
    )


def split_validation(X, Y, validation_data, fraction, rng, check):
    """``(X, Y, validation)``: ``validation_data`` checked by ``check(X_val, Y_val)``, or
    ``fraction`` of the samples held out at random, or None when neither is given."""
    if validation_data is not None and fraction is not None:
        raise ValueError("give validation_data or validation_fraction, not both")
    if validation_data is not None:
        try:
            X_val, Y_val = validation_data
        except (TypeError, ValueError):
            raise ValueError("validation_data must be a pair (X_val, Y_val)") from None
        try:
            return X, Y, check(X_val, Y_val)
        except ValueError as exc:
            raise ValueError(f"validation_data: {exc}") from None
    if fraction is None:
        return X, Y, None
    if not isinstance(fraction, float | int) or not 0 < fraction < 1:
        raise ValueError(f"validation_fraction must be between 0 and 1, got {fraction!r}")
    n_val = int(round(fraction * len(X)))
    if not 1 <= n_val < len(X):
        raise ValueError(
            f"validation_fraction {fraction} of {len(X)} samples leaves no validation "
            "or no training sample"
        )
    order = rng.permutation(len(X))
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return X[train], Y[train], (X[val], Y[val])


_INITIAL_STEPS = 1 << 16  # history rows reserved before training; more are added as needed


@dataclass(frozen=True)
class TrainingCall:
    """What every epoch of one :func:`sgd` call works on, fixed for the call.

    Attributes:
        net: the network trained (what callbacks receive). ws: its workspace: θ, g and
            the step's buffers. X, Y: the training set, (n, n_0) and (n, n_L), C-ordered.
        settings: how to train. rng: draws the shuffling and the dropout masks.
        kind, classes: the labels' kind and each sample's class (n,), for the running
            accuracy; None when Y holds no labels.
        history: where the steps and epochs are recorded.
        callbacks: as given; each one's ``stop_training`` flag is read after every step
            and epoch (a callback may set it without declaring it first).
        on_step: the callbacks' ``on_step_end`` methods, looked up once.
    """

    net: Any
    ws: Workspace
    X: np.ndarray
    Y: np.ndarray
    settings: Settings
    rng: np.random.Generator
    kind: str | None
    classes: np.ndarray | None
    history: History
    callbacks: tuple
    on_step: tuple = ()

    def stop_requested(self) -> bool:
        """Whether a callback has set its ``stop_training`` flag (see
        :mod:`backproplab.training.callbacks`)."""
        return any(getattr(cb, "stop_training", False) for cb in self.callbacks)


def sgd(
    net,
    X: np.ndarray,
    Y: np.ndarray,
    s: Settings,
    rng: np.random.Generator,
    callbacks=(),
    validation=None,
) -> History:
    """Train ``net`` in place; X is (n_samples, n_features), Y is (n_samples, n_outputs);
    ``validation`` is None or ``(X_val, Y_val)`` in the same layout.

    ``net`` is used through its public attributes: ``workspace()`` (the step's buffers
    on θ, for this call), ``weights``, ``biases``, ``layer_activations``,
    ``cost_function``, ``sizes``; it is also what callbacks receive. Inputs must already
    be validated and of the network's dtype.

    Training ends after ``s.epochs`` epochs, when early stopping says so, or when a
    callback sets ``stop_training``: after that step (the epoch cut short is not
    recorded as an epoch; its steps are) or that epoch. ``on_train_end`` runs in every case.
    """
    n = X.shape[0]
    X, Y = np.ascontiguousarray(X), np.ascontiguousarray(Y)  # mini-batches are row blocks
    ws = net.workspace()
    s.optimizer.prepare(ws.theta)  # keeps the state of an optimizer object used before
    s.schedule.start(s.eta, s.epochs, n)
    kind = label_kind(Y.T)
    classes = None if kind is None else label_classes(Y.T, kind)  # (n,), for the accuracy
    steps_per_epoch = math.ceil(n / s.batch_size)
    history = History.empty(
        len(ws.weights),
        steps_per_epoch,
        labels=kind is not None,
        validation=validation is not None,
        capacity=min(steps_per_epoch * s.epochs, _INITIAL_STEPS),
    )
    callbacks = tuple(callbacks)
    call = TrainingCall(
        net=net,
        ws=ws,
        X=X,
        Y=Y,
        settings=s,
        rng=rng,
        kind=kind,
        classes=classes,
        history=history,
        callbacks=callbacks,
        on_step=tuple(cb.on_step_end for cb in callbacks if hasattr(cb, "on_step_end")),
    )
    stopper = None if s.patience is None else _EarlyStopping(s, ws.theta)
    _call(callbacks, "on_train_begin", net, history)
    for epoch in range(s.epochs):
        eta = s.schedule.eta_for(epoch, history.monitored())
        if not math.isfinite(eta) or eta <= 0:
            raise ValueError(f"the schedule gave eta = {eta} for epoch {epoch}")
        loss_sum, hits, finished = _epoch(call, eta)
        if not finished:
            break  # a callback asked to stop mid-epoch
        if s.evaluate:
            loss_sum, hits = evaluate_cost(net, X, Y, kind)
            loss_sum = loss_sum * n + n * penalty(net.weights, s.l2, s.l1, n)
        record = {
            "loss_epoch": loss_sum / n,
            "eta_epoch": eta,
            "accuracy_epoch": None if kind is None else hits / n,
        }
        if validation is not None:
            record |= _validate(net, validation, s, n)
        history.record_epoch(**record)
        _call(callbacks, "on_epoch_end", net, history, epoch)
        if stopper is not None and stopper.should_stop(history, ws.theta):
            break
        if call.stop_requested():
            break
    if stopper is not None:
        stopper.finish(history, ws.theta)
    _call(callbacks, "on_train_end", net, history)
    return history


def _epoch(call: TrainingCall, eta: float) -> tuple[float, int, bool]:
    """One pass over the (shuffled) mini-batches at learning rate η: a step each.

    Returns the sum over the samples of the mini-batch losses, how many samples were
    classified right then (each step writes its outputs into the epoch's, which are
    compared with ``call.classes`` in one pass at the end), and whether the epoch ran to
    its end (False: a callback set ``stop_training``).

    The steps run under one ``np.errstate`` (see :meth:`Workspace.gradients
    <backproplab.engine.workspace.Workspace.gradients>`); the loop checks the loss and the
    gradient itself, and callbacks run under the caller's (switching costs about 1 µs a
    step, so it is skipped when the caller's is the loop's).
    """
    ws, s, history = call.ws, call.settings, call.history
    X, Y, n = call.X, call.Y, call.X.shape[0]
    order = call.rng.permutation(n) if s.shuffle else None
    caller_errstate = np.geterr()
    same_errstate = caller_errstate == caller_errstate | _LOOP_ERRSTATE
    weight_norms = ws.weight_norms()
    loss_sum = 0.0
    outputs = None if call.kind is None else ws.epoch_outputs(n, s.batch_size)  # per batch
    # the loop's names bound once: on a small network each step is only a few microseconds
    batch, gradients, grad_norms_of = ws.batch, ws.gradients, ws.grad_norms
    weight_norms_of, record = ws.weight_norms, history.record_step
    update, theta, grad = s.optimizer.update_overwriting_grad, ws.theta, ws.grad
    bs, dropout, penalised = s.batch_size, s.dropout, bool(s.l2 or s.l1)
    on_step, callbacks = call.on_step, call.callbacks
    with np.errstate(**_LOOP_ERRSTATE):
        for k, start in enumerate(range(0, n, bs)):
            m = min(bs, n - start)
            A0, Yb = batch(X, Y, order, start, m)
            masks = ws.draw_masks(m, dropout, call.rng) if dropout else None
            loss = gradients(A0, Yb, masks, None if outputs is None else outputs[k])
            if penalised:
                loss += ws.add_penalty(s.l2, s.l1, n, weight_norms[:-1])
            grad_norms = grad_norms_of()
            problem = ws.problem_with_step(loss, eta, grad_norms[-1], weight_norms[-1])
            if problem:
                raise _diverged(history, problem)
            loss_sum += loss * m
            update(theta, grad, eta)
            weight_norms = weight_norms_of()
            record(loss, grad_norms[:-1], weight_norms[:-1])
            if on_step and same_errstate:
                _step_end(on_step, call.net, history)
            elif on_step:
                with np.errstate(**caller_errstate):
                    _step_end(on_step, call.net, history)
            if callbacks and call.stop_requested():
                return loss_sum, 0, False
    if outputs is None:
        return loss_sum, 0, True
    predicted = predicted_classes(np.concatenate(outputs, axis=1), call.kind)  # (n,), in order
    truth = call.classes if order is None else call.classes[order]
    return loss_sum, int(np.count_nonzero(predicted == truth)), True


def _validate(net, validation, s: Settings, n: int) -> dict[str, float | None]:
    """The validation loss (with the same penalty as training) and accuracy."""
    X_val, Y_val = validation
    kind = label_kind(Y_val.T)
    loss, hits = evaluate_cost(net, X_val, Y_val, kind)
    loss += penalty(net.weights, s.l2, s.l1, n)
    accuracy = None if kind is None else hits / len(X_val)
    return {"val_loss_epoch": loss, "val_accuracy_epoch": accuracy}


class _EarlyStopping:
    """Stop once the monitored loss (:meth:`History.monitored`) has not fallen below the
    best so far by more than ``min_delta`` for ``patience`` epochs; keep a copy of θ at
    the best epoch when ``restore_best``."""

    def __init__(self, s: Settings, theta: np.ndarray):
        self.patience, self.min_delta, self.restore = s.patience, s.min_delta, s.restore_best
        self.best, self.best_epoch, self.waited = math.inf, None, 0
        self.best_theta = theta.copy() if self.restore else None

    def should_stop(self, history: History, theta: np.ndarray) -> bool:
        loss = float(history.monitored()[-1])
        if loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.waited = loss, history.n_epochs - 1, 0
            if self.restore:
                np.copyto(self.best_theta, theta)
            return False
        self.waited += 1
        history.stopped_early = self.waited >= self.patience
        return history.stopped_early

    def finish(self, history: History, theta: np.ndarray) -> None:
        history.best_epoch = self.best_epoch
        if self.restore and self.best_epoch is not None:
            np.copyto(theta, self.best_theta)  # in place: every view of θ sees it


def evaluate_cost(net, X: np.ndarray, Y: np.ndarray, kind: str | None) -> tuple[float, int]:
    """Mean cost C₀ of ``net`` over all samples (X (n, n_0), Y (n, n_L)) and the number
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


_LOOP_ERRSTATE = {"over": "ignore", "invalid": "ignore"}  # σ's e^{−z} overflows by design


def _step_end(on_step, net, history: History) -> None:
    for on_step_end in on_step:
        on_step_end(net, history, history.n_steps)


def _call(callbacks, method: str, *args) -> None:
    for cb in callbacks:
        fn = getattr(cb, method, None)
        if fn is not None:
            fn(*args)


def _diverged(history: History, why: str) -> TrainingDivergedError:
    epoch = history.n_steps // history.steps_per_epoch
    return TrainingDivergedError(
        f"training diverged at step {history.n_steps} (epoch {epoch}): {why}; the network "
        "keeps the parameters of the last finite step (try a smaller eta)",
        history.trimmed(),
    )
