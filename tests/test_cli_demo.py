"""``backproplab demo`` and ``backproplab train`` end to end."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re

import numpy as np
import pytest
from PIL import Image

from backproplab import Network, datasets
from backproplab.cli import main
from backproplab.cli.output import MARKER
from backproplab.cli.pipeline import DEFAULT_FILES
from backproplab.formats.runfile_read import load_run

FILES = {"hidden.gif", "report.html", "run.npz", "model.npz", "history.csv"}
pytestmark = pytest.mark.end_to_end  # every test here runs the command line


def _page_meta(path) -> dict:
    """The JSON the page's panels draw from."""
    text = path.read_text()
    return json.loads(re.search(r'id="bpl-meta">(.*?)</script>', text).group(1))


SMALL = ["--samples", "200", "--epochs", "3", "--frames", "4"]


def test_the_demo_settings_learn_the_circles():
    """The defaults of ``backproplab demo`` — as its parser gives them — reach ≥ 97%
    training accuracy."""
    from backproplab.cli import build_parser

    d = build_parser().parse_args(["demo"])
    assert d.data == "circles" and not d.standardize and d.init == "gaussian"
    X, y = datasets.load(d.data)
    net = Network([int(n) for n in d.layers.split(",")], activation=d.activation,
                  cost=d.cost, init=d.init, seed=d.seed)  # fmt: skip
    net.train(X, y, d.epochs, d.batch_size, d.eta, seed=d.seed)
    assert X.shape == (1000, 2) and net.accuracy(X, y) >= 0.97


def test_train_writes_every_file_and_they_agree(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--data", "moons", "--layers", "2,5,3,1", "--seed", "3",
                 "--out", str(out), *SMALL]) == 0  # fmt: skip
    assert set(os.listdir(out)) == FILES | {MARKER} and FILES == set(DEFAULT_FILES)
    printed = capsys.readouterr().out
    assert str(out) in printed and "report.html" in printed

    net = Network.load(out / "model.npz")
    X, y = datasets.moons(n_samples=200, seed=3)
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # train standardises the inputs
    assert net.sizes == [2, 5, 3, 1]
    run = load_run(out / "run.npz")
    history = run.history
    with open(out / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]  # a row per epoch
    assert [r["step"] for r in rows] == ["20", "40", "60"]  # of 200 / 10 steps
    assert len(history["loss_step"]) == 3 * 20
    # the saved network is the trained one: its whole-set cost is the last epoch's loss
    assert net.cost(X, y) == pytest.approx(history["loss_epoch"][-1], rel=1e-12)
    np.testing.assert_allclose([float(r["loss"]) for r in rows], history["loss_epoch"], rtol=1e-9)
    first = history["grad_norm"][:20].astype(float).mean(axis=0)  # epoch 1's mean norms
    np.testing.assert_allclose([float(rows[0][f"grad_norm_W{i}"]) for i in (1, 2, 3)], first,
                               rtol=1e-6)  # fmt: skip
    with Image.open(out / "hidden.gif") as gif:
        assert gif.n_frames == 4  # --frames 4: steps 0, 20, 40, 60
    assert run.step.tolist() == [0, 20, 40, 60] and sorted(run.layers) == [2, 3]
    for W_run, W in zip(run.weights, net.weights):  # the last snapshot is the saved network
        np.testing.assert_array_equal(W_run[-1], W)
    meta = _page_meta(out / "report.html")
    assert meta["step"] == [0, 20, 40, 60] and meta["input"]["mode"] == "plane"

    # the page's snippet reproduces the run: the same network, bit for bit
    snippet = re.search(
        r'data-testid="snippet">(.*?)</pre>', (out / "report.html").read_text(), re.S
    )
    code = snippet.group(1).replace("&#x27;", "'").replace("&quot;", '"').replace("&gt;", ">")
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code.replace("&lt;", "<").replace("&amp;", "&"), scope)
    for W_snippet, W in zip(scope["net"].weights, net.weights):
        np.testing.assert_array_equal(W_snippet, W)


