"""What a playground page may ask for, checked on the server.

:data:`FIELDS` is the one schema of the settings: each one's name, kind, label, range or
choices (the defaults are :class:`PlaygroundSettings`'). The page receives it (:func:`schema`) and
builds its controls from it; :func:`parse_settings` checks what comes back against it.
Adding a setting is adding a :class:`PlaygroundSettings` field and its :data:`FIELDS` entry.

Every control of the page arrives here as JSON; :func:`parse_settings` turns it into a
:class:`PlaygroundSettings` or raises ``ValueError`` with a message the page shows as it
is. Nothing a page sends becomes a file path: data sets are names looked up in a fixed
table, and an uploaded CSV is parsed from text in memory (:func:`parse_csv`). The names a
choice accepts come from the registries (:func:`choices`).

The problem (:data:`PROBLEMS`: classification or regression) decides the data sets the
page offers and the output activation and cost a switch brings (:func:`with_problem`,
before the settings are checked; :func:`paired` after).

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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from ..data.datasets import REGRESSION
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

MAX_DRAWN = 500  # points drawn by hand
DRAWN_CLASSES = ("0", "1")  # the classes a drawn point can have
DRAWN_LIMIT = 100.0  # |x1|, |x2| of a drawn point (and its value, in a regression), at most


@dataclass(frozen=True)
class Problem:
    """A kind of problem the playground poses: the data sets it offers (an uploaded CSV
    and drawn points are either), and the output activation and cost it starts with."""

    data: tuple[str, ...]
    output_activation: str
    cost: str


# Classification learns class labels; regression a real number, on one linear output
# neuron under the quadratic cost. The first data set of each is its default.
PROBLEMS = {
    "classification": Problem(("circles", "xor", "blobs", "spirals", "moons", "toy", "csv",
                               "drawn"), "sigmoid", "binary_cross_entropy"),
    "regression": Problem((*REGRESSION, "csv", "drawn"), "linear", "quadratic"),
}  # fmt: skip
DATA_SETS = tuple(dict.fromkeys(name for p in PROBLEMS.values() for name in p.data))
_CLASSIFY = PROBLEMS["classification"]


@dataclass(frozen=True)
class Feature:
    """An input feature: a function of the raw inputs x1, x2 (call it), its label on the
    page, and its Python (of ``x1``, ``x2`` and NumPy as ``np``) for an exported script."""

    label: str
    code: str
    fn: Callable

    def __call__(self, x1, x2):
        return self.fn(x1, x2)


# TensorFlow Playground's input features.
FEATURES = {
    "x1": Feature("x₁", "x1", lambda x1, x2: x1),
    "x2": Feature("x₂", "x2", lambda x1, x2: x2),
    "x1^2": Feature("x₁²", "x1**2", lambda x1, x2: x1**2),
    "x2^2": Feature("x₂²", "x2**2", lambda x1, x2: x2**2),
    "x1x2": Feature("x₁x₂", "x1 * x2", lambda x1, x2: x1 * x2),
    "sin(x1)": Feature("sin x₁", "np.sin(x1)", lambda x1, x2: np.sin(x1)),
    "sin(x2)": Feature("sin x₂", "np.sin(x2)", lambda x1, x2: np.sin(x2)),
}
ONE_D_FEATURES = ("x1", "x1^2", "sin(x1)")  # those of a data set with one input x1


# The speeds of play, in steps per second (the names the "speed" setting takes), and what
# the page shows for each; "full" trains as fast as the engine can, not throttled at all.
SPEEDS = {"1": 1.0, "3": 3.0, "10": 10.0, "30": 30.0, "100": 100.0, "300": 300.0,
          "1000": 1000.0, "full": math.inf}  # fmt: skip
SPEED_LABELS = {"1": "1 step/s (slow motion)", "full": "full speed"}


# What the page may change without rebuilding the network: the training options.
TRAINING_FIELDS = ("eta", "batch_size", "optimizer", "l1", "l2", "dropout")


@dataclass
class PlaygroundSettings:
    """One playground setup; the defaults are TensorFlow Playground's opening page."""

    problem: str = "classification"
    data: str = _CLASSIFY.data[0]
    n_samples: int = 500
    noise: float = 0.1
    train_percent: int = 70
    data_seed: int = 0
    show_test: bool = False
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    hidden: list[int] = field(default_factory=lambda: [8, 8])
    activation: str = "tanh"
    output_activation: str = _CLASSIFY.output_activation
    cost: str = _CLASSIFY.cost
    init: str = "xavier"
    seed: int = 0
    eta: float = 0.1
    batch_size: int = 10
    optimizer: str = "sgd"
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    watch: int = 0  # the hidden layer shown in 3-D; 0: the last
    speed: str = "100"  # steps per second while playing (SPEEDS): slow enough to watch
    points: list[list[float]] = field(default_factory=list)  # drawn: [x1, x2, class or value]

    def to_dict(self) -> dict:
        return asdict(self)

    def structure(self) -> tuple:
        """What the panels are built from: a change here rebuilds them."""
        return (self.problem, self.data, self.n_samples, self.noise, self.train_percent,
                self.data_seed, self.show_test, tuple(self.features), tuple(self.hidden),
                self.activation, self.output_activation, self.watch)  # fmt: skip


