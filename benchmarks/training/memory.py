"""Memory: what one backproplab epoch must hold (the budget) against the peak resident set
it reaches, measured in a fresh Python process."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from backproplab.network import Network

from .workloads import Array, mnist_like, targets_from_labels


def memory_budget(X: Array, Y: Array, net: Network, batch_size: int) -> int:
    """Bytes training could not do without: the data X and Y, the parameters, and one
    mini-batch's ``z^ℓ`` and ``a^ℓ`` (n_ℓ × m each, ℓ = 1 … L)."""
    params = sum(W.nbytes + b.nbytes for W, b in zip(net.weights, net.biases, strict=True))
    activations = 2 * batch_size * sum(net.sizes[1:]) * net.dtype.itemsize
    return X.nbytes + Y.nbytes + params + activations


def _proc_status_bytes(key: str) -> int | None:
    """A ``kB`` line of /proc/self/status (Linux) in bytes, or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _peak_rss() -> int:
    """The process's peak resident set, in bytes.

    VmHWM (Linux) is this process's own high-water mark. ``ru_maxrss`` is the fallback
    only: it is carried across fork and exec, so a child of a big process reports the
    parent's peak."""
    peak = _proc_status_bytes("VmHWM")
    if peak is None:
        import resource

        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kB elsewhere
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    return peak


def _memory_child(spec: str) -> None:
    """Run by :func:`measure_memory` in a fresh interpreter: build the data, then the
    network, train one epoch, print one JSON line."""
    s = json.loads(spec)
    baseline = _proc_status_bytes("VmRSS") or _peak_rss()  # after numpy, backproplab imports
    dtype = np.dtype(s["dtype"]).type
    sizes, batch_size = s["sizes"], s["batch_size"]
    # Drawn directly in dtype, the targets written into a dtype array: no float64
    # temporary, whose size would otherwise set the peak for float32.
    X, labels = mnist_like(dtype, s["n_samples"], sizes[0], max(sizes[-1], 2))
    Y = targets_from_labels(labels, sizes[-1], dtype)
    net = Network(sizes, seed=0, dtype=dtype)
    budget = memory_budget(X, Y, net, batch_size)
    net.train(X, Y, epochs=1, batch_size=batch_size, eta=s["eta"], shuffle=False, evaluate=False)
    print(json.dumps({"budget": budget, "peak": _peak_rss() - baseline}))


def measure_memory(sizes, n_samples: int, batch_size: int, eta: float, dtype: str) -> dict:
    """Peak RSS of one backproplab epoch on synthetic data, measured in a fresh Python.

    Returns ``{"budget": bytes, "peak": bytes}``: ``peak`` is the process's peak resident
    set after training minus its resident set just after ``import numpy, backproplab``;
    ``budget`` is :func:`memory_budget`.
    """
    spec = json.dumps(
        {
            "sizes": list(sizes),
            "n_samples": n_samples,
            "batch_size": batch_size,
            "eta": eta,
            "dtype": dtype,
        }
    )
    code = f"import sys; from {__name__} import _memory_child; _memory_child(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, spec], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory measurement failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
