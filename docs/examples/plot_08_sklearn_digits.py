"""
scikit-learn: a pipeline and a grid search on the digits
========================================================

:class:`~backproplab.sklearn.classifier.BackpropClassifier` wraps a
:class:`~backproplab.network.Network` as a scikit-learn estimator, so it works inside a
``Pipeline`` and ``GridSearchCV``, and its trained network stays in sight.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from backproplab.sklearn import BackpropClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
pipeline = make_pipeline(StandardScaler(), BackpropClassifier(epochs=10, random_state=0))
search = GridSearchCV(
    pipeline,
    {"backpropclassifier__hidden_layer_sizes": [(16,), (64,)],
     "backpropclassifier__learning_rate": [0.05, 0.2]},
    cv=3,
)
search.fit(X_train, y_train)
for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
    print({k.split("__")[1]: v for k, v in params.items()}, f"{score:.3f}")
print("best:", search.best_params_, f"held-out accuracy {search.score(X_test, y_test):.3f}")

# %%
# The fitted network is ``network_``; ``loss_curve_`` is the cost after each epoch and
# ``transform`` gives a hidden layer's activations.
clf = search.best_estimator_[-1]
print(clf.network_)
hidden = clf.transform(search.best_estimator_[0].transform(X_test), layer=1)
print("hidden layer 1 on the test set:", hidden.shape)

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
left.plot(np.arange(1, len(clf.loss_curve_) + 1), clf.loss_curve_, "o-")
left.set(xlabel="epoch", ylabel="training cost", title="loss_curve_")
W1 = clf.network_.weights[0]
tiles = np.hstack([W1[j].reshape(8, 8) for j in range(8)])
right.imshow(tiles, cmap="RdBu_r")
right.set_axis_off()
right.set_title("first eight hidden neurons' weights, as 8×8 images")
plt.show()
