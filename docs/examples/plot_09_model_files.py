"""
Model files: saved, loaded, refused
===================================

``net.save(path)`` writes a zip of ``.npy`` arrays and a ``metadata.json`` — plain arrays
and JSON, never pickle. :meth:`~backproplab.network.Network.load` reads it back bit for
bit after checking every member, and refuses anything damaged with a ``ValueError`` that
names the problem.
"""

# %%
import tempfile
import zipfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets

folder = Path(tempfile.mkdtemp())
X, y = datasets.moons(n_samples=300, seed=0)
net = Network([2, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
net.train(X, y, epochs=40, batch_size=10, eta=1.0, seed=0)
net.save(folder / "model.npz")
with zipfile.ZipFile(folder / "model.npz") as zf:
    print("members:", zf.namelist())
    print(zf.read("metadata.json").decode()[:300])

again = Network.load(folder / "model.npz")
same = all(np.array_equal(p, q) for p, q in zip(net.weights + net.biases,
                                                again.weights + again.biases))
print("loaded network equal bit for bit:", same)
assert same and np.array_equal(net.predict(X), again.predict(X))

# %%
# A truncated copy and a file with an unexpected member are refused, with the reason.
data = (folder / "model.npz").read_bytes()
(folder / "truncated.npz").write_bytes(data[: len(data) // 2])
with zipfile.ZipFile(folder / "extra.npz", "w") as zf:
    with zipfile.ZipFile(folder / "model.npz") as original:
        for name in original.namelist():
            zf.writestr(name, original.read(name))
    zf.writestr("payload.pkl", b"not an array")
for name in ("truncated.npz", "extra.npz"):
    try:
        Network.load(folder / name)
    except ValueError as error:
        print(f"{name}: ValueError: {str(error)[:150]}")

# %%
# Each of the network's weight matrices, as saved.
fig, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
for ax, W, title in zip(axes, again.weights, ["W¹ (8 × 2)", "W² (1 × 8)"]):
    image = ax.imshow(W, cmap="RdBu_r", vmin=-np.abs(W).max(), vmax=np.abs(W).max())
    ax.set_title(title)
    fig.colorbar(image, ax=ax)
plt.show()
