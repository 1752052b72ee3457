"""A shape trace of backprop: what every quantity looks like, layer by layer.

``Network.backprop(X, Y, trace=True)`` (or :func:`trace`) prints a table from the output
layer back to the first, one row per layer ℓ, with the shapes of ``z^ℓ``, ``a^ℓ``,
``a^{ℓ−1}``, ``δ^ℓ``, ``∂C/∂b^ℓ`` and ``∂C/∂W^ℓ``. With one column per sample, z, a and δ
have n_samples columns while the gradients, summed over the samples, have the shapes
of b and W.
"""

from __future__ import annotations

import sys


def format_trace(net, zs, activations, grads) -> str:
    """The trace table as text (see the module docstring)."""
    grads_w, grads_b = grads
    m = activations[0].shape[1]
    L = len(zs)
    header = ["layer", "z", "a", "a_prev", "delta", "dC/db", "dC/dW", "equation"]
    rows = []
    for i in range(L - 1, -1, -1):  # i = ℓ − 1, output layer first
        ell = i + 1
        eq = "BP1 (output error)" if ell == L else "BP2 (from layer above)"
        rows.append(
            [
                str(ell),
                str(zs[i].shape),
                str(activations[ell].shape),
                str(activations[i].shape),
                str(zs[i].shape),
                str(grads_b[i].shape),
                str(grads_w[i].shape),
                eq,
            ]
        )
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    sample = "1 sample" if m == 1 else f"a batch of {m} samples"
    lines = [
        f"backprop trace of {net!r} on {sample} (one column per sample)",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def print_trace(net, zs, activations, grads, file=None) -> None:
    """Print :func:`format_trace` to ``file`` (default: standard output)."""
    print(format_trace(net, zs, activations, grads), file=file if file is not None else sys.stdout)


def trace(net, X, Y, file=None):
    """Run ``net.backprop(X, Y)``, printing the shape trace; returns the gradients."""
    return net.backprop(X, Y, trace=True, file=file)
