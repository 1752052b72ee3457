"""Warnings at the end of a run: chance level, a dead layer, a rising loss — and none for a
run that learned."""

from __future__ import annotations

import numpy as np

from backproplab import Network, datasets
from backproplab.training.advice import training_warnings


def test_a_run_that_learned_gets_no_warning(circles):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=0)
    history = net.train(X, y, epochs=100, batch_size=10, eta=3.0, seed=0, evaluate=True)
    assert net.accuracy(X, y) > 0.9
    assert training_warnings(net, X, y, history) == []


def test_unscaled_iris_with_eta_3_is_reported_at_chance_level():
    """The first-day case: iris as it comes (no standardising) and η = 3 end at 33 %."""
    X, y = datasets.iris()
    Y = np.eye(3)[y]
    net = Network([4, 6, 3], output_activation="softmax", cost="cross_entropy", seed=0)
    history = net.train(X, Y, epochs=30, batch_size=10, eta=3.0, seed=0)
    accuracy = net.accuracy(X, Y)
    warnings = training_warnings(net, X, Y, history)
    assert accuracy < 0.4 and any(w.startswith("chance level") for w in warnings)
    assert f"{accuracy:.1%}" in warnings[0] and "33.3%" in warnings[0]


def test_a_relu_layer_killed_by_a_huge_step_is_reported_dead(circles):
    X, y = circles
    net = Network([2, 8, 1], activation="relu", output_activation="sigmoid", init="he", seed=0)
    net.biases[0][:] = -50.0  # every z^1 < 0 on this data: ReLU outputs 0, σ' = 0
    warnings = training_warnings(net, X, y)
    assert any(w.startswith("dead layer 1") for w in warnings)


def test_a_rising_loss_is_reported():
    class Rising:  # a history whose loss went up
        n_epochs = 2
        loss_epoch = np.array([0.2, 0.9])

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 2)), rng.uniform(size=20)  # not labels: no chance check
    warnings = training_warnings(Network([2, 3, 1], seed=0), X, y, Rising())
    assert len(warnings) == 1 and warnings[0].startswith("rising loss: from 0.2")
