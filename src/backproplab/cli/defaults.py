"""The choices ``backproplab train`` makes when the user leaves them open.

``demo`` is ``train`` with the circles demo's settings written out (quadratic cost, η = 3,
Gaussian init, raw inputs): they were tuned for that one picture. ``train`` must work on
any bundled data set, so it decides from the data and the cost:

- **inputs** are standardised, each feature to mean 0 and standard deviation 1 (the
  training set's mean and std are kept in the model file, so predictions scale new data
  alike), unless ``--no-standardize``;
- **the output** is sigmoid for one output and softmax for several with cross-entropy;
  sigmoid with the quadratic cost (class labels are 0/1 targets or one-hot rows, which a
  sigmoid reaches). ``--activation`` never changes the output: a ReLU output cannot
  express a probability and dies at 0;
- **the initialisation** (``--init auto``) is the one the hidden activation's descriptor
  names (:func:`backproplab.engine.init.auto_init`, the rule the estimators' ``init="auto"``
  follows too): He's N(0, 2/n_in) for ReLU-family hidden layers, whose biases start at
  ``RELU_BIAS`` = 0.1 so that every unit fires on some samples at the start (a unit that
  outputs 0 for every sample never learns: σ'(z) = 0 there); Xavier's N(0, 2/(n_in + n_out))
  otherwise;
- **the learning rate** η (when ``--eta`` is not given): the cost's own
  (:attr:`Cost.eta <backproplab.engine.costs.Cost>`: 3.0 for the quadratic cost and 0.5 for
  cross-entropy — Nielsen's values, chapters 1 and 3: the quadratic cost's output error
  δ^L = (a − y) σ'(z) carries σ' ≤ ¼, cross-entropy's δ^L = a − y does not) — and a fifth
  of that for ReLU-family or linear hidden layers, whose σ' = 1 passes the error back
  through every layer undamped (sigmoid's σ' is at most ¼).

>>> default_eta("quadratic", "sigmoid"), default_eta("cross-entropy", "tanh")
(3.0, 0.5)
>>> default_eta("cross-entropy", "relu"), default_init("relu"), default_init("sigmoid")
(0.1, 'he', 'xavier')
>>> default_output("quadratic", 1, None), default_output("cross-entropy", 3, None)
('sigmoid', 'softmax')
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import get_activation
from ..engine.costs import get_cost, output_for_cost
from ..engine.init import auto_init

RELU_BIAS = 0.1


def _relu_family(activation: str) -> bool:
    """Whether ``activation``'s descriptor asks for He's initialisation (ReLU, leaky ReLU)."""
    return auto_init(activation) == "he"


def _undamped(activation: str) -> bool:
    """Whether σ'(z) = 1 where the unit is active (read at z = 1): ReLU, leaky ReLU and
    linear units pass the error back undamped; sigmoid (σ'(1) ≈ 0.20) and tanh do not."""
    act = get_activation(activation)
    z = np.array([1.0])
    return bool(act.prime(z, act.f(z))[0] == 1.0)


def default_eta(cost: str, activation: str) -> float:
    """η for ``cost`` with ``activation`` hidden layers (see the module docstring)."""
    eta = get_cost(cost).eta
    return eta / 5 if _undamped(activation) else eta


def default_init(activation: str) -> str:
    """The initialiser ``--init auto`` picks: :func:`~backproplab.engine.init.auto_init`."""
    return auto_init(activation)


def default_output(cost: str, n_out: int, output_activation: str | None) -> str:
    """The output activation: the one asked for, else the one the cost is made for, else
    sigmoid (the targets are class labels: 0/1 or one-hot)."""
    if output_activation is not None:
        return output_activation
    return output_for_cost(cost, n_out) or "sigmoid"


def hidden_bias(activation: str, init: str) -> float | None:
    """The hidden layers' starting bias with ``--init auto``: ``RELU_BIAS`` for the ReLU
    family, None (the initialiser's own draw) otherwise."""
    return RELU_BIAS if init == "auto" and _relu_family(activation) else None
