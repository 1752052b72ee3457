"""Crafted files against the loaders: every one ends in the documented exception
(``ValueError``, or ``OSError`` for the file system) with bounded memory.

The files are made by the tests (see ``hostile.py``) and loaded in a child process limited
to 1 GiB of address space: a loader that believed a declared size (a 12000 × 12000 layer in
a 1 MB file, class labels of dtype ``<U200000000``, a 550 MB ``.gz`` image file) would die
there with ``MemoryError`` instead of refusing the file. A seeded byte-flip fuzz checks that
a damaged model file either loads as the very same network or raises ``ValueError``/``OSError``.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
import zlib

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.formats.modelfile import MAX_PARAMETERS
from backproplab.validation import check_network_memory
from hostile import (
    ADDRESS_SPACE_LIMIT,
    Member,
    deflate_zeros,
    deflated,
    gzip_zeros,
    load_in_child,
    metadata,
    npy_header,
    stored,
    write_zip,
)

pytestmark = pytest.mark.end_to_end  # loads run in a child process under a memory limit

# -- model files ------------------------------------------------------------------------------


def _small_members(sizes=(2, 3, 1), meta=None, skip=()):
    """Valid members of a [2, 3, 1]-like network (zeros), as Member objects."""
    members = [deflated("metadata.json", meta if meta is not None else metadata(list(sizes)))]
    for ell in range(1, len(sizes)):
        for name, shape in (
            (f"W{ell}", (sizes[ell], sizes[ell - 1])),
            (f"b{ell}", (sizes[ell], 1)),
        ):
            if name not in skip:
                members.append(
                    deflated(f"{name}.npy", npy_header(shape) + bytes(8 * np.prod(shape)))
                )
    return members


def _model_cases(d):
    """``{case: (path, expected message)}`` for Network.load."""
    cases = {}

    def add(name, members, message):
        path = d / f"{name}.npz"
        write_zip(path, members)
        cases[name] = (path, message)

    # 1.1 MB declaring sizes [12000, 12000, 1]: 1.15 GB of zeros behind a valid CRC.
    stream, crc = deflate_zeros(npy_header((12000, 12000)), 8 * 12000 * 12000)
    bomb = Member("W1.npy", stream, 8, crc, len(npy_header((12000, 12000))) + 8 * 12000**2)
    add("zip bomb", [*_small_members((12000, 12000, 1), skip=("W1",)), bomb], "parameters")
    # A member whose headers declare the 48 bytes [2, 3, 1] needs but inflates to 900 MB.
    stream, crc = deflate_zeros(npy_header((3, 2)), 900_000_000)
    liar = Member("W1.npy", stream, 8, crc, len(npy_header((3, 2))) + 48)
    add("lying size", [*_small_members(skip=("W1",)), liar], "CRC")
    add("nested metadata", _small_members(meta=b"[" * 100_000 + b"]" * 100_000), "nested")
    nested_extra = metadata([2, 3, 1]).replace(b'"extra": {}', b'"extra": ' + b"[" * 100_000)
    add("nested extra", _small_members(meta=nested_extra), "JSON")
    good = deflated("metadata.json", metadata([2, 3, 1]))
    corrupt = Member(
        good.name, good.data[:5] + b"\xff" * 8 + good.data[13:], 8, good.crc, good.size
    )
    add("corrupt deflate", [corrupt, *_small_members()[1:]], "damaged")
    bz = deflated("metadata.json", metadata([2, 3, 1]))
    bz.method = 12
    add("bzip2 member", [bz, *_small_members()[1:]], "compression method 12")
    enc = deflated("metadata.json", metadata([2, 3, 1]))
    enc.flags = 1
    add("encrypted member", [enc, *_small_members()[1:]], "encrypted")
    add("huge size", _small_members(meta=metadata([10**30, 1])), "parameters")
    add("many layers", _small_members(meta=metadata([1] * 20_002)), "layers")
    for label, sizes in (("sizes object", {"a": 1}), ("sizes strings", [2, "3", 1]),
                         ("sizes floats", [2, 3.5, 1]), ("sizes bools", [True, 1])):  # fmt: skip
        add(label, _small_members(meta=metadata(sizes)), "sizes|integers")
    add("activation list", _small_members(meta=metadata([2, 3, 1], activation=["tanh"])), "string")
    add(
        "big integer",
        _small_members(meta=metadata([2, 3, 1]).replace(b"1,", b"9" * 5000 + b",")),
        "JSON",
    )
    add("not utf-8", _small_members(meta=b'{"format": "\xff\xfe"}'), "JSON")
    header2 = b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0)
    v2 = stored("W1.npy", header2.ljust(128, b" ") + bytes(48))
    add("4 GB npy header", [*_small_members(skip=("W1",)), v2], "not a .npy array")
    fortran = stored("W1.npy", npy_header((3, 2)).replace(b"False", b"True ") + bytes(48))
    add("fortran order", [*_small_members(skip=("W1",)), fortran], "Fortran")
    (d / "empty.npz").write_bytes(b"")
    cases["empty file"] = (d / "empty.npz", "not a zip archive")
    (d / "folder.npz").mkdir()
    cases["a folder"] = (d / "folder.npz", "not a regular file")
    os.mkfifo(d / "fifo.npz")
    cases["a FIFO"] = (d / "fifo.npz", "not a regular file")
    cases["/dev/zero"] = ("/dev/zero", "not a regular file")
    return cases


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_crafted_model_files_are_refused_with_bounded_memory(tmp_path):
    cases = _model_cases(tmp_path)
    bomb = tmp_path / "zip bomb.npz"
    assert bomb.stat().st_size < 1_200_000  # a 1.1 MB file declaring 1.15 GB
    jobs = [{"id": k, "loader": "network", "path": str(p)} for k, (p, _) in cases.items()]
    report = load_in_child(jobs)
    for case, (outcome, message) in report["results"].items():
        assert outcome == "ValueError", (case, outcome, message)
        assert any(m in message for m in cases[case][1].split("|")), (case, message)
    # everything above ran in a process whose whole address space was 1 GiB
    assert report["peak_rss_kb"] * 1024 < ADDRESS_SPACE_LIMIT * 0.6


def _classifier_file(tmp_path, change):
    """A fitted classifier's file with its ``extra`` changed by ``change(extra)``."""
    from backproplab.sklearn import BackpropClassifier

    X = np.random.default_rng(0).standard_normal((20, 2))
    clf = BackpropClassifier(hidden_layer_sizes=(3,), epochs=1, random_state=0)
    clf.fit(X, np.array(["a", "b"] * 10))
    good = tmp_path / "clf.npz"
    clf.save(good)
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    meta = json.loads(members["metadata.json"])
    change(meta["extra"])
    members["metadata.json"] = json.dumps(meta).encode()
    path = tmp_path / f"clf-{len(list(tmp_path.iterdir()))}.npz"
    write_zip(path, [stored(n, data) for n, data in members.items()])
    return path


