"""What a finished run says about itself: the warnings a careful teacher would give.

:func:`training_warnings` looks at a trained network, its data and its history and returns
plain sentences (the command line prints them; nothing here prints) for the three ways a
run fails quietly:

- **chance level**: the accuracy is no better than always answering the largest class;
- **a dead layer**: a hidden layer whose activations are zero for every sample (ReLU units
  pushed below zero stop learning: σ'(z) = 0 there, so BP2 passes no error back);
- **a rising loss**: the last epoch's loss is above the first's (η too large, usually).

>>> import numpy as np
>>> from backproplab import Network
>>> net = Network([1, 2, 1], activation="relu", output_activation="sigmoid",
...               weights=[[[-1.0], [-1.0]], [[1.0, 1.0]]], biases=[[[-5.0], [-5.0]], [[0.0]]])
>>> X, y = np.linspace(0, 1, 8).reshape(-1, 1), np.array([0, 1] * 4)
>>> [w.split(":")[0] for w in training_warnings(net, X, y)]
['chance level', 'dead layer 1']
"""

from __future__ import annotations

import numpy as np

from ..data.labels import label_accuracy, label_kind
from ..validation import check_XY


def training_warnings(net, X, Y, history=None) -> list[str]:
    """Warnings about a trained ``net`` on its training data X (n_samples, n_features) and
    Y, and its ``history`` (optional), as sentences naming what to try."""
    X, Y = check_XY(X, Y, net.sizes[0], net.sizes[-1], net.dtype)
    activations = net.feedforward(X)[1]
    warnings = []
    chance = _chance_level(activations[-1], Y.T)
    if chance:
        warnings.append(chance)
    for ell in range(1, len(activations) - 1):
        if not np.any(activations[ell]):
            warnings.append(
                f"dead layer {ell}: its {net.sizes[ell]} units output 0 for every sample, so "
                "no error flows back through them (σ'(z) = 0); try a smaller eta, another "
                "initialisation or leaky_relu"
            )
    if history is not None and history.n_epochs >= 2:
        first, last = float(history.loss_epoch[0]), float(history.loss_epoch[-1])
        if last > first or not np.isfinite(last):
            warnings.append(
                f"rising loss: from {first:.4g} after the first epoch to {last:.4g} after the "
                "last; try a smaller eta"
            )
    return warnings


def _chance_level(A_out, Y) -> str | None:
    """A sentence when the accuracy is no better than always answering the most frequent
    class (None for targets that are not class labels)."""
    kind = label_kind(Y)
    if kind is None:
        return None
    accuracy = label_accuracy(A_out, Y)
    if kind == "one-hot":
        largest = float(np.max(Y.mean(axis=1)))
    else:
        high = float(np.mean(Y == 1))
        largest = max(high, 1 - high)
    if accuracy > largest + 0.01:
        return None
    return (
        f"chance level: training accuracy {accuracy:.1%} is no better than always answering "
        f"the largest class ({largest:.1%}); try another eta, standardised inputs or an output "
        "activation and cost that fit the targets"
    )
