"""The interactive page's arrays, checked against values computed here by other means."""

from __future__ import annotations

import base64
import gzip
import json
import re

import numpy as np
import pytest

from backproplab import Network, datasets
from backproplab.formats.runfile import from_recording
from backproplab.training.callbacks import Recorder
from backproplab.viz import hidden_space_figure, history_figure, moments
from backproplab.viz.page import render_hidden_page, render_report
from backproplab.viz.panels import block_means, pack, page_data


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _run(sizes, X, y, watch, epochs=2, eta=1.0, **kw):
    net = Network(sizes, seed=0, **kw)
    L = len(sizes) - 1
    Y = y if sizes[-1] == 1 else (y[:, None] == np.unique(y)).astype(float)
    rec = Recorder(X, layers=sorted({watch, L}), every=5, Y=Y)
    history = net.train(X, Y, epochs=epochs, batch_size=10, eta=eta, callbacks=[rec])
    run = from_recording(
        rec, history, sizes=sizes, activation=net.activation,
        output_activation=net.output_activation, cost=net.cost_function.name, watch=watch,
        labels=y, indices=np.arange(len(X)), n_total=len(X), settings={"data": "circles"},
    )  # fmt: skip
    return net, rec, run


@pytest.fixture(scope="module")
def circles_run():
    X, y = datasets.circles(n_samples=60, seed=0)
    return _run([2, 3, 3, 1], X, y, watch=2)


def _polygon_area(V):
    rel = V - V.mean(axis=0)
    return np.linalg.norm(sum(np.cross(rel[i], rel[(i + 1) % len(V)]) for i in range(len(V)))) / 2


def test_plane_in_box_is_the_exact_cross_section():
    lo, hi = np.zeros(3), np.ones(3)
    square = moments.plane_in_box(np.array([0, 0, 2.0]), -1.0, lo, hi)  # z = ½
    assert len(square) == 4 and _polygon_area(square) == pytest.approx(1.0)
    hexagon = moments.plane_in_box(np.ones(3), -1.5, lo, hi)  # x + y + z = 3/2
    # a regular hexagon through the midpoints of six edges: side √2/2, area (3√3/2)·½
    assert len(hexagon) == 6 and _polygon_area(hexagon) == pytest.approx(3 * np.sqrt(3) / 4)
    assert len(moments.plane_in_box(np.ones(3), 5.0, lo, hi)) == 0  # misses the box
    rng = np.random.default_rng(0)
    for _ in range(20):
        w, b = rng.normal(size=3), rng.normal() * 0.3
        V = moments.plane_in_box(w, b, -np.ones(3), np.ones(3))
        np.testing.assert_allclose(V @ w + b, 0, atol=1e-12)
        assert np.all(np.abs(V) <= 1 + 1e-12)
    segment = moments.plane_in_box(np.array([1.0, 1.0]), -1.0, np.zeros(2), np.ones(2))
    np.testing.assert_allclose(sorted(map(tuple, segment)), [(0, 1), (1, 0)])
    grid = moments.plane_wireframe(np.ones(3), -1.5, lo, hi, n=4)
    lines = grid[np.isfinite(grid).all(axis=1)]
    np.testing.assert_allclose(lines.sum(axis=1), 1.5)  # every point drawn is on the plane
    assert len(lines) == 7 + 2 * 2 * 4  # the closed rim, then 4 chords along 2 axes


def test_hidden_space_arrays_are_the_recorded_activations_and_the_planes_of_each_moment():
    X, y = datasets.circles(n_samples=100, seed=0)
    net, rec, run = _run([2, 3, 3, 1], X, y, watch=2, epochs=30, eta=3.0)
    meta, arrays = page_data(run)
    S = len(rec.snapshots)
    assert arrays["H"].shape == (S, 100, 3) and arrays["H"].dtype == np.float32
    drawn = 0
    for t, snap in enumerate(rec.snapshots):
        np.testing.assert_array_equal(arrays["H"][t], snap.layers[2].astype(np.float32))
        w, b = snap.weights[-1][0], snap.biases[-1][0, 0]
        for name in ("planeFixed", "planeFit"):
            V = arrays[name][t].astype(float)
            V = V[np.isfinite(V).all(axis=1)]  # the wireframe's lines, NaN between them
            np.testing.assert_allclose(V @ w + b, 0, atol=1e-5 * np.abs(w).sum())
            drawn += len(V)
    assert drawn > 0
    lo, hi = np.array(meta["hidden"]["box"])
    A = np.stack([s.layers[2] for s in rec.snapshots])
    assert np.all(lo <= A.min(axis=(0, 1))) and np.all(A.max(axis=(0, 1)) <= hi)
    assert meta["hidden"]["plane"] and meta["input"]["mode"] == "plane"


