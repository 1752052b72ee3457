"""Run files: a bit-exact round trip of what the Recorder captured, and hostile files refused."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from backproplab import Network, datasets, gradcheck
from backproplab.formats.runfile import from_recording, save_run
from backproplab.formats.runfile_read import load_run
from backproplab.formats.text import shown_path
from backproplab.training.callbacks import Recorder


@pytest.fixture(scope="module")
def recorded():
    X, y = datasets.circles(n_samples=80, seed=2)
    net = Network([2, 3, 3, 1], seed=1)
    rec = Recorder(X, layers=[2, 3], every=4, Y=y)
    history = net.train(X, y, epochs=2, batch_size=10, eta=3.0, callbacks=[rec],
                        gradcheck_every=5)  # fmt: skip
    check = gradcheck(net, X[:10], y[:10])
    labels = np.where(y == 1, "inner", "outer")
    run = from_recording(
        rec, history, sizes=net.sizes, activation="sigmoid", output_activation="sigmoid",
        cost="quadratic", watch=2, labels=labels, indices=np.arange(80), n_total=80,
        gradcheck=check, title="t", summary="s", settings={"data": "circles", "eta": 3.0},
    )  # fmt: skip
    return rec, history, run


def _write_members(path, members: dict) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _npy(arr, allow_pickle=False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def test_round_trip_keeps_every_snapshot_bit_for_bit(recorded, tmp_path):
    rec, history, run = recorded
    save_run(run, tmp_path / "run.npz")
    back = load_run(tmp_path / "run.npz")
    assert back.sizes == [2, 3, 3, 1] and back.classes == ["inner", "outer"]
    assert back.step.tolist() == [s.step for s in rec.snapshots]
    for t, snap in enumerate(rec.snapshots):  # compared with the Recorder's own snapshots
        for ell in (2, 3):
            np.testing.assert_array_equal(back.layers[ell][t], snap.layers[ell])
        for i in range(3):
            np.testing.assert_array_equal(back.weights[i][t], snap.weights[i])
            np.testing.assert_array_equal(back.biases[i][t], snap.biases[i][:, 0])
        assert back.loss[t] == snap.loss
    np.testing.assert_array_equal(back.history["loss_step"], history.loss_step[: history.n_steps])
    np.testing.assert_array_equal(back.X, rec.X)
    assert back.gradcheck["passed"] and back.settings == {"data": "circles", "eta": 3.0}
    assert back.history["gradcheck_history"].shape == (len(history.extras["gradcheck"]), 2)
    with np.load(tmp_path / "run.npz", allow_pickle=False) as plain:  # NumPy reads it too
        assert plain["W2"].shape == (len(rec.snapshots), 3, 3)
        assert "a2" not in plain  # recomputed from the parameters when read


def test_a_file_that_also_holds_the_activations_reads_the_same(recorded, tmp_path):
    """Files written before the activations were left out hold them too: still read, and
    the stored a^ℓ equal those the reader computes from the parameters."""
    rec, _, run = recorded
    save_run(run, tmp_path / "run.npz")
    members = _members(tmp_path / "run.npz")
    for ell in (2, 3):
        members[f"a{ell}.npy"] = _npy(np.stack([s.layers[ell] for s in rec.snapshots]))
    _write_members(tmp_path / "old.npz", members)
    old, new = load_run(tmp_path / "old.npz"), load_run(tmp_path / "run.npz")
    for ell in (2, 3):
        np.testing.assert_array_equal(old.layers[ell], new.layers[ell])
    del members["a3.npy"]  # one of the two: refused
    _write_members(tmp_path / "half.npz", members)
    with pytest.raises(ValueError, match="wrong entries"):
        load_run(tmp_path / "half.npz")


def test_truncated_and_foreign_files_are_refused(recorded, tmp_path):
    path = tmp_path / "run.npz"
    save_run(recorded[2], path)
    raw = path.read_bytes()
    for cut in (10, len(raw) // 2, len(raw) - 30):
        (tmp_path / "cut.npz").write_bytes(raw[:cut])
        with pytest.raises(ValueError, match="not a valid backproplab run file"):
            load_run(tmp_path / "cut.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a zip archive"):
        load_run(tmp_path / "text.npz")
    model = tmp_path / "model.npz"
    Network([2, 3, 1], seed=0).save(model)
    with pytest.raises(ValueError, match="format is 'backproplab.network'"):
        load_run(model)


def _tamper(tmp_path, run, change) -> str:
    path = tmp_path / "run.npz"
    save_run(run, path)
    members = _members(path)
    change(members)
    bad = tmp_path / "bad.npz"
    _write_members(bad, members)
    with pytest.raises(ValueError) as err:
        load_run(bad)
    return str(err.value)


def _stored(**bad):
    """Add the activations a file may hold besides the parameters (zeros of the right
    shapes), with the members in ``bad`` instead."""

    def change(members):
        S = np.load(io.BytesIO(members["step.npy"])).shape[0]
        members["a2.npy"] = _npy(np.zeros((S, 80, 3)))
        members["a3.npy"] = _npy(np.zeros((S, 80, 1)))
        members.update({f"{name}.npy": data for name, data in bad.items()})

    return change


def _meta(update):
    def change(members):
        meta = json.loads(members["metadata.json"])
        update(meta)
        members["metadata.json"] = json.dumps(meta).encode()

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_stored(a2=_npy(np.array([object()]), allow_pickle=True)), "Python objects"),
        (lambda m: m.update({"evil.npy": _npy(np.zeros(2))}), "unexpected ['evil.npy']"),
        (lambda m: m.pop("W1.npy"), "missing ['W1.npy']"),
        (_stored(a2=_npy(np.zeros((3, 80, 4)))), "a2.npy has shape"),
        (lambda m: m.update({"y.npy": _npy(np.full(80, 7))}), "class numbers"),
        (lambda m: m.update({"step.npy": _npy(np.array([0, 8, 4, 12, 16]))}), "step must increase"),
        (_stored(a3=_npy(np.full((5, 80, 1), np.nan))), "NaN"),
        (lambda m: m.update({"metadata.json": b"{not json"}), "not valid JSON"),
        (_meta(lambda d: d.update(format_version=99)), "format_version 99"),
        (_meta(lambda d: d.update(extra=1)), "unknown ['extra']"),
        (_meta(lambda d: d.update(sizes=[2, -3, 1])), "sizes"),
        (_meta(lambda d: d.update(watch=3)), "watch"),
        (_meta(lambda d: d.update(activation="evil")), "evil"),
        (_meta(lambda d: d.update(has_params=False)), "unexpected"),
        (_meta(lambda d: d.update(classes=[1, 2])), "classes"),
    ],
)
def test_tampered_files_are_refused_with_a_message_naming_the_problem(
    recorded, tmp_path, change, message
):
    text = _tamper(tmp_path, recorded[2], change)
    # (the path as messages show it: cut in the middle past 80 characters)
    assert text.startswith(
        f"{shown_path(tmp_path / 'bad.npz')} is not a valid backproplab run file"
    )
    assert message in text


def test_a_failed_write_leaves_the_previous_file(recorded, tmp_path, monkeypatch):
    path = tmp_path / "run.npz"
    path.write_bytes(b"the previous run")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        save_run(recorded[2], path)
    assert path.read_bytes() == b"the previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_or_a_folder_is_refused_before_a_byte_is_read(tmp_path):
    os.mkfifo(tmp_path / "run.npz")  # opening it for reading would wait for a writer forever
    with pytest.raises(ValueError, match="not a regular file"):
        load_run(tmp_path / "run.npz")
    with pytest.raises(ValueError, match="not a regular file"):
        load_run(tmp_path)


def test_byte_flips_give_the_same_run_or_a_value_error(recorded, tmp_path):
    """A seeded fuzz: every flipped file loads as the very same run or raises ValueError."""
    _, _, run = recorded
    path = tmp_path / "run.npz"
    save_run(run, path)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(0)
    outcomes = {"same": 0, "refused": 0}
    for _ in range(150):
        flipped = bytearray(data)
        flipped[int(rng.integers(len(data)))] ^= 1 << int(rng.integers(8))
        target = tmp_path / "flipped.npz"
        target.write_bytes(bytes(flipped))
        try:
            back = load_run(target)
        except ValueError:
            outcomes["refused"] += 1
            continue
        np.testing.assert_array_equal(back.X, run.X)  # loaded: it must be the same run
        for ell in run.layers:
            np.testing.assert_array_equal(back.layers[ell], run.layers[ell])
        outcomes["same"] += 1
    assert outcomes["refused"] > 0 and sum(outcomes.values()) == 150


def test_a_check_with_no_finite_error_is_kept_and_said(recorded, tmp_path):
    """A gradient check during training can have nothing to compare (its relative error
    NaN): the run file keeps it, and the report counts it apart; its steps stay finite."""
    from dataclasses import replace

    from backproplab.viz.page import render_report

    run = recorded[2]
    checks = np.array([[5.0, 1e-9], [10.0, np.nan], [15.0, 3e-8]])
    save_run(replace(run, history=run.history | {"gradcheck_history": checks}),
             tmp_path / "run.npz")  # fmt: skip
    back = load_run(tmp_path / "run.npz")
    np.testing.assert_array_equal(back.history["gradcheck_history"], checks)
    text = render_report(back)
    assert "3 checks, relative error from 1.0e-09 to 3.0e-08; 1 with no finite error" in text
    checks[1, 0] = np.inf
    save_run(replace(run, history=run.history | {"gradcheck_history": checks}),
             tmp_path / "bad.npz")  # fmt: skip
    with pytest.raises(ValueError, match="gradcheck_history's steps must be finite"):
        load_run(tmp_path / "bad.npz")
