"""A network, or a fitted scikit-learn estimator, as a standard ONNX model.

The graph computes, for a batch ``X`` of shape (N, sizes[0]) (one row per sample, the
batch size N left free), layer after layer

    Z = Gemm(A_prev, W, b, transB=1) = A_prev Wᵀ + bᵀ      (N, n_ℓ)
    A = σ(Z)                                                (N, n_ℓ)

with ``W`` and ``b`` stored as initializers in the network's dtype (``tensor(float)`` for
float32, ``tensor(double)`` for float64) and σ the standard operator the activation's
descriptor names (:attr:`Activation.onnx <backproplab.engine.activations.Activation>`):
``Sigmoid``, ``Tanh``, ``Relu``, ``Softmax(axis=1)``; nothing for ``Identity``
(``"linear"``); and ``LeakyRelu(alpha)`` written as ``Max(Z, alpha·Z)`` (alpha < 1) with
alpha a constant of the network's dtype (onnxruntime has ``LeakyRelu`` for float only,
and its attribute is a float32). An activation without an ONNX counterpart raises
``ValueError``.

- A :class:`~backproplab.Network` has one input ``X`` and one output ``Y`` equal to
  ``net.predict(X)``.
- A fitted ``BackpropClassifier`` has outputs ``label`` (N,) and ``probabilities``
  (N, n_classes), equal to ``predict`` and ``predict_proba``: one sigmoid output p becomes
  [1 − p, p]; several sigmoid outputs are divided by their sum (uniform where it is 0);
  ``label`` is the class, from ``classes_``, of the largest probability.
- A fitted ``BackpropRegressor`` has the output ``variable``, equal to ``predict``: (N,)
  for one output, (N, n_outputs) for several.

The model states its opset (``DEFAULT_OPSET`` unless asked; 13 or later, where Softmax
works along one axis) and is checked by ``onnx.checker`` before it is written, atomically,
like model files.
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import get_activation
from ..formats.files import atomic_write

DEFAULT_OPSET = 17
MIN_OPSET = 13


def _import_onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "exporting to ONNX needs onnx: pip install 'backproplab[export]'"
        ) from None
    return onnx


class _Graph:
    """Nodes and initializers collected while the graph is built, with fresh names."""

    def __init__(self, onnx, dtype: np.dtype):
        self.onnx = onnx
        self.dtype = np.dtype(dtype)
        self.nodes = []
        self.initializers = []
        self._count = 0

    def name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def constant(self, stem: str, value) -> str:
        """An initializer holding ``value`` (an array, kept in its own dtype)."""
        name = self.name(stem)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], stem: str, **attributes) -> str:
        out = self.name(stem)
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [out], **attributes))
        return out


def _activation(g: _Graph, name: str, z: str) -> str:
    """The node(s) computing ``a = σ(z)`` for our activation ``name``, from its descriptor's
    ONNX counterpart; ValueError if it has none."""
    act = get_activation(name)
    if act.onnx is None:
        raise ValueError(
            f"activation {act.name!r} has no ONNX counterpart, so this network cannot be "
            "exported to ONNX (register it with onnx='<operator>' to name one)"
        )
    if act.onnx == "Identity":
        return z
    if act.onnx == "LeakyRelu":
        slope = g.constant("slope", np.array(act.onnx_options["alpha"], dtype=g.dtype))
        scaled = g.op("Mul", [z, slope], "slope_z")
        return g.op("Max", [z, scaled], "a")  # max(z, slope·z) for slope < 1
    return g.op(act.onnx, [z], "a", **act.onnx_options)


def _network_graph(g: _Graph, net, x: str) -> str:
    """Add every layer of ``net`` to ``g``, from input ``x``; return the output's name."""
    names = [net.activation] * (len(net.sizes) - 2) + [net.output_activation]
    a = x
    for ell, (W, b, name) in enumerate(zip(net.weights, net.biases, names, strict=True), 1):
        W_name = g.constant(f"W{ell}", np.asarray(W, dtype=g.dtype))  # (n_ℓ, n_ℓ−1)
        b_name = g.constant(f"b{ell}", np.asarray(b, dtype=g.dtype).ravel())  # (n_ℓ,)
        z = g.op("Gemm", [a, W_name, b_name], f"z{ell}", transB=1)  # (N, n_ℓ)
        a = _activation(g, name, z)
    return a


