"""
Check your own backprop: a planted mistake
==========================================

:func:`~backproplab.checking.learner.check_backprop` runs a learner's backprop on a battery of small
networks and says which of BP1–BP4 is wrong, at which layer, and what was probably
written. The function below computes the gradient of the batch's *summed* cost where the
mean is asked for: it forgets the 1/m.
"""

# %%
import numpy as np

from backproplab import check_backprop, ladder


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def my_backprop(weights, biases, X, Y):
    """Batch backprop, one column per sample, without the 1/m of the batch mean."""
    activations, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(W @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    a = activations[-1]
    delta = (a - Y) * a * (1 - a)  # BP1 (the mistake: no division by m)
    grads_w, grads_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grads_w[i] = delta @ activations[i].T  # BP4
        grads_b[i] = delta.sum(axis=1, keepdims=True)  # BP3
        if i > 0:
            s = sigmoid(zs[i - 1])
            delta = (weights[i].T @ delta) * s * (1 - s)  # BP2
    return grads_w, grads_b


report = check_backprop(my_backprop, style="batch")
print(report)

# %%
# The report's fields, for a grading script:
print(report.passed, report.equation, report.layer, report.mistake)
assert not report.passed

# %%
# A correct function passes every case, for example the ladder's per-example rung:
print(check_backprop(ladder.per_example, style="batch", samples="rows").passed)
