"""Figures and animations: what they draw is checked against values computed here."""

import os

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d import proj3d
from PIL import Image
from sklearn.decomposition import PCA

from backproplab import Network, datasets
from backproplab.checking.nudge import nudge
from backproplab.training.callbacks import Recorder
from backproplab.viz import (
    animate_hidden,
    draw_network,
    plot_activation,
    plot_decision_boundary,
    plot_history,
    plot_nudge,
    save_gif,
    to_html,
)
from backproplab.viz.animate import hidden_frames, output_curve_frames


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _recorded(sizes, watch, seed=0, epochs=4):
    X, y = datasets.circles(n_samples=60, seed=seed)
    net = Network(sizes, seed=seed)
    rec = Recorder(X, layers=[watch, len(sizes) - 1], every=3, Y=y)
    net.train(X, y, epochs=epochs, batch_size=10, eta=3.0, callbacks=[rec])
    return net, rec, X, y


def _frame_points(frames, i):
    """Frame i of ``hidden_frames``'s ``(figure, draw, n)``, rendered; the axes and each
    class's scattered points as drawn on screen (a 3-D scatter shows its projection)."""
    fig, draw, _ = frames
    draw(i)
    FigureCanvasAgg(fig).draw()  # a 3-D scatter projects its points when drawn
    ax = fig.axes[0]
    return ax, [np.asarray(col.get_offsets()) for col in ax.collections if col.get_offsets().size]


def _as_drawn(ax, points):
    """Where ``points`` (n, 2 or 3) land in ``ax``: themselves in 2-D, their projection by
    the axes' own projection matrix in 3-D."""
    if ax.name != "3d":
        return points
    xs, ys, _ = proj3d.proj_transform(*points.T, ax.get_proj())
    return np.column_stack([xs, ys])


@pytest.mark.parametrize("width", [1, 2, 3])
def test_animate_hidden_draws_the_recorded_layer_itself(width):
    net, rec, X, y = _recorded([2, 4, width, 1], watch=2)
    frames = hidden_frames(rec, y, 2)
    assert frames[2] == len(rec.snapshots) == 9  # steps 0, 3, ..., 24
    for i in (0, len(rec.snapshots) - 1):
        ax, drawn = _frame_points(frames, i)
        a = rec.snapshots[i].layers[2]
        for label, points in zip(np.unique(y), drawn[:2]):
            want = a[y == label]
            if width == 1:  # one unit: a row per class
                np.testing.assert_allclose(points[:, 0], want[:, 0])
            else:
                np.testing.assert_allclose(points, _as_drawn(ax, want), rtol=1e-9, atol=1e-12)
    assert ax.name == ("3d" if width == 3 else "rectilinear")


def test_animate_hidden_draws_the_output_neurons_decision_line_in_2d():
    net, rec, X, y = _recorded([2, 2, 1], watch=1)
    frames = hidden_frames(rec, y, 1)
    last = len(rec.snapshots) - 1
    ax, _ = _frame_points(frames, last)
    (line,) = ax.lines
    pts = np.column_stack(line.get_data())
    pts = pts[np.isfinite(pts).all(axis=1)]
    w, b = net.weights[-1][0], net.biases[-1][0, 0]
    assert len(pts) > 2
    np.testing.assert_allclose(pts @ w + b, 0, atol=1e-9)


def test_wide_layers_use_one_pca_projection_fitted_on_the_final_representation():
    net, rec, X, y = _recorded([2, 6, 1], watch=1)
    frames = hidden_frames(rec, y, 1)
    pca = PCA(n_components=3).fit(rec.snapshots[-1].layers[1])
    for i in (0, 4, len(rec.snapshots) - 1):
        ax, drawn = _frame_points(frames, i)
        want = pca.transform(rec.snapshots[i].layers[1])
        got = np.concatenate(drawn)
        expected = np.concatenate([want[y == label] for label in np.unique(y)])
        np.testing.assert_allclose(got, _as_drawn(ax, expected), rtol=1e-9, atol=1e-12)
        assert ax.get_xlabel().startswith("PC1")
        assert not ax.collections[2:]  # no decision plane: the projection is not exact