def test_crafted_classifier_files_are_refused_with_bounded_memory(tmp_path):
    def set_classes(dtype):
        return lambda extra: extra.__setitem__("classes", {"dtype": dtype, "values": ["a", "b"]})

    def garbage_rng(extra):
        extra["rng_state"] = {"bit_generator": "PCG64", "state": {"state": "x", "inc": []}}

    cases = {
        "labels <U200000000": (set_classes("<U200000000"), "bytes, more than the limit"),
        "labels of sub-arrays": (set_classes("(1000000,)i8"), "unsupported dtype"),
        "labels as dates": (set_classes("<M8[ns]"), "unsupported dtype"),
        "generator state": (garbage_rng, "invalid BackpropClassifier metadata"),
    }
    paths = {case: _classifier_file(tmp_path, change) for case, (change, _) in cases.items()}
    jobs = [{"id": k, "loader": "classifier", "path": str(p)} for k, p in paths.items()]
    report = load_in_child(jobs)
    for case, (outcome, message) in report["results"].items():
        assert outcome == "ValueError", (case, outcome, message)
        assert any(m in message for m in cases[case][1].split("|")), (case, message)


# -- IDX (MNIST) files ------------------------------------------------------------------------


def _idx_header(type_code, shape):
    return bytes([0, 0, type_code, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


def _mnist_dir(d, images: bytes, labels: bytes, gz=("", "")):
    d.mkdir()
    (d / f"train-images-idx3-ubyte{gz[0]}").write_bytes(images)
    (d / f"train-labels-idx1-ubyte{gz[1]}").write_bytes(labels)
    return d


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_crafted_mnist_files_are_refused_with_bounded_memory(tmp_path):
    labels = _idx_header(8, (3,)) + bytes([1, 2, 3])
    images = _idx_header(8, (3, 2, 2)) + bytes(12)
    nan_labels = _idx_header(0x0D, (3,)) + np.array([1, np.nan, 2], ">f4").tobytes()
    bomb = gzip_zeros(_idx_header(8, (700_000, 28, 28)), 700_000 * 28 * 28)
    assert len(bomb) < 600_000  # about half a megabyte declaring 549 MB
    more = gzip_zeros(_idx_header(8, (3, 2, 2)), 10_000_000)  # declares 12 bytes, holds 10 MB
    cases = {
        "gz bomb": (_mnist_dir(tmp_path / "bomb", bomb, labels, (".gz", "")), "limit"),
        "more than declared": (
            _mnist_dir(tmp_path / "more", more, labels, (".gz", "")),
            "more data",
        ),
        "float labels": (_mnist_dir(tmp_path / "nan", images, nan_labels), "unsigned bytes"),
        "float images": (
            _mnist_dir(tmp_path / "fimg", _idx_header(0x0E, (3, 2, 2)) + bytes(96), labels),
            "unsigned bytes",
        ),
        "short raw file": (
            _mnist_dir(tmp_path / "short", _idx_header(8, (1000, 28, 28)) + bytes(10), labels),
            "header promises",
        ),
        "not gzip": (_mnist_dir(tmp_path / "notgz", b"plain", labels, (".gz", "")), "gzip"),
    }
    fifo_dir = tmp_path / "fifo"
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / "train-images-idx3-ubyte")
    (fifo_dir / "train-labels-idx1-ubyte").write_bytes(labels)
    cases["a FIFO"] = (fifo_dir, "not a regular file")
    jobs = [{"id": k, "loader": "mnist", "path": str(p)} for k, (p, _) in cases.items()]
    jobs.append({"id": "/dev/zero", "loader": "idx", "path": "/dev/zero"})
    cases["/dev/zero"] = (None, "not a regular file")
    report = load_in_child(jobs)
    for case, (outcome, message) in report["results"].items():
        assert outcome == "ValueError", (case, outcome, message)
        assert cases[case][1] in message, (case, message)
    assert report["peak_rss_kb"] * 1024 < ADDRESS_SPACE_LIMIT * 0.6


# -- CSV files --------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_crafted_csv_files_are_refused_naming_the_line(tmp_path):
    texts = {
        "nan target": ("a,y\n1,0\n\n2,nan\n", "line 4: the target 'y' is 'nan', not finite"),
        "missing target": ("a,y\n1,0\n2, \n", "line 3: the target 'y' is missing"),
        "infinite feature": ("a,y\n1,0\n-inf,1\n", "line 3: a feature is not a finite number"),
        "huge field": ("a,y\n1,0\n" + "7" * 200_000 + ",1\n", "line 3: field larger than"),
        "header only": ("a,y\n\n\n", "only a header row"),
        "empty": ("\n\n", "empty"),
        "short row": ("a,b,y\n1,2,0\n\n\n3,1\n", "line 5: 2 fields, header has 3"),
    }
    cases = {}
    for case, (text, message) in texts.items():
        path = tmp_path / f"{len(cases)}.csv"
        path.write_text(text)
        cases[case] = (path, message)
    (tmp_path / "latin1.csv").write_bytes("a,y\n1,caf\xe9\n".encode("latin-1"))
    cases["not utf-8"] = (tmp_path / "latin1.csv", "not UTF-8")
    os.mkfifo(tmp_path / "fifo.csv")
    cases["a FIFO"] = (tmp_path / "fifo.csv", "not a regular file")
    cases["/dev/zero"] = ("/dev/zero", "not a regular file")
    jobs = [
        {"id": k, "loader": "csv", "path": str(p), "kwargs": {"target": "y"}}
        for k, (p, _) in cases.items()
    ]
    report = load_in_child(jobs)
    for case, (outcome, message) in report["results"].items():
        assert outcome == "ValueError", (case, outcome, message)
        assert cases[case][1] in message, (case, message)


def test_csv_memory_stays_within_eight_times_the_file(tmp_path):
    import tracemalloc

    path = tmp_path / "short.csv"
    path.write_text("a,b,y\n" + "1,0,1\n0,1,0\n" * 50_000)  # the shortest rows cost most
    tracemalloc.start()
    try:
        X, y = datasets.load_csv(path, target="y")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert X.shape == (100_000, 2) and y[:2].tolist() == [1.0, 0.0]
    assert peak < 8 * path.stat().st_size


def test_csv_byte_order_mark_and_blank_lines(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffy,a\r\n\r\n0,1.5\r\n1,-2\r\n".encode())
    X, y = datasets.load_csv(path, target="y")  # the BOM does not hide column "y"
    assert X.tolist() == [[1.5], [-2.0]] and y.tolist() == [0.0, 1.0]


# -- memory a request may ask for -------------------------------------------------------------


def test_absurd_networks_are_refused_naming_the_size():
    with pytest.raises(
        ValueError, match=r"sizes \[2, 1000000000, 1\] \(float64\) needs about 89.4 GiB"
    ):
        check_network_memory([2, 10**9, 1])
    check_network_memory([784, 512, 256, 10])  # MNIST-sized is fine


def test_a_network_over_the_file_cap_is_not_saved(tmp_path, monkeypatch):
    import backproplab.formats.modelfile

    monkeypatch.setattr(backproplab.formats.modelfile, "MAX_PARAMETERS", 10)
    with pytest.raises(ValueError, match="at most 10"):
        Network([2, 3, 1]).save(tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []
    assert MAX_PARAMETERS == 50_000_000


# -- byte-flip fuzz ---------------------------------------------------------------------------


def _same_network(a: Network, b: Network) -> bool:
    return (
        repr(a) == repr(b)
        and a.dtype == b.dtype
        and all(
            x.dtype == y.dtype and np.array_equal(x, y)
            for x, y in zip(a.weights + a.biases, b.weights + b.biases)
        )
    )


def _fuzz(tmp_path, n_flips: int, seed: int, max_bytes: int = 1):
    net = Network([3, 4, 2], activation="tanh", output_activation="softmax",
                  cost="cross_entropy", seed=0)  # fmt: skip
    good = tmp_path / "good.npz"
    net.save(good)
    data = good.read_bytes()
    rng = np.random.default_rng(seed)
    path = tmp_path / "flipped.npz"
    outcomes = {"same network": 0, "ValueError": 0, "OSError": 0}
    for _ in range(n_flips):
        damaged = bytearray(data)
        for pos in rng.integers(0, len(data), rng.integers(1, max_bytes + 1)):
            damaged[pos] ^= int(rng.integers(1, 256))
        path.write_bytes(bytes(damaged))
        try:
            back = Network.load(path)
        except ValueError:
            outcomes["ValueError"] += 1
            continue
        except OSError:
            outcomes["OSError"] += 1
            continue
        assert _same_network(back, net), "a damaged file loaded as a different network"
        outcomes["same network"] += 1
    return outcomes


def test_byte_flips_load_the_same_network_or_raise_value_error(tmp_path):
    outcomes = _fuzz(tmp_path, n_flips=300, seed=14)
    # flips in the zip's timestamps and attributes are harmless; in data they are caught
    assert outcomes["same network"] > 0 and outcomes["ValueError"] > 150, outcomes


@pytest.mark.slow
def test_many_byte_flips_of_one_to_eight_bytes(tmp_path):
    outcomes = _fuzz(tmp_path, n_flips=5000, seed=5000, max_bytes=8)
    assert outcomes["ValueError"] > 4000, outcomes


def test_header_parsing_handles_every_crc_valid_corruption(tmp_path):
    """Flips in a member's data that keep its checksum valid (the CRC is recomputed) reach
    the .npy header parser itself: it must still refuse with ValueError."""
    rng = np.random.default_rng(7)
    header = npy_header((3, 2))
    refused = 0
    for trial in range(200):
        payload = bytearray(header + np.ones(6).tobytes())
        for pos in rng.integers(0, len(header), 2):
            payload[pos] = int(rng.integers(0, 256))
        path = tmp_path / f"{trial}.npz"
        write_zip(path, [*_small_members(skip=("W1",)), stored("W1.npy", bytes(payload))])
        try:
            back = Network.load(path)
        except ValueError:
            refused += 1
            continue
        assert np.array_equal(back.weights[0], np.ones((3, 2)))  # header still says (3, 2)
    assert refused > 100
    assert zlib.crc32(b"") == 0  # (the helper's stored() computes real checksums)
