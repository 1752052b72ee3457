"""Two experiments that show *why* training needs more than plain backprop.

- :func:`learning_slowdown` (Nielsen, chapter 3, :mod:`.slowdown`): a saturated sigmoid
  neuron learns slowly with the quadratic cost, because BP1 multiplies its error by σ′(z);
  cross-entropy cancels that factor. :func:`slowdown_starts` runs it from a saturated and
  an unsaturated start, side by side.
- :func:`vanishing_gradients` (Nielsen, chapter 5, :mod:`.vanishing`): BP2 multiplies the
  error by ``Wᵀ σ′`` at every layer on its way back, so in a deep sigmoid network the first
  layers learn far slower than the last — unless the initialisation and activation keep
  that factor near 1 (ReLU with He's weights).

Both functions are pure: the same arguments give the same arrays. The figures are in
:mod:`backproplab.viz.lessons`.

>>> s = learning_slowdown(epochs=30)
>>> float(s.quadratic.cost[-1] / s.quadratic.cost[0]) > 0.95      # barely moved
True
>>> float(s.cross_entropy.cost[-1] / s.cross_entropy.cost[0]) < 0.1
True
"""

from .slowdown import (
    SATURATED_SIGMA_PRIME,
    SLOWDOWN_COSTS,
    STARTS,
    Slowdown,
    SlowdownRun,
    learning_slowdown,
    slowdown_starts,
)
from .vanishing import (
    SETTING_LABELS,
    VANISHING_SETTINGS,
    Vanishing,
    VanishingRun,
    digits_standardised,
    vanishing_gradients,
)

__all__ = [
    "SATURATED_SIGMA_PRIME",
    "SETTING_LABELS",
    "SLOWDOWN_COSTS",
    "Slowdown",
    "STARTS",
    "SlowdownRun",
    "VANISHING_SETTINGS",
    "Vanishing",
    "VanishingRun",
    "digits_standardised",
    "learning_slowdown",
    "slowdown_starts",
    "vanishing_gradients",
]
