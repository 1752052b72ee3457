"""Cost functions C_x (the cost of one example) and the output error δ^L (BP1).

Arrays hold one column per sample: ``a`` and ``y`` are of shape (n_out, n_samples).
``value(a, y)`` returns the per-example costs, shape (n_samples,); the network's cost is
their mean. ``grad_a(a, y, out=None)`` returns ``∇_a C_x``, shape (n_out, n_samples),
into ``out`` when given.

BP1 is ``δ^L = ∇_a C ⊙ σ'(z^L)``; :func:`output_delta` computes it through the general
path ``activation.backward(z, a, cost.grad_a(a, y))``, except for the pairings whose
product simplifies to ``δ^L = a^L − y`` (sigmoid with binary cross-entropy, softmax with
categorical cross-entropy), which take that named fast path. The tests prove each fast
path equal to the general one.

Logarithms and divisions floor their argument at the dtype's smallest normal number, so
saturated outputs (a = 0 or 1 exactly) give large but finite costs and gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import Activation
from .registry import Registry

Array = np.ndarray


@dataclass(frozen=True)
class Cost:
    """A cost function.

    Attributes:
        name: the registry name (a lower-case identifier).
        value: ``(a, y) -> C_x`` for each sample, shape (n_samples,).
        grad_a: ``(a, y, out=None) -> ∂C_x/∂a``, shape (n_out, n_samples).
        outputs: the output activations it is defined for (None: any).
        fused_with: the output activation for which ``δ^L = a − y`` exactly.
        sum_over_batch: optional ``(a, y, scratch) -> Σ_x C_x`` that is cheaper than
            ``value(a, y).sum()``; ``scratch`` is an array shaped like ``a`` it may use.
        total_leaves_grad_a: ``sum_over_batch`` leaves ``∂C_x/∂a`` of every sample in
            ``scratch`` (the quadratic cost's ``a − y``), so BP1 need not compute it again.
        eta: the learning rate η the command line picks for it when none is given
            (Nielsen's: 3.0 for the quadratic cost, whose δ^L carries σ′ ≤ ¼, and 0.5
            for cross-entropy, whose δ^L = a − y does not).
        display_name: how pages and reports write it (defaults to ``name``).
    """

    name: str
    value: Callable[[Array, Array], Array]
    grad_a: Callable[..., Array]
    outputs: frozenset[str] | None = None
    fused_with: str | None = None
    sum_over_batch: Callable[[Array, Array, Array | None], float] | None = None
    total_leaves_grad_a: bool = False
    eta: float = 0.5
    display_name: str = ""

    def __post_init__(self):
        if not callable(self.value) or not callable(self.grad_a):
            raise TypeError(f"cost {self.name!r}: value and grad_a must be functions")
        if not self.display_name:
            object.__setattr__(self, "display_name", self.name)

    def total(self, a: Array, y: Array, scratch: Array | None = None) -> float:
        """``Σ_x C_x`` over the batch's columns, as a float (the training loop records
        it, divided by m, at every step)."""
        if self.sum_over_batch is not None:
            return self.sum_over_batch(a, y, scratch)
        return float(self.value(a, y).sum())


def _safe_log(x: Array) -> Array:
    """ln x, with x floored at the dtype's smallest normal number (finite at x = 0)."""
    return np.log(np.maximum(x, np.finfo(x.dtype).tiny))


def _floor(x: Array) -> Array:
    return np.maximum(x, np.finfo(x.dtype).tiny)


def _quadratic(a: Array, y: Array) -> Array:
    """C_x = ½‖a − y‖²."""
    d = a - y
    return 0.5 * np.sum(d * d, axis=0)


def _quadratic_total(a: Array, y: Array, scratch: Array | None = None) -> float:
    """Σ_x ½‖a_x − y_x‖² = ½ ‖A − Y‖² (Frobenius): one subtraction and one dot product.
    ``scratch`` is left holding ``A − Y``, which is ∂C_x/∂a for every sample."""
    d = np.subtract(a, y, out=scratch)
    return 0.5 * float(np.vdot(d, d))


def _binary_ce(a: Array, y: Array) -> Array:
    """C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]."""
    return -np.sum(y * _safe_log(a) + (1 - y) * _safe_log(1 - a), axis=0)


def _quadratic_grad(a: Array, y: Array, out: Array | None = None) -> Array:
    """∂C_x/∂a = a − y."""
    return np.subtract(a, y, out=out)


def _binary_ce_grad(a: Array, y: Array, out: Array | None = None) -> Array:
    """∂C_x/∂a_j = (a_j − y_j) / (a_j (1 − a_j))."""
    return np.divide(a - y, _floor(a * (1 - a)), out=out)


def _categorical_ce(a: Array, y: Array) -> Array:
    """C_x = −Σ_j y_j ln a_j."""
    return -np.sum(y * _safe_log(a), axis=0)


