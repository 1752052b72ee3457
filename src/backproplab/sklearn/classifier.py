"""``BackpropClassifier``: class labels in, class probabilities out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, unique_labels

from ..data.labels import encode_labels
from ..validation import check_choice
from . import _model_file as model_file
from ._base import Array, BackpropEstimator


@dataclass(eq=False, repr=False, kw_only=True)
class BackpropClassifier(ClassifierMixin, BackpropEstimator):
    """A classifier trained by backpropagation (mini-batch SGD) on a :class:`Network`.

    Labels can be of any type scikit-learn accepts (ints, strings, …); ``classes_`` holds
    them sorted. The network's output layer depends on ``output_activation``:

    - ``None`` (default): two classes get one sigmoid output ``a = P(classes_[1])``; more
      classes get one softmax output per class.
    - ``"sigmoid"``: one sigmoid output for two classes, one per class for more (Nielsen's
      digit network; ``predict_proba`` divides each row by its sum).
    - ``"softmax"``: one softmax output per class, two classes included.

    With ``loss="cross_entropy"`` (default) the cost is binary cross-entropy for sigmoid
    outputs and categorical cross-entropy for softmax; ``loss="quadratic"`` is the notebook's
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
        solver, momentum, nesterovs_momentum, beta_1, beta_2, epsilon, alpha, schedule,
            power_t, early_stopping, validation_fraction, n_iter_no_change, tol: training
            beyond plain SGD, under scikit-learn MLP's names (see the usage page's table of how
            each maps onto ``Network.train``). The defaults keep plain SGD with no penalty
            and a fixed number of epochs.
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

    # The defaults that differ from BackpropEstimator's fields (where the others are).
    activation: str = "relu"
    output_activation: str | None = None
    loss: str = "cross_entropy"
    learning_rate: float = 0.1
    epochs: int = 30

    _y_checks = {"multi_output": False}
    _target_keys = {"classes"}

    def _output_activations(self) -> set:
        return {None, "sigmoid", "softmax"}

    def _check_own_parameters(self) -> None:
        check_choice(self.loss, "loss", {"cross_entropy", "quadratic"})

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
        return encode_labels(y, self.n_outputs_, classes=self.classes_)[0]

    def partial_fit(self, X, y, classes=None):
        """One epoch of SGD over X and y, continuing from the current weights.

        Args:
            X: data, shape (n_samples, n_features). y: labels, shape (n_samples,).
            classes: every label the classifier will ever see; required on the first
                call (y may hold only some of them), optional afterwards.

        Returns:
            self
        """
        self._check_parameters()
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

    def _score_with(self, net, X, y) -> float:
        """Accuracy of ``net`` (the network in training) on X (validated), y labels."""
        A = net.predict(X)
        index = (A[:, 0] > 0.5).astype(int) if A.shape[1] == 1 else np.argmax(A, axis=1)
        return float(np.mean(self.classes_[index] == y))

    def _targets_to_json(self) -> dict:
        return {"classes": model_file.classes_to_json(self.classes_)}

    def _targets_from_json(self, extra: dict) -> None:
        self.classes_ = model_file.classes_from_json(extra["classes"])
        self.n_outputs_ = self._output_config()[0]
