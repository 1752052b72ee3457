"""``backproplab predict`` and ``backproplab evaluate`` on a model written by ``train``.

The expected labels are computed here: the rows scaled with NumPy's mean and std of the
training file, the network's outputs read with an argmax written here.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.cli import main

pytestmark = pytest.mark.end_to_end


def _write_csv(path, X, labels=None, header=("a", "b")):
    rows = [",".join(header + (("kind",) if labels is not None else ()))]
    for i, x in enumerate(X):
        rows.append(",".join(map(repr, x.tolist())) + ("" if labels is None else f",{labels[i]}"))
    path.write_text("\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("predict")
    X, y = datasets.blobs(n_samples=150, centers=3, seed=2)
    X = X * [10.0, 0.1] + [50, -3]  # features on very different scales
    labels = np.array(["ant", "bee", "cat"])[y]
    _write_csv(tmp / "train.csv", X, labels)
    out = tmp / "run"
    argv = ["train", "--data", str(tmp / "train.csv"), "--target", "kind", "--layers", "2,5,3",
            "--cost", "cross-entropy", "--epochs", "30", "--frames", "3", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    return tmp, out / "model.npz", X, labels


def _expected(model, X_train, X):
    net = Network.load(model)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return np.array(["ant", "bee", "cat"])[np.argmax(net.predict((X - mean) / std), axis=1)]


def test_a_labelled_file_without_target_names_the_flag(trained, capsys):
    tmp, model, _, _ = trained
    assert main(["predict", str(model), "--data", str(tmp / "train.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "column 'kind'" in err[0]
    assert err[0].endswith("if 'kind' holds the labels, leave it out with --target kind")


def test_predict_writes_the_label_of_every_row(trained, capsys):
    tmp, model, X, labels = trained
    rng = np.random.default_rng(0)
    X_new = X[rng.choice(len(X), 20)] + rng.normal(0, 0.01, (20, 2))
    _write_csv(tmp / "new.csv", X_new)
    assert main(["predict", str(model), "--data", str(tmp / "new.csv")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "prediction"
    assert printed[1:] == _expected(model, X, X_new).tolist()
    assert main(["predict", str(model), "--data", str(tmp / "new.csv"),
                 "--out", str(tmp / "pred.csv")]) == 0  # fmt: skip
    with open(tmp / "pred.csv", newline="") as f:
        assert [r["prediction"] for r in csv.DictReader(f)] == printed[1:]


def test_predict_can_leave_the_target_column_out(trained, capsys):
    tmp, model, X, labels = trained
    assert main(["predict", str(model), "--data", str(tmp / "train.csv"), "--target", "kind"]) == 0
    predicted = capsys.readouterr().out.splitlines()[1:]
    assert predicted == _expected(model, X, X).tolist()
    assert np.mean(np.array(predicted) == labels) > 0.9


def test_evaluate_prints_the_accuracy_and_the_cost(trained, capsys):
    tmp, model, X, labels = trained
    assert main(["evaluate", str(model), "--data", str(tmp / "train.csv"), "--target", "kind"]) == 0
    printed = capsys.readouterr().out
    accuracy = np.mean(_expected(model, X, X) == labels)
    assert f"accuracy {accuracy:.1%} ({round(accuracy * 150)} of 150)" in printed
    assert "categorical_cross_entropy cost" in printed


def test_unknown_labels_and_wrong_widths_are_one_line_errors(trained, capsys):
    tmp, model, X, labels = trained
    _write_csv(tmp / "dog.csv", X[:3], ["ant", "dog", "cat"])
    assert main(["evaluate", str(model), "--data", str(tmp / "dog.csv"), "--target", "kind"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'dog'" in err[0]
    _write_csv(tmp / "wide.csv", np.ones((2, 3)), header=("a", "b", "c"))
    assert main(["predict", str(model), "--data", str(tmp / "wide.csv")]) == 2
    assert "3 feature columns but the model takes 2" in capsys.readouterr().err


def test_a_model_without_classes_is_refused_for_labels_but_gives_raw_outputs(tmp_path, capsys):
    net = Network([2, 3, 1], seed=0)
    net.save(tmp_path / "plain.npz")
    X = np.array([[0.5, -1.0], [2.0, 3.0]])
    _write_csv(tmp_path / "x.csv", X)
    assert main(["predict", str(tmp_path / "plain.npz"), "--data", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "holds no class labels" in err and "--raw" in err
    argv = ["predict", str(tmp_path / "plain.npz"), "--data", str(tmp_path / "x.csv"), "--raw"]
    assert main(argv) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "output_1"
    W1, b1, W2, b2 = net.weights[0], net.biases[0], net.weights[1], net.biases[1]
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    expected = sigma(W2 @ sigma(W1 @ X.T + b1) + b2)[0]  # no scaling stored: raw inputs
    np.testing.assert_allclose([float(r) for r in rows[1:]], expected, rtol=1e-12)


def test_two_classes_on_one_output_read_at_the_midpoint(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--data", "toy", "--layers", "1,3,1", "--output-activation", "tanh",
            "--epochs", "5", "--frames", "3", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    X = np.array([[-4.0], [-0.5], [0.5], [4.0]])
    (tmp_path / "x.csv").write_text("x\n" + "\n".join(str(v) for v in X[:, 0]) + "\n")
    assert main(["predict", str(out / "model.npz"), "--data", str(tmp_path / "x.csv")]) == 0
    net = Network.load(out / "model.npz")
    Xt, _ = datasets.toy()
    a = net.predict((X - Xt.mean()) / Xt.std())[:, 0]
    expected = [str(v) for v in np.where(a > 0, 1, -1)]  # tanh: targets −1 and 1, midpoint 0
    assert capsys.readouterr().out.splitlines()[1:] == expected
