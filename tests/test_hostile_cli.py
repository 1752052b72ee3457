"""Hostile and careless input to the commands that write (issue 29, items 1–3, 9–11, 13
and 15): one rule for every output, a stated bound on memory and work checked before
any, and one short, inert line for every mistake. Every file is made by the tests."""

from __future__ import annotations

import gzip
import json
import os

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.cli import main
from backproplab.cli.limits import MAX_LAYERS, MAX_RUNS
from backproplab.cli.output import MARKER
from backproplab.formats.text import LIMIT, shown_path
from hostile import cli_in_child, one_line_error, run_cli, small_run_file, snapshot

pytestmark = pytest.mark.end_to_end  # the command line, from arguments to files


@pytest.fixture
def model_and_data(tmp_path):
    """A model file of 2 inputs and classes "no"/"yes", and a CSV of 20 rows for it."""
    folder = tmp_path / "mine"
    folder.mkdir()
    net = Network([2, 3, 1], seed=0)
    net.save(folder / "model.npz", extra={"classes": ["no", "yes"], "low_target": 0.0})
    X = np.random.default_rng(0).standard_normal((20, 2))
    data = folder / "data.csv"
    data.write_text("a,b\n" + "".join(f"{p},{q}\n" for p, q in X))
    return folder / "model.npz", data


# -- items 1–3: one rule for every command that writes ---------------------------------------


def test_predict_never_writes_over_its_inputs(model_and_data, tmp_path, capsys):
    model, data = model_and_data
    before = snapshot(model.parent)
    (tmp_path / "link.csv").symlink_to(data)
    for out in (data, model, tmp_path / "link.csv"):
        for force in ([], ["--force"]):
            argv = ["predict", model, "--data", data, "--out", out, *force]
            one_line_error(argv, capsys, "is the input", "choose another --out")
    assert snapshot(model.parent) == before


def test_predict_replaces_only_its_own_predictions(model_and_data, tmp_path, capsys):
    model, data = model_and_data
    notes = tmp_path / "notes.csv"
    notes.write_text("my,own\nnotes,here\n")
    argv = ["predict", model, "--data", data, "--out", notes, "--quiet"]
    one_line_error(argv, capsys, "is not the output of a backproplab predict", "--force")
    assert notes.read_text() == "my,own\nnotes,here\n"
    assert run_cli([*argv, "--force"], capsys) == (0, [])
    lines = notes.read_text().splitlines()
    assert lines[0] == "prediction" and len(lines) == 21 and set(lines[1:]) <= {"no", "yes"}
    assert run_cli(argv, capsys) == (0, [])  # its own predictions: replaced without --force
    assert run_cli([*argv, "--raw"], capsys) == (0, [])
    assert notes.read_text().splitlines()[0] == "output_1"


def test_sweep_never_writes_into_the_folder_of_its_data(model_and_data, capsys):
    _, data = model_and_data
    folder = data.parent
    labelled = folder / "labelled.csv"
    rows = np.random.default_rng(1).standard_normal((30, 2))
    labelled.write_text("a,b,y\n" + "".join(f"{p},{q},{int(p > 0)}\n" for p, q in rows))
    before = snapshot(folder)
    small = ["--layers", "2,2,1", "--epochs", "1", "--seeds", "0", "--n-jobs", "1", "--quiet"]
    argv = ["sweep", "--data", labelled, "--target", "y", "--out", folder, *small]
    one_line_error(argv, capsys, "not a backproplab run of sweep", "--force")
    assert snapshot(folder) == before
    # a data file named as one of the sweep's files: never, not even with --force
    results = folder / "results.csv"
    results.write_bytes(labelled.read_bytes())
    before = snapshot(folder)
    argv = ["sweep", "--data", results, "--target", "y", "--out", folder, "--force", *small]
    one_line_error(argv, capsys, "would overwrite the input")
    assert snapshot(folder) == before


