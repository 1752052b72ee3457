"""Activations and costs: stability at the extremes, derivatives, and the fused BP1 paths."""

from __future__ import annotations

import numpy as np
import pytest

from backproplab.engine.activations import ACTIVATIONS, get_activation
from backproplab.engine.costs import COSTS, get_cost, output_delta

ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.hidden_ok]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_extreme_inputs_are_finite_and_silent(name):
    act = get_activation(name)
    z = np.array([[-1000.0, 0.0, 1000.0], [1000.0, -1000.0, 3.0]])
    a = act.f(z)  # RuntimeWarnings are errors in this test suite
    assert np.isfinite(a).all()
    assert np.isfinite(act.backward(z, a, np.ones_like(z))).all()


def test_sigmoid_closed_forms():
    sig = get_activation("sigmoid")
    z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    a = sig.f(z)
    assert a[0] == 0.0 and a[-1] == 1.0 and a[2] == 0.5
    np.testing.assert_allclose(a[1], 1 / (1 + np.exp(2.0)), rtol=1e-15)
    np.testing.assert_allclose(sig.prime(z, a)[2], 0.25)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_prime_matches_finite_difference(name):
    act = get_activation(name)
    z = np.linspace(-3, 3, 13) + 0.05  # avoids the ReLU kink at 0
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.prime(z, act.f(z)), numeric, rtol=1e-6, atol=1e-9)


def test_softmax_backward_is_the_jacobian_product(rng):
    sm = get_activation("softmax")
    z = rng.standard_normal((4, 3))
    g = rng.standard_normal((4, 3))
    a = sm.f(z)
    np.testing.assert_allclose(a.sum(axis=0), 1.0)
    for col in range(3):
        s = a[:, col]
        jacobian = np.diag(s) - np.outer(s, s)
        np.testing.assert_allclose(sm.backward(z, a, g)[:, [col]].ravel(), jacobian.T @ g[:, col])


@pytest.mark.parametrize(
    "output, cost", [("sigmoid", "binary_cross_entropy"), ("softmax", "categorical_cross_entropy")]
)
def test_fused_delta_equals_general_path(rng, output, cost):
    act, c = get_activation(output), get_cost(cost)
    z = rng.standard_normal((3, 6))
    a = act.f(z)
    y = np.eye(3)[:, rng.integers(0, 3, 6)] if output == "softmax" else rng.uniform(size=(3, 6))
    general = act.backward(z, a, c.grad_a(a, y))
    np.testing.assert_allclose(output_delta(c, act, z, a, y), general, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", list(COSTS))
def test_costs_are_finite_when_saturated(name):
    c = get_cost(name)
    a = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert np.isfinite(c.value(a, y)).all() and np.isfinite(c.grad_a(a, y)).all()


def test_cost_values_against_closed_forms():
    a = np.array([[0.8], [0.2]])
    y = np.array([[1.0], [0.0]])
    assert get_cost("quadratic").value(a, y)[0] == pytest.approx(0.5 * (0.04 + 0.04))
    assert get_cost("binary_cross_entropy").value(a, y)[0] == pytest.approx(-2 * np.log(0.8))
    assert get_cost("categorical_cross_entropy").value(a, y)[0] == pytest.approx(-np.log(0.8))


def test_cross_entropy_name_follows_output():
    assert get_cost("cross-entropy", "sigmoid").name == "binary_cross_entropy"
    assert get_cost("cross-entropy", "softmax").name == "categorical_cross_entropy"
