"""What the classifier and the regressor share: building, training and reading out the
network, and pickling it as names and arrays."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..activations import ACTIVATIONS, get_activation
from ..costs import get_cost
from ..forward import feedforward
from ..init import INITIALISERS
from ..network import Network
from ..validation import check_network_memory
from ._model_file import _ModelFileMixin

Array = np.ndarray

_HIDDEN_ACTIVATIONS = {name for name, act in ACTIVATIONS.items() if act.hidden_ok}
_DTYPE = np.float64


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


class _BackpropEstimator(_ModelFileMixin, BaseEstimator):
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
        X, y = validate_data(self, X, y, reset=not reuse, dtype=_DTYPE, **self._y_checks)
        Y = self._targets(y, reuse=reuse, classes=classes)  # (n_samples, n_outputs)
        if reuse:
            self._check_network_matches(self.network_, "warm start")
            net, rng = self.network_, self._rng
        else:
            rng = _new_rng(self.random_state)
            config = self._network_config()
            check_network_memory(config["sizes"], _DTYPE)
            init = _resolve_init(self.init, self.activation)
            net = Network(**config, init=init, seed=rng, dtype=_DTYPE)
        self._training_started = True
        if not reuse and hasattr(self, "network_"):
            del self.network_  # fitted again only once the new network has trained
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
