"""Check a learner's own backprop: which equation is wrong, at which layer, and why.

:func:`check_backprop` first finds which costs the code implements
(:mod:`~backproplab.checking.learner.costs`), runs the learner's function on a fixed, seeded
battery of small networks (:mod:`~backproplab.checking.learner.battery`), compares what it
returns with the engine's BP1–BP4 equation by equation and layer by layer
(:mod:`~backproplab.checking.learner.compare`), and recognises the common mistakes by making
each of them, deliberately, inside the engine's readable backprop on the same cases
(:mod:`~backproplab.checking.learner.mistakes`, through the hook points of
:mod:`~backproplab.checking.learner.hooks`) — including mistakes made with the learner's own
``sigmoid``, ``sigmoid_prime`` and ``cost_derivative``, which are then named
(:mod:`~backproplab.checking.learner.helpers`). In what it reports, a wrong shape comes
first. The command line runs the same check in a separate process (``backproplab check``).

>>> import numpy as np
>>> def backprop(weights, biases, X, Y):        # σ′ forgotten in BP2
...     from backproplab.engine.activations import sigmoid, sigmoid_prime
...     A, As, Zs = X, [X], []
...     for W, b in zip(weights, biases):
...         Zs.append(W @ A + b); A = sigmoid(Zs[-1]); As.append(A)
...     m, gw, gb = X.shape[1], [], []
...     delta = (A - Y) * sigmoid_prime(Zs[-1])
...     for i in range(len(weights) - 1, -1, -1):
...         gw.insert(0, delta @ As[i].T / m); gb.insert(0, delta.mean(axis=1, keepdims=True))
...         delta = weights[i].T @ delta
...     return gw, gb
>>> report = check_backprop(backprop, style="batch")
>>> report.passed, report.equation, report.layer, report.mistake
(False, 'BP2', 2, 'bp2_no_sigma_prime')
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from ...engine.activations import ACTIVATIONS
from .battery import SEED, Case, build_battery
from .compare import SHAPE
from .costs import choose_costs
from .diagnose import (
    ERROR,
    OK_STATUS,
    SHAPE_WORDS,
    SKIPPED,
    TIMEOUT,
    CaseResult,
    diagnose,
    judge_case,
)
from .helpers import feedforward_note, learner_helpers
from .mistakes import MISTAKES, variant_backprop
from .report import CheckReport
from .run import Outcome, accepted_keywords, call_learner, owner_class

__all__ = ["MISTAKES", "Case", "CheckReport", "check_backprop"]

STYLES = ("nielsen", "batch")
COSTS = ("quadratic", "cross_entropy")
HIDDEN_ACTIVATIONS = tuple(name for name, act in ACTIVATIONS.items() if act.hidden_ok)


def check_backprop(
    fn: Callable,
    style: str = "nielsen",
    *,
    samples: str = "columns",
    activations: Sequence[str] | None = None,
    costs: Sequence[str] | None = None,
    time_limit: float | None = 10.0,
    select: Callable[[Case], bool] | None = None,
    seed: int = SEED,
) -> CheckReport:
    """Run a learner's backprop on the battery and say which equation is wrong, where.

    Args:
        fn: ``style="nielsen"``: ``fn(net, x, y) -> (nabla_b, nabla_w)`` for one example
            (x (n_0, 1), y (n_L, 1); ``net`` has Nielsen's ``weights``, ``biases``,
            ``sizes``, ``num_layers``, ``cost_derivative`` and network2's ``cost``), so an
            unbound ``Network.backprop`` works as is. ``style="batch"``:
            ``fn(weights, biases, X, Y) -> (grads_w, grads_b)`` of the batch-mean cost, X
            (n_0, m) and Y (n_L, m). Either may return the δs as a third element,
            ``deltas[ℓ−1]`` of shape (n_ℓ, m).
        samples: ``"columns"`` (the engine's layout) or ``"rows"`` (X (m, n_0), Y (m, n_L),
            as the ladder's rungs take them); batch style only.
        activations: the activations to run (every layer the same, passed to ``fn`` as
            ``activation=<name>``); default: sigmoid, plus tanh and relu if ``fn`` takes
            ``activation``. Nielsen style: sigmoid only (his code calls its own σ).
        costs: ``"quadratic"`` and/or ``"cross_entropy"``; default (None): automatic —
            the costs the code responds to (Nielsen style through ``net.cost_derivative``
            and ``net.cost`` unless the learner's class defines its own
            ``cost_derivative``; batch style through ``cost=<name>`` if ``fn`` takes it).
            Code that gives the same gradients whatever the cost is checked with the one
            cost it implements (see :mod:`~backproplab.checking.learner.costs`); the
            report's ``costs`` names what was checked.
        time_limit: seconds per call before it is stopped (None: no limit). After a
            time-out the remaining cases are skipped.
        select: keep only the cases for which this returns True (e.g. the 1-D chain for
            code that handles width-1 layers only).
        seed: the battery's seed (the default is fixed, so reports are reproducible).

    Returns:
        A :class:`CheckReport`: ``passed``, ``equation``, ``layer``, ``hint``, and ``str()``
        of it is the full report. Gradients that are exactly m × the reference on every
        case (sums over the batch, as the notebook's ``backprop_batch`` returns) pass,
        with ``convention == "sums"`` and a one-line note.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function, got {type(fn).__name__}")
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    if samples not in ("columns", "rows"):
        raise ValueError(f"samples must be 'columns' or 'rows', got {samples!r}")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    keywords = accepted_keywords(fn) if style == "batch" else set()
    owner = None
    if style == "nielsen":
        if hasattr(fn, "__self__") and hasattr(fn, "__func__"):  # a bound method
            fn, owner = fn.__func__, type(fn.__self__)
        else:
            owner = owner_class(fn)
    _check_arguments(fn, style)
    activations, fixed_costs = _settings(style, keywords, activations, costs)

    def run(case: Case) -> Outcome:
        return call_learner(
            fn, case, style, samples=samples, owner=owner, keywords=keywords, seconds=time_limit
        )

    costs, cost_note = choose_costs(run, style, keywords, owner, fixed_costs, seed)
    cases = build_battery(style, activations, costs, seed)
    if select is not None:
        cases = [c for c in cases if select(c)]
    if not cases:
        raise ValueError("select kept none of the battery's cases")
    results: list[CaseResult] = []
    for case in cases:
        if results and results[-1].status in (TIMEOUT, SKIPPED):
            results.append(CaseResult(case, Outcome(problem="skipped after a time-out"), SKIPPED))
            continue
        results.append(judge_case(case, run(case), variant_backprop(case)))
    note = feedforward_note(owner, cases[0], time_limit) if style == "nielsen" else None
    extra = {"costs": costs, "cost_note": cost_note, "notes": (note,) if note else ()}
    if all(r.status == OK_STATUS for r in results):
        return CheckReport.from_results(style, results, None, **extra)
    helpers = learner_helpers(fn, owner, cases[0], time_limit)
    diagnosis = diagnose(results, helpers)
    if diagnosis.mistake == "sum_not_mean":  # the notebook's own convention: not a mistake
        return CheckReport.from_results(style, results, None, convention="sums", **extra)
    trace = _trace_if_shapes(diagnosis, results)
    return CheckReport.from_results(style, results, diagnosis, trace, **extra)


def _check_arguments(fn, style: str) -> None:
    """Raise TypeError, naming the other style, if ``fn`` cannot take this style's call."""
    calls = {"nielsen": ("fn(net, x, y)", 3), "batch": ("fn(weights, biases, X, Y)", 4)}
    call, n = calls[style]
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # a builtin or C function: just call it
    try:
        signature.bind(*[None] * n)
    except TypeError:
        other = "batch" if style == "nielsen" else "nielsen"
        raise TypeError(
            f"style={style!r} calls {call}, but {getattr(fn, '__name__', 'fn')}{signature} "
            f"cannot be called so; is it style={other!r}?"
        ) from None


def _settings(style, keywords, activations, costs):
    """Validate ``activations`` and ``costs`` (None: chosen automatically later), or
    choose the activations the style allows."""
    if activations is None:
        activations = ("sigmoid", "tanh", "relu") if "activation" in keywords else ("sigmoid",)
    activations = tuple(activations)
    if costs is None:
        costs_given: tuple[str, ...] = ()
    else:
        costs_given = tuple(costs)
        if not costs_given:
            raise ValueError("costs must name at least one cost, or be None (automatic)")
    costs = costs_given
    for name in activations:
        if name not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; choose from {HIDDEN_ACTIVATIONS}")
    for name in costs:
        if name not in COSTS:
            raise ValueError(f"unknown cost {name!r}; choose from {COSTS}")
    if style == "nielsen" and activations != ("sigmoid",):
        raise ValueError("Nielsen style runs sigmoid only: his code calls its own sigmoid")
    if style == "batch":
        if activations != ("sigmoid",) and "activation" not in keywords:
            raise ValueError("other activations need fn to take an `activation` argument")
        if "cost" not in keywords and len(costs) > 1:
            raise ValueError("checking both costs needs fn to take a `cost` argument")
    return activations, costs or None


def _trace_if_shapes(diagnosis, results: list[CaseResult]) -> str | None:
    """The reference's shape trace, next to the learner's shapes, when shapes are wrong:
    on the case shown if what it returned has wrong shapes, else on the first case whose
    exception is about shapes."""
    shown = diagnosis.showcase
    if (
        shown is not None
        and shown.verdicts is not None
        and any(SHAPE in (v.delta.split()[0], v.bp3, v.bp4) for v in shown.verdicts)
    ):
        return _shapes_next_to_trace(shown)
    for r in results:
        if r.status == ERROR and any(w in (r.outcome.error or "").lower() for w in SHAPE_WORDS):
            return _shapes_next_to_trace(r)
    return None


def _shapes_next_to_trace(result: CaseResult) -> str:
    from ...network import Network
    from ..trace import trace

    case = result.case
    net = Network(case.sizes, activation=case.activation, cost=case.cost, seed=0)
    text = f"the reference's shapes on {case.describe()}:\n" + trace(net, case.X.T, case.Y.T)
    got = result.outcome.gradients
    if got is None:
        return text
    rows = [
        f"layer {i + 1}: dC/db {b.shape}, dC/dW {w.shape}"
        for i, (w, b) in reversed(list(enumerate(zip(got.grads_w, got.grads_b, strict=True))))
    ]
    return text + "\nwhat your function returned:\n" + "\n".join(rows)
