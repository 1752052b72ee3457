"""Signals at awkward moments (issue 29, items 12 and 16): SIGTERM while the GIF is being
written leaves no worker behind, and Ctrl-C at any moment of the command's start ends
with one line and exit code 130, never a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backproplab.cli import main

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; POSIX signals"),
    pytest.mark.end_to_end,
]

_GIF_CHILD = textwrap.dedent(
    """
    import os, sys, time
    from backproplab import Network, datasets
    from backproplab.training.callbacks import Recorder
    from backproplab.viz.gif import Frames, write_gif

    X, y = datasets.circles(n_samples=60, seed=0)
    net = Network([2, 3, 3, 1], seed=0)
    rec = Recorder(X, layers=[2, 3], every=1, Y=y)
    net.train(X, y, epochs=4, batch_size=10, eta=3.0, callbacks=[rec])
    frames = Frames("hidden", rec.snapshots, {"y": y, "layer": 2, "units": None, "title": "t"})

    def meanwhile():  # the worker is drawing: say so, then stay in the middle of the write
        print("drawing", flush=True)
        time.sleep(120)

    write_gif(frames, sys.argv[1], workers=2, meanwhile=meanwhile)
    """
)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running or sleeping (a zombie waiting for its reaper has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_sigterm_while_the_gif_is_written_leaves_no_worker(tmp_path):
    gif = tmp_path / "hidden.gif"
    child = subprocess.Popen(
        [sys.executable, "-c", _GIF_CHILD, str(gif)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "drawing"
        workers = _children(child.pid)
        assert workers, "the GIF is drawn with a forked worker"
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "a worker outlived its parent"
        assert child.stdout.read() == ""  # the pipe is closed: no worker holds it open
    finally:
        child.kill()
        child.wait()
    assert not gif.exists()


@pytest.mark.parametrize("delay", [0.01, 0.05, 0.2])
def test_ctrl_c_early_in_the_start_is_one_line_and_130(tmp_path, delay):
    """From the moment the entry point runs through the imports to the first epoch.
    (CPython's own start, before any of the program runs, is not the program's to guard:
    the child says when it has started, and the signal comes ``delay`` seconds later.)"""
    code = (
        "import sys; from backproplab_entry import main; "
        "sys.stdout.write('started'); sys.stdout.flush(); sys.exit(main())"
    )
    argv = ["train", "--epochs", "3000", "--out", str(tmp_path / "o"), "--quiet"]
    child = subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdout.read(len("started")) == "started"
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o").exists()


def test_ctrl_c_inside_an_extensions_import_is_one_line_and_130(monkeypatch, capsys):
    """NumPy's C import turns a KeyboardInterrupt raised inside it into an ImportError
    (PyCapsule_Import could not import module "datetime"); the entry point notes a Ctrl-C
    during the imports and acts on it once they are done, so nothing is turned."""
    import builtins
    import os

    from backproplab_entry import main as entry

    real = builtins.__import__

    def importing(name, *args, **kwargs):
        if name == "backproplab.cli":
            try:
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the middle of the import
                time.sleep(0.05)
            except KeyboardInterrupt:  # what the extension does with it
                raise ImportError('PyCapsule_Import could not import module "datetime"') from None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", importing)
    assert entry() == 130
    assert capsys.readouterr().err.splitlines() == ["backproplab: interrupted"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("made", [RuntimeError, ImportError, ValueError])
def test_ctrl_c_a_library_turns_into_another_error_is_still_an_interrupt(monkeypatch, capsys,
                                                                         made):  # fmt: skip
    """A Ctrl-C landing in a library that catches the KeyboardInterrupt and raises
    something else (an extension's import, a C callback) ends as an interrupt, not as a
    traceback or a user's mistake; an error without a Ctrl-C stays what it is."""
    import os

    from backproplab.cli import demo

    def run(args):
        try:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the middle of the library
            time.sleep(0.05)
        except KeyboardInterrupt:
            raise made("what the library made of it") from None
        raise AssertionError("the Ctrl-C was not raised")

    monkeypatch.setattr(demo, "cmd_demo", run)
    assert main(["demo"]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["backproplab demo: interrupted; no file was left half-written"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    def fails(args):
        raise made("a real error")

    monkeypatch.setattr(demo, "cmd_demo", fails)
    if made is ValueError:
        assert main(["demo"]) == 2
        assert "error: a real error" in capsys.readouterr().err
    else:
        with pytest.raises(made, match="a real error"):
            main(["demo"])


def test_ctrl_c_while_the_parser_is_built_is_one_line(monkeypatch, capsys):
    import backproplab.cli as cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert main(["train"]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["backproplab: interrupted; no file was left half-written"]