def choices() -> dict[str, tuple[str, ...]]:
    """The names each choice setting accepts, read from :data:`FIELDS` (and so from the
    registries) at the time of the call: a registered activation or cost is offered and
    accepted at once.

    >>> choices()["activation"]
    ('sigmoid', 'linear', 'tanh', 'relu', 'leaky_relu')
    """
    return {"features": tuple(FEATURES)} | {
        f.name: tuple(f.choices()) for f in FIELDS if f.choices is not None
    }


@dataclass(frozen=True)
class Field:
    """One setting as the page shows it and the server checks it.

    ``kind``: ``"choice"`` (one of ``choices()``), ``"int"``, ``"float"`` (from ``lo`` to
    ``hi``; ``open_lo``: ``lo`` itself excluded), ``"bool"``, ``"features"`` (some of
    :data:`FEATURES`), ``"layers"`` (hidden layer widths), ``"layer"`` (a hidden layer,
    0 the last) or ``"points"`` (points drawn by hand, ``[x1, x2, class]``, or
    ``[x1, x2, value]`` in a regression); ``group``:
    where the page puts its control (None: no control of its own); ``step``: the
    control's step (``"any"``: any number); ``testid``: the control's test id (by default
    the name with ``-`` for ``_``); ``labels``: a choice's text on the page;
    ``by_problem``: the choices the page offers for each problem (of ``choices()``).
    """

    name: str
    kind: str
    label: str
    group: str | None
    lo: float | None = None
    hi: float | None = None
    step: float | str | None = None
    choices: Callable[[], tuple[str, ...]] | None = None
    open_lo: bool = False
    testid: str | None = None
    labels: Callable[[str], str] | None = None  # a choice's text on the page (its name)
    by_problem: Callable[[str], tuple[str, ...]] | None = None

    def to_dict(self) -> dict:
        """The field as the page receives it, its choices as they are now."""
        out = {
            "name": self.name,
            "kind": self.kind,
            "label": self.label,
            "group": self.group,
            "testid": self.testid or self.name.replace("_", "-"),
        }
        out |= {k: getattr(self, k) for k in ("lo", "hi", "step") if getattr(self, k) is not None}
        if self.choices is not None:
            out["choices"] = list(self.choices())
            if self.labels is not None:
                out["labels"] = [self.labels(c) for c in out["choices"]]
        if self.by_problem is not None:
            out["byProblem"] = {p: list(self.by_problem(p)) for p in PROBLEMS}
        if self.kind == "features":
            out["choices"] = list(FEATURES)
            out["labels"] = [f.label for f in FEATURES.values()]
        if self.kind == "layers":
            out["most"] = MAX_HIDDEN_LAYERS
        return out


FIELDS = (
    Field("problem", "choice", "problem", "data", choices=lambda: tuple(PROBLEMS)),
    Field("data", "choice", "data", "data", choices=lambda: DATA_SETS,
          by_problem=lambda p: PROBLEMS[p].data),
    Field("n_samples", "int", "samples", "data", 10, MAX_SAMPLES, 10, testid="samples"),
    Field("noise", "float", "noise", "data", 0.0, 3.0, 0.05),
    Field("train_percent", "int", "training share (%)", "data", 10, 90, 5),
    Field("data_seed", "int", "data seed", None, 0, MAX_SEED),  # the "regenerate" button's
    Field("show_test", "bool", "show test points", "data"),
    Field("features", "features", "a feature", "features"),
    Field("hidden", "layers", "hidden layers (neurons each)", "network", 1, MAX_NEURONS),
    Field("activation", "choice", "activation", "network", choices=hidden_activations),
    Field("output_activation", "choice", "output activation", "network",
          choices=lambda: tuple(ACTIVATIONS)),
    Field("cost", "choice", "cost", "network", choices=lambda: tuple(COSTS)),
    Field("init", "choice", "initialisation", "network", choices=lambda: tuple(INITIALISERS)),
    Field("seed", "int", "seed", "network", 0, MAX_SEED, 1),
    Field("eta", "float", "learning rate η", "training", 0.0, 10.0, "any", open_lo=True),
    Field("batch_size", "int", "batch size", "training", 1, MAX_SAMPLES, 1),
    Field("optimizer", "choice", "optimizer", "training", choices=lambda: tuple(OPTIMIZERS)),
    Field("l1", "float", "L1 rate", "training", 0.0, 10.0, "any"),
    Field("l2", "float", "L2 rate", "training", 0.0, 10.0, "any"),
    Field("dropout", "float", "dropout", "training", 0.0, 0.9, 0.05),
    Field("watch", "layer", "shown layer", "hidden-space"),
    Field("speed", "choice", "speed", "pace", choices=lambda: tuple(SPEEDS),
          labels=lambda c: SPEED_LABELS.get(c, f"{c} steps/s")),
    Field("points", "points", "drawn points", None, -DRAWN_LIMIT, DRAWN_LIMIT),  # the draw tools'
)  # fmt: skip


