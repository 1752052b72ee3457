"""**Learning slowdown** (Nielsen, chapter 3). One sigmoid neuron, ``a = σ(z)``, ``z = w x + b``,
started saturated (w = b = 2, input x = 1, so z = 4 and a ≈ 0.98) and asked to output y = 0.
By BP1 its error is ``δ = ∂C/∂a · σ′(z)``, and BP3/BP4 give ``∂C/∂b = δ``, ``∂C/∂w = δ x``:

- quadratic cost ``C = ½(a − y)²``: ``δ = (a − y) σ′(z)``. Near saturation σ′(z) = a(1 − a)
  is tiny (σ′(4) ≈ 0.018), so the neuron that is *most* wrong learns *slowest*;
- cross-entropy ``C = −[y ln a + (1 − y) ln(1 − a)]``: ``∂C/∂a = (a − y) / (a(1 − a))``
  cancels σ′ exactly and ``δ = a − y``: the further off, the faster it learns.

:func:`learning_slowdown` trains the same neuron with both costs (the same η, one example,
one step per epoch) and returns every epoch's w, b, z, a, σ′(z), cost and gradient.

The figure is :func:`backproplab.viz.lessons.plot_slowdown`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..network import Network
from ..validation import check_positive_float, check_positive_int

Array = np.ndarray

#: The two costs compared, by the names :class:`~backproplab.network.Network` takes.
SLOWDOWN_COSTS = ("quadratic", "cross_entropy")

#: A start is *saturated* when BP1's factor σ′(z) is below a fifth of its largest value ¼
#: (``|z| > 2.9``, a within 0.05 of 0 or 1): the quadratic cost's δ = (a − y) σ′(z) is then
#: at least five times smaller than cross-entropy's δ = a − y.
SATURATED_SIGMA_PRIME = 0.05

#: The two starts the lesson compares (Nielsen's): saturated, and not.
STARTS = {"saturated": {"w": 2.0, "b": 2.0}, "unsaturated": {"w": 0.6, "b": 0.9}}


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

    @property
    def sigma_prime_at_start(self) -> float:
        """σ′(z) of the untrained neuron (both runs start from the same w, b)."""
        return float(self.quadratic.sigma_prime[0])

    @property
    def saturated(self) -> bool:
        """Whether the start is saturated: σ′(z) < :data:`SATURATED_SIGMA_PRIME`."""
        return self.sigma_prime_at_start < SATURATED_SIGMA_PRIME

    def describe_start(self) -> str:
        """``"w = 2, b = 2: z = 4, a = 0.982, σ′(z) = 0.018 (saturated)"``, from the run."""
        q = self.quadratic
        state = "saturated" if self.saturated else "not saturated"
        return (
            f"w = {self.w0:g}, b = {self.b0:g}: z = {q.z[0]:.3g}, a = {q.a[0]:.3f}, "
            f"σ′(z) = {self.sigma_prime_at_start:.3f} ({state})"
        )

    def epochs_to_half(self) -> dict[str, int | None]:
        """Per cost, the first epoch after which the output is below 0.5 (None: never)."""
        return {run.cost_name: run.epochs_until(0.5) for run in self.runs}

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


def slowdown_starts(**kwargs) -> tuple[Slowdown, Slowdown]:
    """The lesson's two starts side by side: :func:`learning_slowdown` from the saturated
    start (w = b = 2: z = 4, σ′(z) = 0.018) and from the unsaturated one (w = 0.6, b = 0.9:
    z = 1.5, σ′(z) = 0.149), with the same x, y, η and epochs (``kwargs``). The quadratic
    cost stalls only in the first; cross-entropy learns fast in both."""
    if "w" in kwargs or "b" in kwargs:
        raise TypeError("slowdown_starts uses the lesson's two starts; give x, y, eta, epochs")
    return tuple(learning_slowdown(**STARTS[name], **kwargs) for name in STARTS)  # type: ignore[return-value]


def _fall(cost: Array, epoch: int) -> str:
    """How much the cost fell by ``epoch``, as a percentage of where it started."""
    return f"{100 * (1 - cost[epoch] / cost[0]):.1f}% lower"
