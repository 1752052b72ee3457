"""to_onnx: the model onnxruntime runs gives what backproplab predicts.

onnxruntime is the independent implementation: it reads the file and runs its own kernels.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression

from backproplab import Network
from backproplab.export import DEFAULT_OPSET, to_onnx
from backproplab.sklearn import BackpropClassifier, BackpropRegressor

onnx = ort = None  # set by _onnx: only the process that runs these tests imports them


@pytest.fixture(autouse=True, scope="module")
def _onnx():
    global onnx, ort
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUT = [*HIDDEN, "softmax"]
TOL = {np.float32: 1e-5, np.float64: 1e-12}


def run(path, X) -> dict:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"X": X})))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("output", OUTPUT)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_onnxruntime_equals_predict_for_every_pairing(hidden, output, dtype, tmp_path, rng):
    net = Network([3, 6, 5, 4], activation=hidden, output_activation=output, seed=2, dtype=dtype)
    path = tmp_path / "net.onnx"
    to_onnx(net, path)
    X = (3 * rng.standard_normal((20, 3))).astype(dtype)
    Y = run(path, X)["Y"]
    assert Y.dtype == dtype and Y.shape == (20, 4)
    np.testing.assert_allclose(Y, net.predict(X), rtol=0, atol=TOL[dtype])


def test_model_states_its_opset_and_passes_the_checker(tmp_path):
    net = Network([2, 3, 1], seed=0)
    model = to_onnx(net, tmp_path / "a.onnx")
    loaded = onnx.load(str(tmp_path / "a.onnx"))
    onnx.checker.check_model(loaded, full_check=True)
    assert [(o.domain, o.version) for o in loaded.opset_import] == [("", DEFAULT_OPSET)]
    assert loaded == model
    props = {p.key: p.value for p in loaded.metadata_props}
    assert props["sizes"] == "2,3,1" and props["activation"] == "sigmoid"
    assert [i.name for i in loaded.graph.input] == ["X"]

    model13 = to_onnx(net, tmp_path / "b.onnx", opset=13)
    assert model13.opset_import[0].version == 13
    X = np.linspace(-2, 2, 8).reshape(4, 2)
    np.testing.assert_allclose(run(tmp_path / "b.onnx", X)["Y"], net.predict(X), atol=1e-12)


def test_batch_size_is_free(tmp_path, rng):
    net = Network([2, 3, 2], activation="tanh", output_activation="softmax", seed=0)
    to_onnx(net, tmp_path / "n.onnx")
    for n in (1, 7, 300):
        X = rng.standard_normal((n, 2))
        np.testing.assert_allclose(run(tmp_path / "n.onnx", X)["Y"], net.predict(X), atol=1e-12)


@pytest.mark.parametrize("output_activation", [None, "sigmoid", "softmax"])
@pytest.mark.parametrize("labels", ["int", "str"])
def test_classifier_exports_labels_and_probabilities(output_activation, labels, tmp_path):
    X, y = load_iris(return_X_y=True)
    if labels == "str":
        y = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = BackpropClassifier(
        hidden_layer_sizes=(5,), output_activation=output_activation, epochs=5, random_state=0
    ).fit(X, y)
    to_onnx(clf, tmp_path / "clf.onnx")
    out = run(tmp_path / "clf.onnx", X)
    np.testing.assert_allclose(out["probabilities"], clf.predict_proba(X), rtol=0, atol=1e-12)
    assert out["label"].tolist() == clf.predict(X).tolist()


def test_binary_classifier_gives_both_columns(tmp_path):
    X, y = load_iris(return_X_y=True)
    X, y = X[y < 2], np.where(y[y < 2] == 1, "yes", "no")
    clf = BackpropClassifier(hidden_layer_sizes=(3,), epochs=3, random_state=0).fit(X, y)
    assert clf.network_.sizes[-1] == 1
    to_onnx(clf, tmp_path / "bin.onnx")
    out = run(tmp_path / "bin.onnx", X)
    assert out["probabilities"].shape == (len(X), 2)
    np.testing.assert_allclose(out["probabilities"], clf.predict_proba(X), rtol=0, atol=1e-12)
    assert out["label"].tolist() == clf.predict(X).tolist()


def test_sigmoid_outputs_all_zero_give_uniform_probabilities(tmp_path):
    """Where every sigmoid saturates at 0 the estimator falls back to 1/k; so must ONNX."""
    X, y = load_iris(return_X_y=True)
    clf = BackpropClassifier(
        hidden_layer_sizes=(4,), output_activation="sigmoid", epochs=2, random_state=0
    ).fit(X, y)
    clf.network_.biases[-1][:] = -1000.0  # σ(−1000 + small) = 0 in float64
    X = X[:5]
    assert not clf.network_.predict(X).any()  # every output exactly 0
    to_onnx(clf, tmp_path / "c.onnx")
    out = run(tmp_path / "c.onnx", X)
    np.testing.assert_array_equal(out["probabilities"], np.full((5, 3), 1 / 3))
    np.testing.assert_array_equal(clf.predict_proba(X), np.full((5, 3), 1 / 3))
    assert out["label"].tolist() == clf.predict(X).tolist() == [0] * 5


@pytest.mark.parametrize("n_targets", [1, 2])
def test_regressor_exports_predict(n_targets, tmp_path):
    X, y = make_regression(60, 4, n_targets=n_targets, noise=0.1, random_state=0)
    reg = BackpropRegressor(hidden_layer_sizes=(6,), epochs=3, random_state=0).fit(X, y / 100)
    to_onnx(reg, tmp_path / "reg.onnx")
    out = run(tmp_path / "reg.onnx", X)["variable"]
    assert out.shape == reg.predict(X).shape
    np.testing.assert_allclose(out, reg.predict(X), rtol=0, atol=1e-12)


def test_errors_are_clear_and_leave_no_file(tmp_path):
    net = Network([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match="opset must be between 13"):
        to_onnx(net, tmp_path / "x.onnx", opset=11)
    with pytest.raises(TypeError, match="opset must be an int"):
        to_onnx(net, tmp_path / "x.onnx", opset="17")
    with pytest.raises(ValueError, match="not fitted"):
        to_onnx(BackpropClassifier(), tmp_path / "x.onnx")
    with pytest.raises(TypeError, match="takes a backproplab Network"):
        to_onnx(object(), tmp_path / "x.onnx")
    with pytest.raises(OSError):
        to_onnx(net, tmp_path / "missing-folder" / "x.onnx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.onnx"
    to_onnx(Network([2, 2, 1], seed=0), path)
    before = path.read_bytes()

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(onnx.ModelProto, "SerializeToString", broken)
    with pytest.raises(RuntimeError):
        to_onnx(Network([2, 5, 1], seed=1), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.onnx"]


def test_missing_packages_are_named(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    monkeypatch.setitem(sys.modules, "torch", None)
    from backproplab.export import to_torch

    with pytest.raises(ImportError, match=r"backproplab\[export\]"):
        to_onnx(Network([2, 1], seed=0), tmp_path / "x.onnx")
    with pytest.raises(ImportError, match=r"backproplab\[torch\]"):
        to_torch(Network([2, 1], seed=0))
