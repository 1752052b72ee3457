"""Descriptors that every layer reads: one ``register`` makes a new activation (or cost)
available to the network, the gradient check, the command line, the playground, the
estimators, the report and export; leaving the ``with`` block takes it away again.

The new activation here is softplus, σ(z) = ln(1 + e^z), whose derivative is the logistic
function σ'(z) = 1 / (1 + e^{−z}); its outputs lie in (0, ∞). Its σ and σ' are written
here with NumPy, independently of the library's own functions.
"""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import Network, gradcheck
from backproplab.cli import build_parser
from backproplab.cli.defaults import default_eta, default_init
from backproplab.cli.demo import _settings
from backproplab.data.labels import encode_labels, low_target
from backproplab.engine import activations, costs
from backproplab.engine.activations import Activation, get_activation, hidden_activations
from backproplab.engine.costs import Cost, get_cost
from backproplab.engine.init import auto_init
from backproplab.serve import lab
from backproplab.serve.settings import PlaygroundSettings, choices, parse_settings
from backproplab.sklearn import BackpropClassifier
from backproplab.viz.moments import value_range


def _softplus(z, out=None):
    return np.logaddexp(0.0, z, out=out)  # ln(e^0 + e^z), without overflow


def _softplus_prime(z, a, out=None):
    with np.errstate(over="ignore"):
        return np.divide(1.0, 1.0 + np.exp(-z), out=out)


SOFTPLUS = Activation("softplus", _softplus, _softplus_prime, bounds=(0.0, np.inf))


@pytest.fixture
def softplus():
    with activations.registered(SOFTPLUS) as act:
        yield act
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        get_activation("softplus")  # gone again after the block