def schema() -> dict:
    """What the page builds its controls from: every field, the defaults, the limits its
    own checks use."""
    return {
        "fields": [f.to_dict() for f in FIELDS],
        "defaults": PlaygroundSettings().to_dict(),
        "limits": {
            "layers": MAX_HIDDEN_LAYERS,
            "neurons": MAX_NEURONS,
            "csv": MAX_CSV_BYTES,
            "drawn": MAX_DRAWN,
            "classes": list(DRAWN_CLASSES),
        },
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
    if value is None:  # (JSON's null: what a page sends for a number it could not read)
        return "nothing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _features(value, f: Field) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > len(FEATURES):
        raise ValueError("choose at least one input feature")
    chosen = [_choice(v, f.label, tuple(FEATURES)) for v in value]
    if len(set(chosen)) != len(chosen):
        raise ValueError("each feature may be chosen once")
    return [name for name in FEATURES if name in chosen]  # one order: the table's


def _layers(value, f: Field) -> list[int]:
    if not isinstance(value, list) or len(value) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers; got {_short(value)}")
    for ell, n in enumerate(value, start=1):
        if isinstance(n, int) and not isinstance(n, bool) and n > f.hi:
            raise ValueError(f"hidden layer {ell} has {n} neurons; at most {f.hi} per layer")
    return [_int(n, f"hidden layer {ell}", f.lo, f.hi) for ell, n in enumerate(value, 1)]


def _points(value, f: Field, problem: str) -> list[list[float]]:
    """Drawn points: ``[x1, x2, class]`` in a classification, ``[x1, x2, value]`` in a
    regression. (A class is a value too: switching the problem keeps what was drawn.)"""
    if not isinstance(value, list) or len(value) > MAX_DRAWN:
        raise ValueError(f"{f.label}: at most {MAX_DRAWN} points; got {_short(value)}")
    what = "value" if problem == "regression" else "class"
    out = []
    for i, p in enumerate(value, start=1):
        if not isinstance(p, list) or len(p) != 3:
            raise ValueError(f"drawn point {i} must be [x1, x2, {what}]; got {_short(p)}")
        x1, x2 = (_float(v, f"drawn point {i}'s x", f.lo, f.hi) for v in p[:2])
        if problem == "regression":
            c = _float(p[2], f"drawn point {i}'s value", f.lo, f.hi)
        else:
            c = _int(p[2], f"drawn point {i}'s class", 0, len(DRAWN_CLASSES) - 1)
        out.append([x1, x2, c])
    return out


def _check(f: Field, value, s: PlaygroundSettings):
    """``value`` of field ``f`` checked (``s``: the settings checked so far)."""
    if f.kind == "choice":
        return _choice(value, f.label, f.choices())
    if f.kind == "int":
        return _int(value, f.label, f.lo, f.hi)
    if f.kind == "float":
        return _float(value, f.label, f.lo, f.hi, open_lo=f.open_lo)
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{f.label} must be true or false; got {_short(value)}")
        return value
    if f.kind == "features":
        return _features(value, f)
    if f.kind == "layers":
        return _layers(value, f)
    if f.kind == "layer":
        return _int(value, f.label, 0, max(len(s.hidden), 0))
    if f.kind == "points":
        return _points(value, f, s.problem)
    raise AssertionError(f"unknown kind of setting {f.kind!r}")


def parse_settings(given) -> PlaygroundSettings:
    """Check a page's settings (a JSON object; missing keys take the defaults) against
    :data:`FIELDS`.

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
    for f in FIELDS:  # (in order: "watch" is checked against "hidden")
        setattr(s, f.name, _check(f, g[f.name], s))
    return s


def problem_of(data: str) -> str | None:
    """The one problem data set ``data`` belongs to; None for those of either (a CSV,
    drawn points) and for an unknown name."""
    owners = [name for name, p in PROBLEMS.items() if data in p.data]
    return owners[0] if len(owners) == 1 else None


def check_problem(s: PlaygroundSettings) -> None:
    """ValueError unless ``s.data`` is one of the data sets of ``s.problem``."""
    offered = PROBLEMS[s.problem].data
    if s.data not in offered:
        raise ValueError(f"{s.data} is a {problem_of(s.data)} data set; a {s.problem} "
                         f"offers {', '.join(offered)}")  # fmt: skip


def with_problem(given, old: PlaygroundSettings) -> tuple[dict, str]:
    """A page's settings (JSON, not yet checked) made to fit one problem, and what changed
    ("": nothing), before :func:`parse_settings` checks them.

    A data set of one problem brings that problem. A new problem brings its data set (if
    the data is not one of its own), its output activation and its cost (each unless the
    same message chose it too: the one the user just chose wins), and one output neuron;
    drawn points whose values are not classes leave a classification.

    >>> g, said = with_problem({"problem": "regression"}, PlaygroundSettings())
    >>> g["data"], g["output_activation"], g["cost"]
    ('plane', 'linear', 'quadratic')
    >>> said
    'regression: data set to plane, output activation set to linear, cost set to quadratic'
    """
    if not isinstance(given, dict):
        return given, ""
    g = dict(old.to_dict(), **given)
    said = []
    owner = problem_of(g["data"]) if isinstance(g["data"], str) else None
    if g["data"] != old.data and owner is not None and g["problem"] == old.problem:
        g["problem"] = owner
        said.append(f"problem set to {owner}: {g['data']} is a {owner} data set")
    if g["problem"] == old.problem or g["problem"] not in PROBLEMS:
        return g, "; ".join(said)
    new = PROBLEMS[g["problem"]]
    changes = []
    drawn_values = [p[2] for p in g["points"] if isinstance(p, list) and len(p) == 3] \
        if isinstance(g["points"], list) else []  # fmt: skip
    if g["data"] == "drawn" and g["problem"] == "classification" and \
            any(v not in (0, 1) for v in drawn_values):  # fmt: skip
        g["data"], g["points"] = new.data[0], []
        changes.append(f"data set to {new.data[0]} (the drawn values are not classes 0 and 1)")
    elif g["data"] not in new.data:
        g["data"] = new.data[0]
        changes.append(f"data set to {g['data']}")
    for key, label in (("output_activation", "output activation"), ("cost", "cost")):
        if g[key] == getattr(old, key) and g[key] != getattr(new, key):
            g[key] = getattr(new, key)
            changes.append(f"{label} set to {g[key]}")
    said.append(f"{g['problem']}: {', '.join(changes)}" if changes else "")
    return g, "; ".join(x for x in said if x)


def paired(s: PlaygroundSettings, old: PlaygroundSettings) -> tuple[PlaygroundSettings, str]:
    """``s`` with its output activation and cost made a valid pair, and what changed ("":
    nothing). Where a cost works with one output activation only (cross-entropy: sigmoid or
    softmax), the one the user just chose wins: a new cost brings its output, a new output
    the cost made for it (the quadratic cost, which fits any, when none is).

    >>> old = PlaygroundSettings()
    >>> paired(PlaygroundSettings(output_activation="softmax"), old)[1]
    'cost set to categorical_cross_entropy: binary_cross_entropy needs a sigmoid output'
    >>> paired(PlaygroundSettings(output_activation="tanh", cost="categorical_cross_entropy"),
    ...        old)[1]
    'output activation set to softmax: categorical_cross_entropy needs it'
    """
    outputs = COSTS[s.cost].outputs
    if outputs is None or s.output_activation in outputs:
        return s, ""
    if s.cost != old.cost:  # the cost was chosen: its output comes with it
        out = sorted(outputs)[0]
        return replace(
            s, output_activation=out
        ), f"output activation set to {out}: {s.cost} needs it"
    made_for = [name for name in COSTS if s.output_activation in (COSTS[name].outputs or ())]
    cost = made_for[0] if made_for else "quadratic"
    return replace(s, cost=cost), (f"cost set to {cost}: {s.cost} needs a "
                                   f"{' or '.join(sorted(outputs))} output")  # fmt: skip


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
