"""The per-layer rule of the gradient check: a correct backprop is never called FAILED
because a layer's gradients are small, a planted one-layer bug is always found, and a layer
too small to judge is said to be so (never called ``ok``)."""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.checking.finite_differences import numeric_gradient, resolution
from backproplab.checking.gradcheck import gradcheck
from backproplab.engine.forward import feedforward
from backproplab.engine.parameters import flatten

ARCHITECTURES = ([2, 3, 1], [2, 3, 3, 3, 1], [784, 30, 10], [64, 30, 30, 30, 30, 10])
ACTIVATIONS = ("sigmoid", "tanh", "relu")
DTYPES = (np.float64, np.float32)


def _problem(sizes, activation, dtype, seed):
    net = Network(sizes, activation=activation, output_activation="sigmoid", init="xavier",
                  seed=seed, dtype=dtype)  # fmt: skip
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((10, sizes[0])), rng.uniform(0, 1, (10, sizes[-1]))
    return net, X, Y


def _student_backprop(net, X, Y, *, bp2_without_sigma_prime_at=None, bp4_transposed_at=None):
    """A learner's batch backprop for the quadratic cost, written independently of the
    engine, with one planted bug: BP2 without σ′(z^ℓ) at one layer, or BP4 computed as
    a^{ℓ−1} δᵀ and reshaped to W's shape (a transposition that keeps the shape)."""
    acts, W = net.layer_activations, net.weights
    zs, a = feedforward(W, net.biases, X.T.astype(net.dtype), acts)
    m, L = X.shape[0], len(W)
    delta = (a[-1] - Y.T.astype(net.dtype)) * acts[-1].prime(zs[-1], a[-1])  # BP1
    grads_w, grads_b = [None] * L, [None] * L
    for i in range(L - 1, -1, -1):  # layer ℓ = i + 1
        grads_b[i] = delta.mean(axis=1, keepdims=True)  # BP3
        grads_w[i] = delta @ a[i].T / m  # BP4
        if bp4_transposed_at == i + 1:
            grads_w[i] = (a[i] @ delta.T / m).reshape(W[i].shape)
        if i > 0:
            back = W[i].T @ delta
            keep = bp2_without_sigma_prime_at == i
            delta = back if keep else back * acts[i - 1].prime(zs[i - 1], a[i])  # BP2
    return grads_w, grads_b


def _check_one(sizes, activation, dtype, seed):
    net, X, Y = _problem(sizes, activation, dtype, seed)
    report = gradcheck(net, X, Y)
    assert report.failed_layers == [], str(report)
    assert report.passed or not report.informative, str(report)
    L = len(sizes) - 1
    # the student's code without a bug is the reference: the test's backprop is sound
    right_w, right_b = _student_backprop(net, X, Y)
    assert not gradcheck(net, X, Y, grads=(right_w, right_b)).failed_layers

    mixed = [ell for ell in range(1, L + 1) if sizes[ell] > 1 and sizes[ell - 1] > 1]
    ell = mixed[seed % len(mixed)]
    grads = _student_backprop(net, X, Y, bp4_transposed_at=ell)
    _assert_found(net, X, Y, grads, (right_w, right_b), [ell], "BP4 transposed", ell)
    if L > 1:
        ell = 1 + seed % (L - 1)
        grads = _student_backprop(net, X, Y, bp2_without_sigma_prime_at=ell)
        _assert_found(net, X, Y, grads, (right_w, right_b), range(1, ell + 1), "BP2", ell)


def _assert_found(net, X, Y, grads, right, may_fail, bug, ell):
    """The planted layer fails, and no layer above it (those are computed before the bug
    is made) — unless the bug changed nothing there (dead ReLU units upstream)."""
    report = gradcheck(net, X, Y, grads=grads)
    changed = not (
        np.array_equal(grads[0][ell - 1], right[0][ell - 1])
        and np.array_equal(grads[1][ell - 1], right[1][ell - 1])
    )
    if changed:
        assert ell in report.failed_layers, f"{bug} at layer {ell} not found:\n{report}"
    assert set(report.failed_layers) <= set(may_fail), f"{bug} at {ell}:\n{report}"


QUICK = [
    ([2, 3, 1], "sigmoid", np.float64, 0),
    ([2, 3, 3, 3, 1], "tanh", np.float32, 1),
    ([784, 30, 10], "relu", np.float64, 2),
    ([64, 30, 30, 30, 30, 10], "sigmoid", np.float32, 3),
    ([64, 30, 30, 30, 30, 10], "relu", np.float32, 4),
]


@pytest.mark.parametrize("sizes, activation, dtype, seed", QUICK)
def test_correct_never_fails_and_planted_bugs_are_found(sizes, activation, dtype, seed):
    _check_one(sizes, activation, dtype, seed)


@pytest.mark.slow
@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_every_seed_architecture_activation_and_dtype(sizes, activation, dtype):
    """Must hold: seeds 0–19 × 4 architectures × 3 activations × 2 dtypes."""
    for seed in range(20):
        _check_one(sizes, activation, dtype, seed)


