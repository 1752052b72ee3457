"""The learner's own helper functions, checked by name.

Nielsen's code keeps ∂C/∂a in ``Network.cost_derivative`` and σ′ in a module function
``sigmoid_prime``; BP1 and BP2 read them. When one of them is wrong, every equation that
uses it is wrong, and the learner needs to hear the helper's name, not "BP1 is wrong".
:func:`learner_helpers` finds those the learner defined (a module function of the file
``fn`` comes from, or a method of its class), calls each on a few numbers, and for each
one that differs from the true function returns a mistake that runs the readable backprop
with the learner's helper in its place
(:func:`~backproplab.checking.learner.mistakes.helper_mistakes`). The diagnosis names the
helper when that mistake reproduces the learner's gradients.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from ...engine.activations import get_activation
from .battery import Case
from .mistakes import Mistake, helper_mistakes
from .run import TimeLimitExceeded, nielsen_net, time_limit

Z = np.array([[-2.0], [0.5], [3.0]])  # probe points for σ′
A, Y = np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]])  # and for ∂C/∂a


def call_quietly(f, *args, seconds, same_shape=True):
    """``f(*args)`` as a float array, or None if it fails, hangs or returns nonsense."""
    try:
        with time_limit(seconds), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = np.asarray(f(*[np.array(x) for x in args]), dtype=float)
    except (Exception, TimeLimitExceeded, SystemExit):
        return None
    return out if not same_shape or out.shape == np.shape(args[0]) else None


def _find(name: str, fn, owner, instance):
    """The learner's ``name``: a method of their class (bound to ``instance``) or a
    function of their module; None if they did not define one."""
    if owner is not None and instance is not None and callable(getattr(owner, name, None)):
        return getattr(instance, name)
    found = getattr(inspect.unwrap(fn), "__globals__", {}).get(name)
    return found if callable(found) else None


def learner_helpers(fn, owner, case: Case, seconds) -> list[Mistake]:
    """Mistakes made with the learner's wrong helpers (see the module docstring)."""
    instance = nielsen_net(case, owner) if owner is not None else None
    sigma = get_activation("sigmoid")
    sigmoid_prime = _find("sigmoid_prime", fn, owner, instance)
    wrong_prime = None
    if sigmoid_prime is not None:
        got = call_quietly(sigmoid_prime, Z, seconds=seconds)
        if got is not None and not np.allclose(got, sigma.prime(Z, sigma.f(Z)), rtol=1e-6):
            wrong_prime = sigmoid_prime
    cost_derivative = _find("cost_derivative", fn, owner, instance) if owner else None
    wrong_cost = None
    if cost_derivative is not None:
        got = call_quietly(cost_derivative, A, Y, seconds=seconds)
        quadratic, cross_entropy = A - Y, (A - Y) / (A * (1 - A))
        if got is not None and not (
            np.allclose(got, quadratic, rtol=1e-6) or np.allclose(got, cross_entropy, rtol=1e-6)
        ):
            wrong_cost = cost_derivative
    sigmoid = _find("sigmoid", fn, owner, instance)
    wrong_sigmoid = None
    if sigmoid is not None:
        got = call_quietly(sigmoid, Z, seconds=seconds)
        if got is not None and not np.allclose(got, sigma.f(Z), rtol=1e-6):
            wrong_sigmoid = sigmoid
    return helper_mistakes(
        sigmoid_prime=wrong_prime, cost_derivative=wrong_cost, sigmoid=wrong_sigmoid
    )


def feedforward_note(owner, case: Case, seconds) -> str | None:
    """A note when the learner's class has a ``feedforward`` that disagrees with the
    network's output on ``case``'s first sample (their backprop may be right and their
    feedforward, which evaluation and the update's monitoring use, wrong)."""
    if owner is None or not callable(getattr(owner, "feedforward", None)):
        return None
    from ...engine.forward import feedforward

    x = case.X[:, :1]
    want = feedforward(case.weights, case.biases, x, case.layer_activations)[1][-1]
    instance = nielsen_net(case, owner)
    got = call_quietly(instance.feedforward, x, seconds=seconds, same_shape=False)
    if got is None or got.shape != want.shape:
        return "your feedforward(x) fails or returns the wrong shape on a column x of shape " + (
            f"{x.shape}; it should return a^L, shape {want.shape}"
        )
    if np.allclose(got, want, rtol=1e-6, atol=1e-12):
        return None
    return (
        f"your feedforward is wrong: on {case.describe()} it returns "
        f"{np.array2string(got.ravel(), precision=4)}; the output a^L is "
        f"{np.array2string(want.ravel(), precision=4)}"
    )
