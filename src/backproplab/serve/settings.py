"""What a playground page may ask for, checked on the server.

Every control of the page arrives here as JSON; :func:`parse_settings` turns it into a
:class:`PlaygroundSettings` or raises ``ValueError`` with a message the page shows as it
is. Nothing a page sends becomes a file path: data sets are names looked up in a fixed
table, and an uploaded CSV is parsed from text in memory (:func:`parse_csv`). The names a
choice accepts come from the registries (:func:`choices`).

>>> s = parse_settings({"hidden": [4, 2], "eta": 0.5})
>>> s.hidden, s.eta, s.data
([4, 2], 0.5, 'circles')
>>> parse_settings({"hidden": [64]})
Traceback (most recent call last):
...
ValueError: hidden layer 1 has 64 neurons; at most 32 per layer
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from ..engine.activations import ACTIVATIONS, hidden_activations
from ..engine.costs import COSTS
from ..engine.init import INITIALISERS
from ..engine.optim import OPTIMIZERS

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 32
MAX_SAMPLES = 5000
MAX_CSV_BYTES = 1 << 20
MAX_MESSAGE_BYTES = 2 * MAX_CSV_BYTES + (64 << 10)  # a CSV upload, its newlines escaped in JSON
MAX_SEED = 2**31 - 1

DATA_SETS = ("circles", "xor", "blobs", "spirals", "moons", "toy", "csv")
# TensorFlow Playground's input features, as functions of the raw inputs x1, x2.
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
ONE_D_FEATURES = ("x1", "x1^2", "sin(x1)")  # those of a data set with one input x1
# What the page may change without rebuilding the network: the training options.
TRAINING_FIELDS = ("eta", "batch_size", "optimizer", "l1", "l2", "dropout")


@dataclass
class PlaygroundSettings:
    """One playground setup; the defaults are TensorFlow Playground's opening page."""

    data: str = "circles"
    n_samples: int = 500
    noise: float = 0.1
    train_percent: int = 70
    data_seed: int = 0
    show_test: bool = False
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    hidden: list[int] = field(default_factory=lambda: [8, 8])
    activation: str = "tanh"
    output_activation: str = "sigmoid"
    cost: str = "binary_cross_entropy"
    init: str = "xavier"
    seed: int = 0
    eta: float = 0.1
    batch_size: int = 10
    optimizer: str = "sgd"
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    watch: int = 0  # the hidden layer shown in 3-D; 0: the last

    def to_dict(self) -> dict:
        return asdict(self)

    def structure(self) -> tuple:
        """What the panels are built from: a change here rebuilds them."""
        return (self.data, self.n_samples, self.noise, self.train_percent, self.data_seed,
                self.show_test, tuple(self.features), tuple(self.hidden), self.activation,
                self.output_activation, self.watch)  # fmt: skip


def choices() -> dict[str, tuple[str, ...]]:
    """The names each choice setting accepts, read from the registries at the time of the
    call (so a registered activation or cost is offered and accepted at once).

    >>> choices()["activation"]
    ('sigmoid', 'linear', 'tanh', 'relu', 'leaky_relu')
    """
    return {
        "data": DATA_SETS,
        "features": tuple(FEATURES),
        "activation": tuple(hidden_activations()),
        "output_activation": tuple(ACTIVATIONS),
        "cost": tuple(COSTS),
        "init": tuple(INITIALISERS),
        "optimizer": tuple(OPTIMIZERS),
    }


def _choice(value, name: str, options) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}; got {_short(value)}")
    return value


