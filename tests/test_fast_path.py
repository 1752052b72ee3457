"""The training fast path: reused buffers, in-place steps, shuffled batches gathered row by
row, chunked evaluation, and the in-place (``out=``) forms of activations and costs."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

from backproplab import Network, TrainingDivergedError, activations
from backproplab.engine.activations import ACTIVATIONS
from backproplab.engine.costs import COSTS
from backproplab.engine.workspace import _norms
from backproplab.training import loop as train_module
from backproplab.validation import check_X
from reference import max_rel_diff, nielsen_sgd


def test_shuffled_training_matches_nielsen_on_the_same_permutations(circles):
    """Each epoch's mini-batches are rows gathered by one permutation of the generator."""
    X, y = circles
    net = Network([2, 3, 3, 1], seed=5)
    w, b = [W.copy() for W in net.weights], [v.copy() for v in net.biases]
    net.train(X, y, epochs=3, batch_size=64, eta=3.0, seed=9)
    rng = np.random.default_rng(9)
    for _ in range(3):
        order = rng.permutation(len(X))
        w, b = nielsen_sgd(w, b, X[order], y[order], epochs=1, batch_size=64, eta=3.0)
    assert max_rel_diff(net.weights + net.biases, w + b) < 1e-12


def test_steps_update_the_networks_arrays_in_place(circles):
    """During training the network's weights and biases are views into one parameter
    vector, updated in place: a callback sees the same arrays change from step to step."""
    X, y = circles
    net = Network([2, 3, 1], seed=0)
    seen = []

    class Watch:
        def on_step_end(self, net, history, step):
            seen.append(([*net.weights, *net.biases], [p.copy() for p in net.weights]))

    net.train(X, y, epochs=1, batch_size=100, eta=1.0, callbacks=[Watch()])
    (first, first_values), (last, last_values) = seen[0], seen[-1]
    assert all(p is q for p, q in zip(first, last))
    assert not np.array_equal(first_values[0], last_values[0])
    assert net.weights[0].base is net.biases[-1].base  # one vector holds them all


def test_read_only_parameters_are_copied_before_training(circles):
    X, y = circles
    net = Network([2, 3, 1], seed=0)
    frozen = net.weights[0]
    frozen.flags.writeable = False
    net.train(X, y, epochs=1, batch_size=100, eta=1.0)
    assert net.weights[0] is not frozen and net.weights[0].flags.writeable


