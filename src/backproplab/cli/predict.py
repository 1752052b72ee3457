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
import math
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .commands import add_command, option, output_options
from .output import Printer

BLOCK_BYTES = 1 << 22  # 4 MiB: a block of rows is at most this wide in any layer


def load_model(path: str):
    """``(net, extra)`` of a model file, with ``extra``'s fields checked against the
    network: the scaling's length, and as many classes as the outputs can tell apart."""
    from ..formats.text import shown, shown_path
    from ..network import Network

    net, extra = Network.load(path, return_extra=True)
    scaling = extra.get("standardize")
    if scaling is not None:
        if not isinstance(scaling, dict) or {"mean", "std"} - set(scaling):
            raise ValueError(f"{shown_path(path)}: its 'standardize' entry needs 'mean' and 'std'")
        for key in ("mean", "std"):
            try:
                values = np.asarray(scaling[key], dtype=float)
            except (TypeError, ValueError, OverflowError):
                values = np.array([np.nan])
            if values.shape != (net.sizes[0],) or not np.all(np.isfinite(values)):
                raise ValueError(
                    f"{shown_path(path)}: standardize {key!r} must hold {net.sizes[0]} "
                    "finite numbers"
                )
    classes = extra.get("classes")
    n_out = net.sizes[-1]
    if classes is not None:
        wanted = 2 if n_out == 1 else n_out
        if not isinstance(classes, list) or len(classes) != wanted:
            raise ValueError(
                f"{shown_path(path)}: its 'classes' entry must list {wanted} labels (the network "
                f"has {n_out} output{'s' if n_out > 1 else ''})"
            )
        if not all(isinstance(c, str | int | float) for c in classes):
            raise ValueError(f"{shown_path(path)}: its class labels must be strings or numbers")
    low = extra.get("low_target", 0)
    if isinstance(low, bool) or not isinstance(low, int | float) or not math.isfinite(low):
        raise ValueError(f"{shown_path(path)}: its 'low_target' must be a number, got {shown(low)}")
    return net, extra


def inputs(net, extra: dict, data: str, target: str | None = None):
    """``(X, y)`` of the CSV file (X not yet scaled: see :func:`outputs`)."""
    from ..data.datasets import load_csv
    from ..formats.text import shown_path

    try:
        X, y = load_csv(data, target=target)
    except ValueError as exc:
        column = re.search(r"a feature is not a number: column (.+?) holds", str(exc))
        if target is None and column:  # most often the labels' column: say how to leave it out
            try:
                name = ast.literal_eval(column.group(1))
            except (ValueError, SyntaxError):  # a name shown cut or escaped: no hint
                raise exc from None
            hint = f"if {name!r} holds the labels, leave it out with --target {shlex.quote(name)}"
            raise ValueError(f"{exc}; {hint}") from None
        raise
    if X.shape[1] != net.sizes[0]:
        raise ValueError(
            f"{shown_path(data)} has {X.shape[1]} feature columns but the model takes "
            f"{net.sizes[0]} inputs"
            + ("" if target else " (pass --target COLUMN to leave a target column out)")
        )
    return X, y


