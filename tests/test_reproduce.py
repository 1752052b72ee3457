"""The one "reproduce this run" generator: nothing from a file or a page becomes code, and
the code it writes reproduces what it describes.

The payload test writes run files whose metadata fields each hold a Python payload and
checks every snippet with an AST walk of its own (not the generator's), then runs them all
in a child process and looks for the payload's mark.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.formats.runfile import from_recording, save_run
from backproplab.formats.runfile_read import load_run
from backproplab.serve.settings import PlaygroundSettings
from backproplab.training.callbacks import Recorder
from backproplab.viz import page, reproduce

MARK = "PWNED"
PAYLOADS = (
    f"__import__('os').system('touch {MARK}')",
    f"x'); __import__('os').system('touch {MARK}'); ('",
    f'x"); __import__("os").system("touch {MARK}"); ("',
    f"1\n__import__('pathlib').Path('{MARK}').touch()\n#",
    f"1)\nopen('{MARK}', 'w')\nprint((1",
    "{{SCRIPTS}}{{SNIPPET}}{{TITLE}}",
)
CLI_SETTINGS = {
    "data": "circles", "n_samples": 40, "noise": 0.1, "seed": 0, "init": "gaussian",
    "epochs": 2, "batch_size": 10, "eta": 1.0, "standardize": False, "hidden_bias": 0.1,
    "target": None, "training": {"optimizer": "sgd", "l2": 0.0, "l1": 0.0, "dropout": 0.0,
                                 "schedule": None, "validation_fraction": 0.2, "patience": 2,
                                 "restore_best": True},
}  # fmt: skip
# What a snippet may call and name: written out here, independently of the generator.
EXPECTED_CALLS = {
    "Network", "datasets.load", "datasets.load_csv", "datasets.toy", "datasets.standardize",
    "encode_labels", "parse_csv", "Path", "Path.read_text", "np.random.default_rng",
    "np.random.default_rng.permutation", "np.column_stack", "np.sin", "np.zeros", "len", "min",
    "max", "round", "net.train", "net.cost", "net.accuracy", "print",
    "np.array",  # (a drawn data set: its points as a literal)
    "optim.get_optimizer", "StopAfter",  # (a playground session's training, replayed)
}  # fmt: skip


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _name(node.func)
    return "?"


def only_literals(code: str) -> None:
    """Fail unless ``code`` parses, calls only the expected functions and holds no other
    code: its constants are plain literals and no name is a dunder."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Lambda | ast.FunctionDef | ast.ClassDef | ast.With)
        if isinstance(node, ast.Call):
            assert _name(node.func) in EXPECTED_CALLS, _name(node.func)
        if isinstance(node, ast.Name):
            assert not node.id.startswith("_"), node.id
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("_"), node.attr
        if isinstance(node, ast.Constant):
            assert node.value is None or node.value is ... or type(node.value) in (
                bool, int, float, str)  # fmt: skip


def _cli_run(settings=None, sizes=(2, 3, 1)):
    X, y = datasets.circles(n_samples=40, seed=0)
    net = Network(list(sizes), seed=0)
    rec = Recorder(X, layers=[1, len(sizes) - 1], every=2, Y=y)
    history = net.train(X, y, epochs=1, batch_size=10, eta=1.0, callbacks=[rec])
    return from_recording(
        rec, history, sizes=net.sizes, activation=net.activation,
        output_activation=net.output_activation, cost=net.cost_function.name, watch=1,
        labels=y, indices=np.arange(len(X)), n_total=len(X), title="t", summary="s",
        settings=dict(CLI_SETTINGS if settings is None else settings),
    )  # fmt: skip


