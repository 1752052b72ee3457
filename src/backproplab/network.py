"""``Network``: a thin object holding the parameters of a fully-connected network.

The math lives in pure functions (:mod:`backproplab.forward`, :mod:`backproplab.backward`,
:mod:`backproplab.train`); this class validates what users hand in, transposes their
(n_samples, n_features) data once into the engine's one-column-per-sample layout, and
keeps ``weights`` and ``biases``:

- ``weights[ℓ−1]`` is ``W^ℓ`` of shape (sizes[ℓ], sizes[ℓ−1]);
- ``biases[ℓ−1]`` is ``b^ℓ`` of shape (sizes[ℓ], 1).

>>> import numpy as np
>>> net = Network([2, 3, 1], seed=0)
>>> [W.shape for W in net.weights], [b.shape for b in net.biases]
([(3, 2), (1, 3)], [(3, 1), (1, 1)])
>>> net.predict(np.zeros((4, 2))).shape
(4, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import train as _train
from .activations import Activation, get_activation
from .backward import backprop as _backprop
from .costs import Cost, check_pairing, get_cost
from .forward import feedforward as _feedforward
from .init import get_initialiser
from .validation import (
    check_positive_float,
    check_positive_int,
    check_sizes,
    check_X,
    check_XY,
)

Array = np.ndarray


class Network:
    """A fully-connected feed-forward network trained by backpropagation.

    Args:
        sizes: neurons per layer, input first: ``[2, 3, 3, 1]``.
        activation: σ for the hidden layers (``"sigmoid"``, ``"tanh"``, ``"relu"``,
            ``"leaky_relu"``, ``"linear"``).
        output_activation: σ for the output layer; None means the same as ``activation``.
            ``"softmax"`` is allowed here only.
        cost: ``"quadratic"`` (C_x = ½‖a^L − y‖²), ``"binary_cross_entropy"`` (sigmoid
            output), ``"categorical_cross_entropy"`` (softmax output) or
            ``"cross_entropy"`` (whichever of the two fits the output).
        init: ``"gaussian"`` (standard normal, as Nielsen), ``"scaled"``, ``"xavier"``,
            ``"he"``.
        weights, biases: explicit initial parameters (copied), instead of ``init``.
        seed: seed or ``numpy.random.Generator`` for the initial parameters and, when
            ``train`` gets no seed of its own, for shuffling.
        dtype: ``np.float64`` (default) or ``np.float32``, used end to end.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        activation: str = "sigmoid",
        output_activation: str | None = None,
        cost: str = "quadratic",
        init: str = "gaussian",
        weights: Sequence[Array] | None = None,
        biases: Sequence[Array] | None = None,
        seed: int | np.random.Generator | None = None,
        dtype=np.float64,
    ):
        self.sizes = check_sizes(sizes)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        hidden = get_activation(activation)
        output = get_activation(output_activation if output_activation is not None else hidden)
        if not hidden.hidden_ok and len(self.sizes) > 2:
            raise ValueError(
                f"activation {hidden.name!r} can only be used in the output layer; "
                "pass it as output_activation and choose another activation for hidden layers"
            )
        self.layer_activations: list[Activation] = [hidden] * (len(self.sizes) - 2) + [output]
        self.cost_function: Cost = get_cost(cost, output.name)
        check_pairing(self.cost_function, output)
        self._rng = np.random.default_rng(seed)
        self.init = init
        w0, b0 = get_initialiser(init)(self.sizes, self._rng, self.dtype)
        self.weights: list[Array] = self._check_params(weights, w0, "weights")
        self.biases: list[Array] = self._check_params(biases, b0, "biases")

    def _check_params(self, given, default: list[Array], name: str) -> list[Array]:
        if given is None:
            return default
        given = list(given)
        if len(given) != len(default):
            raise ValueError(
                f"{name} needs {len(default)} arrays for sizes {self.sizes}, got {len(given)}"
            )
        out = []
        for i, (g, d) in enumerate(zip(given, default, strict=True)):
            arr = np.array(g, dtype=self.dtype)  # a copy: the caller's arrays stay untouched
            if arr.shape != d.shape:
                raise ValueError(f"{name}[{i}] must have shape {d.shape}, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError(f"{name}[{i}] contains NaN or inf")
            out.append(arr)
        return out

    # -- description --------------------------------------------------------------------
    @property
    def activation(self) -> str:
        """Name of the hidden layers' activation (the output's if there are none)."""
        return self.layer_activations[0].name

    @property
    def output_activation(self) -> str:
        return self.layer_activations[-1].name

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, cost={self.cost_function.name!r}, "
            f"dtype={self.dtype.name})"
        )

    # -- forward ------------------------------------------------------------------------
    def _forward_columns(self, A0: Array) -> tuple[list[Array], list[Array]]:
        return _feedforward(self.weights, self.biases, A0, self.layer_activations)

    def feedforward(self, X) -> tuple[list[Array], list[Array]]:
        """Forward pass of a batch.

        Args:
            X: data of shape (n_samples, n_features).

        Returns:
            ``(zs, activations)`` with one column per sample: ``zs[ℓ−1]`` is ``z^ℓ`` of
            shape (sizes[ℓ], n_samples); ``activations[0]`` is ``Xᵀ`` and
            ``activations[ℓ]`` is ``a^ℓ``, so there is one more activation than z.
        """
        X = check_X(X, self.sizes[0], self.dtype)
        return self._forward_columns(X.T)

    def predict(self, X) -> Array:
        """The output ``a^L`` for each sample, shape (n_samples, n_outputs)."""
        return self.feedforward(X)[1][-1].T

    def cost(self, X, Y) -> float:
        """Mean over the samples of the per-example cost C_x."""
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        A_out = self._forward_columns(X.T)[1][-1]
        return float(np.mean(self.cost_function.value(A_out, Y.T)))

    def accuracy(self, X, Y) -> float:
        """Fraction of samples classified right (labels 0/1, ±1 or one-hot rows)."""
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        acc = _train.label_accuracy(self._forward_columns(X.T)[1][-1], Y.T)
        if acc is None:
            raise ValueError("Y does not hold class labels (0/1, -1/+1 or one-hot rows)")
        return acc

    # -- backward -----------------------------------------------------------------------
    def backprop(self, X, Y, *, trace: bool = False, file=None) -> tuple[list[Array], list[Array]]:
        """Gradients of ``cost(X, Y)`` with respect to every W and b (BP1–BP4 in matrix form).

        Args:
            X: data, shape (n_samples, n_features).
            Y: targets, shape (n_samples,) for one output or (n_samples, n_outputs).
            trace: also print, layer by layer from the output back, the shapes of z, a,
                a_prev, δ, ∂C/∂b and ∂C/∂W (see :mod:`backproplab.trace`).
            file: where the trace goes (default: standard output).

        Returns:
            ``(grads_w, grads_b)`` with the shapes of ``weights`` and ``biases``.
        """
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        zs, activations = self._forward_columns(X.T)
        grads = _backprop(
            self.weights, zs, activations, Y.T, self.layer_activations, self.cost_function
        )
        if trace:
            from .trace import print_trace

            print_trace(self, zs, activations, grads, file=file)
        return grads

    # -- training -----------------------------------------------------------------------
    def train(
        self,
        X,
        Y,
        epochs: int,
        batch_size: int,
        eta: float,
        shuffle: bool = True,
        seed: int | np.random.Generator | None = None,
        callbacks=(),
        gradcheck_every: int | None = None,
        evaluate: bool = True,
    ) -> _train.History:
        """Mini-batch SGD (Nielsen's ``SGD``); updates the parameters in place.

        Training first copies the parameters into one vector and makes ``weights`` and
        ``biases`` views into it (see :mod:`backproplab.workspace`): arrays taken from the
        lists before training keep their old values; those taken during or after
        training see every step. A callback that puts a new array into the lists
        mid-training is not trained on (change the arrays in place instead).

        Args:
            X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
            epochs: passes over the data. batch_size: samples per step (the last
                mini-batch of an epoch may be smaller). eta: the learning rate η.
            shuffle: reshuffle the samples before each epoch.
            seed: seed or Generator for shuffling; None uses the network's own generator.
            callbacks: objects notified as training runs (see :mod:`backproplab.train`).
            gradcheck_every: every k steps, check the mini-batch's gradient against
                finite differences and record the relative error in
                ``history.extras["gradcheck"]`` (see :mod:`backproplab.gradcheck`).
            evaluate: after each epoch, compute the cost (and accuracy, for labels) on
                the whole training set into ``history.loss_epoch`` (and
                ``accuracy_epoch``). Costs one forward pass over the data per epoch; False
                leaves ``loss_epoch`` NaN and ``accuracy_epoch`` None.

        Returns:
            The :class:`~backproplab.train.History`.

        Raises:
            TrainingDivergedError: if the loss or a gradient becomes NaN or inf; the
                parameters are then those after the last finite step.
        """
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        epochs = check_positive_int(epochs, "epochs")
        batch_size = check_positive_int(batch_size, "batch_size")
        eta = check_positive_float(eta, "eta")
        rng = self._rng if seed is None else np.random.default_rng(seed)
        callbacks = list(callbacks)
        if gradcheck_every is not None:
            from .gradcheck import GradcheckCallback

            every = check_positive_int(gradcheck_every, "gradcheck_every")
            callbacks.append(GradcheckCallback(X, Y, every=every))
        history = _train.sgd(
            self,
            X,
            Y,
            epochs=epochs,
            batch_size=batch_size,
            eta=eta,
            shuffle=bool(shuffle),
            rng=rng,
            callbacks=callbacks,
            evaluate=bool(evaluate),
        )
        return history.trimmed()

    # -- files --------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the network to ``path`` (an ``.npz`` of plain arrays plus JSON metadata;
        never pickle). The write is atomic. See :mod:`backproplab.io`."""
        from .io import save_network

        save_network(self, path)

    @classmethod
    def load(cls, path) -> Network:
        """Read a network written by :meth:`save`, checking everything in the file."""
        from .io import load_network

        return load_network(path)
