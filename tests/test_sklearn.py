"""The scikit-learn estimators (issue 5): scikit-learn's own checks, digits in a pipeline
and a grid search, reproducibility, and every output against an independent computation."""

from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_blobs
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from backproplab import Network, TrainingDivergedError
from backproplab.sklearn import BackpropClassifier, BackpropRegressor
from reference import max_rel_diff, nielsen_sgd

# -- scikit-learn's estimator suite ----------------------------------------------------------
# Every check runs and passes: no check is listed as expected to fail. scikit-learn itself
# skips one: check_array_api_input runs only when SCIPY_ARRAY_API=1 is set before SciPy is
# imported, which would switch SciPy into its array-API mode for the whole test session; it
# passes when run alone with that variable set. (pandas is in the test extra so the pandas
# half of check_*_data_not_an_array runs.)
NIELSEN = dict(
    activation="sigmoid",
    output_activation="sigmoid",
    loss="quadratic",
    init="gaussian",
    learning_rate=3.0,
    batch_size=10,
)


@parametrize_with_checks([BackpropClassifier(), BackpropRegressor(), BackpropClassifier(**NIELSEN)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# -- data and an independent forward pass ----------------------------------------------------
@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


_SIGMA = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
    "softmax": _softmax_rows,
}


def numpy_forward(net: Network, X, hidden: str, output: str) -> list[np.ndarray]:
    """Activations of every layer, rows per sample, computed here with NumPy alone:
    ``a^ℓ = σ(a^{ℓ−1} W^ℓᵀ + b^ℓᵀ)``. Returns [a^0, a^1, …, a^L]."""
    a = np.asarray(X, dtype=float)
    out = [a]
    with np.errstate(over="ignore"):
        for ell, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
            sigma = _SIGMA[output if ell == len(net.weights) else hidden]
            a = sigma(a @ W.T + b.T)
            out.append(a)
    return out


def params_of(est):
    return [p.copy() for p in est.network_.weights + est.network_.biases]


def assert_same_params(a, b):
    assert all(np.array_equal(p, q) for p, q in zip(params_of(a), params_of(b), strict=True))


# -- Must-hold 2 and the defaults: digits ----------------------------------------------------
def test_default_classifier_in_a_pipeline_reaches_95_percent_on_digits(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = make_pipeline(StandardScaler(), BackpropClassifier(random_state=0))
    model.fit(X_train, y_train)
    assert np.mean(model.predict(X_test) == y_test) >= 0.95


@pytest.mark.slow
def test_grid_search_in_a_pipeline_reaches_95_percent_on_digits(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    pipe = Pipeline([("scale", StandardScaler()), ("net", BackpropClassifier(random_state=0))])
    grid = {
        "net__hidden_layer_sizes": [(16,), (64,)],
        "net__learning_rate": [0.01, 0.1],
    }
    search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)
    scores = search.cv_results_["mean_test_score"]
    assert len(set(scores.tolist())) == 4  # every setting reached the network
    assert search.best_params_["net__learning_rate"] == 0.1  # 0.01 is too slow in 30 epochs
    assert np.mean(search.predict(X_test) == y_test) >= 0.95


# -- Must-hold 4: reproducibility ------------------------------------------------------------
def test_same_random_state_gives_identical_predictions(iris):
    X, y = iris
    a = BackpropClassifier(random_state=3).fit(X, y)
    b = BackpropClassifier(random_state=3).fit(X, y)
    c = BackpropClassifier(random_state=4).fit(X, y)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    assert_same_params(a, b)
    assert a.loss_curve_ == b.loss_curve_
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    r1 = BackpropRegressor(random_state=3).fit(X[:, :3], X[:, 3])
    r2 = BackpropRegressor(random_state=3).fit(X[:, :3], X[:, 3])
    r3 = BackpropRegressor(random_state=4).fit(X[:, :3], X[:, 3])
    assert np.array_equal(r1.predict(X[:, :3]), r2.predict(X[:, :3]))
    assert not np.array_equal(r1.predict(X[:, :3]), r3.predict(X[:, :3]))


def test_random_state_instance_is_drawn_from_as_in_scikit_learn(iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(4,), epochs=1)
    shared = BackpropClassifier(random_state=np.random.RandomState(0), **kw)
    first = shared.fit(X, y).predict_proba(X)
    second = shared.fit(X, y).predict_proba(X)  # the instance has moved on
    fresh = BackpropClassifier(random_state=np.random.RandomState(0), **kw).fit(X, y)
    assert not np.array_equal(first, second)
    assert np.array_equal(first, fresh.predict_proba(X))


def test_int_random_state_is_the_network_seed(iris):
    """random_state=s draws what Network(seed=s) draws, then trains as Network.train."""
    X, y = iris
    est = BackpropClassifier(hidden_layer_sizes=(5,), epochs=4, random_state=11).fit(X, y)
    net = Network(
        [4, 5, 3], activation="relu", output_activation="softmax", cost="cross_entropy",
        init="he", seed=11,
    )  # fmt: skip
    net.train(X, np.eye(3)[y], epochs=4, batch_size=32, eta=0.1)  # shuffles with seed 11's rng
    assert all(np.array_equal(p, q) for p, q in zip(params_of(est), net.weights + net.biases))


def test_nielsen_configuration_matches_per_example_sgd():
    """Sigmoid + quadratic + N(0, 1) init without shuffling is Nielsen's network.py, with
    the classes mapped to targets 0 and 1."""
    X, y01 = make_blobs(60, centers=2, n_features=3, random_state=0)
    labels = np.array(["no", "yes"])[y01]
    est = BackpropClassifier(
        hidden_layer_sizes=(4,), epochs=3, shuffle=False, random_state=5, **NIELSEN
    ).fit(X, labels)
    w0 = Network([3, 4, 1], seed=5)  # the same draws: gaussian init from seed 5
    ref_w, ref_b = nielsen_sgd(w0.weights, w0.biases, X, y01, epochs=3, batch_size=10, eta=3.0)
    assert max_rel_diff(est.network_.weights, ref_w) < 1e-12
    assert max_rel_diff(est.network_.biases, ref_b) < 1e-12


# -- labels and probabilities ----------------------------------------------------------------
def test_string_labels_behave_like_their_integer_codes(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])
    by_code = BackpropClassifier(random_state=0).fit(X, y)
    by_name = BackpropClassifier(random_state=0).fit(X, names[y])
    assert by_name.classes_.tolist() == names.tolist()
    assert np.array_equal(by_name.predict_proba(X), by_code.predict_proba(X))
    assert by_name.predict(X).tolist() == names[by_code.predict(X)].tolist()
    assert by_name.score(X, names[y]) > 0.9


@pytest.mark.parametrize(
    "output, loss, n_classes, n_outputs",
    [
        (None, "cross_entropy", 2, 1),  # one sigmoid output: P(classes_[1])
        (None, "cross_entropy", 3, 3),  # softmax
        ("softmax", "quadratic", 2, 2),
        ("sigmoid", "quadratic", 3, 3),  # Nielsen's one sigmoid per class, rows normalised
        ("sigmoid", "cross_entropy", 2, 1),
    ],
)
def test_predict_proba_matches_a_numpy_forward_pass(iris, output, loss, n_classes, n_outputs):
    X, y = iris
    keep = y < n_classes
    X, y = X[keep], y[keep]
    est = BackpropClassifier(
        hidden_layer_sizes=(6, 5), activation="tanh", output_activation=output, loss=loss,
        epochs=5, random_state=0,
    ).fit(X, y)  # fmt: skip
    assert est.n_outputs_ == n_outputs == est.network_.sizes[-1]
    out_act = "softmax" if output == "softmax" or (output is None and n_classes > 2) else "sigmoid"
    a_out = numpy_forward(est.network_, X, "tanh", out_act)[-1]
    if n_outputs == 1:
        expected = np.column_stack([1 - a_out[:, 0], a_out[:, 0]])
    else:
        expected = a_out / a_out.sum(axis=1, keepdims=True)
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), n_classes)
    np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.array_equal(est.predict(X), est.classes_[np.argmax(expected, axis=1)])


