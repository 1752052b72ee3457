# %% [markdown]
# # 5. Nudging a weight
#
# {download}`Download this page as a notebook <_notebooks/05_nudge.ipynb>`
#
# Training needs to know, for every parameter, which way to move it to lower the cost and
# how strongly the cost cares. The bluntest way to find out is to *try*: shift one weight
# by a little, run the whole network again, and watch what happens to the neuron it
# feeds ($z$), to the output ($a^L$) and to the cost $C$. The ratio
# $\Delta C / \Delta w$ for a small shift is the slope of the cost along that weight,
# the partial derivative $\partial C / \partial w$.
#
# {func}`~backproplab.checking.nudge.nudge` does exactly that for a range of shifts and
# also returns backprop's own $\partial C/\partial w$ for the same weight;
# {func}`~backproplab.viz.plots.plot_nudge` draws the three panels and the tangent with
# backprop's slope.

# %%
import numpy as np

from backproplab import Network, datasets
from backproplab.checking.nudge import nudge
from backproplab.viz import plot_nudge

X, y = datasets.toy()
net = Network([1, 1, 1, 1], seed=0)
last = nudge(net, X, y, layer=3, index=(0, 0), amounts=np.linspace(-5, 5, 51))
plot_nudge(last)

# %% [markdown]
# The weight of the last layer, $w^3$, acts on the cost through two steps: $z^3$ is a
# straight line in $w^3$, $a^3 = \sigma(z^3)$ bends it, and the cost bends it again. The
# dashed tangent has backprop's slope; it touches the cost curve where the nudge is zero.
#
# The first layer's weight $w^1$ reaches the cost through every layer after it, so its
# curves are flatter and more bent:

# %%
first = nudge(net, X, y, layer=1, index=(0, 0), amounts=np.linspace(-5, 5, 51))
plot_nudge(first)

# %% [markdown]
# The slope measured by the nudge (a centred difference with a tiny step) and the one
# backprop computes agree:

# %%
for name, result in (("w^3", last), ("w^1", first)):
    rel = abs(result.slope - result.gradient) / max(abs(result.slope), abs(result.gradient))
    print(f"{name}: nudged slope {result.slope:+.8f}, backprop {result.gradient:+.8f}, "
          f"relative difference {rel:.1e}")
    assert rel < 1e-6

# %% [markdown]
# Measuring a slope this way costs two forward passes over the whole data set per
# parameter. A network with a million weights would need two million passes for one step
# of training. Backpropagation gets all the slopes from one forward and one backward
# pass; the next pages derive how.
