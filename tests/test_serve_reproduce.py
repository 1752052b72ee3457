"""The playground's exports reproduce the session: the "Python script" and the exported
report's snippet, each run in a child process, print the session's training and test
losses to 1e-9 — after training, a pause mid-epoch, single steps and a weight edited by
hand — and a CSV whose labels hold Python stays data."""

from __future__ import annotations

import base64
import html
import json
import queue
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from backproplab.serve import lab
from backproplab.serve.session import Session
from backproplab.serve.settings import PlaygroundSettings
from test_reproduce import MARK, PAYLOADS, only_literals


def _drive(settings: PlaygroundSettings, csv: str | None = None):
    """A session on its thread: play, pause, three single steps, an edited weight; then
    both exports. Returns ``(session, script, report snippet)``."""
    files: queue.Queue = queue.Queue()
    session = Session(lambda m: files.put(m) if m["type"] in ("file", "error") else None,
                      lambda m: None, settings)  # fmt: skip
    session.start()
    if csv is not None:
        session.submit({"type": "csv", "text": csv})
    session.submit({"type": "play"})
    deadline = time.monotonic() + 30
    while session.steps < 57 and time.monotonic() < deadline:
        time.sleep(0.005)
    session.submit({"type": "pause"})
    while session.running and time.monotonic() < deadline:
        time.sleep(0.005)
    session.submit({"type": "gradcheck"})  # a check draws from its own generator
    for _ in range(3):  # single steps, mid-epoch
        steps = session.steps
        session.submit({"type": "step"})
        while session.steps == steps and time.monotonic() < deadline:
            time.sleep(0.005)
    k = 1 if session.net.sizes[0] > 1 else 0
    session.submit({"type": "edit", "layer": 1, "j": 0, "k": k, "value": 2.5})
    for _ in range(2):  # training goes on after the edit
        steps = session.steps
        session.submit({"type": "step"})
        while session.steps == steps and time.monotonic() < deadline:
            time.sleep(0.005)
    for message in ({"type": "edit", "layer": 1, "j": 0, "k": 0, "value": -1.25},
                    {"type": "export", "what": "script"},
                    {"type": "export", "what": "report"}):  # fmt: skip
        session.submit(message)
    got = {}
    while len(got) < 2:
        m = files.get(timeout=60)
        assert m["type"] == "file", m
        got[m["name"]] = base64.b64decode(m["data"]).decode("utf-8")
    session.close()
    session.thread.join(timeout=10)
    page = got["report.html"]
    snippet = html.unescape(re.search(r'data-testid="snippet">(.*?)</pre>', page, re.S).group(1))
    return session, got["playground.py"], snippet


def _losses(codes: list[str], folder) -> list[tuple[float, float]]:
    """Run each code in turn in one child process (each in its own namespace, as a file
    of its own would run); the training and test losses each printed."""
    runner = folder / "runner.py"
    runner.write_text(
        "import json, sys\n"
        "for code in json.load(open(sys.argv[1])):\n"
        "    print('--- next', flush=True)\n"
        "    exec(compile(code, 'reproduce.py', 'exec'), {'__name__': '__main__'})\n"
    )
    (folder / "codes.json").write_text(json.dumps(codes))
    out = subprocess.run([sys.executable, str(runner), "codes.json"], cwd=folder,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    losses = []
    for part in out.stdout.split("--- next\n")[1:]:
        found = dict(re.findall(r"^(training loss|test loss) (\S+)$", part, re.M))
        test = found.get("test loss")  # (none printed for drawn data: no test points)
        losses.append((float(found["training loss"]), None if test is None else float(test)))
    return losses


def _session_losses(session) -> tuple[float, float]:
    data, n = session.data, session.data.n_train
    X_test = session.phi(data.X[n:].T).T
    Y_test = lab.targets(session.settings, data.y[n:], len(data.classes))
    test = session.net.cost(X_test, Y_test) if len(X_test) else None
    return session.net.cost(session.X_train, session.Y_train), test


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        PlaygroundSettings(
            data="blobs",
            hidden=[5],
            output_activation="softmax",
            train_percent=60,
            cost="categorical_cross_entropy",
            optimizer="adam",
            eta=0.01,
            l2=0.01,
        ),
        PlaygroundSettings(
            data="toy",
            hidden=[4, 3],
            features=["x1", "x2", "x1^2", "sin(x1)"],
            batch_size=7,
            seed=4,
            eta=0.3,
        ),
        PlaygroundSettings(  # points drawn by hand: all of them training points
            data="drawn",
            points=[
                [round(np.cos(t), 3), round(np.sin(2 * t), 3), int(t > 3)]
                for t in np.linspace(0, 6, 30)
            ],
            hidden=[3],
            batch_size=4,
        ),
    ],  # fmt: skip
)
def test_the_script_and_the_reports_snippet_reproduce_the_sessions_losses(settings, tmp_path):
    session, script, snippet = _drive(settings)
    assert session.steps >= 62 and session.net.weights[0][0, 0] == -1.25  # the edit is kept
    want = _session_losses(session)
    for code in (script, snippet):
        only_literals(code)
        assert "epochs=None" not in code
        # the training is replayed (not its outcome written out), the edits in their place
        assert "net.weights[0][...]" not in code and "net.biases[0][...]" not in code
        assert re.search(r"\] = 2\.5 .*\n(.*\n)*net\.train\(.*\n(.*\n)*.*\] = -1\.25", code)
    for got in _losses([script, snippet], tmp_path):
        assert (got[1] is None) == (want[1] is None)
        np.testing.assert_allclose([g for g in got if g is not None],
                                   [w for w in want if w is not None], rtol=1e-9, atol=1e-12)  # fmt: skip


@pytest.mark.slow
def test_a_csv_whose_labels_hold_python_stays_data(tmp_path):
    """Class labels never enter the script; the uploaded file is read as data."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    labels = np.where(X[:, 0] * X[:, 1] > 0, PAYLOADS[0], PAYLOADS[1].replace(",", ";"))
    csv = "x1,x2,label\n" + "".join(
        f"{float(a)!r},{float(b)!r},{c}\n" for (a, b), c in zip(X, labels)
    )
    session, script, snippet = _drive(PlaygroundSettings(hidden=[3]), csv=csv)
    (tmp_path / "data.csv").write_text(csv)
    want = _session_losses(session)
    for code in (script, snippet):
        only_literals(code)
        assert PAYLOADS[0] not in code
    for got in _losses([script, snippet], tmp_path):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert not (tmp_path / MARK).exists()
