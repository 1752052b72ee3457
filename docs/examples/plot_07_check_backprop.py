"""
Check your own backprop: a planted mistake
==========================================

:func:`~backproplab.checking.learner.check_backprop` runs a learner's backprop on a battery of small
networks and says which of BP1–BP4 is wrong, at which layer, and what was probably
written. The function below forgets σ′(z) when it carries the error back one layer (BP2),
a mistake learners often make.
"""

# %%
import numpy as np

from backproplab import check_backprop, ladder


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def my_backprop(weights, biases, X, Y):
    """Batch backprop, one column per sample; BP2 without its σ′(z) factor."""
    activations, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(W @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    a = activations[-1]
    m = X.shape[1]
    delta = (a - Y) * a * (1 - a)  # BP1
    grads_w, grads_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grads_w[i] = delta @ activations[i].T / m  # BP4
        grads_b[i] = delta.sum(axis=1, keepdims=True) / m  # BP3
        if i > 0:
            delta = weights[i].T @ delta  # BP2, the mistake: σ′(z) forgotten
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
