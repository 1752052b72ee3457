"""Crafted and damaged run files and model files (issue 29, items 6, 13 and 14): every one
ends in ``ValueError`` naming the file, with bounded memory, loaded in a child process
limited to 1 GiB of address space (see ``hostile.py``; every file is made here)."""

from __future__ import annotations

import zipfile
import zlib

import numpy as np
import pytest

from backproplab import Network
from backproplab.formats.runfile import MAX_RUN_BYTES, save_run
from backproplab.formats.runfile_read import load_run
from backproplab.formats.text import shown_path
from hostile import Member, deflate_zeros, load_in_child, npy_header, small_run_file, write_zip

pytestmark = pytest.mark.end_to_end  # loads run in a child process under a memory limit


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    """A real run file (a small training run, no gradient check during it: the history
    of checks is an empty (0, 2) array) and its members."""
    path = small_run_file(tmp_path_factory.mktemp("run") / "run.npz")
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return path, members


def _declaring(name: str, shape, payload: bytes = b"") -> Member:
    """A member whose zip headers declare ``shape`` of float64 (header + data) while the
    file holds only the header and ``payload``: what a bomb declares, not what it holds."""
    header = npy_header(shape)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = c.compress(header + payload) + c.flush()
    size = len(header) + 8 * int(np.prod(shape))
    return Member(name, data, 8, zlib.crc32(header + payload), size)


def _crafted(path, members: dict, replaced: dict[str, Member]) -> None:
    out = []
    for name, data in members.items():
        if name in replaced:
            out.append(replaced[name])
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            out.append(Member(name, c.compress(data) + c.flush(), 8, zlib.crc32(data), len(data)))
    write_zip(path, out)


def test_a_real_run_file_with_no_checks_during_training_loads(run_file):
    path, _ = run_file
    run = load_run(path)
    assert run.history["gradcheck_history"].shape == (0, 2)


def test_run_file_bombs_are_refused_before_any_data_is_read(run_file, tmp_path):
    """Item 6: a few kilobytes declaring gigabytes, in one member or spread over several,
    each dimension within the per-dimension limit (zip32 sizes: at most 4 GB a member)."""
    _, members = run_file
    cases = {
        # (W1.npy: the first layer's weights at every snapshot, (S, n_1, n_0))
        "one member of 4 GB": {"W1.npy": _declaring("W1.npy", (1000, 1000, 500))},
        "three of 300 MB": {
            name: _declaring(name, (1000, 1000, 40)) for name in ("W1.npy", "W2.npy", "X.npy")
        },
        "a history of 10^6 × 500": {"grad_norm.npy": _declaring("grad_norm.npy", (10**6, 500))},
    }
    jobs = []
    for i, replaced in enumerate(cases.values()):
        assert set(replaced) <= set(members)  # each replaces a member a real run file has
        path = tmp_path / f"bomb{i}.npz"
        _crafted(path, members, replaced)
        assert path.stat().st_size < 20_000
        jobs.append({"id": str(i), "loader": "run", "path": str(path)})
    outcome = load_in_child(jobs)
    for i, case in enumerate(cases):
        kind, message = outcome["results"][str(i)]
        assert kind == "ValueError", (case, kind, message)
        assert f"run files hold at most {MAX_RUN_BYTES:,}" in message, (case, message)
        assert "is not a valid backproplab run file" in message
    assert outcome["peak_rss_kb"] < 400_000  # the imports; nothing of the declared sizes


