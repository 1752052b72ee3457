"""What model files and run files share: a zip archive of ``.npy`` members and a JSON
metadata entry, read without trusting it.

- :data:`MALFORMED`: what a damaged or crafted archive can make zipfile, zlib, json or
  NumPy's header parser raise; readers turn each into a ``ValueError`` naming the file.
- :func:`check_member`: only stored or deflated, unencrypted members.
- :func:`read_json`: a JSON member of at most ``max_bytes``, parsed (deep nesting refused).
- :func:`check_metadata_frame`: the metadata is an object of this format, version and keys.

Each takes ``bad(why) -> ValueError``, the reader's own message maker.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable

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
    """``repr(value)``, cut to 80 characters for an error message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
