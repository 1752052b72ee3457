# %% [markdown]
# # 10. Checking the gradient
#
# {download}`Download this page as a notebook <_notebooks/10_gradient_check.ipynb>`
#
# Backprop code can be wrong and still train a little, so it must be checked against
# something that cannot share its mistakes: the definition of a derivative. Flatten every
# $W$ and $b$ into one vector $\theta$; for each entry, the centred difference
#
# $$ \Delta_i = \frac{C(\theta + \varepsilon e_i) - C(\theta - \varepsilon e_i)}{2\varepsilon} $$
#
# approximates $\partial C/\partial\theta_i$ with an error of order $\varepsilon^2$.
# Compared with backprop's gradient $g$ through the relative error
#
# $$ \frac{\lVert \Delta - g\rVert}{\lVert \Delta\rVert + \lVert g\rVert}, $$
#
# a correct backprop in float64 gives a tiny number; a wrong one gives something of
# order one. {func}`~backproplab.checking.gradcheck.gradcheck` does this on a copy of the network, in
# float64, layer by layer.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, check_backprop, datasets, gradcheck
from backproplab.viz import plot_gradcheck_history

X, y = datasets.circles(n_samples=200, seed=0)
net = Network([2, 3, 3, 1], seed=0)
report = gradcheck(net, X[:20], y[:20])
print(report)
assert report.passed

# %% [markdown]
# The numbers above were computed when this page was built. Training can check itself as it goes: `gradcheck_every=k` runs the check before the
# first step and every k steps, on the same samples each time.

# %%
history = net.train(X, y, epochs=20, batch_size=10, eta=3.0, seed=0, gradcheck_every=40)
checks = history.extras["gradcheck"]
print(f"{len(checks)} checks; the largest relative error: {max(e for _, e in checks):.1e}")
plot_gradcheck_history(history)

# %% [markdown]
# ## A planted bug
#
# Here is a batch backprop as a learner might write it, with one character wrong in BP2:
# the sigmoid's slope is taken at the activation, $\sigma'(a^\ell)$, instead of at the
# weighted input, $\sigma'(z^\ell)$. Everything else is right, shapes included.

# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def learner_backprop(weights, biases, X, Y):
    """Gradients of the batch-mean quadratic cost; one column per sample."""
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(W @ activations[-1] + b))
    a, m = activations[-1], X.shape[1]
    delta = (a - Y) * a * (1 - a)  # BP1
    grads_w, grads_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grads_w[i] = delta @ activations[i].T / m  # BP4
        grads_b[i] = delta.sum(axis=1, keepdims=True) / m  # BP3
        if i > 0:
            s = sigmoid(activations[i])  # the bug: σ'(a) rather than σ'(z)
            delta = (weights[i].T @ delta) * s * (1 - s)  # BP2
    return grads_w, grads_b


# %% [markdown]
# The same centred differences, written out here over every weight, catch it. (With
# ε = 10⁻⁶ a difference quotient carries a rounding error of about 10⁻¹⁶·C/ε, so on this
# network's small gradients a correct backprop agrees to about 10⁻⁸–10⁻⁷, and a wrong
# one misses by far more.)

# %%
def relative_error_per_layer(backprop_fn, net, X, Y, eps=1e-6):
    XT, YT = X.T, Y.reshape(1, -1)
    grads_w, _ = backprop_fn(net.weights, net.biases, XT, YT)
    errors = []
    for ell, W in enumerate(net.weights):
        numeric = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            plus = net.cost(X, Y)
            W[idx] = old - eps
            minus = net.cost(X, Y)
            W[idx] = old
            numeric[idx] = (plus - minus) / (2 * eps)
        g = grads_w[ell]
        errors.append(np.linalg.norm(numeric - g) / (np.linalg.norm(numeric) + np.linalg.norm(g)))
    return errors


fresh = Network([2, 3, 3, 1], seed=1)
correct = relative_error_per_layer(lambda w, b, X, Y: fresh.backprop(X.T, Y.T), fresh, X[:20], y[:20])
buggy = relative_error_per_layer(learner_backprop, fresh, X[:20], y[:20])
for ell, (c, b) in enumerate(zip(correct, buggy), start=1):
    print(f"layer {ell}: engine {c:.1e}   learner {b:.1e}")
assert max(correct) < 1e-6 and max(buggy[:2]) > 1e-3

fig, ax = plt.subplots(figsize=(6, 3.4))
layers = np.arange(1, 4)
ax.bar(layers - 0.18, correct, width=0.36, label="the engine's backprop")
ax.bar(layers + 0.18, buggy, width=0.36, label="the learner's, σ′(a) in BP2")
ax.axhline(1e-6, color="0.3", ls="--", lw=1, label="1e-6: this check's resolution")
ax.set_yscale("log")
ax.set_xticks(layers, [f"W^{ell}" for ell in layers])
ax.set_ylabel("relative error")
ax.legend(fontsize=8)
ax.set_title("gradient check, layer by layer")
plt.show()

# %% [markdown]
# The output layer passes (BP1, BP3 and BP4 are right there); the two layers below fail,
# because BP2 feeds them. {func}`~backproplab.checking.learner.check_backprop` goes one step further: it runs
# the function on a battery of small networks, judges each equation on what the
# learner's own code fed it, and names the mistake.

# %%
verdict = check_backprop(learner_backprop, style="batch")
print(f"passed: {verdict.passed}; equation: {verdict.equation}; layer: {verdict.layer}")
print(f"hint: {verdict.hint}")
assert not verdict.passed and verdict.equation == "BP2"
