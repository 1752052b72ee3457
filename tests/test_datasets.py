"""Data sets: shapes, labels, seeds, and the file readers on files the tests write."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from backproplab import datasets as ds


@pytest.mark.parametrize("name", list(ds.DATASETS))
def test_every_dataset_loads(name):
    X, y = ds.load(name)
    assert X.ndim == 2 and y.shape == (len(X),) and np.isfinite(X).all()


def test_toy_is_the_seed_step():
    X, y = ds.toy(1000)
    assert X.shape == (1000, 1) and X[0, 0] == -5 and X[-1, 0] == 5
    np.testing.assert_array_equal(y, np.where(X[:, 0] > 0, 1, -1))


@pytest.mark.parametrize("name", ["circles", "moons", "xor", "spirals", "blobs"])
def test_seeded_generators_repeat_and_vary(name):
    a, b, c = ds.load(name, seed=1), ds.load(name, seed=1), ds.load(name, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    X, _ = ds.load(name, n_samples=60)
    assert len(X) == 60


def test_xor_labels_follow_the_quadrants():
    X, y = ds.xor(500, noise=0.0)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_spirals_have_k_arms():
    X, y = ds.spirals(300, arms=3)
    assert sorted(np.unique(y).tolist()) == [0, 1, 2] and np.bincount(y).tolist() == [100] * 3


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="unknown data set 'swirl'"):
        ds.load("swirl")
    with pytest.raises(ValueError, match="takes no option noise"):
        ds.load("iris", noise=0.1)
    with pytest.raises(ValueError, match="noise must be"):
        ds.load("moons", noise=-1.0)
    with pytest.raises(ValueError, match="n_samples"):
        ds.load("circles", n_samples=0)


def test_one_hot_and_standardize():
    Y = ds.one_hot(np.array(["b", "a", "b"]))
    np.testing.assert_array_equal(Y, [[0, 1], [1, 0], [0, 1]])
    with pytest.raises(ValueError, match="not one of the classes"):
        ds.one_hot([3], classes=[0, 1])
    Xs, mean, std = ds.standardize(np.array([[1.0, 5.0], [3.0, 5.0]]))
    np.testing.assert_array_equal(Xs, [[-1.0, 0.0], [1.0, 0.0]])
    assert mean.tolist() == [2.0, 5.0] and std.tolist() == [1.0, 1.0]


def _write_idx(path, array, type_code, compress):
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    data = header + array.tobytes()
    (gzip.open if compress else open)(path, "wb").write(data)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_idx_files(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    suffix = ".gz" if compress else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, 0x08, compress)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, 0x08, compress)
    X, y = ds.load_mnist(tmp_path)
    assert X.shape == (5, 784) and y.tolist() == [3, 1, 4, 1, 5]
    np.testing.assert_array_equal(X[2], images[2].ravel() / 255.0)


def test_load_mnist_rejects_damaged_files(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(
        b"\x00\x00\x08\x03" + (2).to_bytes(4, "big") * 3 + b"\x00"
    )
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match="header promises 8 bytes"):
        ds.load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError):
        ds.load_mnist(tmp_path / "nowhere")


def test_load_csv(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x1,species,x2\n1.5,cat,2\n-1,dog,0.25\n")
    X, y = ds.load_csv(path, target="species")
    np.testing.assert_array_equal(X, [[1.5, 2.0], [-1.0, 0.25]])
    assert y.tolist() == ["cat", "dog"]
    path.write_text("x1,x2\n1.5,2\n-1,0.25\n")
    X, y = ds.load_csv(path, target="x2")
    assert X.tolist() == [[1.5], [-1.0]] and y.tolist() == [2.0, 0.25]
    with pytest.raises(ValueError, match="no column 'nope'"):
        ds.load_csv(path, target="nope")
    path.write_text("a,b\n1,x\n")
    with pytest.raises(ValueError, match="line 2: a feature is not a number"):
        ds.load_csv(path, target="a")


@pytest.mark.parametrize("name, noise", [("circles", 0.0), ("moons", 0.0), ("blobs", 1.0)])
def test_shuffle_false_keeps_the_classes_in_order_with_the_same_points(name, noise):
    X, y = ds.load(name, n_samples=200, noise=noise, shuffle=False)
    assert np.all(np.diff(y) >= 0)  # class 0's samples first, then 1's, ...
    X_shuffled, y_shuffled = ds.load(name, n_samples=200, noise=noise)
    assert np.any(np.diff(y_shuffled) < 0)
    for label in np.unique(y):  # the same samples, in another order
        a, b = X[y == label], X_shuffled[y_shuffled == label]
        np.testing.assert_allclose(a[np.lexsort(a.T)], b[np.lexsort(b.T)], atol=1e-12)


def test_circles_unshuffled_is_the_outer_ring_then_the_inner_one():
    X, y = ds.circles(n_samples=100, noise=0.0, shuffle=False)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[:50], 1.0)
    np.testing.assert_allclose(radius[50:], 0.3)
    np.testing.assert_array_equal(y, [0] * 50 + [1] * 50)
    with pytest.raises(TypeError, match="shuffle"):
        ds.circles(shuffle="no")


# -- the regression data sets, against their closed forms written out here -----------------
def _plane(X):
    return (X[:, 0] + X[:, 1]) / 2


def _gauss(X):
    """Six bumps of width 0.2, signs alternating along each row (as in ``datasets.gauss``'s
    docstring), summed; written point by point."""
    bumps = [(-0.6, 0.4, 1), (0.0, 0.4, -1), (0.6, 0.4, 1),
             (-0.6, -0.4, -1), (0.0, -0.4, 1), (0.6, -0.4, -1)]  # fmt: skip
    return np.array([
        sum(s * np.exp(-((x1 - c1) ** 2 + (x2 - c2) ** 2) / (2 * 0.2**2)) for c1, c2, s in bumps)
        for x1, x2 in X
    ])  # fmt: skip


@pytest.mark.parametrize(("name", "closed_form"), [("plane", _plane), ("gauss", _gauss)])
def test_regression_sets_follow_their_closed_form(name, closed_form):
    X, y = ds.load(name, n_samples=300, noise=0.0, seed=3)
    assert X.shape == (300, 2) and y.shape == (300,) and y.dtype.kind == "f"
    assert X.min() >= -1 and X.max() <= 1
    np.testing.assert_allclose(y, closed_form(X), rtol=0, atol=1e-12)
    assert name in ds.REGRESSION


@pytest.mark.parametrize("name", ["plane", "gauss"])
def test_regression_sets_repeat_for_a_seed_or_a_generator_and_vary(name):
    a, b, c = ds.load(name, seed=1), ds.load(name, seed=1), ds.load(name, seed=2)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    g = ds.load(name, seed=np.random.default_rng(1))  # a Generator draws the same numbers
    np.testing.assert_array_equal(g[1], a[1])


@pytest.mark.parametrize(("name", "closed_form"), [("plane", _plane), ("gauss", _gauss)])
def test_regression_noise_is_gaussian_on_the_target(name, closed_form):
    X, y = ds.load(name, n_samples=20_000, noise=0.3, seed=0)
    residual = y - closed_form(X)
    assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.3) < 0.01
    with pytest.raises(ValueError, match="noise must be"):
        ds.load(name, noise=-0.1)