def _with_metadata(src, dst, change) -> None:
    """Copy run file ``src`` to ``dst`` with ``change(meta)`` applied to its metadata."""
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    meta = json.loads(members["metadata.json"])
    change(meta)
    members["metadata.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, raw in members.items():
            zout.writestr(name, raw)


def _variants(meta: dict):
    """``(label, change)``: each metadata field, each settings field (and each training
    option) in turn holding each payload."""
    settings = meta["settings"]
    for payload in PAYLOADS:
        for key in meta:
            yield f"{key}={payload!r}", lambda m, k=key, p=payload: m.__setitem__(k, p)
        for key in [*settings, "unknown"]:
            yield (f"settings.{key}={payload!r}",
                   lambda m, k=key, p=payload: m["settings"].__setitem__(k, p))  # fmt: skip
        for key in settings.get("training", {}):
            yield (f"training.{key}={payload!r}",
                   lambda m, k=key, p=payload: m["settings"]["training"].__setitem__(k, p))  # fmt: skip
        for key in ("features", "hidden"):
            yield (f"settings.{key}=[{payload!r}]",
                   lambda m, k=key, p=payload: m["settings"].__setitem__(k, [p]))  # fmt: skip
        yield (f"csv data {payload!r}",
               lambda m, p=payload: m["settings"].update(data=p + ".csv", target=p))  # fmt: skip
        yield f"classes {payload!r}", lambda m, p=payload: m.__setitem__("classes", [p, p + "2"])


@pytest.mark.slow
def test_every_snippet_from_a_hostile_run_file_is_refused_or_only_literals(tmp_path):
    """Must hold 2: a payload in any metadata field is refused (by the run file's reader or
    the generator) or written as a literal; no snippet, run, executes a payload."""
    good = tmp_path / "run.npz"
    save_run(_cli_run(), good)
    with zipfile.ZipFile(good) as zf:
        meta = json.loads(zf.read("metadata.json"))
    playground = dict(meta, settings=PlaygroundSettings(hidden=[3]).to_dict())
    snippets, refused_by_reader, refused_by_generator, rendered = [], 0, 0, set()
    for base in (meta, playground):
        for i, (label, change) in enumerate(_variants(base)):
            path = tmp_path / f"bad{len(snippets)}-{i}.npz"
            _with_metadata(good, path, lambda m, c=change, b=base: (m.update(json.loads(
                json.dumps(b))), c(m)))  # fmt: skip
            try:
                run = load_run(path)
            except ValueError:
                refused_by_reader += 1
                continue
            code = page.snippet(run)
            only_literals(code)
            if code.startswith("# This run cannot be written as code"):
                assert code.count("\n") == 1 and not ast.parse(code).body, label  # inert
                refused_by_generator += 1
                continue
            for payload in PAYLOADS:  # a payload appears only inside a string literal
                if payload in code:
                    assert any(isinstance(n, ast.Constant) and payload in str(n.value)
                               for n in ast.walk(ast.parse(code))), label  # fmt: skip
            field = (id(base), label.split("=")[0])
            if field not in rendered:  # each field's report once: it renders as one page
                rendered.add(field)
                assert page.render_report(run).count('id="bpl-plotly"') == 1
            snippets.append(code)
    assert refused_by_reader and refused_by_generator and len(snippets) > 50
    # every snippet, executed (each in its own namespace) in a child process: no mark
    runner = tmp_path / "runner.py"
    runner.write_text(
        "import contextlib, io, json, sys\n"
        "codes = json.load(open(sys.argv[1]))\n"
        "for code in codes:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            exec(compile(code, 'snippet', 'exec'), {})\n"
        "        except Exception as exc:\n"
        "            print(type(exc).__name__, str(exc)[:80], file=sys.stderr)\n"
        "print('ran', len(codes))\n"
    )
    (tmp_path / "codes.json").write_text(json.dumps(sorted(set(snippets))))
    out = subprocess.run([sys.executable, str(runner), "codes.json"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("ran")
    failed = out.stderr.splitlines()  # only the CSV files named by payloads are missing
    assert all(line.startswith("FileNotFoundError") for line in failed), failed
    assert len(set(snippets)) - len(failed) >= 2  # the CLI's and the playground's ran
    assert not (tmp_path / MARK).exists()


def test_the_generator_refuses_what_it_cannot_write_as_a_literal():
    run = _cli_run()
    for key, value in [("epochs", None), ("epochs", 10**12), ("eta", float("nan")),
                       ("eta", "1; import os"), ("batch_size", True), ("noise", float("inf")),
                       ("data", "circles'); import os; ('"), ("init", "gaussian\n")]:  # fmt: skip
        run.settings = dict(CLI_SETTINGS, **{key: value})
        with pytest.raises(ValueError, match=key):
            reproduce.for_run(run)
        assert page.snippet(run).startswith("# This run cannot be written as code:")
    run.settings = dict(CLI_SETTINGS, training={"optimizer": "sgd", "callbacks": "x"})
    with pytest.raises(ValueError, match="does not take"):
        reproduce.for_run(run)


@pytest.mark.parametrize(
    "code",
    [
        "__import__('os').system('true')",
        "import os",
        "from backproplab import __version__",
        "net = Network([2, 1]).__class__",
        "eval('1')",
        "x = lambda: 1",
        "X = 1j",
        "net.train(*[X])",
        "def f(): pass",
    ],
)
def test_the_code_check_refuses_anything_it_does_not_write(code):
    with pytest.raises(ValueError, match="generated code"):
        reproduce.check_code(code)


def test_a_cli_runs_snippet_reproduces_it_bit_for_bit():
    """The snippet of a ``train`` run builds and trains the same network."""
    X, labels = datasets.circles(n_samples=40, noise=0.1, seed=0)
    from backproplab.data.labels import encode_labels

    Y, _ = encode_labels(labels, 1)
    net = Network([2, 3, 1], seed=0, init="gaussian")
    for b in net.biases[:-1]:
        b[...] = 0.1
    net.train(X, Y, epochs=2, batch_size=10, eta=1.0, seed=0, validation_fraction=0.2,
              patience=2, restore_best=True)  # fmt: skip
    code = reproduce.for_run(_cli_run())
    only_literals(code)
    scope: dict = {}
    with __import__("contextlib").redirect_stdout(io.StringIO()):
        exec(code, scope)
    np.testing.assert_array_equal(scope["net"].theta, net.theta)
