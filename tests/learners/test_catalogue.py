"""The learner catalogue (``catalogue.py``): every implementation gets the verdict written
next to it — correct ones PASS, each mistake FAILS naming the equation (or σ′,
cost_derivative, order, shape), the layer where it applies, and a specific hint."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from catalogue import LEARNERS, Learner

from backproplab import check_backprop

LAYERS = {"L": lambda L: L, "L-1": lambda L: L - 1, "1": lambda L: 1}


def load(learner: Learner, folder, index: int):
    """Import the learner's file as a module of its own and return its function."""
    path = folder / f"learner_{index}.py"
    path.write_text(learner.source)
    name = f"_catalogue_learner_{index}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a class's methods find their module (and class) here
    spec.loader.exec_module(module)
    fn = module
    for part in learner.target.split("."):
        fn = getattr(fn, part)
    return fn


def test_the_catalogue_is_large_and_covers_both_styles():
    styles = [learner.style for learner in LEARNERS]
    assert len(LEARNERS) >= 30 and styles.count("nielsen") >= 10 and styles.count("batch") >= 10
    assert len({learner.name for learner in LEARNERS}) == len(LEARNERS)
    names = {learner.equation for learner in LEARNERS}
    assert {
        "PASSED",
        "BP1",
        "BP2",
        "BP3",
        "BP4",
        "σ′",
        "cost_derivative",
        "order",
        "shape",
    } <= names


@pytest.mark.parametrize("index", range(len(LEARNERS)), ids=[x.name for x in LEARNERS])
def test_each_learner_gets_its_verdict(index, tmp_path):
    learner = LEARNERS[index]
    fn = load(learner, tmp_path, index)
    try:
        report = check_backprop(fn, learner.style, **learner.options)
    finally:
        sys.modules.pop(f"_catalogue_learner_{index}", None)
    text = str(report)
    if learner.equation == "PASSED":
        assert report.passed, text
        for word in learner.words:
            assert word in text, text
        return
    assert not report.passed, text
    assert report.equation == learner.equation, text
    if learner.layer is not None:
        assert report.layer == LAYERS[learner.layer](report.case.n_layers), text
    assert report.hint and report.hint in text
    assert "more than one mistake" not in report.hint, text  # each learner made one
    for word in learner.words:
        assert word in report.hint, text
