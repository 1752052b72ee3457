"""Writing and reading files: nothing of the user's is lost, changed or left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from backproplab import Network
from backproplab.formats.files import (
    TEMP_PREFIX,
    atomic_path,
    atomic_write_text,
    open_regular,
    remove_stale_temporaries,
)

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, links and signals")


@posix
def test_saving_over_a_private_file_keeps_it_private(tmp_path):
    target = tmp_path / "m.npz"
    Network([2, 3, 1], seed=0).save(target)
    os.chmod(target, 0o600)
    Network([2, 3, 1], seed=1).save(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    os.chmod(target, 0o640)
    atomic_write_text(target, "x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@posix
def test_a_new_file_gets_the_umask_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@posix
def test_saving_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "models" / "real.npz"
    real.parent.mkdir()
    Network([2, 3, 1], seed=0).save(real)
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    net = Network([2, 4, 1], seed=1)
    net.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert Network.load(real).sizes == [2, 4, 1]
    assert sorted(os.listdir(real.parent)) == ["real.npz"]  # no temporary left


@posix
def test_writing_over_something_that_is_not_a_file_is_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dev").symlink_to("/dev/null")
    for name in ("fifo", "dev"):
        with pytest.raises(ValueError, match="will not write over"):
            atomic_write_text(tmp_path / name, "x")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo").st_mode)
    assert os.readlink(tmp_path / "dev") == "/dev/null"


def test_the_longest_file_name_can_be_saved(tmp_path):
    name = "m" * 251 + ".npz"  # 255 bytes, the usual limit of one path component
    Network([2, 3, 1], seed=0).save(tmp_path / name)
    assert Network.load(tmp_path / name).sizes == [2, 3, 1]
    assert os.listdir(tmp_path) == [name]


def test_the_data_is_synced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append("rename"), real_replace(a, b))[1]
    )
    atomic_write_text(tmp_path / "f.txt", "hello")
    assert events[:2] == ["fsync", "rename"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_killed_writer_are_removed_by_the_next_save(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f"{TEMP_PREFIX}{dead}-abcd1234.npz"
    stale.write_bytes(b"x" * 1000)
    staging = tmp_path / f"{TEMP_PREFIX}{dead}-abcd1235"
    staging.mkdir()
    (staging / "hidden.gif").write_bytes(b"x")
    alive = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-abcd1234.npz"  # a running process's
    alive.write_bytes(b"x")
    user = tmp_path / ".bpl-tmp-notes.txt"  # not our exact form: the user's
    user.write_bytes(b"x")
    Network([2, 3, 1], seed=0).save(tmp_path / "m.npz")
    assert sorted(os.listdir(tmp_path)) == sorted(["m.npz", alive.name, user.name])
    assert remove_stale_temporaries(tmp_path) == []


@posix
def test_sigkill_during_a_save_leaves_only_a_temporary_that_the_next_save_removes(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys, time
        from backproplab.formats.files import atomic_path
        with atomic_path({str(tmp_path / "big.bin")!r}) as tmp:
            open(tmp, "wb").write(b"x" * 1000)
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = os.listdir(tmp_path)
    assert len(left) == 1 and left[0].startswith(TEMP_PREFIX) and len(left[0]) < 40
    with atomic_path(tmp_path / "big.bin") as tmp:
        open(tmp, "wb").write(b"new")
    assert os.listdir(tmp_path) == ["big.bin"]


def test_reading_refuses_what_is_not_a_regular_file(tmp_path):
    with pytest.raises(ValueError, match="a folder"):
        open_regular(tmp_path)
    if os.path.exists("/dev/zero"):
        with pytest.raises(ValueError, match="character device"):
            open_regular("/dev/zero")
    # a FIFO: see test_hostile_files, which reads one in a child process with a timeout
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "nowhere")
    (tmp_path / "f").write_bytes(b"abc")
    with open_regular(tmp_path / "f") as f:
        assert f.read() == b"abc"


def test_the_round_trip_is_unchanged(tmp_path):
    net = Network([3, 2], dtype=np.float32, seed=0)
    net.save(tmp_path / "m.npz")
    back = Network.load(tmp_path / "m.npz")
    assert np.array_equal(back.weights[0], net.weights[0]) and back.dtype == np.float32