def test_named_units_are_shown_and_checked():
    net, rec, X, y = _recorded([2, 6, 1], watch=1)
    ax, drawn = _frame_points(hidden_frames(rec, y, 1, units=[5, 0, 2]), 0)
    a = rec.snapshots[0].layers[1]
    np.testing.assert_allclose(drawn[0], _as_drawn(ax, a[y == 0][:, [5, 0, 2]]), rtol=1e-9)
    assert ax.get_xlabel() == "$a^{1}_{6}$"  # unit 5 of layer 1, numbered from 1
    with pytest.raises(ValueError, match="units must name"):
        animate_hidden(rec, y, 1, units=[6])
    with pytest.raises(ValueError, match="no snapshots of layer 0"):
        animate_hidden(rec, y, 0)


def test_output_curve_for_one_dimensional_inputs():
    X, y = datasets.toy(n_samples=50)
    net = Network([1, 4, 1], activation="tanh", output_activation="tanh", seed=1)
    rec = Recorder(X, layers=[2], every=5, Y=y)
    net.train(X, y, epochs=5, batch_size=10, eta=0.1, callbacks=[rec])
    ax, _ = _frame_points(output_curve_frames(rec, X, y), len(rec.snapshots) - 1)
    (curve,) = ax.lines
    order = np.argsort(X[:, 0])
    np.testing.assert_allclose(curve.get_ydata(), net.predict(X)[order, 0], rtol=1e-12)


def test_gif_has_one_frame_per_snapshot(tmp_path):
    net, rec, X, y = _recorded([2, 3, 3, 1], watch=2, epochs=1)
    path = tmp_path / "hidden.gif"
    save_gif(animate_hidden(rec, y, 2), path)
    with Image.open(path) as im:
        assert im.n_frames == len(rec.snapshots) == 3
    assert os.listdir(tmp_path) == ["hidden.gif"]


def test_an_interrupted_gif_leaves_nothing_under_its_name(tmp_path):
    net, rec, X, y = _recorded([2, 3, 3, 1], watch=2)
    (tmp_path / "hidden.gif").write_bytes(b"the previous run's file")

    def stop(frame, total):
        if frame == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        save_gif(animate_hidden(rec, y, 2), tmp_path / "hidden.gif", progress=stop)
    assert os.listdir(tmp_path) == ["hidden.gif"]
    assert (tmp_path / "hidden.gif").read_bytes() == b"the previous run's file"


def test_html_player_is_self_contained():
    net, rec, X, y = _recorded([2, 3, 3, 1], watch=2, epochs=1)
    text = to_html(animate_hidden(rec, y, 2))
    assert text.count("data:image/png;base64,") == len(rec.snapshots)
    assert "http://" not in text and "https://" not in text
    assert 'class="fa' not in text


def test_draw_network_encodes_sign_as_colour_and_magnitude_as_width():
    net = Network([2, 3, 1], seed=3)
    fig = draw_network(net)
    wires = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert len(wires) == 2
    biggest = max(np.abs(W).max() for W in net.weights)
    for W, lines in zip(net.weights, wires):
        colours = lines.get_colors()
        widths = np.asarray(lines.get_linewidths())
        flat = W.ravel()  # wires are drawn row by row: (j, k) in np.ndindex order
        assert len(widths) == flat.size
        blue = colours[:, 2] > colours[:, 0]
        np.testing.assert_array_equal(blue, flat >= 0)
        np.testing.assert_allclose(widths, 0.3 + 4.5 * np.abs(flat) / biggest)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert f"{net.weights[0][1, 0]:.2f}" in labels


def test_plot_activation_draws_sigma_and_its_derivative():
    fig = plot_activation("sigmoid")
    (s,), (ds,) = fig.axes[0].lines[:1], fig.axes[1].lines[:1]
    z = s.get_xdata()
    np.testing.assert_allclose(s.get_ydata(), _sigmoid(z), rtol=1e-12)
    np.testing.assert_allclose(ds.get_ydata(), _sigmoid(z) * (1 - _sigmoid(z)), rtol=1e-12)
    with pytest.raises(ValueError, match="element-wise"):
        plot_activation("softmax")