def test_loss_curve_is_the_mean_mini_batch_cost_of_each_epoch(iris):
    """As scikit-learn's MLP: each epoch's mean of its mini-batch losses, weighted by size."""
    X, y = iris
    est = BackpropClassifier(epochs=7, random_state=0).fit(X, y)
    assert est.n_iter_ == 7 and len(est.loss_curve_) == 7
    sizes = np.array([32] * 4 + [22])
    last = est.history_.loss_step[-5:]
    assert est.loss_curve_[-1] == pytest.approx(np.dot(last, sizes) / 150, 1e-12)
    assert est.loss_curve_[-1] < est.loss_curve_[0]
    assert est.history_.n_steps == 7 * 5  # 150 samples in mini-batches of 32


# -- transform: hidden activations -----------------------------------------------------------
def test_transform_returns_each_layers_activations(iris):
    X, y = iris
    est = BackpropClassifier(
        hidden_layer_sizes=(7, 5), activation="tanh", epochs=3, random_state=0
    ).fit(X, y)
    ref = numpy_forward(est.network_, X, "tanh", "softmax")
    for ell, n in [(1, 7), (2, 5), (3, 3)]:
        out = est.transform(X, layer=ell)
        assert out.shape == (len(X), n)
        np.testing.assert_allclose(out, ref[ell], rtol=1e-12, atol=1e-15)
    assert np.array_equal(est.transform(X), est.transform(X, layer=2))  # default: last hidden
    for bad in (0, 4, -1, 1.0, True, "1"):
        with pytest.raises(ValueError, match="layer must be an integer from 1"):
            est.transform(X, layer=bad)


