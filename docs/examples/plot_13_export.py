"""
Graduating to PyTorch and ONNX
==============================

``net.to_torch()`` gives a ``torch.nn.Sequential`` holding copies of the weights (same
orientation: ``Linear.weight`` is (n_out, n_in), like W), and ``Network.from_torch``
reads one back. ``net.to_onnx(path)`` writes a standard ONNX model that onnxruntime runs.
Both need optional extras (``pip install -e ".[torch,export]"``); without them this
example says so and stops.
"""

# %%
import importlib.util
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets

X, y = datasets.circles(n_samples=400, seed=0)
net = Network([2, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
net.train(X, y, epochs=40, batch_size=10, eta=1.0, seed=0)
ours = net.predict(X)[:, 0]
outputs = {}

if importlib.util.find_spec("torch") is None:
    print("PyTorch is not installed: skipping the PyTorch part")
else:
    import torch

    module = net.to_torch()
    print(module)
    with torch.no_grad():
        outputs["PyTorch"] = module(torch.from_numpy(X)).numpy()[:, 0]
    back = Network.from_torch(module, cost="quadratic")
    assert all(np.array_equal(p, q) for p, q in zip(back.weights, net.weights))

if importlib.util.find_spec("onnx") is None or importlib.util.find_spec("onnxruntime") is None:
    print("onnx or onnxruntime is not installed: skipping the ONNX part")
else:
    import onnxruntime

    path = Path(tempfile.mkdtemp()) / "circles.onnx"
    net.to_onnx(path)
    session = onnxruntime.InferenceSession(str(path))
    outputs["ONNX Runtime"] = session.run(None, {"X": X})[0][:, 0]

for name, values in outputs.items():
    print(f"{name}: largest difference from Network.predict {np.max(np.abs(values - ours)):.1e}")
    assert np.max(np.abs(values - ours)) < 1e-10

# %%
if outputs:
    fig, axes = plt.subplots(1, len(outputs), figsize=(5 * len(outputs), 4), squeeze=False)
    for ax, (name, values) in zip(axes[0], outputs.items()):
        ax.scatter(ours, values, s=6)
        ax.plot([0, 1], [0, 1], c="0.6", lw=0.8)
        ax.set(xlabel="Network.predict", ylabel=name, title=f"{name} against backproplab")
    plt.show()
