"""The playground's confusion matrices (backproplab.serve.confusion), against
scikit-learn's confusion_matrix and the network's own accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from backproplab.serve import confusion


def test_counts_match_scikit_learn():
    rng = np.random.default_rng(3)
    actual, predicted = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    ours = confusion.confusion(actual, predicted, 4)
    assert np.array_equal(ours, confusion_matrix(actual, predicted, labels=range(4)))


def _moment(settings):
    from backproplab.serve.session import Session

    session = Session(lambda m: None, lambda m: None)
    session.setup(settings)
    with np.errstate(over="ignore"):
        session.net.train(session.X_train, session.Y_train, epochs=3, batch_size=10, eta=0.3,
                          seed=1)  # fmt: skip
    return session, session.moment()


@pytest.mark.parametrize("output, data", [("sigmoid", "circles"), ("softmax", "blobs")])
def test_a_moments_matrices_are_the_networks_predictions(output, data):
    from backproplab.serve.settings import PlaygroundSettings

    cost = "categorical_cross_entropy" if output == "softmax" else "quadratic"
    s = PlaygroundSettings(data=data, output_activation=output, cost=cost)
    session, m = _moment(s)
    out = confusion.for_moment(m)
    d, n = m.data, m.data.n_train
    A = session.net.predict(session.phi(d.X.T).T)  # (n, n_L): the network's outputs
    predicted = A.argmax(axis=1) if A.shape[1] > 1 else (A[:, 0] > 0.5).astype(int)
    k = len(d.classes)
    assert out["classes"] == d.classes
    assert (
        out["train"]["counts"] == confusion_matrix(d.y[:n], predicted[:n], labels=range(k)).tolist()
    )
    assert (
        out["test"]["counts"] == confusion_matrix(d.y[n:], predicted[n:], labels=range(k)).tolist()
    )
    assert out["train"]["n"] == n and out["test"]["n"] == len(d.X) - n
    acc = session.net.accuracy(session.X_train, session.Y_train)
    assert out["train"]["accuracy"] == pytest.approx(acc, abs=1e-15)
    shares = np.array(out["train"]["share"])
    assert np.allclose(shares.sum(axis=1)[np.array(out["train"]["counts"]).sum(axis=1) > 0], 1)
