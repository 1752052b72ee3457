"""The engine's contract: the readable BP1–BP4 equal the fast path (with and without
dropout's masks, the fused BP1 shortcut equal to the general one), the gradients are true
gradients, each in-place optimizer is its equations bit for bit, parameters stay live
through training, the library prints nothing and has no import cycles, the engine imports
nothing else of the package, and one hand-worked [2, 2, 1] example checks BP1–BP4 digit
by digit."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from backproplab import Network
from backproplab.engine import optim
from backproplab.engine.activations import ACTIVATIONS
from backproplab.engine.backward import backprop, is_fused
from backproplab.engine.costs import COSTS, get_cost, mean_cost
from backproplab.engine.forward import feedforward
from backproplab.engine.optim import SGD
from backproplab.engine.workspace import Workspace
from reference import finite_difference_grads, numpy_optimizer_steps

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


def _both_paths(hidden, output, cost, dtype, p_drop):
    """The gradient and loss of one mini-batch by the fast path (``Workspace.gradients``)
    and by the readable one (``feedforward`` then ``backward.backprop``), with the same
    dropout masks when ``p_drop`` > 0: ``(fast, readable, loss_fast, loss_readable)``."""
    rng = np.random.default_rng(3)
    net = Network(
        [3, 4, 5, 3],
        activation=hidden,
        output_activation=output,
        cost=cost,
        init="xavier",
        seed=1,
        dtype=dtype,
    )
    X, Y = _problem(net, rng)
    A0, Yc = X.T.astype(dtype), Y.T.astype(dtype)
    ws = Workspace(net.theta, net.weights, net.biases, net.layer_activations, net.cost_function)
    masks = None
    if p_drop:
        masks = [mask.copy() for mask in ws.draw_masks(A0.shape[1], p_drop, rng)]
        assert all(set(np.unique(mask)) == {0, dtype(1 / (1 - p_drop))} for mask in masks)
    loss_fast = ws.gradients(A0, Yc, masks)
    zs, activations = feedforward(net.weights, net.biases, A0, net.layer_activations, masks)
    grads_w, grads_b = backprop(
        net.weights, zs, activations, Yc, net.layer_activations, net.cost_function, masks=masks
    )
    loss_readable = mean_cost(net.cost_function, activations[-1], Yc)
    return ws.grads_w + ws.grads_b, grads_w + grads_b, loss_fast, loss_readable


@pytest.mark.parametrize("hidden, output, cost", PAIRINGS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p_drop", [0.0, 0.4], ids=["no-dropout", "dropout"])
def test_the_fast_path_computes_what_the_readable_backprop_computes(
    hidden, output, cost, dtype, p_drop
):
    """``Workspace.gradients`` (in place, 1/m folded into Δ^L, σ' from a) and
    ``backward.backprop`` (fresh arrays, the equations as written) give the same gradient
    and the same loss, for every activation, output and cost, in float64 and float32,
    without dropout and with the same dropout masks on both.

    Tolerance: the two paths round differently (1/m applied to Δ^L before the products
    or to the products after them; σ' from a or from z), so they agree to a few ulps of
    the gradient's scale, not bit for bit."""
    fast, readable, loss_fast, loss_readable = _both_paths(hidden, output, cost, dtype, p_drop)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for g_fast, g_readable in zip(fast, readable, strict=True):
        assert g_fast.dtype == g_readable.dtype == dtype
        scale = max(float(np.abs(g_readable).max()), 1.0)
        assert np.abs(g_fast - g_readable).max() <= tol * scale
    assert loss_fast == pytest.approx(loss_readable, rel=tol)
    if p_drop:  # the masks changed the gradient: the dropout branch was taken on both paths
        plain = _both_paths(hidden, output, cost, dtype, 0.0)[1]
        assert any(not np.allclose(a, b) for a, b in zip(readable, plain, strict=True))


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_backprop_with_masks_is_the_gradient_of_the_thinned_network(hidden):
    """Against finite differences of the mean cost of a forward pass written here, with the
    masks applied to the hidden outputs: ``a¹ = σ(W¹x + b¹) ⊙ mask¹`` and so on."""
    rng = np.random.default_rng(12)
    net = Network(
        [3, 5, 4, 2], activation=hidden, output_activation="linear", init="xavier", seed=4
    )
    X, Y = _problem(net, rng, m=6)
    X = X + 0.05 * np.sign(X)
    A0, Yc = X.T.copy(), Y.T.copy()
    sigma = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[hidden]
    p = 0.3
    masks = [(rng.random((n, 6)) >= p) / (1 - p) for n in (5, 4)]

    def thinned_cost(weights, biases):
        a = A0
        for ell, (W, b) in enumerate(zip(weights, biases)):
            z = W @ a + b
            a = z if ell == 2 else sigma(z) * masks[ell]  # linear output, masked hidden layers
        return 0.5 * np.sum((a - Yc) ** 2) / 6

    zs, activations = feedforward(net.weights, net.biases, A0, net.layer_activations, masks)
    grads_w, grads_b = backprop(
        net.weights, zs, activations, Yc, net.layer_activations, net.cost_function, masks=masks
    )
    num_w, num_b = finite_difference_grads(thinned_cost, net.weights, net.biases)
    for g, n in zip(grads_w + grads_b, num_w + num_b, strict=True):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-9)
    # the fast path too, given masks it did not draw itself
    ws = Workspace(net.theta, net.weights, net.biases, net.layer_activations, net.cost_function)
    ws.gradients(A0, Yc, masks)
    for g, n in zip(ws.grads_w + ws.grads_b, num_w + num_b, strict=True):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-9)


