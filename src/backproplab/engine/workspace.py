"""The training step's fast path: the forward pass and BP1–BP4 on reused buffers.

:class:`Workspace` bundles what a step needs — the parameters (views of one vector θ), the
gradient (views of a second vector g of the same layout) and, for each mini-batch size,
the arrays Z, A, Δ a step writes — so that a step allocates nothing and the update
``θ ← θ − η g`` (:mod:`backproplab.engine.optim`) is one operation on the whole vector.

:meth:`Workspace.gradients` computes the same numbers as
:func:`backproplab.engine.forward.feedforward`
followed by :func:`backproplab.engine.backward.backprop` — read the equations there; a test proves
the two equal. What differs is only where results go:

- products write into given arrays (``np.dot(..., out=)``) and element-wise steps run in place;
- ``1/m`` (the batch mean) is folded into ``Δ^L`` once, so BP3 and BP4 come out as means;
- BP3's row sums are a product with a column of ones (faster than ``sum`` on small arrays);
- σ' is computed from the stored activation (sigmoid: ``a (1 − a)``, no second exp);
- it runs under the caller's ``np.errstate``: the loop enters one for a whole epoch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import Activation
from .costs import Cost, output_delta
from .forward import feedforward_into
from .optim import add_scaled
from .parameters import views

Array = np.ndarray


@dataclass
class Buffers:
    """The arrays one step on m samples writes, allocated once and reused.

    ``zs``, ``activations[1:]``, ``deltas`` and ``scratch`` are (n_ℓ, m) for ℓ = 1 … L;
    ``activations[0]`` is set to each mini-batch's input and ``activations[-1]`` to
    ``output`` (n_L, m) or to an array the caller gives; ``X_rows`` (m, n_0) and
    ``Y_rows`` (m, n_L) receive the rows of a shuffled mini-batch; ``ones`` is (m, 1) and
    ``inv_m`` the 0-d array 1/m (an array of the data's dtype: NumPy would convert a
    Python float anew at every step).
    With dropout, ``masks[ℓ−1]`` and ``kept[ℓ−1]`` (n_ℓ, m) hold each hidden layer's mask
    and its activations before the mask (allocated on first use).
    """

    zs: list[Array]
    activations: list[Array]
    deltas: list[Array]
    scratch: list[Array]
    X_rows: Array
    Y_rows: Array
    ones: Array
    inv_m: Array
    output: Array
    masks: list[Array] | None = None
    kept: list[Array] | None = None

    @classmethod
    def allocate(cls, sizes: Sequence[int], m: int, dtype) -> Buffers:
        def layers() -> list[Array]:
            return [np.empty((n, m), dtype) for n in sizes[1:]]

        activations = [np.empty((0, m), dtype), *layers()]
        return cls(
            zs=layers(),
            activations=activations,
            deltas=layers(),
            scratch=layers(),
            X_rows=np.empty((m, sizes[0]), dtype),
            Y_rows=np.empty((m, sizes[-1]), dtype),
            ones=np.ones((m, 1), dtype),
            inv_m=np.array(1 / m, dtype),
            output=activations[-1],
        )

    def allocate_dropout(self) -> None:
        """Allocate ``masks`` and ``kept`` (first use of dropout at this batch size)."""
        if self.masks is None:
            self.masks = [np.empty_like(Z) for Z in self.zs[:-1]]
            self.kept = [np.empty_like(Z) for Z in self.zs[:-1]]


class Workspace:
    """Parameters, gradient and buffers of the training step.

    Args:
        theta: every parameter in one vector (the layout of :mod:`backproplab.engine.parameters`).
        weights, biases: ``W^ℓ`` (n_ℓ, n_{ℓ−1}) and ``b^ℓ`` (n_ℓ, 1), views of ``theta``.
        layer_activations: σ for each layer ℓ = 1 … L. cost: the per-example cost.

    Attributes:
        grad: ``g = ∇_θ C`` in θ's layout after :meth:`gradients`; ``grads_w`` and
            ``grads_b`` are its views shaped like the weights and biases.
    """

    def __init__(
        self,
        theta: Array,
        weights: Sequence[Array],
        biases: Sequence[Array],
        layer_activations: Sequence[Activation],
        cost: Cost,
    ):
        self.theta, self.weights, self.biases = theta, list(weights), list(biases)
        self.layer_activations, self.cost = list(layer_activations), cost
        self.sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
        self.grad = np.empty_like(theta)
        L = len(self.weights)
        grad_views = views(self.grad, [p.shape for p in [*self.weights, *self.biases]])
        self.grads_w, self.grads_b = grad_views[:L], grad_views[L:]
        n_weights = sum(W.size for W in self.weights)  # θ holds the weights first, then the b's
        self._W_then_b = [*self.weights, theta[n_weights:]]
        self._gW_then_gb = [*self.grads_w, self.grad[n_weights:]]
        self._buffers: dict[int, Buffers] = {}  # one set per batch size (the last may differ)
        self.limit = float(np.finfo(theta.dtype).max)
        self._penalty_scratch: Array | None = None
        self._epoch_outputs: tuple[tuple[int, int], list[Array]] | None = None

    def buffers(self, m: int) -> Buffers:
        """The buffers for mini-batches of m samples (allocated on first use)."""
        if m not in self._buffers:
            self._buffers[m] = Buffers.allocate(self.sizes, m, self.theta.dtype)
        return self._buffers[m]

    def batch(self, X: Array, Y: Array, order: Array | None, start: int, m: int):
        """Mini-batch ``start : start + m`` as columns, (n_0, m) and (n_L, m): views of
        X and Y's rows in order, or the rows ``order[start : start + m]`` gathered into
        the buffers' own arrays."""
        if order is None:
            return X[start : start + m].T, Y[start : start + m].T
        buf = self.buffers(m)
        rows = order[start : start + m]
        np.take(X, rows, axis=0, out=buf.X_rows)
        np.take(Y, rows, axis=0, out=buf.Y_rows)
        return buf.X_rows.T, buf.Y_rows.T

    def draw_masks(self, m: int, p: float, rng: np.random.Generator) -> list[Array]:
        """Inverted-dropout masks for a mini-batch of m samples, one per hidden layer
        (n_ℓ, m): each entry is 0 with probability p, else 1/(1 − p), drawn from ``rng``."""
        buf = self.buffers(m)
        buf.allocate_dropout()
        for mask in buf.masks:
            rng.random(out=mask, dtype=mask.dtype)  # float32 draws for a float32 network
            np.greater_equal(mask, p, out=mask, casting="unsafe")  # 1 kept, 0 dropped
            mask *= 1 / (1 - p)
        return buf.masks

    def gradients(
        self, A0: Array, Y: Array, masks: Sequence[Array] | None = None, A_L: Array | None = None
    ) -> float:
        """Fill :attr:`grad` with the gradient of the mini-batch's mean cost and return
        that cost. A0 is (n_0, m), Y is (n_L, m).

        The equations are those of :func:`backproplab.engine.backward.backprop`. With dropout
        ``masks`` (one per hidden layer, see :meth:`draw_masks`), each hidden layer's
        output is ``A^ℓ ⊙ mask^ℓ`` and BP2 carries the mask back: ``Δ^ℓ = ((W^{ℓ+1})ᵀ
        Δ^{ℓ+1} ⊙ mask^ℓ) ⊙ σ'(Z^ℓ)``. ``A_L``: an (n_L, m) array to receive the output
        ``A^L`` instead of the workspace's own (the training loop passes its slice of
        the epoch's outputs, see :meth:`epoch_outputs`).

        Error state: this runs under the caller's. σ's e^{−z} overflows by design for
        z ≪ 0, so the training loop runs a whole epoch of steps under one
        ``np.errstate(over="ignore", invalid="ignore")`` and checks the loss and the
        gradient's norm itself (entering the context at every step would cost about
        1 µs, a thirtieth of a small network's step). Call it under the same context to
        be warned of nothing.
        """
        m = A0.shape[1]
        buf = self._buffers.get(m) or self.buffers(m)
        zs, activations, deltas, scratch = buf.zs, buf.activations, buf.deltas, buf.scratch
        acts, L = self.layer_activations, len(self.weights)
        activations[0] = A0
        activations[-1] = buf.output if A_L is None else A_L
        if masks is not None:
            buf.allocate_dropout()  # masks may come from elsewhere than draw_masks
        unmasked = activations if masks is None else [A0, *buf.kept, activations[-1]]  # σ(Z^ℓ)
        feedforward_into(self.weights, self.biases, acts, zs, activations, masks, buf.kept)
        cost = self.cost
        loss = cost.total(activations[-1], Y, scratch=scratch[-1]) / m
        # BP1 into deltas[-1]; ∇_a C is at hand in scratch[-1] if the loss left it there
        grad_a = scratch[-1] if cost.total_leaves_grad_a else None
        delta = output_delta(
            cost, acts[-1], zs[-1], activations[-1], Y, deltas[-1], scratch[-1], grad_a
        )
        np.multiply(delta, buf.inv_m, out=delta)  # the batch mean, once for all gradients below
        for i in range(L - 1, -1, -1):  # i = ℓ − 1
            np.dot(delta, buf.ones, out=self.grads_b[i])  # BP3: (n_ℓ, m) @ (m, 1)
            np.dot(delta, activations[i].T, out=self.grads_w[i])  # BP4
            if i > 0:  # BP2: ((W^ℓ)ᵀ Δ^ℓ) ⊙ σ'(Z^{ℓ−1})
                back = np.dot(self.weights[i].T, delta, out=scratch[i - 1])
                if masks is not None:
                    back *= masks[i - 1]
                sigma_prime = acts[i - 1].prime(zs[i - 1], unmasked[i], out=deltas[i - 1])
                delta = np.multiply(back, sigma_prime, out=deltas[i - 1])
        return loss

    def add_penalty(self, l2: float, l1: float, n: int, weight_norms: Sequence[float]) -> float:
        """Add the penalty's gradient ``(λ₂/n) W + (λ₁/n) sign(W)`` to the weights' part of
        :attr:`grad` (see :mod:`backproplab.engine.penalties`) and return the penalty, using the
        weights' norms already measured for L2."""
        n_w = sum(W.size for W in self.weights)
        theta_w, grad_w = self.theta[:n_w], self.grad[:n_w]  # the weights come first in θ
        if self._penalty_scratch is None:
            self._penalty_scratch = np.empty_like(theta_w)
        scratch, value = self._penalty_scratch, 0.0
        if l2:
            add_scaled(grad_w, l2 / n, theta_w, scratch)
            value += l2 / (2 * n) * sum(w * w for w in weight_norms)
        if l1:
            value += l1 / n * float(np.abs(theta_w, out=scratch).sum())
            add_scaled(grad_w, l1 / n, np.sign(theta_w, out=scratch), scratch)
        return value

    def epoch_outputs(self, n: int, batch_size: int) -> list[Array]:
        """Where the steps of an epoch over n samples put their outputs, for the epoch's
        running accuracy: one (n_L, m) array per mini-batch, in the epoch's order, each a
        contiguous piece of one buffer (allocated once per n and batch size), to pass to
        :meth:`gradients` as ``A_L`` — the forward pass writes there, nothing is copied.
        ``np.concatenate(pieces, axis=1)`` gives the (n_L, n) outputs."""
        key = (n, batch_size)
        if self._epoch_outputs is None or self._epoch_outputs[0] != key:
            n_L, full = self.sizes[-1], n // batch_size
            flat = np.empty(n_L * n, self.theta.dtype)
            pieces = list(flat[: n_L * batch_size * full].reshape(full, n_L, batch_size))
            if n % batch_size:
                pieces.append(flat[n_L * batch_size * full :].reshape(n_L, n % batch_size))
            self._epoch_outputs = (key, pieces)
        return self._epoch_outputs[1]

    def output(self, m: int) -> Array:
        """The last forward pass's output ``A^L`` for mini-batches of m samples, (n_L, m)."""
        return self.buffers(m).activations[-1]

    def grad_norms(self) -> list[float]:
        """‖∂C/∂W^ℓ‖ for ℓ = 1 … L, then ‖g‖ over every parameter (NaN or inf if any
        element of the gradient is)."""
        norms = _norms(self._gW_then_gb)
        return [*norms[:-1], math.hypot(*norms)]

    def weight_norms(self) -> list[float]:
        """‖W^ℓ‖ for ℓ = 1 … L, then ‖θ‖ over every parameter."""
        norms = _norms(self._W_then_b)
        return [*norms[:-1], math.hypot(*norms)]

    def problem_with_step(
        self, loss: float, eta: float, grad_norm: float, theta_norm: float
    ) -> str | None:
        """Why the step ``θ ← θ − η g`` must not be taken, or None.

        While ‖θ‖ + η‖g‖ stays below the largest float, no element ``|θ_i − η g_i| ≤
        |θ_i| + η|g_i|`` can overflow, so the element-wise check runs only near that limit.
        """
        if not math.isfinite(loss + grad_norm):
            return "the loss or a gradient is not finite"
        if not theta_norm + eta * grad_norm < self.limit:
            with np.errstate(over="ignore"):
                if not np.isfinite(self.theta - eta * self.grad).all():
                    return "a step would make the parameters infinite"
        return None


def _norms(arrays) -> list[float]:
    """Frobenius norm ‖x‖ = √(Σ x²) of each array, as Python floats (NaN or inf if the
    array holds one)."""
    norms = [math.sqrt(np.vdot(x, x)) for x in arrays]
    if math.isfinite(sum(norms)):
        return norms
    pairs = zip(norms, arrays, strict=True)
    return [n if math.isfinite(n) else _rescaled_norm(x) for n, x in pairs]


def _rescaled_norm(x: Array) -> float:
    """‖x‖ when Σ x² overflows the array's dtype (float32 does above ~1.8e19): computed
    on x divided by its largest |x|, then scaled back."""
    largest = float(np.max(np.abs(x)))
    if not math.isfinite(largest) or largest == 0:
        return largest
    scaled = x / largest
    return largest * math.sqrt(np.vdot(scaled, scaled))
