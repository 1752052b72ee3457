"""``BackpropRegressor``: the quadratic cost on one or more real-valued outputs."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from ._base import _DTYPE, _HIDDEN_ACTIVATIONS, Array, _BackpropEstimator
from ._model_file import _json_int


class BackpropRegressor(RegressorMixin, _BackpropEstimator):
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

    _output_activations = _HIDDEN_ACTIVATIONS
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
        solver="sgd",
        momentum=0.0,
        nesterovs_momentum=False,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=0.0,
        schedule="constant",
        power_t=0.5,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
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
        self.solver = solver
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.alpha = alpha
        self.schedule = schedule
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol

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
        self._check_parameters()
        return self._train(X, y, epochs=1, keep=True)

    def predict(self, X) -> Array:
        """Predicted targets: (n_samples,) for one output, else (n_samples, n_outputs)."""
        A = self._output(X)
        return A[:, 0] if self.n_outputs_ == 1 else A

    def _score_with(self, net, X, y) -> float:
        """R² of ``net`` (the network in training) on X (validated), y targets."""
        from sklearn.metrics import r2_score

        A = net.predict(X)
        return float(r2_score(y, A[:, 0] if A.shape[1] == 1 else A))

    def _targets_to_json(self) -> dict:
        return {"n_outputs": int(self.n_outputs_)}

    def _targets_from_json(self, extra: dict) -> None:
        self.n_outputs_ = _json_int(extra["n_outputs"], "n_outputs", minimum=1)
