"""Learner implementations of backprop, written the way students write them, each with the
verdict the checker must give.

Nielsen style follows the notebook's network.py (Python 3): ``Network.backprop(self, x, y)``
with his ``l`` counting layers from the output, ``sigmoid_prime`` a module function and
``cost_derivative`` a method. Batch style is a function ``backprop(weights, biases, X, Y)``
over columns (or rows, as many learners hold data), returning means over the batch. Each
learner is the correct text with one realistic edit (or none); the edits are spelled out
here, not computed, so every source reads as a learner would have typed it.

An expectation is ``(equation, layer, words)``: ``equation`` "PASSED" or the name the
report must give ("BP1" … "BP4", "σ′", "cost_derivative", "order", "shape"); ``layer``
"L", "L-1" or "1" of the case the report shows (None: not checked); ``words`` that the
report's hint (or, for a pass, the report) must contain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NIELSEN = '''
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """Derivative of the sigmoid function."""
    return sigmoid(z) * (1 - sigmoid(z))


class Network(object):
    def __init__(self, sizes):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [np.random.randn(y, 1) for y in sizes[1:]]
        self.weights = [np.random.randn(y, x) for x, y in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # feedforward
        activation = x
        activations = [x]  # list to store all the activations, layer by layer
        zs = []  # list to store all the z vectors, layer by layer
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # backward pass
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        return output_activations - y
'''

BATCH = '''
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def backprop(weights, biases, X, Y):
    """X is (n_0, m), Y is (n_L, m): one column per example."""
    m = X.shape[1]
    A = X
    activations = [X]
    zs = []
    for W, b in zip(weights, biases):
        Z = W @ A + b
        zs.append(Z)
        A = sigmoid(Z)
        activations.append(A)
    L = len(weights)
    grads_w = [np.zeros_like(W) for W in weights]
    grads_b = [np.zeros_like(b) for b in biases]
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    for i in range(L - 1, -1, -1):
        grads_b[i] = np.sum(delta, axis=1, keepdims=True) / m
        grads_w[i] = delta @ activations[i].T / m
        if i > 0:
            delta = (weights[i].T @ delta) * sigmoid_prime(zs[i - 1])
    return grads_w, grads_b
'''

ACTIVATIONS = """
import numpy as np


def forward_act(z, activation):
    if activation == "tanh":
        return np.tanh(z)
    if activation == "relu":
        return np.maximum(z, 0)
    return 1 / (1 + np.exp(-z))


def act_prime(z, a, activation):
    if activation == "tanh":
        return 1 - a ** 2
    if activation == "relu":
        return (z > 0).astype(float)
    return a * (1 - a)


def backprop(weights, biases, X, Y, activation="sigmoid"):
    m = X.shape[1]
    zs, acts = [], [X]
    for W, b in zip(weights, biases):
        zs.append(W @ acts[-1] + b)
        acts.append(forward_act(zs[-1], activation))
    grads_w, grads_b = [None] * len(weights), [None] * len(weights)
    delta = (acts[-1] - Y) * act_prime(zs[-1], acts[-1], activation)
    for i in reversed(range(len(weights))):
        grads_w[i] = delta @ acts[i].T / m
        grads_b[i] = delta.mean(axis=1, keepdims=True)
        if i:
            delta = weights[i].T @ delta * act_prime(zs[i - 1], acts[i], activation)
    return grads_w, grads_b