def test_regressor_transform_and_predict_match_a_numpy_forward_pass():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (80, 3))
    Y = np.column_stack([np.sin(X[:, 0]), X[:, 1] * X[:, 2]])
    est = BackpropRegressor(hidden_layer_sizes=(9,), epochs=5, random_state=1).fit(X, Y)
    ref = numpy_forward(est.network_, X, "tanh", "linear")
    np.testing.assert_allclose(est.transform(X), ref[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.predict(X), ref[2], rtol=1e-12, atol=1e-15)
    assert est.predict(X).shape == (80, 2) and est.n_outputs_ == 2


# -- regression ------------------------------------------------------------------------------
def test_regressor_learns_single_and_multi_output():
    rng = np.random.default_rng(1)
    X = rng.uniform(-3, 3, (400, 1))
    y = np.sin(X[:, 0])
    single = BackpropRegressor(random_state=0).fit(X, y)
    assert single.predict(X).shape == (400,)
    assert single.score(X, y) > 0.9
    Y = np.column_stack([np.sin(X[:, 0]), np.cos(X[:, 0])])
    multi = BackpropRegressor(random_state=0).fit(X, Y)
    assert multi.predict(X).shape == (400, 2)
    assert multi.score(X, Y) > 0.9


def test_regressor_column_target_equals_1d_target():
    X, y = make_blobs(50, n_features=2, random_state=0)
    y = X[:, 0] - X[:, 1]
    flat = BackpropRegressor(epochs=3, random_state=0).fit(X, y)
    column = BackpropRegressor(epochs=3, random_state=0).fit(X, y.reshape(-1, 1))
    assert np.array_equal(flat.predict(X), column.predict(X))
    assert column.predict(X).shape == (50,)


# -- partial_fit and warm_start --------------------------------------------------------------
@pytest.mark.parametrize("shuffle", [False, True])
def test_partial_fit_equals_fit_one_epoch_at_a_time(iris, shuffle):
    X, y = iris
    kw = dict(hidden_layer_sizes=(6,), shuffle=shuffle, random_state=2)
    whole = BackpropClassifier(epochs=4, **kw).fit(X, y)
    steps = BackpropClassifier(**kw)
    for _ in range(4):
        steps.partial_fit(X, y, classes=[0, 1, 2])
    assert_same_params(whole, steps)
    assert steps.loss_curve_ == whole.loss_curve_ and steps.n_iter_ == 4
    reg_whole = BackpropRegressor(epochs=3, **kw).fit(X[:, :2], X[:, 2:])
    reg_steps = BackpropRegressor(**kw)
    for _ in range(3):
        reg_steps.partial_fit(X[:, :2], X[:, 2:])
    assert_same_params(reg_whole, reg_steps)


def test_partial_fit_classes(iris):
    X, y = iris
    est = BackpropClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        est.partial_fit(X, y)
    est.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])  # a first batch without class 2
    assert est.classes_.tolist() == [0, 1, 2] and est.n_outputs_ == 3
    est.partial_fit(X, y)  # classes may be left out afterwards
    with pytest.raises(ValueError, match="differs from classes_"):
        est.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels that are not in classes_ .*\[7\]"):
        est.partial_fit(X[:3], [0, 7, 1])