def test_view_rebuilds_the_same_pages_and_refuses_a_tampered_run(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["demo", "--out", str(out), "--quiet", "--hidden-page", *SMALL]) == 0
    again = tmp_path / "again"
    again.mkdir()
    assert main(["view", str(out / "run.npz"), "--out", str(again), "--quiet"]) == 0
    assert sorted(os.listdir(again)) == [".backproplab-run.json", "report.html"]  # one page
    assert main(["view", str(out / "run.npz"), "--out", str(again), "--quiet",
                 "--hidden-page"]) == 0  # fmt: skip
    for name in ("report.html", "hidden.html"):
        assert (again / name).read_bytes() == (out / name).read_bytes()
    raw = (out / "run.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(raw[: len(raw) // 2])
    assert main(["view", str(tmp_path / "cut.npz"), "--out", str(again)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a valid backproplab run file" in err[0]


def test_quiet_prints_nothing_and_one_dimensional_data_shows_the_curve(tmp_path, capsys):
    out = tmp_path / "toy"
    argv = ["train", "--data", "toy", "--layers", "1,4,1", "--activation", "tanh", "--quiet"]
    assert main([*argv, "--out", str(out), *SMALL]) == 0
    assert capsys.readouterr() == ("", "")
    meta = _page_meta(out / "report.html")
    assert meta["input"]["mode"] == "curve" and meta["heatmaps"] is None
    assert meta["hidden"]["dim"] == 3 and not meta["hidden"]["plane"]  # 4 units through PCA
    assert 'data-testid="hidden-space"' in (out / "report.html").read_text()
    with Image.open(out / "hidden.gif") as gif:
        assert gif.n_frames == 4


def test_the_demo_writes_at_most_5_mb_and_more_only_on_request(tmp_path):
    """The demo's own settings: report, GIF, run file, model and a CSV a row per epoch, in
    at most 5 MB; ``--history steps`` adds the per-step table."""
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--quiet"]) == 0
    assert set(os.listdir(out)) == FILES | {MARKER}
    sizes = {name: (out / name).stat().st_size for name in FILES}
    assert sum(sizes.values()) <= 5_000_000, sizes
    assert len((out / "history.csv").read_text().splitlines()) == 1 + 200  # 200 epochs
    steps = tmp_path / "steps"
    assert main(["demo", "--out", str(steps), "--quiet", "--history", "steps",
                 "--epochs", "2", "--frames", "3"]) == 0  # fmt: skip
    with open(steps / "history-steps.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    run = load_run(steps / "run.npz")
    assert len(rows) == len(run.history["loss_step"]) == 2 * 100  # 1000 samples / 10
    np.testing.assert_allclose([float(r["loss"]) for r in rows], run.history["loss_step"],
                               rtol=1e-6)  # fmt: skip


def test_digits_show_the_inputs_through_a_fixed_pca(tmp_path):
    out = tmp_path / "digits"
    argv = ["train", "--data", "digits", "--layers", "64,16,10", "--cost", "cross-entropy",
            "--eta", "0.5", "--epochs", "2", "--frames", "3", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    run = load_run(out / "run.npz")
    assert run.n_total == 1797 and len(run.indices) == 1000  # a fixed, stated subset
    assert run.layers[1].shape == (3, 1000, 16)
    meta = _page_meta(out / "report.html")
    assert meta["input"]["mode"] == "pca" and meta["heatmaps"] is None
    assert "64 input features" in meta["heatmaps_note"]
    assert meta["hidden"]["labels"][0].startswith("PC1")


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
    meta = _page_meta(out / "report.html")
    assert meta["classes"] == ["x", "y", "z"] and meta["input"]["regionKind"] == "class"
    assert len(meta["heatmaps"]["neurons"]) == 4
    assert load_run(out / "run.npz").classes == ["x", "y", "z"]


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

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt  # as if Ctrl-C arrived while the GIF was being written

    monkeypatch.setattr(Image.Image, "save", interrupt)
    assert main(["demo", "--out", str(out), *SMALL]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()  # no hidden.gif, no temporary file, not even the new folder


def _exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        return exc.code