def _categorical_ce_grad(a: Array, y: Array, out: Array | None = None) -> Array:
    """∂C_x/∂a_j = −y_j / a_j."""
    return np.divide(-y, _floor(a), out=out)


COSTS = Registry(
    "cost",
    Cost,
    aliases={
        "mse": "quadratic",
        "squared_error": "quadratic",
        "bce": "binary_cross_entropy",
        "log_loss": "binary_cross_entropy",
        "cce": "categorical_cross_entropy",
    },
    more_names=("cross_entropy",),
)
for _built_in in (
    Cost(
        "quadratic",
        _quadratic,
        _quadratic_grad,
        sum_over_batch=_quadratic_total,
        total_leaves_grad_a=True,
        eta=3.0,
        display_name="quadratic ½‖a − y‖²",
    ),
    Cost(
        "binary_cross_entropy",
        _binary_ce,
        _binary_ce_grad,
        outputs=frozenset({"sigmoid"}),
        fused_with="sigmoid",
        display_name="binary cross-entropy",
    ),
    Cost(
        "categorical_cross_entropy",
        _categorical_ce,
        _categorical_ce_grad,
        outputs=frozenset({"softmax"}),
        fused_with="softmax",
        display_name="categorical cross-entropy",
    ),
):
    COSTS.register(_built_in)
COSTS.seal()
del _built_in


# Adding one: ``register(Cost(...))`` makes it available by its name to ``Network``, the
# estimators' and command line's lookups and the playground's settings;
# ``unregister(name)`` and ``with registered(cost):`` undo it.
register = COSTS.register
unregister = COSTS.unregister
registered = COSTS.registered


def get_cost(name: str | Cost, output_activation: str | None = None) -> Cost:
    """Look a cost up by name.

    ``"cross_entropy"`` (or ``"cross-entropy"``) means the binary form for a sigmoid
    output and the categorical form for a softmax output.

    Raises:
        TypeError: ``name`` is neither a str nor a :class:`Cost`.
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(name, str) and COSTS.key(name) == "cross_entropy":
        name = (
            "categorical_cross_entropy"
            if output_activation == "softmax"
            else "binary_cross_entropy"
        )
    return COSTS.lookup(name)


def mean_cost(cost: Cost, A_out: Array, Y: Array) -> float:
    """The batch-mean cost ``C = (1/m) Σ_x C_x`` of outputs ``A_out`` against targets ``Y``,
    both (n_out, m): the number :func:`backproplab.engine.backward.backprop` differentiates."""
    return cost.total(A_out, Y) / Y.shape[1]


def output_for_cost(cost: str, n_out: int) -> str | None:
    """The output activation a cost is made for: ``"sigmoid"`` for binary cross-entropy
    (or ``"cross_entropy"`` with one output), ``"softmax"`` for categorical
    cross-entropy (or ``"cross_entropy"`` with several); None for a cost that fits any
    output (the quadratic one).

    >>> output_for_cost("cross-entropy", 1), output_for_cost("cross_entropy", 3)
    ('sigmoid', 'softmax')
    """
    key = COSTS.key(cost) if isinstance(cost, str) else cost.name
    if key == "cross_entropy":
        return "sigmoid" if n_out == 1 else "softmax"
    fitting = COSTS[key].outputs if key in COSTS else None
    return None if fitting is None else next(iter(fitting))


def check_pairing(cost: Cost, output: Activation) -> None:
    """Raise ValueError if ``cost`` is undefined for the ``output`` activation."""
    if cost.outputs is not None and output.name not in cost.outputs:
        allowed = ", ".join(sorted(cost.outputs))
        raise ValueError(
            f"cost {cost.name!r} needs an output activation of: {allowed} (got {output.name!r})"
        )


def output_delta(
    cost: Cost,
    output: Activation,
    z: Array,
    a: Array,
    y: Array,
    out: Array | None = None,
    scratch: Array | None = None,
    grad_a: Array | None = None,
) -> Array:
    """BP1: the output error ``δ^L = ∇_a C ⊙ σ'(z^L)``, shape (n_out, n_samples).

    For sigmoid with binary cross-entropy and softmax with categorical cross-entropy the
    σ' factor cancels and ``δ^L = a^L − y`` (the fused fast path).

    Args:
        out: receives δ^L if given. scratch: an array of the same shape for ``∇_a C``,
            so that nothing is allocated (used only on the general path).
        grad_a: ``∇_a C`` when it is already at hand (see ``Cost.total_leaves_grad_a``);
            must not be ``out``.
    """
    if cost.fused_with == output.name:
        return np.subtract(a, y, out=out)
    if grad_a is None:
        grad_a = cost.grad_a(a, y, out=scratch)
    return output.backward(z, a, grad_a, out=out)
