"""Two experiments that show *why* training needs more than plain backprop.

**Learning slowdown** (Nielsen, chapter 3). One sigmoid neuron, ``a = σ(z)``, ``z = w x + b``,
started saturated (w = b = 2, input x = 1, so z = 4 and a ≈ 0.98) and asked to output y = 0.
By BP1 its error is ``δ = ∂C/∂a · σ′(z)``, and BP3/BP4 give ``∂C/∂b = δ``, ``∂C/∂w = δ x``:

- quadratic cost ``C = ½(a − y)²``: ``δ = (a − y) σ′(z)``. Near saturation σ′(z) = a(1 − a)
  is tiny (σ′(4) ≈ 0.018), so the neuron that is *most* wrong learns *slowest*;
- cross-entropy ``C = −[y ln a + (1 − y) ln(1 − a)]``: ``∂C/∂a = (a − y) / (a(1 − a))``
  cancels σ′ exactly and ``δ = a − y``: the further off, the faster it learns.

:func:`learning_slowdown` trains the same neuron with both costs (the same η, one example,
one step per epoch) and returns every epoch's w, b, z, a, σ′(z), cost and gradient.

**Vanishing gradients** (Nielsen, chapter 5). In a deep sigmoid network BP2,
``δ^ℓ = (W^{ℓ+1})ᵀ δ^{ℓ+1} ⊙ σ′(z^ℓ)``, multiplies the error by a factor ``Wᵀ σ′`` per
layer on its way back. With N(0, 1/n_in) weights z stays where σ′ ≈ 1/4 while ``‖Wᵀδ‖ ≈
‖δ‖``, so each layer divides the error by about four and the first layer's gradient
``∂C/∂W^1 = δ^1 (a^0)ᵀ`` ends up about a thousandth of the last's after five layers: it
learns a thousand times slower. With N(0, 1) weights the z's are large and σ′ smaller still,
but the √n_in-times larger weights make up for most of it (the first layer learns about a
third as fast as the last, in a saturated network); ReLU, whose σ′ is 0 or 1, with He's
N(0, 2/n_in) keeps every layer's gradient about the same size.

:func:`vanishing_gradients` trains a deep narrow network on the digits three ways — sigmoid
with N(0, 1) weights (``"gaussian"``), sigmoid with N(0, 1/n_in) (``"scaled"``), ReLU with
He's N(0, 2/n_in) (``"he"``) — and returns the exact Frobenius norm ``‖∂C/∂W^ℓ‖`` of every
layer at every step, which the training loop records anyway (``History.grad_norm``).

Both functions are pure: the same arguments give the same arrays. The figures are in
:mod:`backproplab.viz.lessons`.

>>> s = learning_slowdown(epochs=30)
>>> float(s.quadratic.cost[-1] / s.quadratic.cost[0]) > 0.95      # barely moved
True
>>> float(s.cross_entropy.cost[-1] / s.cross_entropy.cost[0]) < 0.1
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import datasets
from .labels import one_hot
from .network import Network
from .validation import check_positive_float, check_positive_int

Array = np.ndarray

__all__ = [
    "SETTING_LABELS",
    "SLOWDOWN_COSTS",
    "VANISHING_SETTINGS",
    "Slowdown",
    "SlowdownRun",
    "Vanishing",
    "VanishingRun",
    "learning_slowdown",
    "vanishing_gradients",
]

# -- learning slowdown -----------------------------------------------------------------------

#: The two costs compared, by the names :class:`~backproplab.network.Network` takes.
SLOWDOWN_COSTS = ("quadratic", "cross_entropy")


@dataclass(frozen=True)
class SlowdownRun:
    """One neuron's training, epoch by epoch (one example, so one step per epoch).

    Every array has shape (epochs + 1,): entry 0 is before training, entry k after epoch k.
    The gradient at entry k is the one the (k+1)-th step takes: ``w_{k+1} = w_k − η ∂C/∂w``.

    Attributes:
        cost_name: ``"quadratic"`` or ``"cross_entropy"``.
        w, b: the weight and bias.
        z: ``w x + b``. a: ``σ(z)``. sigma_prime: ``σ′(z) = a (1 − a)``, BP1's factor.
        cost: the cost C of the one example.
        grad_w: ``∂C/∂w = δ x`` (BP4). grad_b: ``∂C/∂b = δ`` (BP3), from
            :meth:`Network.backprop`.
    """

    cost_name: str
    w: Array
    b: Array
    z: Array
    a: Array
    sigma_prime: Array
    cost: Array
    grad_w: Array
    grad_b: Array

    @property
    def epochs(self) -> Array:
        """0, 1, …, epochs: the x axis of every per-epoch array."""
        return np.arange(len(self.w))

    def epochs_until(self, a_below: float) -> int | None:
        """The first epoch after which the output is below ``a_below`` (None if never)."""
        hits = np.flatnonzero(self.a < a_below)
        return int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class Slowdown:
    """The saturated neuron trained with the quadratic cost and with cross-entropy.

    Attributes:
        quadratic, cross_entropy: the two :class:`SlowdownRun`.
        w0, b0, x, y, eta: the start, the input, the target and the learning rate.
    """

    quadratic: SlowdownRun
    cross_entropy: SlowdownRun
    w0: float
    b0: float
    x: float
    y: float
    eta: float

    @property
    def runs(self) -> tuple[SlowdownRun, SlowdownRun]:
        return (self.quadratic, self.cross_entropy)

    def summary(self, early: int = 30) -> str:
        """A few lines: the start, and for each cost the first gradient, the cost's fall
        over the first ``early`` epochs and when the output first drops below 0.5."""
        q = self.quadratic
        early = min(early, len(q.w) - 1)
        lines = [
            f"one sigmoid neuron, w = {self.w0:g}, b = {self.b0:g}, x = {self.x:g}, "
            f"target y = {self.y:g}, eta = {self.eta:g}, {len(q.w) - 1} epochs",
            f"start: z = {q.z[0]:.3g}, a = {q.a[0]:.4f}, sigma'(z) = {q.sigma_prime[0]:.4f}",
        ]
        for run in self.runs:
            half = run.epochs_until(0.5)
            lines.append(
                f"{run.cost_name}: first dC/dw = {run.grad_w[0]:.4g}; cost {run.cost[0]:.4g} -> "
                f"{run.cost[early]:.4g} after {early} epochs ({_fall(run.cost, early)}); "
                + (f"a < 0.5 after epoch {half}" if half is not None else "a stays above 0.5")
            )
        return "\n".join(lines)


class _NeuronRecorder:
    """A training callback keeping a [1, 1] network's (w, b) and its gradient
    (∂C/∂w, ∂C/∂b) on the example (X, Y) before the first step and after every step."""

    def __init__(self, net: Network, X: Array, Y: Array):
        self.X, self.Y = X, Y
        self.w: list[float] = []
        self.b: list[float] = []
        self.grad_w: list[float] = []
        self.grad_b: list[float] = []
        self.record(net)

    def record(self, net: Network) -> None:
        grads_w, grads_b = net.backprop(self.X, self.Y)  # BP1–BP4, (1, 1) arrays
        self.w.append(float(net.weights[0][0, 0]))
        self.b.append(float(net.biases[0][0, 0]))
        self.grad_w.append(float(grads_w[0][0, 0]))
        self.grad_b.append(float(grads_b[0][0, 0]))

    def on_step_end(self, net, history, step) -> None:
        self.record(net)


def _finite(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


def _sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^{−z}), without overflow for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


def _train_neuron(cost: str, w0, b0, x, y, eta, epochs) -> SlowdownRun:
    net = Network(
        [1, 1], activation="sigmoid", cost=cost,
        weights=[np.array([[w0]])], biases=[np.array([[b0]])],
    )  # fmt: skip
    X, Y = np.array([[x]]), np.array([[y]])  # one example: (n_samples, 1) each
    recorder = _NeuronRecorder(net, X, Y)
    history = net.train(X, Y, epochs=epochs, batch_size=1, eta=eta, shuffle=False,
                        callbacks=[recorder], evaluate=False)  # fmt: skip
    w, b = np.array(recorder.w), np.array(recorder.b)
    z = w * x + b
    a = _sigmoid(z)
    # The loop recorded the cost before each step; the cost after the last is one more.
    cost_values = np.append(history.loss_step, net.cost(X, Y))
    return SlowdownRun(
        cost, w, b, z, a, a * (1 - a), cost_values,
        np.array(recorder.grad_w), np.array(recorder.grad_b),
    )  # fmt: skip


def learning_slowdown(
    *,
    w: float = 2.0,
    b: float = 2.0,
    x: float = 1.0,
    y: float = 0.0,
    eta: float = 0.15,
    epochs: int = 300,
) -> Slowdown:
    """Train one sigmoid neuron (``Network([1, 1])``) from (w, b) on the single example
    (x, y), once with the quadratic cost and once with cross-entropy, by plain gradient
    descent with the same η.

    BP1 for this neuron, ``z = w x + b``, ``a = σ(z)``:

    - quadratic, ``C = ½(a − y)²``: ``δ = (a − y) σ′(z)``, ``∂C/∂w = (a − y) σ′(z) x``;
    - cross-entropy, ``C = −[y ln a + (1 − y) ln(1 − a)]``: ``δ = a − y``,
      ``∂C/∂w = (a − y) x``.

    The defaults are Nielsen's saturated start: w = b = 2, x = 1, y = 0 (a ≈ 0.98,
    σ′(z) ≈ 0.018), η = 0.15, 300 epochs.

    Returns:
        a :class:`Slowdown` holding one :class:`SlowdownRun` per cost.

    Raises:
        ValueError: if y is outside [0, 1] (a sigmoid cannot reach it), η or epochs are not
            positive, or a number is not finite.
    """
    w0, b0, x = _finite(w, "w"), _finite(b, "b"), _finite(x, "x")
    y = _finite(y, "y")
    if not 0.0 <= y <= 1.0:
        raise ValueError(f"y must be in [0, 1], the sigmoid neuron's range, got {y}")
    eta = check_positive_float(eta, "eta")
    epochs = check_positive_int(epochs, "epochs")
    runs = [_train_neuron(cost, w0, b0, x, y, eta, epochs) for cost in SLOWDOWN_COSTS]
    return Slowdown(*runs, w0=w0, b0=b0, x=x, y=y, eta=eta)


# -- vanishing gradients ---------------------------------------------------------------------

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
    """

    setting: str
    activation: str
    init: str
    grad_norm: Array
    loss_epoch: Array
    accuracy_epoch: Array
    steps_per_epoch: int

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
        lines = [
            f"{list(self.sizes)} on {self.n_samples} standardised digits, {self.epochs} epochs, "
            f"batch {self.batch_size}, eta {self.eta:g}, seed {self.seed}",
            "median |dC/dW^l| over training, layer 1 (input side) to layer "
            f"{len(self.sizes) - 1} (output):",
        ]
        for name, run in self.runs.items():
            norms = " ".join(f"{g:.2e}" for g in run.median_grad_norm)
            lines.append(
                f"  {name:8s} ({SETTING_LABELS[name]}): {norms}; layer 1 / last = "
                f"{run.first_to_last:.3g}; accuracy {run.accuracy_epoch[-1]:.1%}"
            )
        return "\n".join(lines)


def _fall(cost: Array, epoch: int) -> str:
    """How much the cost fell by ``epoch``, as a percentage of where it started."""
    return f"{100 * (1 - cost[epoch] / cost[0]):.1f}% lower"


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
        # evaluate=True: loss and accuracy by an exact pass over the data after each epoch
        h = net.train(X, Y, epochs=epochs, batch_size=batch_size, eta=eta, seed=seed,
                      evaluate=True)  # fmt: skip
        runs[name] = VanishingRun(
            name, activation, init, h.grad_norm, h.loss_epoch, h.accuracy_epoch,
            h.steps_per_epoch,
        )  # fmt: skip
    return Vanishing(sizes, runs, len(X), epochs, batch_size, eta, seed)
