"""What model files and run files share: a zip archive of ``.npy`` members and a JSON
metadata entry, read without trusting it.

- :data:`MALFORMED`: what a damaged or crafted archive can make zipfile, zlib, json or
  NumPy's header parser raise; readers turn each into a ``ValueError`` naming the file.
- :func:`check_member`: only stored or deflated, unencrypted members.
- :func:`read_json`: a JSON member of at most ``max_bytes``, parsed (deep nesting refused).
- :func:`check_metadata_frame`: the metadata is an object of this format, version and keys.
- :func:`read_npy_header`: an ``.npy`` member's shape, order and dtype, from at most 4 KiB,
  checked against the member's declared size before any data is read;
  :func:`read_npy_data`: then its data, decompressed straight into an array of exactly
  that size and no further.

Each takes ``bad(why) -> ValueError``, the reader's own message maker.
"""

from __future__ import annotations

import errno
import io
import json
import math
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .text import shown

# The metadata keys every backproplab file starts with: what it is, and the network it
# describes (its layer sizes, activations and cost, by registry name).
NETWORK_KEYS = frozenset(
    {
        "format",
        "format_version",
        "library_version",
        "sizes",
        "activation",
        "output_activation",
        "cost",
    }
)

# (RecursionError is a RuntimeError.)
MALFORMED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
    UnicodeError,
)

Bad = Callable[[str], ValueError]


@contextmanager
def damage_reported(bad: Bad) -> Iterator[None]:
    """Turn what a damaged archive makes the libraries raise into ``bad(why)``: the
    exceptions of :data:`MALFORMED`, and the ``OSError`` (``EINVAL``) of a seek to an
    offset a damaged header points before the start of the file."""
    try:
        yield
    except MALFORMED as exc:
        raise bad(f"damaged archive ({type(exc).__name__}: {shown(str(exc))})") from None
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        raise bad("damaged archive (an offset points outside the file)") from None


MAX_NPY_HEADER = 4096  # np.save pads its header to 64 or 128 bytes; 4 KiB is plenty


def check_member(info: zipfile.ZipInfo, bad: Bad) -> None:
    """Refuse an encrypted member or one compressed other than stored or deflate (what
    ``np.savez`` and the writers here produce)."""
    if info.flag_bits & 0x1:
        raise bad(f"{info.filename} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise bad(f"{info.filename} uses compression method {info.compress_type}")


def read_json(zf: zipfile.ZipFile, name: str, max_bytes: int, bad: Bad):
    """The JSON member ``name``, read no further than ``max_bytes`` and parsed."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise bad(f"no {name} entry") from None
    if info.file_size > max_bytes:
        raise bad(f"{name} is {info.file_size} bytes (limit {max_bytes})")
    check_member(info, bad)
    with zf.open(info) as f:
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise bad(f"{name} is larger than {max_bytes} bytes")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise bad(f"{name} is not valid JSON ({why})") from None


def check_metadata_frame(meta, fmt: str, version: int, keys: frozenset[str], bad: Bad) -> dict:
    """``meta`` if it is a JSON object with ``"format": fmt``, ``"format_version": version``
    and exactly ``keys``; the values are the caller's to check."""
    if not isinstance(meta, dict):
        raise bad("metadata.json is not a JSON object")
    if meta.get("format") != fmt:
        raise bad(f"format is {short_repr(meta.get('format'))}, expected {fmt!r}")
    if meta.get("format_version") != version:
        raise bad(
            f"format_version {short_repr(meta.get('format_version'))} is not supported "
            f"(this version of backproplab reads {version})"
        )
    if set(meta) != keys:
        missing, unknown = sorted(keys - set(meta)), sorted(set(meta) - keys)
        raise bad(f"metadata keys wrong (missing {missing}, unknown {unknown[:10]})")
    return meta


def short_repr(value) -> str:
    """``repr(value)``, escaped and cut for an error message (:func:`.text.shown`)."""
    return shown(repr(value))


@dataclass(frozen=True)
class NpyHeader:
    """What an ``.npy`` member declares: its shape, dtype, and where its data begins."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    header_bytes: int

    @property
    def data_bytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def read_npy_header(
    zf: zipfile.ZipFile, name: str, bad: Bad, expected: tuple[tuple, np.dtype] | None = None
) -> NpyHeader:
    """The header of member ``name``: a C-order array of plain numbers whose declared
    (uncompressed) size in the archive is exactly the header plus the data it declares,
    so that reading the data can allocate that size and no more. With ``expected``
    (shape, dtype), the member's declared size is checked against it before a byte of
    the member is read."""
    info = zf.getinfo(name)
    check_member(info, bad)
    if expected is not None:
        shape, dtype = expected
        data_bytes = math.prod(shape) * dtype.itemsize
        if not 10 <= info.file_size - data_bytes <= MAX_NPY_HEADER:
            raise bad(
                f"{name} is {info.file_size} bytes, but an array of shape {tuple(shape)} and "
                f"dtype {dtype} takes {data_bytes} bytes plus a header of at most "
                f"{MAX_NPY_HEADER}"
            )
    with zf.open(info) as f:
        raw = io.BytesIO(f.read(MAX_NPY_HEADER))
    try:
        version = np.lib.format.read_magic(raw)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        with warnings.catch_warnings():  # e.g. invalid escapes in a crafted header
            warnings.simplefilter("ignore")
            shape, fortran, dtype = read_header(raw)
    except Exception as exc:  # NumPy parses the header text with tokenize and ast:
        # whatever its parser raises on crafted text means the header is malformed
        raise bad(f"{name} is not a .npy array ({short_repr(str(exc))})") from None
    if dtype.hasobject:
        raise bad(f"{name} holds Python objects; only numbers are allowed")
    if fortran:
        raise bad(f"{name} is in Fortran order; only C order is written")
    header = NpyHeader(name, tuple(int(d) for d in shape), dtype, raw.tell())
    if info.file_size != header.header_bytes + header.data_bytes:
        raise bad(
            f"{name} is {info.file_size} bytes, but its header declares shape "
            f"{short_repr(header.shape)} of {dtype}: {header.data_bytes} bytes of data after "
            f"{header.header_bytes} of header"
        )
    return header


def read_npy_data(zf: zipfile.ZipFile, header: NpyHeader, bad: Bad) -> np.ndarray:
    """The data of a member whose :func:`read_npy_header` was checked: decompressed into
    an array of the declared shape, never further; the member's checksum is verified."""
    arr = np.empty(header.shape, dtype=header.dtype)
    view = memoryview(arr.reshape(-1)).cast("B")  # flat: a (0, 2) array casts too
    with zf.open(header.name) as f:
        f.read(header.header_bytes)
        filled = 0
        while filled < len(view):
            n = f.readinto(view[filled:])
            if not n:
                raise bad(f"{header.name} ends after {filled} of {len(view)} data bytes")
            filled += n
        if f.read(1):  # also makes zipfile compare the member's CRC-32
            raise bad(f"{header.name} holds more data than its declared size")
    return arr
