"""Data sets: the notebook's toy data, the usual 2-D pictures, and real ones that ship offline.

Every loader returns ``(X, y)`` with X of shape (n_samples, n_features) — the NumPy and
scikit-learn layout — and y of shape (n_samples,): class labels, or for the regression data
sets (:data:`REGRESSION`: ``plane``, ``gauss``) a real-valued target. Randomness comes only
from ``seed`` (a whole number or a ``numpy.random.Generator``).

>>> X, y = load("circles", n_samples=100)
>>> X.shape, sorted(set(y.tolist()))
((100, 2), [0, 1])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn import datasets as _sk
from sklearn.preprocessing import StandardScaler

from ..formats.datafiles import MAX_CSV_FIELD, MAX_IDX_BYTES, load_csv, load_mnist, read_idx
from .labels import one_hot

__all__ = [
    "DATASETS",
    "REGRESSION",
    "StandardScaler",
    "blobs",
    "circles",
    "digits",
    "gauss",
    "iris",
    "load",
    "MAX_CSV_FIELD",
    "MAX_IDX_BYTES",
    "load_csv",
    "load_mnist",
    "read_idx",
    "moons",
    "one_hot",
    "plane",
    "spirals",
    "standardize",
    "toy",
    "xor",
]


def _check_n(n_samples, minimum: int = 1) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise TypeError(f"n_samples must be an integer, got {n_samples!r}")
    if n_samples < minimum:
        raise ValueError(f"n_samples must be at least {minimum}, got {n_samples}")
    return int(n_samples)


def _check_noise(noise) -> float:
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    return float(noise)


def toy(n_samples: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's 1-D step: ``n_samples`` points evenly spaced on [−5, 5], label −1 for
    x ≤ 0 and +1 for x > 0. X is (n_samples, 1)."""
    n = _check_n(n_samples, 2)
    X = np.linspace(-5, 5, n).reshape(n, 1)
    return X, np.where(X[:, 0] > 0, 1, -1)


def _check_shuffle(shuffle) -> bool:
    if not isinstance(shuffle, bool | np.bool_):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    return bool(shuffle)


def circles(n_samples=1000, noise=0.1, factor=0.3, seed=0, shuffle=True):
    """Two concentric rings (scikit-learn's ``make_circles``): class 1 is the inner ring.
    ``shuffle=False`` keeps the outer ring's samples first, each ring in angle order."""
    return _sk.make_circles(
        n_samples=_check_n(n_samples, 2),
        noise=_check_noise(noise),
        factor=factor,
        random_state=seed,
        shuffle=_check_shuffle(shuffle),
    )


def moons(n_samples=1000, noise=0.1, seed=0, shuffle=True):
    """Two interleaving half circles (scikit-learn's ``make_moons``); ``shuffle=False``
    keeps class 0's samples first."""
    return _sk.make_moons(
        n_samples=_check_n(n_samples, 2),
        noise=_check_noise(noise),
        random_state=seed,
        shuffle=_check_shuffle(shuffle),
    )


