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
- ``save(path)`` writes a model file of plain arrays and JSON (see
  :mod:`backproplab.formats.modelfile`),
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

from .classifier import BackpropClassifier
from .regressor import BackpropRegressor

__all__ = ["BackpropClassifier", "BackpropRegressor"]
