"""Class labels and the targets a network learns them as — one rule everywhere.

- Two classes and one output neuron: the second class (in sorted order) is 1, the first is
  the output's low value, which its descriptor holds
  (:attr:`Activation.low_target <backproplab.engine.activations.Activation>`): 0 for
  sigmoid (and the other built-in outputs), −1 for tanh, whose range is [−1, 1].
  :func:`low_target` reads it.
- One output neuron per class: one-hot rows.

Class labels or real numbers (:func:`target_kind`): a column of numbers with more than
:data:`MAX_CLASSES` distinct values is a regression's target; anything else holds classes.

Reading the targets back (:func:`label_kind`, :func:`label_classes`,
:func:`predicted_classes`, :func:`label_hits`): a single output is
thresholded at the midpoint of its two targets (0.5 for 0/1, 0 for ±1); several outputs
pick the largest.

>>> import numpy as np
>>> Y, classes = encode_labels(np.array(["cat", "dog", "cat"]), n_out=1)
>>> Y.ravel().tolist(), classes.tolist()
([0.0, 1.0, 0.0], ['cat', 'dog'])
>>> encode_labels(np.array([2, 0, 1]), n_out=3)[0].tolist()
[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import get_activation
from ..formats.text import quoted, shown

Array = np.ndarray
MAX_CLASSES = 20  # a numeric target with more distinct values than this is a regression's


def target_kind(labels) -> str:
    """``"regression"`` when every label is a finite number (text such as ``"2.5"``
    included) and there are more than :data:`MAX_CLASSES` distinct values, else
    ``"classification"``.

    >>> target_kind([str(v) for v in range(21)]), target_kind(list(range(20)))
    ('regression', 'classification')
    >>> target_kind(["cat", "dog"] * 20)
    'classification'
    """
    values = numeric_targets(labels)
    if values is None or len(np.unique(values)) <= MAX_CLASSES:
        return "classification"
    return "regression"


def numeric_targets(labels) -> Array | None:
    """The labels as floats (n,), or None when one is not a finite number."""
    try:
        values = np.asarray(labels).astype(float)
    except ValueError:
        return None
    return values if np.isfinite(values).all() else None


def low_target(output_activation) -> float:
    """The target of the first of two classes on a single output of ``output_activation``
    (a name or an :class:`~backproplab.engine.activations.Activation`): −1 for tanh, 0 for
    sigmoid.

    >>> low_target("tanh"), low_target("sigmoid")
    (-1.0, 0.0)
    """
    return float(get_activation(output_activation).low_target)


def one_hot(y, classes=None) -> Array:
    """Labels (n_samples,) -> one-hot rows (n_samples, n_classes), classes in sorted order
    (or the order given)."""
    y = np.asarray(y)
    classes = np.unique(y) if classes is None else np.asarray(classes)
    Y = (y[:, None] == classes[None, :]).astype(float)
    missing = Y.sum(axis=1) == 0
    if missing.any():
        raise ValueError(
            f"label {quoted(y[missing][0])} is not one of the classes {shown(classes.tolist())}"
        )
    return Y


def encode_labels(labels, n_out: int, low: float = 0.0, classes=None) -> tuple[Array, Array]:
    """Class labels (any type) -> ``(Y, classes)``: targets (n_samples, n_out) and the
    sorted classes they stand for.

    ``n_out == 1`` needs exactly two classes (targets ``low`` and 1); otherwise one
    output per class (one-hot rows).
    """
    labels = np.asarray(labels)
    classes = np.unique(labels) if classes is None else np.asarray(classes)
    if len(classes) < 2:
        raise ValueError(f"the data has only one class ({quoted(classes[0])}); nothing to learn")
    if n_out == 1 and len(classes) == 2:
        Y = np.where(labels == classes[1], 1.0, low).reshape(-1, 1)
        unknown = ~np.isin(labels, classes)
        if unknown.any():
            raise ValueError(
                f"label {quoted(labels[unknown][0])} is not one of {shown(classes.tolist())}"
            )
        return Y, classes
    if n_out == len(classes):
        return one_hot(labels, classes), classes
    raise ValueError(
        f"the network has {n_out} outputs but the data has {len(classes)} classes; use "
        f"{len(classes)} outputs (one per class)" + (" or 1" if len(classes) == 2 else "")
    )


def check_reachable(Y: Array, output) -> None:
    """Raise ValueError if targets ``Y`` hold a value the output activation ``output`` (an
    :class:`~backproplab.engine.activations.Activation`) can never produce — for example −1/+1
    labels for a sigmoid output, whose values lie in [0, 1] — naming the fix."""
    low, high = output.bounds
    if Y.size == 0 or (Y.min() >= low and Y.max() <= high):
        return
    bad = Y.min() if Y.min() < low else Y.max()
    fix = (
        "encode the two classes as 0/1 (backproplab.data.labels.encode_labels(y, 1)) or use "
        "output_activation='tanh'"
        if low == 0 and bad == -1
        else "scale the targets into that range or choose another output_activation"
    )
    raise ValueError(
        f"target {bad:g} is outside the {output.name} output's range [{low:g}, {high:g}], so "
        f"the network can never reach it; {fix}"
    )


def label_kind(Y: Array) -> str | None:
    """What kind of class labels the targets ``Y`` (n_out, m) hold, or None if not labels.

    ``"0/1"`` or ``"±1"`` for a single output (threshold at the midpoint), ``"one-hot"``
    for one-hot columns (predicted class: the largest output).
    """
    zero_or_one = ((Y == 0) | (Y == 1)).all()
    if Y.shape[0] == 1:
        if zero_or_one:
            return "0/1"
        if (np.abs(Y) == 1).all():
            return "±1"
        return None
    if zero_or_one and (_column_sums(Y) == 1).all():
        return "one-hot"
    return None


def label_classes(Y: Array, kind: str) -> Array:
    """The class of each column of the targets ``Y`` (n_out, m) of the given ``kind``,
    (m,): True/False for a single output, the row of the 1 for one-hot columns."""
    if kind == "0/1":
        return Y[0] > 0.5
    if kind == "±1":
        return Y[0] > 0
    return _column_sums(Y, np.arange(Y.shape[0])).astype(np.intp)  # the 1's row, exactly


def predicted_classes(A_out: Array, kind: str) -> Array:
    """The class the outputs ``A_out`` (n_out, m) stand for, (m,), in the terms of
    :func:`label_classes`: the output against the midpoint of the two targets, or the
    largest output (the first of equal ones)."""
    if kind == "0/1":
        return A_out[0] > 0.5
    if kind == "±1":
        return A_out[0] > 0
    return np.argmax(A_out, axis=0)


def label_hits(A_out: Array, Y: Array, kind: str) -> int:
    """How many of the m samples are classified right; A_out and Y are (n_out, m)."""
    return int(np.count_nonzero(predicted_classes(A_out, kind) == label_classes(Y, kind)))


def _column_sums(Y: Array, weights: Array | None = None) -> Array:
    """``Σ_j w_j Y[j]`` for each column of Y (n_out, m), w = 1 unless given: a matrix
    product for float Y (the targets are often a transposed view, along whose short
    columns ``sum`` is slow); exact for 0/1 entries and small integer weights."""
    w = np.ones(Y.shape[0]) if weights is None else weights
    if Y.dtype.kind != "f":
        return (w[:, None] * Y).sum(axis=0)
    return np.dot(w.astype(Y.dtype), Y)


def label_accuracy(A_out: Array, Y: Array) -> float | None:
    """Fraction of samples classified right, or None if ``Y`` does not hold class labels
    (see :func:`label_kind`). A_out and Y are (n_out, m)."""
    kind = label_kind(Y)
    return None if kind is None else label_hits(A_out, Y, kind) / Y.shape[1]
