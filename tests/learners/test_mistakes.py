"""The mistake catalogue is derived from the engine's readable backprop: with no mistake a
variant is exactly ``engine.backward.backprop``'s result, every mistake changes it, and the
catalogue's modules compute no product of BP2 or BP4 themselves."""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

from backproplab.checking.learner import hooks, mistakes
from backproplab.checking.learner.battery import build_battery
from backproplab.checking.learner.compare import matches
from backproplab.checking.learner.mistakes import MISTAKES, variant_backprop
from backproplab.engine.backward import backprop
from backproplab.engine.forward import feedforward

CASES = build_battery("batch", ("sigmoid", "tanh", "relu"), ("quadratic", "cross_entropy"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.describe())
def test_without_a_mistake_the_variant_is_the_readable_backprop(case):
    zs, activations = feedforward(case.weights, case.biases, case.X, case.layer_activations)
    grads_w, grads_b, deltas = backprop(case.weights, zs, activations, case.Y,
                                        case.layer_activations, case.cost_function,
                                        return_deltas=True)  # fmt: skip
    variant = variant_backprop(case)
    for got, want in zip(variant.grads_w + variant.grads_b + variant.deltas,
                         grads_w + grads_b + deltas, strict=True):  # fmt: skip
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(MISTAKES))
def test_every_mistake_changes_the_gradients_somewhere(name):
    reference = [variant_backprop(case) for case in CASES]
    changed = 0
    for case, ref in zip(CASES, reference, strict=True):
        try:
            with np.errstate(all="ignore"):
                wrong = variant_backprop(case, MISTAKES[name])
        except ValueError:  # no valid shapes on this case: the learner's code raises too
            changed += 1
            continue
        shapes = [g.shape for g in wrong.grads_w] != [g.shape for g in ref.grads_w]
        changed += shapes or not matches(wrong, ref)
    assert changed > 0


@pytest.mark.parametrize("module", [mistakes, hooks], ids=["mistakes", "hooks"])
def test_the_catalogue_computes_no_bp2_or_bp4_product_of_its_own(module):
    """Every δ and gradient comes out of engine.backward.backprop: no matrix product here."""
    tree = ast.parse(inspect.getsource(module))
    products = [
        n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult)
    ]
    calls = [
        n.func.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("dot", "matmul", "einsum", "outer", "tensordot")
    ]  # fmt: skip
    assert products == [] and calls == []
