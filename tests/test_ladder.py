"""The derivation ladder: every rung equal, Nielsen bit for bit, the forward-pass forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backproplab import Network, ladder
from backproplab.engine.activations import sigmoid
from reference import max_rel_diff, nielsen_sgd


def _flat(grads):
    return list(grads[0]) + list(grads[1])


@st.composite
def problems(draw, width_one=False):
    depth = draw(st.integers(1, 4))
    sizes = [1] * (depth + 1) if width_one else [draw(st.integers(1, 6)) for _ in range(depth + 1)]
    m = draw(st.integers(1, 16))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    net = Network(sizes, seed=seed)
    return net, rng.standard_normal((m, sizes[0])), rng.uniform(size=(m, sizes[-1]))


def _rel_diff_tolerant(a_list, b_list):
    """Largest |a − b| relative to the largest entry of the whole gradient b. An entry
    that is a sum of per-sample terms cancelling to nearly 0 keeps only the absolute
    accuracy of those terms, so it is not divided by its own tiny size."""
    scale = max(max(float(np.max(np.abs(b))) for b in b_list), 1e-300)
    return max(float(np.max(np.abs(a - b))) for a, b in zip(a_list, b_list)) / scale


@settings(max_examples=40, deadline=None)
@given(problems())
def test_all_rungs_agree(problem):
    net, X, Y = problem
    ref = _flat(ladder.gemm(net.weights, net.biases, X, Y))
    for name in ("per_neuron", "per_example", "batch_tensor"):
        grads = _flat(ladder.RUNGS[name](net.weights, net.biases, X, Y))
        assert _rel_diff_tolerant(grads, ref) <= 1e-12, name


@settings(max_examples=30, deadline=None)
@given(problems(width_one=True))
def test_scalar_rung_agrees_on_chains(problem):
    net, X, Y = problem
    ref = _flat(ladder.gemm(net.weights, net.biases, X, Y))
    assert _rel_diff_tolerant(_flat(ladder.scalar(net.weights, net.biases, X, Y)), ref) <= 1e-12


def test_gemm_rung_is_network_backprop(rng):
    net = Network([3, 4, 2], seed=0)
    X, Y = rng.standard_normal((9, 3)), rng.uniform(size=(9, 2))
    for a, b in zip(_flat(ladder.gemm(net.weights, net.biases, X, Y)), _flat(net.backprop(X, Y))):
        np.testing.assert_array_equal(a, b)


def test_rungs_are_right_by_hand():
    # A [1, 1] network with w = 0, b = 0 on x = 2, y = 1: z = 0, a = σ(0) = 0.5,
    # δ = (a − y) σ'(z) = (−0.5)(0.25) = −0.125, ∂C/∂b = δ = −0.125, ∂C/∂w = x δ = −0.25.
    W, b, X, Y = [np.zeros((1, 1))], [np.zeros((1, 1))], np.array([[2.0]]), np.array([1.0])
    for rung in ladder.RUNGS.values():
        gw, gb = rung(W, b, X, Y)
        assert gw[0][0, 0] == -0.25 and gb[0][0, 0] == -0.125


@pytest.mark.parametrize(
    "batch_size", [pytest.param(50, marks=pytest.mark.slow), 64]
)  # 64 leaves a short last mini-batch: the case that proves the point
def test_train_per_example_is_nielsen_bit_for_bit(circles, batch_size):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=3)
    w, b = ladder.train_per_example(
        net.weights, net.biases, X, y, epochs=10, batch_size=batch_size, eta=3.0
    )
    ref_w, ref_b = nielsen_sgd(net.weights, net.biases, X, y, 10, batch_size, 3.0, sigma=sigmoid)
    assert not np.array_equal(w[0], net.weights[0])
    assert all(np.array_equal(p, q) for p, q in zip(w + b, ref_w + ref_b))


def test_train_per_example_close_to_the_fast_path(circles):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=3)
    w, b = ladder.train_per_example(net.weights, net.biases, X, y, epochs=2, batch_size=50, eta=3.0)
    net.train(X, y, epochs=2, batch_size=50, eta=3.0, shuffle=False)
    assert max_rel_diff(net.weights + net.biases, w + b) < 1e-12


def test_node_and_chain_forward():
    # σ(2·0.5 − 1) = σ(0) = 0.5
    assert ladder.node(2.0, -1.0, 0.5) == 0.5
    net = Network([1, 1, 1, 1], seed=4)
    for x in (-5.0, 0.3, 4.0):
        assert ladder.chain_forward(net.weights, net.biases, x) == pytest.approx(
            float(net.predict(np.array([[x]]))[0, 0]), rel=1e-15
        )


def test_bias_augmented_form_equals_plain_forward(rng):
    net = Network([3, 4, 2, 1], seed=5)
    X = rng.standard_normal((20, 3))
    out = ladder.feedforward_augmented(ladder.augment(net.weights, net.biases), X)
    np.testing.assert_allclose(out, net.predict(X).T, rtol=1e-12, atol=1e-12)
    assert ladder.augment(net.weights, net.biases)[0].shape == (4, 4)


def test_collapse_linear_equals_the_network(rng):
    net = Network([3, 5, 4, 2], activation="linear", seed=6)
    X = rng.standard_normal((10, 3))
    W_star, b_star = ladder.collapse_linear(net)
    assert W_star.shape == (2, 3) and b_star.shape == (2, 1)
    # Independent closed form: W* = W3 W2 W1, b* = W3 W2 b1 + W3 b2 + b3.
    W1, W2, W3 = net.weights
    b1, b2, b3 = net.biases
    np.testing.assert_allclose(W_star, W3 @ W2 @ W1, rtol=1e-12)
    np.testing.assert_allclose(b_star, W3 @ W2 @ b1 + W3 @ b2 + b3, rtol=1e-12)
    np.testing.assert_allclose((W_star @ X.T + b_star).T, net.predict(X), rtol=1e-12, atol=1e-12)


def test_collapse_linear_refuses_nonlinear_networks():
    with pytest.raises(ValueError, match="identity activations"):
        ladder.collapse_linear(Network([2, 3, 1], seed=0))


def test_rung_outside_its_level_is_an_error():
    net = Network([1, 3, 1], seed=0)
    with pytest.raises(ValueError, match="width 1"):
        ladder.scalar(net.weights, net.biases, np.zeros((2, 1)), np.zeros(2))


@pytest.mark.parametrize("name", list(ladder.RUNGS))
def test_rungs_reject_bad_shapes(name):
    W, b = [np.zeros((1, 1)), np.zeros((1, 2))], [np.zeros((1, 1)), np.zeros((1, 1))]
    with pytest.raises(ValueError, match="columns"):
        ladder.RUNGS[name](W, b, np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="features"):
        ladder.RUNGS[name]([np.zeros((1, 1))], [np.zeros((1, 1))], np.zeros((2, 3)), np.zeros(2))


def test_the_einsum_form_of_bp4_equals_the_stacked_outer_products(rng):
    net = Network([3, 4, 2], seed=1)
    X, Y = rng.standard_normal((9, 3)), rng.uniform(size=(9, 2))
    stacked = ladder.batch_tensor(net.weights, net.biases, X, Y)
    einsum = ladder.batch_tensor(net.weights, net.biases, X, Y, einsum=True)
    for a, b in zip(stacked[0], einsum[0]):
        np.testing.assert_allclose(a, b, rtol=1e-13)
    gemm = ladder.gemm(net.weights, net.biases, X, Y)
    for a, b in zip(einsum[0], gemm[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_node_takes_the_seeds_one_element_arrays():
    """The notebook passes (1,) arrays through a node; numbers give a number."""
    out = ladder.node(np.array([0.5]), np.array([-1.0]), np.array([2.0]))
    assert out.shape == (1,) and out[0] == pytest.approx(0.5)  # σ(0.5·2 − 1) = σ(0)
    assert ladder.node(1.0, 0.0, 0.0) == 0.5 and isinstance(ladder.node(1.0, 0.0, 0.0), float)
