"""
MNIST from IDX files
====================

:func:`~backproplab.formats.datafiles.load_mnist` reads the standard MNIST files (IDX
format, raw or gzipped) from a folder where they were downloaded. This example needs no
download: it writes a tiny IDX pair itself — 600 8×8 digits from scikit-learn, scaled to
bytes — reads it back as MNIST and trains Nielsen's kind of network on it.
"""

# %%
import gzip
import struct
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from backproplab import Network
from backproplab.formats.datafiles import load_mnist, read_idx


def write_idx(path, array):
    """IDX: two zero bytes, the type (0x08: unsigned byte), the rank, then each size as a
    big-endian 32-bit integer, then the data."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += b"".join(struct.pack(">I", n) for n in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


digits = load_digits()
images = np.round(digits.images[:600] * 255 / 16)  # (600, 8, 8), values 0–255
folder = Path(tempfile.mkdtemp())
write_idx(folder / "train-images-idx3-ubyte.gz", images)
write_idx(folder / "train-labels-idx1-ubyte.gz", digits.target[:600])

print("read_idx:", read_idx(folder / "train-images-idx3-ubyte.gz").shape)
X, y = load_mnist(folder)
print("load_mnist:", X.shape, X.dtype, "in", (X.min(), X.max()), "labels", y[:10])

# %%
net = Network([64, 30, 10], seed=0)  # one sigmoid output per digit, as Nielsen's
targets = np.eye(10)[y]
history = net.train(X[:500], targets[:500], epochs=30, batch_size=10, eta=3.0, seed=0)
print(f"accuracy: training {net.accuracy(X[:500], targets[:500]):.1%}, "
      f"held out {net.accuracy(X[500:], targets[500:]):.1%}")

fig, axes = plt.subplots(2, 8, figsize=(10, 3))
guesses = net.predict(X[500:516]).argmax(axis=1)
for ax, image, guess, truth in zip(axes.ravel(), X[500:516], guesses, y[500:516]):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{guess}" + ("" if guess == truth else f" ({truth})"),
                 color="k" if guess == truth else "r", fontsize=9)
    ax.set_axis_off()
fig.suptitle("held-out digits and the network's answer (true label in brackets if wrong)")
plt.show()
