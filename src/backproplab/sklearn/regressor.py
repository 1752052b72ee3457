"""``BackpropRegressor``: the quadratic cost on one or more real-valued outputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import RegressorMixin

from ..engine.activations import hidden_activations
from . import _model_file as model_file
from ._base import DTYPE, Array, BackpropEstimator


@dataclass(eq=False, repr=False, kw_only=True)
class BackpropRegressor(RegressorMixin, BackpropEstimator):
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

    # The defaults that differ from BackpropEstimator's fields (where the others are).
    activation: str = "tanh"
    output_activation: str = "linear"
    learning_rate: float = 0.05
    epochs: int = 100

    _y_checks = {"multi_output": True, "y_numeric": True}
    _target_keys = {"n_outputs"}

    def _output_activations(self) -> set:
        return set(hidden_activations())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output_config(self) -> tuple[int, str, str]:
        return self.n_outputs_, self.output_activation, "quadratic"

    def _targets(self, y, *, reuse: bool, classes=None) -> Array:
        Y = np.asarray(y, dtype=DTYPE)
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
        self.n_outputs_ = model_file.json_int(extra["n_outputs"], "n_outputs", minimum=1)
