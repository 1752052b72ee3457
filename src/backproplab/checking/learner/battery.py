"""The fixed, seeded battery of cases a learner's backprop is run on.

Each :class:`Case` is one small network with its parameters and one batch, in the
engine's layout (one column per sample): ``weights[ℓ−1]`` is ``W^ℓ`` (n_ℓ, n_{ℓ−1}),
``biases[ℓ−1]`` is ``b^ℓ`` (n_ℓ, 1), ``X`` is (n_0, m) and ``Y`` is (n_L, m).

The cases are chosen to expose the usual mistakes: the 1-D chain (every quantity a
number), one hidden layer, deep and narrow (square layers, where a transposed W or a
layer index off by one still has the right shape and only the values give it away),
wide, mixed widths (where the same mistakes break the shapes), a batch of one sample and
of several (a sum instead of a mean shows only with several), sigmoid and other
activations, the quadratic cost and cross-entropy.

>>> cases = build_battery("nielsen")
>>> [c.sizes for c in cases[:3]]
[[1, 1, 1, 1], [2, 3, 1], [2, 2, 2, 2, 2]]
>>> cases[0].X.shape, cases[0].Y.shape      # one sample: columns (n_0, 1) and (n_L, 1)
((1, 1), (1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ...engine.activations import Activation, get_activation
from ...engine.costs import Cost, get_cost

Array = np.ndarray

SEED = 19
BATCH = 5  # "many" samples: enough that a sum and a mean differ by an unmistakable factor

ARCHITECTURES = (
    ("1-D chain", [1, 1, 1, 1]),
    ("single hidden layer", [2, 3, 1]),
    ("deep and narrow", [2, 2, 2, 2, 2]),
    ("wide", [3, 12, 2]),
    ("mixed widths", [4, 3, 5, 2]),
)
# the architectures that also run with other activations and with cross-entropy
VARIED = ("single hidden layer", "deep and narrow")


@dataclass(frozen=True, eq=False)
class Case:
    """One network and one batch to run backprop on.

    Attributes:
        name: what the case is meant to expose ("deep and narrow", …).
        sizes: neurons per layer, input first.
        activation: σ of every layer, by name. cost: the per-example cost, by name.
        weights, biases: ``W^ℓ`` (n_ℓ, n_{ℓ−1}) and ``b^ℓ`` (n_ℓ, 1) for ℓ = 1 … L.
        X: inputs (n_0, m). Y: targets (n_L, m). One column per sample.
    """

    name: str
    sizes: list[int]
    activation: str
    cost: str
    weights: list[Array] = field(repr=False)
    biases: list[Array] = field(repr=False)
    X: Array = field(repr=False)
    Y: Array = field(repr=False)

    @property
    def n_layers(self) -> int:
        """L, the number of layers with weights (the output layer's index)."""
        return len(self.sizes) - 1

    @property
    def n_samples(self) -> int:
        return self.X.shape[1]

    @property
    def layer_activations(self) -> list[Activation]:
        return [get_activation(self.activation)] * self.n_layers

    @property
    def cost_function(self) -> Cost:
        return get_cost(self.cost, self.activation)

    def describe(self) -> str:
        """``'deep and narrow' [2, 2, 2, 2, 2], sigmoid, quadratic cost, 1 sample``."""
        m = self.n_samples
        samples = "1 sample" if m == 1 else f"a batch of {m}"
        cost = self.cost.replace("_", "-")
        return f"{self.name!r} {self.sizes}, {self.activation}, {cost} cost, {samples}"


def make_case(name: str, sizes: Sequence[int], activation: str, cost: str, m: int, seed) -> Case:
    """A case with N(0, 1) parameters and inputs, and targets that suit the output:
    uniform in the output's range for the quadratic cost, 0/1 for cross-entropy."""
    rng = np.random.default_rng(seed)
    sizes = list(sizes)
    weights = [
        rng.standard_normal((n, n_in)) for n_in, n in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
    X = rng.standard_normal((sizes[0], m))  # (n_0, m)
    if cost == "cross_entropy":
        Y = rng.integers(0, 2, (sizes[-1], m)).astype(float)
    elif activation == "tanh":
        Y = rng.uniform(-1, 1, (sizes[-1], m))
    else:
        Y = rng.uniform(0, 1, (sizes[-1], m))
    return Case(name, sizes, activation, cost, weights, biases, X, Y)


def build_battery(
    style: str,
    activations: Sequence[str] = ("sigmoid",),
    costs: Sequence[str] = ("quadratic", "cross_entropy"),
    seed: int = SEED,
) -> list[Case]:
    """The cases for one calling convention, simplest first.

    ``"nielsen"`` runs one sample per case (Nielsen's ``backprop(x, y)`` is per example);
    ``"batch"`` runs every architecture on a batch of 1 and of :data:`BATCH` samples.
    Every architecture runs with the sigmoid and the first cost; each further activation
    and each further cost run on the :data:`VARIED` architectures, with the same batch
    sizes (so that with one sample each layer's δ can be read off its gradients).
    """
    batches = (1,) if style == "nielsen" else (1, BATCH)
    base = costs[0]
    specs = [(name, sizes, "sigmoid", base, m) for name, sizes in ARCHITECTURES for m in batches]
    varied = [(name, sizes) for name, sizes in ARCHITECTURES if name in VARIED]
    for act in activations:
        if act != "sigmoid":  # one sample too, so that each layer's δ can be read off
            specs += [(name, sizes, act, base, m) for name, sizes in varied for m in batches]
    for cost in costs[1:]:
        specs += [(name, sizes, "sigmoid", cost, m) for name, sizes in varied for m in batches]
    return [make_case(*spec, seed=[seed, i]) for i, spec in enumerate(specs)]
