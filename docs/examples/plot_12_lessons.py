"""
The two lessons: learning slowdown and vanishing gradients
==========================================================

Two small experiments show what goes wrong with plain backprop and why the usual
remedies exist (Nielsen, chapters 3 and 5). :mod:`backproplab.lessons` computes them,
:mod:`backproplab.viz.lessons` draws them, and ``backproplab demo slowdown`` /
``backproplab demo vanishing`` write the same from the shell.
"""

# %%
import matplotlib.pyplot as plt

from backproplab.lessons import learning_slowdown, vanishing_gradients
from backproplab.viz.lessons import plot_slowdown, plot_vanishing

# %%
# **Learning slowdown.** One sigmoid neuron starts saturated (z = 4, a ≈ 0.98) and must
# output 0. BP1 gives δ = ∂C/∂a · σ′(z): with the quadratic cost δ = (a − y) σ′(z) and
# σ′(4) ≈ 0.018, so the neuron that is most wrong learns slowest; cross-entropy's ∂C/∂a
# cancels σ′ and δ = a − y.
s = learning_slowdown()
print(s.summary())
plot_slowdown(s)
plt.show()

# %%
# **Vanishing gradients.** BP2 multiplies the error by one factor per layer on its way
# back. A deep network on the digits, trained three ways; each layer's gradient norm at
# every step, and the first layer's against the last.
v = vanishing_gradients()
for name, run in v.runs.items():
    print(f"{name:>9}: first / last layer gradient {run.first_to_last:.3g}")
plot_vanishing(v)
plt.show()
