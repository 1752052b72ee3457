"""A shape trace of backprop: what every quantity looks like, layer by layer.

:func:`trace` returns a table from the output layer back to the first, one row per layer
ℓ, with the shapes of ``z^ℓ``, ``a^ℓ``, ``a^{ℓ−1}``, ``δ^ℓ``, ``∂C/∂b^ℓ`` and ``∂C/∂W^ℓ``
and the equation that gives ``δ^ℓ``. With one column per sample, z, a and δ have
n_samples columns while the gradients, averaged over the samples, have the shapes of b
and W. Nothing here prints: the command line prints the text.

>>> import numpy as np
>>> from backproplab import Network
>>> print(trace(Network([2, 3, 1], seed=0), np.zeros((4, 2)), np.zeros(4)).splitlines()[3])
2      (1, 4)  (1, 4)  (3, 4)  (1, 4)  (1, 1)  (1, 3)  BP1 (output error)
"""

from __future__ import annotations


def format_trace(net, zs, activations, deltas, grads) -> str:
    """The trace table as text (see the module docstring); the arguments are a forward
    pass and what :func:`backproplab.engine.backward.backprop` returned with its deltas."""
    grads_w, grads_b = grads
    m = activations[0].shape[1]
    L = len(zs)
    header = ["layer", "z", "a", "a_prev", "delta", "dC/db", "dC/dW", "equation"]
    rows = []
    for i in range(L - 1, -1, -1):  # i = ℓ − 1, output layer first
        ell = i + 1
        eq = "BP1 (output error)" if ell == L else "BP2 (from layer above)"
        shapes = (zs[i], activations[ell], activations[i], deltas[i], grads_b[i], grads_w[i])
        rows.append([str(ell), *(str(x.shape) for x in shapes), eq])
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    sample = "1 sample" if m == 1 else f"a batch of {m} samples"
    lines = [
        f"backprop trace of {net!r} on {sample} (one column per sample)",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def trace(net, X, Y) -> str:
    """Backprop ``net`` on X (n_samples, n_features) and Y, and return the shape trace."""
    zs, activations = net.feedforward(X)
    grads_w, grads_b, deltas = net.backprop(X, Y, return_deltas=True)
    return format_trace(net, zs, activations, deltas, (grads_w, grads_b))
