"""From a playground's :class:`~.settings.PlaygroundSettings` to data, a network and what
the page draws.

Raw inputs X (n, d) (d = 2, or 1 for the toy data) go through the chosen features φ to the
network's inputs φ(X) (n, n_0); the panels are drawn over the raw inputs, so the input
space shows the decision regions of the network composed with φ (a Run's ``lift``, see
:func:`backproplab.viz.moments.activations_at`). A moment of the live page is a
:class:`~backproplab.formats.runfile.Run` of S = 1 snapshot, and
:func:`backproplab.viz.panels.page_data`
computes every panel's arrays from it, as for a report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import datasets
from ..data.labels import low_target, numeric_targets
from ..engine import feedforward
from ..formats.runfile import Run
from ..network import Network
from .settings import (
    DRAWN_CLASSES,
    FEATURES,
    MAX_NEURONS,
    ONE_D_FEATURES,
    PlaygroundSettings,
    check_problem,
)


@dataclass
class Data:
    """A data set split in two: raw inputs X (n, d), class index y (n,) into ``classes``
    (a regression: ``classes`` empty, y (n,) the real-valued targets), and the first
    ``n_train`` rows for training (the rest for testing)."""

    X: np.ndarray
    y: np.ndarray
    classes: list[str]
    n_train: int

    @property
    def regression(self) -> bool:
        return not self.classes


def make_data(s: PlaygroundSettings, csv: tuple[np.ndarray, np.ndarray] | None = None) -> Data:
    """The data ``s`` asks for, shuffled by ``s.data_seed`` and split by ``s.train_percent``.

    ``csv``: the uploaded ``(X, labels)`` when ``s.data`` is ``"csv"``. Points drawn by
    hand (``"drawn"``, ``s.points``) are all training points, in the order drawn, of the
    classes :data:`~.settings.DRAWN_CLASSES` (a class not drawn yet included), or of the
    values drawn in a regression. A regression's targets are real numbers (a CSV's labels
    read as numbers), its ``classes`` empty."""
    check_problem(s)
    regression = s.problem == "regression"
    if s.data == "drawn":
        if not s.points:
            raise ValueError("no points drawn yet: press draw and click on the input space")
        P = np.array(s.points, dtype=float)  # (n, 3): x1, x2, class or value
        if regression:
            return Data(P[:, :2], P[:, 2], [], len(P))
        return Data(P[:, :2], P[:, 2].astype(int), list(DRAWN_CLASSES), len(P))
    if s.data == "csv":
        if csv is None:
            raise ValueError("upload a CSV file first (x1,x2,label rows)")
        X, labels = csv
    elif s.data == "toy":
        X, labels = datasets.toy(s.n_samples)
    else:
        noise = data_noise(s.data, s.noise)
        X, labels = datasets.load(s.data, n_samples=s.n_samples, noise=noise, seed=s.data_seed)
    X = np.asarray(X, dtype=float)
    order = np.random.default_rng(s.data_seed).permutation(len(X))
    n_train = min(len(X) - 1, max(1, round(len(X) * s.train_percent / 100)))
    if regression:
        y = numeric_targets(labels)
        if y is None:
            raise ValueError("the CSV's label column holds text, not numbers: a regression needs "
                             "numeric targets; choose the problem classification")  # fmt: skip
        return Data(X[order], y[order], [], n_train)
    classes, y = np.unique(np.asarray(labels), return_inverse=True)
    if len(classes) > MAX_NEURONS:  # one output neuron a class: the layer cap holds there too
        raise ValueError(
            f"the data has {len(classes)} classes; the playground takes at most {MAX_NEURONS} "
            "(one output neuron each): merge classes or use fewer labels"
        )
    return Data(X[order], y[order], [str(c) for c in classes], n_train)


def data_noise(data: str, noise: float) -> float:
    """The ``noise`` a generator is given for the page's noise setting: blobs' noise is a
    spread, ten times the others'."""
    return noise * (10 if data == "blobs" else 1)


def features_for(s: PlaygroundSettings, d: int) -> list[str]:
    """The chosen features a data set of ``d`` raw inputs has (1-D data: those of x1)."""
    if d == 2:
        return list(s.features)
    kept = [f for f in s.features if f in ONE_D_FEATURES]
    return kept or ["x1"]


