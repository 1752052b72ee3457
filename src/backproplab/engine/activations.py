"""Activation functions σ and their derivatives σ', described once, in one registry by name.

An :class:`Activation` carries everything the project knows about one activation: σ, σ',
its output range, the target of a class label's "no", the initialiser ``init="auto"``
picks for it, its PyTorch and ONNX counterparts and a display name. Every layer of the
project (the network, the command line, the estimators, export, the report, the
playground) reads these descriptors from :data:`ACTIVATIONS`, never a table of its own.

Every activation works on arrays of any shape, element by element (softmax is the
exception: it normalises each column, one column per sample). Each one knows

- ``f(z, out=None)``: the activation ``a = σ(z)``;
- ``prime(z, a, out=None)``: the derivative ``σ'(z)``, given both ``z`` and ``a = σ(z)``
  so that ``σ'`` can be written with whichever is cheaper (sigmoid: ``a (1 − a)``, no
  second ``exp``);
- ``backward(z, a, grad_a, out=None)``: ``∂C/∂z`` from ``∂C/∂a`` at the output layer
  (BP1's general path, :func:`backproplab.engine.costs.output_delta`). For an element-wise σ this
  is the Hadamard product ``grad_a ⊙ σ'(z)``; softmax, whose Jacobian is not diagonal,
  overrides it with the full vector–Jacobian product. (Hidden layers are element-wise, so
  BP2 in :mod:`backproplab.engine.backward` uses ``prime`` directly.)

``out``, where given, is an array of the result's shape that receives the result (and is
returned): the training loop passes the same buffers at every step instead of allocating
new arrays. It must not be ``z``, ``a`` or ``grad_a`` unless a function says so.

>>> import numpy as np
>>> sig = get_activation("sigmoid")
>>> float(sig.f(np.array(0.0)))
0.5
>>> bool(np.isfinite(sig.f(np.array([-1000.0, 1000.0]))).all())
True

A new activation is one descriptor and one call (:func:`register`); softplus, for
example, σ(z) = ln(1 + e^z) with σ'(z) = 1 / (1 + e^{−z}) and outputs in (0, ∞):

>>> softplus = Activation("softplus", lambda z, out=None: np.logaddexp(0, z, out=out),
...                       lambda z, a, out=None: sigmoid(z, out=out), bounds=(0, np.inf))
>>> with registered(softplus):  # registered inside the block only
...     round(float(get_activation("softplus").f(np.array(0.0))), 4)
0.6931
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .registry import Registry

Array = np.ndarray

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation function: σ, σ′ and everything else the project knows about it.

    Attributes:
        name: the registry name (a lower-case identifier).
        f: ``(z, out=None) -> a``, element-wise (column-wise for softmax).
        prime: ``(z, a, out=None) -> σ'(z)``, same shape as ``z``.
        hidden_ok: whether it may be used in a hidden layer (softmax may not).
        f_unguarded: ``f`` without its own ``np.errstate``, for callers that already
            silence overflow (the forward pass); the same as ``f`` unless given.
        bounds: the closed interval ``[low, high]`` the outputs lie in (sigmoid: [0, 1],
            ReLU: [0, ∞)); a target outside it cannot be reached. The report colours a
            layer by this range when both ends are finite, else by the values' own range.
        low_target: the target of the first of two classes on a single output neuron
            (the second's is 1): 0 for sigmoid, −1 for tanh, whose range is [−1, 1].
        init: the initialiser ``init="auto"`` picks for hidden layers of this activation
            (:func:`backproplab.engine.init.auto_init`): ``"he"`` for the ReLU family,
            ``"xavier"`` otherwise.
        torch: the ``torch.nn`` module computing the same function (``"Sigmoid"``), and
            ``torch_options`` the arguments that make it ours (softmax: ``dim=1``);
            None: no counterpart, and export says so.
        onnx: the ONNX operator computing it (``"Sigmoid"``), with ``onnx_options`` its
            attributes; None: no counterpart.
        display_name: how pages and reports write it (defaults to ``name``).
    """

    name: str
    f: Callable[..., Array]
    prime: Callable[..., Array]
    hidden_ok: bool = True
    f_unguarded: Callable[..., Array] | None = None
    bounds: tuple[float, float] = (-np.inf, np.inf)
    low_target: float = 0.0
    init: str = "xavier"
    torch: str | None = None
    torch_options: Mapping[str, object] = field(default_factory=dict, hash=False)
    onnx: str | None = None
    onnx_options: Mapping[str, object] = field(default_factory=dict, hash=False)
    display_name: str = ""

    def __post_init__(self):
        if not callable(self.f) or not callable(self.prime):
            raise TypeError(f"activation {self.name!r}: f and prime must be functions")
        low, high = (float(v) for v in self.bounds)
        if not low < high:
            raise ValueError(f"activation {self.name!r}: bounds must be (low, high), low < high")
        if not low <= self.low_target < min(high, 1.0):
            raise ValueError(
                f"activation {self.name!r}: low_target {self.low_target} must lie in its "
                f"bounds [{low:g}, {high:g}] and below 1 (the other class's target)"
            )
        object.__setattr__(self, "bounds", (low, high))
        if self.f_unguarded is None:
            object.__setattr__(self, "f_unguarded", self.f)
        if not self.display_name:
            object.__setattr__(self, "display_name", self.name)

    @property
    def bounded(self) -> bool:
        """Whether both ends of ``bounds`` are finite (a fixed colour scale fits it)."""
        return bool(np.isfinite(self.bounds).all())

    def backward(self, z: Array, a: Array, grad_a: Array, out: Array | None = None) -> Array:
        """``∂C/∂z = ∂C/∂a ⊙ σ'(z)`` (BP1's Hadamard product)."""
        return np.multiply(grad_a, self.prime(z, a, out=out), out=out)


