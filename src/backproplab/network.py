"""``Network``: a thin object holding the configuration and parameters of a network.

The math lives in pure functions — the contract is in :mod:`backproplab.engine`:

- the forward pass ``z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ``, ``a^ℓ = σ(z^ℓ)``:
  :func:`backproplab.engine.forward.feedforward`;
- BP1–BP4, the gradients of the mean cost: :func:`backproplab.engine.backward.backprop`;
- training, a gradient step then the update ``θ ← θ − η g``: :func:`backproplab.training.loop.sgd`.

This class validates what users hand in, transposes their (n_samples, n_features) data
once into the engine's one-column-per-sample layout, calls those functions, and keeps the
parameters:

- ``weights[ℓ−1]`` is ``W^ℓ`` of shape (sizes[ℓ], sizes[ℓ−1]);
- ``biases[ℓ−1]`` is ``b^ℓ`` of shape (sizes[ℓ], 1);
- ``theta`` is all of them in one vector; the arrays in ``weights`` and ``biases`` are views
  of it (:mod:`backproplab.engine.parameters`), so training updates them in place and an array
  taken from the lists before training shows the trained values after it.

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

from .data.labels import check_reachable, label_accuracy
from .engine import parameters
from .engine.activations import Activation, get_activation
from .engine.backward import backprop as _backprop
from .engine.costs import Cost, check_pairing, get_cost, mean_cost
from .engine.forward import feedforward as _feedforward
from .engine.init import get_initialiser
from .engine.penalties import check_penalties, penalty, penalty_gradients
from .engine.workspace import Workspace
from .formats import modelfile as _io
from .training.history import History
from .training.loop import sgd, split_validation, training_settings
from .validation import (
    check_network_memory,
    check_positive_int,
    check_real,
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
        check_network_memory(self.sizes, self.dtype)
        hidden = get_activation(activation)
        output = get_activation(output_activation if output_activation is not None else hidden)
        if not hidden.hidden_ok and len(self.sizes) > 2:
            raise ValueError(
                f"activation {hidden.name!r} can only be used in the output layer; "
                "pass it as output_activation and choose another activation for hidden layers"
            )
        if output.name == "softmax" and self.sizes[-1] == 1:
            raise ValueError(
                "a softmax output needs at least 2 neurons (on one it is always 1); use a "
                "sigmoid output for two classes"
            )
        self.layer_activations: list[Activation] = [hidden] * (len(self.sizes) - 2) + [output]
        self.cost_function: Cost = get_cost(cost, output.name)
        check_pairing(self.cost_function, output)
        self._rng = np.random.default_rng(seed)
        self.init = init
        initialise = get_initialiser(init)
        if weights is None or biases is None:  # draw only when something is not given
            w0, b0 = initialise(self.sizes, self._rng, self.dtype)
        weights = w0 if weights is None else self._checked(weights, "weights", self.weight_shapes)
        biases = b0 if biases is None else self._checked(biases, "biases", self.bias_shapes)
        self.theta, self.weights, self.biases = parameters.as_views(weights, biases, self.dtype)
        self._views = [*self.weights, *self.biases]  # to tell cheaply whether they are still there

    @property
    def weight_shapes(self) -> list[tuple[int, int]]:
        """``W^ℓ``'s shape (sizes[ℓ], sizes[ℓ−1]) for ℓ = 1 … L."""
        return [(n, n_prev) for n_prev, n in zip(self.sizes[:-1], self.sizes[1:], strict=True)]

    @property
    def bias_shapes(self) -> list[tuple[int, int]]:
        """``b^ℓ``'s shape (sizes[ℓ], 1) for ℓ = 1 … L."""
        return [(n, 1) for n in self.sizes[1:]]

    def _checked(self, given, name: str, shapes) -> list[Array]:
        given = list(given)
        if len(given) != len(shapes):
            raise ValueError(
                f"{name} needs {len(shapes)} arrays for sizes {self.sizes}, got {len(given)}"
            )
        out = []
        for i, (g, shape) in enumerate(zip(given, shapes, strict=True)):
            arr = np.asarray(check_real(g, f"{name}[{i}]"), dtype=self.dtype)
            if arr.shape != shape:
                raise ValueError(f"{name}[{i}] must have shape {shape}, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError(f"{name}[{i}] contains NaN or inf")
            out.append(arr)
        return out  # copied into θ by parameters.as_views: the caller's arrays stay untouched

    def config(self) -> dict:
        """The settings that, with the parameters, rebuild this network (names and
        numbers only, ready for JSON): see :meth:`from_config`."""
        return {
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "cost": self.cost_function.name,
            "init": str(self.init),
            "dtype": self.dtype.name,
        }

    @classmethod
    def from_config(cls, config: dict, weights, biases, seed=None) -> Network:
        """The network :meth:`config` describes, with the given parameters (nothing is
        drawn at random for them)."""
        net = cls(
            config["sizes"],
            activation=config["activation"],
            output_activation=config["output_activation"],
            cost=config["cost"],
            init="gaussian",
            weights=weights,
            biases=biases,
            seed=seed,
            dtype=config["dtype"],
        )
        net.init = config["init"]
        return net

    def copy(self) -> Network:
        """An independent network with the same configuration and parameters."""
        return type(self).from_config(self.config(), self.weights, self.biases)

    def ensure_parameter_views(self) -> None:
        """Make ``weights`` and ``biases`` views of ``theta`` again if an array in the lists
        was replaced by another (``net.weights[0] = new_W``): the current arrays are
        copied into a new ``theta``. Training calls this first; arrays in the lists are
        views of the trained vector afterwards."""
        lists = [*self.weights, *self.biases]
        same = len(lists) == len(self._views) and all(
            p is v and p.flags.writeable for p, v in zip(lists, self._views, strict=False)
        )
        if same:
            return  # the arrays made with θ, all still in place (the common case, cheaply)
        if not parameters.are_views_of(self.theta, self.weights, self.biases):
            self._checked(self.weights, "weights", self.weight_shapes)
            self._checked(self.biases, "biases", self.bias_shapes)
            theta, weights, biases = parameters.as_views(self.weights, self.biases, self.dtype)
            self.theta, self.weights[:], self.biases[:] = theta, weights, biases
        self._views = [*self.weights, *self.biases]

    def workspace(self) -> Workspace:
        """A training step's :class:`~backproplab.engine.workspace.Workspace` on this network's θ
        (a new one each call: :meth:`train` makes one per call, and its buffers go back to
        the allocator when it ends, as a step's temporaries would)."""
        return Workspace(self.theta, self.weights, self.biases, self.layer_activations,
                         self.cost_function)  # fmt: skip

    def __setstate__(self, state) -> None:
        """After unpickling (or a deep copy), the arrays are copies of their own: make them
        views of one θ again."""
        self.__dict__.update(state)
        self.theta, weights, biases = parameters.as_views(self.weights, self.biases, self.dtype)
        self.weights[:], self.biases[:] = weights, biases
        self._views = [*self.weights, *self.biases]

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
        return self.theta.size

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, cost={self.cost_function.name!r}, "
            f"dtype={self.dtype.name})"
        )

    # -- forward ------------------------------------------------------------------------
    def feedforward(self, X) -> tuple[list[Array], list[Array]]:
        """Forward pass of a batch: ``z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ``, ``a^ℓ = σ(z^ℓ)``.

        Args:
            X: data of shape (n_samples, n_features).

        Returns:
            ``(zs, activations)`` with one column per sample: ``zs[ℓ−1]`` is ``z^ℓ`` of
            shape (sizes[ℓ], n_samples); ``activations[0]`` is ``Xᵀ`` and
            ``activations[ℓ]`` is ``a^ℓ``, so there is one more activation than z.
        """
        X = check_X(X, self.sizes[0], self.dtype)
        return _feedforward(self.weights, self.biases, X.T, self.layer_activations)

    def predict(self, X) -> Array:
        """The output ``a^L`` for each sample, shape (n_samples, n_outputs)."""
        return self.feedforward(X)[1][-1].T

    def cost(self, X, Y, *, l2: float = 0.0, l1: float = 0.0, n: int | None = None) -> float:
        """Mean over the samples of the per-example cost C_x, plus the weight penalty
        ``λ₂/(2n) Σ‖W‖² + λ₁/n Σ|w|`` when ``l2``/``l1`` are given (n: the training set's
        size, by default the number of samples here; see :mod:`backproplab.engine.penalties`)."""
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        l2, l1 = check_penalties(l2, l1)
        C0 = mean_cost(self.cost_function, self.feedforward(X)[1][-1], Y.T)
        return C0 + penalty(self.weights, l2, l1, len(X) if n is None else n)

    def accuracy(self, X, Y) -> float:
        """Fraction of samples classified right (labels 0/1, ±1 or one-hot rows)."""
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        check_reachable(Y, self.layer_activations[-1])
        acc = label_accuracy(self.feedforward(X)[1][-1], Y.T)
        if acc is None:
            raise ValueError("Y does not hold class labels (0/1, -1/+1 or one-hot rows)")
        return acc

    # -- backward -----------------------------------------------------------------------
    def backprop(self, X, Y, *, return_deltas: bool = False, l2: float = 0.0, l1: float = 0.0,
                 n: int | None = None):  # fmt: skip
        """Gradients of ``cost(X, Y)`` with respect to every W and b: BP1–BP4, written out
        in :func:`backproplab.engine.backward.backprop` (plus the penalty's gradient
        ``λ₂/n W + λ₁/n sign(W)`` on the weights when ``l2``/``l1`` are given, as in
        :meth:`cost`).

        Args:
            X: data, shape (n_samples, n_features).
            Y: targets, shape (n_samples,) for one output or (n_samples, n_outputs).
            return_deltas: also return each layer's errors ``δ^ℓ`` (one column per sample).
            l2, l1, n: the weight penalty, as in :meth:`cost`.

        Returns:
            ``(grads_w, grads_b)`` with the shapes of ``weights`` and ``biases``; with
            ``return_deltas``, ``(grads_w, grads_b, deltas)``, ``deltas[ℓ−1]`` of shape
            (sizes[ℓ], n_samples). :func:`backproplab.checking.trace.trace` shows every shape.
        """
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        l2, l1 = check_penalties(l2, l1)
        zs, activations = self.feedforward(X)
        grads_w, grads_b, deltas = _backprop(
            self.weights, zs, activations, Y.T, self.layer_activations, self.cost_function,
            return_deltas=True,
        )  # fmt: skip
        if l2 or l1:
            extra = penalty_gradients(self.weights, l2, l1, len(X) if n is None else n)
            grads_w = [g + p for g, p in zip(grads_w, extra, strict=True)]
        return (grads_w, grads_b, deltas) if return_deltas else (grads_w, grads_b)

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
        evaluate: bool = False,
        *,
        optimizer="sgd",
        l2: float = 0.0,
        l1: float = 0.0,
        schedule=None,
        dropout: float = 0.0,
        validation_data=None,
        validation_fraction: float | None = None,
        patience: int | None = None,
        min_delta: float = 0.0,
        restore_best: bool = False,
    ) -> History:
        """Train by mini-batch gradient descent (Nielsen's ``SGD`` by default); updates the
        parameters in place. See :mod:`backproplab.training.loop` for the loop.

        The arrays in ``weights`` and ``biases`` are views of ``theta``, which training
        updates: an array taken from the lists before training shows the trained values
        after it. A callback may change parameters in place; an array put into the lists
        in place of another is copied into ``theta`` when training starts.

        Args:
            X: (n_samples, n_features). Y: (n_samples,) or (n_samples, n_outputs).
            epochs: passes over the data. batch_size: samples per step (the last
                mini-batch of an epoch may be smaller). eta: the learning rate η.
            shuffle: reshuffle the samples before each epoch.
            seed: seed or Generator for shuffling, dropout masks and the validation split;
                None uses the network's own generator.
            callbacks: objects notified as training runs (see :mod:`backproplab.training.loop`).
            gradcheck_every: before the first step and every k steps, check the gradient
                against finite differences into ``history.extras["gradcheck"]`` (see
                :class:`backproplab.checking.gradcheck.GradcheckCallback` for what is checked).
            evaluate: record each epoch's training loss and accuracy by an exact pass over
                the training set after it, instead of the (free) mean over its mini-batches.
            optimizer: ``"sgd"`` (plain SGD, the default), ``"momentum"``, ``"nesterov"``,
                ``"adam"``, ``"rmsprop"``, ``"adagrad"`` or an object of
                :mod:`backproplab.engine.optim` (e.g. ``optim.Adam(beta1=0.8)``).
            l2, l1: penalty weights λ (network2's): the cost minimised is
                ``C₀ + λ₂/(2n) Σ‖W‖² + λ₁/n Σ|w|`` with n the training samples; biases
                are not penalised (:mod:`backproplab.engine.penalties`).
            schedule: None (constant η), ``"step"``, ``"invscaling"``, ``"plateau"``,
                ``"cosine"`` or an object of :mod:`backproplab.engine.schedules`.
            dropout: the probability p of dropping each hidden unit at each step (inverted
                dropout: kept units are scaled by 1/(1 − p)); off outside training.
            validation_data: ``(X_val, Y_val)``, evaluated exactly after each epoch into
                ``history.val_loss_epoch`` and ``val_accuracy_epoch``.
            validation_fraction: instead, hold out this fraction of (X, Y), drawn at random.
            patience: stop when the monitored loss (validation loss if there is validation
                data, else training loss) has not improved by more than ``min_delta`` for
                this many epochs. restore_best: then put back the parameters of the best
                epoch.

        Returns:
            The :class:`~backproplab.training.history.History`.

        Raises:
            ValueError: for a bad option (named) or data of the wrong shape.
            TrainingDivergedError: if the loss or a gradient becomes NaN or inf; the
                parameters are then those after the last finite step.
        """
        X, Y = check_XY(X, Y, self.sizes[0], self.sizes[-1], self.dtype)
        check_reachable(Y, self.layer_activations[-1])
        rng = self._rng if seed is None else np.random.default_rng(seed)
        settings = training_settings(
            epochs=epochs, batch_size=batch_size, eta=eta, shuffle=shuffle, optimizer=optimizer,
            schedule=schedule, l2=l2, l1=l1, dropout=dropout, evaluate=evaluate,
            patience=patience, min_delta=min_delta, restore_best=restore_best,
        )  # fmt: skip
        X, Y, validation = split_validation(
            X, Y, validation_data, validation_fraction, rng,
            check=lambda Xv, Yv: check_XY(Xv, Yv, self.sizes[0], self.sizes[-1], self.dtype),
        )  # fmt: skip
        callbacks = list(callbacks)
        if gradcheck_every is not None:
            from .checking.gradcheck import GradcheckCallback

            every = check_positive_int(gradcheck_every, "gradcheck_every")
            callbacks.append(GradcheckCallback(X, Y, every=every))
        self.ensure_parameter_views()
        return sgd(self, X, Y, settings, rng, callbacks, validation).trimmed()

    # -- other engines ------------------------------------------------------------------
    def to_torch(self):
        """The network as a ``torch.nn.Sequential`` of ``Linear`` layers and activation
        modules with these weights, in this dtype (needs the ``torch`` extra; see
        :mod:`backproplab.export`)."""
        from .export import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module, *, cost: str = "quadratic") -> Network:
        """The network a ``torch.nn.Sequential`` of ``Linear`` layers and activations holds
        (``cost``: what it is to be trained with); a ValueError names anything a Network
        cannot represent."""
        from .export import torch_parameters

        return cls.from_config(*torch_parameters(module, cost=cost))

    def to_onnx(self, path, *, opset: int | None = None):
        """Write the network as a standard ONNX model (atomically) whose output onnxruntime
        computes as :meth:`predict` does; returns the ``onnx.ModelProto`` (needs the
        ``export`` extra; see :mod:`backproplab.export`)."""
        from .export import DEFAULT_OPSET, to_onnx

        return to_onnx(self, path, opset=DEFAULT_OPSET if opset is None else opset)

    # -- files --------------------------------------------------------------------------
    def save(self, path, *, extra: dict | None = None) -> None:
        """Write the network to ``path`` (an ``.npz`` of plain arrays plus JSON metadata;
        never pickle). The write is atomic. ``extra``: a JSON object stored alongside
        (the scikit-learn estimators keep their settings there). See
        :mod:`backproplab.formats.modelfile`."""
        _io.save_network(self, path, extra=extra)

    @classmethod
    def load(cls, path, *, return_extra: bool = False):
        """Read a network written by :meth:`save`, checking everything in the file;
        ``(net, extra)`` with ``return_extra``.

        Raises:
            ValueError: if anything in the file is not as :meth:`save` writes it.
        """
        meta, weights, biases = _io.read_network(path)
        try:
            net = cls.from_config(meta, weights, biases)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path} is not a valid backproplab model file: {exc}") from None
        return (net, meta["extra"]) if return_extra else net
