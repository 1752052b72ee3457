"""Weight initialisers, a small registry by name.

Each initialiser is ``(sizes, rng, dtype) -> (weights, biases)`` with ``weights[i]`` of shape
(sizes[i+1], sizes[i]) and ``biases[i]`` of shape (sizes[i+1], 1). Randomness comes only
from the ``numpy.random.Generator`` passed in; layer by layer, W is drawn before b.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .activations import get_activation

Params = tuple[list[np.ndarray], list[np.ndarray]]


def _normal_with_std(std: Callable[[int, int], float]):
    def init(sizes: Sequence[int], rng: np.random.Generator, dtype) -> Params:
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            weights.append((rng.standard_normal((n_out, n_in)) * std(n_in, n_out)).astype(dtype))
            biases.append(rng.standard_normal((n_out, 1)).astype(dtype))
        return weights, biases

    return init


INITIALISERS: dict[str, Callable[..., Params]] = {
    # Nielsen's network.py: every W and b entry standard normal.
    "gaussian": _normal_with_std(lambda n_in, n_out: 1.0),
    # Nielsen's network2.py: W ~ N(0, 1/n_in), so z does not saturate σ in wide layers.
    "scaled": _normal_with_std(lambda n_in, n_out: 1.0 / np.sqrt(n_in)),
    # Glorot & Bengio: W ~ N(0, 2/(n_in + n_out)).
    "xavier": _normal_with_std(lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out))),
    # He et al., for ReLU layers: W ~ N(0, 2/n_in).
    "he": _normal_with_std(lambda n_in, n_out: np.sqrt(2.0 / n_in)),
}


def get_initialiser(name: str) -> Callable[..., Params]:
    """Look an initialiser up by name; ValueError for an unknown one."""
    key = str(name).lower()
    if key not in INITIALISERS:
        raise ValueError(f"unknown init {name!r}; choose one of: {', '.join(INITIALISERS)}")
    return INITIALISERS[key]


def auto_init(activation: str) -> str:
    """What ``init="auto"`` means for hidden layers of ``activation``: the initialiser its
    descriptor names (:attr:`Activation.init <backproplab.engine.activations.Activation>`),
    He's N(0, 2/n_in) for the ReLU family and Xavier's N(0, 2/(n_in + n_out)) otherwise.
    The command line's ``--init auto`` and the estimators' ``init="auto"`` both ask here.

    >>> auto_init("relu"), auto_init("leaky-relu"), auto_init("tanh")
    ('he', 'he', 'xavier')
    """
    init = get_activation(activation).init
    get_initialiser(init)  # a registered activation may name an unknown initialiser
    return init
