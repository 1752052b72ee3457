"""Training callbacks: record what the network sees, and show progress.

Callbacks follow the protocol of :mod:`backproplab.training.loop`: any object with some of
``on_train_begin(net, history)``, ``on_step_end(net, history, step)``,
``on_epoch_end(net, history, epoch)`` and ``on_train_end(net, history)``.

**Asking training to stop.** A callback that sets its attribute ``stop_training`` to
True ends the ``train`` call: the loop reads the flag after every step (after all the
step's ``on_step_end`` calls) and after every epoch (after ``on_epoch_end``). Stopped
after a step, the steps taken are in the history and the epoch cut short is not recorded
as one; stopped after an epoch, that epoch is. Early stopping's ``restore_best`` and
every ``on_train_end`` still run, and ``train`` returns the history as usual: no
exception crosses the caller. The loop only reads the flag; a callback used for another
``train`` call sets it back to False itself (for example in ``on_train_begin``).

>>> import numpy as np
>>> from backproplab import Network
>>> class StopBelow:  # stop as soon as a mini-batch's loss falls below the threshold
...     def __init__(self, threshold):
...         self.threshold, self.stop_training = threshold, False
...     def on_step_end(self, net, history, step):
...         self.stop_training = history.loss_step[step - 1] < self.threshold
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> y = np.array([0.0, 1.0, 1.0, 1.0])
>>> history = Network([2, 3, 1], seed=0).train(X, y, epochs=1000, batch_size=4, eta=3.0,
...                                              callbacks=[StopBelow(0.05)])
>>> history.n_steps < 1000, bool(history.loss_step[-1] < 0.05)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from ..engine.costs import mean_cost
from ..engine.forward import feedforward
from ..validation import check_positive_int, check_X, check_XY


class StopAfter:
    """Ends each ``train`` call it is given to after ``steps`` steps of that call (mid-epoch
    if need be), through the ``stop_training`` flag.

    >>> import numpy as np
    >>> from backproplab import Network
    >>> X, y = np.zeros((10, 2)), np.ones(10)
    >>> Network([2, 1], seed=0).train(X, y, epochs=5, batch_size=4, eta=0.1,
    ...                               callbacks=[StopAfter(7)]).n_steps
    7
    """

    def __init__(self, steps: int):
        self.steps = check_positive_int(steps, "steps")
        self.stop_training = False

    def on_train_begin(self, net, history) -> None:
        self.stop_training = False

    def on_step_end(self, net, history, step: int) -> None:
        self.stop_training = history.n_steps >= self.steps


@dataclass
class Snapshot:
    """The network as it was after ``step`` steps (``epoch`` = step / steps per epoch).

    Attributes:
        layers: ``{ℓ: a^ℓ}`` for each recorded layer, of shape (n_samples, n_ℓ) — one row
            per recorded sample, the API's layout.
        loss: the mean cost over the recorded samples (NaN if no targets were given).
        weights, biases: copies of every W and b at that moment.
    """

    step: int
    epoch: float
    loss: float
    layers: dict[int, np.ndarray]
    weights: list[np.ndarray] = field(repr=False)
    biases: list[np.ndarray] = field(repr=False)


class Recorder:
    """Snapshot chosen layers' activations on fixed samples every ``every`` steps.

    Snapshots are taken before the first step (step 0), every ``every`` steps, and after
    the last step, so the first frame is the untrained network and the last the trained one.

    Args:
        X: the samples to follow, (n_samples, n_features).
        layers: the layers ℓ to record (0 is the input, L the output); default: all.
        every: steps between snapshots.
        Y: their targets, to record the loss at each snapshot (optional).

    >>> import numpy as np
    >>> from backproplab import Network
    >>> net = Network([2, 3, 1], seed=0)
    >>> X, y = np.zeros((4, 2)), np.zeros(4)
    >>> rec = Recorder(X, layers=[1], every=2)
    >>> _ = net.train(X, y, epochs=3, batch_size=2, eta=1.0, callbacks=[rec])
    >>> [s.step for s in rec.snapshots], rec.snapshots[-1].layers[1].shape
    ([0, 2, 4, 6], (4, 3))
    """

    def __init__(self, X, layers=None, every: int = 1, Y=None):
        self.X_raw, self.Y_raw = X, Y
        self.layers = None if layers is None else [int(ell) for ell in layers]
        self.every = check_positive_int(every, "every")
        self.snapshots: list[Snapshot] = []

    def on_train_begin(self, net, history) -> None:
        if self.Y_raw is None:
            self.X, self.Y = check_X(self.X_raw, net.sizes[0], net.dtype), None
        else:
            self.X, self.Y = check_XY(
                self.X_raw, self.Y_raw, net.sizes[0], net.sizes[-1], net.dtype
            )
        L = len(net.weights)
        layers = list(range(L + 1)) if self.layers is None else self.layers
        bad = [ell for ell in layers if not 0 <= ell <= L]
        if bad:
            raise ValueError(f"Recorder layers must be between 0 and {L}, got {bad}")
        self.layers = layers
        self._steps_per_epoch = history.steps_per_epoch
        self._snap(net, 0)

    def on_step_end(self, net, history, step: int) -> None:
        if step % self.every == 0:
            self._snap(net, step)

    def on_train_end(self, net, history) -> None:
        if not self.snapshots or self.snapshots[-1].step != history.n_steps:
            self._snap(net, history.n_steps)

    def _snap(self, net, step: int) -> None:
        activations = feedforward(net.weights, net.biases, self.X.T, net.layer_activations)[1]
        loss = np.nan
        if self.Y is not None:
            loss = mean_cost(net.cost_function, activations[-1], self.Y.T)
        self.snapshots.append(
            Snapshot(
                step=step,
                epoch=step / self._steps_per_epoch,
                loss=loss,
                layers={ell: activations[ell].T.copy() for ell in self.layers},
                weights=[W.copy() for W in net.weights],
                biases=[b.copy() for b in net.biases],
            )
        )


class ProgressBar:
    """A tqdm bar over training steps, showing the last epoch's loss and accuracy.

    With ``disable=None`` (the default) the bar is silent when output is not a terminal.
    """

    def __init__(
        self, total_steps: int, description: str = "training", disable: bool | None = None
    ):
        self.total, self.description, self.disable = total_steps, description, disable
        self.bar = None

    def on_train_begin(self, net, history) -> None:
        self.bar = tqdm(
            total=self.total, desc=self.description, unit="step", leave=False, disable=self.disable
        )

    def on_step_end(self, net, history, step: int) -> None:
        self.bar.update(1)

    def on_epoch_end(self, net, history, epoch: int) -> None:
        postfix = {"loss": f"{history.loss_epoch[epoch]:.4f}"}
        if history.accuracy_epoch is not None:
            postfix["acc"] = f"{history.accuracy_epoch[epoch]:.1%}"
        self.bar.set_postfix(postfix, refresh=False)

    def on_train_end(self, net, history) -> None:
        self.bar.close()