@dataclass(frozen=True)
class Softmax(Activation):
    """Softmax over each column: ``a_j = exp(z_j) / Σ_k exp(z_k)``.

    Its Jacobian ``∂a_j/∂z_k = a_j (δ_jk − a_k)`` is not diagonal, so ``prime`` is
    undefined; ``backward`` computes the vector–Jacobian product
    ``∂C/∂z = a ⊙ (g − Σ_j a_j g_j)`` column by column, with ``g = ∂C/∂a``.
    """

    def backward(self, z: Array, a: Array, grad_a: Array, out: Array | None = None) -> Array:
        total = np.sum(a * grad_a, axis=0, keepdims=True)  # (1, n_samples)
        return np.multiply(a, grad_a - total, out=out)


def _result(z, out: Array | None) -> Array:
    """``out``, or a new float array shaped like ``z`` (float32 stays float32)."""
    if out is not None:
        return out
    return np.empty(np.shape(z), dtype=np.result_type(z, 1.0))


def _read_only_one(dtype) -> Array:
    one = np.ones((), dtype)
    one.flags.writeable = False
    return one


_ONE_BY_DTYPE = {np.dtype(t): _read_only_one(t) for t in (np.float32, np.float64)}


def _one_like(x: Array):
    """The constant 1 for arithmetic with ``x``: a 0-d array of x's dtype (NumPy converts
    a Python scalar anew at every call, which costs more than the arithmetic itself on
    a small batch), or plain ``1`` for other dtypes."""
    return _ONE_BY_DTYPE.get(x.dtype, 1)


def sigmoid(z: Array, out: Array | None = None) -> Array:
    """σ(z) = 1 / (1 + e^{−z}), four passes over the array, each one SIMD-vectorised.

    For z ≪ 0, e^{−z} overflows to inf and σ comes out exactly 0; the overflow is
    expected, so its warning is silenced. ``out`` may be ``z`` itself (σ in place).
    """
    with np.errstate(over="ignore"):
        return _sigmoid_unguarded(z, out)


def _sigmoid_unguarded(z: Array, out: Array | None = None) -> Array:
    """:func:`sigmoid` for callers that already silence overflow (the forward pass
    runs a whole network under one ``np.errstate``, which costs more than the arithmetic
    on a small batch)."""
    if out is None:
        out = _result(z, out)
    one = _ONE_BY_DTYPE.get(out.dtype, 1)  # _one_like, inlined: this runs at every layer
    np.negative(z, out=out)
    np.exp(out, out=out)
    np.add(out, one, out=out)
    return np.divide(one, out, out=out)  # the same bits as np.reciprocal, and faster here


def sigmoid_prime(z: Array, a: Array | None = None, out: Array | None = None) -> Array:
    """σ'(z) = σ(z)(1 − σ(z)); pass ``a = σ(z)`` to skip recomputing it."""
    if a is None:
        a = sigmoid(z)
    if out is None:
        out = _result(a, out)
    np.subtract(_ONE_BY_DTYPE.get(out.dtype, 1), a, out=out)  # _one_like, inlined
    return np.multiply(out, a, out=out)


def _linear(z: Array, out: Array | None = None) -> Array:
    if out is None:
        return np.array(z, dtype=np.result_type(z, 1.0))
    np.copyto(out, z)
    return out


