"""The playground's journal: what changed a session's network, in the order it happened,
so that its exports replay the training rather than write out its outcome."""

from __future__ import annotations

import math
import queue
import re
import time

import pytest

from backproplab.serve import journal as journal_module
from backproplab.serve import session as session_module
from backproplab.serve.journal import Journal
from backproplab.serve.session import Session
from backproplab.serve.settings import PlaygroundSettings
from backproplab.serve.views import run_of
from backproplab.training.loop import TrainingDivergedError
from backproplab.viz import reproduce
from test_reproduce import only_literals

OPTIONS = {"batch_size": 10, "eta": 0.1, "l1": 0.0, "l2": 0.0, "dropout": 0.0}


def test_calls_merge_only_where_one_call_would_train_the_same():
    j = Journal("sgd", n_train=95)  # 10 steps an epoch at batch size 10
    j.begin(0, **OPTIONS)
    j.end(20)  # two whole epochs
    j.begin(20, **OPTIONS)
    j.end(45)  # two and a half more: merges (the first ended at an epoch's end)
    j.begin(45, **OPTIONS)
    j.end(47)  # after a call cut mid-epoch: a call of its own
    j.begin(47, **(OPTIONS | {"eta": 0.5}))
    j.end(57)  # another learning rate: its own
    j.begin(57, **(OPTIONS | {"eta": 0.5}))  # under way: counted up to now
    got = j.entries(60)
    assert [e["kind"] for e in got] == ["optimizer", "train", "train", "train", "train"]
    assert [(e["steps"], e["epochs"], e["partial"]) for e in got[1:]] == [
        (45, 5, True), (2, 1, True), (10, 1, False), (3, 1, True)]  # fmt: skip
    assert got[3]["eta"] == 0.5 and j.entries(57)[-1]["steps"] == 10  # nothing under way yet


def test_an_edit_falls_between_calls_and_a_call_without_steps_leaves_nothing():
    j = Journal("adam", n_train=10)
    j.begin(0, **OPTIONS)
    j.end(0)
    j.edit(2, 0, 1, 1.5)
    assert j.export(0) == [{"kind": "optimizer", "name": "adam"},
                           {"kind": "edit", "layer": 2, "j": 0, "k": 1, "value": 1.5}]  # fmt: skip


def test_a_journal_too_long_or_diverged_says_why_it_cannot_be_replayed(monkeypatch):
    monkeypatch.setattr(journal_module, "MAX_ENTRIES", 3)
    j = Journal("sgd", n_train=10)
    for value in (1.0, 2.0, 3.0):
        j.edit(1, 0, 0, value)
    assert j.export(0) == "the session holds more than 3 changes"
    k = Journal("sgd", n_train=10)
    k.diverged(12)
    assert k.export(0) == "the loss became NaN or infinite at step 12"


def _printed_losses(code: str, capsys, diverges: bool = False) -> dict[str, float]:
    """Run ``code`` here, in a namespace of its own; the losses it prints (before its
    training on from there diverges, if ``diverges``)."""
    if diverges:
        with pytest.raises(TrainingDivergedError):
            exec(compile(code, "playground.py", "exec"), {"__name__": "__main__"})
    else:
        exec(compile(code, "playground.py", "exec"), {"__name__": "__main__"})
    return {k: float(v) for k, v in re.findall(r"^(training loss|test loss) (\S+)$",
                                               capsys.readouterr().out, re.M)}  # fmt: skip


def _session(settings: PlaygroundSettings, said=None) -> Session:
    session = Session(lambda m: said.put(m) if said and m["type"] in said.kinds else None,
                      lambda m: None, settings)  # fmt: skip
    session.start()
    return session


def _wait(condition, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert condition()


def test_the_script_replays_a_session_to_the_last_bit(capsys):
    """Play, pause mid-epoch, change η, edit a weight, change the optimizer, step: the
    script's losses equal the page's exactly."""
    s = PlaygroundSettings(data="xor", hidden=[4], batch_size=8, eta=0.3, speed="full")
    session = _session(s)
    session.submit({"type": "play"})
    _wait(lambda: session.steps >= 30)
    session.submit({"type": "pause"})
    _wait(lambda: not session.running)
    for change in ({"eta": 0.05}, {"optimizer": "momentum"}):
        session.submit({"type": "settings", "settings": s.to_dict() | change})
        s = PlaygroundSettings(**(s.to_dict() | change))
        session.submit({"type": "edit", "layer": 2, "j": 0, "k": 1, "value": 0.75})
        for _ in range(3):
            steps = session.steps
            session.submit({"type": "step"})
            _wait(lambda steps=steps: session.steps > steps)
    session.close()
    session.thread.join(timeout=10)
    entries = session.journal.export(session.steps)
    assert [e["kind"] for e in entries] == [
        "optimizer", "train", "edit", "train", "optimizer", "edit", "train"]  # fmt: skip
    script = reproduce.for_session(session)
    only_literals(script)
    got = _printed_losses(script, capsys)
    assert got["training loss"] == session.net.cost(session.X_train, session.Y_train)


def test_a_session_whose_loss_became_nan_exports_its_parameters_and_says_why(monkeypatch,
                                                                           capsys):  # fmt: skip
    monkeypatch.setattr(session_module, "EXPLODE_FACTOR", math.inf)  # NaN, not explosion
    said: queue.Queue = queue.Queue()
    said.kinds = ("diverged",)
    s = PlaygroundSettings(output_activation="linear", cost="quadratic", eta=1.0, speed="full")
    session = _session(s, said)
    session.submit({"type": "play"})
    m = said.get(timeout=30)
    session.close()
    session.thread.join(timeout=10)
    script = reproduce.for_session(session)
    only_literals(script)
    assert f"cannot be replayed: the loss became NaN or infinite at step {m['step']}" in script
    got = _printed_losses(script, capsys, diverges=True)  # as the page would, training on
    assert got["training loss"] == pytest.approx(
        session.net.cost(session.X_train, session.Y_train), rel=1e-12
    )


@pytest.mark.parametrize(
    "journal",
    [
        "x" * 300,
        [{"kind": "train"}],
        [{"kind": "optimizer", "name": "__import__('os')"}],
        [
            {"kind": "optimizer", "name": "sgd"},
            {"kind": "edit", "layer": 9, "j": 0, "k": 0, "value": 1.0},
        ],  # fmt: skip
        [
            {"kind": "optimizer", "name": "sgd"},
            {"kind": "edit", "layer": 1, "j": 0, "k": 0, "value": float("nan")},
        ],  # fmt: skip
        [{"kind": "edit", "layer": 1, "j": 0, "k": 0, "value": 1.0}],
        [
            {"kind": "optimizer", "name": "sgd"},
            {
                "kind": "train",
                "steps": 5,
                "epochs": 1,
                "partial": "yes",
                "batch_size": 10,
                "eta": 0.1,
                "l1": 0.0,
                "l2": 0.0,
                "dropout": 0.0,
            },
        ],  # fmt: skip
        [["optimizer", "sgd"]],
        [{"kind": "optimizer", "name": "sgd"}] * 1001,
    ],
)
def test_a_hostile_journal_is_refused_with_a_message(journal):
    session = Session(lambda m: None, lambda m: None, PlaygroundSettings())
    session.setup(PlaygroundSettings())
    run = run_of(session.moment())
    run.journal = journal
    with pytest.raises(ValueError) as err:
        reproduce.for_run(run)
    assert str(err.value) and "Traceback" not in str(err.value)
