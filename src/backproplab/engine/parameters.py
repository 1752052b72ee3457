"""Every parameter of a network as one vector θ, and the lists of W and b as views of it.

``θ`` holds every ``W^ℓ`` row by row, then every ``b^ℓ``: the order of :func:`flatten`.
A :class:`Network <backproplab.network.Network>` keeps its parameters this way from the
start, so that ``net.weights[ℓ−1]`` is a view of ``θ`` and an update ``θ ← θ − η g`` of
the whole vector is a single NumPy operation that every array taken from the network sees.

>>> import numpy as np
>>> theta, weights, biases = as_views([np.ones((2, 3))], [np.zeros((2, 1))], np.float64)
>>> theta.shape, np.shares_memory(theta, weights[0])
((8,), True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Array = np.ndarray


def flatten(weights: Sequence[Array], biases: Sequence[Array]) -> Array:
    """All parameters as one new vector: every ``W^ℓ.ravel()`` in order, then every ``b^ℓ``."""
    return np.concatenate([np.ravel(p) for p in [*weights, *biases]])


def views(vector: Array, shapes: Sequence[tuple[int, ...]]) -> list[Array]:
    """Consecutive pieces of ``vector`` reshaped to ``shapes`` (views, not copies)."""
    out, offset = [], 0
    for shape in shapes:
        size = math.prod(shape)
        out.append(vector[offset : offset + size].reshape(shape))
        offset += size
    return out


def unflatten(theta: Array, weights: Sequence[Array], biases: Sequence[Array]):
    """Cut ``theta`` into new arrays shaped like ``weights`` and ``biases`` (used for their
    shapes and dtypes only): the inverse of :func:`flatten`."""
    theta = np.asarray(theta)
    templates = [*weights, *biases]
    total = sum(np.size(p) for p in templates)
    if theta.shape != (total,):
        raise ValueError(
            f"theta must have shape ({total},) for these parameters, got {theta.shape}"
        )
    pieces = views(theta, [np.shape(p) for p in templates])
    arrays = [piece.astype(p.dtype, copy=True) for piece, p in zip(pieces, templates, strict=True)]
    return arrays[: len(weights)], arrays[len(weights) :]


def as_views(weights: Sequence[Array], biases: Sequence[Array], dtype):
    """``(theta, weights, biases)``: a new vector holding copies of the given arrays, and
    lists of views of it shaped like them."""
    theta = flatten(weights, biases).astype(dtype, copy=False)
    pieces = views(theta, [np.shape(p) for p in [*weights, *biases]])
    return theta, pieces[: len(weights)], pieces[len(weights) :]


def are_views_of(theta: Array, weights: Sequence[Array], biases: Sequence[Array]) -> bool:
    """Whether the lists still hold exactly the writable views :func:`as_views` made of
    ``theta`` (False once an array in them was replaced by another or made read-only)."""
    offset = 0
    for p in [*weights, *biases]:
        if p.base is not theta or not p.flags.writeable:
            return False
        if p.ctypes.data != theta[offset:].ctypes.data or not p.flags.c_contiguous:
            return False
        offset += p.size
    return offset == theta.size
