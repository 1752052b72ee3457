"""The engine's contract, stated once.

**Parameters** are two plain lists: ``weights[ℓ−1]`` is ``W^ℓ``, of shape
(n_ℓ, n_{ℓ−1}), and ``biases[ℓ−1]`` is ``b^ℓ``, of shape (n_ℓ, 1), for layers ℓ = 1 … L.
Row j of ``W^ℓ`` holds the weights into neuron j, so the forward pass needs no transpose.

**Data** inside the engine has one column per sample: a batch is ``A0`` of shape
(n_0, m) and targets ``Y`` of shape (n_L, m). (:class:`~backproplab.network.Network`
takes the (n_samples, n_features) rows users hand in and transposes them once.)

**Pure functions** — arrays in, new arrays out, nothing kept between calls:

- :func:`feedforward(weights, biases, A0, layer_activations) <feedforward>` →
  ``(zs, activations)``: ``Z^ℓ = W^ℓ A^{ℓ−1} + b^ℓ`` and ``A^ℓ = σ(Z^ℓ)``;
  ``zs[ℓ−1]`` is ``Z^ℓ``, ``activations[ℓ]`` is ``A^ℓ``, ``activations[0]`` is A0
  (``masks=`` applies inverted dropout to the hidden layers: ``A^ℓ = σ(Z^ℓ) ⊙ mask^ℓ``).
- :func:`backprop(weights, zs, activations, Y, layer_activations, cost) <backprop>` →
  ``(grads_w, grads_b)``: the true gradients of the batch-mean cost by BP1–BP4, shaped
  like the parameters (``return_deltas=True`` adds every layer's ``Δ^ℓ``; ``masks=``
  the same dropout masks as the forward pass). All of BP1–BP4 are written there,
  the fused output shortcut ``Δ^L = A^L − Y`` and dropout's BP2 as visible branches.
- :func:`mean_cost(cost, A_out, Y) <mean_cost>` → ``C = (1/m) Σ_x C_x``, the number
  ``backprop`` differentiates.

**The training step** is the named fast path: :class:`Workspace` bundles the parameters
(views of one vector θ), the gradient g (views of a second vector) and the buffers a step
writes; ``Workspace.gradients(A0, Y, masks)`` computes g and the loss with the same
equations as ``feedforward`` and ``backprop`` (tests prove them equal, with and without
dropout, in float64 and float32) and allocates nothing.

**The update** is a separate, visible step: an optimizer's ``update(theta, grad, eta)``;
plain SGD is ``θ ← θ − η g`` (:class:`SGD`). The training loop calls
``update_overwriting_grad``, the same update with g free to serve as its scratch. Each
optimizer's rule is also written as its equations, a pure ``(init, update)`` pair
(``optimizer.reference()``), which the in-place version matches bit for bit.

The engine imports nothing of the rest of backproplab (a test checks every import).

>>> import numpy as np
>>> from backproplab.engine.activations import get_activation
>>> from backproplab.engine.costs import get_cost
>>> sigma, cost = [get_activation("sigmoid")] * 2, get_cost("quadratic")
>>> weights = [np.full((3, 2), 0.1), np.full((1, 3), -0.2)]
>>> biases = [np.zeros((3, 1)), np.zeros((1, 1))]
>>> A0, Y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 0.0]])   # 2 samples
>>> zs, activations = feedforward(weights, biases, A0, sigma)
>>> grads_w, grads_b = backprop(weights, zs, activations, Y, sigma, cost)
>>> [g.shape for g in grads_w]
[(3, 2), (1, 3)]
>>> round(mean_cost(cost, activations[-1], Y), 6)
0.12805
"""

from .backward import backprop
from .costs import mean_cost
from .forward import feedforward
from .optim import SGD
from .workspace import Workspace

__all__ = ["SGD", "Workspace", "backprop", "feedforward", "mean_cost"]
