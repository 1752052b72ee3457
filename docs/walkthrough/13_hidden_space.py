# %% [markdown]
# # 13. The hidden space during training
#
# {download}`Download this page as a notebook <_notebooks/13_hidden_space.ipynb>`
#
# The network of the circles, [2, 3, 3, 1], has a second hidden layer of three neurons,
# so every sample has a position $a^2 \in (0, 1)^3$ in that layer: the *hidden
# representation*. The output neuron sees nothing else, and it can only draw a plane,
# $w \cdot a^2 + b = 0$. Training has to move the samples in this space until a plane
# separates the two rings. {class}`~backproplab.training.callbacks.Recorder` keeps
# snapshots of chosen layers while {meth}`~backproplab.network.Network.train` runs.

# %%
import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets
from backproplab.training.callbacks import Recorder

X, y = datasets.circles()  # 1000 samples
net = Network([2, 3, 3, 1], seed=0)
recorder = Recorder(X, layers=[2], every=1000, Y=y)
history = net.train(X, y, epochs=200, batch_size=10, eta=3.0, seed=0, callbacks=[recorder])
print(f"{len(recorder.snapshots)} snapshots; accuracy at the end: {net.accuracy(X, y):.1%}")

# %% [markdown]
# Three moments — before the first step, part-way, and at the end — with the output
# neuron's plane of that moment:

# %%
moments = [recorder.snapshots[0], recorder.snapshots[len(recorder.snapshots) // 3],
           recorder.snapshots[-1]]
fig = plt.figure(figsize=(13, 4.3))
for n, snap in enumerate(moments, start=1):
    ax = fig.add_subplot(1, 3, n, projection="3d")
    a2 = snap.layers[2]  # (n_samples, 3)
    for label, color in ((0, "#d62728"), (1, "#1f77b4")):
        pts = a2[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], pts[:, 2], s=5, c=color)
    w, b = snap.weights[-1][0], snap.biases[-1][0, 0]
    if abs(w[2]) > 1e-9:  # the plane w·a + b = 0, solved for a_3
        g1, g2 = np.meshgrid(np.linspace(0, 1, 10), np.linspace(0, 1, 10))
        g3 = -(w[0] * g1 + w[1] * g2 + b) / w[2]
        g3[(g3 < 0) | (g3 > 1)] = np.nan
        ax.plot_surface(g1, g2, g3, alpha=0.25, color="0.4")
    ax.set(xlim=(0, 1), ylim=(0, 1), zlim=(0, 1), xlabel="$a^2_1$", ylabel="$a^2_2$",
           zlabel="$a^2_3$", title=f"step {snap.step} (epoch {snap.epoch:.0f})")
    ax.view_init(elev=20, azim=-60)
plt.show()

# %% [markdown]
# ## The interactive report and the animation
#
# `backproplab train` records a run like this one and writes an interactive report (every
# panel at the same moment, chosen with the slider; the 3-D view can be turned) and a
# GIF of the hidden space. The report below was written when this page was built, by
# the command in the next cell; it carries its own copy of plotly.js, so it needs no
# network.

# %%
import subprocess
import sys
from pathlib import Path

from IPython.display import HTML, Image, display

# Building the documentation, the run goes where the site is assembled; in a notebook of
# your own, into ./hidden-space next to it.
built_site = Path("..") / "_generated" / "site"
site = (built_site if built_site.is_dir() else Path(".")) / "hidden-space"
src = "../hidden-space/report.html" if built_site.is_dir() else "hidden-space/report.html"
command = [sys.executable, "-m", "backproplab", "train", "--data", "circles",
           "--layers", "2,3,3,1", "--samples", "400", "--epochs", "100", "--frames", "24",
           "--seed", "0", "--quiet", "--force", "--out", str(site)]
print(" ".join(["backproplab", *command[3:-1], "hidden-space"]))
subprocess.run(command, check=True)
print(sorted(p.name for p in site.iterdir() if not p.name.startswith(".")))

# %%
gif = site / "hidden.gif"
if gif.exists():
    display(Image(data=gif.read_bytes(), format="gif"))

# %%
if (site / "report.html").exists():
    display(HTML(f'<iframe src="{src}" title="the interactive report" '
                 'style="width: 100%; height: 1300px; border: 1px solid #ccc"></iframe>'))
