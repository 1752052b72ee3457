# %% [markdown]
# # 3. The bias as one more weight
#
# {download}`Download this page as a notebook <_notebooks/03_bias_as_weight.ipynb>`
#
# A common bookkeeping trick folds the bias into the weight matrix. Give every layer an
# extra neuron whose activation is always 1; the weight from it to neuron $j$ of the next
# layer is multiplied by 1 every time, which is exactly what a bias does. In matrices:
# append $b^\ell$ to $W^\ell$ as one more column and a row of ones to the activations,
#
# $$ \begin{bmatrix} W^\ell & b^\ell \end{bmatrix}
#    \begin{bmatrix} A^{\ell-1} \\ \mathbf{1}^\mathsf{T} \end{bmatrix}
#    = W^\ell A^{\ell-1} + b^\ell. $$
#
# {func}`~backproplab.checking.ladder.forward_steps.augment` builds the augmented matrices, of shape
# $(n_\ell, n_{\ell-1} + 1)$, and {func}`~backproplab.checking.ladder.forward_steps.feedforward_augmented` runs
# the forward pass with them.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder

X, y = datasets.circles(n_samples=400, seed=0)
net = Network([2, 3, 3, 1], seed=2)
augmented = ladder.augment(net.weights, net.biases)
print("plain W shapes:    ", [W.shape for W in net.weights])
print("augmented shapes:  ", [W.shape for W in augmented])

with_biases = net.predict(X).T  # (1, 400)
folded = ladder.feedforward_augmented(augmented, X)
difference = np.max(np.abs(with_biases - folded))
print(f"largest difference between the two forms: {difference:.1e}")
assert difference < 1e-12

# %% [markdown]
# The two forms agree to rounding — not bit for bit, because one adds the bias after the
# product and the other inside it, in another order. The figure puts the two outputs
# against each other: every point lies on the diagonal.

# %%
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.scatter(with_biases[0], folded[0], s=6)
lo, hi = with_biases.min(), with_biases.max()
ax.plot([lo, hi], [lo, hi], c="0.6", lw=0.8)
ax.set_xlabel("$\\sigma(W a + b)$")
ax.set_ylabel("$\\sigma([W\\,|\\,b]\\,[a; 1])$")
ax.set_title("bias as a weight: the same outputs")
plt.show()

# %% [markdown]
# The rest of the walk, like the library, keeps $W$ and $b$ apart: the gradients BP3 and
# BP4 are easier to read that way.
