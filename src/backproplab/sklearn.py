"""scikit-learn estimators built on :class:`~backproplab.Network`.

``BackpropClassifier`` and ``BackpropRegressor`` follow scikit-learn's conventions: X is
(n_samples, n_features), ``fit`` returns the estimator, fitted attributes end with ``_``,
and input is checked by scikit-learn's own helpers (``validate_data``), so NaN, inf,
empty input, wrong dimensions and a feature count that differs from ``fit`` are rejected
with scikit-learn's usual messages. They work in pipelines, grid searches and
cross-validation, and pass scikit-learn's estimator checks.

Beyond what scikit-learn's own MLP offers:

- ``network_`` is the plain :class:`~backproplab.Network` that was trained: its
  ``weights[ℓ−1]`` is ``W^ℓ`` of shape (n_ℓ, n_{ℓ−1}), and ``gradcheck``, ``backprop(...,
  trace=True)`` and the ladder all work on it;
- ``transform(X, layer=ℓ)`` returns the activations ``a^ℓ`` of layer ℓ, shape
  (n_samples, n_ℓ);
- ``history_`` is the :class:`~backproplab.History` of the last call to ``fit`` or
  ``partial_fit``: the loss of every step, every layer's gradient and weight norms;
- ``save(path)`` writes a model file of plain arrays and JSON (see :mod:`backproplab.io`),
  never pickle, and ``load(path)`` reads it back; predictions are bit for bit the same.

Training is the engine's mini-batch SGD (``Network.train``): ``epochs`` passes over the
data in mini-batches of ``batch_size``, each step ``W ← W − η ∂C/∂W`` with C the mean cost
of the mini-batch. Randomness (initial weights, then the order of the samples in each
epoch) comes from one ``numpy.random.Generator`` seeded by ``random_state``, so the same
integer gives bitwise the same network and predictions.

>>> from sklearn.datasets import load_iris
>>> X, y = load_iris(return_X_y=True)
>>> clf = BackpropClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
>>> clf.predict_proba(X[:2]).shape, clf.transform(X[:2], layer=1).shape
((2, 3), (2, 8))
"""

from __future__ import annotations

import json
import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from .activations import ACTIVATIONS, get_activation
from .costs import get_cost
from .forward import feedforward
from .init import INITIALISERS
from .network import Network

__all__ = ["BackpropClassifier", "BackpropRegressor"]

Array = np.ndarray

_HIDDEN_ACTIVATIONS = {name for name, act in ACTIVATIONS.items() if act.hidden_ok}
_DTYPE = np.float64
# Label dtypes a model file can hold: unicode strings, integers, unsigned, floats, bools,
# and object arrays whose elements are all str, int, float or bool.
_LABEL_KINDS = {"U", "i", "u", "f", "b", "O"}


def _resolve_init(init: str, activation: str) -> str:
    """``"auto"``: He for (leaky) ReLU hidden layers, Xavier for the others."""
    if init != "auto":
        return init
    return "he" if activation in ("relu", "leaky_relu") else "xavier"


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
    return {
        "sizes": list(net.sizes),
        "activation": net.activation,
        "output_activation": net.output_activation,
        "cost": net.cost_function.name,
        "init": net.init,
        "dtype": net.dtype.name,
        "weights": [W.copy() for W in net.weights],
        "biases": [b.copy() for b in net.biases],
    }


def _network_from_state(state: dict) -> Network:
    net = Network(
        state["sizes"],
        activation=state["activation"],
        output_activation=state["output_activation"],
        cost=state["cost"],
        weights=state["weights"],
        biases=state["biases"],
        dtype=state["dtype"],
        seed=0,
    )
    net.init = state["init"]
    return net


