"""Model files: plain arrays and JSON, never pickle.

A model file is a zip archive in NumPy's ``.npz`` layout (``np.load`` opens it) holding

- ``W1.npy … WL.npy`` and ``b1.npy … bL.npy``: ``W^ℓ`` of shape (sizes[ℓ], sizes[ℓ−1])
  and ``b^ℓ`` of shape (sizes[ℓ], 1), float32 or float64, nothing else;
- ``metadata.json``: ``{"format": "backproplab.network", "format_version": 1,
  "library_version", "sizes", "activation", "output_activation", "cost", "init", "dtype",
  "extra"}`` where ``extra`` is a JSON object for whoever wraps the network (the
  scikit-learn estimators keep their settings and class labels there).

Writing goes through :func:`backproplab.formats.files.atomic_write`: a temporary file in the
target's folder, flushed to disk and renamed over the target only once complete (the old
file's permissions kept, symbolic links written through). Reading trusts nothing, and
reads nothing it has not first checked against a stated limit:

- the path must be a regular file (a FIFO or ``/dev/zero`` is refused before reading);
- the archive's member list, compression (stored or deflate, never encrypted) and the
  metadata (at most ``MAX_METADATA_BYTES``; its keys, their types and values);
- the declared layer sizes: at most ``MAX_LAYERS`` layers and ``MAX_PARAMETERS``
  parameters in all, and no more
  memory than the machine has (:func:`backproplab.validation.check_network_memory`);
- each array member's declared size must be exactly its ``.npy`` header plus the data the
  sizes ask for, before anything is allocated; the header (shape, dtype, C order) is
  read from at most 4096 bytes, and the data is decompressed straight into an array of
  the declared size — never more — then the member's checksum is verified;
- every value must be finite.

Anything wrong raises ``ValueError`` naming the problem; ``OSError`` only comes from the
file system (a missing file, no permission). Arrays are never unpickled, so no file can
run code.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from .archive import (
    NETWORK_KEYS,
    check_metadata_frame,
    damage_reported,
    read_json,
    read_npy_data,
    read_npy_header,
    short_repr,
)
from .files import atomic_write, open_regular
from .text import shown_path

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_LAYERS",
    "MAX_METADATA_BYTES",
    "MAX_PARAMETERS",
    "read_network",
    "save_network",
]

FORMAT = "backproplab.network"
FORMAT_VERSION = 1
MAX_METADATA_BYTES = 1 << 20  # 1 MiB: far above any real network's metadata
MAX_PARAMETERS = 50_000_000  # 400 MB of float64: 90 times MNIST's [784, 512, 256, 10]
MAX_LAYERS = 10_000
_KEYS = NETWORK_KEYS | {"init", "dtype", "extra"}
_STRING_KEYS = ("library_version", "activation", "output_activation", "cost", "init")


def save_network(net, path, *, extra: dict | None = None) -> None:
    """Write ``net`` to ``path`` (see the module docstring for the format).

    Raises:
        ValueError: if the network has more than ``MAX_LAYERS`` layers or
            ``MAX_PARAMETERS`` parameters (the file could not be read back), or ``extra``
            is not plain JSON (NaN and infinities included) or larger than
            ``MAX_METADATA_BYTES``.
    """
    from .. import __version__

    check_limits(net.sizes, lambda why: ValueError(f"cannot save the network: {why}"))
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        **net.config(),
        "extra": extra or {},
    }
    text = json.dumps(metadata, allow_nan=False).encode()
    if len(text) > MAX_METADATA_BYTES:
        raise ValueError(f"the metadata is {len(text)} bytes, more than {MAX_METADATA_BYTES}")

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("metadata.json", text)
            for prefix, params in (("W", net.weights), ("b", net.biases)):
                for ell, P in enumerate(params, start=1):
                    buf = io.BytesIO()
                    np.save(buf, np.ascontiguousarray(P), allow_pickle=False)
                    zf.writestr(f"{prefix}{ell}.npy", buf.getvalue())

    atomic_write(path, write)


def check_limits(sizes, bad) -> None:
    """The one bound of model files, for writing and reading alike: at most
    ``MAX_LAYERS`` layers and ``MAX_PARAMETERS`` parameters."""
    L = len(sizes) - 1
    if L > MAX_LAYERS:
        raise bad(f"sizes declare {L:,} layers; model files hold at most {MAX_LAYERS:,}")
    n_params = _count_parameters(sizes)
    if n_params > MAX_PARAMETERS:
        raise bad(
            f"sizes {short_repr(sizes)} declare {n_params:,} parameters; model files hold at "
            f"most {MAX_PARAMETERS:,}"
        )


def _count_parameters(sizes) -> int:
    """Σ_ℓ sizes[ℓ]·(sizes[ℓ−1] + 1): every W^ℓ and b^ℓ entry, in exact integers."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def _bad(path, why: str) -> ValueError:
    return ValueError(f"{shown_path(path)} is not a valid backproplab model file: {why}")