def test_warm_start_continues_training(iris):
    X, y = iris
    ten = BackpropClassifier(epochs=10, random_state=0).fit(X, y)
    est = BackpropClassifier(epochs=6, random_state=0).fit(X, y)
    est.set_params(warm_start=True, epochs=4).fit(X, y)
    assert_same_params(est, ten)
    assert est.n_iter_ == 10 and est.loss_curve_ == ten.loss_curve_
    assert est.history_.n_epochs == 4
    # without warm start, fit starts over from random_state
    est.set_params(warm_start=False, epochs=10).fit(X, y)
    assert_same_params(est, ten)
    est.set_params(warm_start=True, hidden_layer_sizes=(8,))
    with pytest.raises(ValueError, match="warm start: the network is"):
        est.fit(X, y)


def test_diverged_fit_raises_and_leaves_the_estimator_unfitted(iris):
    X, y = iris
    est = BackpropRegressor(hidden_layer_sizes=(), epochs=2, random_state=0).fit(X, y)
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow is the point here
        with pytest.raises(TrainingDivergedError, match="diverged"):
            est.set_params(learning_rate=1e3, epochs=100).fit(100 * X, 1e6 * y)
    with pytest.raises(NotFittedError):
        est.predict(X)  # not the old network with the new data's settings


# -- input validation: scikit-learn's messages -----------------------------------------------
@pytest.fixture(scope="module")
def fitted(iris):
    X, y = iris
    return BackpropClassifier(epochs=2, random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "make_X, message",
    [
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), "contains NaN"),
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), "infinity"),
        (lambda X: X[:0], r"0 sample\(s\)"),
        (lambda X: X[:, 0], "Expected 2D array, got 1D array"),
        (lambda X: X[:, :, None], "Found array with dim 3"),
        (lambda X: X[:, :3], "X has 3 features, but BackpropClassifier is expecting 4"),
    ],
    ids=["nan", "inf", "empty", "1d", "3d", "n_features"],
)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "transform", "score"])
def test_bad_input_is_rejected_at_predict_time(iris, fitted, make_X, message, method):
    X, y = iris
    args = (make_X(X), y) if method == "score" else (make_X(X),)
    with pytest.raises(ValueError, match=message):
        getattr(fitted, method)(*args)


@pytest.mark.parametrize(
    "make_X, message",
    [
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), "contains NaN"),
        (lambda X: X[:0], r"0 sample\(s\)"),
        (lambda X: X[:, :0], r"0 feature\(s\)"),
        (lambda X: X[:, 0], "Expected 2D array, got 1D array"),
    ],
    ids=["nan", "empty", "no-features", "1d"],
)
@pytest.mark.parametrize("cls", [BackpropClassifier, BackpropRegressor])
def test_bad_input_is_rejected_at_fit_time(iris, make_X, message, cls):
    X, y = iris
    with pytest.raises(ValueError, match=message):
        cls().fit(make_X(X), y[: len(make_X(X))])


