"""Helpers that craft hostile files for the tests (nothing is committed: every file is made
here, in a temporary folder) and load them in a child process whose address space is
limited, so that a loader which tries to allocate what a file declares fails loudly.

A crafted zip is written byte by byte (:func:`write_zip`) so that its headers can lie; a
large run of zeros is deflated in constant time from one compressed 1 MiB block repeated
(each block ends with a full flush, which resets the compressor, so every block's output
is the same bytes).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from dataclasses import dataclass

ADDRESS_SPACE_LIMIT = 1 << 30  # 1 GiB for the child that loads the crafted files
_CHUNK = 1 << 20


@dataclass
class Member:
    """One zip entry as it will be written: ``data`` is the (compressed) payload."""

    name: str
    data: bytes
    method: int = 0  # 0 stored, 8 deflate
    crc: int = 0
    size: int = 0  # the uncompressed size the headers declare
    flags: int = 0


def stored(name: str, payload: bytes) -> Member:
    return Member(name, payload, 0, zlib.crc32(payload), len(payload))


def deflated(name: str, payload: bytes) -> Member:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(payload) + c.flush(), 8, zlib.crc32(payload), len(payload))


def deflate_zeros(prefix: bytes, n_zeros: int) -> tuple[bytes, int]:
    """``(raw deflate stream, crc32)`` of ``prefix`` followed by ``n_zeros`` zero bytes,
    made without compressing the zeros one by one."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(_CHUNK)) + c.flush(zlib.Z_FULL_FLUSH)
    n_blocks, rest = divmod(n_zeros, _CHUNK)
    tail = c.compress(bytes(rest)) + c.flush()
    crc, zero = zlib.crc32(prefix), bytes(_CHUNK)
    for _ in range(n_blocks):
        crc = zlib.crc32(zero, crc)
    return head + block * n_blocks + tail, zlib.crc32(bytes(rest), crc)


def gzip_zeros(prefix: bytes, n_zeros: int) -> bytes:
    """A gzip file holding ``prefix`` and ``n_zeros`` zero bytes (see :func:`deflate_zeros`)."""
    stream, crc = deflate_zeros(prefix, n_zeros)
    size = (len(prefix) + n_zeros) % (1 << 32)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + stream + struct.pack("<II", crc, size)


def write_zip(path, members: list[Member]) -> None:
    """A zip archive exactly as described: local headers, data, central directory."""
    out, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        fields = (20, m.flags, m.method, 0, 0x21, m.crc, len(m.data), m.size, len(name), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + name + m.data
        central += (
            struct.pack("<IH", 0x02014B50, 20)
            + struct.pack("<HHHHHIIIHHHHHII", *fields[:-1], 0, 0, 0, 0, 0, offset)
            + name
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(central), len(out), 0)  # fmt: skip
    with open(path, "wb") as f:
        f.write(bytes(out) + bytes(central) + end)


def npy_header(shape, descr: str = "<f8") -> bytes:
    """A version 1.0 ``.npy`` header, padded as ``np.save`` pads it."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple(shape)}, }}"
    pad = 64 - (10 + len(text) + 1) % 64
    text = text + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode()


def metadata(sizes, **changes) -> bytes:
    meta = {
        "format": "backproplab.network",
        "format_version": 1,
        "library_version": "0.1.0",
        "sizes": sizes,
        "activation": "sigmoid",
        "output_activation": "sigmoid",
        "cost": "quadratic",
        "init": "gaussian",
        "dtype": "float64",
        "extra": {},
    }
    meta.update(changes)
    return json.dumps(meta).encode()


_CHILD = textwrap.dedent(
    """
    import importlib, json, resource, sys

    LOADERS = {  # imported before the limit is set: only what the jobs need
        "network": ("backproplab.network", "Network.load"),
        "classifier": ("backproplab.sklearn", "BackpropClassifier.load"),
        "mnist": ("backproplab.data.datasets", "load_mnist"),
        "idx": ("backproplab.data.datasets", "read_idx"),
        "csv": ("backproplab.data.datasets", "load_csv"),
        "run": ("backproplab.formats.runfile_read", "load_run"),
    }
    jobs = json.loads(sys.stdin.read())
    loaders = {}
    for job in jobs:
        module, name = LOADERS[job["loader"]]
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
        loaders[job["loader"]] = obj
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    results = {}
    for job in jobs:
        try:
            loaders[job["loader"]](job["path"], **job.get("kwargs", {}))
            results[job["id"]] = ["loaded", ""]
        except BaseException as exc:  # reported to the parent, which judges it
            results[job["id"]] = [type(exc).__name__, str(exc)[:500]]
    # this process's own high-water mark (ru_maxrss would also count the parent's memory
    # at fork time, which Linux carries across exec)
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"results": results, "peak_rss_kb": peak_kb}))
    """
)


def load_in_child(jobs: list[dict], timeout: float = 120) -> dict:
    """Run each ``{"id", "loader", "path", "kwargs"}`` in one child process under
    ``RLIMIT_AS`` = 1 GiB; returns ``{"results": {id: [outcome, message]}, "peak_rss_kb"}``
    where outcome is ``"loaded"`` or the exception's class name."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ADDRESS_SPACE_LIMIT)],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