def test_a_training_step_with_dropout_moves_theta_by_backprops_gradient():
    """One step on the whole set (no shuffling) with dropout p: the loop draws its masks
    from the training generator (``Workspace.draw_masks``), and θ moves by −η times the
    gradient ``backprop`` gives with those same masks."""
    rng = np.random.default_rng(13)
    net = Network([3, 6, 4, 2], activation="tanh", seed=0)
    X, Y = rng.standard_normal((8, 3)), rng.uniform(0.1, 0.9, (8, 2))
    before = net.copy()
    ws = Workspace(
        before.theta, before.weights, before.biases, before.layer_activations, before.cost_function
    )
    masks = ws.draw_masks(8, 0.5, np.random.default_rng(21))  # the loop's first draw
    zs, activations = feedforward(
        before.weights, before.biases, X.T, before.layer_activations, masks
    )
    grads_w, grads_b = backprop(
        before.weights,
        zs,
        activations,
        Y.T,
        before.layer_activations,
        before.cost_function,
        masks=masks,
    )
    net.train(X, Y, epochs=1, batch_size=8, eta=0.5, shuffle=False, dropout=0.5, seed=21)
    g = np.concatenate([p.ravel() for p in grads_w + grads_b])
    np.testing.assert_allclose(net.theta, before.theta - 0.5 * g, rtol=1e-12, atol=1e-14)
    unmasked = np.concatenate(
        [p.ravel() for p in before.backprop(X, Y)[0] + before.backprop(X, Y)[1]]
    )
    assert not np.allclose(g, unmasked)  # the masks mattered


FUSED = [(output, cost) for cost, c in COSTS.items() if c.fused_with for output in [c.fused_with]]


@pytest.mark.parametrize("output, cost", FUSED)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_fused_shortcut_equals_the_general_bp1(output, cost, dtype):
    """``Δ^L = A^L − Y`` (the fused branch) equals ``∇_a C ⊙ σ'(Z^L)`` (softmax: its
    Jacobian product), which ``backprop`` takes for the same cost with the fusion
    removed; outputs kept away from 0 and 1, where ∇_a C's division by a(1 − a) loses
    digits (float32: 1e-4 relative)."""
    rng = np.random.default_rng(14)
    net = Network(
        [3, 4, 3],
        activation="tanh",
        output_activation=output,
        cost=cost,
        init="xavier",
        seed=5,
        dtype=dtype,
    )
    X, Y = _problem(net, rng)
    A0, Yc = X.T.astype(dtype), Y.T.astype(dtype)
    fused_cost = net.cost_function
    general_cost = replace(fused_cost, fused_with=None)
    assert is_fused(fused_cost, net.layer_activations[-1])
    assert not is_fused(general_cost, net.layer_activations[-1])
    zs, activations = feedforward(net.weights, net.biases, A0, net.layer_activations)
    fused = backprop(
        net.weights, zs, activations, Yc, net.layer_activations, fused_cost, return_deltas=True
    )
    general = backprop(
        net.weights, zs, activations, Yc, net.layer_activations, general_cost, return_deltas=True
    )
    np.testing.assert_array_equal(fused[2][-1], activations[-1] - Yc)
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    for a, b in zip(fused[0] + fused[1] + fused[2], general[0] + general[1] + general[2]):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize("hidden, output, cost", PAIRINGS)
def test_backprop_returns_the_true_gradient_of_the_mean_cost(hidden, output, cost):
    """Against centred finite differences of the batch-mean cost (reference.py)."""
    rng = np.random.default_rng(4)
    net = Network(
        [3, 4, 3], activation=hidden, output_activation=output, cost=cost, init="xavier", seed=2
    )
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
    net = Network(
        [2, 2, 1],
        activation="linear",
        weights=[[[1, 0], [1, 1]], [[2, -1]]],
        biases=[[[0], [1]], [[0.5]]],
    )
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
                    found.add(
                        name
                        if (PACKAGE.parent / name.replace(".", "/")).with_suffix(".py").exists()
                        else base
                    )
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("backproplab")}
    return {f.removesuffix(".__init__") for f in found}