def _peak_bytes(net, X, y, epochs):
    tracemalloc.start()
    net.train(X, y, epochs=epochs, batch_size=32, eta=1.0, evaluate=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_steps():
    """Buffers are allocated once: ten times the steps cost only the longer history."""
    rng = np.random.default_rng(0)
    X, y = rng.random((3200, 40)), rng.random((3200, 5))
    net = Network([40, 64, 5], seed=0)
    one, ten = _peak_bytes(net, X, y, 1), _peak_bytes(net, X, y, 10)
    history_growth = 9 * 100 * (1 + 2 * 2) * 8  # loss_step, grad_norm, weight_norm: float64
    assert ten - one < history_growth + 16_384
    assert one < X.nbytes / 4  # no copy of the data, whose X alone is 1 MB


def test_chunked_evaluation_equals_the_whole_batch_cost(circles, monkeypatch):
    monkeypatch.setattr(train_module, "_EVAL_ELEMENTS", 70)  # blocks of 23 samples
    X, y = circles
    net = Network([2, 3, 3, 1], seed=2)
    h = net.train(X, y, epochs=2, batch_size=50, eta=3.0, evaluate=True)
    assert h.loss_epoch[-1] == pytest.approx(net.cost(X, y), rel=1e-12)
    assert h.accuracy_epoch[-1] == net.accuracy(X, y)


def test_sign_labels_keep_their_threshold_in_every_block(monkeypatch):
    """±1 targets are recognised once for the whole set, not per evaluation block."""
    monkeypatch.setattr(train_module, "_EVAL_ELEMENTS", 4)
    X = np.array([[1.0], [2.0], [-1.0], [-2.0]])
    y = np.array([1.0, 1.0, -1.0, -1.0])  # each block of one class looks like 0/1 labels
    net = Network([1, 1], activation="tanh", weights=[[[1.0]]], biases=[[[0.0]]])
    h = net.train(X, y, epochs=1, batch_size=4, eta=1e-9, evaluate=True)
    assert h.accuracy_epoch[0] == 1.0


def test_by_default_the_epoch_records_are_the_mean_over_its_mini_batches(circles):
    """No pass over the data: the epoch's loss is the mean of its mini-batch losses weighted
    by their sizes (the last batch of 64-sample steps over 1000 samples has 40), and its
    accuracy counts each sample as the mini-batch's forward pass classified it."""
    X, y = circles
    net, twin = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    h = net.train(X, y, epochs=2, batch_size=64, eta=1.0, shuffle=False)
    sizes = np.array([64] * 15 + [40])
    for epoch in range(2):
        losses = h.loss_step[16 * epoch : 16 * (epoch + 1)]
        assert h.loss_epoch[epoch] == pytest.approx(np.dot(losses, sizes) / 1000, rel=1e-12)
    hits = 0
    for start in range(0, 1000, 64):  # the first epoch, step by step on the twin
        xb, yb = X[start : start + 64], y[start : start + 64]
        hits += int(np.sum((twin.predict(xb)[:, 0] > 0.5) == (yb > 0.5)))
        twin.train(xb, yb, epochs=1, batch_size=64, eta=1.0, shuffle=False)
    assert h.accuracy_epoch[0] == hits / 1000


def test_float32_training_allocates_no_float64_arrays():
    rng = np.random.default_rng(0)
    X, y = rng.random((64, 8), dtype=np.float32), rng.random((64, 3), dtype=np.float32)
    net = Network([8, 16, 3], seed=0, dtype=np.float32)
    seen = []

    class Spy:
        def on_step_end(self, net, history, step):
            seen.extend(p.dtype for p in net.weights + net.biases)

    net.train(X, y, epochs=1, batch_size=16, eta=1.0, callbacks=[Spy()])
    assert set(seen) == {np.dtype(np.float32)}


@pytest.mark.parametrize("caller", [{}, {"over": "ignore", "invalid": "ignore"}, {"all": "raise"}])
def test_step_callbacks_run_under_the_callers_error_state(circles, caller):
    """The loop ignores σ's overflow; a callback sees the caller's error state, whether
    it differs from the loop's (default warnings, raise) or not."""
    X, y = circles
    seen = []

    class Spy:
        def on_step_end(self, net, history, step):
            seen.append(np.geterr())

    with np.errstate(**caller):
        expected = np.geterr()
        Network([2, 3, 1], seed=0).train(X, y, epochs=1, batch_size=100, eta=1.0, callbacks=[Spy()])
    assert len(seen) == 10 and all(s == expected for s in seen)  # 1000 samples, batch 100


def test_a_step_that_would_overflow_a_parameter_is_refused():
    """Softmax keeps the loss and δ^L = a − y finite while a weight heads past float32's
    largest value: the step is refused and the parameters stay as they were."""
    W = np.array([[-3.3e38], [-3.0e38]], dtype=np.float32)
    net = Network(
        [1, 2],
        output_activation="softmax",
        cost="categorical_cross_entropy",
        dtype=np.float32,
        weights=[W],
        biases=[np.zeros((2, 1))],
    )
    X, Y = np.array([[-1.0]]), np.array([[0.0, 1.0]])  # z ≈ (3.3e38, 3.0e38): a ≈ (1, 0)
    with pytest.raises(TrainingDivergedError, match="parameters infinite"):
        net.train(X, Y, epochs=1, batch_size=1, eta=1e38)
    np.testing.assert_array_equal(net.weights[0], W)


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.hidden_ok])
def test_activation_out_forms_equal_the_allocating_forms(name, rng):
    act = ACTIVATIONS[name]
    z = rng.standard_normal((4, 5)) * 3
    a, out = act.f(z), np.empty_like(z)
    assert act.f(z, out=out) is out and np.array_equal(out, a)
    assert np.array_equal(act.prime(z, a, out=np.empty_like(z)), act.prime(z, a))
    g = rng.standard_normal(z.shape)
    assert np.array_equal(act.backward(z, a, g, out=np.empty_like(z)), act.backward(z, a, g))


