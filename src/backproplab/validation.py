"""Checks at the API boundary: shapes, finiteness, hyper-parameters.

Errors are ``ValueError`` or ``TypeError`` whose message names the argument, what was
expected and what came.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np


def check_sizes(sizes: Sequence[int]) -> list[int]:
    """Layer sizes: at least two positive integers."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"sizes must be a list of layer sizes, got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 layers (input and output), got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, Integral):
            raise TypeError(f"layer sizes must be integers, got {s!r} in {sizes}")
        if s < 1:
            raise ValueError(f"layer sizes must be positive, got {s} in {sizes}")
    return [int(s) for s in sizes]


def _finite_float_array(values, name: str, dtype) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric: {exc}") from None
    # A finite sum proves every element finite, with no temporary array the size of the
    # data; only when it is not (NaN, inf, or an overflowing sum) is each element checked.
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(arr) if arr.size else 0.0
    if not np.isfinite(total) and not np.isfinite(arr).all():
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise ValueError(f"{name} contains {bad} values")
    return arr


def check_X(X, n_features: int, dtype) -> np.ndarray:
    """Data X of shape (n_samples, n_features), finite, converted to ``dtype``."""
    X = _finite_float_array(X, "X", dtype)
    if X.ndim != 2:
        hint = " (use X.reshape(-1, 1) for a single feature)" if X.ndim == 1 else ""
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"X has no samples (shape {X.shape})")
    if X.shape[1] != n_features:
        raise ValueError(
            f"X has {X.shape[1]} features but the network's input layer has {n_features}"
        )
    return X


def check_XY(X, Y, n_features: int, n_outputs: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """X as in :func:`check_X`; Y of shape (n_samples,) or (n_samples, n_outputs).

    Returns Y as (n_samples, n_outputs).
    """
    X = check_X(X, n_features, dtype)
    Y = _finite_float_array(Y, "Y", dtype)
    if Y.ndim == 1:
        if n_outputs != 1:
            raise ValueError(
                f"Y is 1-D but the network has {n_outputs} outputs; pass Y of shape "
                f"(n_samples, {n_outputs}) (one-hot encode labels)"
            )
        Y = Y.reshape(-1, 1)
    if Y.ndim != 2:
        raise ValueError(f"Y must be 1-D or 2-D, got shape {Y.shape}")
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but Y has {Y.shape[0]}")
    if Y.shape[1] != n_outputs:
        raise ValueError(f"Y has {Y.shape[1]} columns but the network has {n_outputs} outputs")
    return X, Y


def check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def check_positive_float(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return float(value)


def check_choice(value, name: str, choices) -> str:
    """``value`` if it is one of ``choices`` (names), else a ValueError listing them."""
    if value not in choices:
        known = ", ".join(repr(c) for c in sorted(choices, key=str))
        raise ValueError(f"{name} must be one of {known}, got {value!r}")
    return value


def check_bool(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
