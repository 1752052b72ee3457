"""``backproplab check path/to/student.py:backprop`` end to end: exit codes 0/1/2, the
learner's file run in its own process, nothing else from its folder imported."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from backproplab.cli import main

pytestmark = pytest.mark.end_to_end  # the learner's code runs in a subprocess

NETWORK_PY = textwrap.dedent(
    """
    import random

    import numpy as np


    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))


    def sigmoid_prime(z):
        return sigmoid(z) * (1 - sigmoid(z))


    class Network:
        def __init__(self, sizes):
            self.num_layers = len(sizes)
            self.sizes = sizes
            self.biases = [np.random.randn(y, 1) for y in sizes[1:]]
            self.weights = [np.random.randn(y, x) for x, y in zip(sizes[:-1], sizes[1:])]

        def backprop(self, x, y):
            nabla_b = [np.zeros(b.shape) for b in self.biases]
            nabla_w = [np.zeros(w.shape) for w in self.weights]
            activation, activations, zs = x, [x], []
            for b, w in zip(self.biases, self.weights):
                z = np.dot(w, activation) + b
                zs.append(z)
                activation = sigmoid(z)
                activations.append(activation)
            delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
            nabla_b[-1] = delta
            nabla_w[-1] = np.dot(delta, activations[-2].transpose())
            for l in range(2, self.num_layers):
                sp = sigmoid_prime(zs[-l])
                delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
                nabla_b[-l] = delta
                nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
            return (nabla_b, nabla_w)

        def cost_derivative(self, output_activations, y):
            return output_activations - y


    backprop = Network.backprop

    if __name__ == "__main__":
        raise SystemExit("the checker must not run this file as a script")
    """
)
FORGOT_SP = NETWORK_PY.replace("delta) * sp\n", "delta)\n")


def write(folder, name, source):
    path = folder / name
    path.write_text(source)
    return path


def run(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_right_file_exits_0_and_nothing_of_its_folder_enters_this_process(tmp_path, capsys):
    student = write(tmp_path, "network.py", NETWORK_PY)
    # traps: modules in the learner's folder named like the ones the checker itself uses
    for trap in ("numpy.py", "backproplab.py", "json.py", "random.py"):
        write(tmp_path, trap, "raise SystemExit('imported from the learner folder')\n")
    before = set(sys.modules)
    code, out, err = run(capsys, f"{student}:Network.backprop")
    assert code == 0, out + err
    assert "PASSED" in out and "'deep and narrow'" in out
    for name in set(sys.modules) - before:
        assert str(tmp_path) not in str(getattr(sys.modules[name], "__file__", "") or "")
    assert "_backproplab_learner" not in sys.modules


def test_a_wrong_file_exits_1_with_the_diagnosis(tmp_path, capsys):
    student = write(tmp_path, "student.py", FORGOT_SP)
    code, out, _ = run(capsys, f"{student}:backprop", "--style", "nielsen")
    assert code == 1
    assert out.splitlines()[0].endswith("BP2 is wrong at layer 2")
    assert "hint: σ′(z^ℓ) is missing" in out
    assert "WRONG (BP2)" in out  # the per-layer table


def test_json_for_autograders(tmp_path, capsys):
    student = write(tmp_path, "student.py", FORGOT_SP)
    code, out, _ = run(capsys, f"{student}:backprop", "--json")
    data = json.loads(out)
    assert code == 1
    assert (data["passed"], data["equation"], data["layer"], data["mistake"]) == (
        False, "BP2", 2, "bp2_no_sigma_prime")  # fmt: skip
    assert len(data["cases"]) == 5  # its cost_derivative is the quadratic cost's: 5 cases
    assert data["costs"] == ["quadratic"] and "quadratic cost only" in data["cost_note"]


def test_batch_style_with_rows_and_the_library_imported_by_the_learner(tmp_path, capsys):
    student = write(
        tmp_path, "mine.py", "from backproplab.checking.ladder import per_example as backprop\n"
    )
    code, out, _ = run(capsys, f"{student}:backprop", "--style", "batch", "--samples", "rows")
    assert code == 0 and "PASSED" in out and "batch style" in out


@pytest.mark.parametrize(
    "source, message",
    [
        ("def backprop(self, x, y):\n    return (x,\n", "syntax error at line"),
        ("import numpyy\n", "could not import 'numpyy'"),
        ("import helpers\n", "modules next to it are not importable"),
        ("raise RuntimeError('boom')\n", "raised RuntimeError while loading, at line 1"),
        ("import numpy as np\n", "has no 'backprop'"),
        ("backprop = 3\n", "not a function"),
    ],
    ids=["syntax", "import", "sibling", "exception", "missing", "not callable"],
)
def test_a_file_that_cannot_be_loaded_exits_2_in_one_line(tmp_path, capsys, source, message):
    write(tmp_path, "helpers.py", "def sigmoid(z):\n    return z\n")
    student = write(tmp_path, "student.py", source)
    code, out, err = run(capsys, f"{student}:backprop")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_function_of_the_other_style_exits_2_and_names_it(tmp_path, capsys):
    student = write(tmp_path, "s.py", "def backprop(weights, biases, X, Y):\n    pass\n")
    code, out, err = run(capsys, f"{student}:backprop")
    assert code == 2 and out == "" and "is it style='batch'?" in err


def test_top_level_code_that_runs_too_long_exits_2(tmp_path, capsys):
    student = write(tmp_path, "s.py", "import time\ntime.sleep(30)\n")
    code, _, err = run(capsys, f"{student}:backprop", "--time-limit", "0.3")
    assert code == 2 and "took more than 0.3 s" in err and "__main__" in err


def test_a_hanging_function_is_stopped(tmp_path, capsys):
    student = write(tmp_path, "s.py", "def backprop(self, x, y):\n    while True:\n        pass\n")
    code, out, _ = run(capsys, f"{student}:backprop", "--time-limit", "0.3")
    assert code == 1
    assert "did not return: stopped after 0.3 s" in out and "skipped" in out


def test_a_function_that_kills_its_process_exits_1(tmp_path, capsys):
    student = write(tmp_path, "s.py", "import os\ndef backprop(self, x, y):\n    os._exit(3)\n")
    code, _, err = run(capsys, f"{student}:backprop")
    assert code == 1 and "ended the checking process (exit status 3)" in err


@pytest.mark.parametrize(
    "target, message",
    [("student.py", "path/to/file.py:function"), ("nowhere.py:backprop", "no such file"),
     ("student.txt:backprop", "not a Python file"), ("student.py:back-prop", "not a function name")],
)  # fmt: skip
def test_a_wrong_target_exits_2_in_one_line(tmp_path, capsys, monkeypatch, target, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "student.py", NETWORK_PY)
    write(tmp_path, "student.txt", NETWORK_PY)
    code, out, err = run(capsys, target)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e9"])
def test_a_time_limit_that_is_not_a_finite_positive_number_is_one_line(tmp_path, capsys, value):
    student = write(tmp_path, "network.py", NETWORK_PY)
    code, out, err = run(capsys, f"{student}:Network.backprop", "--time-limit", value)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--time-limit must be" in err


def test_help_says_the_file_is_executed_and_within_which_limits(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for words in ("EXECUTED", "separate Python process", "--time-limit seconds per call",
                  "2 GB of memory", "64 KB"):  # fmt: skip
        assert words in text, text


def test_what_the_learner_prints_is_capped(tmp_path, capsys):
    """A file that prints 1 MB while loading and on every call: 64 KB of it is kept."""
    source = "print('x' * 1_000_000)\n" + NETWORK_PY.replace(
        "            return (nabla_b, nabla_w)",
        "            print('y' * 1000)\n            return (nabla_b, nabla_w)",
    )
    student = write(tmp_path, "chatty.py", source)
    code, out, err = run(capsys, f"{student}:Network.backprop")
    assert code == 0 and "PASSED" in out
    kept, _, more = err.rpartition("… ")
    assert more.endswith("bytes more\n") and int(more.split()[0]) > 900_000
    assert len(err) < 70_000 and "chatty.py printed (first 64 KB kept)" in err


def test_cost_quadratic_and_auto_name_the_costs_checked(tmp_path, capsys):
    student = write(tmp_path, "network.py", NETWORK_PY)
    code, out, _ = run(capsys, f"{student}:Network.backprop", "--cost", "quadratic")
    assert code == 0 and "costs checked: the quadratic cost only (as asked)" in out
    code, out, _ = run(capsys, f"{student}:Network.backprop", "--cost", "auto")
    assert code == 0 and "costs checked: the quadratic cost only" in out
    assert "your cost_derivative is its ∂C/∂a" in out
    code, out, _ = run(capsys, f"{student}:Network.backprop", "--cost", "cross-entropy")
    assert code == 1 and "costs checked: cross-entropy only (as asked)" in out