def test_softmax_and_cost_out_forms(rng):
    sm = ACTIVATIONS["softmax"]
    z = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(sm.f(z, out=np.empty_like(z)), sm.f(z))
    a, y = sm.f(z), np.eye(3)[:, [0, 1, 2, 0]]
    for cost in COSTS.values():
        np.testing.assert_array_equal(cost.grad_a(a, y, out=np.empty_like(a)), cost.grad_a(a, y))


def test_sigmoid_in_place_and_for_python_floats():
    sig = ACTIVATIONS["sigmoid"]
    z = np.array([-800.0, -1.0, 0.0, 1.0, 800.0])
    expected = 1.0 / (1.0 + np.exp(-z[1:4]))
    sig.f(z, out=z)  # in place, silently saturating at both ends
    assert z[0] == 0.0 and z[-1] == 1.0
    np.testing.assert_array_equal(z[1:4], expected)
    assert float(sig.f(0.0)) == 0.5


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_computes_in_its_inputs_dtype_with_the_formulas_bits(dtype, rng):
    """σ's kernel gives the bits of 1 / (1 + e^{−z}) in z's dtype, and its constant 1 is an
    array of that dtype (a float64 one would make NumPy run float32 data through float64
    loops and cast back: the same bits here, but slower)."""
    assert activations._one_like(np.empty(1, dtype)).dtype == dtype
    z = (rng.standard_normal(20_000) * 30).astype(dtype)
    with np.errstate(over="ignore"):
        expected = 1 / (1 + np.exp(-z))  # NumPy keeps Python scalars in z's dtype
    sig = ACTIVATIONS["sigmoid"]
    for f in (sig.f, sig.f_unguarded):
        out = np.empty_like(z)
        with np.errstate(over="ignore"):
            f(z, out=out)
        assert out.dtype == dtype
        np.testing.assert_array_equal(out, expected)


def test_saturating_sigmoids_warn_about_nothing(rng):
    """e^{−z} overflows by design for z ≪ 0: neither σ alone, nor a forward pass, nor a
    training step says so."""
    net = Network([2, 3, 1], seed=0)
    net.weights[0][:] = 1e3  # z of the hidden layer reaches about ±3000
    X = np.array([[1.0, 1.0], [-1.0, -1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ACTIVATIONS["sigmoid"].f(np.array([-1e4]))[0] == 0.0
        hidden = net.feedforward(X)[1][1]
        net.train(X, np.array([[1.0], [0.0]]), epochs=1, batch_size=2, eta=0.1)
    np.testing.assert_array_equal(hidden, [[1.0, 0.0]] * 3)


def test_finiteness_check_needs_no_full_size_temporary_but_stays_exact():
    big = np.array([[1e308, 1e308]])  # finite, though its sum overflows
    assert check_X(big, 2, np.float64) is not None
    with pytest.raises(ValueError, match="NaN"):
        check_X(np.array([[1.0, np.nan]]), 2, np.float64)
    with pytest.raises(ValueError, match="inf"):
        check_X(np.array([[np.inf, -np.inf]]), 2, np.float64)


@pytest.mark.parametrize("name", list(COSTS))
def test_cost_total_is_the_sum_of_per_example_costs(name, rng):
    cost = COSTS[name]
    a = rng.uniform(0.05, 0.95, (3, 7))
    a /= a.sum(axis=0)  # valid softmax outputs too
    y = np.eye(3)[:, rng.integers(0, 3, 7)]
    expected = float(np.sum(cost.value(a, y)))
    assert cost.total(a, y) == pytest.approx(expected, rel=1e-13)
    assert cost.total(a, y, scratch=np.empty_like(a)) == pytest.approx(expected, rel=1e-13)


def test_history_norms_survive_float32_overflow_of_the_sum_of_squares():
    """Σx² overflows float32 above ~1.8e19; the norm itself does not, and comes out right."""
    big = np.full((3, 4), 1e20, np.float32)
    small = np.arange(6, dtype=np.float32).reshape(2, 3)
    bad = np.array([1.0, np.nan], np.float32)
    norms = _norms([small, big, bad])
    expected = [np.linalg.norm(a.astype(np.float64)) for a in (small, big)]
    np.testing.assert_allclose(norms[:2], expected, rtol=1e-6)
    assert np.isnan(norms[2])
