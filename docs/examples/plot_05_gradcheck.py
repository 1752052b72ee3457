"""
Gradient checking any network
=============================

:func:`~backproplab.checking.gradcheck.gradcheck` compares backprop's gradient with centred finite
differences, in float64 on a copy of the network, and reports the relative error
‖Δ − g‖ / (‖Δ‖ + ‖g‖) overall and layer by layer. Here it checks every pairing of a
hidden activation and an output cost the library offers.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, gradcheck

X, y = datasets.blobs(n_samples=40, centers=3, seed=0)
onehot = np.eye(3)[y]
cases = {}
for hidden in ("sigmoid", "tanh", "relu", "leaky_relu"):
    cases[f"{hidden} + quadratic"] = Network([2, 5, 3], activation=hidden, seed=0)
    cases[f"{hidden} + softmax/cross-entropy"] = Network(
        [2, 5, 3], activation=hidden, output_activation="softmax", cost="cross_entropy",
        seed=0)
errors = {}
for name, net in cases.items():
    report = gradcheck(net, X, onehot)
    errors[name] = report.relative_error
    print(f"{name:<32} {report.verdict:<13} {report.relative_error:.1e}")
    assert report.passed

# %%
# One full report, as ``print`` shows it:
print(gradcheck(cases["tanh + softmax/cross-entropy"], X, onehot))

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(list(errors), list(errors.values()))
ax.axvline(1e-7, color="k", ls="--", lw=1, label="threshold (float64)")
ax.set_xscale("log")
ax.set_xlabel("relative error")
ax.legend(fontsize=8)
ax.set_title("gradient check of every pairing")
plt.show()