def _scaled(fraction: float):
    """[2, 3, 1] with W² scaled so that ‖∂C/∂W¹‖ = fraction · ‖∂C/∂W²‖."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 2)), rng.uniform(size=10)
    base = Network([2, 3, 1], seed=0)
    gw, _ = base.backprop(X, y)
    # ∂C/∂W¹ = ((W²)ᵀ δ² ⊙ σ′(z¹)) xᵀ is proportional to W²; ∂C/∂W² = δ² (a¹)ᵀ barely moves
    s = fraction * np.linalg.norm(gw[1]) / np.linalg.norm(gw[0])
    net = Network([2, 3, 1], weights=[base.weights[0], s * base.weights[1]], biases=base.biases)
    return net, X, y


@pytest.mark.parametrize(
    "fraction, correct, wrong",
    [(1e-3, "ok", "FAILED"), (1e-6, "unresolved", "FAILED"), (1e-9, "unresolved", "unresolved")],
)
def test_the_docstring_examples(fraction, correct, wrong):
    """Layer 1's gradients at 1e-3, 1e-6 and 1e-9 of layer 2's (module docstring)."""
    net, X, y = _scaled(fraction)
    gw, gb = net.backprop(X, y)
    ratio = np.linalg.norm(gw[0]) / np.linalg.norm(gw[1])
    assert ratio == pytest.approx(fraction, rel=0.2)
    report = gradcheck(net, X, y)
    assert report.layer_verdicts[0][0] == correct and report.layer_verdicts[1] == ("ok", "ok")
    assert report.passed
    if fraction == 1e-3:  # what a relative error alone would have said of a correct backprop
        assert report.arrays[0][0].relative_error > 1e-7
    wrong_w = [2 * gw[0], gw[1]]  # BP4 twice too large at layer 1
    bad = gradcheck(net, X, y, grads=(wrong_w, gb))
    assert bad.layer_verdicts[0][0] == wrong and bad.layer_verdicts[1] == ("ok", "ok")
    assert bad.passed is (wrong != "FAILED")


def test_a_nudge_across_relus_kink_is_skipped_not_failed():
    """z¹ = 1e-9 for the one sample: nudging W¹ by ±1e-7 moves z across ReLU's kink, where
    the centred difference averages two slopes (0 and 1) and means nothing."""
    net = Network([1, 1, 1], activation="relu", output_activation="sigmoid",
                  weights=[np.array([[1.0]]), np.array([[2.0]])],
                  biases=[np.array([[-0.5 + 1e-9]]), np.array([[0.1]])])  # fmt: skip
    X, y = np.array([[0.5]]), np.array([1.0])
    report = gradcheck(net, X, y)
    assert "W1[0, 0]" in report.kinks and "b1[0, 0]" in report.kinks
    assert report.failed_layers == [] and "crossed a kink" in str(report)
    assert report.arrays[1][1].verdict == "ok"  # b², away from the kink, is still judged
    # the difference quotient across the kink is far from either one-sided slope
    numeric, kinked = numeric_gradient(net, X.T, y.reshape(1, -1), np.array([0]), 1e-7)
    analytic = net.backprop(X, y)[0][0][0, 0]
    assert kinked[0] and abs(numeric[0] - analytic) > 0.1 * abs(analytic)


def test_float32_saturated_output_is_judged_by_float32s_rounding():
    """σ′ = a(1 − a) at a ≈ 0.99998 keeps ~3 digits in float32: the float32 backprop is
    off by ~1e-3 relative, which is rounding, not a bug — measured, not guessed."""
    w2 = np.full((1, 3), 4.0)
    net = Network([2, 3, 1], weights=[np.ones((3, 2)), w2], biases=[np.ones((3, 1)), np.ones((1, 1))],
                  dtype=np.float32)  # fmt: skip
    rng = np.random.default_rng(0)
    X, y = rng.uniform(1, 2, (6, 2)), np.zeros(6)
    report = gradcheck(net, X, y)
    assert report.failed_layers == [] and report.passed, str(report)
    grads_w, grads_b = net.backprop(X, y)
    bad = gradcheck(net, X, y, grads=([grads_w[0] * 1.5, grads_w[1]], grads_b))
    assert bad.failed_layers == [1]


def test_per_example_checks_during_training_never_fail_a_layer():
    """The notebook's per-example check (ε = 1e-7) on a trained network: single examples
    give the smallest gradients, where a bare relative error flagged half the layers."""
    X, y = datasets.circles()
    net = Network([2, 3, 3, 1], seed=0)
    net.train(X, y, epochs=3, batch_size=10, eta=3.0)
    verdicts = [gradcheck(net, X[i : i + 1], y[i : i + 1]) for i in range(40)]
    assert all(r.failed_layers == [] and r.passed for r in verdicts)
    # what the bare per-layer threshold would have called FAILED: about half of them
    bare = [any(a.relative_error >= 1e-7 for pair in r.arrays for a in pair) for r in verdicts]
    assert sum(bare) >= 10


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("sizes", [[2, 3, 3, 3, 1], [64, 30, 30, 10]], ids=str)
def test_the_resolution_bounds_every_entry_and_is_not_vacuous(sizes, dtype):
    """|Δ_i − g_i| ≤ ρ_i entry by entry for correct backprop, and ρ_i stays far below the
    gradients of a well-scaled network (so the rule still fails real bugs)."""
    net, X, Y = _problem(sizes, "tanh", dtype, seed=5)
    g = flatten(*net.backprop(X, Y)).astype(np.float64)
    chosen = np.random.default_rng(0).choice(g.size, min(g.size, 300), replace=False)
    numeric, kinked = numeric_gradient(net, X.T, Y.T, chosen, 1e-7)
    rho = resolution(net, X.T, Y.T, 1e-7)[chosen]
    assert not kinked.any()
    assert np.all(np.abs(numeric - g[chosen]) <= rho)
    limit = 1e-4 if dtype == np.float64 else 1e-2  # an error of 1e-4 of a gradient shows
    assert np.median(rho / np.maximum(np.abs(g[chosen]), 1e-300)) < limit
