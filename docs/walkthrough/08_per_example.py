# %% [markdown]
# # 8. One example at a time, with matrices
#
# {download}`Download this page as a notebook <_notebooks/08_per_example.ipynb>`
#
# The per-neuron formulas of the last page stack into vectors. $\delta^L_j =
# (a^L_j - y_j)\,\sigma'(z^L_j)$ for every $j$ is an element-wise (Hadamard) product
# $\odot$; the sum $\sum_j w^{\ell+1}_{jk}\delta^{\ell+1}_j$ for every $k$ is the product
# with the **transposed** weight matrix; and $a^{\ell-1}_k\delta^\ell_j$ for every
# $(j, k)$ is an outer product. For one sample $x$ (a column):
#
# $$
# \begin{aligned}
# \delta^L &= (a^L - y) \odot \sigma'(z^L) && \text{(BP1)}\\
# \delta^\ell &= \big((W^{\ell+1})^\mathsf{T} \delta^{\ell+1}\big) \odot \sigma'(z^\ell) && \text{(BP2)}\\
# \partial C_x/\partial b^\ell &= \delta^\ell && \text{(BP3)}\\
# \partial C_x/\partial W^\ell &= \delta^\ell\, (a^{\ell-1})^\mathsf{T} && \text{(BP4)}
# \end{aligned}
# $$
#
# The transpose is forced by the shapes: $W^{\ell+1}$ is $(n_{\ell+1}, n_\ell)$ and
# $\delta^{\ell+1}$ is $(n_{\ell+1}, 1)$, and the result must be $(n_\ell, 1)$. The
# weights that carried activations forward carry the errors back.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder
from backproplab.checking.trace import trace


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def backprop_one_sample(weights, biases, x, y):
    """Gradients of C_x = ½‖a^L − y‖² for one column x (n_0, 1) and target y (n_L, 1)."""
    activations, zs = [x], []
    for W, b in zip(weights, biases):
        zs.append(W @ activations[-1] + b)  # (n_ℓ, 1)
        activations.append(sigmoid(zs[-1]))
    L = len(weights)
    grads_w, grads_b = [None] * L, [None] * L
    a = activations[-1]
    delta = (a - y) * a * (1 - a)  # BP1: (n_L, 1)
    for i in range(L - 1, -1, -1):  # i = ℓ − 1
        grads_b[i] = delta  # BP3: (n_ℓ, 1)
        grads_w[i] = delta @ activations[i].T  # BP4: (n_ℓ, 1) @ (1, n_{ℓ−1})
        if i > 0:
            a_prev = activations[i]
            delta = (weights[i].T @ delta) * a_prev * (1 - a_prev)  # BP2: (n_{ℓ−1}, 1)
    return grads_w, grads_b


# %% [markdown]
# Which shape is which is the first thing to get wrong, so the library prints it:
# {func}`~backproplab.checking.trace.trace` runs backprop on a batch and lists, from the
# output layer back, the shapes of every quantity and the equation that gave $\delta^\ell$.
# On one sample, every $z$, $a$ and $\delta$ is a column:

# %%
X, y = datasets.circles(n_samples=200, seed=0)
net = Network([2, 3, 3, 1], seed=0)
print(trace(net, X[:1], y[:1]))

# %% [markdown]
# The gradient of the mean cost over a batch is the mean of the per-sample gradients.
# Looping this function over the samples gives the engine's numbers, and the
# library's own per-example rung, {func}`~backproplab.checking.ladder.per_example`, which is
# Nielsen's `backprop` written the same way:

# %%
per_sample = [backprop_one_sample(net.weights, net.biases, x.reshape(-1, 1), np.array([[t]]))
              for x, t in zip(X, y)]
mean_w = [np.mean([g[0][i] for g in per_sample], axis=0) for i in range(3)]
engine_w, engine_b = net.backprop(X, y)
rung_w, rung_b = ladder.per_example(net.weights, net.biases, X, y)
rel = max(np.max(np.abs(m - e)) / np.max(np.abs(e)) for m, e in zip(mean_w, engine_w))
rel_rung = max(np.max(np.abs(r - e)) / np.max(np.abs(e)) for r, e in zip(rung_w, engine_w))
print(f"this page's loop vs the engine: {rel:.1e};  per_example rung vs the engine: {rel_rung:.1e}")
assert rel < 1e-12 and rel_rung < 1e-12

# %% [markdown]
# Each sample's $\partial C_x/\partial W^2 = \delta^2 (a^1)^\mathsf{T}$ is a rank-one
# $3 \times 3$ matrix; the batch gradient is their average. The first three samples and
# the mean over all 200:

# %%
fig, axes = plt.subplots(1, 4, figsize=(11, 2.9), layout="constrained")
panels = [per_sample[s][0][1] for s in range(3)] + [mean_w[1]]
limit = max(np.max(np.abs(p)) for p in panels)
for ax, panel, title in zip(axes, panels, ["sample 0", "sample 1", "sample 2", "mean of 200"]):
    image = ax.imshow(panel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"∂C/∂W² — {title}", fontsize=9)
    ax.set_xticks(range(3))
    ax.set_yticks(range(3))
fig.colorbar(image, ax=axes, shrink=0.8)
plt.show()
