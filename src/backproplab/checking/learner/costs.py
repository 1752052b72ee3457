"""Which costs to check a learner's backprop with (``--cost auto``).

Code written for the notebook's network.py implements the quadratic cost only: BP1 is
``(a − y) ⊙ σ′(z)``, whatever cost the checker asks for. Checking it with cross-entropy
would fail a correct implementation. So, unless the costs are given, one probe case with
0/1 targets is run twice — asking for cross-entropy and for the quadratic cost — and:

- if the two results differ, the code responds to the cost: both costs are checked;
- else, if the learner's class defines ``cost_derivative``, the cost is the one whose
  ∂C/∂a it computes (a − y: the quadratic cost), and only that cost is checked;
- if they are the same (or the code cannot be told the cost: a batch function without a
  ``cost`` argument), the code implements one cost, and it is checked with the one its
  gradients match: cross-entropy if they are cross-entropy's, else the quadratic cost.

The report names the costs checked and why.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ...engine.costs import get_cost
from .battery import BATCH, make_case
from .compare import matches
from .mistakes import variant_backprop
from .run import nielsen_net

COSTS = ("quadratic", "cross_entropy")
NAMES = {"quadratic": "the quadratic cost", "cross_entropy": "cross-entropy"}


def _same(first, second) -> bool:
    if first.gradients is None or second.gradients is None:
        return False
    return matches(first.gradients, second.gradients)


def _declared_cost(owner, make_case) -> str | None:
    """The cost whose ∂C/∂a the learner's own ``cost_derivative`` computes (network.py's
    is the quadratic cost's, a − y), or None when there is none or it is neither."""
    if owner is None or not callable(getattr(owner, "cost_derivative", None)):
        return None
    from .helpers import A, Y, call_quietly

    case = make_case("probe", [1, 1], "sigmoid", "quadratic", 1, seed=0)
    instance = nielsen_net(case, owner)
    got = call_quietly(instance.cost_derivative, A, Y, seconds=1.0)
    if got is None:
        return None
    for name in COSTS:
        if np.allclose(got, get_cost(name, "sigmoid").grad_a(A, Y), rtol=1e-6):
            return name
    return None


def choose_costs(run, style: str, keywords, owner, given, seed) -> tuple[tuple[str, ...], str]:
    """``(costs, note)``: the costs to check and one line saying why.

    ``run(case)`` calls the learner's function on a case (an
    :class:`~backproplab.checking.learner.run.Outcome`); ``given`` are the costs asked
    for (None: automatic)."""
    if given:
        names = " and ".join(NAMES[c] for c in given) + (" only" if len(given) == 1 else "")
        return tuple(given), f"costs checked: {names} (as asked)"
    m = 1 if style == "nielsen" else BATCH
    # a chain of width 1: no shape for a mistake to break, so the probe runs whatever else
    # is wrong with the code
    probe = make_case("probe", [1, 1, 1], "sigmoid", "cross_entropy", m, seed=[seed, 997])
    twin = dataclasses.replace(probe, cost="quadratic")  # the same numbers, the other cost
    can_vary = style == "nielsen" or "cost" in keywords
    as_quadratic = run(twin)
    if can_vary:
        as_cross_entropy = run(probe)
        answered = as_quadratic.gradients is not None and as_cross_entropy.gradients is not None
        if not answered:  # the code fails before it says anything about costs
            declared = _declared_cost(owner, make_case)
            if declared is not None:
                return (declared,), (
                    f"costs checked: {NAMES[declared]} only (your cost_derivative is its ∂C/∂a)"
                )
            return COSTS, "costs checked: the quadratic cost and cross-entropy"
        if not _same(as_cross_entropy, as_quadratic):
            return COSTS, "costs checked: the quadratic cost and cross-entropy"
    reason = (
        "your code gives the same gradients whichever cost it is asked for"
        if can_vary
        else "your function takes no `cost` argument"
    )
    declared = _declared_cost(owner, make_case)
    if declared is not None:
        return (declared,), (
            f"costs checked: {NAMES[declared]} only ({reason}; your cost_derivative is its ∂C/∂a)"
        )
    got = as_quadratic.gradients
    if (
        got is not None
        and matches(got, variant_backprop(probe))
        and not matches(got, variant_backprop(twin))
    ):
        return (
            "cross_entropy",
        ), f"costs checked: cross-entropy only ({reason}, and they are cross-entropy's)"
    return ("quadratic",), f"costs checked: the quadratic cost only ({reason})"
