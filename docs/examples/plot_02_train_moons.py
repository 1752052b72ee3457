"""
``backproplab train`` on the moons
==================================

``backproplab train`` does for any network and data set what the demo does for the
circles. Here: two interleaved half-moons, a [2, 8, 8, 1] tanh network with the
cross-entropy cost, trained from the command line and inspected from Python.
"""

# %%
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from backproplab import Network, datasets
from backproplab.viz import plot_decision_boundary

out = Path(tempfile.mkdtemp()) / "moons-run"
command = ["train", "--data", "moons", "--layers", "2,8,8,1", "--activation", "tanh",
           "--cost", "cross-entropy", "--epochs", "30", "--batch-size", "20",
           "--eta", "0.5", "--seed", "1", "--frames", "8", "--out", str(out)]
print("backproplab", " ".join(command))
result = subprocess.run([sys.executable, "-m", "backproplab", *command],
                        capture_output=True, text=True, check=True)
print(result.stdout[-800:])

# %%
# The model file remembers how the inputs were scaled (``train`` standardises them by
# default); ``return_extra=True`` gives that back with the network.
net, extra = Network.load(out / "model.npz", return_extra=True)
print(json.dumps({k: extra[k] for k in sorted(extra) if k != "scaling"}, indent=1)[:400])
X, y = datasets.moons()
if extra.get("scaling"):
    mean, std = extra["scaling"]["mean"], extra["scaling"]["std"]
    X = (X - mean) / std
print(f"accuracy on the moons: {net.accuracy(X, y):.1%}")
plot_decision_boundary(net, X, y, title="moons, standardised inputs")
plt.show()
