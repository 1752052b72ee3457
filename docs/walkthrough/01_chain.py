# %% [markdown]
# # 1. A chain of single neurons
#
# {download}`Download this page as a notebook <_notebooks/01_chain.ipynb>`
#
# The smallest network worth the name is a chain: an input, two hidden neurons and an
# output neuron, one after the other, each a layer of width one. Every neuron owns a
# weight $w$ and a bias $b$ and does the same two things with the activation $a$ handed
# to it by its left neighbour:
#
# $$ z = w\,a + b, \qquad a' = \sigma(z) = \frac{1}{1 + e^{-z}}. $$
#
# $z$ is the neuron's *weighted input*; $a'$ is what it passes on. In backproplab that
# neuron is {func}`~backproplab.checking.ladder.forward_steps.node`, and {func}`~backproplab.checking.ladder.forward_steps.chain_forward`
# runs one number through a whole chain of them.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder
from backproplab.viz import plot_activation

plot_activation("sigmoid")

# %% [markdown]
# The sigmoid squashes every $z$ into $(0, 1)$; its slope $\sigma'(z) = \sigma(z)(1 -
# \sigma(z))$ (the dashed curve) is never more than ¼. That bound will matter when errors
# travel backwards.
#
# The data set of this first stage is one-dimensional: a thousand points on $[-5, 5]$
# whose label is $-1$ left of zero and $+1$ right of it
# ({func}`~backproplab.data.datasets.toy`).

# %%
X, y = datasets.toy()
print("X:", X.shape, " y:", y.shape, " first labels:", y[:3], " last labels:", y[-3:])

# %% [markdown]
# A chain of width one is `Network([1, 1, 1, 1])`: three layers of weights, each a
# $1 \times 1$ matrix. Feeding one input through it neuron by neuron with `node` gives the
# same number as the vectorised network (the next page explains how):

# %%
net = Network([1, 1, 1, 1], seed=0)
x0 = float(X[0, 0])
a = x0
for W, b in zip(net.weights, net.biases):
    a = ladder.node(float(W[0, 0]), float(b[0, 0]), a)  # z = w a + b, then σ(z)
by_network = float(net.predict(X[:1])[0, 0])
print(f"input {x0}: node by node {a:.15f}, Network.predict {by_network:.15f}")
assert a == ladder.chain_forward(net.weights, net.biases, x0)
assert abs(a - by_network) < 1e-15

# %% [markdown]
# With random parameters the chain maps every input to some value in $(0, 1)$, nowhere
# near the labels $\pm 1$: it has not learnt anything yet. Its cost on the whole set,
# the mean of $C_x = \tfrac12 (a^L - y)^2$, says how far off it is.

# %%
outputs = np.array([ladder.chain_forward(net.weights, net.biases, float(x)) for x in X[:, 0]])
cost = np.mean(0.5 * (outputs - y) ** 2)
print(f"mean cost of the untrained chain: {cost:.4f}  (Network.cost: {net.cost(X, y):.4f})")

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.scatter(X[:, 0], y, s=4, c="0.6", label="label y")
ax.plot(X[:, 0], outputs, c="C1", label="untrained chain $a^L$")
ax.set_xlabel("input x")
ax.legend(loc="center right")
ax.set_title("one neuron after another: the untrained chain's output")
plt.show()
