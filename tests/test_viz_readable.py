"""The static figures stay readable: many classes, many features, wide layers, many layers;
and they show themselves in a notebook without ``%matplotlib``."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.colors import to_rgb
from PIL import Image
from sklearn.decomposition import PCA

from backproplab import Network, datasets
from backproplab.training.callbacks import Recorder
from backproplab.viz import animate_hidden, draw_network, plot_dataset, plot_history
from backproplab.viz.plots import CLASS_MARKERS, class_color, class_colors


def _min_distance(colors) -> float:
    rgb = np.array([to_rgb(c) for c in colors])
    d = np.linalg.norm(rgb[:, None] - rgb[None, :], axis=-1)
    return float(d[~np.eye(len(rgb), dtype=bool)].min())


def test_up_to_twenty_classes_get_distinct_colours_and_more_still_differ():
    for n in (10, 14, 20, 30):
        colors = [class_color(i, n) for i in range(n)]
        assert len(set(colors)) == n
        assert _min_distance(colors) > 0.1, n
    # digits: class 8 is not class 0's colour, 9 not 1's
    per_sample = class_colors(np.arange(10))
    assert per_sample[8] != per_sample[0] and per_sample[9] != per_sample[1]
    styles = {(class_color(i, 20), CLASS_MARKERS[i % len(CLASS_MARKERS)]) for i in range(20)}
    assert len(styles) == 20


def test_many_classes_are_drawn_each_in_their_own_colour():
    X, y = datasets.blobs(n_samples=240, centers=12, seed=0)
    ax = plot_dataset(X, y).axes[0]
    faces = [tuple(np.round(c.get_facecolor()[0][:3], 6)) for c in ax.collections]
    assert len(ax.collections) == 12 and len(set(faces)) == 12


def test_high_dimensional_data_is_shown_through_pca_and_says_so():
    X, y = datasets.digits()
    ax = plot_dataset(X, y, "the digits").axes[0]
    assert "PCA of 64 features" in ax.get_title()
    assert ax.get_xlabel().startswith("PC1") and ax.get_ylabel().startswith("PC2")
    expected = PCA(n_components=2).fit_transform(X)
    drawn = np.concatenate([c.get_offsets() for c in ax.collections])
    by_class = np.concatenate([expected[y == k] for k in np.unique(y)])
    np.testing.assert_allclose(drawn, by_class, atol=1e-9)


def test_the_network_diagram_says_what_it_leaves_out():
    net = Network([64, 16, 10], seed=0)
    ax = draw_network(net).axes[0]
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "64 neurons\n(showing 16 of 64)" in texts and "⋮" in texts
    assert "48 neurons and 768 of 1184 wires not drawn" in ax.get_title()  # 64·16 + 16·10
    small = draw_network(Network([2, 3, 1], seed=0)).axes[0]
    assert "showing" not in " ".join(t.get_text() for t in small.texts)
    assert "not drawn" not in small.get_title()


def test_the_gradient_norm_panel_has_one_distinguishable_line_per_layer_on_a_log_scale():
    X, y = datasets.circles(n_samples=200)
    net = Network([2, 6, 6, 6, 1], seed=0)
    h = net.train(X, y, epochs=15, batch_size=10, eta=3.0)  # 300 steps: means of 6
    ax = plot_history(h).axes[2]
    assert ax.get_yscale() == "log"
    labelled = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert [line.get_label() for line in labelled] == ["layer 1", "layer 2", "layer 3", "layer 4"]
    styles = {(to_rgb(line.get_color()), line.get_linestyle()) for line in labelled}
    assert len(styles) == 4 and len({s[0] for s in styles}) == 4
    k = h.n_steps // 50
    assert k == 6
    for ell, line in enumerate(labelled):  # the running mean of the last k steps' norms
        g = h.grad_norm[:, ell]
        expected = [g[max(0, i + 1 - k) : i + 1].mean() for i in range(len(g))]
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)
    faint = [line for line in ax.lines if line.get_label().startswith("_")]
    for ell, line in enumerate(faint):
        np.testing.assert_array_equal(line.get_ydata(), h.grad_norm[:, ell])


def test_figures_and_animations_carry_their_own_notebook_representation():
    fig = plot_dataset(*datasets.circles(n_samples=50))
    png = fig._repr_png_()
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG" and im.width > 200
    X, y = datasets.circles(n_samples=40)
    net = Network([2, 3, 3, 1], seed=0)
    rec = Recorder(X, layers=[2], every=4, Y=y)
    net.train(X, y, epochs=2, batch_size=10, eta=3.0, callbacks=[rec])
    html = animate_hidden(rec, y, layer=2)._repr_html_()
    assert html.count("data:image/png;base64,") == len(rec.snapshots) == 3
