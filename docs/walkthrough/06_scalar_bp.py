# %% [markdown]
# # 6. The four equations on a chain
#
# {download}`Download this page as a notebook <_notebooks/06_scalar_bp.ipynb>`
#
# Back to the chain of single neurons. The cost depends on the last weight through a
# chain of dependencies $w^L \to z^L \to a^L \to C$, so by the chain rule
#
# $$ \frac{\partial C}{\partial w^L}
#    = \frac{\partial z^L}{\partial w^L}\,
#      \frac{\partial a^L}{\partial z^L}\,
#      \frac{\partial C}{\partial a^L}
#    = a^{L-1}\; \sigma'(z^L)\; (a^L - y). $$
#
# The last two factors appear in every derivative of this layer, so they get a name,
# the layer's **error** $\delta^L = \partial C/\partial z^L$. The bias enters $z^L$ with
# a factor 1, and the previous activation with a factor $w^L$, which carries the error
# one layer back. For every layer ℓ of a width-one chain this gives the four equations
# of backpropagation as products of numbers:
#
# $$
# \begin{aligned}
# \delta^L &= (a^L - y)\,\sigma'(z^L) && \text{(BP1)}\\
# \delta^\ell &= w^{\ell+1}\,\delta^{\ell+1}\,\sigma'(z^\ell) && \text{(BP2)}\\
# \partial C/\partial b^\ell &= \delta^\ell && \text{(BP3)}\\
# \partial C/\partial w^\ell &= a^{\ell-1}\,\delta^\ell && \text{(BP4)}
# \end{aligned}
# $$
#
# BP4 says a weight leaving a quiet neuron (small $a^{\ell-1}$) learns slowly; BP2 says
# the weight that carried the activation forward carries the error back.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def chain_gradients(w, b, x, y):
    """∂C/∂w and ∂C/∂b of C = ½(a^L − y)² for one sample of a width-1 chain."""
    a, z = [x], []  # a[ℓ] is a^ℓ, z[ℓ-1] is z^ℓ, w[ℓ-1] is w^ℓ
    for w_l, b_l in zip(w, b):
        z.append(w_l * a[-1] + b_l)
        a.append(sigmoid(z[-1]))
    L = len(w)
    dw, db = [0.0] * L, [0.0] * L
    delta = (a[L] - y) * a[L] * (1 - a[L])  # BP1: δ^L = (a^L − y) σ'(z^L)
    for i in range(L - 1, -1, -1):  # i = ℓ − 1
        db[i] = delta  # BP3: ∂C/∂b^ℓ = δ^ℓ
        dw[i] = a[i] * delta  # BP4: ∂C/∂w^ℓ = a^{ℓ−1} δ^ℓ
        if i > 0:
            delta = w[i] * delta * a[i] * (1 - a[i])  # BP2: δ^ℓ = w^{ℓ+1} δ^{ℓ+1} σ'(z^ℓ)
    return dw, db


# %% [markdown]
# Averaged over the data set, these gradients must equal what the library's first rung
# of the derivation ladder, {func}`~backproplab.checking.ladder.scalar`, computes, and
# what the library's engine computes with matrices (page 8 onwards):

# %%
X, y = datasets.toy(n_samples=200)
net = Network([1, 1, 1, 1], seed=0)
w = [float(W[0, 0]) for W in net.weights]
b = [float(B[0, 0]) for B in net.biases]
per_sample = [chain_gradients(w, b, float(x), float(t)) for x, t in zip(X[:, 0], y)]
mine_w = np.mean([g[0] for g in per_sample], axis=0)
mine_b = np.mean([g[1] for g in per_sample], axis=0)

rung_w, rung_b = ladder.scalar(net.weights, net.biases, X, y)
engine_w, engine_b = net.backprop(X, y)
for ell in range(3):
    print(f"layer {ell + 1}: ∂C/∂w here {mine_w[ell]:+.10f}, scalar rung "
          f"{rung_w[ell][0, 0]:+.10f}, engine {engine_w[ell][0, 0]:+.10f}")
assert np.allclose(mine_w, [g[0, 0] for g in engine_w], rtol=1e-10, atol=0)
assert np.allclose(mine_b, [g[0, 0] for g in engine_b], rtol=1e-10, atol=0)

# %% [markdown]
# A few steps of gradient descent, $w \leftarrow w - \eta\,\partial C/\partial w$, with
# these gradients alone already bend the chain's output towards the step:

# %%
eta, costs = 2.0, []
curves = {}
for step in range(301):
    grads = [chain_gradients(w, b, float(x), float(t)) for x, t in zip(X[:, 0], y)]
    gw, gb = np.mean([g[0] for g in grads], axis=0), np.mean([g[1] for g in grads], axis=0)
    w, b = list(np.array(w) - eta * gw), list(np.array(b) - eta * gb)
    if step in (0, 30, 300):
        curves[step] = [ladder.chain_forward([np.array([[v]]) for v in w],
                                             [np.array([[v]]) for v in b], float(x))
                        for x in X[:, 0]]

fig, ax = plt.subplots(figsize=(7, 3.4))
ax.scatter(X[:, 0], (y + 1) / 2, s=4, c="0.7", label="the step (as 0/1)")
for step, curve in curves.items():
    ax.plot(X[:, 0], curve, label=f"after {step} steps")
ax.set_xlabel("x")
ax.set_ylabel("$a^3$")
ax.legend(fontsize=8)
ax.set_title("the chain trained with the scalar BP1–BP4")
plt.show()

# %% [markdown]
# (The sigmoid's output lives in $(0, 1)$ and the labels are $\pm 1$, so the chain can
# at best approach 1 on the right and 0 on the left; it aims at $-1$ and stops at 0.)
