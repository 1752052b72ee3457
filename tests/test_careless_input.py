"""Careless input at the API: what is not real numeric data is refused, a request beyond
the machine's memory is refused naming the size, and a failed re-fit keeps the model."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backproplab import Network
from backproplab.sklearn import BackpropClassifier, BackpropRegressor
from backproplab.validation import check_memory, check_real, format_bytes

X = np.random.default_rng(0).standard_normal((40, 2))
y = (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize(
    "bad, what",
    [
        (X + 1j, "complex numbers"),
        (X.astype("datetime64[s]"), "dates"),
        (X.astype("timedelta64[s]"), "durations"),
        (X.astype(str), "strings"),
        (np.array([[1.0, 2j]] * 40, dtype=object), "2j"),
    ],
)
def test_data_that_is_not_real_numbers_is_refused(bad, what):
    net = Network([2, 3, 1], seed=0)
    before = [W.copy() for W in net.weights]
    with pytest.raises(TypeError, match=what):
        net.train(bad, y, epochs=1, batch_size=10, eta=0.1)
    with pytest.raises(TypeError, match=what):
        net.predict(bad)
    with pytest.raises(TypeError, match="Y must hold real numbers"):
        net.train(X, y + 0j, epochs=1, batch_size=10, eta=0.1)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


def test_real_numbers_of_every_kind_pass():
    for ok in (X.astype(np.float32), X.astype(int), X > 0, X.astype(object), X.tolist()):
        check_real(ok, "X")
    Network([2, 3, 1], seed=0).train(X.astype(object), y, epochs=1, batch_size=10, eta=0.1)


def test_memory_requests_name_the_size():
    assert format_bytes(5 * 2**30) == "5.0 GiB"
    with pytest.raises(ValueError, match=r"the data needs about 8.0 EiB|the data needs about"):
        check_memory(2**63, "the data")
    check_memory(1, "a byte")


def _state(est):
    return {
        k: (v.copy() if isinstance(v, np.ndarray) else v)
        for k, v in vars(est).items()
        if k.endswith("_") and k != "history_"
    }


@pytest.mark.parametrize(
    "bad_fit",
    [
        lambda est: est.fit(np.where(X == X[3, 1], np.nan, X), y),  # NaN in X
        lambda est: est.fit(X, np.where(y == 1, np.nan, 0.0)),  # NaN labels
        lambda est: est.fit(X + 1j, y),  # complex
        lambda est: est.fit(X, np.zeros(len(X))),  # one class only (classifier)
        lambda est: est.set_params(hidden_layer_sizes=(10**9,)).fit(X, y),  # beyond memory
    ],
)
def test_a_failed_refit_keeps_the_fitted_model(bad_fit):
    est = BackpropClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(X, y)
    proba, state, net = est.predict_proba(X), _state(est), est.network_
    with pytest.raises(ValueError):
        bad_fit(est)
    assert est.network_ is net and _state(est).keys() == state.keys()
    for key, value in state.items():
        assert np.array_equal(np.asarray(_state(est)[key], dtype=object),
                              np.asarray(value, dtype=object)), key  # fmt: skip
    np.testing.assert_array_equal(est.predict_proba(X), proba)


def test_a_failed_refit_keeps_the_regressor_and_its_feature_names():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["u", "v"])
    est = BackpropRegressor(hidden_layer_sizes=(3,), epochs=2, random_state=0).fit(frame, X[:, 0])
    with pytest.raises(ValueError):
        est.fit(np.full((5, 2), np.inf), np.zeros(5))
    assert list(est.feature_names_in_) == ["u", "v"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning about feature names: still the old fit
        est.predict(frame)


def test_a_network_beyond_memory_and_complex_parameters_are_refused_by_the_library():
    from backproplab import Network

    with pytest.raises(ValueError, match=r"\[2, 1000000000, 1\] \(float64\) needs about .* GiB"):
        Network([2, 10**9, 1])
    with pytest.raises(TypeError, match=r"weights\[0\] must hold real numbers, got complex"):
        Network([2, 1], weights=[np.array([[1 + 1j, 2.0]])], biases=[np.zeros((1, 1))])


@pytest.mark.slow
def test_the_history_grows_with_training_instead_of_being_reserved(circles):
    """A run of 200,000 planned steps reserves 65,536 rows at first, and holds exactly the
    steps taken when it stops early."""
    from backproplab import Network
    from backproplab.training.history import History
    from backproplab.training.loop import _INITIAL_STEPS

    X, y = circles
    seen = {}

    class Stop:
        def on_train_begin(self, net, history):
            seen["rows"] = len(history.loss_step)

        def on_step_end(self, net, history, step):
            if step == 70_000:
                raise KeyboardInterrupt

    net = Network([2, 2, 1], seed=0)
    with pytest.raises(KeyboardInterrupt):
        net.train(X[:5], y[:5], epochs=200_000, batch_size=5, eta=0.1, callbacks=[Stop()])
    assert seen["rows"] == _INITIAL_STEPS == 65_536
    h = History.empty(2, 1, labels=False, validation=False, capacity=4)
    for _ in range(9):
        h.record_step(1.0, [1.0, 2.0], [3.0, 4.0])
    assert h.n_steps == 9 and len(h.loss_step) == 16 and h.trimmed().loss_step.shape == (9,)