def xor(n_samples=1000, noise=0.1, seed=0):
    """Points uniform on [−1, 1]², class 1 where x₁ and x₂ have opposite signs, then
    Gaussian noise of standard deviation ``noise`` added to the coordinates."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (_check_n(n_samples), 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(int)
    return X + _check_noise(noise) * rng.standard_normal(X.shape), y


def spirals(n_samples=1000, noise=0.1, arms=2, seed=0):
    """``arms`` interleaved spirals, one class each, turning 1.5 times from the centre."""
    if isinstance(arms, bool) or not isinstance(arms, int | np.integer) or arms < 2:
        raise ValueError(f"arms must be an integer >= 2, got {arms!r}")
    rng = np.random.default_rng(seed)
    n = _check_n(n_samples, arms)
    y = np.arange(n) % arms
    r = rng.uniform(0.05, 1, n)
    theta = 3 * np.pi * r + 2 * np.pi * y / arms
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return X + _check_noise(noise) * 0.1 * rng.standard_normal(X.shape), y


def blobs(n_samples=1000, noise=1.0, centers=3, n_features=2, seed=0, shuffle=True):
    """Gaussian clusters (scikit-learn's ``make_blobs``); ``noise`` is their std;
    ``shuffle=False`` keeps each cluster's samples together, cluster 0 first."""
    return _sk.make_blobs(
        n_samples=_check_n(n_samples),
        centers=centers,
        n_features=n_features,
        cluster_std=_check_noise(noise),
        random_state=seed,
        shuffle=_check_shuffle(shuffle),
    )


def _uniform_square(n_samples, seed) -> tuple[np.ndarray, np.random.Generator]:
    """X (n, 2) uniform on [−1, 1]², and the generator that drew it."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (_check_n(n_samples), 2)), rng


def plane(n_samples=1000, noise=0.1, seed=0):
    """A regression: points uniform on [−1, 1]², target ``y = (x₁ + x₂) / 2`` (in [−1, 1])
    plus Gaussian noise of standard deviation ``noise`` (TensorFlow Playground's
    "plane", scaled to the square).

    >>> X, y = plane(4, noise=0.0)
    >>> bool(np.allclose(y, (X[:, 0] + X[:, 1]) / 2))
    True
    """
    X, rng = _uniform_square(n_samples, seed)
    y = (X[:, 0] + X[:, 1]) / 2
    return X, y + _check_noise(noise) * rng.standard_normal(len(y))


# The bumps of ``gauss``: centre (c₁, c₂) and sign s of each, and their common width w.
GAUSS_BUMPS = ((-0.6, 0.4, 1), (0.0, 0.4, -1), (0.6, 0.4, 1),
               (-0.6, -0.4, -1), (0.0, -0.4, 1), (0.6, -0.4, -1))  # fmt: skip
GAUSS_WIDTH = 0.2


def gauss(n_samples=1000, noise=0.1, seed=0):
    """A regression: points uniform on [−1, 1]², target a sum of six Gaussian bumps of
    alternating sign (:data:`GAUSS_BUMPS`, like TensorFlow Playground's "gauss"),

        y = Σₖ sₖ exp(−‖x − cₖ‖² / (2 w²)),  w = :data:`GAUSS_WIDTH`,

    plus Gaussian noise of standard deviation ``noise``. y lies in about [−1, 1]."""
    X, rng = _uniform_square(n_samples, seed)
    y = np.zeros(len(X))
    for c1, c2, sign in GAUSS_BUMPS:
        r2 = (X[:, 0] - c1) ** 2 + (X[:, 1] - c2) ** 2
        y += sign * np.exp(-r2 / (2 * GAUSS_WIDTH**2))
    return X, y + _check_noise(noise) * rng.standard_normal(len(y))


def digits():
    """scikit-learn's bundled 8×8 handwritten digits, 1797 samples, pixels scaled to [0, 1]."""
    X, y = _sk.load_digits(return_X_y=True)
    return X / 16.0, y


def iris():
    """scikit-learn's bundled iris measurements: 150 samples, 4 features, 3 species."""
    return _sk.load_iris(return_X_y=True)


DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "toy": toy,
    "circles": circles,
    "moons": moons,
    "xor": xor,
    "spirals": spirals,
    "blobs": blobs,
    "digits": digits,
    "iris": iris,
    "plane": plane,
    "gauss": gauss,
}
REGRESSION = ("plane", "gauss")  # the data sets whose targets are real numbers, not classes


def options_of(name: str) -> tuple[str, ...]:
    """The options data set ``name`` takes, e.g. ``("n_samples", "noise", "factor", "seed")``."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    code = DATASETS[name].__code__
    return code.co_varnames[: code.co_argcount]


def load(name: str, **options) -> tuple[np.ndarray, np.ndarray]:
    """Load a data set by name; options left as None take the loader's default.

    Raises:
        ValueError: for an unknown name or an option the data set does not take.
    """
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(options_of(name)))
    if unknown:
        raise ValueError(f"data set {name!r} takes no option {', '.join(unknown)}")
    return DATASETS[name](**given)


def standardize(X, mean=None, std=None):
    """``(X − mean) / std`` per feature; returns ``(X_std, mean, std)``. Constant
    features keep std 1. Pass a training set's mean and std to scale new data alike."""
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0) if mean is None else np.asarray(mean)
    std = X.std(axis=0) if std is None else np.asarray(std)
    std = np.where(std == 0, 1.0, std)
    return (X - mean) / std, mean, std
