"""Reading targets back as classes (labels.py), checked against per-sample loops."""

import numpy as np
import pytest

from backproplab import Network
from backproplab.data.labels import label_classes, label_hits, label_kind, predicted_classes


def _hits_one_by_one(A_out, Y, kind):
    """The reference: each sample on its own, in plain Python."""
    hits = 0
    for a, y in zip(A_out.T.tolist(), Y.T.tolist(), strict=True):
        if kind == "0/1":
            hits += (a[0] > 0.5) == (y[0] > 0.5)
        elif kind == "±1":
            hits += (a[0] > 0) == (y[0] > 0)
        else:  # the first of the largest outputs against the row of the 1
            hits += a.index(max(a)) == y.index(1)
    return hits


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_hot_targets_from_a_transposed_view(dtype):
    labels = np.random.default_rng(0).integers(0, 4, 50)
    Y = np.eye(4, dtype=dtype)[labels]  # (n, 4) rows, as the user passes them
    assert label_kind(Y.T) == "one-hot"
    assert label_classes(Y.T, "one-hot").tolist() == labels.tolist()


def test_columns_with_two_ones_and_none_are_not_one_hot():
    """As many 1s as columns, but one column holds two and another none."""
    Y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 1.0]])
    assert label_kind(Y) is None
    assert label_kind(np.array([[0.0, 1.0], [1.0, 0.5]])) is None
    assert label_kind(np.array([[0, 1], [1, 0]])) == "one-hot"  # integer targets too


def test_single_output_kinds():
    assert label_kind(np.array([[0.0, 1.0, 1.0]])) == "0/1"
    assert label_kind(np.array([[-1.0, 1.0, 1.0]])) == "±1"
    assert label_kind(np.array([[0.2, 1.0]])) is None


@pytest.mark.parametrize("kind", ["0/1", "±1", "one-hot"])
def test_hits_equal_the_per_sample_count_with_ties(kind):
    rng = np.random.default_rng(1)
    if kind == "one-hot":
        A = rng.random((5, 300))
        A[:, :40] = 1.0  # saturated outputs: every row ties, the first one wins
        A[2:4, 40:80] = 2.0  # a tie between rows 2 and 3
        Y = np.eye(5)[rng.integers(0, 5, 300)].T
        Y[:, :20] = np.eye(5)[[0] * 20].T  # ties won by the right class …
        Y[:, 40:60] = np.eye(5)[[3] * 20].T  # … and lost to the earlier row
    else:
        low = 0.0 if kind == "0/1" else -1.0
        A = rng.uniform(low, 1.0, (1, 300))
        A[0, :10] = 0.5 if kind == "0/1" else 0.0  # exactly at the threshold
        Y = np.where(rng.random((1, 300)) < 0.5, 1.0, low)
    assert label_kind(Y) == kind
    assert label_hits(A, Y, kind) == _hits_one_by_one(A, Y, kind)
    same = predicted_classes(A, kind) == label_classes(Y, kind)
    assert int(np.count_nonzero(same)) == label_hits(A, Y, kind)


def test_running_accuracy_of_shuffled_one_hot_epochs():
    """The epoch's accuracy counts each sample as its own mini-batch's forward pass
    classified it, in the shuffled order and with a short last batch (50 = 3 × 16 + 2)."""
    rng = np.random.default_rng(3)
    X, labels = rng.normal(size=(50, 4)), rng.integers(0, 3, 50)
    Y = np.eye(3)[labels]
    net, twin = Network([4, 6, 3], seed=0), Network([4, 6, 3], seed=0)
    h = net.train(X, Y, epochs=1, batch_size=16, eta=2.0, seed=7)
    order = np.random.default_rng(7).permutation(50)  # the epoch's shuffle
    hits = 0
    for start in range(0, 50, 16):
        rows = order[start : start + 16]
        hits += int(np.sum(np.argmax(twin.predict(X[rows]), axis=1) == labels[rows]))
        twin.train(X[rows], Y[rows], epochs=1, batch_size=16, eta=2.0, shuffle=False)
    np.testing.assert_array_equal(twin.theta, net.theta)  # the twin took the same steps
    assert h.accuracy_epoch[0] == hits / 50


def test_numeric_targets_of_more_than_twenty_values_are_a_regression():
    from backproplab.data.labels import MAX_CLASSES, target_kind

    assert MAX_CLASSES == 20
    twenty = [f"{v / 4:g}" for v in range(20)] * 3  # as a CSV's cells arrive: text
    assert target_kind(np.array(twenty)) == "classification"
    assert target_kind(np.array([*twenty, "99.5"])) == "regression"  # a 21st value
    assert target_kind(np.arange(21.0)) == "regression"
    assert target_kind(np.array(["a", *map(str, range(30))])) == "classification"  # text
    assert target_kind(np.array([*map(str, range(30)), "nan"])) == "classification"