def lift(features: list[str]):
    """φ: raw inputs as columns (d, m) → the network's inputs (n_0, m), one row a feature."""

    def phi(A: np.ndarray) -> np.ndarray:
        x1 = A[0]
        x2 = A[1] if len(A) > 1 else np.zeros_like(x1)
        return np.vstack([FEATURES[f](x1, x2) for f in features])

    return phi


def n_outputs(s: PlaygroundSettings, n_classes: int) -> int:
    """One output neuron for two classes (unless softmax, which needs one per class) and
    for a regression; one per class otherwise."""
    if s.problem == "regression":
        if s.output_activation == "softmax":
            raise ValueError(
                "a regression has one output neuron, and softmax needs one per "
                "class: choose another output activation (linear fits any)"
            )
        return 1
    return 1 if n_classes == 2 and s.output_activation != "softmax" else n_classes


def targets(s: PlaygroundSettings, y: np.ndarray, n_classes: int) -> np.ndarray:
    """Y (n, n_L): a regression's targets y as one column; for classes, 1 for class 1
    and the output's low value (0, or −1 for tanh) for class 0 on one output neuron,
    one-hot rows otherwise."""
    if s.problem == "regression":
        return np.asarray(y, dtype=float)[:, None]
    if n_outputs(s, n_classes) == 1:
        return np.where(y == 1, 1.0, low_target(s.output_activation))[:, None]
    return (y[:, None] == np.arange(n_classes)[None, :]).astype(float)


def build_network(s: PlaygroundSettings, n_inputs: int, n_classes: int) -> Network:
    """A new network for ``s``: sizes ``[n_0, *hidden, n_L]``; ValueError for a bad pairing
    (e.g. a cross-entropy cost with the wrong output activation), from ``Network``."""
    sizes = [n_inputs, *s.hidden, n_outputs(s, n_classes)]
    return Network(sizes, activation=s.activation, output_activation=s.output_activation,
                   cost=s.cost, init=s.init, seed=s.seed)  # fmt: skip


def make_run(s: PlaygroundSettings, data: Data, features: list[str], net_config: dict,
             snapshots: list[tuple[list, list, int, float]], history: dict,
             steps_per_epoch: int) -> Run:  # fmt: skip
    """A :class:`Run` of the given moments, drawn over the samples the page shows.

    Args:
        net_config: ``sizes``, ``activation``, ``output_activation``, ``cost``.
        snapshots: ``(weights, biases, step, epoch)`` per moment; ``biases[ℓ−1]`` (n_ℓ, 1).
        history: the training curves, as :func:`backproplab.viz.panels.page_data` reads them.
    """
    n = len(data.X) if s.show_test else data.n_train
    X, y = data.X[:n], data.y[:n]
    phi = lift(features)
    sizes = net_config["sizes"]
    L = len(sizes) - 1
    watch = (s.watch or L - 1) if L > 1 else L
    from ..engine.activations import get_activation
    from ..engine.costs import get_cost, mean_cost

    acts = [get_activation(net_config["activation"])] * (L - 1)
    acts.append(get_activation(net_config["output_activation"]))
    cost = get_cost(net_config["cost"], net_config["output_activation"])
    Y = targets(s, y, len(data.classes)).T
    A0 = phi(X.T)
    layers = {watch: [], L: []}
    losses = []
    for W, b, _, _ in snapshots:
        a = feedforward(W, b, A0, acts)[1]
        layers[watch].append(a[watch].T)
        layers[L].append(a[L].T)
        losses.append(mean_cost(cost, a[L], Y))
    run = Run(
        sizes=list(sizes),
        activation=net_config["activation"],
        output_activation=net_config["output_activation"],
        cost=cost.name,
        watch=watch,
        classes=data.classes,
        X=X,
        y=y,
        indices=np.arange(n),
        n_total=len(data.X),
        step=np.array([m[2] for m in snapshots]),
        epoch=np.array([m[3] for m in snapshots], dtype=float),
        loss=np.array(losses),
        layers={k: np.stack(v) for k, v in layers.items()},
        weights=[np.stack([m[0][i] for m in snapshots]) for i in range(L)],
        biases=[np.stack([m[1][i][:, 0] for m in snapshots]) for i in range(L)],
        history=history,
        steps_per_epoch=steps_per_epoch,
        title="backproplab playground",
        summary=f"{s.data}, features {', '.join(features)}, sizes {list(sizes)}",
        settings=s.to_dict(),
        lift=phi,  # the panels are drawn over the raw inputs (moments.activations_at)
    )
    return run