"""

ROWS = '''
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def backprop(weights, biases, X, Y):
    """X is (m, n_0) and Y is (m, n_L): one row per example, like a DataFrame."""
    m = X.shape[0]
    a = [X]
    for W, b in zip(weights, biases):
        a.append(sigmoid(a[-1] @ W.T + b.T))  # (m, n_l)
    dW, db = [None] * len(weights), [None] * len(weights)
    delta = (a[-1] - Y) * a[-1] * (1 - a[-1])  # (m, n_L)
    for i in range(len(weights) - 1, -1, -1):
        dW[i] = delta.T @ a[i] / m
        db[i] = delta.mean(axis=0).reshape(-1, 1)
        if i > 0:
            delta = (delta @ weights[i]) * a[i] * (1 - a[i])
    return dW, db
'''


@dataclass(frozen=True)
class Learner:
    """One learner's file and what the checker must say about it."""

    name: str
    source: str
    target: str  # "Network.backprop" or "backprop"
    style: str
    equation: str  # "PASSED" or the equation / name the report gives
    layer: str | None = None  # "L", "L-1", "1" of the case shown
    words: tuple[str, ...] = ()
    options: dict = field(default_factory=dict)


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur) replaced by ``new``."""
    if old not in text:
        raise ValueError(f"{old!r} is not in the template")
    return text.replace(old, new)


def nielsen(name, equation, layer=None, words=(), *edits, **options) -> Learner:
    source = NIELSEN
    for old, new in edits:
        source = edit(source, old, new)
    return Learner(name, source, "Network.backprop", "nielsen", equation, layer, words, options)


def batch(name, equation, layer=None, words=(), *edits, template=BATCH, **options) -> Learner:
    source = template
    for old, new in edits:
        source = edit(source, old, new)
    return Learner(name, source, "backprop", "batch", equation, layer, words, options)


BP1 = "delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])"
BP2 = "delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp"
BP4 = "nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())"
SP_BODY = "return sigmoid(z) * (1 - sigmoid(z))"
B_BP1 = "delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])"
B_BP2 = "delta = (weights[i].T @ delta) * sigmoid_prime(zs[i - 1])"
B_BP3 = "grads_b[i] = np.sum(delta, axis=1, keepdims=True) / m"
B_BP4 = "grads_w[i] = delta @ activations[i].T / m"

LEARNERS = [
    # ---- Nielsen style ------------------------------------------------------------
    nielsen("network.py as in the notebook", "PASSED", None, ("quadratic cost only",)),
    nielsen(
        "network2: cost.delta for BP1", "PASSED", None, ("quadratic cost and cross-entropy",),
        (BP1, "delta = (self.cost).delta(zs[-1], activations[-1], y)"),
    ),
    nielsen(
        "BP1 written inline", "PASSED", None, ("quadratic cost only",),
        (BP1, "delta = (activations[-1] - y) * sigmoid_prime(zs[-1])"),
    ),
    nielsen(
        "cost_derivative returns y - a", "cost_derivative", "L",
        ("your cost_derivative is wrong", "returns 0.2", "-0.2"),
        ("return output_activations - y", "return y - output_activations"),
    ),
    nielsen(
        "sigmoid_prime as z(1 - z)", "σ′", "L", ("your σ′ is wrong", "0.25", "0.235"),
        (SP_BODY, "return z * (1 - z)"),
    ),
    nielsen(
        "sigmoid_prime as the notebook's typo σ(z)(1 − z)", "σ′", "L",
        ("your σ′ is wrong", "0.3112", "0.235"),
        (SP_BODY, "return sigmoid(z) * (1 - z)"),
    ),
    nielsen(
        "σ′ forgotten in BP1", "BP1", "L", ("σ′(z^L) is missing",),
        (BP1, "delta = self.cost_derivative(activations[-1], y)"),
    ),
    nielsen(
        "σ′ forgotten in BP2", "BP2", "L-1", ("σ′(z^ℓ) is missing",),
        (BP2, "delta = np.dot(self.weights[-l + 1].transpose(), delta)"),
    ),
    nielsen(
        "W not transposed in BP2", "BP2", "L-1", ("not transposed",),
        (BP2, "delta = np.dot(self.weights[-l + 1], delta) * sp"),
    ),
    nielsen(
        "BP4 with a^l in the loop and at the output", "BP4", "L", ("a^ℓ instead of a^{ℓ−1}",),
        (BP4, "nabla_w[-l] = np.dot(delta, activations[-l].transpose())"),
        ("nabla_w[-1] = np.dot(delta, activations[-2].transpose())",
         "nabla_w[-1] = np.dot(delta, activations[-1].transpose())"),
    ),
    nielsen(
        "loop stops one layer early", "BP2", "1", ("layer 1's gradients are all zero",
                                                   "stops one layer early"),
        ("for l in range(2, self.num_layers):", "for l in range(2, self.num_layers - 1):"),
    ),
    nielsen(
        "lists built from the output and never reversed", "order", "1", ("reverse order",),
        ("nabla_b = [np.zeros(b.shape) for b in self.biases]", "nabla_b = []"),
        ("nabla_w = [np.zeros(w.shape) for w in self.weights]", "nabla_w = []"),
        ("nabla_b[-1] = delta\n", "nabla_b.append(delta)\n"),
        ("nabla_w[-1] = np.dot(delta, activations[-2].transpose())",
         "nabla_w.append(np.dot(delta, activations[-2].transpose()))"),
        ("nabla_b[-l] = delta\n", "nabla_b.append(delta)\n"),
        (BP4, "nabla_w.append(np.dot(delta, activations[-l - 1].transpose()))"),
    ),
    nielsen(
        "network2's cost.delta times sigmoid_prime again", "BP1", "L", ("applied twice",),
        (BP1, "delta = (self.cost).delta(zs[-1], activations[-1], y) * sigmoid_prime(zs[-1])"),
    ),
    nielsen(
        "y flattened: (n, 1) - (n,) broadcasts", "shape", "L",
        ("shape mismatch", "broadcasts to (2, 2)", "y.flatten()"),
        (BP1, "delta = self.cost_derivative(activations[-1], y.flatten()) * sigmoid_prime(zs[-1])"),
    ),
    nielsen(
        "y - a written inline", "BP1", "L", ("sign is flipped",),
        (BP1, "delta = (y - activations[-1]) * sigmoid_prime(zs[-1])"),
    ),
    nielsen(
        "the derivative of (a - y)**2 without the 1/2", "BP1", "L", ("½",),
        (BP1, "delta = 2 * (activations[-1] - y) * sigmoid_prime(zs[-1])"),
    ),
    nielsen(
        "∂C/∂W transposed", "BP4", "L", ("transposed",),
        (BP4, "nabla_w[-l] = np.dot(activations[-l - 1], delta.transpose())"),
        ("nabla_w[-1] = np.dot(delta, activations[-2].transpose())",
         "nabla_w[-1] = np.dot(activations[-2], delta.transpose())"),
    ),
    nielsen(
        "σ′ of the layer above", "BP2", "L-1", ("σ′ is taken of z^{ℓ+1}",),
        ("sp = sigmoid_prime(z)", "sp = sigmoid_prime(zs[-l + 1])"),
    ),
    nielsen(
        "W of the wrong layer in BP2", "BP2", "L-1", ("BP2 uses W^ℓ",),
        (BP2, "delta = np.dot(self.weights[-l].transpose(), delta) * sp"),
    ),
    nielsen(
        "σ′ of a instead of z in BP2", "BP2", "L-1", ("applied to a^ℓ instead of z^ℓ",),
        ("sp = sigmoid_prime(z)", "sp = sigmoid_prime(activations[-l])"),
    ),
    nielsen(
        "σ′ of a instead of z in BP1", "BP1", "L", ("applied to a^L instead of z^L",),
        (BP1, "delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(activations[-1])"),
    ),
    nielsen(
        "∂C/∂b copied from the ∂C/∂W line", "BP3", "L", ("shape mismatch", "∂C/∂b"),
        ("nabla_b[-l] = delta\n", "nabla_b[-l] = np.dot(delta, activations[-l - 1].transpose())\n"),
        ("nabla_b[-1] = delta\n", "nabla_b[-1] = np.dot(delta, activations[-2].transpose())\n"),
    ),
    nielsen(
        "sigmoid written with e^{+z}", "sigmoid", "1", ("your sigmoid is wrong", "0.3775", "0.6225"),
        ("return 1.0 / (1.0 + np.exp(-z))", "return 1.0 / (1.0 + np.exp(z))"),
    ),
    nielsen(
        "right backprop, feedforward without the bias", "PASSED", None,
        ("note: your feedforward is wrong",),
        ("a = sigmoid(np.dot(w, a) + b)", "a = sigmoid(np.dot(w, a))"),
    ),
    # ---- batch style ------------------------------------------------------------------
    batch("batch, columns, means", "PASSED", None, ("quadratic cost only",)),
    batch(
        "the notebook's backprop_batch: sums", "PASSED", None,
        ("your gradients are m × ours: sums, not means", "fine if your update divides by m"),
        (B_BP3, "grads_b[i] = np.sum(delta, axis=1, keepdims=True)"),
        (B_BP4, "grads_w[i] = delta @ activations[i].T"),
    ),
    batch("rows, like a DataFrame", "PASSED", None, (), template=ROWS, samples="rows"),
    batch(
        "rows: Y flattened, (m, 1) - (m,) broadcasts to (m, m)", "shape", "L",
        ("shape mismatch", "broadcasts to (m, m)", "(5, 5)"),
        ("delta = (a[-1] - Y) * a[-1] * (1 - a[-1])",
         "delta = (a[-1] - Y.flatten()) * a[-1] * (1 - a[-1])"),
        template=ROWS, samples="rows",
    ),
    batch(
        "BP3 summed over the wrong axis", "BP3", "L", ("shape mismatch", "∂C/∂b", "(1, 5)"),
        (B_BP3, "grads_b[i] = np.sum(delta, axis=0, keepdims=True) / m"),
    ),
    batch(
        "batch: σ′ forgotten in BP2", "BP2", "L-1", ("σ′(z^ℓ) is missing",),
        (B_BP2, "delta = weights[i].T @ delta"),
    ),
    batch(
        "batch: BP4 with a^l", "BP4", "L", ("a^ℓ instead of a^{ℓ−1}",),
        (B_BP4, "grads_w[i] = delta @ activations[i + 1].T / m"),
    ),
    batch(
        "batch: loop stops before layer 1", "BP2", "1", ("layer 1's gradients are all zero",),
        ("for i in range(L - 1, -1, -1):", "for i in range(L - 1, 0, -1):"),
    ),
    batch(
        "batch: appended and returned output first", "order", "1", ("reverse order",),
        ("grads_w = [np.zeros_like(W) for W in weights]", "grads_w = []"),
        ("grads_b = [np.zeros_like(b) for b in biases]", "grads_b = []"),
        (B_BP3, "grads_b.append(np.sum(delta, axis=1, keepdims=True) / m)"),
        (B_BP4, "grads_w.append(delta @ activations[i].T / m)"),
    ),
    batch(
        "batch: sigmoid_prime as z(1 - z)", "σ′", "L", ("your σ′ is wrong", "0.25"),
        ("    s = sigmoid(z)\n    return s * (1 - s)", "    return z * (1 - z)"),
    ),
    batch(
        "sigmoid, tanh and relu, right", "PASSED", None, ("tanh", "relu"),
        template=ACTIVATIONS,
    ),
    batch(
        "tanh′ written as 1 - z**2", "σ′", "L", ("your σ′ is wrong", "tanh′(0.5) is 0.7864"),
        ('''    if activation == "tanh":
        return 1 - a ** 2''', '''    if activation == "tanh":
        return 1 - z ** 2'''),
        template=ACTIVATIONS,
    ),
    batch(
        "σ′ forgotten in BP2, every activation", "BP2", "L-1", ("σ′(z^ℓ) is missing",),
        ("delta = weights[i].T @ delta * act_prime(zs[i - 1], acts[i], activation)",
         "delta = weights[i].T @ delta"),
        template=ACTIVATIONS,
    ),
]  # fmt: skip
