# %% [markdown]
# # 11. The same numbers as Nielsen's network.py
#
# {download}`Download this page as a notebook <_notebooks/11_nielsen.ipynb>`
#
# Nielsen's `network.py` is the reference implementation of this notation: a `Network`
# with lists of weights and biases, `backprop(x, y)` for one sample, and
# `update_mini_batch`, which sums the per-sample gradients of a batch and steps by
# $\eta/m$ times the sum. Below is a compact Python 3 re-statement of that algorithm
# (without its shuffling, so that runs can be compared), started from the same
# parameters as a backproplab network and trained on the same batches.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class NielsenStyleNetwork:
    """Mini-batch SGD as in network.py: per-sample backprop, summed, stepped by η/m."""

    def __init__(self, weights, biases):
        self.weights = [W.copy() for W in weights]
        self.biases = [b.copy() for b in biases]

    def backprop(self, x, y):
        activation, activations, zs = x, [x], []
        for b, W in zip(self.biases, self.weights):
            z = np.dot(W, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        sp = sigmoid(zs[-1]) * (1 - sigmoid(zs[-1]))
        delta = (activations[-1] - y) * sp  # BP1
        nabla_b[-1] = delta  # BP3
        nabla_w[-1] = np.dot(delta, activations[-2].T)  # BP4
        for i in range(len(self.weights) - 2, -1, -1):  # i = ℓ − 1, from L − 1 down to 1
            sp = sigmoid(zs[i]) * (1 - sigmoid(zs[i]))
            delta = np.dot(self.weights[i + 1].T, delta) * sp  # BP2
            nabla_b[i] = delta  # BP3
            nabla_w[i] = np.dot(delta, activations[i].T)  # BP4
        return nabla_b, nabla_w

    def sgd(self, X, Y, epochs, batch_size, eta, after_epoch=None):
        for epoch in range(epochs):
            for start in range(0, len(X), batch_size):
                batch = list(zip(X[start:start + batch_size], Y[start:start + batch_size]))
                nabla_b = [np.zeros(b.shape) for b in self.biases]
                nabla_w = [np.zeros(W.shape) for W in self.weights]
                for x, y in batch:
                    db, dw = self.backprop(x.reshape(-1, 1), np.reshape(y, (-1, 1)))
                    nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
                    nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
                self.weights = [W - (eta / len(batch)) * nw
                                for W, nw in zip(self.weights, nabla_w)]
                self.biases = [b - (eta / len(batch)) * nb
                               for b, nb in zip(self.biases, nabla_b)]
            if after_epoch:
                after_epoch(epoch, self.weights, self.biases)


# %% [markdown]
# First, the library's per-example rung {func}`~backproplab.checking.ladder.train_per_example`,
# which performs every operation in Nielsen's order, against this class after ten epochs
# on the circles, 50 samples a batch, $\eta = 3$: equal **bit for bit**.

# %%
X, y = datasets.circles(n_samples=1000, seed=0)
start = Network([2, 3, 3, 1], seed=3)
nielsen = NielsenStyleNetwork(start.weights, start.biases)
nielsen.sgd(X, y, epochs=10, batch_size=50, eta=3.0)
rung_w, rung_b = ladder.train_per_example(start.weights, start.biases, X, y,
                                          epochs=10, batch_size=50, eta=3.0)
bitwise = all(np.array_equal(p, q) for p, q in zip(nielsen.weights + nielsen.biases,
                                                   rung_w + rung_b))
print("per-example rung equals the Nielsen-style network bit for bit:", bitwise)
assert bitwise

# %% [markdown]
# Then the engine itself. {meth}`~backproplab.network.Network.train` computes the same
# mathematics with one matrix product per layer for the whole batch and a different
# order of additions, so it agrees to rounding rather than to the bit. Following the
# largest relative difference epoch by epoch shows it stays at rounding level:

# %%
net = Network([2, 3, 3, 1], seed=3)
reference = NielsenStyleNetwork(net.weights, net.biases)
differences = []


def compare(epoch, weights, biases):
    net.train(X, y, epochs=1, batch_size=50, eta=3.0, shuffle=False)
    differences.append(max(np.max(np.abs(p - q)) / np.max(np.abs(q))
                           for p, q in zip(net.weights + net.biases, weights + biases)))


reference.sgd(X, y, epochs=10, batch_size=50, eta=3.0, after_epoch=compare)
print(f"largest relative difference over 10 epochs: {max(differences):.1e}")
assert max(differences) < 1e-10

fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.semilogy(np.arange(1, 11), differences, "o-")
ax.set_ylim(1e-17, 1e-8)
ax.axhline(np.finfo(float).eps, color="0.5", ls=":", lw=1, label="float64 machine epsilon")
ax.set_xlabel("epoch")
ax.set_ylabel("max relative difference")
ax.legend(fontsize=8)
ax.set_title("Network.train against the Nielsen-style loop")
plt.show()
