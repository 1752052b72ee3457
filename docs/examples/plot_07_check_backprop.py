"""
Check your own backprop: a planted mistake
==========================================

:func:`backproplab.check_backprop` runs a learner's backprop on a battery of small
networks and says which of BP1–BP4 is wrong, at which layer, and what was probably
written. The function below forgets to transpose W in BP2 — invisible on square layers,
found on the others.
"""

# %%
import numpy as np

from backproplab import check_backprop, ladder


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def my_backprop(weights, biases, X, Y):
    """Batch backprop, one column per sample, with the transpose of BP2 forgotten."""
    activations, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(W @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    a, m = activations[-1], X.shape[1]
    delta = (a - Y) * a * (1 - a)  # BP1
    grads_w, grads_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grads_w[i] = delta @ activations[i].T / m  # BP4
        grads_b[i] = delta.sum(axis=1, keepdims=True) / m  # BP3
        if i > 0:
            s = sigmoid(zs[i - 1])
            W = weights[i] if weights[i].shape[0] == weights[i].shape[1] else weights[i].T
            if W.shape[0] == W.shape[1]:
                W = weights[i]  # the mistake: on square layers W is used untransposed
            delta = (W @ delta) * s * (1 - s)  # BP2
    return grads_w, grads_b


report = check_backprop(my_backprop, style="batch")
print(report)

# %%
# The report's fields, for a grading script:
print(report.passed, report.equation, report.layer, report.mistake)
assert not report.passed and report.equation == "BP2"

# %%
# A correct function passes every case, for example the ladder's per-example rung:
print(check_backprop(ladder.per_example, style="batch", samples="rows").passed)
