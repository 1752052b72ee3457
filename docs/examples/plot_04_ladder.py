"""
The derivation ladder agrees with itself
========================================

:mod:`backproplab.checking.ladder` keeps every level of the derivation as working code:
width-1 chains of Python floats, loops over neurons, one example at a time with matrices,
a 3-D stack of columns, and one matrix product per layer. Each rung computes the same
gradient; this example measures how far each is from the matrix-product rung, and how
long each takes, on a width-1 chain (where the scalar rung can run too) and on the
notebook's [2, 3, 3, 1] network.
"""

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder


def agreement(net, X, y):
    reference_w, reference_b = ladder.gemm(net.weights, net.biases, X, y)
    rows = []
    for name, rung in ladder.RUNGS.items():
        if name == "scalar" and any(W.shape != (1, 1) for W in net.weights):
            continue  # the scalar rung only knows width-1 chains
        begin = time.perf_counter()
        grads_w, grads_b = rung(net.weights, net.biases, X, y)
        seconds = time.perf_counter() - begin
        diff = max(np.max(np.abs(g - r)) / np.max(np.abs(r))
                   for g, r in zip(grads_w + grads_b, reference_w + reference_b))
        rows.append((name, diff, seconds))
    return rows


X1, y1 = datasets.toy(n_samples=200)
X2, y2 = datasets.circles(n_samples=200, seed=0)
tables = {
    "chain [1, 1, 1, 1]": agreement(Network([1, 1, 1, 1], seed=0), X1, y1),
    "[2, 3, 3, 1]": agreement(Network([2, 3, 3, 1], seed=0), X2, y2),
}
for title, rows in tables.items():
    print(f"{title}: rung, largest relative difference from gemm, time")
    for name, diff, seconds in rows:
        print(f"  {name:<13} {diff:9.1e} {seconds * 1e3:9.2f} ms")
    assert max(d for _, d, _ in rows) < 1e-12

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
for ax, (title, rows) in zip(axes, tables.items()):
    names = [r[0] for r in rows]
    ax.barh(names, [r[2] * 1e3 for r in rows])
    ax.set_xscale("log")
    ax.set_xlabel("ms per gradient of 200 samples")
    ax.set_title(title)
plt.show()

# %%
# From the shell, ``backproplab ladder`` prints the same table.