def _a_train_folder(folder, named=True):
    """A folder as ``train`` leaves it (its marker names the command, or, ``named``
    False, as a version before that left it)."""
    folder.mkdir()
    (folder / "report.html").write_text("train's report")
    (folder / "model.npz").write_bytes(b"train's model")
    record = {"written_by": "backproplab", "files": ["model.npz", "report.html"]}
    if named:
        record["command"] = "train"
    (folder / MARKER).write_text(json.dumps(record))
    return snapshot(folder)


@pytest.fixture(scope="module")
def run_npz(tmp_path_factory):
    """A small run file (from a recording, without the command line's training)."""
    settings = {"data": "circles", "epochs": 2, "batch_size": 10, "eta": 3.0}
    return small_run_file(tmp_path_factory.mktemp("view") / "run.npz", settings)


@pytest.mark.parametrize("named", [True, False], ids=["marker", "older marker"])
def test_view_never_writes_over_another_commands_report(run_npz, tmp_path, capsys, named):
    trained = tmp_path / "trained"
    before = _a_train_folder(trained, named)
    argv = ["view", run_npz, "--out", trained, "--quiet"]
    one_line_error(argv, capsys, "not a backproplab run of view", "--force")
    assert snapshot(trained) == before
    # with --force, view writes its two pages and nothing else of train's run changes
    assert run_cli([*argv, "--force"], capsys) == (0, [])
    after = snapshot(trained)
    assert after["model.npz"] == before["model.npz"] and after[MARKER] == before[MARKER]
    assert after["report.html"] != before["report.html"]


def test_view_writes_beside_the_run_and_again_into_its_own_folder(run_npz, capsys):
    assert run_cli(["view", run_npz, "--quiet"], capsys) == (0, [])
    pages = run_npz.parent / "run-view"
    assert sorted(os.listdir(pages)) == sorted([MARKER, "report.html"])  # one page by default
    assert json.loads((pages / MARKER).read_text())["command"] == "view"
    assert run_cli(["view", run_npz, "--quiet"], capsys) == (0, [])  # its own folder
    # and train, in turn, does not write into view's folder
    argv = ["train", "--out", pages, "--layers", "2,2,1", "--epochs", "1", "--quiet"]
    one_line_error(argv, capsys, "not a backproplab run of train")


# -- item 9: predict's memory ----------------------------------------------------------------


def _predict_peak(tmp_path, name, n_features, n_rows, label_length, n_out=1):
    folder = tmp_path / name
    folder.mkdir()
    classes = ["a" * label_length, "b" * label_length, *("c" * i for i in range(1, n_out - 1))]
    net = Network([n_features, 8, n_out], seed=0)
    net.save(folder / "m.npz", extra={"classes": classes[: max(n_out, 2)], "low_target": 0.0})
    row = ",".join("0" for _ in range(n_features)) + "\n"
    with open(folder / "x.csv", "w") as f:
        f.write(",".join(f"c{i}" for i in range(n_features)) + "\n")
        f.writelines(row for _ in range(n_rows))
    out = folder / "p.csv"
    result = cli_in_child(["predict", folder / "m.npz", "--data", folder / "x.csv",
                           "--out", out, "--quiet"])  # fmt: skip
    assert result.code == 0, result.err
    assert sum(1 for _ in open(out)) == n_rows + 1
    return result.peak_rss_kb * 1024, (folder / "x.csv").stat().st_size


def test_predict_memory_is_the_csvs_and_one_block(tmp_path):
    """The CSV takes at most 8 times its size (checked before reading: the rows as
    float64, each number at least 2 bytes of the file, and the array's growth); the
    predictions one block of at most 4 MiB a layer, whatever the labels' length. Before,
    a narrow CSV cost 31 times its size and 5,000-character labels 7,500 times."""
    base, _ = _predict_peak(tmp_path, "tiny", 2, 10, 1)
    slack = 24 << 20  # one block's layers and lines, and the allocator's pages
    for name, shape in {
        "narrow": (1, 300_000, 1),
        "wide": (2_000, 1_000, 1),
        "long labels": (2, 20_000, 5_000),
        "many outputs": (2, 50_000, 1, 64),
    }.items():
        peak, size = _predict_peak(tmp_path, name.replace(" ", "-"), *shape)
        assert peak - base < 8 * size + slack, (name, (peak - base) / size)


