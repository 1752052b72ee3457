"""``backproplab demo`` and ``backproplab train`` end to end."""

from __future__ import annotations

import csv
import json
import os

import pytest
from matplotlib.animation import PillowWriter
from PIL import Image

from backproplab import Network, datasets
from backproplab.cli import main
from backproplab.cli.demo import DEMO_DEFAULTS
from backproplab.cli.output import MARKER

FILES = {"hidden.gif", "hidden.html", "report.html", "model.npz", "history.json", "history.csv"}
pytestmark = pytest.mark.end_to_end  # every test here runs the command line

SMALL = ["--samples", "200", "--epochs", "3", "--frames", "4"]


def test_the_demo_settings_learn_the_circles():
    """The defaults of ``backproplab demo`` reach ≥ 97% training accuracy."""
    d = DEMO_DEFAULTS
    X, y = datasets.load(d["data"])
    net = Network([int(n) for n in d["layers"].split(",")], seed=d["seed"])
    net.train(X, y, d["epochs"], d["batch_size"], d["eta"], seed=d["seed"])
    assert X.shape == (1000, 2) and net.accuracy(X, y) >= 0.97


def test_train_writes_every_file_and_they_agree(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--data", "moons", "--layers", "2,5,3,1", "--seed", "3",
                 "--out", str(out), *SMALL]) == 0  # fmt: skip
    assert set(os.listdir(out)) == FILES | {MARKER}
    printed = capsys.readouterr().out
    assert str(out) in printed and "report.html" in printed

    net = Network.load(out / "model.npz")
    X, y = datasets.moons(n_samples=200, seed=3)
    assert net.sizes == [2, 5, 3, 1]
    history = json.loads((out / "history.json").read_text())
    with open(out / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(history["loss_step"]) == 3 * 20  # 3 epochs of 200 / 10
    assert [float(r["loss"]) for r in rows] == history["loss_step"]
    # the saved network is the trained one: its whole-set cost is the last epoch's loss
    assert net.cost(X, y) == pytest.approx(history["loss_epoch"][-1], rel=1e-12)
    assert float(rows[-1]["epoch_loss"]) == history["loss_epoch"][-1]
    with Image.open(out / "hidden.gif") as gif:
        assert gif.n_frames == 4  # --frames 4: steps 0, 20, 40, 60
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") >= 4 + 5  # frames + figures
    assert "https://" not in report and "http://" not in report


def test_quiet_prints_nothing_and_one_dimensional_data_shows_the_curve(tmp_path, capsys):
    out = tmp_path / "toy"
    argv = ["train", "--data", "toy", "--layers", "1,4,1", "--activation", "tanh", "--quiet"]
    assert main([*argv, "--out", str(out), *SMALL]) == 0
    assert capsys.readouterr() == ("", "")
    assert (
        "<h1>the output as a function of the input, through training</h1>"
        in (out / "hidden.html").read_text()
    )
    with Image.open(out / "hidden.gif") as gif:
        assert gif.n_frames == 4


def test_csv_data_and_multiclass(tmp_path):
    path = tmp_path / "data.csv"
    X, y = datasets.blobs(n_samples=90, centers=3, seed=1)
    rows = ["a,b,kind"] + [f"{p},{q},{'xyz'[k]}" for (p, q), k in zip(X, y.astype(int))]
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    argv = ["train", "--data", str(path), "--target", "kind", "--layers", "2,4,3",
            "--cost", "cross-entropy", "--quiet", "--out", str(out), *SMALL[2:]]  # fmt: skip
    assert main(argv) == 0
    net = Network.load(out / "model.npz")
    assert net.output_activation == "softmax" and net.sizes == [2, 4, 3]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "swirl"], "swirl"),
        (["--layers", "3,3,1"], "3 inputs"),
        (["--layers", "2,3,3"], "3 outputs"),
        (["--data", "iris", "--layers", "4,5,1"], "3 classes"),
        (["--data", "iris", "--layers", "4,5,3", "--samples", "5"], "n_samples"),
        (["--watch-layer", "3"], "--watch-layer"),
        (["--watch-layer", "0"], "--watch-layer"),
        (["--epochs", "0"], "epochs"),
        (["--eta", "nan"], "eta"),
        (["--data", "nowhere.csv", "--target", "y"], "nowhere.csv"),
        (["--units", "0,9"], "units"),
        (["--epochs", "x"], "--epochs"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    code = _exit_code(["train", *argv, "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and message in err[0], err
    assert not out.exists() or os.listdir(out) == []


def test_unwritable_out_is_refused_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["demo", "--out", str(blocker / "sub"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--out" in err[0]
    assert blocker.read_text() == "not a folder"


def test_an_interrupted_run_leaves_no_truncated_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    grabbed = []
    real_grab = PillowWriter.grab_frame

    def grab_then_interrupt(self, **kwargs):
        grabbed.append(1)
        if len(grabbed) == 3:
            raise KeyboardInterrupt  # as if Ctrl-C arrived while the GIF was being drawn
        real_grab(self, **kwargs)

    monkeypatch.setattr(PillowWriter, "grab_frame", grab_then_interrupt)
    assert main(["demo", "--out", str(out), *SMALL]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()  # no hidden.gif, no temporary file, not even the new folder


def _exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        return exc.code
