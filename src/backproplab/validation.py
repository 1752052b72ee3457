"""Checks at the API boundary: shapes, finiteness, real numbers, memory, hyper-parameters.

Errors are ``ValueError`` or ``TypeError`` whose message names the argument, what was
expected and what came. Data must be real numbers: complex values (whose imaginary part
NumPy would drop with a mere warning), dates and durations (``datetime64``,
``timedelta64``, which NumPy would turn into counts of seconds or days), strings, bytes
and raw records are refused with ``TypeError``.

Memory: :func:`check_memory` refuses, with the size in the message, a request for more
bytes than the machine has (its physical memory, or the address-space limit
``RLIMIT_AS`` when one is set and lower), before anything is allocated;
:func:`check_network_memory` applies it to a network's parameters.
"""

from __future__ import annotations

import math
import os
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


# NumPy dtype kinds that are not real numbers: complex, datetime, timedelta, bytes,
# str, void (records). Booleans, integers and floats pass; object arrays pass only if
# every element converts to a float.
_NOT_REAL = {
    "c": "complex numbers",
    "M": "dates (datetime64)",
    "m": "durations (timedelta64)",
    "S": "bytes",
    "U": "strings",
    "V": "raw records",
}

_NOT_REAL_SCALARS = (complex, np.complexfloating, np.datetime64, np.timedelta64, str, bytes)


def check_real(values, name: str):
    """Refuse ``values`` whose dtype is not real numbers (see the module docstring).

    Returns ``values`` unchanged (an array, or what ``np.asarray`` made of a list).

    >>> check_real(np.array([1 + 2j]), "X")
    Traceback (most recent call last):
    ...
    TypeError: X must hold real numbers, got complex numbers (dtype complex128)
    """
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, np.dtype):
        values = np.asarray(values)
        dtype = values.dtype
    if dtype.kind in _NOT_REAL:
        kind = _NOT_REAL[dtype.kind]
        raise TypeError(f"{name} must hold real numbers, got {kind} (dtype {dtype})")
    if dtype.kind == "O":
        for v in np.asarray(values).flat:
            if isinstance(v, _NOT_REAL_SCALARS):
                raise TypeError(f"{name} must hold real numbers, got {v!r}")
    return values


def _finite_sum(arr: np.ndarray) -> bool:
    """Whether Σ x over the float array is finite: if it is, so is every element, shown
    with no temporary array the size of the data; if not (NaN, inf, or a sum that
    overflows), the caller checks each element. (Not Σ x² as a dot product: on large
    arrays BLAS splits it over threads, which costs milliseconds on a busy machine.)"""
    with np.errstate(over="ignore", invalid="ignore"):
        return math.isfinite(arr.sum())


def _finite_float_array(values, name: str, dtype) -> np.ndarray:
    values = check_real(values, name)
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric: {exc}") from None
    if not _finite_sum(arr) and not np.isfinite(arr).all():
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
    if not math.isfinite(value) or value <= 0:
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


# -- memory -------------------------------------------------------------------------------

# A network needs its parameters, their gradients (the steps) and, while training, one
# vector holding all parameters: about three times the parameters' bytes.
NETWORK_MEMORY_FACTOR = 3


def available_memory() -> int | None:
    """Bytes this process may use at most: the machine's physical memory, or the
    ``RLIMIT_AS`` address-space limit if one is set and smaller. None if unknown."""
    limits = []
    try:
        limits.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        pass
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            limits.append(soft)
    except (ImportError, ValueError, OSError):
        pass
    return min(limits) if limits else None


def format_bytes(n: int) -> str:
    """``1.5 GiB``-style sizes for messages.

    >>> format_bytes(3 * 2**30 // 2), format_bytes(512)
    ('1.5 GiB', '512 bytes')
    """
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def check_memory(n_bytes: int, what: str) -> None:
    """Raise ValueError if ``what`` needs more than :func:`available_memory`.

    >>> check_memory(10**15, "a petabyte of weights")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a petabyte of weights needs about 909.5 TiB of memory, more than the ...
    """
    limit = available_memory()
    if limit is not None and n_bytes > limit:
        raise ValueError(
            f"{what} needs about {format_bytes(n_bytes)} of memory, more than the "
            f"{format_bytes(limit)} this machine has"
        )


def network_bytes(sizes: Sequence[int], dtype=np.float64) -> int:
    """Bytes of a network's parameters: Σ_ℓ sizes[ℓ]·(sizes[ℓ−1] + 1) entries of ``dtype``."""
    sizes = check_sizes(sizes)
    n_params = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))
    return n_params * np.dtype(dtype).itemsize


def check_network_memory(sizes: Sequence[int], dtype=np.float64) -> None:
    """Refuse a network whose parameters, gradients and training copy
    (``NETWORK_MEMORY_FACTOR`` times the parameters) exceed the machine's memory.

    >>> check_network_memory([2, 10**9, 1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a network of sizes [2, 1000000000, 1] (float64) needs about 89.4 GiB of memory, ...
    """
    dtype = np.dtype(dtype)
    n_bytes = NETWORK_MEMORY_FACTOR * network_bytes(sizes, dtype)
    check_memory(n_bytes, f"a network of sizes {list(sizes)} ({dtype.name})")