class _BackpropEstimator(BaseEstimator):
    """What the classifier and the regressor share: building and training the network,
    ``transform``, pickling and model files. Subclasses say how targets become the
    network's output columns (``_targets``) and which output layer and cost to use
    (``_output_config``)."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "activation": [StrOptions(_HIDDEN_ACTIVATIONS)],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "init": [StrOptions({"auto", *INITIALISERS})],
        "warm_start": ["boolean"],
    }

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
        self._validate_params()
        return self._train(X, y, epochs=self.epochs, keep=self.warm_start)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "network_")

    def _train(self, X, y, *, epochs: int, keep: bool, classes=None):
        reuse = keep and hasattr(self, "network_")
        if not reuse and hasattr(self, "network_"):
            del self.network_  # fitted again only once the new network has trained
        X, y = validate_data(self, X, y, reset=not reuse, dtype=_DTYPE, **self._y_checks)
        Y = self._targets(y, reuse=reuse, classes=classes)  # (n_samples, n_outputs)
        if reuse:
            self._check_network_matches(self.network_, "warm start")
            net, rng = self.network_, self._rng
        else:
            rng = _new_rng(self.random_state)
            config = self._network_config()
            init = _resolve_init(self.init, self.activation)
            net = Network(**config, init=init, seed=rng, dtype=_DTYPE)
        history = net.train(
            X,
            Y,
            epochs=epochs,
            batch_size=self.batch_size,
            eta=self.learning_rate,
            shuffle=self.shuffle,
            seed=rng,
        )
        if not reuse:
            self.network_, self._rng, self.loss_curve_, self.n_iter_ = net, rng, [], 0
        self.loss_curve_ = [*self.loss_curve_, *history.loss_epoch.tolist()]
        self.n_iter_ += history.n_epochs
        self.history_ = history
        return self

    # -- forward ------------------------------------------------------------------------
    def _output(self, X) -> Array:
        """The network's output ``a^L`` for validated X, shape (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=_DTYPE)
        return self.network_.predict(X)

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
        X = validate_data(self, X, reset=False, dtype=_DTYPE)
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

    # -- model files --------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the fitted estimator to ``path``: the network's arrays plus JSON metadata
        holding the estimator's parameters and fitted attributes (see
        :mod:`backproplab.io`; never pickle). The state of the shuffling generator is
        stored, so training can go on after ``load`` exactly as without saving.
        ``history_`` is not stored; ``hidden_layer_sizes`` comes back as a tuple, and a
        ``RandomState`` given as ``random_state`` comes back as None.

        Raises:
            ValueError: if something (for example a class label) cannot be stored as JSON
                and read back unchanged.
        """
        from .io import save_network

        check_is_fitted(self)
        params = self.get_params(deep=False)
        if isinstance(params["hidden_layer_sizes"], Integral):
            params["hidden_layer_sizes"] = [params["hidden_layer_sizes"]]
        params["hidden_layer_sizes"] = [int(s) for s in params["hidden_layer_sizes"]]
        if not isinstance(params["random_state"], Integral):
            params["random_state"] = None  # a RandomState has no JSON form; the rng state is kept
        params = {k: _plain(v) for k, v in params.items()}
        extra = {
            "estimator": type(self).__name__,
            "params": params,
            "n_features_in": int(self.n_features_in_),
            "n_iter": int(self.n_iter_),
            "loss_curve": [float(v) for v in self.loss_curve_],
            "rng_state": self._rng.bit_generator.state,
            **self._targets_to_json(),
        }
        if hasattr(self, "feature_names_in_"):
            extra["feature_names_in"] = [str(name) for name in self.feature_names_in_]
        try:
            json.dumps(extra, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cannot save {type(self).__name__}: {exc}") from None
        save_network(self.network_, path, extra=extra)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`, checking everything in the file.

        Raises:
            ValueError: if the file is not a valid model file or holds something else
                (a bare Network, or the other kind of estimator).
        """
        from .io import load_network

        net, extra = load_network(path, return_extra=True)
        name = extra.get("estimator")
        if name != cls.__name__:
            held = "a bare Network (use Network.load)" if name is None else repr(name)
            raise ValueError(f"{path} holds {held}, not a {cls.__name__}")
        try:
            return cls._from_extra(net, extra)
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise ValueError(f"{path}: invalid {cls.__name__} metadata: {exc!s}") from None

    @classmethod
    def _from_extra(cls, net: Network, extra: dict):
        keys = {"estimator", "params", "n_features_in", "n_iter", "loss_curve", "rng_state"}
        keys |= cls._target_keys
        optional = {"feature_names_in"}
        if not keys <= set(extra) <= keys | optional:
            missing, unknown = sorted(keys - set(extra)), sorted(set(extra) - keys - optional)
            raise ValueError(f"wrong keys (missing {missing}, unknown {unknown})")
        params = extra["params"]
        names = set(cls._get_param_names())
        if not isinstance(params, dict) or set(params) != names:
            raise ValueError(f"params must be an object with exactly the keys {sorted(names)}")
        params = dict(params)
        if isinstance(params["hidden_layer_sizes"], list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        est = cls(**params)
        est._validate_params()
        est._hidden_sizes()
        est.n_features_in_ = _json_int(extra["n_features_in"], "n_features_in", minimum=1)
        if "feature_names_in" in extra:
            feature_names = extra["feature_names_in"]
            if not (
                isinstance(feature_names, list)
                and len(feature_names) == est.n_features_in_
                and all(isinstance(f, str) for f in feature_names)
            ):
                raise ValueError("feature_names_in must be n_features_in strings")
            est.feature_names_in_ = np.array(feature_names, dtype=object)
        est._targets_from_json(extra)
        est._check_network_matches(net, "network")
        est.n_iter_ = _json_int(extra["n_iter"], "n_iter", minimum=0)
        curve = extra["loss_curve"]
        if not (
            isinstance(curve, list)
            and len(curve) == est.n_iter_
            and all(_is_number(v) and math.isfinite(v) for v in curve)
        ):
            raise ValueError("loss_curve must be n_iter finite numbers")
        est.loss_curve_ = [float(v) for v in curve]
        rng = np.random.Generator(np.random.PCG64())
        state = extra["rng_state"]
        if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
            raise ValueError("rng_state must be the state of a PCG64 generator")
        rng.bit_generator.state = state
        est.network_, est._rng = net, rng
        return est


def _plain(value):
    """NumPy scalars as the Python numbers JSON knows."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _json_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


class BackpropClassifier(ClassifierMixin, TransformerMixin, _BackpropEstimator):
    """A classifier trained by backpropagation (mini-batch SGD) on a :class:`Network`.

    Labels can be of any type scikit-learn accepts (ints, strings, …); ``classes_`` holds
    them sorted. The network's output layer depends on ``output_activation``:

    - ``None`` (default): two classes get one sigmoid output ``a = P(classes_[1])``; more
      classes get one softmax output per class.
    - ``"sigmoid"``: one sigmoid output for two classes, one per class for more (Nielsen's
      digit network; ``predict_proba`` divides each row by its sum).
    - ``"softmax"``: one softmax output per class, two classes included.

    With ``loss="cross_entropy"`` (default) the cost is binary cross-entropy for sigmoid
    outputs and categorical cross-entropy for softmax; ``loss="quadratic"`` is the seed's
    ½‖a − y‖². With ``output_activation="sigmoid", loss="quadratic"`` this is Nielsen's
    ``network.py``.

    Args:
        hidden_layer_sizes: neurons per hidden layer, e.g. ``(64,)`` or ``(30, 30)``;
            ``()`` for none (then this is logistic regression trained by SGD).
        activation: σ of the hidden layers: ``"sigmoid"``, ``"tanh"``, ``"relu"``,
            ``"leaky_relu"`` or ``"linear"``.
        output_activation: ``None``, ``"sigmoid"`` or ``"softmax"`` (see above).
        loss: ``"cross_entropy"`` or ``"quadratic"``.
        learning_rate: η, the SGD step size.
        batch_size: samples per mini-batch (the last of an epoch may be smaller).
        epochs: passes over the training data per ``fit``; ``partial_fit`` makes one.
        shuffle: reshuffle the samples before each epoch.
        random_state: None, an int (bitwise reproducible) or a ``numpy.random.RandomState``.
        init: ``"auto"`` (He for relu and leaky_relu, else Xavier), ``"gaussian"``
            (N(0, 1), Nielsen's), ``"scaled"``, ``"xavier"`` or ``"he"``.
        warm_start: let ``fit`` continue from the current weights instead of starting over.
            The layers, activations and cost must stay the same, and y may then hold
            any of ``classes_`` (as with ``partial_fit``) but no other label.

    Attributes:
        classes_: the class labels, sorted, shape (n_classes,).
        network_: the trained :class:`~backproplab.Network`; ``network_.sizes`` is
            ``[n_features_in_, *hidden_layer_sizes, n_outputs_]``.
        n_outputs_: output neurons (1 for two classes with a sigmoid output).
        n_features_in_: features seen in ``fit``; ``feature_names_in_`` when X had names.
        loss_curve_: the mean cost over the training data after each epoch, all epochs
            since the network was built (``fit`` without warm start starts it over).
        n_iter_: epochs trained since the network was built, ``len(loss_curve_)``.
        history_: the :class:`~backproplab.History` of the last ``fit``/``partial_fit``.
    """

    _parameter_constraints: dict = {
        **_BackpropEstimator._parameter_constraints,
        "output_activation": [StrOptions({"sigmoid", "softmax"}), None],
        "loss": [StrOptions({"cross_entropy", "quadratic"})],
    }
    _y_checks = {"multi_output": False}
    _target_keys = {"classes"}

    def __init__(
        self,
        hidden_layer_sizes=(64,),
        activation="relu",
        output_activation=None,
        loss="cross_entropy",
        learning_rate=0.1,
        batch_size=32,
        epochs=30,
        shuffle=True,
        random_state=None,
        init="auto",
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state
        self.init = init
        self.warm_start = warm_start

    def _output_config(self) -> tuple[int, str, str]:
        n_classes = len(self.classes_)
        output = self.output_activation
        if output is None:
            output = "sigmoid" if n_classes == 2 else "softmax"
        n_outputs = 1 if (output == "sigmoid" and n_classes == 2) else n_classes
        return n_outputs, output, self.loss

    def _targets(self, y, *, reuse: bool, classes=None) -> Array:
        """Labels → network targets: the 0/1 index of the class for a single output,
        one-hot rows otherwise. Shape (n_samples, n_outputs)."""
        check_classification_targets(y)
        if classes is not None:
            classes = unique_labels(classes)
            if reuse and not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()} differs from classes_="
                    f"{self.classes_.tolist()} of the earlier partial_fit"
                )
        if not reuse:
            self.classes_ = classes if classes is not None else unique_labels(y)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes, got 1 class "
                    f"({self.classes_[0]!r})"
                )
            self.n_outputs_ = self._output_config()[0]
        unknown = np.setdiff1d(unique_labels(y), self.classes_)
        if unknown.size:
            raise ValueError(
                f"y holds labels that are not in classes_ {self.classes_.tolist()}: "
                f"{unknown.tolist()}"
            )
        index = np.searchsorted(self.classes_, y)
        if self.n_outputs_ == 1:
            return index.reshape(-1, 1).astype(_DTYPE)
        return np.eye(self.n_outputs_, dtype=_DTYPE)[index]

    def partial_fit(self, X, y, classes=None):
        """One epoch of SGD over X and y, continuing from the current weights.

        Args:
            X: data, shape (n_samples, n_features). y: labels, shape (n_samples,).
            classes: every label the classifier will ever see; required on the first
                call (y may hold only some of them), optional afterwards.

        Returns:
            self
        """
        self._validate_params()
        if not hasattr(self, "network_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit")
        return self._train(X, y, epochs=1, keep=True, classes=classes)

    def predict_proba(self, X) -> Array:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order,
        rows summing to 1."""
        A = self._output(X)  # (n_samples, n_outputs)
        if A.shape[1] == 1:
            return np.hstack([1 - A, A])
        if self.network_.output_activation == "softmax":
            return A
        total = A.sum(axis=1, keepdims=True)
        uniform = np.full_like(A, 1.0 / A.shape[1])
        return np.divide(A, total, out=uniform, where=total > 0)

    def predict(self, X) -> Array:
        """The most probable class for each sample, shape (n_samples,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def _targets_to_json(self) -> dict:
        classes = self.classes_
        if classes.dtype.kind not in _LABEL_KINDS:
            raise ValueError(
                f"cannot save class labels of dtype {classes.dtype}; a model file holds "
                "str, int, float and bool labels only"
            )
        values = classes.tolist()
        for v in values:
            if not isinstance(v, str | int | float | bool) or (
                isinstance(v, float) and not math.isfinite(v)
            ):
                raise ValueError(
                    f"cannot save the class label {v!r} ({type(v).__name__}); a model file "
                    "holds str, int, float and bool labels only (floats finite)"
                )
        return {"classes": {"dtype": classes.dtype.str, "values": values}}

    def _targets_from_json(self, extra: dict) -> None:
        spec = extra["classes"]
        if not isinstance(spec, dict) or set(spec) != {"dtype", "values"}:
            raise ValueError("classes must be an object with keys dtype and values")
        dtype = np.dtype(spec["dtype"]) if isinstance(spec["dtype"], str) else None
        values = spec["values"]
        if dtype is None or dtype.kind not in _LABEL_KINDS or not isinstance(values, list):
            raise ValueError(f"classes has an unsupported dtype {spec['dtype']!r}")
        if not all(isinstance(v, str | int | float | bool) for v in values):
            raise ValueError("class labels must be str, int, float or bool")
        if dtype.kind == "O":
            classes = np.empty(len(values), dtype=object)
            classes[:] = values
        else:
            classes = np.array(values, dtype=dtype)
        if len(classes) < 2 or not np.array_equal(unique_labels(classes), classes):
            raise ValueError("classes must be at least 2 distinct labels in sorted order")
        self.classes_ = classes
        self.n_outputs_ = self._output_config()[0]


class BackpropRegressor(RegressorMixin, TransformerMixin, _BackpropEstimator):
    """A regressor trained by backpropagation (mini-batch SGD) on a :class:`Network`.

    It minimises the quadratic cost ½‖a^L − y‖² averaged over each mini-batch. y may be
    (n_samples,) or (n_samples, n_outputs); ``predict`` returns (n_samples,) when there is
    one output and (n_samples, n_outputs) otherwise. Targets are used as given: scale
    them (e.g. with ``TransformedTargetRegressor``) when they are far from 1 in size.

    Args:
        hidden_layer_sizes, activation, learning_rate, batch_size, epochs, shuffle,
        random_state, init, warm_start: as for :class:`BackpropClassifier`.
        output_activation: σ of the output layer; ``"linear"`` (default, the identity),
            or ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"`` for bounded or
            non-negative targets.

    Attributes:
        network_, n_outputs_, n_features_in_, feature_names_in_, loss_curve_, n_iter_,
        history_: as for :class:`BackpropClassifier`.
    """

    _parameter_constraints: dict = {
        **_BackpropEstimator._parameter_constraints,
        "output_activation": [StrOptions(_HIDDEN_ACTIVATIONS)],
    }
    _y_checks = {"multi_output": True, "y_numeric": True}
    _target_keys = {"n_outputs"}

    def __init__(
        self,
        hidden_layer_sizes=(64,),
        activation="tanh",
        output_activation="linear",
        learning_rate=0.05,
        batch_size=32,
        epochs=100,
        shuffle=True,
        random_state=None,
        init="auto",
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state
        self.init = init
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output_config(self) -> tuple[int, str, str]:
        return self.n_outputs_, self.output_activation, "quadratic"

    def _targets(self, y, *, reuse: bool, classes=None) -> Array:
        Y = np.asarray(y, dtype=_DTYPE)
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        if reuse and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs but the fitted network has {self.n_outputs_}"
            )
        self.n_outputs_ = Y.shape[1]
        return Y

    def partial_fit(self, X, y):
        """One epoch of SGD over X and y, continuing from the current weights.

        Returns:
            self
        """
        self._validate_params()
        return self._train(X, y, epochs=1, keep=True)

    def predict(self, X) -> Array:
        """Predicted targets: (n_samples,) for one output, else (n_samples, n_outputs)."""
        A = self._output(X)
        return A[:, 0] if self.n_outputs_ == 1 else A

    def _targets_to_json(self) -> dict:
        return {"n_outputs": int(self.n_outputs_)}

    def _targets_from_json(self, extra: dict) -> None:
        self.n_outputs_ = _json_int(extra["n_outputs"], "n_outputs", minimum=1)
