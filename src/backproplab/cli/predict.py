"""``backproplab predict`` and ``backproplab evaluate``: use a saved model on a CSV file.

A model written by ``backproplab train`` (``model.npz``) keeps, besides the network, what
turns a row of the CSV into the network's input and its output back into a label (the
file's ``extra``, see :meth:`~backproplab.network.Network.save`):

- ``standardize``: the training set's per-feature ``mean`` and ``std`` (or null when the
  run used raw inputs); new rows are scaled alike, x ← (x − mean) / std;
- ``classes``: the class labels, in the order of the outputs, and ``low_target``: the
  target of the first class on a single output (0, or −1 for a tanh output). One output
  answers ``classes[1]`` above the midpoint of its two targets, several the class of the
  largest output.

``predict`` writes one label per row (``--raw``: the network's outputs, for a model saved
without classes); ``evaluate`` prints the accuracy and the cost on a labelled file. A model
without classes is refused for labels, naming the fix.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import re
import shlex
from pathlib import Path

import numpy as np

from .output import Printer


def load_model(path: str):
    """``(net, extra)`` of a model file, with ``extra``'s fields checked."""
    from ..network import Network

    net, extra = Network.load(path, return_extra=True)
    scaling = extra.get("standardize")
    if scaling is not None:
        if not isinstance(scaling, dict) or {"mean", "std"} - set(scaling):
            raise ValueError(f"{path}: its 'standardize' entry needs 'mean' and 'std'")
        for key in ("mean", "std"):
            values = np.asarray(scaling[key], dtype=float)
            if values.shape != (net.sizes[0],) or not np.all(np.isfinite(values)):
                raise ValueError(
                    f"{path}: standardize {key!r} must hold {net.sizes[0]} finite numbers"
                )
    classes = extra.get("classes")
    if classes is not None and (not isinstance(classes, list) or len(classes) < 2):
        raise ValueError(f"{path}: its 'classes' entry must be a list of at least 2 labels")
    return net, extra


def inputs(net, extra: dict, data: str, target: str | None = None):
    """``(X, y)`` of the CSV file, X scaled as the model's training inputs were."""
    from ..data.datasets import load_csv, standardize

    try:
        X, y = load_csv(data, target=target)
    except ValueError as exc:
        column = re.search(r"a feature is not a number: column (.+?) holds", str(exc))
        if target is None and column:  # most often the labels' column: say how to leave it out
            name = ast.literal_eval(column.group(1))
            hint = f"if {name!r} holds the labels, leave it out with --target {shlex.quote(name)}"
            raise ValueError(f"{exc}; {hint}") from None
        raise
    if X.shape[1] != net.sizes[0]:
        raise ValueError(
            f"{data} has {X.shape[1]} feature columns but the model takes {net.sizes[0]} "
            "inputs" + ("" if target else " (pass --target COLUMN to leave a target column out)")
        )
    scaling = extra.get("standardize")
    if scaling is not None:
        X = standardize(X, np.asarray(scaling["mean"]), np.asarray(scaling["std"]))[0]
    return X, y


def _classes(extra: dict, model: str) -> np.ndarray:
    classes = extra.get("classes")
    if classes is None:
        raise ValueError(
            f"{model} holds no class labels (it was not written by backproplab train), so "
            "its outputs cannot be read as labels; pass --raw for the network's outputs"
        )
    return np.asarray(classes)


def labels_of(A: np.ndarray, classes: np.ndarray, low: float) -> np.ndarray:
    """Outputs A (n_samples, n_out) -> one label per sample."""
    if A.shape[1] == 1:
        return np.where(A[:, 0] > (low + 1) / 2, classes[1], classes[0])
    return classes[np.argmax(A, axis=1)]


def cmd_predict(args: argparse.Namespace) -> int:
    from ..formats.modelfile import atomic_write_text

    net, extra = load_model(args.model)
    X, _ = inputs(net, extra, args.data, args.target)
    A = net.predict(X)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if args.raw:
        w.writerow([f"output_{j + 1}" for j in range(A.shape[1])])
        w.writerows([repr(float(v)) for v in row] for row in A)
    else:
        predicted = labels_of(A, _classes(extra, args.model), float(extra.get("low_target", 0)))
        w.writerow(["prediction"])
        w.writerows([[label] for label in predicted.tolist()])
    if args.out:
        atomic_write_text(Path(args.out), buf.getvalue())
        Printer(args.quiet)(f"wrote {len(A)} predictions to {args.out}")
    else:
        Printer()(buf.getvalue().rstrip("\n"))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..data.labels import encode_labels

    net, extra = load_model(args.model)
    classes = _classes(extra, args.model)
    X, y = inputs(net, extra, args.data, args.target)
    if classes.dtype.kind in "iuf":  # numeric labels: compare as numbers
        try:
            y, classes = np.asarray(y, dtype=float), classes.astype(float)
        except ValueError:
            raise ValueError(
                f"{args.data}: the labels in {args.target!r} are not numbers, but the model's "
                f"classes are {classes.tolist()}"
            ) from None
    else:
        y = np.asarray(y).astype(str)
    try:
        Y, _ = encode_labels(y, net.sizes[-1], float(extra.get("low_target", 0)), classes)
    except ValueError as exc:
        raise ValueError(f"{args.data}: {exc}") from None
    predicted = labels_of(net.predict(X), classes, float(extra.get("low_target", 0)))
    accuracy = float(np.mean(predicted == y))
    print(
        f"{args.model} on {args.data}: accuracy {accuracy:.1%} ({int(round(accuracy * len(y)))} "
        f"of {len(y)}), {net.cost_function.name} cost {net.cost(X, Y):.5g}"
    )
    return 0


def register(sub) -> None:
    """Add ``predict`` and ``evaluate`` to the ``backproplab`` parser."""
    p = sub.add_parser(
        "predict",
        help="predict the class of every row of a CSV file with a saved model",
        description="Reads MODEL (a model.npz written by backproplab train), scales the rows "
        "of --data as the training inputs were, and writes one predicted label per row.",
    )
    p.add_argument("model", help="a model file written by backproplab train (model.npz)")
    p.add_argument("--data", required=True, help="a CSV file with a header row of features")
    p.add_argument("--target", default=None, help="a column of --data to leave out (labels)")
    p.add_argument("--out", default=None, help="write the predictions to this CSV file")
    p.add_argument(
        "--raw", action="store_true", help="write the network's outputs instead of labels"
    )
    p.add_argument("--quiet", action="store_true", help="with --out: print nothing but errors")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser(
        "evaluate",
        help="the accuracy and cost of a saved model on a labelled CSV file",
        description="Reads MODEL (a model.npz written by backproplab train) and prints its "
        "accuracy and cost on the rows of --data, whose --target column holds the labels.",
    )
    p.add_argument("model", help="a model file written by backproplab train (model.npz)")
    p.add_argument("--data", required=True, help="a CSV file with a header row")
    p.add_argument("--target", required=True, help="the column of --data holding the labels")
    p.set_defaults(func=cmd_evaluate)
