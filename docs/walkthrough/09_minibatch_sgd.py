# %% [markdown]
# # 9. Mini-batch SGD on the circles
#
# {download}`Download this page as a notebook <_notebooks/09_minibatch_sgd.ipynb>`
#
# Gradient descent moves every parameter against its gradient,
# $W \leftarrow W - \eta\, \partial C/\partial W$. Computing the gradient on the whole
# data set for every step is wasteful; **mini-batch stochastic gradient descent** takes
# the mean gradient over a small batch of $m$ samples instead,
#
# $$ W^\ell \leftarrow W^\ell - \frac{\eta}{m} \sum_{x \in \text{batch}}
#    \delta^\ell_x (a^{\ell-1}_x)^\mathsf{T}, \qquad
#    b^\ell \leftarrow b^\ell - \frac{\eta}{m} \sum_{x \in \text{batch}} \delta^\ell_x, $$
#
# and walks through the shuffled data one batch after another; one pass is an epoch.
# {meth}`~backproplab.network.Network.train` does this; it returns a
# {class}`~backproplab.training.history.History` of everything it measured.
#
# The data of this stage are two concentric rings, which no straight line separates:

# %%
from backproplab import Network, datasets
from backproplab.viz import plot_dataset, plot_decision_boundary, plot_history

X, y = datasets.circles(n_samples=500, seed=0)
plot_dataset(X, y, title="circles: 500 samples")

# %% [markdown]
# The notebook's network, [2, 3, 3, 1] with sigmoids everywhere and the quadratic cost,
# trained with batches of 10 and $\eta = 3$:

# %%
net = Network([2, 3, 3, 1], seed=0)
print(f"before training: cost {net.cost(X, y):.4f}, accuracy {net.accuracy(X, y):.1%}")
history = net.train(X, y, epochs=60, batch_size=10, eta=3.0, seed=0)
print(f"after {len(history.loss_epoch)} epochs: cost {net.cost(X, y):.4f}, "
      f"accuracy {net.accuracy(X, y):.1%}")

# %%
plot_history(history)

# %% [markdown]
# The curves show the loss of every step, the epoch means, the accuracy and each layer's
# gradient norm $\lVert \partial C/\partial W^\ell\rVert$ on a log scale. The trained
# network's decision regions:

# %%
plot_decision_boundary(net, X, y, title="after mini-batch SGD")