def test_bad_targets_and_parameters_are_rejected(iris, fitted):
    X, y = iris
    with pytest.raises(ValueError, match="Input y contains NaN"):
        BackpropRegressor().fit(X, np.where(y == 1, np.nan, y))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        BackpropClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        BackpropClassifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="at least 2 classes, got 1 class"):
        BackpropClassifier().fit(X, np.zeros(len(X)))
    with pytest.warns(DataConversionWarning):
        BackpropClassifier(epochs=1).fit(X, y.reshape(-1, 1))
    with pytest.raises(ValueError, match="X has 3 features, but BackpropClassifier is expecting"):
        BackpropClassifier(warm_start=True, epochs=1).fit(X, y).fit(X[:, :3], y)
    with pytest.raises(ValueError, match="X has 3 features"):
        BackpropClassifier().partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X[:, :3], y)
    with pytest.raises(ValueError, match="y has 1 outputs but the fitted network has 2"):
        BackpropRegressor(epochs=1).partial_fit(X, X[:, :2]).partial_fit(X, y)
    with pytest.raises(NotFittedError):
        BackpropClassifier().predict(X)
    with pytest.raises(NotFittedError):
        BackpropRegressor().transform(X)
    for bad in (
        dict(learning_rate=0),
        dict(epochs=0),
        dict(batch_size=2.5),
        dict(activation="softmax"),
        dict(output_activation="tanh"),
        dict(loss="hinge"),
        dict(init="zeros"),
    ):
        with pytest.raises(ValueError, match=f"^{next(iter(bad))} must be"):
            BackpropClassifier(**bad).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes must hold positive integers"):
        BackpropClassifier(hidden_layer_sizes=(4, 0)).fit(X, y)


# -- model files -----------------------------------------------------------------------------
LABELS = {
    "int": np.array([3, 5, 9]),
    "str": np.array(["ant", "bee", "cat"]),
    "object": np.array(["ant", "bee", "cat"], dtype=object),
    "float": np.array([-1.0, 0.0, 2.0]),  # integral floats: others are "continuous"
    "bool": np.array([False, True, True]),
}


@pytest.mark.parametrize("kind", LABELS)
def test_classifier_save_load_round_trip_is_bit_exact(tmp_path, iris, kind):
    X, y = iris
    labels = LABELS[kind][y]
    est = BackpropClassifier(hidden_layer_sizes=(5, 4), epochs=3, random_state=0).fit(X, labels)
    est.save(tmp_path / "clf.npz")
    back = BackpropClassifier.load(tmp_path / "clf.npz")
    assert back.get_params() == est.get_params()
    assert back.classes_.dtype == est.classes_.dtype
    assert back.classes_.tolist() == est.classes_.tolist()
    assert np.array_equal(back.predict_proba(X), est.predict_proba(X))
    assert back.predict(X).tolist() == est.predict(X).tolist()
    assert np.array_equal(back.transform(X, layer=1), est.transform(X, layer=1))
    assert back.loss_curve_ == est.loss_curve_ and back.n_iter_ == est.n_iter_ == 3


@pytest.mark.parametrize("cls", [BackpropClassifier, BackpropRegressor])
def test_network_without_hidden_layers_round_trips_and_warm_starts(tmp_path, iris, cls):
    X, y = iris
    est = cls(hidden_layer_sizes=(), epochs=2, random_state=0).fit(X, y)
    assert est.network_.sizes == [4, est.n_outputs_]
    est.save(tmp_path / "m.npz")
    back = cls.load(tmp_path / "m.npz")
    assert np.array_equal(back.transform(X), est.transform(X))  # the output layer
    back.set_params(warm_start=True).fit(X, y)
    assert back.n_iter_ == 4


def test_loaded_estimator_continues_training_exactly(tmp_path, iris):
    """The shuffling generator's state is in the file: training on after loading is
    bit for bit training on without saving."""
    X, y = iris
    est = BackpropClassifier(hidden_layer_sizes=(5,), epochs=2, random_state=0).fit(X, y)
    est.save(tmp_path / "clf.npz")
    back = BackpropClassifier.load(tmp_path / "clf.npz")
    est.partial_fit(X, y)
    back.partial_fit(X, y)
    assert_same_params(back, est)


