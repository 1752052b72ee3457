"""Gradient checking: passes on true gradients, fails on wrong ones, round-trips parameters."""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import Network, gradcheck
from backproplab.engine.parameters import flatten as get_params
from backproplab.engine.parameters import unflatten as set_params

PAIRINGS = [
    ("sigmoid", "sigmoid", "quadratic"),
    ("tanh", "sigmoid", "binary_cross_entropy"),
    ("relu", "softmax", "categorical_cross_entropy"),
    ("leaky_relu", "softmax", "quadratic"),
    ("linear", "linear", "quadratic"),
    ("sigmoid", "tanh", "quadratic"),
    ("tanh", "relu", "quadratic"),
    ("sigmoid", "leaky_relu", "quadratic"),
]


def _problem(hidden, output, cost, seed=0):
    rng = np.random.default_rng(seed)
    net = Network(
        [3, 5, 4, 3],
        activation=hidden,
        output_activation=output,
        cost=cost,
        init="xavier",
        seed=seed,
    )
    X = rng.standard_normal((8, 3))
    if cost == "categorical_cross_entropy":
        Y = np.eye(3)[rng.integers(0, 3, 8)]
    else:
        Y = rng.uniform(size=(8, 3))
    # Keep every z away from ReLU's kink, where finite differences mean nothing.
    assert min(np.min(np.abs(z)) for z in net.feedforward(X)[0]) > 1e-5
    return net, X, Y


@pytest.mark.parametrize("hidden, output, cost", PAIRINGS)
def test_passes_on_true_gradients(hidden, output, cost):
    net, X, Y = _problem(hidden, output, cost)
    report = gradcheck(net, X, Y)
    assert report.passed and report.relative_error < 1e-7
    assert len(report.layer_errors) == 3 and report.n_checked == net.n_params


@pytest.mark.parametrize("hidden, output, cost", PAIRINGS)
def test_fails_on_one_entry_off_by_1e_4(hidden, output, cost):
    net, X, Y = _problem(hidden, output, cost)
    grads_w, grads_b = net.backprop(X, Y)
    grads_w[1] = grads_w[1].copy()
    grads_w[1][2, 1] += 1e-4
    report = gradcheck(net, X, Y, grads=(grads_w, grads_b))
    assert not report.passed
    assert report.worst[0].name == "W2[2, 1]"
    w_errors = [w for w, _ in report.layer_errors]
    assert w_errors[1] == max(w_errors)  # the bad layer stands out


def test_parameters_are_restored_exactly():
    net, X, Y = _problem("sigmoid", "sigmoid", "quadratic")
    before = get_params(net.weights, net.biases).copy()
    gradcheck(net, X, Y)
    np.testing.assert_array_equal(get_params(net.weights, net.biases), before)


def test_get_set_params_round_trip():
    net = Network([4, 3, 2], seed=1)
    theta = get_params(net.weights, net.biases)
    assert theta.shape == (4 * 3 + 3 * 2 + 3 + 2,)
    assert theta[0] == net.weights[0][0, 0] and theta[12] == net.weights[1][0, 0]
    w, b = set_params(theta, net.weights, net.biases)
    assert all(np.array_equal(p, q) for p, q in zip(w + b, net.weights + net.biases))
    with pytest.raises(ValueError, match="shape"):
        set_params(theta[:-1], net.weights, net.biases)


def test_random_subset_of_a_large_network():
    rng = np.random.default_rng(2)
    net = Network([30, 40, 10], init="scaled", seed=2)
    X, Y = rng.standard_normal((5, 30)), rng.uniform(size=(5, 10))
    report = gradcheck(net, X, Y, n_params=50, seed=0)
    assert report.n_checked == 50 and report.n_params == net.n_params and report.passed


def test_report_reads_well():
    net, X, Y = _problem("sigmoid", "sigmoid", "quadratic")
    text = str(gradcheck(net, X, Y))
    assert (
        text.startswith("gradient check PASSED")
        and "W rel. error" in text
        and "worst parameter" in text
    )


def test_bad_gradient_shapes_are_rejected():
    net, X, Y = _problem("sigmoid", "sigmoid", "quadratic")
    gw, gb = net.backprop(X, Y)
    with pytest.raises(ValueError, match=r"grads_w\[0\] must have shape"):
        gradcheck(net, X, Y, grads=([gw[0].T, *gw[1:]], gb))


def test_training_records_gradient_errors(circles):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=0)
    history = net.train(X, y, epochs=2, batch_size=100, eta=3.0, gradcheck_every=5)
    checks = history.extras["gradcheck"]
    assert [step for step, _ in checks] == [0, 5, 10, 15, 20]  # the untrained network first
    assert all(err < 1e-7 for _, err in checks)


def test_a_correct_float32_network_passes_and_is_not_touched():
    """The finite differences run in float64 on a copy (ε = 1e-7 is below float32's
    resolution of θ), so a correct float32 backprop passes at float32's threshold."""
    rng = np.random.default_rng(7)
    net = Network([3, 5, 2], activation="tanh", seed=1, dtype=np.float32)
    X, Y = rng.standard_normal((8, 3)), rng.uniform(size=(8, 2))
    before = net.theta.copy()
    report = gradcheck(net, X, Y)
    assert report.passed and report.threshold == 1e-4 and report.relative_error < 1e-5
    np.testing.assert_array_equal(net.theta, before)
    history = net.train(X, Y, epochs=2, batch_size=4, eta=0.1, gradcheck_every=2)
    assert all(err < 1e-4 for _, err in history.extras["gradcheck"])


def test_all_zero_gradients_are_uninformative_not_passed():
    """A dead ReLU network (every z < 0): both gradients are exactly zero and 0/0 proves
    nothing."""
    X, y = np.abs(np.random.default_rng(0).standard_normal((5, 2))), np.ones(5)
    dead = Network([2, 3, 1], activation="relu", output_activation="relu",
                   weights=[-np.ones((3, 2)), np.ones((1, 3))],
                   biases=[-np.ones((3, 1)), -np.ones((1, 1))])  # fmt: skip
    report = gradcheck(dead, X, y)
    assert not report.passed and not report.informative and report.verdict == "UNINFORMATIVE"
    assert "exactly zero" in str(report)
    assert {v for pair in report.layer_verdicts for v in pair} == {"unresolved"}


def test_per_layer_verdicts_use_the_same_threshold():
    """A wrong gradient in layer 2 only: the overall check fails and the table marks layer 2
    FAILED and layer 1 ok."""
    rng = np.random.default_rng(3)
    net = Network([2, 4, 3, 1], seed=0)
    X, y = rng.standard_normal((6, 2)), rng.uniform(size=6)
    grads_w, grads_b = net.backprop(X, y)
    grads_w[1] = grads_w[1] * 1.01
    report = gradcheck(net, X, y, grads=(grads_w, grads_b))
    rows = {line.split()[0]: line.split() for line in str(report).splitlines()[2:6]}
    assert rows["1"][3] == "ok" and rows["2"][3] == "FAILED" and not report.passed
    assert report.failed_layers == [2]