def outputs(net, extra: dict, X: np.ndarray) -> Iterator[np.ndarray]:
    """The network's outputs for the rows of X, a block of rows at a time (each of shape
    (rows, n_out)), the rows scaled as the model's training inputs were. A block is at
    most ``BLOCK_BYTES`` in its widest layer, so one block's inputs, hidden layers and
    outputs take a few times that, whatever the network."""
    rows_per_block = max(1, BLOCK_BYTES // (8 * max(net.sizes)))
    for start in range(0, len(X), rows_per_block):
        rows = np.array(X[start : start + rows_per_block], dtype=float)  # scaled in place
        yield net.predict(scale(rows, extra.get("standardize")))


def scale(X: np.ndarray, scaling: dict | None) -> np.ndarray:
    """X ← (X − mean) / std in place, with the model's ``standardize`` (constant features,
    std 0, are left unscaled); X as it is for a model trained on raw inputs."""
    if scaling is not None:
        std = np.asarray(scaling["std"], dtype=float)
        X -= np.asarray(scaling["mean"], dtype=float)
        X /= np.where(std == 0, 1.0, std)
    return X


def _classes(extra: dict, model: str) -> np.ndarray:
    from ..formats.text import shown

    classes = extra.get("classes")
    if classes is None:
        raise ValueError(
            f"{shown(model)} holds no class labels (it was not written by backproplab train), "
            "so its outputs cannot be read as labels; pass --raw for the network's outputs"
        )
    return np.asarray(classes)


def class_index(A: np.ndarray, low: float) -> np.ndarray:
    """Outputs A (n_samples, n_out) -> the index of each sample's class: on one output,
    1 above the midpoint of the two targets; on several, the largest output."""
    if A.shape[1] == 1:
        return (A[:, 0] > (low + 1) / 2).astype(np.intp)
    return np.argmax(A, axis=1)


def labels_of(A: np.ndarray, classes: np.ndarray, low: float) -> np.ndarray:
    """Outputs A (n_samples, n_out) -> one label per sample."""
    return classes[class_index(A, low)]


def _csv_line(fields) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()


def prediction_lines(net, extra: dict, X: np.ndarray, model: str, raw: bool):
    """The CSV's lines, a block of rows at a time (lists of lines, each ending in a
    newline). Each class's line is made once and the rows refer to it, so memory does
    not grow with label length × rows."""
    if raw:
        yield [_csv_line(f"output_{j + 1}" for j in range(net.sizes[-1]))]
        for A in outputs(net, extra, X):
            yield [_csv_line(repr(float(v)) for v in row) for row in A]
        return
    lines = [_csv_line([label]) for label in _classes(extra, model).tolist()]
    low = float(extra.get("low_target", 0))
    yield ["prediction\n"]
    for A in outputs(net, extra, X):
        yield [lines[i] for i in class_index(A, low)]


def is_prediction_file(first: bytes) -> bool:
    """What ``predict`` writes starts with the header ``prediction`` or ``output_1,…``."""
    header = first.split(b"\n", 1)[0]
    return header == b"prediction" or header.split(b",")[0] == b"output_1"


def cmd_predict(args: argparse.Namespace) -> int:
    """Check ``--out`` first (:func:`~backproplab.cli.output.check_out_file`), then read
    the model and the rows and write the predictions block by block: the memory is the
    CSV's (checked against the machine's before reading) and one block's."""
    from ..formats.files import atomic_path
    from .output import check_out_file

    out = Path(args.out) if args.out else None
    if out is not None:
        check_out_file(
            out,
            command="predict",
            inputs=[Path(args.model), Path(args.data)],
            force=args.force,
            recognise=is_prediction_file,
        )
    net, extra = load_model(args.model)
    X, _ = inputs(net, extra, args.data, args.target)
    blocks = prediction_lines(net, extra, X, args.model, args.raw)
    if out is None:
        say = Printer()
        for block in blocks:
            say.lines(block)
        return 0
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        for block in blocks:
            f.writelines(block)
    Printer(args.quiet)(f"wrote {len(X)} predictions to {out}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..data.labels import encode_labels
    from ..formats.text import quoted, shown, shown_path

    net, extra = load_model(args.model)
    classes = _classes(extra, args.model)
    X, y = inputs(net, extra, args.data, args.target)
    X = scale(np.array(X, dtype=float), extra.get("standardize"))
    if classes.dtype.kind in "iuf":  # numeric labels: compare as numbers
        try:
            y, classes = np.asarray(y, dtype=float), classes.astype(float)
        except ValueError:
            raise ValueError(
                f"{shown_path(args.data)}: the labels in {quoted(args.target)} are not numbers, "
                f"but the model's classes are {shown(classes.tolist())}"
            ) from None
    else:
        y = np.asarray(y).astype(str)
    try:
        Y, _ = encode_labels(y, net.sizes[-1], float(extra.get("low_target", 0)), classes)
    except ValueError as exc:
        raise ValueError(f"{shown(args.data)}: {exc}") from None
    predicted = labels_of(net.predict(X), classes, float(extra.get("low_target", 0)))
    accuracy = float(np.mean(predicted == y))
    print(
        f"{args.model} on {args.data}: accuracy {accuracy:.1%} ({int(round(accuracy * len(y)))} "
        f"of {len(y)}), {net.cost_function.name} cost {net.cost(X, Y):.5g}"
    )
    return 0


MODEL = option("model", help="a model file written by backproplab train (model.npz)")
READS = "Reads MODEL (a model.npz written by backproplab train),"


def register(sub) -> None:
    """Add ``predict`` and ``evaluate`` to the ``backproplab`` parser."""
    predict = [
        MODEL,
        option("--data", required=True, help="a CSV file with a header row of features"),
        option("--target", default=None, help="a column of --data to leave out (labels)"),
        option("--raw", action="store_true", help="write the network's outputs instead of labels"),
        *output_options(
            "write the predictions to this CSV file (default: print them)",
            force="replace a file predict did not write (never an input)",
        ),
    ]
    evaluate = [
        MODEL,
        option("--data", required=True, help="a CSV file with a header row"),
        option("--target", required=True, help="the column of --data holding the labels"),
    ]
    for name, func, options, what, description in (
        ("predict", cmd_predict, predict,
         "predict the class of every row of a CSV file with a saved model",
         "scales the rows of --data as the training inputs were and writes one predicted "
         "label per row."),
        ("evaluate", cmd_evaluate, evaluate,
         "the accuracy and cost of a saved model on a labelled CSV file",
         "then prints its accuracy and cost on the rows of --data, whose --target column holds "
         "the labels."),
    ):  # fmt: skip
        add_command(sub, name, func, help=what, description=f"{READS} {description}",
                    options=options)  # fmt: skip
