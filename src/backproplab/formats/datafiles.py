"""Data from files, read without trusting them: IDX files (MNIST, raw or ``.gz``) and CSV.

Every reader checks a declared size against the file's real size and a stated cap
(``MAX_IDX_BYTES``, ``MAX_CSV_FIELD``) before allocating, opens regular files only, and
raises ``ValueError`` naming the file, and for CSV the physical line, for anything
malformed. :mod:`backproplab.data.datasets` offers them beside the built-in data sets.
"""

from __future__ import annotations

import array
import csv
import gzip
import io
import math
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..validation import check_memory
from .files import open_regular
from .text import quoted, shown, shown_path

#
# Both readers open only regular files (a FIFO or /dev/zero is refused before reading, see
# backproplab.formats.files) and bound what they hold in memory by what they have checked first.

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_IDX_BYTES = 1 << 28  # 256 MiB of data: over five times MNIST's 47 MB of training images
MAX_CSV_FIELD = 1 << 17  # 128 KiB, the csv module's own default limit
MAX_CSV_MAGNITUDE = 1e100  # larger numbers overflow a mean or a square (1e308 is the end)


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
                    raise ValueError(f"{shown_path(path)}: damaged gzip data ({exc})") from None
        return _read_idx_stream(raw, path, max_bytes, raw_size=os.fstat(raw.fileno()).st_size)


def _read_idx_stream(f, path: Path, max_bytes: int, raw_size: int | None) -> np.ndarray:
    magic = f.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_TYPES:
        raise ValueError(f"{shown_path(path)} is not an IDX file (bad magic number)")
    ndim = magic[3]
    dims = f.read(4 * ndim)
    if ndim == 0 or len(dims) < 4 * ndim:
        raise ValueError(f"{shown_path(path)}: truncated IDX header")
    shape = tuple(int.from_bytes(dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[magic[2]])
    expected = math.prod(shape) * dtype.itemsize
    if expected > max_bytes:
        raise ValueError(
            f"{shown_path(path)}: header declares shape {shape}, {expected:,} bytes of data, "
            f"more than the limit of {max_bytes:,} (pass max_bytes= to read larger files)"
        )
    header = 4 + 4 * ndim
    if raw_size is not None and raw_size - header != expected:
        raise ValueError(
            f"{shown_path(path)}: header promises {expected} bytes of data for shape {shape}, "
            f"file has {raw_size - header}"
        )
    check_memory(expected, f"{shown_path(path)} (shape {shape})")
    data = np.empty(shape, dtype=dtype)
    view = memoryview(data.reshape(-1)).cast("B")  # flat: a zero dimension casts too
    filled = 0
    while filled < expected:
        n = f.readinto(view[filled:])
        if not n:
            raise ValueError(
                f"{shown_path(path)}: header promises {expected} bytes of data for shape {shape}, "
                f"file has {filled}"
            )
        filled += n
    if f.read(1):
        raise ValueError(f"{shown_path(path)}: more data than the header's shape {shape} holds")
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
            f"{shown_path(images_path)}: MNIST images are three dimensions of unsigned bytes, got "
            f"{images.ndim} dimension(s) of {images.dtype}"
        )
    labels = read_idx(labels_path)
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{shown_path(labels_path)}: MNIST labels are one dimension of unsigned bytes, got "
            f"{labels.ndim} dimension(s) of {labels.dtype}"
        )
    if len(images) != len(labels):
        raise ValueError(f"MNIST files disagree: images {images.shape}, labels {labels.shape}")
    if images.size == 0:
        raise ValueError(f"{shown_path(images_path)}: no images (shape {images.shape})")
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
            raise ValueError(
                f"{shown_path(path)}: empty; needs a header row and at least one data row"
            )
        header = first[1]
        if target is None:
            col = None
        elif isinstance(target, int) and not isinstance(target, bool):
            col = target
        elif target in header:
            col = header.index(target)
        else:
            raise ValueError(
                f"{shown_path(path)}: no column {quoted(target)}; columns are "
                f"{shown(', '.join(header))}"
            )
        if col is not None and not 0 <= col < len(header):
            raise ValueError(f"{shown_path(path)}: target index {col} outside 0..{len(header) - 1}")
        features = [i for i in range(len(header)) if i != col]
        values = array.array("d")  # the features, row after row
        y_text: list[str] = []
        labels: dict[str, str] = {}  # one string per distinct label, shared by its rows
        n_rows = 0
        for line, row in rows:
            if len(row) != len(header):
                raise ValueError(
                    f"{shown_path(path)}, line {line}: {len(row)} fields, header has {len(header)}"
                )
            values.extend(_feature_value(row[i], path, line, header[i]) for i in features)
            n_rows += 1
            if col is not None:  # (a file of features only keeps nothing per row)
                text = _target_value(row[col], path, line, header[col])
                y_text.append(labels.setdefault(text, text))
    if not n_rows:
        raise ValueError(f"{shown_path(path)}: only a header row; needs at least one data row")
    X = np.frombuffer(values, dtype=np.float64).reshape(n_rows, len(features))
    if col is None:
        return X, None
    try:
        numbers = {text: float(text) for text in labels}
    except ValueError:
        longest = max(len(text) for text in labels)
        wide = len(y_text) * 4 * longest > MAX_CSV_FIELD * 64  # a <U array would be huge
        return X, np.array(y_text, dtype=object if wide else None)
    return X, np.fromiter((numbers[text] for text in y_text), np.float64, len(y_text))


def _feature_value(text: str, path, line: int, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{shown_path(path)}, line {line}: a feature is not a number: column "
            f"{quoted(name)} holds {quoted(text, 40)}"
        ) from None
    if not abs(value) <= MAX_CSV_MAGNITUDE:
        raise ValueError(
            f"{shown_path(path)}, line {line}: a feature is not a finite number within "
            f"±{MAX_CSV_MAGNITUDE:g}: column {quoted(name)} holds {quoted(text, 40)}"
        )
    return value


def _target_value(text: str, path, line: int, name: str) -> str:
    """The target field, refusing a missing one and a number that is not finite."""
    if not text.strip():
        raise ValueError(f"{shown_path(path)}, line {line}: the target {quoted(name)} is missing")
    try:
        value = float(text)
    except ValueError:
        return text  # a class label
    if not abs(value) <= MAX_CSV_MAGNITUDE:
        raise ValueError(
            f"{shown_path(path)}, line {line}: the target {quoted(name)} is "
            f"{quoted(text, 40)}, not finite or beyond ±{MAX_CSV_MAGNITUDE:g}"
        )
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
            check_memory(8 * size, f"reading {shown_path(path)} ({size:,} bytes)")
            yield _rows(csv.reader(f), path)
    finally:
        csv.field_size_limit(limit)


def _rows(reader, path) -> Iterator[tuple[int, list[str]]]:
    try:
        for row in reader:
            if any(field.strip() for field in row):
                yield reader.line_num, row
    except csv.Error as exc:
        raise ValueError(f"{shown_path(path)}, line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError:
        raise ValueError(
            f"{shown_path(path)}, after line {reader.line_num}: the text is not UTF-8"
        ) from None