# -- item 10: sweep's plan, checked before it starts -----------------------------------------


@pytest.mark.parametrize(
    "options, message",
    [
        (["--seeds", "0-100000000"], f"names 100,000,001 seeds; at most {MAX_RUNS:,}"),
        (["--seeds", "0-5,99999999999"], "--seeds must be seeds from 0 to 4294967295"),
        (["--epochs", "1000000000000"], "multiply-adds"),
        (
            [
                "--grid",
                "eta=" + ",".join(str(i + 1) for i in range(150)),
                "--grid",
                "batch-size=" + ",".join(str(i + 1) for i in range(100)),
            ],
            "15,000 setting(s)",
        ),  # fmt: skip
        (["--epochs", "0"], "epochs must be at least 1"),
    ],
)
def test_sweep_refuses_a_plan_too_large_at_once(tmp_path, options, message):
    result = cli_in_child(["sweep", "--out", tmp_path / "s", "--quiet", *options], timeout=60)
    assert result.code == 2 and len(result.err) == 1, result.err
    assert message in result.err[0], result.err
    assert result.seconds < 30 and not (tmp_path / "s").exists()


def test_sweep_without_a_grid_runs_its_seeds(tmp_path, capsys):
    out = tmp_path / "s"
    argv = ["sweep", "--layers", "2,2,1", "--epochs", "2", "--samples", "40", "--seeds", "0-1",
            "--n-jobs", "1", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "1 setting(s) × 2 seed(s) = 2 runs" in printed and "  all runs " in printed
    rows = (out / "results.csv").read_text().splitlines()
    assert rows[0].startswith("seed,epoch") and len(rows) == 1 + 2 * 2


# -- item 11: the same limits for writing and reading; bounded work --------------------------


def test_a_network_a_model_file_cannot_hold_is_not_saved(tmp_path):
    net = Network([1] * (MAX_LAYERS + 2), seed=0)
    with pytest.raises(ValueError, match="sizes declare 10,001 layers; model files hold at"):
        net.save(tmp_path / "deep.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (["gradcheck", "--layers", "2,300,300,1", "--samples", "10000"], "multiply-adds"),
        (["gradcheck", "--layers", ",".join(["1"] * 20_001)], "asks for 20,000 layers"),
        (["ladder", "--layers", ",".join(["1"] * 20_001)], "at most 10,000"),
        (
            ["train", "--layers", "2,1000,1000,1", "--epochs", "100000", "--out", "o"],
            "multiply-adds",
        ),  # fmt: skip
    ],
)
def test_work_beyond_the_stated_bound_is_refused_at_once(tmp_path, argv, message):
    result = cli_in_child(argv, timeout=60)
    assert result.code == 2 and len(result.err) == 1, result.err
    assert message in result.err[0], result.err
    assert result.seconds < 30


# -- item 13: one line naming the file and the problem ---------------------------------------


def test_a_model_whose_classes_do_not_fit_its_outputs(model_and_data, tmp_path, capsys):
    _, data = model_and_data
    model = tmp_path / "three.npz"
    Network([2, 3, 3], seed=0).save(model, extra={"classes": ["a", "b"]})
    message = one_line_error(["predict", model, "--data", data], capsys, "must list 3 labels")
    assert shown_path(model) in message  # (long paths are cut in the middle)


def test_an_idx_file_with_a_zero_dimension(tmp_path):
    images = tmp_path / "train-images-idx3-ubyte.gz"
    labels = tmp_path / "train-labels-idx1-ubyte.gz"
    images.write_bytes(gzip.compress(b"\x00\x00\x08\x03" + (0).to_bytes(4, "big") +
                                     (28).to_bytes(4, "big") * 2))  # fmt: skip
    labels.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + (0).to_bytes(4, "big")))
    assert datasets.read_idx(images).shape == (0, 28, 28)
    with pytest.raises(ValueError, match="no images"):
        datasets.load_mnist(tmp_path)