def test_a_consistent_run_file_that_expands_to_3_gb_is_refused(tmp_path):
    """Item 6 as reported: every shape agrees with the metadata and every byte is there
    (3.2 GB of zeros deflated to about 3 MB); the reader used to decompress it all."""
    from backproplab.formats.runfile import Run

    n, S = 200_000, 2
    small = Run(
        sizes=[2, 1000, 1], activation="sigmoid", output_activation="sigmoid",
        cost="quadratic", watch=1, classes=["0", "1"], X=np.zeros((n, 2)),
        y=np.zeros(n, np.int64), indices=np.arange(n), n_total=n,
        step=np.array([0, 1]), epoch=np.array([0.0, 1.0]), loss=np.zeros(S),
        layers={1: np.zeros((S, 1, 1))}, weights=None, biases=None,
        history={"loss_step": np.zeros(1), "grad_norm": np.zeros((1, 2)),
                 "weight_norm": np.zeros((1, 2)), "loss_epoch": np.zeros(1),
                 "gradcheck_history": np.zeros((0, 2))},
        steps_per_epoch=1,
    )  # fmt: skip
    path = tmp_path / "small.npz"
    save_run(small, path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    header = npy_header((S, n, 1000))
    stream, crc = deflate_zeros(header, S * n * 1000 * 8)
    bomb = Member("a1.npy", stream, 8, crc, len(header) + S * n * 1000 * 8)
    _crafted(tmp_path / "bomb.npz", members, {"a1.npy": bomb})
    assert (tmp_path / "bomb.npz").stat().st_size < 5_000_000
    outcome = load_in_child([{"id": "bomb", "loader": "run", "path": str(tmp_path / "bomb.npz")}])
    kind, message = outcome["results"]["bomb"]
    assert kind == "ValueError" and "run files hold at most" in message, (kind, message)
    assert outcome["peak_rss_kb"] < 400_000


def test_a_member_whose_declared_size_disagrees_with_its_header_is_refused(run_file, tmp_path):
    _, members = run_file
    header = npy_header((10, 2))
    lying = Member("X.npy", header, 0, zlib.crc32(header), 10**8)  # declares 100 MB
    path = tmp_path / "lying.npz"
    _crafted(path, members, {"X.npy": lying})
    with pytest.raises(ValueError, match=r"X.npy is 100000000 bytes, but its header declares"):
        load_run(path)


@pytest.mark.parametrize(
    "header",
    [
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,",  # unterminated: TokenError
        b"{'descr': '<f8', 'fortran_order': False, 'shape': ('''",
        b"\xff\xfe not text at all",
    ],
)
def test_a_npy_header_numpy_cannot_parse_is_a_value_error(run_file, tmp_path, header):
    """Item 13: NumPy parses the header with tokenize and ast; whatever they raise (here
    ``tokenize.TokenError``) is the file's damage, not a crash."""
    _, members = run_file
    text = header.ljust(54) + b"\n"
    raw = b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text
    members = {**members, "loss.npy": raw}
    path = tmp_path / "header.npz"
    _crafted(path, members, {})
    with pytest.raises(ValueError, match="loss.npy is not a .npy array"):
        load_run(path)


def _flips(data: bytes, positions, values=(0x00, 0xFF, 0x80, 0x7F)):
    for i in positions:
        for v in values:
            if data[i] != v:
                yield i, data[:i] + bytes([v]) + data[i + 1 :]


@pytest.mark.parametrize("kind", ["model", "run"])
def test_byte_flips_in_the_directory_never_give_a_bare_os_error(run_file, tmp_path, kind):
    """Item 14: a damaged offset in the zip's central directory made zipfile seek before
    the start of the file: ``OSError: [Errno 22]``, naming neither file nor problem. Every
    flip of the last 200 bytes (the central directory and its end record) is a ValueError
    naming the file, or loads."""
    if kind == "model":
        path = tmp_path / "m.npz"
        Network([2, 3, 1], seed=0).save(path)
        load = Network.load
    else:
        path, load = run_file[0], load_run
    data = path.read_bytes()
    flipped = tmp_path / f"flipped-{kind}.npz"
    outcomes = set()
    for i, damaged in _flips(data, range(len(data) - 200, len(data))):
        flipped.write_bytes(damaged)
        try:
            load(flipped)
            outcomes.add("loaded")
        except ValueError as exc:
            assert shown_path(flipped) in str(exc), (i, exc)
            outcomes.add("ValueError")
    assert "ValueError" in outcomes


def test_the_offset_flip_that_gave_errno_22_names_the_file(tmp_path):
    path = tmp_path / "m.npz"
    Network([2, 3, 1], seed=0).save(path)
    data = bytearray(path.read_bytes())
    data[-6] = 0xFF  # the high byte of the central directory's offset: far past the end
    data[-7] = 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"m.npz is not a valid backproplab model file"):
        Network.load(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: m["gradcheck"].update(text=["not", "text"]), "gradcheck must hold"),
        (lambda m: m["gradcheck"].update(relative_error="1e-9"), "gradcheck must hold"),
        (lambda m: m["settings"].update(training=True), "settings.training must be"),
        (lambda m: m.update(gradcheck={"text": "only text"}), "gradcheck must hold"),
    ],
)
def test_metadata_values_view_could_not_draw_are_refused(run_file, tmp_path, change, message):
    """Item 13: values the reader accepted and ``view`` then crashed on."""
    import json

    _, members = run_file
    meta = json.loads(members["metadata.json"])
    meta["gradcheck"] = {"relative_error": 1e-9, "threshold": 1e-7, "passed": True, "text": "ok"}
    meta["settings"] = {"training": {}}
    change(meta)
    path = tmp_path / "meta.npz"
    _crafted(path, {**members, "metadata.json": json.dumps(meta).encode()}, {})
    with pytest.raises(ValueError, match=message):
        load_run(path)
