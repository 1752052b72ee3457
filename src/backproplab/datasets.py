"""Data sets: the seed's toy data, the usual 2-D pictures, and real ones that ship offline.

Every loader returns ``(X, y)`` with X of shape (n_samples, n_features) — the NumPy and
scikit-learn layout — and y of shape (n_samples,). Randomness comes only from ``seed``.

>>> X, y = load("circles", n_samples=100)
>>> X.shape, sorted(set(y.tolist()))
((100, 2), [0, 1])
"""

from __future__ import annotations

import array
import csv
import gzip
import io
import math
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn import datasets as _sk
from sklearn.preprocessing import StandardScaler

from .files import open_regular
from .labels import one_hot
from .validation import check_memory

__all__ = [
    "DATASETS",
    "StandardScaler",
    "blobs",
    "circles",
    "digits",
    "iris",
    "load",
    "load_csv",
    "load_mnist",
    "moons",
    "one_hot",
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
    """The seed's 1-D step: ``n_samples`` points evenly spaced on [−5, 5], label −1 for
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
}


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


# -- files ---------------------------------------------------------------------------------
#
# Both readers open only regular files (a FIFO or /dev/zero is refused before reading, see
# backproplab.files) and bound what they hold in memory by what they have checked first.

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_IDX_BYTES = 1 << 28  # 256 MiB of data: over five times MNIST's 47 MB of training images
MAX_CSV_FIELD = 1 << 17  # 128 KiB, the csv module's own default limit


def read_idx(path, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read one IDX file (the MNIST format), raw or gzip-compressed.

    The header's declared shape is checked against ``max_bytes`` and, for a raw file, the
    file's real size before anything is allocated; a ``.gz`` file is decompressed into an
    array of the declared size and no further, and must then end.

    Raises:
        ValueError: for anything but a regular file holding exactly what its header says,
            or a declared size over ``max_bytes``.
        OSError: if the file cannot be opened or read.
    """
    path = Path(path)
    with open_regular(path) as raw:
        if path.suffix == ".gz":
            with gzip.GzipFile(fileobj=raw) as f:
                try:
                    return _read_idx_stream(f, path, max_bytes, raw_size=None)
                except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
                    raise ValueError(f"{path}: damaged gzip data ({exc})") from None
        return _read_idx_stream(raw, path, max_bytes, raw_size=os.fstat(raw.fileno()).st_size)


def _read_idx_stream(f, path: Path, max_bytes: int, raw_size: int | None) -> np.ndarray:
    magic = f.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    ndim = magic[3]
    dims = f.read(4 * ndim)
    if ndim == 0 or len(dims) < 4 * ndim:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[magic[2]])
    expected = math.prod(shape) * dtype.itemsize
    if expected > max_bytes:
        raise ValueError(
            f"{path}: header declares shape {shape}, {expected:,} bytes of data, more than "
            f"the limit of {max_bytes:,} (pass max_bytes= to read larger files)"
        )
    header = 4 + 4 * ndim
    if raw_size is not None and raw_size - header != expected:
        raise ValueError(
            f"{path}: header promises {expected} bytes of data for shape {shape}, "
            f"file has {raw_size - header}"
        )
    check_memory(expected, f"{path} (shape {shape})")
    data = np.empty(shape, dtype=dtype)
    view = memoryview(data).cast("B")
    filled = 0
    while filled < expected:
        n = f.readinto(view[filled:])
        if not n:
            raise ValueError(
                f"{path}: header promises {expected} bytes of data for shape {shape}, "
                f"file has {filled}"
            )
        filled += n
    if f.read(1):
        raise ValueError(f"{path}: more data than the header's shape {shape} holds")
    return data


def _find(directory: Path, stem: str) -> Path:
    for name in (
        stem,
        stem + ".gz",
        stem.replace("-idx", ".idx"),
        stem.replace("-idx", ".idx") + ".gz",
    ):
        if (directory / name).exists():
            return directory / name
    raise FileNotFoundError(f"no {stem}[.gz] in {directory}")


def load_mnist(directory, kind: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """MNIST from the standard IDX files a user has downloaded into ``directory``.

    Args:
        kind: ``"train"`` (train-images-idx3-ubyte, train-labels-idx1-ubyte) or ``"t10k"``
            (the test set); each file raw or ``.gz``.

    Returns:
        X of shape (n, rows·cols) scaled to [0, 1], and integer labels y of shape (n,).

    Raises:
        ValueError: if a file is damaged, declares more than ``MAX_IDX_BYTES`` or more
            memory than the machine has, or holds anything but unsigned bytes (floats,
            whose NaN would become an absurd label, are refused), or the files disagree.
    """
    if kind not in ("train", "t10k"):
        raise ValueError(f"kind must be 'train' or 't10k', got {kind!r}")
    directory = Path(directory)
    images_path = _find(directory, f"{kind}-images-idx3-ubyte")
    labels_path = _find(directory, f"{kind}-labels-idx1-ubyte")
    images = read_idx(images_path)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"{images_path}: MNIST images are three dimensions of unsigned bytes, got "
            f"{images.ndim} dimension(s) of {images.dtype}"
        )
    labels = read_idx(labels_path)
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{labels_path}: MNIST labels are one dimension of unsigned bytes, got "
            f"{labels.ndim} dimension(s) of {labels.dtype}"
        )
    if len(images) != len(labels):
        raise ValueError(f"MNIST files disagree: images {images.shape}, labels {labels.shape}")
    check_memory(images.size * 8, f"MNIST images {images.shape} as float64")
    X = images.reshape(len(images), -1).astype(np.float64)
    X /= 255.0  # in place: no second float64 copy
    return X, labels.astype(np.int64)


