"""The core engine against independent references (issue: core engine, must-hold 1–6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from backproplab import Network, TrainingDivergedError
from reference import finite_difference_grads, max_rel_diff, nielsen_sgd

# (hidden activation, output activation, cost): every pairing that makes sense.
HIDDEN = ["sigmoid", "tanh", "linear", "relu", "leaky_relu"]
OUTPUT_COST = [
    ("sigmoid", "quadratic"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "categorical_cross_entropy"),
    ("softmax", "quadratic"),
    ("linear", "quadratic"),
    ("tanh", "quadratic"),
    ("relu", "quadratic"),
    ("leaky_relu", "quadratic"),
]


# -- 1. same results as Nielsen -------------------------------------------------------------
@pytest.mark.parametrize(
    "batch_size", [pytest.param(50, marks=pytest.mark.slow), 64]
)  # 64 leaves a short last mini-batch of 40
def test_train_matches_nielsen_per_example_sgd(circles, batch_size):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=7)
    w0, b0 = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    net.train(X, y, epochs=10, batch_size=batch_size, eta=3.0, shuffle=False)
    ref_w, ref_b = nielsen_sgd(w0, b0, X, y, epochs=10, batch_size=batch_size, eta=3.0)
    assert not np.array_equal(net.weights[0], w0[0])  # training did move the weights
    assert max_rel_diff(net.weights, ref_w) < 1e-12
    assert max_rel_diff(net.biases, ref_b) < 1e-12


# -- 2. backprop equals central finite differences -------------------------------------------
@st.composite
def networks(draw):
    depth = draw(st.integers(1, 5))
    hidden = draw(st.sampled_from(HIDDEN))
    output, cost = draw(st.sampled_from(OUTPUT_COST))
    n_out_min = 2 if output == "softmax" else 1
    sizes = [draw(st.integers(1, 10)) for _ in range(depth)] + [draw(st.integers(n_out_min, 10))]
    m = draw(st.integers(1, 20))
    seed = draw(st.integers(0, 2**32 - 1))
    return sizes, hidden, output, cost, m, seed


def _targets(rng, output, cost, n_out, m):
    if cost == "categorical_cross_entropy":
        return np.eye(n_out)[rng.integers(0, n_out, m)]
    if output == "sigmoid" or output == "softmax":
        return rng.uniform(0, 1, (m, n_out))
    return rng.standard_normal((m, n_out))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
@example(([9, 1], "sigmoid", "sigmoid", "quadratic", 1, 3))  # gradients of ~1e-5
@example(([2, 1], "sigmoid", "sigmoid", "binary_cross_entropy", 1, 13))  # a = 0.99998903
def test_backprop_matches_finite_differences(case):
    sizes, hidden, output, cost, m, seed = case
    rng = np.random.default_rng(seed)
    net = Network(
        sizes, activation=hidden, output_activation=output, cost=cost, init="xavier", seed=seed
    )
    X = rng.standard_normal((m, sizes[0]))
    Y = _targets(rng, output, cost, sizes[-1], m)
    if hidden in ("relu", "leaky_relu") or output in ("relu", "leaky_relu"):
        # A finite difference across a kink of ReLU is meaningless: keep away from z = 0.
        assume(min(np.min(np.abs(z)) for z in net.feedforward(X)[0]) > 1e-4)

    gw, gb = net.backprop(X, Y)
    a = np.concatenate([g.ravel() for g in gw + gb])
    assert min(_fd_mismatch(net, X, Y, a, eps) for eps in (1e-6, 1e-4)) <= 1e-7


def _fd_mismatch(net, X, Y, grad, eps):
    """‖grad − FD‖ / (‖grad‖ + ‖FD‖), less the reference's own rounding noise.

    A central difference subtracts two costs that carry a few ulps of rounding error each,
    so it is only good to about 10·ε_machine·|C| / eps per entry; tiny gradients are
    compared within that noise instead of relatively. Where the cost itself is badly
    conditioned (ln(1 − a) of a saturated sigmoid under cross-entropy) that noise is larger
    still, and the larger step is the better reference: the test takes the better of two.
    """

    def cost_of(weights, biases):
        return net.cost(X, Y)  # net.weights/biases ARE these lists: perturbed in place

    fd_w, fd_b = finite_difference_grads(cost_of, net.weights, net.biases, eps=eps)
    fd = np.concatenate([g.ravel() for g in fd_w + fd_b])
    noise = np.sqrt(net.n_params) * 10 * np.finfo(float).eps * abs(net.cost(X, Y)) / eps
    excess = max(np.linalg.norm(grad - fd) - noise, 0.0)
    return excess / max(np.linalg.norm(grad) + np.linalg.norm(fd), 1e-300)


# -- 3. a batch is the same as its samples one at a time ---------------------------------------
def test_batch_feedforward_equals_single_samples(rng):
    net = Network([4, 7, 5, 3], activation="tanh", seed=3)
    X = rng.standard_normal((25, 4))
    zs, acts = net.feedforward(X)
    for i in range(len(X)):
        zi, ai = net.feedforward(X[i : i + 1])
        for batch, single in zip(zs + acts, zi + ai):
            np.testing.assert_allclose(batch[:, i : i + 1], single, rtol=1e-14, atol=1e-14)


def test_shapes_follow_the_book(rng):
    net = Network([2, 3, 3, 1], seed=0)
    X = rng.standard_normal((5, 2))
    zs, acts = net.feedforward(X)
    assert [z.shape for z in zs] == [(3, 5), (3, 5), (1, 5)]
    assert [a.shape for a in acts] == [(2, 5), (3, 5), (3, 5), (1, 5)]
    np.testing.assert_array_equal(acts[0], X.T)
    assert net.predict(X).shape == (5, 1)
    gw, gb = net.backprop(X, rng.uniform(size=5))
    assert [g.shape for g in gw] == [W.shape for W in net.weights]
    assert [g.shape for g in gb] == [b.shape for b in net.biases]


def test_cost_is_mean_half_squared_error():
    # One sample, a [1, 1] network with W = 0, b = 0: a = σ(0) = 0.5, y = 1,
    # C = ½ (0.5 − 1)² = 0.125. Two samples with y = 0 and y = 1 give the same mean.
    net = Network([1, 1], weights=[np.zeros((1, 1))], biases=[np.zeros((1, 1))])
    assert net.cost(np.array([[3.0]]), np.array([1.0])) == 0.125
    assert net.cost(np.array([[3.0], [-2.0]]), np.array([1.0, 0.0])) == 0.125


# -- 4. training learns -------------------------------------------------------------------------
def test_training_reaches_95_percent_on_circles(circles):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=0)
    history = net.train(X, y, epochs=200, batch_size=10, eta=3.0, seed=0)  # README's settings
    assert net.accuracy(X, y) >= 0.95
    assert history.loss_epoch[-1] < history.loss_epoch[0] / 2
    assert history.accuracy_epoch[-1] == net.accuracy(X, y)


def test_history_records_every_step(circles):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=1)
    h = net.train(X, y, epochs=3, batch_size=64, eta=1.0)
    assert h.steps_per_epoch == 16 and h.n_steps == 48
    assert h.loss_step.shape == (48,) and h.grad_norm.shape == (48, 3)
    assert h.loss_epoch.shape == (3,) and h.accuracy_epoch.shape == (3,)
    np.testing.assert_allclose(h.weight_norm[-1], [np.linalg.norm(W) for W in net.weights])
    assert np.isfinite(h.loss_step).all()


def test_accuracy_absent_for_regression(rng):
    net = Network([2, 4, 1], output_activation="linear", seed=0)
    h = net.train(
        rng.standard_normal((30, 2)), rng.standard_normal(30), epochs=2, batch_size=8, eta=0.1
    )
    assert h.accuracy_epoch is None


# -- 5. bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sizes=[2]), "at least 2"),
        (dict(sizes=[2, 0, 1]), "positive"),
        (dict(sizes=[2, 3], activation="swish"), "unknown activation 'swish'"),
        (dict(sizes=[2, 3], cost="hinge"), "unknown cost 'hinge'"),
        (dict(sizes=[2, 3, 1], activation="softmax"), "output layer"),
        (dict(sizes=[2, 3], cost="categorical_cross_entropy"), "softmax"),
        (dict(sizes=[2, 3], weights=[np.zeros((2, 3))]), r"weights\[0\] must have shape \(3, 2\)"),
        (dict(sizes=[2, 3], biases=[np.zeros(3)]), r"biases\[0\] must have shape \(3, 1\)"),
        (dict(sizes=[2, 3, 1], weights=[np.zeros((3, 2))]), "needs 2 arrays"),
        (dict(sizes=[2, 3], weights=[np.full((3, 2), np.nan)]), "NaN"),
    ],
)
def test_bad_construction_is_rejected(kwargs, match):
    sizes = kwargs.pop("sizes")
    with pytest.raises(ValueError, match=match):
        Network(sizes, **kwargs)


def test_bad_size_types_are_rejected():
    with pytest.raises(TypeError, match="integers"):
        Network([2, 2.5, 1])


@pytest.mark.parametrize(
    "X, Y, match",
    [
        (np.zeros((4, 3)), np.zeros(4), "3 features but the network's input layer has 2"),
        (np.zeros((4, 2)), np.zeros(5), "4 samples but Y has 5"),
        (np.full((4, 2), np.nan), np.zeros(4), "X contains NaN"),
        (np.zeros((4, 2)), np.array([0, 1, np.inf, 0]), "Y contains inf"),
        (np.zeros(2), np.zeros(1), "2-D"),
        (np.zeros((4, 2)), np.zeros((4, 2)), "2 columns but the network has 1 outputs"),
    ],
)
def test_bad_data_is_rejected(X, Y, match):
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=match):
        net.backprop(X, Y)
    with pytest.raises(ValueError, match=match):
        net.train(X, Y, epochs=1, batch_size=2, eta=1.0)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(batch_size=0), ValueError, "batch_size must be at least 1"),
        (dict(eta=0.0), ValueError, "eta must be a positive"),
        (dict(eta=-1.0), ValueError, "eta must be a positive"),
        (dict(epochs=0), ValueError, "epochs must be at least 1"),
        (dict(batch_size=2.5), TypeError, "batch_size must be an integer"),
    ],
)
def test_bad_hyperparameters_are_rejected(kwargs, exc, match):
    net = Network([2, 3, 1], seed=0)
    args = dict(epochs=1, batch_size=2, eta=1.0) | kwargs
    before = [W.copy() for W in net.weights]
    with pytest.raises(exc, match=match):
        net.train(np.zeros((4, 2)), np.zeros(4), **args)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


def test_divergence_stops_with_last_finite_parameters(rng):
    X = rng.standard_normal((20, 3)) * 100
    Y = rng.standard_normal(20) * 100
    make = lambda: Network([3, 8, 1], activation="linear", seed=4)  # noqa: E731
    net = make()
    with pytest.raises(TrainingDivergedError, match="diverged") as info:
        net.train(X, Y, epochs=500, batch_size=20, eta=10.0, shuffle=False)  # one step an epoch
    k = info.value.history.n_steps
    assert k > 0 and all(np.isfinite(W).all() for W in net.weights)
    replay = make()
    replay.train(X, Y, epochs=k, batch_size=20, eta=10.0, shuffle=False)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(net.weights + net.biases, replay.weights + replay.biases)
    )


# -- 6. same seed, same bits ---------------------------------------------------------------------
def test_same_seed_same_bits(circles):
    X, y = circles
    nets = [Network([2, 3, 3, 1], seed=11) for _ in range(2)]
    for net in nets:
        net.train(X, y, epochs=2, batch_size=32, eta=3.0)  # shuffles with the network's generator
    a, b = nets
    assert all(np.array_equal(p, q) for p, q in zip(a.weights + a.biases, b.weights + b.biases))
    c = Network([2, 3, 3, 1], seed=12)
    assert not np.array_equal(c.weights[0], Network([2, 3, 3, 1], seed=11).weights[0])


def test_explicit_parameters_are_copied():
    W = [np.ones((3, 2)), np.ones((1, 3))]
    b = [np.zeros((3, 1)), np.zeros((1, 1))]
    net = Network([2, 3, 1], weights=W, biases=b)
    net.train(np.ones((4, 2)), np.zeros(4), epochs=1, batch_size=2, eta=1.0)
    assert np.array_equal(W[0], np.ones((3, 2)))


# -- float32 end to end --------------------------------------------------------------------------
def test_float32_end_to_end(circles):
    X, y = circles
    net = Network([2, 3, 3, 1], seed=0, dtype=np.float32)
    h = net.train(X, y, epochs=3, batch_size=50, eta=3.0)
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    assert net.predict(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.backprop(X, y)[0])
    assert np.isfinite(h.loss_step).all()
    ref = Network([2, 3, 3, 1], seed=0)
    ref.train(X, y, epochs=3, batch_size=50, eta=3.0)
    np.testing.assert_allclose(net.weights[0], ref.weights[0], rtol=1e-3, atol=1e-4)


# -- silent wrong answers that are now errors ------------------------------------------------
def test_targets_a_sigmoid_cannot_reach_are_an_error_naming_the_fix():
    """The notebook's toy labels are −1/+1; a sigmoid output lies in [0, 1]."""
    X = np.linspace(-5, 5, 20).reshape(-1, 1)
    y = np.where(X[:, 0] > 0, 1.0, -1.0)
    net = Network([1, 4, 1], seed=0)
    with pytest.raises(ValueError, match=r"target -1 is outside the sigmoid output's range.*0/1"):
        net.train(X, y, epochs=1, batch_size=5, eta=1.0)
    with pytest.raises(ValueError, match="outside the sigmoid output's range"):
        net.accuracy(X, y)
    tanh = Network([1, 4, 1], activation="tanh", seed=0)  # the same labels suit a tanh output
    tanh.train(X, y, epochs=30, batch_size=5, eta=0.1, seed=0)
    assert tanh.accuracy(X, y) == 1.0


def test_softmax_on_one_output_is_an_error():
    with pytest.raises(ValueError, match="softmax output needs at least 2 neurons"):
        Network([2, 3, 1], output_activation="softmax")
