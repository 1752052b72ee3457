"""The engine's contract: the readable BP1–BP4 equal the fast path, the gradients are true
gradients, parameters stay live through training, the library prints nothing and has no
import cycles, and one hand-worked [2, 2, 1] example checks BP1–BP4 digit by digit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backproplab import Network
from backproplab.engine.activations import ACTIVATIONS
from backproplab.engine.backward import backprop
from backproplab.engine.costs import COSTS, get_cost, mean_cost
from backproplab.engine.forward import feedforward
from backproplab.engine.optim import SGD
from backproplab.engine.workspace import Workspace
from reference import finite_difference_grads

PACKAGE = Path(__file__).parents[1] / "src" / "backproplab"

PAIRINGS = [
    (hidden, output, cost)
    for hidden in [a for a in ACTIVATIONS if ACTIVATIONS[a].hidden_ok]
    for output in ACTIVATIONS
    for cost in COSTS
    if COSTS[cost].outputs is None or output in COSTS[cost].outputs
]


def _problem(net, rng, m=9):
    X = rng.standard_normal((m, net.sizes[0]))
    if net.output_activation == "softmax":
        Y = np.eye(net.sizes[-1])[rng.integers(0, net.sizes[-1], m)]
    else:
        Y = rng.uniform(0.05, 0.95, (m, net.sizes[-1]))
    return X, Y


@pytest.mark.parametrize("hidden, output, cost", PAIRINGS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_fast_path_computes_what_the_readable_backprop_computes(hidden, output, cost, dtype):
    """``Workspace.gradients`` (in place, 1/m folded into Δ^L, σ' from a) and
    ``backward.backprop`` (fresh arrays, the equations as written) give the same gradient
    and the same loss, for every activation, output and cost."""
    rng = np.random.default_rng(3)
    net = Network([3, 4, 5, 3], activation=hidden, output_activation=output, cost=cost,
                  init="xavier", seed=1, dtype=dtype)  # fmt: skip
    X, Y = _problem(net, rng)
    A0, Yc = X.T.astype(dtype), Y.T.astype(dtype)
    zs, activations = feedforward(net.weights, net.biases, A0, net.layer_activations)
    grads_w, grads_b = backprop(net.weights, zs, activations, Yc, net.layer_activations,
                                net.cost_function)  # fmt: skip
    ws = Workspace(net.theta, net.weights, net.biases, net.layer_activations, net.cost_function)
    loss = ws.gradients(A0, Yc)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for fast, readable in zip(ws.grads_w + ws.grads_b, grads_w + grads_b):
        scale = max(float(np.abs(readable).max()), 1.0)
        assert np.abs(fast - readable).max() <= tol * scale
    assert loss == pytest.approx(mean_cost(net.cost_function, activations[-1], Yc), rel=tol)


@pytest.mark.parametrize("hidden, output, cost", PAIRINGS)
def test_backprop_returns_the_true_gradient_of_the_mean_cost(hidden, output, cost):
    """Against centred finite differences of the batch-mean cost (reference.py)."""
    rng = np.random.default_rng(4)
    net = Network([3, 4, 3], activation=hidden, output_activation=output, cost=cost,
                  init="xavier", seed=2)  # fmt: skip
    X, Y = _problem(net, rng, m=6)
    X = X + 0.05 * np.sign(X)  # keep ReLU's kink away from the finite differences
    grads_w, grads_b = net.backprop(X, Y)
    num_w, num_b = finite_difference_grads(lambda w, b: net.cost(X, Y), net.weights, net.biases)
    for g, n in zip(grads_w + grads_b, num_w + num_b):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-8)


def test_deltas_are_each_samples_own_error():
    """``return_deltas``: column x of Δ^ℓ is δ^ℓ_x of sample x alone, and BP3/BP4 average
    them: ∂C/∂b^ℓ = mean of the columns, ∂C/∂W^ℓ = Δ^ℓ (A^{ℓ−1})ᵀ / m."""
    rng = np.random.default_rng(5)
    net = Network([2, 3, 2], seed=0)
    X, Y = rng.standard_normal((4, 2)), rng.uniform(size=(4, 2))
    grads_w, grads_b, deltas = net.backprop(X, Y, return_deltas=True)
    for x in range(4):
        _, b_alone = net.backprop(X[x : x + 1], Y[x : x + 1])
        for ell in range(2):
            np.testing.assert_allclose(deltas[ell][:, [x]], b_alone[ell], rtol=1e-14)
    activations = net.feedforward(X)[1]
    for ell in range(2):
        np.testing.assert_allclose(grads_b[ell], deltas[ell].mean(axis=1, keepdims=True))
        np.testing.assert_allclose(grads_w[ell], deltas[ell] @ activations[ell].T / 4)


def test_history_grad_norm_is_the_exact_gradient_norm(circles):
    """One step per epoch (the whole set as one mini-batch, no shuffling): the recorded
    norm of ∂C/∂W^ℓ is that of backprop's gradient at the parameters before the step."""
    X, y = circles
    net = Network([2, 3, 3, 1], seed=0)
    expected = []
    for _ in range(3):
        grads_w, _ = net.copy().backprop(X, y)
        expected.append([np.linalg.norm(g) for g in grads_w])
        net.train(X, y, epochs=1, batch_size=len(X), eta=3.0, shuffle=False)
    net = Network([2, 3, 3, 1], seed=0)
    history = net.train(X, y, epochs=3, batch_size=len(X), eta=3.0, shuffle=False)
    np.testing.assert_allclose(history.grad_norm, expected, rtol=1e-12)


def test_the_update_is_theta_minus_eta_g():
    """A step of training moves θ by exactly −η times the gradient the Workspace computed."""
    rng = np.random.default_rng(6)
    net = Network([3, 4, 2], seed=0)
    X, Y = rng.standard_normal((5, 3)), rng.uniform(size=(5, 2))
    grads_w, grads_b = net.backprop(X, Y)
    before = net.theta.copy()
    net.train(X, Y, epochs=1, batch_size=5, eta=0.7, shuffle=False)
    g = np.concatenate([p.ravel() for p in grads_w + grads_b])
    np.testing.assert_allclose(net.theta, before - 0.7 * g, rtol=1e-13, atol=1e-15)
    sgd = SGD()
    theta = before.copy()
    sgd.init(theta)
    sgd.update(theta, g, 0.7)
    np.testing.assert_array_equal(theta, before - 0.7 * g)  # θ + (−η g): the same bits


def test_arrays_taken_before_training_show_the_trained_values(circles):
    X, y = circles
    net = Network([2, 3, 1], seed=0)
    W1, b2 = net.weights[0], net.biases[1]
    before = W1.copy()
    net.train(X, y, epochs=1, batch_size=50, eta=1.0)
    assert W1 is net.weights[0] and b2 is net.biases[1]
    assert not np.array_equal(W1, before)


def test_an_array_put_into_the_lists_is_trained_from(circles):
    """Replacing ``net.weights[0]`` with a new array: training starts from its values."""
    X, y = circles
    net, twin = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    new = np.full((3, 2), 0.25)
    net.weights[0] = new
    twin.weights[0][:] = 0.25
    net.train(X, y, epochs=1, batch_size=50, eta=1.0, seed=1)
    twin.train(X, y, epochs=1, batch_size=50, eta=1.0, seed=1)
    np.testing.assert_array_equal(net.theta, twin.theta)
    assert np.all(new == 0.25)  # the caller's array was copied, not trained in place


def test_a_network_built_from_parameters_draws_nothing():
    rng = np.random.default_rng(0)
    weights, biases = [rng.standard_normal((3, 2))], [rng.standard_normal((3, 1))]
    a = Network([2, 3], weights=weights, biases=biases, seed=7)
    b = Network([2, 3], seed=7)
    # the generator was not advanced by an initialisation: its next draw is a fresh one's first
    assert a._rng.random() == np.random.default_rng(7).random()  # noqa: SLF001
    assert not np.array_equal(a.weights[0], b.weights[0])


# -- a hand-worked example -------------------------------------------------------------------


def test_hand_worked_2_2_1_network():
    """BP1–BP4 by hand on a [2, 2, 1] network with linear hidden units (so that every number
    is exact) and a linear output, quadratic cost, one sample x = (1, 2), y = 1.

    W¹ = [[1, 0], [1, 1]], b¹ = [[0], [1]]; W² = [[2, −1]], b² = [[0.5]].
    Forward: z¹ = W¹x + b¹ = [1·1 + 0·2 + 0, 1·1 + 1·2 + 1] = [1, 4]; a¹ = z¹ = [1, 4].
             z² = W²a¹ + b² = 2·1 − 1·4 + 0.5 = −1.5; a² = −1.5.
    BP1: δ² = (a² − y) σ'(z²) = (−1.5 − 1)·1 = −2.5.
    BP2: δ¹ = (W²)ᵀ δ² ⊙ σ'(z¹) = [2·(−2.5), −1·(−2.5)] ⊙ [1, 1] = [−5, 2.5].
    BP3: ∂C/∂b² = δ² = −2.5;  ∂C/∂b¹ = δ¹ = [−5, 2.5].
    BP4: ∂C/∂W² = δ² (a¹)ᵀ = −2.5·[1, 4] = [−2.5, −10];
         ∂C/∂W¹ = δ¹ xᵀ = [[−5·1, −5·2], [2.5·1, 2.5·2]] = [[−5, −10], [2.5, 5]].
    Cost: C = ½(a² − y)² = ½·6.25 = 3.125.
    """
    net = Network([2, 2, 1], activation="linear",
                  weights=[[[1, 0], [1, 1]], [[2, -1]]], biases=[[[0], [1]], [[0.5]]])  # fmt: skip
    X, y = np.array([[1.0, 2.0]]), np.array([1.0])
    grads_w, grads_b, deltas = net.backprop(X, y, return_deltas=True)
    np.testing.assert_array_equal(deltas[1], [[-2.5]])
    np.testing.assert_array_equal(deltas[0], [[-5.0], [2.5]])
    np.testing.assert_array_equal(grads_b[1], [[-2.5]])
    np.testing.assert_array_equal(grads_b[0], [[-5.0], [2.5]])
    np.testing.assert_array_equal(grads_w[1], [[-2.5, -10.0]])
    np.testing.assert_array_equal(grads_w[0], [[-5.0, -10.0], [2.5, 5.0]])
    assert net.cost(X, y) == 3.125
    assert get_cost("quadratic").name == net.cost_function.name


# -- the package as a whole ------------------------------------------------------------------


def test_importing_backproplab_imports_numpy_only():
    code = (
        "import sys, backproplab; "
        "print(sorted({m.split('.')[0] for m in sys.modules if not m.startswith('_')}"
        " - set(sys.stdlib_module_names)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['backproplab', 'numpy']"


def _imports(path: Path) -> set[str]:
    """The backproplab modules a file imports, anywhere in it (inside functions too)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith("backproplab"):
                for alias in node.names:
                    name = f"{base}.{alias.name}"
                    found.add(name if (PACKAGE.parent / name.replace(".", "/")).with_suffix(
                        ".py").exists() else base)  # fmt: skip
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("backproplab")}
    return {f.removesuffix(".__init__") for f in found}


def test_no_module_imports_one_that_imports_it_back():
    """The module graph (every import, inside functions too) has no cycle, packages aside
    (a package's ``__init__`` gathers its modules by design)."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if path.name != "__init__.py":
            graph[name] = {m for m in _imports(path) if m != name}
    modules = set(graph)
    for name in graph:
        graph[name] = {m for m in graph[name] if m in modules}
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError(f"import cycle: {' -> '.join([*path, node, nxt])}")
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def _network_privates() -> set[str]:
    """The private names of class Network, read from network.py: its ``_`` methods and
    the ``self._x`` attributes it sets."""
    tree = ast.parse((PACKAGE / "network.py").read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Network")
    names = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_"):
            names.add(node.name)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "self" and node.attr.startswith("_"):
                names.add(node.attr)
    return {n for n in names if not n.endswith("__")}


def test_the_library_prints_nothing_and_reaches_into_no_private_network_attribute():
    """Outside cli/ nothing prints; outside network.py nothing touches a Network's private
    methods or attributes (``net._rng``, ``net._views``, …) — only ``self``'s own."""
    privates = _network_privates()
    assert {"_rng", "_views", "_checked"} <= privates  # the checker reads the real class
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        in_cli = "cli" in path.relative_to(PACKAGE).parts
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                not in_cli
                and isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "print"
            ):
                offenders.append(f"{path.name}:{node.lineno} print")
            if (
                path.name != "network.py"
                and isinstance(node, ast.Attribute)
                and node.attr in privates
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            ):
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_a_copied_network_trains_its_own_arrays(circles):
    """A deep copy (or an unpickled network) gets its own θ whose views are its lists."""
    import copy

    X, y = circles
    net = Network([2, 3, 1], seed=0)
    twin = copy.deepcopy(net)
    W = twin.weights[0]
    twin.train(X, y, epochs=1, batch_size=100, eta=1.0)
    assert W is twin.weights[0] and not np.array_equal(W, net.weights[0])
    assert np.shares_memory(twin.theta, W) and not np.shares_memory(twin.theta, net.theta)


@pytest.mark.parametrize("make", [lambda: SGD(), lambda: SGD(momentum=0.9),
                                  lambda: SGD(momentum=0.9, nesterov=True)])  # fmt: skip
def test_the_training_loops_update_moves_theta_as_update_does(make):
    """update_overwriting_grad (the loop's: it may use g as scratch) gives θ the same bits
    as update, step after step, with momentum's state carried the same way."""
    rng = np.random.default_rng(9)
    theta_a = rng.standard_normal(50)
    theta_b = theta_a.copy()
    a, b = make(), make()
    a.init(theta_a)
    b.init(theta_b)
    for _ in range(4):
        g = rng.standard_normal(50)
        a.update(theta_a, g.copy(), 0.3)
        b.update_overwriting_grad(theta_b, g.copy(), 0.3)
        np.testing.assert_array_equal(theta_a, theta_b)
