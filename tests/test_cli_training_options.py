"""``train``'s flags for training beyond plain SGD reach ``Network.train``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backproplab import Network, datasets, optim
from backproplab.cli import main

pytestmark = pytest.mark.end_to_end


def test_optimizer_penalty_validation_and_early_stopping_flags(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--data", "moons", "--layers", "2,6,1", "--cost", "cross-entropy",
            "--samples", "300", "--epochs", "40", "--batch-size", "20", "--eta", "0.01",
            "--optimizer", "adam", "--l2", "1.0", "--validation", "0.25", "--patience", "3",
            "--frames", "3", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    from backproplab.formats.runfile_read import load_run

    h = load_run(out / "run.npz").history
    n_epochs = len(h["loss_epoch"])
    assert len(h["val_loss_epoch"]) == n_epochs
    # the same run through the library gives the same history
    X, y = datasets.moons(n_samples=300, seed=0)
    X = datasets.standardize(X)[0]  # train standardises the inputs
    net = Network(
        [2, 6, 1], output_activation="sigmoid", cost="cross_entropy", init="xavier", seed=0
    )  # train's --init auto for sigmoid hidden layers
    ref = net.train(X, y, epochs=40, batch_size=20, eta=0.01, seed=0, evaluate=True,
                    optimizer=optim.Adam(), l2=1.0, validation_fraction=0.25, patience=3,
                    restore_best=True)  # fmt: skip
    np.testing.assert_allclose(h["val_loss_epoch"], ref.val_loss_epoch, rtol=1e-12)
    assert ref.best_epoch is not None and ref.stopped_early == (n_epochs < 40)
    assert (out / "history.csv").read_text().count("\n") == 1 + n_epochs


def test_bad_training_flags_are_one_line(tmp_path, capsys):
    assert main(["train", "--dropout", "1.5", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "dropout must be a probability" in err[0]


def test_the_report_and_run_file_carry_the_validation_curves(tmp_path):
    """run.npz holds the validation loss and accuracy; the page's data has them; view
    rebuilds the same page; plot_history draws them."""
    import re

    from backproplab.formats.runfile_read import load_run
    from backproplab.viz import plot_history

    out = tmp_path / "run"
    assert main(["train", "--data", "circles", "--samples", "200", "--epochs", "6",
                 "--validation", "0.2", "--frames", "3", "--quiet", "--out", str(out)]) == 0  # fmt: skip
    run = load_run(out / "run.npz")
    import csv

    with open(out / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    h = {
        name: [float(r[name]) for r in rows] for name in ("validation_loss", "validation_accuracy")
    }
    np.testing.assert_allclose(run.history["val_loss_epoch"], h["validation_loss"], rtol=1e-9)
    np.testing.assert_allclose(run.history["val_accuracy_epoch"], h["validation_accuracy"])
    page = (out / "report.html").read_text()
    meta = json.loads(re.search(r'id="bpl-meta">(.*?)</script>', page).group(1))
    assert "val_loss_epoch" in json.dumps(meta) or "val_loss_epoch" in page
    net = Network([2, 3, 3, 1], seed=0)
    history = net.train(*datasets.circles(n_samples=200), epochs=3, batch_size=10, eta=3.0,
                        validation_fraction=0.2)  # fmt: skip
    labels = [line.get_label() for ax in plot_history(history).axes for line in ax.lines]
    assert labels.count("validation") == 2


def test_the_reports_snippet_reproduces_a_run_with_training_flags(tmp_path):
    """The page's Python snippet names the optimizer, penalty, validation and early stopping:
    run as written, it gives the saved network bit for bit."""
    import contextlib
    import html
    import io
    import re

    out = tmp_path / "run"
    assert main(["train", "--data", "moons", "--samples", "200", "--layers", "2,5,1",
                 "--epochs", "8", "--optimizer", "momentum", "--l2", "0.5",
                 "--validation", "0.2", "--patience", "2", "--frames", "3", "--quiet",
                 "--out", str(out)]) == 0  # fmt: skip
    page = (out / "report.html").read_text()
    code = html.unescape(re.search(r'data-testid="snippet">(.*?)</pre>', page, re.S).group(1))
    assert "optimizer='momentum'" in code and "validation_fraction=0.2" in code
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, scope)
    saved = Network.load(out / "model.npz")
    np.testing.assert_array_equal(scope["net"].theta, saved.theta)
