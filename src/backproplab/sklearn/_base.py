"""What the classifier and the regressor share: their parameters (one dataclass field
each, so ``__init__`` is written once), building, training and reading out the network,
model files, and pickling it as names and arrays."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..engine import optim, schedules
from ..engine.activations import get_activation, hidden_activations
from ..engine.costs import get_cost
from ..engine.forward import feedforward
from ..engine.init import INITIALISERS, auto_init
from ..network import Network
from ..validation import (
    check_bool,
    check_choice,
    check_network_memory,
    check_positive_float,
    check_positive_int,
)
from . import _model_file as model_file

Array = np.ndarray
DTYPE = np.float64


def _new_rng(random_state) -> np.random.Generator:
    """One Generator for a fresh fit: an int seeds it directly (so ``random_state=0`` draws
    exactly what ``Network(..., seed=0)`` draws); a ``RandomState`` gives it a seed and
    advances, as scikit-learn's own estimators do; None draws fresh entropy."""
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, Integral):
        return np.random.default_rng(int(random_state))
    return np.random.default_rng(int(random_state.randint(np.iinfo(np.int32).max)))


def _network_state(net: Network) -> dict:
    """Everything needed to rebuild ``net``: names and plain arrays (no functions)."""
    return {**net.config(), "weights": [W.copy() for W in net.weights],
            "biases": [b.copy() for b in net.biases]}  # fmt: skip


def _network_from_state(state: dict) -> Network:
    return Network.from_config(state, state["weights"], state["biases"])


class _Scores:
    """Callback: ``score(net, X_val, y_val)`` (accuracy, or R² for the regressor) on the
    validation samples after each epoch — scikit-learn's ``validation_scores_``."""

    def __init__(self, score, X_val, Y_val, y_val):
        self.score, self.X, self.y = score, X_val, y_val
        self.values: list[float] = []

    def on_epoch_end(self, net, history, epoch: int) -> None:
        self.values.append(float(self.score(net, self.X, self.y)))