def _classifier_outputs(g: _Graph, estimator, a: str) -> list[tuple[str, str]]:
    """``label`` and ``probabilities`` from the network's output ``a`` (N, n_outputs)."""
    n_out = estimator.network_.sizes[-1]
    if n_out == 1:  # P(classes_[1]) = a
        one = g.constant("one", np.array(1.0, dtype=g.dtype))
        proba = g.op("Concat", [g.op("Sub", [one, a], "p0"), a], "proba", axis=1)
    elif estimator.network_.output_activation == "softmax":
        proba = a
    else:  # independent sigmoids, normalised to sum to 1 (uniform where all are 0)
        axes = g.constant("axes", np.array([1], dtype=np.int64))
        total = g.op("ReduceSum", [a, axes], "total", keepdims=1)  # (N, 1)
        zero = g.constant("zero", np.array(0.0, dtype=g.dtype))
        uniform = g.constant("uniform", np.array(1.0 / n_out, dtype=g.dtype))
        positive = g.op("Greater", [total, zero], "positive")
        proba = g.op("Where", [positive, g.op("Div", [a, total], "ratio"), uniform], "proba")
    index = g.op("ArgMax", [proba], "index", axis=1, keepdims=0)  # (N,) int64
    classes = _classes_tensor(estimator.classes_)
    label = g.op("Gather", [g.constant("classes", classes), index], "label", axis=0)
    return [(label, "label"), (proba, "probabilities")]


def _classes_tensor(classes: np.ndarray) -> np.ndarray:
    """The class labels as an array ONNX can hold: int64, float, bool or strings."""
    kind = classes.dtype.kind
    if kind in "iu":
        return classes.astype(np.int64)
    if kind in "fb":
        return classes
    if kind in "UO" and all(isinstance(c, str) for c in classes):
        return np.array(classes.tolist(), dtype=object)  # an ONNX string tensor
    raise ValueError(
        f"class labels of dtype {classes.dtype} cannot go into an ONNX model; "
        "it holds integer, float, bool and string labels"
    )


def _build(onnx, obj, opset: int):
    """The ModelProto for a Network or a fitted estimator."""
    helper = onnx.helper
    if hasattr(obj, "layer_activations") and hasattr(obj, "weights"):  # a Network
        net, estimator = obj, None
    elif hasattr(obj, "_output_config") and hasattr(obj, "predict"):
        if not hasattr(obj, "network_"):
            raise ValueError(f"{type(obj).__name__} is not fitted yet; call fit before to_onnx")
        net, estimator = obj.network_, obj
    else:
        raise TypeError(
            "to_onnx takes a backproplab Network, BackpropClassifier or BackpropRegressor, "
            f"got {type(obj).__name__}"
        )
    g = _Graph(onnx, net.dtype)
    a = _network_graph(g, net, "X")
    if estimator is None:
        outputs = [(a, "Y")]
    elif hasattr(estimator, "classes_"):
        outputs = _classifier_outputs(g, estimator, a)
    else:
        value = a
        if net.sizes[-1] == 1:  # predict gives (N,) for one output
            axes = g.constant("axes", np.array([1], dtype=np.int64))
            value = g.op("Squeeze", [a, axes], "value")
        outputs = [(value, "variable")]
    for inner, public in outputs:  # give the outputs their public names
        g.nodes.append(helper.make_node("Identity", [inner], [public]))

    elem = helper.np_dtype_to_tensor_dtype(net.dtype)
    x_info = helper.make_tensor_value_info("X", elem, ["N", net.sizes[0]])
    out_shapes = {
        "Y": ["N", net.sizes[-1]],
        "variable": ["N"] if net.sizes[-1] == 1 else ["N", net.sizes[-1]],
        "probabilities": ["N", max(net.sizes[-1], 2)],
        "label": ["N"],
    }
    out_infos = []
    for _, public in outputs:
        elem_type = elem
        if public == "label":
            elem_type = helper.np_dtype_to_tensor_dtype(_classes_tensor(estimator.classes_).dtype)
        out_infos.append(helper.make_tensor_value_info(public, elem_type, out_shapes[public]))
    graph = helper.make_graph(
        g.nodes, "backproplab", [x_info], out_infos, initializer=g.initializers
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="backproplab",
        doc_string=repr(net),
    )
    model.ir_version = min(model.ir_version, 8)  # readable by onnxruntime releases since 1.14
    helper.set_model_props(
        model,
        {
            "sizes": ",".join(map(str, net.sizes)),
            "activation": net.activation,
            "output_activation": net.output_activation,
            "cost": net.cost_function.name,
        },
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def to_onnx(obj, path, *, opset: int = DEFAULT_OPSET):
    """Write ``obj`` to ``path`` as an ONNX model (see the module docstring for the graph).

    Args:
        obj: a :class:`~backproplab.Network`, or a fitted ``BackpropClassifier`` or
            ``BackpropRegressor``.
        path: the ``.onnx`` file to write (atomically: complete or not at all).
        opset: the ONNX operator set the model declares, at least 13.

    Returns:
        The ``onnx.ModelProto`` written.

    Raises:
        TypeError: ``obj`` is none of the above, or ``opset`` is not an int.
        ValueError: an unfitted estimator, an opset below 13, or class labels ONNX
            cannot hold.
    """
    onnx = _import_onnx()
    if isinstance(opset, bool) or not isinstance(opset, int | np.integer):
        raise TypeError(f"opset must be an int, got {type(opset).__name__}")
    newest = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= opset <= newest:
        raise ValueError(
            f"opset must be between {MIN_OPSET} and {newest} (this onnx's newest), got {opset}"
        )
    model = _build(onnx, obj, int(opset))
    atomic_write(path, lambda f: f.write(model.SerializeToString()))
    return model
