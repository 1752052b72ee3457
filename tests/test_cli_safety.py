"""The command line on careless and hostile input: one line on stderr and exit 2 (130 for
Ctrl-C), no traceback, and the user's files untouched."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from backproplab import Network
from backproplab.cli import main
from backproplab.cli.limits import MAX_FRAMES
from backproplab.cli.output import MARKER
from backproplab.cli.pipeline import DEFAULT_FILES
from hostile import one_line_error, run_cli

pytestmark = pytest.mark.end_to_end  # the command line, often in a subprocess

# a 2-D hidden layer: its frames are flat plots, quick to draw
SMALL = ["--layers", "2,2,1", "--samples", "100", "--epochs", "2", "--frames", "2", "--quiet"]
FILES = set(DEFAULT_FILES)  # every file a run writes by default


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _csv(path, rows, header="a,b,y"):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _labelled_rows(labels, n=60, seed=0):
    X = np.random.default_rng(seed).standard_normal((n, 2))
    return [f"{p},{q},{labels[int(p > 0)]}" for p, q in X]


# -- 6: one line and exit 2 instead of a traceback ----------------------------------------------


@pytest.mark.parametrize("epsilon", ["0", "nan", "-1e-7", "inf", "2"])
def test_gradcheck_epsilon_must_be_between_0_and_1(capsys, epsilon):
    one_line_error(["gradcheck", f"--epsilon={epsilon}"], capsys, "--epsilon")


@pytest.mark.parametrize("command", [["train", *SMALL], ["gradcheck"], ["ladder"]])
def test_a_negative_seed_names_the_option(tmp_path, capsys, command):
    line = one_line_error([*command, "--seed", "-1", "--out", str(tmp_path / "o")][: len(command) + 2]
                           if command[0] != "train" else [*command, "--seed", "-1", "--out", str(tmp_path / "o")],
                           capsys, "--seed")  # fmt: skip
    assert "random_state" not in line


def test_absurd_layers_are_refused_naming_the_memory(tmp_path, capsys):
    out = tmp_path / "o"
    line = one_line_error(["train", *SMALL, "--layers", "2,1000000000,1", "--out", str(out)],
                           capsys, "--layers 2,1000000000,1", "GiB of memory")  # fmt: skip
    assert "89.4 GiB" in line and not out.exists()
    one_line_error(["gradcheck", "--layers", "2,1000000000,1"], capsys, "GiB")
    one_line_error(["ladder", "--layers", "2,1000000000,1"], capsys, "GiB")


def test_too_many_frames_are_refused(tmp_path, capsys):
    one_line_error(["train", "--frames", "1500", "--out", str(tmp_path / "o")], capsys,
                    f"--frames must be from 2 (the start and the end) to {MAX_FRAMES}")  # fmt: skip


@pytest.mark.parametrize(
    "text, message",
    [
        ("a,b,y\n\n\n", "only a header row"),
        ("a,b,y\n1,2,0\n1,2," + "9" * 140_000 + "\n", "line 3: field larger than field limit"),
        ("a,b,y\n1,2,0\n\n\n2,1,nan\n", "line 5: the target 'y' is 'nan', not finite"),
        ("a,b,y\n1,2,0\n2,1,\n", "line 3: the target 'y' is missing"),
        ("a,b,y\n\n1,x,0\n", "line 3: a feature is not a number"),
    ],
)
def test_bad_csv_files_are_one_line_naming_the_line(tmp_path, capsys, text, message):
    (tmp_path / "d.csv").write_text(text)
    out = tmp_path / "o"
    argv = ["train", "--data", str(tmp_path / "d.csv"), "--target", "y", "--layers", "2,3,1"]
    one_line_error([*argv, "--out", str(out), "--quiet"], capsys, message)
    assert not out.exists()


def test_byte_order_mark_and_labels_that_look_like_mathematics(tmp_path, capsys):
    path = tmp_path / "d.csv"
    text = "a,b,y\n" + "\n".join(_labelled_rows(["$\\foo$", "$x^{$"])) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # a BOM, as Excel writes
    out = tmp_path / "o"
    argv = ["train", "--data", str(path), "--target", "y", "--layers", "2,3,1", "--epochs", "2",
            "--frames", "3", "--quiet", "--out", str(out)]  # fmt: skip
    assert run_cli(argv, capsys) == (0, [])
    assert set(os.listdir(out)) == FILES | {MARKER}
    assert "<title>backproplab: d.csv (target y)</title>" in (out / "report.html").read_text()


# -- 7: nothing of the user's overwritten ---------------------------------------------------------


def test_an_input_inside_out_is_never_overwritten(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    data = _csv(run / "history.csv", _labelled_rows(["no", "yes"]))
    before = data.read_bytes()
    argv = ["train", "--data", str(data), "--target", "y", "--layers", "2,3,1", "--out", str(run)]
    for force in ([], ["--force"]):
        one_line_error([*argv, *force, *SMALL[4:]], capsys, "would overwrite the input")
        assert data.read_bytes() == before and os.listdir(run) == ["history.csv"]


def test_an_input_listed_by_an_old_run_is_kept(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    data = _csv(out / "data.csv", _labelled_rows(["no", "yes"], n=100))
    (out / MARKER).write_text('{"files": ["data.csv", "model.npz"]}')  # edited by hand
    argv = [
        "train",
        "--data",
        str(data),
        "--target",
        "y",
        "--out",
        str(out),
        *SMALL[:2],
        *SMALL[4:],
    ]
    assert run_cli(argv, capsys) == (0, [])
    assert (out / "data.csv").exists() and set(os.listdir(out)) == FILES | {MARKER, "data.csv"}


def test_a_folder_of_other_files_needs_force_and_keeps_them(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "report.html").write_text("my own report")
    one_line_error(["train", "--out", str(out), *SMALL], capsys, "not a backproplab run", "--force")
    assert _snapshot(out) == {"notes.txt": b"my notes", "report.html": b"my own report"}
    assert run_cli(["train", "--out", str(out), "--force", *SMALL], capsys) == (0, [])
    assert (out / "notes.txt").read_text() == "my notes"  # only the run's own names are written
    assert set(os.listdir(out)) == FILES | {MARKER, "notes.txt"}


def test_a_link_among_the_run_files_is_refused(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / MARKER).write_text('{"files": ["model.npz"]}')  # a previous run's folder
    elsewhere = tmp_path / "precious.npz"
    elsewhere.write_bytes(b"precious")
    (out / "model.npz").symlink_to(elsewhere)
    one_line_error(["train", "--out", str(out), *SMALL], capsys, "model.npz is not a regular file")
    assert elsewhere.read_bytes() == b"precious"


@pytest.mark.slow
def test_a_new_run_replaces_a_previous_run_as_a_whole(tmp_path, capsys):
    out = tmp_path / "o"
    assert run_cli(["train", "--out", str(out), "--seed", "1", *SMALL], capsys)[0] == 0
    (out / MARKER).write_text('{"files": ["old-extra.png", "model.npz"]}')
    (out / "old-extra.png").write_bytes(b"from an older version")
    assert run_cli(["train", "--out", str(out), "--seed", "2", *SMALL], capsys)[0] == 0
    assert set(os.listdir(out)) == FILES | {MARKER}  # what the old run wrote is gone
    net = Network.load(out / "model.npz")
    assert not np.array_equal(net.weights[0], Network([2, 2, 1], seed=1).weights[0])


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A folder holding a finished run (made once per module)."""
    out = tmp_path_factory.mktemp("finished") / "o"
    assert main(["train", "--out", str(out), "--seed", "1", *SMALL]) == 0
    return out