def test_decision_boundary_of_one_sigmoid_neuron_is_its_line():
    X, y = datasets.circles(n_samples=200)
    W, b = np.array([[3.0, -2.0]]), np.array([[0.2]])
    net = Network([2, 1], weights=[W], biases=[b])  # σ(3x − 2y + 0.2) = ½ on 3x − 2y + 0.2 = 0
    ax = plot_decision_boundary(net, X, y).axes[0]
    boundary = ax.collections[1].get_paths()  # the contour at ½, drawn after the filled one
    vertices = np.concatenate([p.vertices for p in boundary])
    assert len(vertices) > 10
    np.testing.assert_allclose(vertices @ W[0] + b[0, 0], 0, atol=1e-5)  # linear interpolation


def test_history_and_nudge_figures():
    X, y = datasets.circles(n_samples=100)
    net = Network([2, 3, 1], seed=0)
    h = net.train(X, y, epochs=3, batch_size=10, eta=1.0)
    fig = plot_history(h)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    loss_line = fig.axes[0].lines[1]
    np.testing.assert_array_equal(loss_line.get_ydata(), h.loss_epoch)
    result = nudge(net, X, y, 2, (0, 1), np.linspace(-1, 1, 21))
    fig = plot_nudge(result)
    assert len(fig.axes) == 3
    np.testing.assert_allclose(fig.axes[2].lines[0].get_ydata(), result.cost)


def test_the_gif_drawn_on_two_processes_is_the_one_drawn_on_one(tmp_path):
    from backproplab.viz.gif import Frames, write_gif

    net, rec, X, y = _recorded([2, 3, 3, 1], watch=2)
    frames = Frames("hidden", rec.snapshots, {"y": y, "layer": 2, "units": None, "title": "t"})
    done = []
    write_gif(frames, tmp_path / "two.gif", workers=2, progress=lambda k, n: done.append((k, n)))
    write_gif(frames, tmp_path / "one.gif", workers=1)
    n = len(rec.snapshots)
    assert done[-1] == (n, n)
    with Image.open(tmp_path / "two.gif") as two, Image.open(tmp_path / "one.gif") as one:
        assert two.n_frames == one.n_frames == n
        for i in range(n):
            two.seek(i)
            one.seek(i)
            assert np.array_equal(np.asarray(two.convert("RGB")), np.asarray(one.convert("RGB")))
    assert sorted(os.listdir(tmp_path)) == ["one.gif", "two.gif"]


def test_frames_drawn_over_a_kept_background_equal_frames_drawn_whole(monkeypatch):
    """render_frames draws the axes once and then only what moves (blitting): each frame
    is the picture a whole drawing of the figure gives, pixel for pixel."""
    from backproplab.viz import gif

    net, rec, X, y = _recorded([2, 3, 3, 1], watch=2)
    frames = gif.Frames("hidden", rec.snapshots, {"y": y, "layer": 2, "units": None, "title": "t"})
    picks = [0, len(rec.snapshots) // 2, len(rec.snapshots) - 1]
    kept = gif.render_frames(frames, picks)

    def whole(*args, **kwargs):  # the same figure, without the list of what moves
        fig, draw, n = hidden_frames(*args, **kwargs)
        assert fig.moving_artists  # (what render_frames blits)
        del fig.moving_artists
        return fig, draw, n

    monkeypatch.setattr(gif, "hidden_frames", whole)
    for a, b in zip(kept, gif.render_frames(frames, picks)):
        assert np.array_equal(np.asarray(a.convert("RGB")), np.asarray(b.convert("RGB")))


def test_plot_history_labels_gradient_norms_at_powers_of_ten_in_distinct_colours():
    """The gradient-norm axis is labelled 10^k only, and no layer has the loss's colour."""
    from backproplab.viz.plots import LOSS_COLOR

    X, y = datasets.circles(n_samples=100, seed=0)
    history = Network([2, 3, 3, 1], seed=0).train(X, y, epochs=3, batch_size=10, eta=3.0)
    fig = plot_history(history)
    FigureCanvasAgg(fig).draw()
    ax_grad = fig.axes[2]
    lo, hi = ax_grad.get_ylim()
    shown = [t for t in ax_grad.yaxis.get_majorticklocs() if lo <= t <= hi]
    assert shown and all(np.isclose(np.log10(t), round(np.log10(t))) for t in shown)
    assert all(t.get_text() == "" for t in ax_grad.yaxis.get_minorticklabels())
    colors = {line.get_label(): line.get_color() for line in ax_grad.lines}
    layers = [colors[f"layer {ell}"] for ell in (1, 2, 3)]
    assert len(set(layers)) == 3 and LOSS_COLOR not in layers
