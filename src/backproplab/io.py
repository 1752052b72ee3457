"""Model files: plain arrays and JSON, never pickle.

A model file is a zip archive in NumPy's ``.npz`` layout (``np.load`` opens it) holding

- ``W1.npy … WL.npy`` and ``b1.npy … bL.npy``: ``W^ℓ`` of shape (sizes[ℓ], sizes[ℓ−1])
  and ``b^ℓ`` of shape (sizes[ℓ], 1), float32 or float64, nothing else;
- ``metadata.json``: ``{"format": "backproplab.network", "format_version": 1,
  "library_version", "sizes", "activation", "output_activation", "cost", "init", "dtype",
  "extra"}`` where ``extra`` is a JSON object for whoever wraps the network (the
  scikit-learn estimators keep their settings and class labels there).

Writing goes to a temporary file in the target's folder, renamed over the target only once
complete. Reading trusts nothing: the archive's member list, the metadata's size, keys
and values, each array's header (shape and dtype are checked before its data is read),
and every value's finiteness. Anything wrong raises ``ValueError`` naming the problem.
Arrays are read with ``allow_pickle=False``, so no file can run code.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

FORMAT = "backproplab.network"
FORMAT_VERSION = 1
MAX_METADATA_BYTES = 1 << 20  # 1 MiB: far above any real network's metadata
_KEYS = {
    "format",
    "format_version",
    "library_version",
    "sizes",
    "activation",
    "output_activation",
    "cost",
    "init",
    "dtype",
    "extra",
}


@contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path`` (same suffix) to write to; on success it is
    renamed to ``path``, on any error removed, so ``path`` is never half-written."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path, write) -> None:
    """Call ``write(file_object)`` on a temporary file, then rename it to ``path``."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        write(f)


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(text)


def save_network(net, path, *, extra: dict | None = None) -> None:
    """Write ``net`` to ``path`` (see the module docstring for the format)."""
    from . import __version__

    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        **net.config(),
        "extra": extra or {},
    }
    text = json.dumps(metadata, allow_nan=False).encode()

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("metadata.json", text)
            for prefix, params in (("W", net.weights), ("b", net.biases)):
                for ell, P in enumerate(params, start=1):
                    buf = io.BytesIO()
                    np.save(buf, np.ascontiguousarray(P), allow_pickle=False)
                    zf.writestr(f"{prefix}{ell}.npy", buf.getvalue())

    atomic_write(path, write)


def _bad(path, why: str) -> ValueError:
    return ValueError(f"{path} is not a valid backproplab model file: {why}")


def _read_metadata(zf: zipfile.ZipFile, path) -> dict:
    try:
        info = zf.getinfo("metadata.json")
    except KeyError:
        raise _bad(path, "no metadata.json entry") from None
    if info.file_size > MAX_METADATA_BYTES:
        raise _bad(path, f"metadata.json is {info.file_size} bytes (limit {MAX_METADATA_BYTES})")
    with zf.open(info) as f:
        raw = f.read(MAX_METADATA_BYTES + 1)
    if len(raw) > MAX_METADATA_BYTES:
        raise _bad(path, f"metadata.json is larger than {MAX_METADATA_BYTES} bytes")
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, f"metadata.json is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise _bad(path, "metadata.json is not a JSON object")
    if meta.get("format") != FORMAT:
        raise _bad(path, f"format is {meta.get('format')!r}, expected {FORMAT!r}")
    if meta.get("format_version") != FORMAT_VERSION:
        raise _bad(
            path,
            f"format_version {meta.get('format_version')!r} is not supported "
            f"(this version of backproplab reads {FORMAT_VERSION})",
        )
    if set(meta) != _KEYS:
        missing, unknown = sorted(_KEYS - set(meta)), sorted(set(meta) - _KEYS)
        raise _bad(path, f"metadata keys wrong (missing {missing}, unknown {unknown})")
    if meta["dtype"] not in ("float32", "float64"):
        raise _bad(path, f"dtype {meta['dtype']!r} is not float32 or float64")
    if not isinstance(meta["extra"], dict):
        raise _bad(path, "extra is not a JSON object")
    return meta


def _read_array(zf: zipfile.ZipFile, name: str, shape, dtype, path) -> np.ndarray:
    info = zf.getinfo(name)
    limit = int(np.prod(shape)) * dtype.itemsize + 4096  # data plus the largest .npy header
    if info.file_size > limit:
        raise _bad(path, f"{name} is {info.file_size} bytes, expected at most {limit}")
    with zf.open(info) as f:
        raw = io.BytesIO(f.read(limit + 1))
    try:
        version = np.lib.format.read_magic(raw)
        header = (
            np.lib.format.read_array_header_1_0(raw)
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0(raw)
        )
    except (ValueError, OSError, EOFError) as exc:
        raise _bad(path, f"{name} is not a .npy array ({exc})") from None
    got_shape, fortran, got_dtype = header
    if got_dtype.hasobject:
        raise _bad(path, f"{name} holds Python objects; only numbers are allowed")
    if got_dtype != dtype or tuple(got_shape) != tuple(shape):
        raise _bad(
            path,
            f"{name} has shape {tuple(got_shape)} and dtype {got_dtype}, "
            f"expected {tuple(shape)} and {dtype}",
        )
    raw.seek(0)
    try:
        arr = np.load(raw, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise _bad(path, f"{name} could not be read ({exc})") from None
    if not np.isfinite(arr).all():
        raise _bad(path, f"{name} contains NaN or infinite values")
    return arr


def read_network(path) -> tuple[dict, list[np.ndarray], list[np.ndarray]]:
    """Read and check a file written by :func:`save_network`: ``(metadata, weights, biases)``
    (:meth:`backproplab.network.Network.load` builds the network from them).

    Raises:
        ValueError: if anything in the file is not exactly as :func:`save_network` writes it.
        OSError: if the file cannot be opened.
    """
    from .activations import get_activation
    from .validation import check_sizes

    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _bad(path, "not a zip archive (truncated or another kind of file)") from None
    with zf:
        try:
            meta = _read_metadata(zf, path)
            try:
                sizes = check_sizes(meta["sizes"])
                for key in ("activation", "output_activation"):
                    get_activation(meta[key])
            except (TypeError, ValueError) as exc:
                raise _bad(path, str(exc)) from None
            L = len(sizes) - 1
            expected = {"metadata.json"} | {
                f"{p}{ell}.npy" for p in "Wb" for ell in range(1, L + 1)
            }
            names = set(zf.namelist())
            if names != expected:
                missing, unknown = sorted(expected - names), sorted(names - expected)
                raise _bad(path, f"wrong entries (missing {missing}, unexpected {unknown})")
            dtype = np.dtype(meta["dtype"])
            weights = [
                _read_array(zf, f"W{ell}.npy", (sizes[ell], sizes[ell - 1]), dtype, path)
                for ell in range(1, L + 1)
            ]
            biases = [
                _read_array(zf, f"b{ell}.npy", (sizes[ell], 1), dtype, path)
                for ell in range(1, L + 1)
            ]
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise _bad(path, f"damaged archive ({exc})") from None
    return meta, weights, biases