def test_the_engine_imports_nothing_of_the_rest_of_the_package():
    """Every import in ``backproplab/engine/`` (inside functions too, relative or absolute)
    stays inside the engine: the math can be read, tested and reused on its own."""
    engine_files = sorted((PACKAGE / "engine").rglob("*.py"))
    assert len(engine_files) >= 10  # the walk found the engine
    outside = {
        f"{path.name} imports {name}"
        for path in engine_files
        for name in _imports(path)
        if name != "backproplab.engine" and not name.startswith("backproplab.engine.")
    }
    assert outside == set()
    assert "backproplab.engine.costs" in _imports(PACKAGE / "engine" / "backward.py")  # seen


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


OPTIMIZERS = {
    "sgd": lambda: optim.SGD(),
    "momentum": lambda: optim.SGD(momentum=0.9),
    "nesterov": lambda: optim.SGD(momentum=0.8, nesterov=True),
    "adam": lambda: optim.Adam(),
    "adam, other betas": lambda: optim.Adam(beta1=0.8, beta2=0.99, eps=1e-6),
    "rmsprop": lambda: optim.RMSprop(),
    "adagrad": lambda: optim.AdaGrad(),
}


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("overwriting", [False, True], ids=["update", "update_overwriting_grad"])
def test_each_in_place_optimizer_is_its_equations_bit_for_bit(make, dtype, overwriting):
    """The in-place update (``update``, or the loop's ``update_overwriting_grad``, which
    may use g as scratch) gives θ the same bits as the optimizer's pure reference
    (``reference()``: its equations on fresh arrays), step after step, its state carried
    the same way: each in-place chain performs the same IEEE operations in the same order
    (x + (−η g) is x − η g exactly, and a product's operands commute)."""
    rng = np.random.default_rng(9)
    theta_fast = rng.standard_normal(50).astype(dtype)
    fast = make()
    fast.init(theta_fast)
    init, update = make().reference()
    theta, state = theta_fast.copy(), init(theta_fast)
    step = fast.update_overwriting_grad if overwriting else fast.update
    for _ in range(6):
        g = rng.standard_normal(50).astype(dtype)
        theta, state = update(theta, g, state, 0.05)
        step(theta_fast, g.copy(), 0.05)
        assert theta.dtype == dtype
        np.testing.assert_array_equal(theta_fast, theta)


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_the_optimizer_references_follow_the_rules_written_independently(make):
    """The pure references against tests/reference.py's plain rules (a second
    implementation, written without backproplab), eight steps. Every array handed in is
    read-only: a reference that wrote in place would raise."""
    rng = np.random.default_rng(10)
    opt = make()
    name = {"SGD": "sgd", "Adam": "adam", "RMSprop": "rmsprop", "AdaGrad": "adagrad"}[
        type(opt).__name__
    ]
    hp = {
        k: v for k, v in vars(opt).items() if not k.startswith("_") and isinstance(v, float | bool)
    }
    theta0 = rng.standard_normal(20)
    grads = [rng.standard_normal(20) for _ in range(8)]
    init, update = opt.reference()
    for x in [theta0, *grads]:
        x.flags.writeable = False
    theta, state = theta0, init(theta0)
    for g in grads:
        for x in [theta, *state]:
            if isinstance(x, np.ndarray):
                x.flags.writeable = False
        theta, state = update(theta, g, state, 0.1)
    np.testing.assert_allclose(
        theta, numpy_optimizer_steps(name, theta0, grads, 0.1, **hp), rtol=1e-12, atol=1e-14
    )


def test_adams_reference_by_hand():
    """Two Adam steps on one parameter, by hand (β₁ = 0.5, β₂ = 0.75, ε = 0, η = 0.1):
    t = 1, g = 2: m = 0.5·2 = 1, v = 0.25·4 = 1; m̂ = 1/0.5 = 2, v̂ = 1/0.25 = 4;
    θ = 0 − 0.1·2/√4 = −0.1.
    t = 2, g = −1: m = 0.5 − 0.5 = 0, so θ stays −0.1; v = 0.75 + 0.25 = 1."""
    init, update = optim.Adam(beta1=0.5, beta2=0.75, eps=1e-300).reference()
    theta, state = update(np.array([0.0]), np.array([2.0]), init(np.array([0.0])), 0.1)
    assert theta.tolist() == [-0.1] and state.m.tolist() == [1.0] and state.v.tolist() == [1.0]
    theta, state = update(theta, np.array([-1.0]), state, 0.1)
    assert theta.tolist() == [-0.1] and state.m.tolist() == [0.0] and state.v.tolist() == [1.0]
    assert state.t == 2
