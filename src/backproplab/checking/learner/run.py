"""Call a learner's backprop on one case, in its own calling convention, safely.

Two conventions:

- ``"nielsen"``: ``fn(net, x, y) -> (nabla_b, nabla_w)`` for one example, x (n_0, 1) and
  y (n_L, 1), where ``net`` has Nielsen's attributes (``weights``, ``biases``, ``sizes``,
  ``num_layers``, ``cost_derivative(output_activations, y)``, and network2's ``cost``
  with ``fn(a, y)`` and ``delta(z, a, y)``). When ``fn`` is a method of a class (an
  unbound ``Network.backprop``), ``net`` is an instance of that class made without
  calling its ``__init__``, so the learner's other methods are there too — including
  their own ``cost_derivative``, which is left in place (it is part of their BP1).
- ``"batch"``: ``fn(weights, biases, X, Y) -> (grads_w, grads_b)`` of the batch-mean cost,
  X (n_0, m) and Y (n_L, m) with one column per sample (``samples="rows"``: (m, n_0) and
  (m, n_L), as the ladder's rungs take them). If ``fn`` takes ``activation`` or ``cost``
  keyword arguments it is told the case's (by name).

Either may return the δs as a third element, ``deltas[ℓ−1]`` of shape (n_ℓ, m), so that
each equation can be judged on its own. The learner gets copies of every array; its
exceptions are caught and kept with the case; a call that runs past the time limit is
stopped (by SIGALRM, in the main thread on POSIX systems).
"""

from __future__ import annotations

import inspect
import signal
import sys
import threading
import time
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .battery import Case
from .hooks import Gradients

Array = np.ndarray


class TimeLimitExceeded(BaseException):
    """The learner's function ran past its time limit (a BaseException, so that the
    learner's own ``except Exception`` cannot swallow it)."""


@contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds``; no limit where
    SIGALRM cannot be used (not the main thread, or no ``setitimer``)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise TimeLimitExceeded(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:  # someone else's timer was running: give it back what is left
            left = max(outer_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


@dataclass
class Outcome:
    """What one call gave: ``gradients`` in the engine's layout, or ``error`` (a one-line
    description) and ``where`` (the learner's line that raised), or ``problem`` (what is
    wrong with what it returned, e.g. the shapes); ``timed_out`` if it was stopped."""

    gradients: Gradients | None = None
    error: str | None = None
    where: str | None = None
    problem: str | None = None
    timed_out: bool = False


class _NielsenCost:
    """network2's cost interface for one case: ``fn(a, y)`` = C_x, ``delta(z, a, y)`` = δ^L."""

    def __init__(self, case: Case):
        self._cost, self._act = case.cost_function, case.layer_activations[-1]

    def fn(self, a, y):
        return float(self._cost.value(np.asarray(a, float), np.asarray(y, float)).sum())

    def delta(self, z, a, y):
        from ...engine.costs import output_delta

        return output_delta(
            self._cost, self._act, np.asarray(z, float), np.asarray(a, float), np.asarray(y, float)
        )


class NielsenNet:
    """A stand-in for Nielsen's ``Network`` holding one case's parameters."""

    def feedforward(self, a):
        """The network's output for input ``a`` (n_0, 1), sigmoid at every layer."""
        from ...engine.activations import sigmoid

        for b, w in zip(self.biases, self.weights, strict=True):
            a = sigmoid(np.dot(w, a) + b)
        return a


def owner_class(fn):
    """The class an unbound method was defined in (``Network`` for ``Network.backprop``),
    or None for a plain function."""
    qualname = getattr(fn, "__qualname__", "")
    if "." not in qualname or "<locals>" in qualname:
        return None
    owner = sys.modules.get(getattr(fn, "__module__", None) or "")
    for part in qualname.split(".")[:-1]:
        owner = getattr(owner, part, None)
    return owner if isinstance(owner, type) else None


def nielsen_net(case: Case, cls=None):
    """An object with Nielsen's attributes for ``case`` (an instance of ``cls``, made
    without its ``__init__``, if given), holding copies of the parameters."""
    try:
        net = object.__new__(cls) if cls is not None else NielsenNet()
    except TypeError:  # a class built on a type object.__new__ cannot make (dict, …)
        net = NielsenNet()
    cost = case.cost_function

    def cost_derivative(output_activations, y):
        """∂C_x/∂a^L for this case's cost (a − y for the quadratic cost)."""
        return cost.grad_a(np.asarray(output_activations, float), np.asarray(y, float))

    attributes = {
        "sizes": list(case.sizes),
        "num_layers": len(case.sizes),
        "weights": [W.copy() for W in case.weights],
        "biases": [b.copy() for b in case.biases],
        "cost_derivative": cost_derivative,
        "cost": _NielsenCost(case),
    }
    for name, value in attributes.items():
        if name == "cost_derivative" and cls is not None and callable(getattr(cls, name, None)):
            continue  # the learner's own ∂C/∂a: their BP1 reads it, so check it too
        try:
            object.__setattr__(net, name, value)
        except (AttributeError, TypeError):
            pass  # a read-only attribute of the learner's class: keep the class's own
    return net


def accepted_keywords(fn) -> set[str]:
    """Which of ``activation`` and ``cost`` ``fn`` takes as keyword arguments."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return {"activation", "cost"}
    names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return names & {"activation", "cost"}


def call_learner(
    fn,
    case: Case,
    style: str,
    *,
    samples: str = "columns",
    owner=None,
    keywords: set[str] = frozenset(),
    seconds: float | None = None,
) -> Outcome:
    """Run ``fn`` on ``case`` and bring what it returned into the engine's layout."""
    try:
        with time_limit(seconds), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if style == "nielsen":
                returned = fn(nielsen_net(case, owner), case.X.copy(), case.Y.copy())
            else:
                rows = samples == "rows"
                X, Y = (
                    (case.X.T.copy(), case.Y.T.copy()) if rows else (case.X.copy(), case.Y.copy())
                )
                kwargs = {"activation": case.activation, "cost": case.cost}
                returned = fn(
                    [W.copy() for W in case.weights],
                    [b.copy() for b in case.biases],
                    X,
                    Y,
                    **{k: v for k, v in kwargs.items() if k in keywords},
                )
    except TimeLimitExceeded as exc:
        return Outcome(error=f"it did not return: {exc}", timed_out=True)
    except (Exception, SystemExit) as exc:  # the learner's bug, reported with its case
        return Outcome(error=_one_line(exc), where=_learner_line(exc, fn))
    return _normalise(returned, case, style, samples)


def _one_line(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    if isinstance(exc, NameError) and exc.name == "xrange":
        text += " (xrange is Python 2's range: the book's code predates Python 3)"
    return text


def _learner_line(exc: BaseException, fn) -> str | None:
    """``file:line: source`` of the deepest frame in the learner's file, if any."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if code is not None and f.filename == code.co_filename]
    frame = own[-1] if own else (frames[-1] if frames else None)
    if frame is None:
        return None
    return f"line {frame.lineno} of {frame.filename}: {(frame.line or '').strip()}"


def _normalise(returned, case: Case, style: str, samples: str) -> Outcome:
    """``(nabla_b, nabla_w[, deltas])`` or ``(grads_w, grads_b[, deltas])`` → Gradients."""
    L = case.n_layers
    first_w = style == "batch"
    order = "(grads_w, grads_b)" if first_w else "(nabla_b, nabla_w)"
    if not isinstance(returned, (tuple, list)) or len(returned) not in (2, 3):
        kind = type(returned).__name__
        size = f" of {len(returned)}" if isinstance(returned, (tuple, list)) else ""
        return Outcome(
            problem=f"it returned a {kind}{size}; expected a pair {order} "
            f"(or {order[:-1]}, deltas))"
        )
    lists = []
    for name, part in zip(("first", "second", "third"), returned, strict=False):
        if isinstance(part, np.ndarray):
            return Outcome(
                problem=f"the {name} element it returned is one array, not a list of one per "
                f"layer: expected a pair {order}"
            )
        try:
            if any(x is None for x in part):
                return Outcome(problem=f"the {name} element it returned holds None for a layer")
            arrays = [np.asarray(x, dtype=float) for x in part]
        except (TypeError, ValueError):
            return Outcome(problem=f"the {name} element it returned is not a list of arrays")
        if len(arrays) != L:
            return Outcome(
                problem=f"the {name} element it returned holds {len(arrays)} "
                f"arrays; the network has {L} layers with weights"
            )
        lists.append(arrays)
    grads_w, grads_b = (lists[0], lists[1]) if first_w else (lists[1], lists[0])
    deltas = lists[2] if len(lists) == 3 else None
    if deltas is not None and style == "batch" and samples == "rows":
        deltas = [d.T for d in deltas]  # (m, n_ℓ) -> (n_ℓ, m)
    swapped = [b.shape for b in grads_w] == [b.shape for b in case.biases] and [
        w.shape for w in grads_b
    ] == [w.shape for w in case.weights]
    if swapped and case.sizes != [1] * len(case.sizes):
        return Outcome(problem=f"it returned the gradients in the wrong order: return {order}")
    return Outcome(gradients=Gradients(grads_w, grads_b, deltas))