def _xor(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X, y


# -- must hold: a registered softplus works everywhere, with no other edit -------------------


def test_a_registered_softplus_trains_and_its_gradient_is_true(softplus):
    X, y = _xor()
    net = Network([2, 4, 1], activation="softplus", seed=0)
    assert net.activation == "softplus"
    report = gradcheck(net, X[:10], y[:10])  # against centred finite differences of the cost
    assert report.passed, str(report)
    before = net.cost(X, y)
    history = net.train(X, y, epochs=300, batch_size=10, eta=3.0, seed=0)
    assert np.isfinite(history.loss_step).all()
    assert net.cost(X, y) < 0.5 * before  # it learned (XOR: a linear model cannot)
    # the hidden layer computes ln(1 + e^z), by hand
    z = X @ net.weights[0].T + net.biases[0].T
    a1 = np.log1p(np.exp(z))
    np.testing.assert_allclose(net.feedforward(X)[1][1], a1.T, rtol=1e-12)


def test_a_registered_softplus_is_offered_by_the_playground_and_the_command_line(softplus):
    assert "softplus" in choices()["activation"]
    assert parse_settings({"activation": "softplus"}).activation == "softplus"
    parser = build_parser()
    args = parser.parse_args(["train", "--activation", "softplus"])
    assert args.activation == "softplus"
    train = parser._subparsers._group_actions[0].choices["train"]  # noqa: SLF001 (argparse's own)
    flag = next(a for a in train._actions if "--activation" in a.option_strings)  # noqa: SLF001
    assert "softplus" in flag.choices
    # σ'(1) = 0.73 < 1: the quadratic cost's η, undivided (ReLU's σ'(1) = 1 gets a fifth)
    assert default_eta("quadratic", "softplus") == 3.0 and default_eta("quadratic", "relu") == 0.6
    # the playground builds its network and targets with it
    s = PlaygroundSettings(activation="softplus", hidden=[3])
    net = lab.build_network(s, n_inputs=2, n_classes=2)
    assert net.activation == "softplus"


def test_a_registered_softplus_trains_in_the_estimators_and_the_report_ranges_it(softplus):
    X, y = _xor()
    clf = BackpropClassifier(
        hidden_layer_sizes=(4,), activation="softplus", epochs=3, random_state=0
    ).fit(X, y)
    assert clf.network_.activation == "softplus"
    values = np.array([0.2, 3.0, 1.0])
    assert value_range("softplus", values) == (0.2, 3.0)  # unbounded: the values' own range


def test_after_the_block_softplus_is_refused_again():
    assert "softplus" not in choices()["activation"]
    with pytest.raises(ValueError, match="activation must be one of"):
        parse_settings({"activation": "softplus"})
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--activation", "softplus"])
    with pytest.raises(ValueError, match="unknown activation"):
        Network([2, 4, 1], activation="softplus")


def test_export_names_a_missing_counterpart_and_uses_a_given_one(softplus):
    torch = pytest.importorskip("torch")
    from backproplab.export import to_torch

    net = Network([2, 3, 1], activation="softplus", seed=0)
    with pytest.raises(ValueError, match="'softplus' has no PyTorch counterpart"):
        to_torch(net)
    with_torch = Activation(
        "softplus", _softplus, _softplus_prime, bounds=(0.0, np.inf), torch="Softplus"
    )
    activations.register(with_torch, replace=True)
    module = to_torch(net)
    X = np.random.default_rng(1).standard_normal((5, 2))
    with torch.no_grad():
        out = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(out, net.predict(X), rtol=1e-12)  # torch computes it alike


def test_onnx_export_names_a_missing_counterpart(softplus, tmp_path):
    pytest.importorskip("onnx")
    from backproplab.export import to_onnx

    with pytest.raises(ValueError, match="'softplus' has no ONNX counterpart"):
        to_onnx(Network([2, 3, 1], activation="softplus", seed=0), tmp_path / "m.onnx")


# -- the facts each descriptor holds, read by every layer ----------------------------------


def test_a_bounded_activation_gives_the_report_its_range_and_labels_their_low_target():
    hard_tanh = Activation(
        "hard_tanh",
        lambda z, out=None: np.clip(z, -1, 1, out=out),
        lambda z, a, out=None: np.multiply(np.abs(z) < 1, 1.0, out=out),
        bounds=(-1.0, 1.0),
        low_target=-1.0,
    )
    with activations.registered(hard_tanh):
        assert value_range("hard_tanh", np.array([0.1, 0.2])) == (-1.0, 1.0)
        assert low_target("hard_tanh") == -1.0
        s = PlaygroundSettings(output_activation="hard_tanh", cost="quadratic")
        Y = lab.targets(s, np.array([0, 1, 1, 0]), n_classes=2)
        np.testing.assert_array_equal(Y[:, 0], [-1.0, 1.0, 1.0, -1.0])
    # the built-in rule, as the notebook's data uses it: 0/1 for sigmoid, ±1 for tanh
    assert (low_target("sigmoid"), low_target("tanh"), low_target("relu")) == (0.0, -1.0, 0.0)
    Y, _ = encode_labels(np.array(["a", "b"]), 1, low=low_target("tanh"))
    np.testing.assert_array_equal(Y[:, 0], [-1.0, 1.0])


@pytest.mark.parametrize("name", hidden_activations())
def test_init_auto_is_one_rule_for_the_command_line_and_the_estimators(name):
    """He for the ReLU family, Xavier otherwise; checked from the weights each one draws.

    The estimator trains with η = 1e-300, which leaves its weights as drawn; they must be
    what ``Network(..., init=expected, seed=default_rng(0))`` draws."""
    expected = "he" if name in ("relu", "leaky_relu") else "xavier"
    assert auto_init(name) == expected == default_init(name)
    assert _settings(build_parser().parse_args(["train", "--activation", name])).init == expected
    X, y = _xor(20)
    clf = BackpropClassifier(
        hidden_layer_sizes=(3,), activation=name, epochs=1, learning_rate=1e-300, random_state=0
    ).fit(X, y)
    net = Network(
        [2, 3, 1],
        activation=name,
        output_activation="sigmoid",
        cost="cross_entropy",
        init=expected,
        seed=np.random.default_rng(0),
    )
    for ours, theirs in zip(clf.network_.weights, net.weights, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_built_in_entries_cannot_be_replaced_or_removed():
    with pytest.raises(ValueError, match="built-in"):
        activations.register(SOFTPLUS.__class__("sigmoid", _softplus, _softplus_prime))
    with pytest.raises(ValueError, match="built-in"):
        activations.unregister("tanh")
    with pytest.raises(ValueError, match="built-in"):
        costs.unregister("quadratic")
    with pytest.raises(TypeError, match="register needs a Activation"):
        activations.register("softplus")
    with pytest.raises(ValueError, match="low_target"):
        Activation("bad", _softplus, _softplus_prime, bounds=(0.0, np.inf), low_target=-1.0)


def test_a_registered_cost_trains_and_its_gradient_is_true():
    """The quartic cost C_x = ¼ Σ_j (a_j − y_j)⁴, ∂C_x/∂a_j = (a_j − y_j)³."""
    quartic = Cost(
        "quartic",
        lambda a, y: 0.25 * np.sum((a - y) ** 4, axis=0),
        lambda a, y, out=None: np.power(a - y, 3, out=out),
        eta=5.0,
    )
    with costs.registered(quartic):
        assert get_cost("Quartic") is quartic and "quartic" in choices()["cost"]
        X, y = _xor(30)
        net = Network([2, 4, 1], activation="tanh", cost="quartic", seed=1)
        assert gradcheck(net, X, y).passed
        assert parse_settings({"cost": "quartic", "output_activation": "sigmoid"}).cost == "quartic"
    with pytest.raises(ValueError, match="unknown cost 'quartic'"):
        get_cost("quartic")
