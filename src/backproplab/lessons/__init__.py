"""Two experiments that show *why* training needs more than plain backprop.

**Learning slowdown** (Nielsen, chapter 3). One sigmoid neuron, ``a = σ(z)``, ``z = w x + b``,
started saturated (w = b = 2, input x = 1, so z = 4 and a ≈ 0.98) and asked to output y = 0.
By BP1 its error is ``δ = ∂C/∂a · σ′(z)``, and BP3/BP4 give ``∂C/∂b = δ``, ``∂C/∂w = δ x``:

- quadratic cost ``C = ½(a − y)²``: ``δ = (a − y) σ′(z)``. Near saturation σ′(z) = a(1 − a)
  is tiny (σ′(4) ≈ 0.018), so the neuron that is *most* wrong learns *slowest*;
- cross-entropy ``C = −[y ln a + (1 − y) ln(1 − a)]``: ``∂C/∂a = (a − y) / (a(1 − a))``
  cancels σ′ exactly and ``δ = a − y``: the further off, the faster it learns.

:func:`learning_slowdown` trains the same neuron with both costs (the same η, one example,
one step per epoch) and returns every epoch's w, b, z, a, σ′(z), cost and gradient.

**Vanishing gradients** (Nielsen, chapter 5). In a deep sigmoid network BP2,
``δ^ℓ = (W^{ℓ+1})ᵀ δ^{ℓ+1} ⊙ σ′(z^ℓ)``, multiplies the error by a factor ``Wᵀ σ′`` per
layer on its way back. With N(0, 1/n_in) weights z stays where σ′ ≈ 1/4 while ``‖Wᵀδ‖ ≈
‖δ‖``, so each layer divides the error by about four and the first layer's gradient
``∂C/∂W^1 = δ^1 (a^0)ᵀ`` ends up about a thousandth of the last's after five layers: it
learns a thousand times slower. With N(0, 1) weights the z's are large and σ′ smaller still,
but the √n_in-times larger weights make up for most of it (the first layer learns about a
third as fast as the last, in a saturated network); ReLU, whose σ′ is 0 or 1, with He's
N(0, 2/n_in) keeps every layer's gradient about the same size.

:func:`vanishing_gradients` trains a deep narrow network on the digits three ways — sigmoid
with N(0, 1) weights (``"gaussian"``), sigmoid with N(0, 1/n_in) (``"scaled"``), ReLU with
He's N(0, 2/n_in) (``"he"``) — and returns the exact Frobenius norm ``‖∂C/∂W^ℓ‖`` of every
layer at every step, which the training loop records anyway (``History.grad_norm``).

Both functions are pure: the same arguments give the same arrays. The figures are in
:mod:`backproplab.viz.lessons`; the code in :mod:`.slowdown` and :mod:`.vanishing`.

>>> s = learning_slowdown(epochs=30)
>>> float(s.quadratic.cost[-1] / s.quadratic.cost[0]) > 0.95      # barely moved
True
>>> float(s.cross_entropy.cost[-1] / s.cross_entropy.cost[0]) < 0.1
True
"""

from .slowdown import SLOWDOWN_COSTS, Slowdown, SlowdownRun, learning_slowdown
from .vanishing import (
    SETTING_LABELS,
    VANISHING_SETTINGS,
    Vanishing,
    VanishingRun,
    digits_standardised,
    vanishing_gradients,
)

__all__ = [
    "SETTING_LABELS",
    "SLOWDOWN_COSTS",
    "Slowdown",
    "SlowdownRun",
    "VANISHING_SETTINGS",
    "Vanishing",
    "VanishingRun",
    "digits_standardised",
    "learning_slowdown",
    "vanishing_gradients",
]
