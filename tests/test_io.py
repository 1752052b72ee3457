"""Model files: bit-exact round trips, and every hostile file rejected without running it."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from backproplab import Network

NETS = [
    dict(sizes=[2, 3, 3, 1]),
    dict(sizes=[4, 5, 3], activation="tanh", output_activation="softmax", cost="cross_entropy"),
    dict(sizes=[3, 2], activation="relu", output_activation="linear", dtype=np.float32),
]


@pytest.mark.parametrize("kwargs", NETS)
def test_round_trip_is_bit_exact(tmp_path, kwargs):
    net = Network(**kwargs, seed=0)
    net.save(tmp_path / "m.npz")
    back = Network.load(tmp_path / "m.npz")
    assert repr(back) == repr(net) and back.dtype == net.dtype
    assert all(
        np.array_equal(a, b) for a, b in zip(net.weights + net.biases, back.weights + back.biases)
    )
    assert all(a.dtype == net.dtype for a in back.weights)


def test_file_is_plain_npz(tmp_path):
    Network([2, 3, 1], seed=0).save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        assert sorted(f.files) == ["W1", "W2", "b1", "b2", "metadata.json"]
        assert f["W1"].shape == (3, 2)


# -- hostile files ---------------------------------------------------------------------------


def _good_members(tmp_path):
    Network([2, 3, 1], seed=0).save(tmp_path / "good.npz")
    with zipfile.ZipFile(tmp_path / "good.npz") as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _npy(array, allow_pickle=False):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


class _Marker:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def _meta(members, **changes):
    meta = json.loads(members["metadata.json"])
    meta.update(changes)
    return json.dumps(meta)


def _hostile(tmp_path):
    good = _good_members(tmp_path)
    marker = tmp_path / "code-ran"
    evil = np.empty(1, dtype=object)
    evil[0] = _Marker(marker)
    cases = {
        "pickled object": ({**good, "W1.npy": _npy(evil, allow_pickle=True)}, "Python objects"),
        "raw pickle": ({**good, "W1.npy": pickle.dumps(_Marker(marker))}, "not a .npy array"),
        "missing array": (
            {k: v for k, v in good.items() if k != "b2.npy"},
            r"missing \['b2.npy'\]",
        ),
        "extra array": ({**good, "W3.npy": _npy(np.zeros((1, 1)))}, r"unexpected \['W3.npy'\]"),
        "wrong shape": ({**good, "W1.npy": _npy(np.zeros((2, 3)))}, r"shape \(2, 3\)"),
        "wrong dtype": ({**good, "W1.npy": _npy(np.zeros((3, 2), np.int64))}, "dtype int64"),
        "nan": ({**good, "b1.npy": _npy(np.full((3, 1), np.nan))}, "NaN"),
        "version": ({**good, "metadata.json": _meta(good, format_version=99)}, "format_version 99"),
        "format": ({**good, "metadata.json": _meta(good, format="other")}, "format is 'other'"),
        "sizes": ({**good, "metadata.json": _meta(good, sizes=[2, -3, 1])}, "positive"),
        "activation": (
            {**good, "metadata.json": _meta(good, activation="os.system")},
            "unknown activation",
        ),
        "extra key": ({**good, "metadata.json": _meta(good, code="x")}, r"unknown \['code'\]"),
        "bad json": ({**good, "metadata.json": "{not json"}, "not valid JSON"),
        "json list": ({**good, "metadata.json": "[1, 2]"}, "not a JSON object"),
        "huge metadata": ({**good, "metadata.json": " " * (2 << 20)}, "limit"),
        "no metadata": (
            {k: v for k, v in good.items() if k != "metadata.json"},
            "no metadata.json",
        ),
    }
    return cases, marker


@pytest.mark.parametrize("case", range(16))
def test_hostile_files_are_rejected_and_run_nothing(tmp_path, case):
    cases, marker = _hostile(tmp_path)
    label, (members, message) = list(cases.items())[case]
    path = _write(tmp_path / f"{case}.npz", members)
    with pytest.raises(ValueError, match=message):
        Network.load(path)
    assert not marker.exists(), label


def test_truncated_and_foreign_files(tmp_path):
    Network([2, 3, 1], seed=0).save(tmp_path / "m.npz")
    data = (tmp_path / "m.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.npz").write_text("hello")
    for name in ("cut.npz", "text.npz"):
        with pytest.raises(ValueError, match="not a zip archive|damaged"):
            Network.load(tmp_path / name)


def test_compressed_bomb_is_refused_before_reading(tmp_path):
    members = _good_members(tmp_path)
    # 200 MB of zeros compress to ~200 kB; the header's declared size gives it away.
    members["W1.npy"] = b"\x93NUMPY" + bytes(200_000_000)
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ValueError, match="is 200000006 bytes, but an array of shape"):
        Network.load(path)


def test_interrupted_save_leaves_nothing_under_the_final_name(tmp_path, monkeypatch):
    net = Network([2, 3, 1], seed=0)
    target = tmp_path / "m.npz"

    def broken_save(*args, **kwargs):
        raise KeyboardInterrupt  # the user pressed ^C half-way through

    monkeypatch.setattr(np, "save", broken_save)
    with pytest.raises(KeyboardInterrupt):
        net.save(target)
    assert os.listdir(tmp_path) == []


def test_save_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "m.npz"
    Network([2, 3, 1], seed=0).save(target)
    before = target.read_bytes()
    monkeypatch.setattr(np, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        Network([2, 3, 1], seed=1).save(target)
    assert target.read_bytes() == before and os.listdir(tmp_path) == ["m.npz"]


def test_an_open_binary_file_loads_too(tmp_path):
    net = Network([2, 3, 1], seed=0)
    net.save(tmp_path / "m.npz")
    back = Network.load(io.BytesIO((tmp_path / "m.npz").read_bytes()))
    assert np.array_equal(back.weights[1], net.weights[1])
    with pytest.raises(ValueError, match="not a zip archive"):
        Network.load(io.BytesIO(b"junk"))
