"""``backproplab train``'s defaults work across the bundled data sets; ``demo`` keeps its own.

The trained models are checked from their files: the inputs are scaled here with NumPy's
own mean and std, the outputs read with an argmax or a threshold written here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.cli import build_parser, main
from backproplab.cli.defaults import default_eta, default_init, default_output
from backproplab.cli.demo import DEMO_DEFAULTS, _settings

SMALL = ["--frames", "3"]


def _trained(tmp_path, argv):
    out = tmp_path / "run"
    assert main(["train", *argv, "--out", str(out), "--quiet", *SMALL]) == 0
    return Network.load(out / "model.npz", return_extra=True)


@pytest.mark.end_to_end
def test_iris_with_cross_entropy_learns_with_the_defaults(tmp_path):
    # Before: 33% (chance) — eta 3 on raw features.
    net, extra = _trained(
        tmp_path, ["--data", "iris", "--layers", "4,6,3", "--cost", "cross-entropy"]
    )
    X, y = datasets.iris()
    mean, std = X.mean(axis=0), X.std(axis=0)
    np.testing.assert_allclose(extra["standardize"]["mean"], mean, rtol=1e-12)
    np.testing.assert_allclose(extra["standardize"]["std"], std, rtol=1e-12)
    assert extra["classes"] == [0, 1, 2] and net.output_activation == "softmax"
    predicted = np.argmax(net.predict((X - mean) / std), axis=1)
    assert np.mean(predicted == y) >= 0.90


@pytest.mark.end_to_end
def test_relu_hidden_layers_keep_a_sigmoid_output_and_learn_the_circles(tmp_path):
    # Before: the output was ReLU too, and the network died at 50%.
    net, extra = _trained(tmp_path, ["--activation", "relu", "--epochs", "100"])
    assert net.activation == "relu" and net.output_activation == "sigmoid"
    page = (tmp_path / "run" / "report.html").read_text()
    assert "The inputs are standardised (each feature to mean 0, std 1)" in page
    X, y = datasets.circles()
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    assert np.mean((net.predict(Xs)[:, 0] > 0.5) == (y == 1)) >= 0.95


@pytest.mark.end_to_end
def test_no_standardize_keeps_raw_inputs_and_says_so_in_the_model(tmp_path):
    net, extra = _trained(tmp_path, ["--no-standardize", "--epochs", "2"])
    assert extra["standardize"] is None and extra["classes"] == [0, 1]


@pytest.mark.end_to_end
def test_warnings_name_a_dead_layer_and_chance_level(tmp_path, capsys):
    # seed 0's second 3-unit ReLU layer is dead from the start with N(0, 1) biases
    argv = ["train", "--activation", "relu", "--init", "gaussian", "--epochs", "2",
            "--out", str(tmp_path / "run"), *SMALL]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "warning: chance level" in out and "warning: dead layer 2" in out


def test_the_demo_keeps_its_tuned_settings():
    s = _settings(build_parser().parse_args(["demo"]))
    assert (s.data, s.layers, s.activation, s.cost) == (
        "circles",
        [2, 3, 3, 1],
        "sigmoid",
        "quadratic",
    )
    assert (s.eta, s.init, s.standardize, s.hidden_bias) == (3.0, "gaussian", False, None)
    assert (s.epochs, s.batch_size, s.seed) == (200, 10, 0)
    assert DEMO_DEFAULTS["eta"] == 3.0


def test_train_chooses_init_and_eta_from_the_activation_and_cost():
    s = _settings(
        build_parser().parse_args(["train", "--activation", "relu", "--cost", "cross-entropy"])
    )
    assert (s.eta, s.init, s.standardize, s.hidden_bias) == (0.1, "he", True, 0.1)
    s = _settings(build_parser().parse_args(["train", "--eta", "2", "--init", "xavier"]))
    assert (s.eta, s.init, s.hidden_bias) == (2.0, "xavier", None)


@pytest.mark.parametrize(
    "cost, activation, eta",
    [("quadratic", "sigmoid", 3.0), ("quadratic", "tanh", 3.0), ("cross-entropy", "sigmoid", 0.5),
     ("cross_entropy", "relu", 0.1), ("quadratic", "leaky_relu", 0.6), ("mse", "linear", 0.6)],
)  # fmt: skip
def test_the_learning_rate_rule(cost, activation, eta):
    assert default_eta(cost, activation) == pytest.approx(eta)


def test_the_output_never_follows_the_hidden_activation():
    assert default_output("quadratic", 1, None) == "sigmoid"
    assert default_output("quadratic", 3, None) == "sigmoid"
    assert default_output("cross-entropy", 3, None) == "softmax"
    assert default_output("quadratic", 1, "tanh") == "tanh"
    assert default_init("leaky_relu") == "he" and default_init("tanh") == "xavier"


# -- item 4: --watch-layer with 1-D data, --quiet ------------------------------------------


@pytest.mark.end_to_end
def test_watch_layer_with_one_dimensional_data_is_explained(tmp_path, capsys):
    argv = ["train", "--data", "toy", "--layers", "1,4,4,1", "--watch-layer", "1", "--epochs", "2",
            "--out", str(tmp_path / "run"), *SMALL]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "note: with 1-D inputs hidden.gif shows the input-to-output curve" in out
    assert "layer 1 (--watch-layer) is shown in report.html" in out


@pytest.mark.end_to_end
def test_quiet_prints_nothing_even_matplotlibs_warnings(tmp_path, capfd):
    # Labels DejaVu Sans has no glyph for: matplotlib warns while drawing the GIF's legend.
    rng = np.random.default_rng(0)
    rows = ["a,b,kind"] + [f"{p},{q},{'猫犬'[k]}" for p, q, k in
                           zip(rng.normal(size=40), rng.normal(size=40), rng.integers(0, 2, 40))]  # fmt: skip
    path = tmp_path / "cats.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    argv = ["train", "--data", str(path), "--target", "kind", "--layers", "2,3,1", "--epochs", "2",
            "--out", str(tmp_path / "run"), *SMALL]  # fmt: skip
    with pytest.warns(UserWarning, match="missing from font"):  # without --quiet
        assert main(argv) == 0
    capfd.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main([*argv, "--quiet"]) == 0
    assert caught == [] and capfd.readouterr() == ("", "")
