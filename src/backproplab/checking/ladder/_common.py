"""Input checks shared by the rungs: float64 parameters, X (n, n_in), Y (n, n_out)."""

from __future__ import annotations

import numpy as np

from ...validation import check_XY


def check_rung_arguments(weights, biases, X, Y):
    """Validate a rung's arguments; return float64 copies and Y as (n_samples, n_out)."""
    weights = [np.array(W, dtype=np.float64) for W in weights]
    biases = [np.array(b, dtype=np.float64) for b in biases]
    if len(weights) != len(biases) or not weights:
        raise ValueError(
            f"weights and biases must be non-empty lists of equal length, "
            f"got {len(weights)} and {len(biases)}"
        )
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        if W.ndim != 2 or b.shape != (W.shape[0], 1):
            raise ValueError(
                f"layer {i + 1}: W must be 2-D (n_out, n_in) and b (n_out, 1), "
                f"got W {W.shape} and b {b.shape}"
            )
        if i > 0 and W.shape[1] != weights[i - 1].shape[0]:
            raise ValueError(
                f"layer {i + 1}: W has {W.shape[1]} columns but layer {i} has "
                f"{weights[i - 1].shape[0]} neurons"
            )
    X, Y = check_XY(X, Y, weights[0].shape[1], weights[-1].shape[0], np.float64)
    return weights, biases, X, Y
