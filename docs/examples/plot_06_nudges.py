"""
Nudges: the cost along one parameter
====================================

:func:`~backproplab.checking.nudge.nudge` shifts one weight or bias through a range,
records the weighted input it feeds, the output and the cost, and returns backprop's
derivative for the same parameter. Below: the cost along four parameters of a trained
[2, 3, 3, 1] network, each with backprop's tangent.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets
from backproplab.checking.nudge import nudge
from backproplab.viz import plot_nudge

X, y = datasets.circles(n_samples=300, seed=0)
net = Network([2, 3, 3, 1], seed=0)
net.train(X, y, epochs=10, batch_size=10, eta=3.0, seed=0)
amounts = np.linspace(-3, 3, 41)
picks = [(3, (0, 1), "W"), (2, (1, 0), "W"), (1, (2, 1), "W"), (2, 1, "b")]
fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), layout="constrained")
for ax, (layer, index, param) in zip(axes, picks):
    r = nudge(net, X, y, layer=layer, index=index, amounts=amounts, param=param)
    theta = r.value + r.amounts
    ax.plot(theta, r.cost, c="C3")
    span = np.array([-0.6, 0.6])
    ax.plot(r.value + span, np.interp(r.value, theta, r.cost) + r.gradient * span, "k--")
    ax.set_title(f"{r.name}: slope {r.slope:+.4f}\nbackprop {r.gradient:+.4f}", fontsize=9)
    ax.set_xlabel(r.name)
    assert abs(r.slope - r.gradient) <= 1e-6 * max(1.0, abs(r.gradient))
axes[0].set_ylabel("cost C")
plt.show()

# %%
# The three-panel view of one of them: weight → z → a → C.
plot_nudge(nudge(net, X, y, layer=1, index=(2, 1), amounts=amounts))
plt.show()
