"""``backproplab sweep`` end to end: the table equals the library's, a killed sweep resumes
with only the missing runs, mistakes are one line with exit code 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("joblib")

from backproplab import datasets  # noqa: E402
from backproplab.cli import main  # noqa: E402
from backproplab.cli.output import MARKER  # noqa: E402
from backproplab.sweep import sweep  # noqa: E402

pytestmark = pytest.mark.end_to_end  # whole sweeps from the command line

ARGS = ["sweep", "--data", "circles", "--samples", "150", "--layers", "2,4,1",
        "--epochs", "5", "--batch-size", "10", "--grid", "eta=0.5,3",
        "--grid", "activation=sigmoid,tanh", "--seeds", "0-2", "--n-jobs", "1"]  # fmt: skip


def test_cli_table_equals_the_library_sweep(tmp_path, capsys):
    assert main([*ARGS, "--out", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert "4 setting(s) × 3 seed(s) = 12 runs" in out
    assert "trained 12 runs" in out
    files = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert files == [MARKER, "final-accuracy.png", "loss.png", "results.csv", "runs", "sweep.json"]
    assert len(list((tmp_path / "s" / "runs").glob("*.json"))) == 12

    X, y = datasets.circles(n_samples=150, seed=0)
    expected = sweep(X, y, sizes=[2, 4, 1], grid={"eta": [0.5, 3.0],
                     "activation": ["sigmoid", "tanh"]}, seeds=[0, 1, 2], epochs=5,
                     batch_size=10, eta=3.0)  # fmt: skip
    got = pd.read_csv(tmp_path / "s" / "results.csv")
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)


def test_running_it_again_trains_nothing_and_extending_trains_only_the_new(tmp_path, capsys):
    out = str(tmp_path / "s")
    assert main([*ARGS, "--out", out]) == 0
    capsys.readouterr()
    assert main([*ARGS, "--out", out]) == 0
    assert "resuming: 12 of 12 runs already in" in capsys.readouterr().out
    more = [*ARGS[:-4], "--seeds", "0-3", "--n-jobs", "1"]
    assert main([*more, "--out", out]) == 0
    text = capsys.readouterr().out
    assert "resuming: 12 of 16 runs already in" in text and "trained 4 runs" in text
    assert len(pd.read_csv(tmp_path / "s" / "results.csv")) == 16 * 5


@pytest.mark.slow
def test_a_killed_sweep_resumes_with_only_the_missing_runs(tmp_path, capsys):
    """The issue's test: kill the CLI mid-way, run it again, get the uninterrupted table."""
    args = [*ARGS[:-4], "--seeds", "0-5", "--epochs", "40", "--samples", "400", "--n-jobs", "1"]
    whole = tmp_path / "whole"
    assert main([*args, "--out", str(whole), "--quiet"]) == 0

    part = tmp_path / "part"
    proc = subprocess.Popen(
        [sys.executable, "-m", "backproplab", *args, "--out", str(part), "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    runs_dir = part / "runs"

    def stored():  # finished runs; pathlib's glob also matches the .hidden temporary files
        return [p for p in runs_dir.glob("*.json") if not p.name.startswith(".")]

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if runs_dir.is_dir() and len(stored()) >= 3:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in stored()}
    assert 3 <= len(finished) < 24, "the sweep should have been killed mid-way"
    assert not (part / "results.csv").exists()

    capsys.readouterr()
    assert main([*args, "--out", str(part)]) == 0
    text = capsys.readouterr().out
    assert f"resuming: {len(finished)} of 24 runs already in" in text
    assert f"trained {24 - len(finished)} runs" in text
    for name, (data, mtime) in finished.items():  # the finished runs were not trained again
        path = runs_dir / name
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert len(stored()) == 24 and len(list(runs_dir.iterdir())) == 24  # no temporary left
    assert (part / "results.csv").read_bytes() == (whole / "results.csv").read_bytes()


@pytest.mark.slow
def test_pointing_the_cli_at_a_dask_scheduler_gives_the_local_table(tmp_path):
    distributed = pytest.importorskip("distributed")
    assert main([*ARGS, "--out", str(tmp_path / "local"), "--quiet"]) == 0
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        args = [*ARGS[:-2], "--scheduler", cluster.scheduler_address]
        assert main([*args, "--out", str(tmp_path / "dask"), "--quiet"]) == 0
    local = (tmp_path / "local" / "results.csv").read_bytes()
    assert (tmp_path / "dask" / "results.csv").read_bytes() == local


def test_validation_and_regression_free_flags(tmp_path):
    out = tmp_path / "v"
    args = [*ARGS[:-4], "--seeds", "0", "--validation", "0.25", "--out", str(out), "--quiet"]
    assert main(args) == 0
    df = pd.read_csv(out / "results.csv")
    assert {"val_loss", "val_accuracy"} <= set(df.columns)
    assert np.isfinite(df["val_loss"]).all()


def test_figures_are_drawn(tmp_path):
    from matplotlib.image import imread

    assert main([*ARGS, "--out", str(tmp_path / "s"), "--quiet"]) == 0
    for name in ("loss.png", "final-accuracy.png"):
        image = imread(tmp_path / "s" / name)
        assert image.shape[0] > 300 and image.shape[1] > 400
        assert image[..., :3].std() > 0.05  # not a blank canvas


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--grid", "momentum=0.9"], "unknown key 'momentum'"),
        (["--grid", "eta"], "KEY=V1,V2"),
        (["--grid", "batch-size=fast"], "cannot read the values 'fast'"),
        (["--grid", "eta=1"], "'eta' twice"),
        (["--seeds", "9-3"], "--seeds must be"),
        (["--seeds", "1,1"], "names a seed twice"),
        (["--validation", "1.5"], "--validation must be a fraction"),
        (["--layers", "3,4,1"], "features"),
        (["--grid", "init=xavier,nope"], "'nope'"),
        (["--target", "y"], "--target is only for"),
    ],
)
def test_mistakes_are_one_line_with_exit_code_2(extra, message, tmp_path, capsys):
    out = tmp_path / "never"
    assert main([*ARGS, *extra, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (out / "runs").exists()


def test_a_folder_of_another_sweep_is_refused(tmp_path, capsys):
    out = str(tmp_path / "s")
    assert main([*ARGS[:-4], "--seeds", "0", "--out", out, "--quiet"]) == 0
    assert main([*ARGS[:-4], "--seeds", "0", "--epochs", "6", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "holds a sweep with other settings (options differ: epochs 6 here, " in err
