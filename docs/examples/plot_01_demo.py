"""
The demo: watch a network learn the circles
===========================================

``make demo`` runs ``backproplab demo``: it trains the notebook's [2, 3, 3, 1] sigmoid
network on the circles and writes an interactive report, a GIF of the hidden layer, the
run, the model and the history into ``backproplab-demo/``. The same run, shortened (fewer
epochs and frames) so that this page builds quickly, and then read back from its files.
"""

# %%
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from backproplab import Network, datasets
from backproplab.viz import plot_decision_boundary

out = Path(tempfile.mkdtemp()) / "backproplab-demo"
subprocess.run(
    [sys.executable, "-m", "backproplab", "demo", "--epochs", "40", "--frames", "10",
     "--quiet", "--out", str(out)],
    check=True,
)
for path in sorted(out.iterdir()):
    if not path.name.startswith("."):
        print(f"{path.name:<14} {path.stat().st_size / 1e6:6.2f} MB")

# %%
# ``model.npz`` is the trained network: :meth:`~backproplab.network.Network.load` reads it back.
net = Network.load(out / "model.npz")
X, y = datasets.circles()
print(f"{net!r}: training accuracy {net.accuracy(X, y):.1%}")
plot_decision_boundary(net, X, y, title="the demo's network, loaded from model.npz")
plt.show()

# %%
# ``hidden.gif`` shows the hidden layer frame by frame; here is its last frame.
from PIL import Image

with Image.open(out / "hidden.gif") as gif:
    gif.seek(gif.n_frames - 1)
    last = gif.convert("RGB")
fig, ax = plt.subplots(figsize=(6, 5))
ax.imshow(last)
ax.set_axis_off()
ax.set_title("hidden.gif, last frame")
plt.show()