def _int(value, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(f"{name} must be a whole number; got {_short(value)}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}; got {int(value)}")
    return int(value)


def _float(value, name: str, lo: float, hi: float, *, open_lo: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number; got {_short(value)}")
    if value < lo or value > hi or (open_lo and value == lo):
        low = f"more than {lo:g}" if open_lo else f"at least {lo:g}"
        raise ValueError(f"{name} must be {low} and at most {hi:g}; got {value:g}")
    return float(value)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_settings(given) -> PlaygroundSettings:
    """Check a page's settings (a JSON object; missing keys take the defaults).

    Raises:
        ValueError: naming the first bad or unknown setting, and its limits.
    """
    if not isinstance(given, dict):
        raise ValueError(f"settings must be a JSON object; got {_short(given)}")
    known = {f.name for f in fields(PlaygroundSettings)}
    unknown = sorted(str(k) for k in given if k not in known)
    if unknown:
        raise ValueError(f"unknown setting {_short(unknown[0])}")
    s = PlaygroundSettings()
    g = dict(s.to_dict(), **given)
    options = choices()
    s.data = _choice(g["data"], "data", options["data"])
    s.n_samples = _int(g["n_samples"], "samples", 10, MAX_SAMPLES)
    s.noise = _float(g["noise"], "noise", 0.0, 3.0)
    s.train_percent = _int(g["train_percent"], "training share (%)", 10, 90)
    s.data_seed = _int(g["data_seed"], "data seed", 0, MAX_SEED)
    if not isinstance(g["show_test"], bool):
        raise ValueError(f"show test points must be true or false; got {_short(g['show_test'])}")
    s.show_test = g["show_test"]
    features = g["features"]
    if not isinstance(features, list) or not features or len(features) > len(FEATURES):
        raise ValueError("choose at least one input feature")
    s.features = [_choice(f, "a feature", options["features"]) for f in features]
    if len(set(s.features)) != len(s.features):
        raise ValueError("each feature may be chosen once")
    s.features = [f for f in FEATURES if f in s.features]  # one order: the table's
    hidden = g["hidden"]
    if not isinstance(hidden, list) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers; got {_short(hidden)}")
    for ell, n in enumerate(hidden, start=1):
        if isinstance(n, int) and not isinstance(n, bool) and n > MAX_NEURONS:
            raise ValueError(f"hidden layer {ell} has {n} neurons; at most {MAX_NEURONS} per layer")
    s.hidden = [_int(n, f"hidden layer {ell}", 1, MAX_NEURONS) for ell, n in enumerate(hidden, 1)]
    s.activation = _choice(g["activation"], "activation", options["activation"])
    s.output_activation = _choice(
        g["output_activation"], "output activation", options["output_activation"]
    )
    s.cost = _choice(g["cost"], "cost", options["cost"])
    s.init = _choice(g["init"], "initialisation", options["init"])
    s.seed = _int(g["seed"], "seed", 0, MAX_SEED)
    s.eta = _float(g["eta"], "learning rate η", 0.0, 10.0, open_lo=True)
    s.batch_size = _int(g["batch_size"], "batch size", 1, MAX_SAMPLES)
    s.optimizer = _choice(g["optimizer"], "optimizer", options["optimizer"])
    s.l1 = _float(g["l1"], "L1 rate", 0.0, 10.0)
    s.l2 = _float(g["l2"], "L2 rate", 0.0, 10.0)
    s.dropout = _float(g["dropout"], "dropout", 0.0, 0.9)
    s.watch = _int(g["watch"], "shown layer", 0, max(len(s.hidden), 0))
    return s


def parse_csv(text) -> tuple[np.ndarray, np.ndarray]:
    """``(X, labels)`` from CSV text of rows ``x1,x2,label`` (an optional header row).

    Returns X (n, 2) float and labels (n,) as text. Raises ValueError for text over
    :data:`MAX_CSV_BYTES`, more than :data:`MAX_SAMPLES` rows, a row without three
    columns, a feature that is not a finite number, or fewer than two classes.

    >>> X, labels = parse_csv("a,b,c\\n0,1,x\\n1,0,y\\n")
    >>> X.tolist(), labels.tolist()
    ([[0.0, 1.0], [1.0, 0.0]], ['x', 'y'])
    """
    if not isinstance(text, str):
        raise ValueError("the CSV must arrive as text")
    if len(text.encode("utf-8")) > MAX_CSV_BYTES:
        raise ValueError(f"the CSV is larger than {MAX_CSV_BYTES // 1024} KB")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    rows, labels = [], []
    for number, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != 3:
            raise ValueError(f"CSV line {number} has {len(cells)} columns; expected x1,x2,label")
        try:
            x = [float(cells[0]), float(cells[1])]
        except ValueError:
            if number == 1:
                continue  # a header
            raise ValueError(f"CSV line {number}: the features must be numbers") from None
        if not all(math.isfinite(v) for v in x):
            raise ValueError(f"CSV line {number}: a feature is not finite")
        rows.append(x)
        labels.append(cells[2])
        if len(rows) > MAX_SAMPLES:
            raise ValueError(f"the CSV has more than {MAX_SAMPLES} rows")
    if len(set(labels)) < 2:
        raise ValueError("the CSV needs at least two classes in its label column")
    return np.array(rows, dtype=float), np.array(labels)
