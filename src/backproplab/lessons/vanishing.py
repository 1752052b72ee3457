"""**Vanishing gradients** (Nielsen, chapter 5). In a deep sigmoid network BP2,
``δ^ℓ = (W^{ℓ+1})ᵀ δ^{ℓ+1} ⊙ σ′(z^ℓ)``, multiplies the error by a factor ``Wᵀ σ′`` per
layer on its way back. With N(0, 1/n_in) weights z stays where σ′ ≈ 1/4 while ``‖Wᵀδ‖ ≈
‖δ‖``, so each layer divides the error by about four and the first layer's gradient
``∂C/∂W^1 = δ^1 (a^0)ᵀ`` ends up about a thousandth of the last's after five layers: it
learns a thousand times slower. With N(0, 1) weights the z's are large and σ′ smaller still,
but the √n_in-times larger weights make up for part of it: in the untrained network the
first layer's gradient is about 1/30 of the last's, and training evens that out to about
a third; ReLU, whose σ′ is 0 or 1, with He's
N(0, 2/n_in) keeps every layer's gradient about the same size.

:func:`vanishing_gradients` trains a deep narrow network on the digits three ways — sigmoid
with N(0, 1) weights (``"gaussian"``), sigmoid with N(0, 1/n_in) (``"scaled"``), ReLU with
He's N(0, 2/n_in) (``"he"``) — and keeps, as Nielsen's chapter 5 measures it, the norm of
each *hidden* layer's error ``‖δ^ℓ‖ = ‖∂C/∂b^ℓ‖`` (BP3) of the whole training set's mean
cost, in the untrained network and ten times per epoch; and ``‖∂C/∂W^ℓ‖`` of every layer
at every step, which the training loop records anyway (``History.grad_norm``).

Untrained, on 1000 digits with [64, 30, 30, 30, 30, 30, 10], ‖δ¹‖ / ‖δ⁵‖ is about 0.001
for ``"scaled"`` (each hidden layer's δ about four times smaller than the next one's), 0.05
for ``"gaussian"`` and 0.5 for ``"he"``: the contrast the lesson shows.

The figure is :func:`backproplab.viz.lessons.plot_vanishing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..data import datasets
from ..data.labels import one_hot
from ..network import Network
from ..validation import check_positive_float, check_positive_int

Array = np.ndarray

#: The three ways to build the deep network: name -> (hidden activation, initialiser).
VANISHING_SETTINGS: dict[str, tuple[str, str]] = {
    "gaussian": ("sigmoid", "gaussian"),  # W ~ N(0, 1): Nielsen's network.py
    "scaled": ("sigmoid", "scaled"),  # W ~ N(0, 1/n_in): network2.py
    "he": ("relu", "he"),  # W ~ N(0, 2/n_in) with ReLU: He et al.
}

#: A human label for each setting, for legends and summaries.
SETTING_LABELS = {
    "gaussian": "sigmoid, W ~ N(0, 1)",
    "scaled": "sigmoid, W ~ N(0, 1/n_in)",
    "he": "ReLU, W ~ N(0, 2/n_in) (He)",
}


@dataclass(frozen=True)
class VanishingRun:
    """One deep network's training.

    Attributes:
        setting: a key of :data:`VANISHING_SETTINGS`.
        activation, init: the hidden layers' activation and the initialiser.
        grad_norm: ``‖∂C/∂W^ℓ‖`` (Frobenius) of the mini-batch's mean cost at every step,
            shape (n_steps, L); column ℓ − 1 is layer ℓ.
        loss_epoch: the cost over the training set after each epoch, (epochs,).
        accuracy_epoch: the training accuracy after each epoch, (epochs,).
        steps_per_epoch: mini-batches per epoch.
        start_grad_norm: ``‖∂C/∂W^ℓ‖`` of the whole training set's mean cost in the
            untrained network, (L,) — free of mini-batch noise.
        delta_norm: ``‖δ^ℓ‖ = ‖∂C/∂b^ℓ‖`` of the whole training set's mean cost for the
            hidden layers ℓ = 1 … L − 1, (n_records, L − 1): Nielsen's measurement of each
            hidden layer's speed of learning; row 0 is the untrained network.
        delta_steps: the step after which each row was taken, (n_records,) (0: before
            training).
    """

    setting: str
    activation: str
    init: str
    grad_norm: Array
    loss_epoch: Array
    accuracy_epoch: Array
    steps_per_epoch: int
    start_grad_norm: Array
    delta_norm: Array
    delta_steps: Array

    @property
    def start_delta_norm(self) -> Array:
        """``‖δ^ℓ‖`` of the hidden layers in the untrained network, (L − 1,)."""
        return self.delta_norm[0]

    @property
    def delta_first_to_last(self) -> float:
        """‖δ¹‖ / ‖δ^{L−1}‖, first hidden layer over last, untrained: ≪ 1 when the error
        vanishes on its way back (Nielsen's comparison)."""
        return float(self.delta_norm[0, 0] / self.delta_norm[0, -1])

    @property
    def median_grad_norm(self) -> Array:
        """Each layer's median ``‖∂C/∂W^ℓ‖`` over all steps, shape (L,): its typical
        speed of learning."""
        return np.median(self.grad_norm, axis=0)

    @property
    def first_to_last(self) -> float:
        """The first layer's median gradient norm over the last layer's: ≪ 1 when the
        gradient vanishes on its way back."""
        m = self.median_grad_norm
        return float(m[0] / m[-1])

    @property
    def first_to_last_at_start(self) -> float:
        """The same ratio in the untrained network, on the whole training set (what Nielsen
        measures): a saturated sigmoid network starts far more lopsided than it stays."""
        return float(self.start_grad_norm[0] / self.start_grad_norm[-1])


@dataclass(frozen=True)
class Vanishing:
    """The deep network trained in each setting.

    Attributes:
        sizes: the layer sizes, input first.
        runs: setting name -> :class:`VanishingRun`, in the order asked for.
        n_samples, epochs, batch_size, eta, seed: how they were trained.
    """

    sizes: tuple[int, ...]
    runs: dict[str, VanishingRun]
    n_samples: int
    epochs: int
    batch_size: int
    eta: float
    seed: int

    def summary(self) -> str:
        """A few lines: per setting, each layer's median gradient norm, the first layer's
        over the last's, and the final training accuracy."""
        hidden = len(self.sizes) - 2
        lines = [
            f"{list(self.sizes)} on {self.n_samples} standardised digits, {self.epochs} epochs, "
            f"batch {self.batch_size}, eta {self.eta:g}, seed {self.seed}",
            f"|delta^l| = |dC/db^l| of the whole training set, untrained, hidden layer 1 to "
            f"{hidden}:",
        ]
        for name, run in self.runs.items():
            norms = " ".join(f"{g:.2e}" for g in run.start_delta_norm)
            lines.append(
                f"  {name:8s} ({SETTING_LABELS[name]}): {norms}; layer 1 / layer {hidden} = "
                f"{run.delta_first_to_last:.3g}"
            )
        lines.append(
            "median |dC/dW^l| over training, layer 1 (input side) to layer "
            f"{len(self.sizes) - 1} (output):"
        )
        for name, run in self.runs.items():
            norms = " ".join(f"{g:.2e}" for g in run.median_grad_norm)
            lines.append(
                f"  {name:8s} ({SETTING_LABELS[name]}): {norms}; layer 1 / last = "
                f"{run.first_to_last:.3g} (at the first step {run.first_to_last_at_start:.3g}); "
                f"accuracy {run.accuracy_epoch[-1]:.1%}"
            )
        return "\n".join(lines)


class _DeltaRecorder:
    """A training callback: ``‖∂C/∂b^ℓ‖`` (= ‖δ^ℓ‖ of the mean cost, BP3) of the hidden
    layers over the whole training set, before training and every ``every`` steps."""

    def __init__(self, X: Array, Y: Array, every: int):
        self.X, self.Y, self.every = X, Y, every
        self.norms: list[list[float]] = []
        self.steps: list[int] = []

    def record(self, net, step: int) -> None:
        grads_b = net.backprop(self.X, self.Y)[1]
        self.norms.append([float(np.linalg.norm(g)) for g in grads_b[:-1]])
        self.steps.append(step)

    def on_train_begin(self, net, history) -> None:
        self.record(net, 0)

    def on_step_end(self, net, history, step: int) -> None:
        if step % self.every == 0:
            self.record(net, step)


def digits_standardised(n_samples: int | None = None, seed: int = 0) -> tuple[Array, Array]:
    """The bundled 8×8 digits, each pixel standardised to mean 0 and variance 1 over the
    samples used, with one-hot targets: ``X`` (n, 64) and ``Y`` (n, 10). ``n_samples``
    picks that many at random (with ``seed``); None keeps all 1797."""
    X, y = datasets.digits()
    if n_samples is not None:
        n_samples = check_positive_int(n_samples, "n_samples")
        if n_samples > len(X):
            raise ValueError(f"n_samples must be at most {len(X)} (the digits), got {n_samples}")
        keep = np.sort(np.random.default_rng(seed).choice(len(X), n_samples, replace=False))
        X, y = X[keep], y[keep]
    X, _, _ = datasets.standardize(X)
    return X, one_hot(y, classes=np.arange(10))


def vanishing_gradients(
    *,
    sizes: Sequence[int] = (64, 30, 30, 30, 30, 30, 10),
    settings: Sequence[str] = ("gaussian", "scaled", "he"),
    epochs: int = 4,
    batch_size: int = 10,
    eta: float = 0.1,
    n_samples: int | None = 1000,
    seed: int = 0,
) -> Vanishing:
    """Train a deep narrow network on the standardised digits in each setting and keep
    every layer's gradient norm at every step.

    Every setting uses the same data, mini-batches (same seed), η, softmax output and
    categorical cross-entropy (so BP1 is ``δ^L = a^L − y`` in each): only the hidden
    activation and the initial weights differ. The gradient reaching layer ℓ is, by BP2,

        ``δ^ℓ = σ′(z^ℓ) ⊙ (W^{ℓ+1})ᵀ σ′(z^{ℓ+1}) ⊙ … ⊙ (W^L)ᵀ δ^L``,

    a product of one factor ``(W^{k})ᵀ diag σ′(z^{k−1})`` per layer it passes; the learning
    speed of layer ℓ is ``‖∂C/∂W^ℓ‖ = ‖δ^ℓ (a^{ℓ−1})ᵀ‖``.

    Args:
        sizes: the layers, input first; the input must be 64 and the output 10.
        settings: keys of :data:`VANISHING_SETTINGS`.
        epochs, batch_size, eta: plain mini-batch SGD.
        n_samples: digits used (chosen with ``seed``); None for all 1797.
        seed: for the sample choice, every network's initial weights and the shuffling.

    Returns:
        a :class:`Vanishing`.
    """
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 3 or sizes[0] != 64 or sizes[-1] != 10:
        raise ValueError(
            f"sizes must start with 64 inputs (8×8 pixels), end with 10 outputs (digits) and "
            f"have at least one hidden layer, got {list(sizes)}"
        )
    settings = list(settings)
    unknown = [s for s in settings if s not in VANISHING_SETTINGS]
    if unknown or not settings:
        raise ValueError(
            f"settings must be some of {', '.join(VANISHING_SETTINGS)}, got {settings}"
        )
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    eta = check_positive_float(eta, "eta")
    X, Y = digits_standardised(n_samples, seed)
    runs = {}
    for name in settings:
        activation, init = VANISHING_SETTINGS[name]
        net = Network(sizes, activation=activation, output_activation="softmax",
                      cost="cross_entropy", init=init, seed=seed)  # fmt: skip
        start = [float(np.linalg.norm(g)) for g in net.backprop(X, Y)[0]]
        deltas = _DeltaRecorder(X, Y, every=max(1, -(-len(X) // batch_size) // 10))
        # evaluate=True: loss and accuracy by an exact pass over the data after each epoch
        h = net.train(X, Y, epochs=epochs, batch_size=batch_size, eta=eta, seed=seed,
                      evaluate=True, callbacks=[deltas])  # fmt: skip
        runs[name] = VanishingRun(
            name, activation, init, h.grad_norm, h.loss_epoch, h.accuracy_epoch,
            h.steps_per_epoch, np.array(start), np.array(deltas.norms), np.array(deltas.steps),
        )  # fmt: skip
    return Vanishing(sizes, runs, len(X), epochs, batch_size, eta, seed)