def test_regions_and_heatmaps_match_a_forward_pass_written_out_here(circles_run):
    net, rec, run = circles_run
    gx, gy = moments.input_grid(run.X, 12)
    regions, kind, values = moments.regions(run, gx, gy)
    neurons, maps = moments.neuron_heatmaps(run, gx, gy)
    assert kind == "output" and neurons == [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)]
    for t in (0, len(rec.snapshots) - 1):
        W, b = rec.snapshots[t].weights, rec.snapshots[t].biases
        i, j = 5, 7  # row i is gy[i], column j is gx[j]
        a0 = np.array([[gx[j]], [gy[i]]])
        a1 = _sigmoid(W[0] @ a0 + b[0])
        a2 = _sigmoid(W[1] @ a1 + b[1])
        a3 = _sigmoid(W[2] @ a2 + b[2])
        assert abs(int(regions[t, i, j]) - a3[0, 0] * 255) <= 0.5 + 1e-9
        assert values[t, i, j] == pytest.approx(a3[0, 0], rel=1e-12)
        for k, (ell, n) in enumerate(neurons):
            want = (a1 if ell == 1 else a2)[n, 0] * 255
            assert abs(int(maps[t, k, i, j]) - want) <= 0.5 + 1e-9


def test_more_than_two_features_use_a_fixed_pca_and_no_heatmaps():
    X, y = datasets.load("iris")
    net, rec, run = _run([4, 5, 3], X, y, watch=1, output_activation="softmax",
                         cost="categorical_cross_entropy")  # fmt: skip
    meta, arrays = page_data(run)
    assert meta["input"]["mode"] == "pca" and meta["heatmaps"] is None
    assert "4 input features" in meta["heatmaps_note"]
    centred = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(centred, full_matrices=False)
    want = centred @ Vt[:2].T
    got = arrays["Xin"].astype(float)
    signs = np.sign(np.sum(got * want, axis=0))  # PCA's signs are arbitrary
    np.testing.assert_allclose(got * signs, want, atol=1e-4)
    aL = rec.snapshots[-1].layers[2]
    np.testing.assert_array_equal(arrays["pred"][-1], np.argmax(aL, axis=1))
    assert "planeFixed" not in arrays  # three outputs: no single decision surface


def test_one_input_feature_shows_the_output_curve():
    X, y = datasets.toy(n_samples=40)
    net, rec, run = _run([1, 2, 1], X, y, watch=1, activation="tanh")
    meta, arrays = page_data(run)
    assert meta["input"]["mode"] == "curve" and meta["heatmaps"] is None
    np.testing.assert_array_equal(
        arrays["sampleOut"][-1], rec.snapshots[-1].layers[2][:, 0].astype(np.float32)
    )
    np.testing.assert_array_equal(arrays["Xin"][:, 1], np.where(y == 1, 1.0, -1.0))
    assert meta["hidden"]["dim"] == 2  # a width-2 layer is drawn as it is


def test_block_means():
    np.testing.assert_allclose(block_means(np.arange(1.0, 8.0), 3), [2.0, 5.0, 7.0])
    np.testing.assert_array_equal(block_means(np.ones((4, 2)), 1), np.ones((4, 2)))