@pytest.fixture
def previous_run(finished_run, tmp_path):
    """A copy of the finished run's folder, and its bytes."""
    out = tmp_path / "o"
    shutil.copytree(finished_run, out)
    return out, _snapshot(out)


# -- 9: Ctrl-C at every phase, even when something swallows it ----------------------------------


def _swallowed_sigint():
    """Ctrl-C arrives, and some library catches the KeyboardInterrupt and goes on."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
    except KeyboardInterrupt:
        pass


def _wrap(owner, name, monkeypatch):
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):
        _swallowed_sigint()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize(
    "phase",
    [
        pytest.param("loading", marks=pytest.mark.slow),
        pytest.param("training", marks=pytest.mark.slow),
        "drawing",
        pytest.param("report", marks=pytest.mark.slow),
        pytest.param("saving", marks=pytest.mark.slow),
    ],
)
def test_a_swallowed_ctrl_c_still_exits_130_and_keeps_the_old_run(
    previous_run, capsys, monkeypatch, phase
):
    import backproplab.data.datasets
    import backproplab.viz.gif
    import backproplab.viz.page

    out, before = previous_run
    owner, name = {
        "loading": (backproplab.data.datasets, "load"),
        "training": (Network, "train"),
        "drawing": (backproplab.viz.gif, "write_gif"),
        "report": (backproplab.viz.page, "write_pages"),
        "saving": (Network, "save"),
    }[phase]
    _wrap(owner, name, monkeypatch)
    code, err = run_cli(["train", "--out", str(out), "--seed", "2", *SMALL], capsys)
    assert code == 130 and len(err) == 1 and "interrupted" in err[0]
    assert _snapshot(out) == before  # the previous run, byte for byte, and nothing else


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_while_the_files_move_into_place_finishes_the_move(
    previous_run, capsys, monkeypatch
):
    import backproplab.cli.output as output

    out, before = previous_run
    real = output._fsync_folder
    monkeypatch.setattr(
        output, "_fsync_folder", lambda f: (os.kill(os.getpid(), signal.SIGINT), real(f))
    )
    code, _ = run_cli(["train", "--out", str(out), "--seed", "2", *SMALL], capsys)
    assert code == 130
    after = _snapshot(out)
    assert after.keys() == before.keys()
    assert all(after[name] != before[name] for name in FILES - {"hidden.gif"})  # all new
    assert Network.load(out / "model.npz").sizes == [2, 2, 1]


def _cli_process(args, cwd, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "backproplab", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_real_ctrl_c_during_training_exits_130(previous_run):
    out, before = previous_run
    proc = _cli_process(["train", "--out", str(out), "--samples", "2000", "--epochs", "5000",
                         "--frames", "4"], cwd=out.parent)  # fmt: skip
    assert proc.stdout.readline().startswith("training ")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert _snapshot(out) == before


# -- 8: a closed pipe never loses the run -------------------------------------------------------


def test_a_closed_pipe_after_the_first_line_still_writes_every_file(tmp_path):
    out = tmp_path / "o"
    proc = _cli_process(["train", "--out", str(out), "--layers", "2,2,1", "--samples", "200",
                         "--epochs", "10", "--frames", "2"], cwd=tmp_path)  # fmt: skip
    assert proc.stdout.readline().startswith("training ")  # what `| head -1` reads
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err and "Error" not in err, err
    assert set(os.listdir(out)) == FILES | {MARKER}
    Network.load(out / "model.npz")


@pytest.mark.slow
def test_printing_into_a_broken_pipe_is_not_an_error(tmp_path, capsys, monkeypatch):
    class Gone:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    out = tmp_path / "o"
    monkeypatch.setattr(sys, "stdout", Gone())
    code = main(["train", "--out", str(out), *[a for a in SMALL if a != "--quiet"]])
    monkeypatch.undo()
    assert code == 0 and set(os.listdir(out)) == FILES | {MARKER}


# -- 11: only regular files ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_fifos_and_devices_are_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    out = tmp_path / "o"
    out.mkdir()
    os.mkfifo(out / "model.npz")
    script = textwrap.dedent(
        f"""
        import sys
        from backproplab.cli import main
        codes = [
            main(["train", "--data", "fifo.csv", "--target", "y", "--out", "a", "--quiet"]),
            main(["train", "--data", "zero.csv", "--target", "y", "--out", "b", "--quiet"]),
            main(["train", "--data", "/dev/zero", "--out", "c", "--quiet"]),
            main(["train", "--out", {str(out)!r}, "--quiet"]),
            main(["train", "--out", "fifo.csv", "--quiet"]),
        ]
        print(codes)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert proc.stdout.strip() == "[2, 2, 2, 2, 2]", proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 5 and "Traceback" not in proc.stderr
    assert "fifo.csv is not a regular file (a FIFO)" in lines[0]
    assert "not a regular file (a character device)" in lines[1]
    assert "unknown data set '/dev/zero'" in lines[2]
    assert "model.npz is not a regular file" in lines[3]
    assert "fifo.csv is not a folder" in lines[4]
    assert sorted(os.listdir(tmp_path)) == ["fifo.csv", "o", "zero.csv"]


