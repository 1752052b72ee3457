"""Checking backpropagation.

- :mod:`.gradcheck` — numerical gradient checking against centred finite differences,
  layer by layer, with a verdict that accounts for rounding
  (:mod:`.finite_differences`: the differences, the kinks, the resolution);
- :mod:`.trace` — the per-layer shape trace of BP1–BP4, as text;
- :mod:`.nudge` — how one parameter's nudge moves z, a and C;
- :mod:`.ladder` — backprop at every level of the derivation, from scalars to one matrix
  product per layer, proven equal;
- :mod:`.learner` — a learner's own backprop, run on a battery of cases and diagnosed.

Imports the engine, ``network`` and ``training``.
"""
