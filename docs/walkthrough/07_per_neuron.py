# %% [markdown]
# # 7. Many neurons, one loop per index
#
# {download}`Download this page as a notebook <_notebooks/07_per_neuron.ipynb>`
#
# With several neurons per layer the cost of one sample is
# $C_x = \tfrac12 \sum_j (a^L_j - y_j)^2$ and the chain rule works index by index.
# Weight $w^\ell_{jk}$ (into neuron $j$ of layer ℓ from neuron $k$ of layer ℓ − 1)
# touches only $z^\ell_j$, so
#
# $$ \frac{\partial C}{\partial w^\ell_{jk}} = a^{\ell-1}_k\, \delta^\ell_j,
#    \qquad \delta^\ell_j = \frac{\partial C}{\partial z^\ell_j}. $$
#
# An activation $a^{\ell-1}_k$, however, feeds *every* neuron of layer ℓ, so its effect
# on the cost is a sum over them:
#
# $$ \frac{\partial C}{\partial a^{\ell-1}_k} = \sum_j w^\ell_{jk}\, \delta^\ell_j. $$
#
# Writing $w_{jk}\,\delta_j$ without the sum is the classic slip of this stage.
# {func}`~backproplab.checking.ladder.per_neuron` is backprop written with exactly these
# loops: over samples, over neurons $j$, over inputs $k$.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder

print(inspect.getsource(ladder.per_neuron))

# %% [markdown]
# The loops give the same gradients as the engine's matrix products, and the
# sum over $j$ is not optional: dropping it (taking only the first neuron's
# $w_{jk}\delta_j$) gives gradients that no longer match.

# %%
X, y = datasets.circles(n_samples=50, seed=0)
net = Network([2, 3, 3, 1], seed=0)
loop_w, loop_b = ladder.per_neuron(net.weights, net.biases, X, y)
engine_w, engine_b = net.backprop(X, y)
largest = max(np.max(np.abs(a - b) / (np.abs(b) + 1e-300)) for a, b in zip(loop_w, engine_w))
print(f"largest relative difference, per-neuron loops vs the engine: {largest:.1e}")
assert largest < 1e-9

# The slip, written as loops too: ∂C/∂a_k taken from neuron j = 0 alone.
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def slipped_first_layer_grad(weights, biases, x, t):
    a = [x.reshape(-1, 1)]
    for W, b in zip(weights, biases):
        a.append(sigmoid(W @ a[-1] + b))
    delta = [None] * 3
    delta[2] = (a[3] - t) * a[3] * (1 - a[3])  # BP1
    for i in (1, 0):
        d = np.zeros((weights[i].shape[0], 1))
        for k in range(weights[i].shape[0]):
            d[k, 0] = weights[i + 1][0, k] * delta[i + 1][0, 0]  # no Σ_j: only j = 0
        delta[i] = d * a[i + 1] * (1 - a[i + 1])
    return delta[0] @ a[0].T  # BP4 for layer 1


slipped = np.mean([slipped_first_layer_grad(net.weights, net.biases, x, t)
                   for x, t in zip(X, y)], axis=0)

fig, ax = plt.subplots(figsize=(5.5, 4))
ax.scatter(engine_w[0].ravel(), loop_w[0].ravel(), s=60, label="per-neuron loops, with Σ_j")
ax.scatter(engine_w[0].ravel(), slipped.ravel(), s=60, marker="x", label="without Σ_j")
lim = np.max(np.abs(np.concatenate([engine_w[0].ravel(), slipped.ravel()]))) * 1.2
ax.plot([-lim, lim], [-lim, lim], c="0.6", lw=0.8)
ax.ticklabel_format(style="sci", scilimits=(0, 0))
ax.set_xlabel("engine's ∂C/∂W¹ entries")
ax.set_ylabel("loop's ∂C/∂W¹ entries")
ax.legend(fontsize=8)
ax.set_title("the first layer's gradient, entry by entry")
plt.show()
