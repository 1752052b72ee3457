"""to_torch / from_torch: the same network in PyTorch, and back.

torch is the independent reference: its modules compute the forward pass, and its autograd
the gradient of a cost written here in torch (not backproplab's), compared with
``Network.backprop``.
"""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import Network
from backproplab.engine.activations import LEAKY_SLOPE
from backproplab.export import to_torch

torch = nn = None  # set by _torch: only the process that runs these tests imports torch


@pytest.fixture(autouse=True, scope="module")
def _torch():
    global torch, nn
    torch = pytest.importorskip("torch")
    nn = torch.nn


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUT = [*HIDDEN, "softmax"]
PAIRS = [(h, o) for h in HIDDEN for o in OUTPUT]


def torch_cost(a, y, cost: str):
    """The mean over samples of C_x, in torch, from the costs' textbook definitions."""
    if cost == "quadratic":
        per_sample = 0.5 * ((a - y) ** 2).sum(dim=1)
    elif cost == "binary_cross_entropy":
        per_sample = -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(dim=1)
    else:  # categorical cross-entropy
        per_sample = -(y * torch.log(a)).sum(dim=1)
    return per_sample.mean()


def problem(net: Network, rng, n: int = 9):
    X = rng.standard_normal((n, net.sizes[0]))
    k = net.sizes[-1]
    if net.output_activation == "softmax":
        Y = np.eye(k)[rng.integers(0, k, n)]
    else:
        Y = rng.uniform(0.1, 0.9, (n, k))
    return X, Y


@pytest.mark.parametrize(("hidden", "output"), PAIRS)
def test_outputs_and_gradients_equal_torch_for_every_pairing(hidden, output, rng):
    cost = "quadratic"
    if output == "sigmoid":
        cost = "binary_cross_entropy"
    elif output == "softmax":
        cost = "categorical_cross_entropy"
    net = Network([3, 5, 4, 2], activation=hidden, output_activation=output, cost=cost, seed=3)
    X, Y = problem(net, rng)
    module = to_torch(net)

    Xt = torch.from_numpy(X)
    a = module(Xt)
    assert a.dtype == torch.float64
    np.testing.assert_allclose(a.detach().numpy(), net.predict(X), rtol=0, atol=1e-12)

    torch_cost(a, torch.from_numpy(Y), cost).backward()
    grads_w, grads_b = net.backprop(X, Y)
    linears = [m for m in module if isinstance(m, nn.Linear)]
    for lin, gW, gb in zip(linears, grads_w, grads_b):
        np.testing.assert_allclose(lin.weight.grad.numpy(), gW, rtol=0, atol=1e-10)
        np.testing.assert_allclose(lin.bias.grad.numpy(), gb.ravel(), rtol=0, atol=1e-10)


def test_module_structure_and_parameters_are_the_networks():
    net = Network([2, 3, 4], activation="leaky_relu", output_activation="softmax", seed=0)
    module = to_torch(net)
    kinds = [type(m).__name__ for m in module]
    assert kinds == ["Linear", "LeakyReLU", "Linear", "Softmax"]
    assert module[1].negative_slope == LEAKY_SLOPE
    assert module[3].dim == 1
    assert module[0].weight.shape == (3, 2) and module[0].bias.shape == (3,)
    np.testing.assert_array_equal(module[2].weight.detach().numpy(), net.weights[1])
    np.testing.assert_array_equal(module[2].bias.detach().numpy(), net.biases[1].ravel())
    # a copy: training the torch module leaves the network alone
    with torch.no_grad():
        module[0].weight.add_(1.0)
    assert not np.array_equal(module[0].weight.detach().numpy(), net.weights[0])