def _linear_prime(z: Array, a: Array, out: Array | None = None) -> Array:
    """linear'(z) = 1 everywhere."""
    out = _result(z, out)
    out.fill(1)
    return out


def _tanh(z: Array, out: Array | None = None) -> Array:
    return np.tanh(z, out=_result(z, out))


def _tanh_prime(z: Array, a: Array, out: Array | None = None) -> Array:
    """tanh'(z) = 1 − tanh²(z) = 1 − a²."""
    out = np.multiply(a, a, out=_result(a, out))
    return np.subtract(1, out, out=out)


def _relu(z: Array, out: Array | None = None) -> Array:
    return np.maximum(z, 0, out=_result(z, out))


def _softmax(z: Array, out: Array | None = None) -> Array:
    """Column-wise softmax with the column maximum subtracted first (no overflow)."""
    out = np.subtract(z, np.max(z, axis=0, keepdims=True), out=_result(z, out))
    np.exp(out, out=out)
    return np.divide(out, np.sum(out, axis=0, keepdims=True), out=out)


def _softmax_prime(z: Array, a: Array, out: Array | None = None) -> Array:
    raise TypeError("softmax has no element-wise derivative; use Activation.backward")


def _relu_prime(z: Array, a: Array, out: Array | None = None) -> Array:
    """1 where z > 0, else 0 (the derivative at the kink z = 0 is taken as 0)."""
    return np.greater(z, 0, out=_result(z, out), casting="unsafe")


def _leaky_relu(z: Array, out: Array | None = None) -> Array:
    return np.maximum(z, LEAKY_SLOPE * z, out=_result(z, out))  # slope < 1


def _leaky_relu_prime(z: Array, a: Array, out: Array | None = None) -> Array:
    out = _relu_prime(z, a, out)  # 1 where z > 0, else 0
    return np.maximum(out, LEAKY_SLOPE, out=out)  # … and the slope where z ≤ 0


ACTIVATIONS = Registry(
    "activation",
    Activation,
    aliases={"identity": "linear", "logistic": "sigmoid", "leakyrelu": "leaky_relu"},
)
for _built_in in (
    Activation(
        "sigmoid",
        sigmoid,
        sigmoid_prime,
        f_unguarded=_sigmoid_unguarded,
        bounds=(0.0, 1.0),
        torch="Sigmoid",
        onnx="Sigmoid",
        display_name="sigmoid σ",
    ),
    Activation(
        "linear",
        _linear,
        _linear_prime,
        torch="Identity",
        onnx="Identity",
        display_name="linear (identity)",
    ),
    Activation(
        "tanh", _tanh, _tanh_prime, bounds=(-1.0, 1.0), low_target=-1.0, torch="Tanh", onnx="Tanh"
    ),
    Activation(
        "relu",
        _relu,
        _relu_prime,
        bounds=(0.0, np.inf),
        init="he",
        torch="ReLU",
        onnx="Relu",
        display_name="ReLU",
    ),
    Activation(
        "leaky_relu",
        _leaky_relu,
        _leaky_relu_prime,
        init="he",
        torch="LeakyReLU",
        torch_options={"negative_slope": LEAKY_SLOPE},
        onnx="LeakyRelu",
        onnx_options={"alpha": LEAKY_SLOPE},
        display_name="leaky ReLU",
    ),
    Softmax(
        "softmax",
        _softmax,
        _softmax_prime,
        hidden_ok=False,
        bounds=(0.0, 1.0),
        torch="Softmax",
        torch_options={"dim": 1},
        onnx="Softmax",
        onnx_options={"axis": 1},
    ),
):
    ACTIVATIONS.register(_built_in)
ACTIVATIONS.seal()
del _built_in


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name (``"sigmoid"``, ``"tanh"``, ``"relu"``, …).

    Raises:
        TypeError: ``name`` is neither a str nor an :class:`Activation`.
        ValueError: for an unknown name, listing the known ones.
    """
    return ACTIVATIONS.lookup(name)


def hidden_activations() -> list[str]:
    """The names a hidden layer may use (every registered activation but softmax)."""
    return [name for name, act in ACTIVATIONS.items() if act.hidden_ok]


# Adding one: ``register(Activation(...))`` makes it available by its name everywhere —
# ``Network``, the command line's ``--activation``, the estimators, export (when it names
# counterparts), the report's ranges and the playground's settings; ``unregister(name)``
# takes it away, and ``with registered(act):`` does both around a block (see the module
# docstring's example).
register = ACTIVATIONS.register
unregister = ACTIVATIONS.unregister
registered = ACTIVATIONS.registered
