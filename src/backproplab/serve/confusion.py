"""The confusion matrices the playground shows: for the training set and the test set,
how many samples of each class the network gives each class, at one moment.

The predicted class is the training loop's own rule (:func:`backproplab.data.labels.
predicted_classes`, the one its accuracy counts with): one output neuron against the
midpoint of its two targets, several by the largest output. Rows are the true class,
columns the predicted one, as scikit-learn's ``confusion_matrix`` writes them.

>>> confusion(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0]), 2).tolist()
[[2, 0], [1, 1]]
"""

from __future__ import annotations

import numpy as np

from ..data.labels import label_kind, predicted_classes
from ..engine import feedforward
from ..engine.activations import get_activation
from . import lab


def confusion(actual: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) counts: entry (i, j) is how many samples of class i were
    given class j; ``actual``, ``predicted``: class indices, (n,)."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (actual, predicted), 1)
    return counts


def _table(counts: np.ndarray) -> dict:
    """A matrix as the page draws it: the counts, each row's shares (the cell's tint),
    the accuracy (the diagonal's share)."""
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)
    total = int(counts.sum())
    return {"counts": counts.tolist(), "share": share.tolist(), "n": total,
            "accuracy": float(np.trace(counts) / total) if total else None}  # fmt: skip


def for_moment(m) -> dict | None:
    """Moment ``m``'s matrices, ``{"classes", "train", "test"}`` (``test`` None without a
    test set); None when its outputs are not class labels (a regression's never are)."""
    d, c = m.data, m.net_config
    if d.regression:
        return None
    L = len(c["sizes"]) - 1
    acts = [get_activation(c["activation"])] * (L - 1) + [get_activation(c["output_activation"])]
    Y = lab.targets(m.settings, d.y, len(d.classes)).T  # (n_L, n)
    kind = label_kind(Y)
    if kind is None:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        A = feedforward(m.weights, m.biases, lab.lift(m.features)(d.X.T), acts)[1][-1]
    predicted = predicted_classes(A, kind).astype(np.int64)  # (n,): True is class 1
    k, n = len(d.classes), d.n_train
    test = d.y[n:]
    return {
        "classes": list(d.classes),
        "train": _table(confusion(d.y[:n], predicted[:n], k)),
        "test": _table(confusion(test, predicted[n:], k)) if len(test) else None,
    }