def load_csv(path, target) -> tuple[np.ndarray, np.ndarray | None]:
    """A CSV file with a header row: every column but ``target`` is a numeric feature.

    The file is read as UTF-8 (a byte-order mark before the header is dropped). Blank
    lines are skipped, and line numbers in messages count them, as an editor does. Rows
    are converted as they are read, so memory stays within a few times the file's size
    (checked against the machine's before reading).

    Args:
        target: the target column's name (or its 0-based index); None for a file of
            features only (new samples to predict).

    Returns:
        X (n_samples, n_features) as floats; y as floats if every target value is a
        number, else as strings (class labels; an object array if the labels are long);
        y is None when ``target`` is None.

    Raises:
        ValueError: naming the line, for a row of the wrong length, a feature that is not
            a finite number, a missing (empty) target or one that is NaN or infinite, a
            field longer than ``MAX_CSV_FIELD`` characters, text that is not UTF-8, or a
            file with no data rows.
    """
    path = os.fspath(path)
    with _csv_rows(path) as rows:
        first = next(rows, None)
        if first is None:
            raise ValueError(f"{path}: empty; needs a header row and at least one data row")
        header = first[1]
        if target is None:
            col = None
        elif isinstance(target, int) and not isinstance(target, bool):
            col = target
        elif target in header:
            col = header.index(target)
        else:
            raise ValueError(f"{path}: no column {target!r}; columns are {', '.join(header)}")
        if col is not None and not 0 <= col < len(header):
            raise ValueError(f"{path}: target index {col} outside 0..{len(header) - 1}")
        features = [i for i in range(len(header)) if i != col]
        values = array.array("d")  # the features, row after row
        y_text: list[str] = []
        labels: dict[str, str] = {}  # one string per distinct label, shared by its rows
        for line, row in rows:
            if len(row) != len(header):
                raise ValueError(
                    f"{path}, line {line}: {len(row)} fields, header has {len(header)}"
                )
            values.extend(_feature_value(row[i], path, line, header[i]) for i in features)
            text = "" if col is None else _target_value(row[col], path, line, header[col])
            y_text.append(labels.setdefault(text, text))
    if not y_text:
        raise ValueError(f"{path}: only a header row; needs at least one data row")
    X = np.frombuffer(values, dtype=np.float64).reshape(len(y_text), len(features))
    if col is None:
        return X, None
    try:
        numbers = {text: float(text) for text in labels}
    except ValueError:
        longest = max(len(text) for text in labels)
        wide = len(y_text) * 4 * longest > MAX_CSV_FIELD * 64  # a <U array would be huge
        return X, np.array(y_text, dtype=object if wide else None)
    return X, np.fromiter((numbers[text] for text in y_text), np.float64, len(y_text))


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "..."


def _feature_value(text: str, path, line: int, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{path}, line {line}: a feature is not a number: column {name!r} holds {_clip(text)!r}"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{path}, line {line}: a feature is not a finite number: column {name!r} holds {text!r}"
        )
    return value


def _target_value(text: str, path, line: int, name: str) -> str:
    """The target field, refusing a missing one and a number that is not finite."""
    if not text.strip():
        raise ValueError(f"{path}, line {line}: the target {name!r} is missing")
    try:
        value = float(text)
    except ValueError:
        return text  # a class label
    if not math.isfinite(value):
        raise ValueError(f"{path}, line {line}: the target {name!r} is {text!r}, not finite")
    return text


@contextmanager
def _csv_rows(path) -> Iterator[Iterator[tuple[int, list[str]]]]:
    """The non-blank rows, header first, each with the (physical) line it ends on.

    Every number takes 8 bytes and at least 2 of the file (a digit and a comma), each row
    an 8-byte reference to its label and 8 bytes of y: under 8 times the file's size, the
    distinct labels included.
    """
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_CSV_FIELD)
        with (
            open_regular(path) as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as f,
        ):
            size = os.fstat(raw.fileno()).st_size
            check_memory(8 * size, f"reading {path} ({size:,} bytes)")
            yield _rows(csv.reader(f), path)
    finally:
        csv.field_size_limit(limit)


def _rows(reader, path) -> Iterator[tuple[int, list[str]]]:
    try:
        for row in reader:
            if any(field.strip() for field in row):
                yield reader.line_num, row
    except csv.Error as exc:
        raise ValueError(f"{path}, line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}, after line {reader.line_num}: the text is not UTF-8") from None
