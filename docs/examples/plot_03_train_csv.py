"""
Train on a CSV file, then predict and evaluate
==============================================

``--data`` also takes a CSV file with a header; ``--target`` names the label column.
The example writes a small CSV (three classes in four features), trains on it, then uses
``backproplab predict`` and ``backproplab evaluate`` on new rows.
"""

# %%
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from backproplab import datasets

folder = Path(tempfile.mkdtemp())
X, y = datasets.blobs(n_samples=300, centers=3, n_features=4, seed=0)
names = np.array(["red", "green", "blue"])[y]


def write_csv(path, rows, labels):
    lines = ["f1,f2,f3,f4,label"]
    lines += [",".join(f"{v:.5f}" for v in row) + f",{lab}" for row, lab in zip(rows, labels)]
    path.write_text("\n".join(lines) + "\n")


write_csv(folder / "train.csv", X[:240], names[:240])
write_csv(folder / "test.csv", X[240:], names[240:])
print((folder / "train.csv").read_text().splitlines()[:3])


def backproplab(*args):
    done = subprocess.run([sys.executable, "-m", "backproplab", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


print(backproplab("train", "--data", str(folder / "train.csv"), "--target", "label",
                  "--layers", "4,6,3", "--cost", "cross-entropy", "--epochs", "20",
                  "--frames", "5", "--quiet", "--out", str(folder / "run")))
print(backproplab("evaluate", str(folder / "run" / "model.npz"),
                  "--data", str(folder / "test.csv"), "--target", "label"))

# %%
# ``predict`` writes one label per row; here they are counted against the truth.
predictions = backproplab("predict", str(folder / "run" / "model.npz"),
                          "--data", str(folder / "test.csv"), "--target", "label")
predicted = predictions.split()[1:]  # the first line is the column's name
truth = list(names[240:])
labels = ["red", "green", "blue"]
counts = np.zeros((3, 3), dtype=int)
for t, p in zip(truth, predicted):
    counts[labels.index(t), labels.index(p)] += 1
fig, ax = plt.subplots(figsize=(4, 3.6))
ax.imshow(counts, cmap="Blues")
for (i, j), c in np.ndenumerate(counts):
    ax.text(j, i, str(c), ha="center", va="center")
ax.set_xticks(range(3), labels)
ax.set_yticks(range(3), labels)
ax.set_xlabel("predicted")
ax.set_ylabel("true")
ax.set_title("held-out rows")
plt.show()