def test_regressor_save_load_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    for Y in (X[:, 0] * X[:, 1], X[:, :2] ** 2):
        est = BackpropRegressor(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(X, Y)
        est.save(tmp_path / "reg.npz")
        back = BackpropRegressor.load(tmp_path / "reg.npz")
        assert np.array_equal(back.predict(X), est.predict(X))
        assert back.predict(X).shape == Y.shape and back.n_outputs_ == est.n_outputs_
        assert not hasattr(back, "feature_names_in_")
    est.feature_names_in_ = np.array(["a", "b", "c"], dtype=object)  # as after fit on a frame
    est.save(tmp_path / "named.npz")
    back = BackpropRegressor.load(tmp_path / "named.npz")
    assert back.feature_names_in_.tolist() == ["a", "b", "c"]
    with pytest.warns(UserWarning, match="fitted with feature names"):
        back.predict(X)


def test_model_file_is_plain_arrays_and_json(tmp_path, iris):
    X, y = iris
    est = BackpropClassifier(hidden_layer_sizes=(5,), epochs=1, random_state=0).fit(X, y)
    est.save(tmp_path / "clf.npz")
    with np.load(tmp_path / "clf.npz", allow_pickle=False) as f:
        assert sorted(f.files) == ["W1", "W2", "b1", "b2", "metadata.json"]
        assert np.array_equal(f["W1"], est.network_.weights[0])
    with zipfile.ZipFile(tmp_path / "clf.npz") as zf:
        meta = json.loads(zf.read("metadata.json"))
    assert meta["extra"]["estimator"] == "BackpropClassifier"
    assert meta["extra"]["classes"] == {"dtype": "<i8", "values": [0, 1, 2]}
    assert Network.load(tmp_path / "clf.npz").sizes == [4, 5, 3]  # a plain Network file too


def test_labels_that_cannot_round_trip_are_refused(tmp_path, iris):
    X, y = iris
    days = np.array(["2024-01-01", "2024-01-02", "2024-01-03"], dtype="datetime64[D]")
    est = BackpropClassifier(epochs=1).fit(X, days[y])  # scikit-learn takes dates as labels
    with pytest.raises(ValueError, match="cannot save class labels of dtype"):
        est.save(tmp_path / "clf.npz")
    assert not (tmp_path / "clf.npz").exists()
    with pytest.raises(NotFittedError):
        BackpropClassifier().save(tmp_path / "clf.npz")


def _rewrite_extra(path, change):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    meta = json.loads(members["metadata.json"])
    change(meta["extra"])
    members["metadata.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda e: e.update(estimator="BackpropRegressor"), "holds 'BackpropRegressor'"),
        (lambda e: e.clear(), "bare Network"),
        (lambda e: e["params"].update(hidden_layer_sizes=[6]), "the parameters ask for"),
        (lambda e: e["params"].update(hidden_layer_sizes=[10**12]), "the parameters ask for"),
        (lambda e: e["params"].update(evil="os.system"), "exactly the keys"),
        (lambda e: e["params"].update(learning_rate=-1), "learning_rate must be a positive"),
        (lambda e: e.update(n_features_in=7), "the parameters ask for"),
        (lambda e: e["classes"].update(values=[0, 1, 2, 3]), "the parameters ask for"),
        (lambda e: e["classes"].update(values=[2, 1, 0]), "sorted order"),
        (lambda e: e["classes"].update(dtype="|S1"), "unsupported dtype"),
        (lambda e: e["classes"].update(values=[0, [1], 2]), "must be str, int, float or bool"),
        (lambda e: e.update(loss_curve=[1.0, 2.0]), "n_iter finite numbers"),
        (lambda e: e.update(loss_curve=[float("nan")]), "n_iter finite numbers"),
        (lambda e: e.update(rng_state={"bit_generator": "MT19937"}), "PCG64"),
        (lambda e: e["rng_state"].update(state="x"), "invalid BackpropClassifier metadata"),
        (lambda e: e.update(pickle="gASV"), "unknown \\['pickle'\\]"),
    ],
)
def test_tampered_estimator_metadata_is_rejected(tmp_path, iris, change, message):
    X, y = iris
    path = tmp_path / "clf.npz"
    BackpropClassifier(hidden_layer_sizes=(5,), epochs=1, random_state=0).fit(X, y).save(path)
    _rewrite_extra(path, change)
    with pytest.raises(ValueError, match=message):
        BackpropClassifier.load(path)


@pytest.mark.parametrize("cls", [BackpropClassifier, BackpropRegressor])
def test_pickle_naming_the_module_before_the_package_split_loads(iris, cls):
    # Pickles written while the estimators lived in one module name their class
    # backproplab.sklearn.<name>; the package re-exports it, so they still load. Protocol 2
    # writes a class as the text "c<module>\n<name>\n", so the old module can be put back.
    X, y = iris
    est = cls(hidden_layer_sizes=(5,), epochs=1, random_state=0).fit(X, y)
    data = pickle.dumps(est, protocol=2)
    now = f"c{cls.__module__}\n{cls.__name__}\n".encode()
    assert cls.__module__ != "backproplab.sklearn" and now in data
    back = pickle.loads(data.replace(now, f"cbackproplab.sklearn\n{cls.__name__}\n".encode()))
    assert type(back) is cls
    assert np.array_equal(back.predict(X), est.predict(X))