@pytest.mark.parametrize(("hidden", "output"), PAIRS)
def test_from_torch_round_trip_is_exact(hidden, output):
    net = Network([4, 3, 3, 2], activation=hidden, output_activation=output, seed=5)
    back = Network.from_torch(to_torch(net))
    assert (back.sizes, back.activation, back.output_activation) == (
        net.sizes,
        net.activation,
        net.output_activation,
    )
    for a, b in zip(back.weights + back.biases, net.weights + net.biases):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_module_built_in_torch_predicts_the_same_in_backproplab(dtype, rng):
    dtype = getattr(torch, dtype)
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 4), nn.Softmax(dim=1)
    ).to(dtype)
    net = Network.from_torch(module, cost="cross_entropy")
    assert net.dtype == (np.float32 if dtype == torch.float32 else np.float64)
    assert net.cost_function.name == "categorical_cross_entropy"
    X = rng.standard_normal((11, 3))
    expected = module(torch.from_numpy(X).to(dtype)).detach().numpy()
    tol = 1e-12 if dtype == torch.float64 else 1e-6
    np.testing.assert_allclose(net.predict(X), expected, rtol=0, atol=tol)


def test_linear_layers_without_activation_and_without_bias_are_read(rng):
    torch.manual_seed(1)
    module = nn.Sequential(
        nn.Linear(2, 3, bias=False), nn.Linear(3, 3), nn.Linear(3, 1), nn.Sigmoid()
    ).double()
    net = Network.from_torch(module)
    assert (net.activation, net.output_activation) == ("linear", "sigmoid")
    np.testing.assert_array_equal(net.biases[0], np.zeros((3, 1)))
    X = rng.standard_normal((5, 2))
    expected = module(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(net.predict(X), expected, rtol=0, atol=1e-12)


def test_float32_network_exports_in_float32(rng):
    net = Network([2, 4, 1], activation="relu", seed=0, dtype=np.float32)
    module = to_torch(net)
    assert module[0].weight.dtype == torch.float32
    X = rng.standard_normal((6, 2)).astype(np.float32)
    np.testing.assert_allclose(
        module(torch.from_numpy(X)).detach().numpy(), net.predict(X), rtol=0, atol=1e-6
    )


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Linear(3, 1)), "Dropout"),
        (lambda: nn.Sequential(nn.Conv1d(1, 1, 2)), "Conv1d"),
        (
            lambda: nn.Sequential(
                nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)
            ),
            "different activations",
        ),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2)), "negative_slope=0.2"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=0)), "dim=0"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1), nn.Linear(3, 1)), "softmax"),
        (lambda: nn.Sequential(nn.Sigmoid(), nn.Linear(2, 1)), "before the first Linear"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sigmoid()), "follows another"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), "has 3 outputs"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1).double()), "float32 or all"),
        (lambda: nn.Sequential(nn.Linear(2, 3).half()), "float32 or all"),
        (lambda: nn.Sequential(), "no Linear"),
    ],
)
def test_modules_a_network_cannot_hold_raise_a_clear_error(module, message):
    with pytest.raises(ValueError, match=message):
        Network.from_torch(module())


def test_from_torch_needs_a_sequential():
    with pytest.raises(TypeError, match="Sequential"):
        Network.from_torch(nn.Linear(2, 1))


def test_the_network_methods_are_the_export_functions(tmp_path):
    """``net.to_torch()`` and ``Network.from_torch`` (and ``net.to_onnx`` where onnxruntime
    is installed) give what the functions of backproplab.export give."""
    net = Network([2, 3, 2], activation="tanh", output_activation="softmax",
                  cost="cross_entropy", seed=0)  # fmt: skip
    X = np.random.default_rng(0).standard_normal((5, 2))
    out = net.to_torch()(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(out, net.predict(X), rtol=0, atol=1e-12)
    back = Network.from_torch(net.to_torch(), cost="cross_entropy")
    assert back.config() | {"init": net.init} == net.config()
    np.testing.assert_array_equal(back.theta, net.theta)
    ort = pytest.importorskip("onnxruntime")
    net.to_onnx(tmp_path / "net.onnx")
    session = ort.InferenceSession(str(tmp_path / "net.onnx"))
    np.testing.assert_allclose(session.run(None, {"X": X})[0], net.predict(X), atol=1e-12)