_CLI_CHILD = textwrap.dedent(
    """
    import resource, sys
    from backproplab.cli import main

    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    code = main(sys.argv[2:])
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(f"peak_rss_kb {peak_kb}", file=sys.stderr)
    sys.exit(code)
    """
)


@dataclass
class CliResult:
    code: int
    err: list[str]  # the lines on stderr, the peak-memory line taken out
    out: str
    peak_rss_kb: int
    seconds: float


def cli_in_child(argv: list[str], timeout: float = 120) -> CliResult:
    """``backproplab ARGV`` in a child process under ``RLIMIT_AS`` = 1 GiB."""
    import time

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _CLI_CHILD, str(ADDRESS_SPACE_LIMIT), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    seconds = time.monotonic() - start
    lines = proc.stderr.strip().splitlines()
    peak = [int(line.split()[1]) for line in lines if line.startswith("peak_rss_kb ")]
    err = [line for line in lines if not line.startswith("peak_rss_kb ")]
    return CliResult(proc.returncode, err, proc.stdout, peak[0] if peak else 0, seconds)


def snapshot(folder) -> dict:
    """Every file below ``folder`` and its bytes."""
    from pathlib import Path

    root = Path(folder)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- the command line, run in the test's own process --------------------------------------
def run_cli(argv, capsys):
    """``(exit code, stderr lines)`` of ``backproplab *argv`` run in this process; no
    traceback may reach stderr."""
    from backproplab.cli import main

    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.strip().splitlines()


def one_line_error(argv, capsys, *fragments):
    """The one stderr line of a refused command (exit code 2), holding ``fragments``."""
    code, err = run_cli(argv, capsys)
    assert code == 2 and len(err) == 1, (code, err)
    for fragment in fragments:
        assert fragment in err[0], err
    return err[0]


def small_run_file(path, settings: dict | None = None):
    """Write a small real run file to ``path`` (circles, [2, 3, 1], two epochs recorded
    every 4 steps, no gradient check during training: its history of checks is an empty
    (0, 2) array) and return ``path``."""
    import numpy as np

    from backproplab import Network, datasets
    from backproplab.formats.runfile import from_recording, save_run
    from backproplab.training.callbacks import Recorder

    X, y = datasets.circles(n_samples=40, seed=2)
    net = Network([2, 3, 1], seed=1)
    rec = Recorder(X, layers=[1, 2], every=4, Y=y)
    history = net.train(X, y, epochs=2, batch_size=10, eta=3.0, callbacks=[rec])
    run = from_recording(
        rec, history, sizes=net.sizes, activation="sigmoid", output_activation="sigmoid",
        cost="quadratic", watch=1, labels=y, indices=np.arange(40), n_total=40,
        settings=settings,
    )  # fmt: skip
    save_run(run, path)
    return path
