# %% [markdown]
# # 4. Linear layers collapse into one
#
# {download}`Download this page as a notebook <_notebooks/04_linear_collapse.ipynb>`
#
# Why a nonlinear $\sigma$ at all? Take the identity instead, $\sigma(z) = z$. Three
# layers then compute
#
# $$ a^3 = W^3\big(W^2(W^1 x + b^1) + b^2\big) + b^3
#        = \underbrace{W^3 W^2 W^1}_{W^*} x
#        + \underbrace{W^3 W^2 b^1 + W^3 b^2 + b^3}_{b^*}, $$
#
# a single affine map whatever the depth or width. {func}`~backproplab.checking.ladder.forward_steps.collapse_linear`
# multiplies the layers out into $(W^*, b^*)$.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder

X, y = datasets.toy()
deep = Network([1, 3, 2, 1], activation="linear", seed=3)
W_star, b_star = ladder.collapse_linear(deep)
print("W* =", W_star, " b* =", b_star.ravel())

one_layer = (W_star @ X.T + b_star).T
difference = np.max(np.abs(deep.predict(X) - one_layer))
print(f"largest difference between the deep network and W* x + b*: {difference:.1e}")
assert difference < 1e-12

# %% [markdown]
# Every linear network draws a straight line through the step data, however many layers
# it has. A sigmoid on the output alone bends that line into one S-shaped curve — a
# logistic regression — but cannot do more; hidden nonlinearities are what give depth a
# purpose.

# %%
sigmoid_out = Network([1, 3, 2, 1], activation="linear", output_activation="sigmoid", seed=3)
sigmoid_all = Network([1, 3, 2, 1], seed=3)

fig, ax = plt.subplots(figsize=(7, 3.4))
ax.scatter(X[:, 0], y, s=3, c="0.7", label="labels")
for seed in range(4):
    ax.plot(X[:, 0], Network([1, 3, 2, 1], activation="linear", seed=seed).predict(X)[:, 0],
            c="C0", lw=1, label="identity everywhere" if seed == 0 else None)
ax.plot(X[:, 0], sigmoid_out.predict(X)[:, 0], c="C1", label="identity, sigmoid output")
ax.plot(X[:, 0], sigmoid_all.predict(X)[:, 0], c="C2", label="sigmoid everywhere")
ax.set_ylim(-3, 3)
ax.set_xlabel("x")
ax.legend(fontsize=8, loc="lower right")
ax.set_title("untrained networks of the same shape")
plt.show()
