"""``backproplab gradcheck`` and ``backproplab ladder`` end to end."""

from __future__ import annotations

import re

from backproplab.cli import main


def test_gradcheck_command_prints_a_passing_table(capsys):
    assert (
        main(["gradcheck", "--layers", "3,4,2", "--activation", "tanh", "--cost", "quadratic"]) == 0
    )
    out = capsys.readouterr().out
    assert "gradient check PASSED" in out
    # one row per layer, each error with its own verdict against the same threshold
    assert re.search(r"^\s+1\s+\d\.\d\de-\d\d\s+ok\s+\d\.\d\de-\d\d\s+ok$", out, re.M)


def test_ladder_command_compares_every_rung(capsys):
    assert main(["ladder", "--layers", "1,1,1"]) == 0
    out = capsys.readouterr().out
    for rung in ("scalar", "per_neuron", "per_example", "batch_tensor", "gemm"):
        line = next(line for line in out.splitlines() if line.startswith(rung))
        assert float(line.split()[1]) <= 1e-12


def test_bad_input_is_one_line_and_exit_2(capsys):
    assert main(["gradcheck", "--layers", "2,x,1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--layers" in err[0]
    assert main(["gradcheck", "--activation", "swish"]) == 2
    assert "unknown activation" in capsys.readouterr().err