def test_numbers_near_1e308_are_refused_when_read(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b,y\n1,2,0\n1.5e308,2,1\n")
    with pytest.raises(ValueError, match=r"line 3: a feature is not a finite number within"):
        datasets.load_csv(path, target="y")


def test_an_uninformative_gradient_check_is_stored_as_null(run_npz, tmp_path):
    from backproplab.formats.runfile import save_run
    from backproplab.formats.runfile_read import load_run

    run = load_run(run_npz)
    run.gradcheck = {"relative_error": None, "threshold": 1e-7, "passed": False, "text": "-"}
    save_run(run, tmp_path / "r.npz")
    assert load_run(tmp_path / "r.npz").gradcheck["relative_error"] is None


# -- item 15: user text in errors, escaped and cut -------------------------------------------


def test_csv_headers_reach_the_terminal_escaped_and_cut(tmp_path, capsys):
    path = tmp_path / "evil.csv"
    forged = "x\nbackproplab train: all is well"
    header = ["\x1b[2J\x1b[31mred", f'"{forged}"', "z" * 120_000]
    path.write_text(",".join(header) + "\n1,2,3\n")
    argv = ["train", "--data", path, "--target", "nope", "--out", tmp_path / "o"]
    message = one_line_error(argv, capsys, r"\x1b[2J", r"x\nbackproplab train")
    assert "\x1b" not in message and len(message) < 3 * LIMIT + 200


def test_labels_and_values_in_errors_are_escaped_and_cut(tmp_path, capsys):
    path = tmp_path / "one.csv"
    label = "\x1b]0;pwned\x07" + "L" * 10_000
    path.write_text("a,b,y\n" + f"1,2,{label}\n" * 5)
    argv = ["train", "--data", path, "--target", "y", "--out", tmp_path / "o"]
    message = one_line_error(argv, capsys, "only one class", r"\x1b]0;pwned\x07")
    assert "\x1b" not in message and "\x07" not in message and len(message) < 400
    argv = ["sweep", "--grid", "eta=\x1b[5m" + "9" * 5000, "--out", tmp_path / "s"]
    message = one_line_error(argv, capsys, r"\x1b[5m")
    assert len(message) < 400


def test_a_sweep_folder_with_an_oversized_manifest_is_refused_unread(tmp_path, capsys):
    out = tmp_path / "s"
    out.mkdir()
    record = {"written_by": "backproplab", "command": "sweep", "files": ["sweep.json"]}
    (out / MARKER).write_text(json.dumps(record))
    (out / "sweep.json").write_text("[" + "0," * 1_000_000 + "0]")  # 2 MB of JSON
    before = snapshot(out)
    argv = ["sweep", "--layers", "2,2,1", "--epochs", "1", "--seeds", "0", "--out", out]
    one_line_error(argv, capsys, "sweep.json is not a sweep manifest (larger than 1,048,576")
    assert snapshot(out) == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--eta", "1e308"], "--eta must be a number above 0 up to 1e+06, got 1e+308"),
        (["train", "--eta", "nan"], "--eta must be a number above 0 up to 1e+06, got nan"),
        (["demo", "--eta", "0"], "--eta must be a number above 0"),
        (["train", "--noise", "1e308"], "--noise must be a number from 0 up to 1e+06"),
        (["train", "--noise", "-0.5"], "--noise must be a number from 0 up to 1e+06, got -0.5"),
        (["sweep", "--grid", "eta=1,1e9"], "--grid eta must be a number above 0 up to 1e+06"),
    ],
)
def test_a_learning_rate_or_noise_out_of_range_is_named_before_any_work(tmp_path, capsys,
                                                                         argv, message):  # fmt: skip
    one_line_error([*argv, "--out", str(tmp_path / "o")], capsys, message)
    assert os.listdir(tmp_path) == []  # nothing written
