"""The derivation ladder: backprop written at every level the notebook climbs through.

Each rung has the signature ``rung(weights, biases, X, Y) -> (grads_w, grads_b)`` and
returns the gradients of the batch-mean quadratic cost of a network with sigmoid
activations everywhere (the notebook's setting), with X of shape (n_samples, n_features):

1. :func:`scalar` — width-1 chains, Python floats, one node at a time;
2. :func:`per_neuron` — loops over samples, neurons j and inputs k;
3. :func:`per_example` — vectors and matrices, one sample at a time (Nielsen);
4. :func:`batch_tensor` — a stack of per-sample columns as a 3-D array;
5. :func:`gemm` — one matrix product per layer: the production path.

They exist to be compared, never to be used for speed; the tests prove them equal.

>>> import numpy as np
>>> from backproplab import Network
>>> net = Network([2, 3, 1], seed=0)
>>> X, Y = np.ones((4, 2)), np.zeros(4)
>>> gw, _ = per_example(net.weights, net.biases, X, Y)
>>> gw5, _ = gemm(net.weights, net.biases, X, Y)
>>> bool(np.allclose(gw[0], gw5[0], rtol=1e-12, atol=0))
True
"""

from .batch_tensor import batch_tensor
from .forward_steps import augment, chain_forward, collapse_linear, feedforward_augmented, node
from .gemm import gemm
from .per_example import backprop_one, per_example, train_per_example
from .per_neuron import per_neuron
from .scalar import scalar

RUNGS = {
    "scalar": scalar,
    "per_neuron": per_neuron,
    "per_example": per_example,
    "batch_tensor": batch_tensor,
    "gemm": gemm,
}

__all__ = [
    "RUNGS",
    "augment",
    "backprop_one",
    "batch_tensor",
    "chain_forward",
    "collapse_linear",
    "feedforward_augmented",
    "gemm",
    "node",
    "per_example",
    "per_neuron",
    "scalar",
    "train_per_example",
]
