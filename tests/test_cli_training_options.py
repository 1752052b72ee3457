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
    h = json.loads((out / "history.json").read_text())
    assert len(h["val_loss_epoch"]) == h["n_epochs"] and h["best_epoch"] is not None
    assert h["stopped_early"] == (h["n_epochs"] < 40)
    # the same run through the library gives the same history
    X, y = datasets.moons(n_samples=300, seed=0)
    net = Network([2, 6, 1], output_activation="sigmoid", cost="cross_entropy", seed=0)
    ref = net.train(X, y, epochs=40, batch_size=20, eta=0.01, seed=0, evaluate=True,
                    optimizer=optim.Adam(), l2=1.0, validation_fraction=0.25, patience=3,
                    restore_best=True)  # fmt: skip
    np.testing.assert_allclose(h["val_loss_epoch"], ref.val_loss_epoch, rtol=1e-12)


def test_bad_training_flags_are_one_line(tmp_path, capsys):
    assert main(["train", "--dropout", "1.5", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "dropout must be a probability" in err[0]
