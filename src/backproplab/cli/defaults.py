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
- **the initialisation** (``--init auto``) is He's N(0, 2/n_in) for ReLU-family hidden
  layers, whose biases start at ``RELU_BIAS`` = 0.1 so that every unit fires on some
  samples at the start (a unit that outputs 0 for every sample never learns: σ'(z) = 0
  there); otherwise Nielsen's N(0, 1);
- **the learning rate** η (when ``--eta`` is not given): 3.0 for the quadratic cost and
  0.5 for cross-entropy — Nielsen's values, chapters 1 and 3: the quadratic cost's output
  error δ^L = (a − y) σ'(z) carries σ' ≤ ¼, cross-entropy's δ^L = a − y does not — and a
  fifth of that for ReLU-family or linear hidden layers, whose σ' = 1 passes the error back
  through every layer undamped (sigmoid's σ' is at most ¼).

>>> default_eta("quadratic", "sigmoid"), default_eta("cross-entropy", "tanh")
(3.0, 0.5)
>>> default_eta("cross-entropy", "relu"), default_init("relu"), default_init("sigmoid")
(0.1, 'he', 'gaussian')
>>> default_output("quadratic", 1, None), default_output("cross-entropy", 3, None)
('sigmoid', 'softmax')
"""

from __future__ import annotations

from ..engine.costs import output_for_cost

RELU_FAMILY = frozenset({"relu", "leaky_relu"})
UNDAMPED = RELU_FAMILY | {"linear"}  # hidden activations with σ'(z) = 1 where active
RELU_BIAS = 0.1


def _is_quadratic(cost: str) -> bool:
    return cost.lower().replace("-", "_") in ("quadratic", "mse", "squared_error")


def default_eta(cost: str, activation: str) -> float:
    """η for ``cost`` with ``activation`` hidden layers (see the module docstring)."""
    eta = 3.0 if _is_quadratic(cost) else 0.5
    return eta / 5 if activation in UNDAMPED else eta


def default_init(activation: str) -> str:
    """``"he"`` for ReLU-family hidden layers, else Nielsen's ``"gaussian"``."""
    return "he" if activation in RELU_FAMILY else "gaussian"


def default_output(cost: str, n_out: int, output_activation: str | None) -> str:
    """The output activation: the one asked for, else the one the cost is made for, else
    sigmoid (the targets are class labels: 0/1 or one-hot)."""
    if output_activation is not None:
        return output_activation
    return output_for_cost(cost, n_out) or "sigmoid"


def hidden_bias(activation: str, init: str) -> float | None:
    """The hidden layers' starting bias with ``--init auto``: ``RELU_BIAS`` for the ReLU
    family, None (the initialiser's own draw) otherwise."""
    return RELU_BIAS if init == "auto" and activation in RELU_FAMILY else None