@dataclass(eq=False, repr=False, kw_only=True)
class BackpropEstimator(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """What the classifier and the regressor share: their parameters, building and
    training the network, ``transform``, pickling and model files.

    The parameters are dataclass fields, so the generated ``__init__`` stores each one as
    given (scikit-learn's rule) and a subclass changes a default by declaring the field
    again. Subclasses say how targets become the network's output columns
    (``_targets``), which output layer and cost to use (``_output_config``), which
    output activations the parameter may name (``_output_activations``) and how their
    targets are written to a model file (``_targets_to_json``/``_targets_from_json``,
    under ``_target_keys``)."""

    # the network: its hidden layers, their σ, the output's σ, how it starts
    hidden_layer_sizes: tuple[int, ...] | int = (64,)
    activation: str = "relu"
    output_activation: str | None = None
    init: str = "auto"
    # mini-batch SGD: η, the batches, the epochs per fit, the generator's seed
    learning_rate: float = 0.1
    batch_size: int = 32
    epochs: int = 30
    shuffle: bool = True
    random_state: object = None
    warm_start: bool = False
    # beyond plain SGD, under scikit-learn MLP's names: the optimizer …
    solver: str = "sgd"
    momentum: float = 0.0
    nesterovs_momentum: bool = False
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    # … the L2 penalty and the schedule of η …
    alpha: float = 0.0
    schedule: str = "constant"
    power_t: float = 0.5
    # … and early stopping on held-out samples
    early_stopping: bool = False
    validation_fraction: float = 0.1
    n_iter_no_change: int = 10
    tol: float = 1e-4

    def _output_activations(self) -> set:
        """What ``output_activation`` may name (the subclass's)."""
        raise NotImplementedError

    def _check_parameters(self) -> None:
        """Raise ValueError naming the first parameter that is out of range (in ``fit``,
        as scikit-learn checks parameters, never in ``__init__``)."""
        try:
            self._hidden_sizes()
            check_choice(self.activation, "activation", set(hidden_activations()))
            check_positive_float(self.learning_rate, "learning_rate")
            check_positive_int(self.batch_size, "batch_size")
            check_positive_int(self.epochs, "epochs")
            check_bool(self.shuffle, "shuffle")
            check_bool(self.warm_start, "warm_start")
            check_random_state(self.random_state)
            check_choice(self.init, "init", {"auto", *INITIALISERS})
            check_choice(self.output_activation, "output_activation", self._output_activations())
            check_choice(self.solver, "solver", {"sgd", "adam", "rmsprop", "adagrad"})
            check_choice(self.schedule, "schedule", {"constant", "invscaling", "adaptive"})
            check_bool(self.nesterovs_momentum, "nesterovs_momentum")
            check_bool(self.early_stopping, "early_stopping")
            check_positive_int(self.n_iter_no_change, "n_iter_no_change")
            for name in ("alpha", "tol", "momentum"):
                if not 0 <= float(getattr(self, name)) < (1 if name == "momentum" else np.inf):
                    raise ValueError(f"{name} must be ≥ 0, got {getattr(self, name)!r}")
            if not 0 < self.validation_fraction < 1:
                raise ValueError(
                    f"validation_fraction must be between 0 and 1, got {self.validation_fraction!r}"
                )
            self._check_own_parameters()
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    def _check_own_parameters(self) -> None:
        """The subclass's further parameters (none here)."""

    # -- configuration ------------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, Integral) or s < 1:
                raise ValueError(
                    "hidden_layer_sizes must hold positive integers (one per hidden "
                    f"layer; () for none), got {self.hidden_layer_sizes!r}"
                )
        return [int(s) for s in sizes]

    def _network_config(self) -> dict:
        """The Network arguments the current parameters and fitted targets ask for."""
        n_outputs, output_activation, cost = self._output_config()
        return {
            "sizes": [self.n_features_in_, *self._hidden_sizes(), n_outputs],
            "activation": self.activation,
            "output_activation": output_activation,
            "cost": cost,
        }

    def _check_network_matches(self, net: Network, what: str) -> None:
        """Raise ValueError unless ``net`` has the layers, activations and cost that the
        estimator's parameters ask for."""
        config = self._network_config()
        output = get_activation(config["output_activation"]).name
        # Network.activation names the output's activation when there is no hidden layer.
        hidden = get_activation(config["activation"]).name if len(config["sizes"]) > 2 else output
        got = (net.sizes, net.activation, net.output_activation, net.cost_function.name)
        expected = (config["sizes"], hidden, output, get_cost(config["cost"], output).name)
        if got != expected:
            raise ValueError(
                f"{what}: the network is (sizes, activation, output activation, cost) = "
                f"{got}, but the parameters ask for {expected}"
            )

    # -- training -----------------------------------------------------------------------
    def fit(self, X, y):
        """Train on X of shape (n_samples, n_features) and y, for ``epochs`` epochs.

        With ``warm_start=True`` and a fitted estimator, training continues from the
        current weights; otherwise the network is built afresh from ``random_state``.

        Returns:
            self
        """
        self._check_parameters()
        return self._train(X, y, epochs=self.epochs, keep=self.warm_start)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "network_")

    def _train(self, X, y, *, epochs: int, keep: bool, classes=None):
        """Validate everything, then train. If validation fails (bad data, labels or
        parameters, a network too large for the machine), every fitted attribute is as
        it was before the call, as with scikit-learn's own estimators. Once training has
        begun, a failure leaves a fresh fit unfitted (the old network does not match the
        new settings) and a warm start with the steps it took."""
        fitted_state = dict(self.__dict__)
        self._training_started = False
        try:
            return self._validate_and_train(X, y, epochs=epochs, keep=keep, classes=classes)
        except BaseException:
            if not self._training_started:
                self.__dict__.clear()
                self.__dict__.update(fitted_state)
            raise
        finally:
            self.__dict__.pop("_training_started", None)

    def _validate_and_train(self, X, y, *, epochs: int, keep: bool, classes=None):
        reuse = keep and hasattr(self, "network_")
        X, y = validate_data(self, X, y, reset=not reuse, dtype=DTYPE, **self._y_checks)
        Y = self._targets(y, reuse=reuse, classes=classes)  # (n_samples, n_outputs)
        if reuse:
            self._check_network_matches(self.network_, "warm start")
            net, rng = self.network_, self._rng
        else:
            rng = _new_rng(self.random_state)
            config = self._network_config()
            check_network_memory(config["sizes"], DTYPE)
            init = auto_init(self.activation) if self.init == "auto" else self.init
            net = Network(**config, init=init, seed=rng, dtype=DTYPE)
        self._training_started = True
        if not reuse and hasattr(self, "network_"):
            del self.network_  # fitted again only once the new network has trained
        if not reuse or not hasattr(self, "_optimizer"):
            self._optimizer = self._new_optimizer()  # its state carries over in partial_fit
        X, Y, y, validation = self._hold_out(X, Y, y, rng)
        scores = _Scores(self._score_with, *validation) if validation else None
        history = net.train(
            X,
            Y,
            epochs=epochs,
            batch_size=self.batch_size,
            eta=self.learning_rate,
            shuffle=self.shuffle,
            seed=rng,
            callbacks=[scores] if scores else (),
            **self._train_options(len(X), validation),
        )
        if not reuse:
            self.network_, self._rng, self.loss_curve_, self.n_iter_ = net, rng, [], 0
            self.validation_scores_ = [] if self.early_stopping else None
        self.loss_curve_ = [*self.loss_curve_, *history.loss_epoch.tolist()]
        self.n_iter_ += history.n_epochs
        self.history_ = history
        if scores:
            self.validation_scores_ = [*(self.validation_scores_ or []), *scores.values]
            self.best_validation_score_, self.best_loss_ = max(self.validation_scores_), None
        else:
            self.best_loss_, self.best_validation_score_ = min(self.loss_curve_), None
        return self

    # -- scikit-learn MLP's training options, mapped onto Network.train ------------------
    def _new_optimizer(self):
        if self.solver == "adam":
            return optim.Adam(self.beta_1, self.beta_2, self.epsilon)
        if self.solver == "rmsprop":
            return optim.RMSprop(eps=self.epsilon)
        if self.solver == "adagrad":
            return optim.AdaGrad(eps=self.epsilon)
        return optim.SGD(self.momentum, nesterov=self.nesterovs_momentum and self.momentum > 0)

    def _train_options(self, n_samples: int, validation) -> dict:
        """``Network.train``'s options for these parameters: the optimizer, ``alpha`` as
        an L2 penalty (scikit-learn's α/(2m)‖W‖² per mini-batch of m is network2's λ/(2n)
        with λ = α n / m), the schedule, and early stopping on the validation loss."""
        schedule = {
            "constant": None,
            "invscaling": schedules.InverseScaling(self.power_t),
            "adaptive": schedules.HalveOnPlateau(patience=2, factor=0.2, min_delta=self.tol),
        }[self.schedule]
        options = dict(optimizer=self._optimizer, schedule=schedule,
                       l2=self.alpha * n_samples / self.batch_size)  # fmt: skip
        if validation:
            options |= dict(validation_data=validation[:2], patience=self.n_iter_no_change,
                            min_delta=self.tol, restore_best=True)  # fmt: skip
        return options

    def _hold_out(self, X, Y, y, rng):
        """With ``early_stopping``, set ``validation_fraction`` of the samples aside (in
        proportion to the classes, for the classifier), drawn from the training generator."""
        if not self.early_stopping:
            return X, Y, y, None
        stratify = y if hasattr(self, "classes_") else None
        seed = int(rng.integers(np.iinfo(np.int32).max))
        X, X_val, Y, Y_val, y, y_val = train_test_split(
            X, Y, y, test_size=self.validation_fraction, random_state=seed, stratify=stratify
        )
        return X, Y, y, (X_val, Y_val, y_val)

    # -- forward ------------------------------------------------------------------------
    def _output(self, X) -> Array:
        """The network's output ``a^L`` for validated X, shape (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=DTYPE)
        return self.network_.predict(X)

    @property
    def _n_features_out(self) -> int:
        """Columns ``transform`` returns by default: the last hidden layer's width (scikit-
        learn's ``get_feature_names_out`` names them ``backpropclassifier0``, …)."""
        check_is_fitted(self)
        sizes = self.network_.sizes
        return sizes[-2] if len(sizes) > 2 else sizes[-1]

    def transform(self, X, layer: int | None = None) -> Array:
        """The activations ``a^ℓ = σ(W^ℓ a^{ℓ−1} + b^ℓ)`` of layer ℓ for every sample.

        Args:
            X: data, shape (n_samples, n_features).
            layer: ℓ, counted as in the rest of backproplab: 1 is the first hidden layer,
                L = ``len(hidden_layer_sizes) + 1`` the output layer. None means the last
                hidden layer (the output layer when there is none).

        Returns:
            ``a^ℓ`` as rows, shape (n_samples, n_ℓ).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=DTYPE)
        net = self.network_
        L = len(net.weights)
        if layer is None:
            layer = max(L - 1, 1)
        if isinstance(layer, bool) or not isinstance(layer, Integral) or not 1 <= layer <= L:
            raise ValueError(
                f"layer must be an integer from 1 (first hidden layer) to {L} (output), "
                f"got {layer!r}"
            )
        _, activations = feedforward(
            net.weights[:layer], net.biases[:layer], X.T, net.layer_activations[:layer]
        )
        return activations[layer].T

    # -- model files (the JSON conversions live in _model_file) ---------------------------
    def save(self, path) -> None:
        """Write the fitted estimator to ``path``: the network's arrays plus JSON metadata
        holding the estimator's parameters and fitted attributes (see
        :mod:`backproplab.formats.modelfile`; never pickle). The state of the shuffling
        generator is stored, so training can go on after ``load`` exactly as without
        saving. ``history_`` is not stored; ``hidden_layer_sizes`` comes back as a tuple,
        and a ``RandomState`` given as ``random_state`` comes back as None.

        Raises:
            ValueError: if something (for example a class label) cannot be stored as JSON
                and read back unchanged.
        """
        check_is_fitted(self)
        extra = {
            "estimator": type(self).__name__,
            "params": model_file.params_to_json(self.get_params(deep=False)),
            "n_features_in": int(self.n_features_in_),
            "n_iter": int(self.n_iter_),
            "loss_curve": [float(v) for v in self.loss_curve_],
            "rng_state": self._rng.bit_generator.state,
            **self._targets_to_json(),
        }
        if hasattr(self, "feature_names_in_"):
            extra["feature_names_in"] = [str(name) for name in self.feature_names_in_]
        model_file.check_json(extra, type(self).__name__)
        self.network_.save(path, extra=extra)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`, checking everything in the file.

        Raises:
            ValueError: if the file is not a valid model file or holds something else
                (a bare Network, or the other kind of estimator).
        """
        net, extra = Network.load(path, return_extra=True)
        name = extra.get("estimator")
        if name != cls.__name__:
            held = "a bare Network (use Network.load)" if name is None else repr(name)
            raise ValueError(f"{path} holds {held}, not a {cls.__name__}")
        try:
            model_file.check_keys(extra, cls._target_keys)
            params = model_file.params_from_json(extra["params"], cls().get_params(deep=False))
            est = cls(**params)
            est._restore(net, extra)
            return est
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            OverflowError,
            RecursionError,
        ) as exc:
            raise ValueError(f"{path}: invalid {cls.__name__} metadata: {exc!s}") from None

    def _restore(self, net: Network, extra: dict) -> None:
        """The fitted state from a model file's ``extra`` (keys already checked), each
        value checked; the network must be what the parameters ask for."""
        self._check_parameters()
        self.n_features_in_ = model_file.json_int(extra["n_features_in"], "n_features_in", 1)
        if "feature_names_in" in extra:
            self.feature_names_in_ = model_file.feature_names_from_json(
                extra["feature_names_in"], self.n_features_in_
            )
        self._targets_from_json(extra)
        self._check_network_matches(net, "network")
        self.n_iter_ = model_file.json_int(extra["n_iter"], "n_iter", minimum=0)
        self.loss_curve_ = model_file.loss_curve_from_json(extra["loss_curve"], self.n_iter_)
        self.network_, self._rng = net, model_file.rng_from_state(extra["rng_state"])

    # -- pickling: the network as names and arrays, so no function object is pickled -----
    def __getstate__(self):
        state = super().__getstate__()
        if isinstance(state.get("network_"), Network):
            state = {**state, "network_": _network_state(state["network_"])}
        return state

    def __setstate__(self, state):
        if isinstance(state.get("network_"), dict):
            state = {**state, "network_": _network_from_state(state["network_"])}
        super().__setstate__(state)