def _read_metadata(zf: zipfile.ZipFile, path) -> dict:
    def bad(why: str) -> ValueError:
        return _bad(path, why)

    meta = read_json(zf, "metadata.json", MAX_METADATA_BYTES, bad)
    check_metadata_frame(meta, FORMAT, FORMAT_VERSION, _KEYS, bad)
    for key in _STRING_KEYS:
        if not isinstance(meta[key], str) or len(meta[key]) > 100:
            raise _bad(path, f"{key} must be a short string, got {short_repr(meta[key])}")
    if meta["dtype"] not in ("float32", "float64"):
        raise _bad(path, f"dtype {short_repr(meta['dtype'])} is not float32 or float64")
    if not isinstance(meta["sizes"], list):
        raise _bad(path, f"sizes must be a list of layer sizes, got {short_repr(meta['sizes'])}")
    if not isinstance(meta["extra"], dict):
        raise _bad(path, "extra is not a JSON object")
    return meta


def _read_array(zf: zipfile.ZipFile, name: str, shape, dtype, path) -> np.ndarray:
    """Read member ``name`` as an array of exactly ``shape`` and ``dtype``, allocating
    nothing before the declared sizes are checked and decompressing no more than that."""

    def bad(why: str) -> ValueError:
        return _bad(path, why)

    header = read_npy_header(zf, name, bad, expected=(shape, dtype))
    if header.dtype != dtype or header.shape != tuple(shape):
        raise bad(
            f"{name} has shape {short_repr(header.shape)} and dtype {header.dtype}, "
            f"expected {tuple(shape)} and {dtype}"
        )
    arr = read_npy_data(zf, header, bad)
    if not np.isfinite(arr).all():
        raise bad(f"{name} contains NaN or infinite values")
    return arr


def read_network(path) -> tuple[dict, list[np.ndarray], list[np.ndarray]]:
    """Read and check a file written by :func:`save_network`: ``(metadata, weights, biases)``
    (:meth:`backproplab.network.Network.load` builds the network from them).

    ``path`` is a path, or a binary file object open for reading (with ``seek``).

    Raises:
        ValueError: if anything in the file is not exactly as :func:`save_network` writes it,
            the path is not a regular file, or the network it declares exceeds
            ``MAX_LAYERS``, ``MAX_PARAMETERS`` or the machine's memory.
        OSError: if the file cannot be opened or read.
    """
    if hasattr(path, "read") and hasattr(path, "seek"):  # an open binary file
        return _load_checked(path, getattr(path, "name", "<file object>"))
    with open_regular(path) as f:
        return _load_checked(f, path)


def _load_checked(f, path):
    with damage_reported(lambda why: _bad(path, why)):
        return _load(f, path)


def _load(f, path):
    from ..engine.activations import get_activation
    from ..validation import check_network_memory, check_sizes

    try:
        zf = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise _bad(path, "not a zip archive (truncated or another kind of file)") from None
    with zf:
        meta = _read_metadata(zf, path)
        try:
            sizes = check_sizes(meta["sizes"])
            for key in ("activation", "output_activation"):
                get_activation(meta[key])
        except (TypeError, ValueError) as exc:
            raise _bad(path, str(exc)[:200]) from None
        L = len(sizes) - 1
        check_limits(sizes, lambda why: _bad(path, why))
        dtype = np.dtype(meta["dtype"])
        try:
            check_network_memory(sizes, dtype)
        except ValueError as exc:
            raise _bad(path, str(exc)) from None
        names = zf.namelist()
        expected = {"metadata.json"} | {f"{p}{ell}.npy" for p in "Wb" for ell in range(1, L + 1)}
        if set(names) != expected:
            missing, unknown = sorted(expected - set(names)), sorted(set(names) - expected)
            raise _bad(path, f"wrong entries (missing {missing}, unexpected {unknown})")
        weights = [
            _read_array(zf, f"W{ell}.npy", (sizes[ell], sizes[ell - 1]), dtype, path)
            for ell in range(1, L + 1)
        ]
        biases = [
            _read_array(zf, f"b{ell}.npy", (sizes[ell], 1), dtype, path) for ell in range(1, L + 1)
        ]
    return {**meta, "sizes": sizes}, weights, biases
