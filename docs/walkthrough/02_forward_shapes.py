# %% [markdown]
# # 2. The forward pass as matrices
#
# {download}`Download this page as a notebook <_notebooks/02_forward_shapes.ipynb>`
#
# Real layers hold many neurons. Neuron $j$ of layer ℓ weighs every activation $a_k$ of
# the layer before, $z_j = \sum_k w_{jk} a_k + b_j$: a dot product of its row of weights
# with the previous layer's activations. Stack the rows into a matrix $W^\ell$ of shape
# $(n_\ell, n_{\ell-1})$, weight $w_{jk}$ in row $j$, column $k$ (the neuron it feeds
# first, the neuron it comes from second), and the whole layer is one product:
#
# $$ z^\ell = W^\ell a^{\ell-1} + b^\ell, \qquad a^\ell = \sigma(z^\ell). $$
#
# Because the row index is the receiving neuron, no transpose appears. The sizes check
# themselves: $(n_\ell, n_{\ell-1})$ times $(n_{\ell-1}, 1)$ gives $(n_\ell, 1)$, the
# shape of $b^\ell$.
#
# Many samples go through at once when they are placed side by side as **columns**:
# $A^{\ell-1}$ of shape $(n_{\ell-1}, m)$ gives $Z^\ell = W^\ell A^{\ell-1} + b^\ell$ of
# shape $(n_\ell, m)$, the bias added to every column by broadcasting. Data arrive the
# other way round, one row per sample, $X$ of shape $(m, n_0)$, so the first layer takes
# $X^\mathsf{T}$. That is exactly what {meth}`~backproplab.network.Network.feedforward` does.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets
from backproplab.viz import draw_network

X, y = datasets.toy()
net = Network([1, 3, 2, 1], seed=1)
for ell, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
    print(f"W^{ell}: {W.shape}   b^{ell}: {b.shape}")

# %% [markdown]
# The forward pass returns the weighted inputs $Z^\ell$ and activations $A^\ell$ of every
# layer, one column per sample; `activations[0]` is the input batch itself, so there is one
# more activation than there are $Z$'s.

# %%
zs, activations = net.feedforward(X)
print("X:", X.shape)
for ell, z in enumerate(zs, start=1):
    print(f"Z^{ell}: {z.shape}   A^{ell}: {activations[ell].shape}")
print("A^0 is X transposed:", np.array_equal(activations[0], X.T))

# %% [markdown]
# The same numbers come out of a loop over samples, one column at a time, written with
# the equation above and nothing else:

# %%
def one_sample(x):
    a = x.reshape(-1, 1)  # (n_0, 1)
    for W, b in zip(net.weights, net.biases):
        a = 1 / (1 + np.exp(-(W @ a + b)))  # (n_ℓ, n_{ℓ−1}) @ (n_{ℓ−1}, 1) + (n_ℓ, 1)
    return a


looped = np.hstack([one_sample(x) for x in X])  # (1, 1000)
difference = np.max(np.abs(looped - activations[-1]))
print(f"largest difference between the loop and the batch: {difference:.1e}")
assert difference < 1e-14

# %%
draw_network(net)

# %% [markdown]
# The drawing shows the network's weights (colour: sign, width: size). Its output over
# the whole data set, still untrained, is just some smooth curve:

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
left.scatter(X[:, 0], y, s=4, c="0.5")
left.set_title("the points and their labels")
right.plot(X[:, 0], activations[-1][0], c="C1")
right.set_title("the untrained network's $a^3$, all samples at once")
for ax in (left, right):
    ax.set_xlabel("x")
plt.show()