def test_pickle_round_trip_keeps_predictions(iris):
    X, y = iris
    est = BackpropClassifier(activation="tanh", epochs=2, random_state=0).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    assert np.array_equal(back.predict_proba(X), est.predict_proba(X))
    back.partial_fit(X, y)
    est.partial_fit(X, y)
    assert_same_params(back, est)


def test_pandas_output_in_a_pipeline_names_the_hidden_units(iris):
    """``get_feature_names_out``: ``set_output(transform="pandas")`` works, as with MLP."""
    pd = pytest.importorskip("pandas")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = iris
    pipe = make_pipeline(StandardScaler(), BackpropClassifier(hidden_layer_sizes=(5,), epochs=2,
                                                              random_state=0))  # fmt: skip
    frame = pd.DataFrame(X, columns=list("abcd"))
    pipe.set_output(transform="pandas").fit(frame, y)
    out = pipe.transform(frame)
    assert list(out.columns) == [f"backpropclassifier{i}" for i in range(5)]
    np.testing.assert_allclose(out.to_numpy(), pipe[-1].transform(pipe[0].transform(frame)))


# -- scikit-learn MLP's training options --------------------------------------------------------------
def test_mlp_names_map_onto_network_train(iris):
    """solver/beta_1/…/alpha train exactly as Network.train with the matching options."""
    from backproplab import Network, optim

    X, y = iris
    est = BackpropClassifier(hidden_layer_sizes=(6,), solver="adam", beta_1=0.8, alpha=0.5,
                             learning_rate=0.01, epochs=3, random_state=0).fit(X, y)  # fmt: skip
    rng = np.random.default_rng(0)
    net = Network([4, 6, 3], activation="relu", output_activation="softmax",
                  cost="cross_entropy", init="he", seed=rng)  # fmt: skip
    net.train(X, np.eye(3)[y], epochs=3, batch_size=32, eta=0.01, seed=rng,
              optimizer=optim.Adam(beta1=0.8), l2=0.5 * 150 / 32)  # fmt: skip
    np.testing.assert_array_equal(est.network_.theta, net.theta)
    assert est.best_loss_ == min(est.loss_curve_) and est.best_validation_score_ is None


def test_partial_fit_keeps_the_optimizers_state(iris):
    """k partial_fit calls equal fit with epochs=k bit for bit, Adam's moments included."""
    X, y = iris
    options = dict(hidden_layer_sizes=(5,), solver="adam", learning_rate=0.01, random_state=3)
    whole = BackpropClassifier(epochs=3, **options).fit(X, y)
    part = BackpropClassifier(**options)
    for _ in range(3):
        part.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_array_equal(part.network_.theta, whole.network_.theta)


def test_early_stopping_holds_out_a_stratified_validation_set(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    est = BackpropClassifier(early_stopping=True, validation_fraction=0.2, n_iter_no_change=3,
                             epochs=200, learning_rate=0.1, random_state=0)  # fmt: skip
    est.fit(X_train / 16, y_train)
    h = est.history_
    assert h.stopped_early and est.n_iter_ == h.n_epochs < 200
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_) > 0.9
    assert h.steps_per_epoch == int(np.ceil(round(0.8 * len(X_train)) / 32))  # 80 % trains
    # the weights kept are those of the best validation loss
    assert h.best_epoch == int(np.argmin(h.val_loss_epoch))


def test_bad_mlp_options_are_named(iris):
    X, y = iris
    for bad, message in [(dict(solver="lbfgs"), "solver must be one of"),
                         (dict(alpha=-1.0), "alpha must be ≥ 0"),
                         (dict(schedule="optimal"), "schedule must be one of"),
                         (dict(validation_fraction=1.0), "validation_fraction must be")]:  # fmt: skip
        with pytest.raises(ValueError, match=message):
            BackpropClassifier(**bad).fit(X, y)