# -- 4: memory a typo can demand, in a process limited to 1 GiB -----------------------------------


def test_requests_beyond_memory_are_refused_before_any_work(tmp_path):
    script = textwrap.dedent(
        """
        import resource
        from backproplab.cli import main
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        print([
            main(["train", "--epochs", "3000000", "--out", "a", "--quiet"]),
            main(["train", "--samples", "100000000", "--out", "b", "--quiet"]),
            main(["train", "--layers", "2,20000,20000,1", "--out", "c", "--quiet"]),
        ])
        """
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env)  # fmt: skip
    assert proc.stdout.strip() == "[2, 2, 2]", proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert "the training history of 300,000,000 steps" in lines[0] and "GiB" in lines[0]
    assert "--samples 100000000 needs about" in lines[1]
    assert "--layers 2,20000,20000,1" in lines[2]
    assert os.listdir(tmp_path) == []


def test_a_run_of_an_earlier_version_is_recognised_without_its_marker(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    for name in FILES | {"history.json", "hidden.html"}:  # as an earlier version left it: no marker
        (out / name).write_bytes(b"old")
    assert run_cli(["train", "--out", str(out), *SMALL], capsys)[0] == 0
    assert (out / MARKER).exists() and (out / "model.npz").read_bytes() != b"old"
    (out / MARKER).unlink()
    (out / "mine.txt").write_text("not a run's")
    one_line_error(["train", "--out", str(out), *SMALL], capsys, "--force")