def test_the_page_embeds_its_arrays_exactly_and_fetches_nothing(circles_run):
    net, rec, run = circles_run
    page = render_report(run)
    meta = json.loads(re.search(r'id="bpl-meta">(.*?)</script>', page).group(1))
    blob = re.search(r'id="bpl-data">(.*?)</script>', page).group(1)
    raw = gzip.decompress(base64.b64decode(blob))
    h = meta["arrays"]["H"]
    H = np.frombuffer(raw, np.float32, count=int(np.prod(h["shape"])), offset=h["offset"])
    np.testing.assert_array_equal(H.reshape(h["shape"]), page_data(run)[1]["H"])
    without_data = re.sub(
        r'<script type="application/octet-stream".*?</script>', "", page, flags=re.S
    )
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", without_data)
    for testid in ("hidden-space", "time-slider", "play", "input-space", "neuron-heatmaps",
                   "network-diagram", "loss-curve", "gradient-check", "settings", "snippet"):  # fmt: skip
        assert f'data-testid="{testid}"' in page
    hidden = render_hidden_page(run)
    assert 'data-testid="hidden-space"' in hidden and 'data-testid="input-space"' not in hidden


def test_pack_refuses_float64():
    with pytest.raises(TypeError, match="float64"):
        pack({"x": np.zeros(2)})


def test_notebook_figures():
    X, y = datasets.circles(n_samples=100, seed=0)
    net = Network([2, 3, 3, 1], seed=0)
    rec = Recorder(X, layers=[2], every=40, Y=y)
    net.train(X, y, epochs=40, batch_size=10, eta=3.0, callbacks=[rec])
    fig = hidden_space_figure(rec, y, 2)
    assert len(fig.frames) == len(rec.snapshots)
    last = fig.frames[-1].data
    a = rec.snapshots[-1].layers[2]
    np.testing.assert_array_equal(np.asarray(last[0].x), a[y == 0, 0])
    np.testing.assert_array_equal(np.asarray(last[1].z), a[y == 1, 2])
    drawn = 0
    for frame, snap in zip(fig.frames, rec.snapshots):
        surface = frame.data[2]
        V = np.column_stack([surface.x, surface.y, surface.z])
        if np.isfinite(V).all():
            w, b = snap.weights[-1][0], snap.biases[-1][0, 0]
            np.testing.assert_allclose(V @ w + b, 0, atol=1e-9)
            drawn += 1
    assert drawn >= 1
    with pytest.raises(ValueError, match="no snapshots of layer 1"):
        hidden_space_figure(rec, y, 1)
    h = net.train(X, y, epochs=1, batch_size=10, eta=0.1)
    assert len(history_figure(h).data) == 2 + 1 + 3


def test_the_decision_boundary_is_where_the_output_is_one_half():
    X, y = datasets.circles(n_samples=100, seed=0)
    net, rec, run = _run([2, 3, 3, 1], X, y, watch=2, epochs=30, eta=3.0)
    gx, gy = moments.input_grid(run.X, 40)
    _, _, values = moments.regions(run, gx, gy)
    points, starts = moments.boundary_lines(values, gx, gy, 0.5)
    assert len(starts) == len(rec.snapshots) + 1
    checked = 0
    for t, snap in enumerate(rec.snapshots):
        P = points[starts[t] : starts[t + 1]].astype(float)
        P = P[np.isfinite(P).all(axis=1)]
        a = P.T
        for W, b in zip(snap.weights, snap.biases):
            a = _sigmoid(W @ a + b)
        # linear interpolation between grid points: close to ½, not exactly
        np.testing.assert_allclose(a[0], 0.5, atol=0.01)
        checked += len(P)
    assert checked > 0


def test_the_pca_is_scikit_learns():
    """moments.pca against scikit-learn's PCA (an independent implementation): the same
    coordinates, signs included, and the same shares of the variance."""
    from sklearn.decomposition import PCA

    from backproplab.viz.moments import pca

    rng = np.random.default_rng(4)
    for n, d, k in ((350, 8, 3), (40, 5, 2), (12, 3, 3)):
        X = rng.normal(size=(n, d)) @ rng.normal(size=(d, d))
        project, share = pca(X, k)
        ref = PCA(n_components=k).fit(X)
        np.testing.assert_allclose(project(X), ref.transform(X), atol=1e-10)
        np.testing.assert_allclose(share, ref.explained_variance_ratio_, rtol=1e-10)
        np.testing.assert_allclose(project(X[None, :5]), ref.transform(X[:5])[None], atol=1e-10)
    project, share = pca(np.ones((2, 8)) * [[0], [1]], 3)  # 2 samples: 2 directions at most
    np.testing.assert_allclose(share, [1, 0, 0], atol=1e-12)
    assert project(np.zeros((1, 8)))[0, 2] == 0  # the third, which the data lacks
