"""The two lessons: the physics they show, checked against closed forms and an independent
backprop written here, and the figures and files that show it."""

import math
import os

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image
from sklearn.datasets import load_digits

from backproplab import Network
from backproplab.cli import build_parser, main
from backproplab.cli.demo import cmd_demo
from backproplab.cli.lessons import run_slowdown
from backproplab.cli.output import MARKER
from backproplab.lessons import (
    VANISHING_SETTINGS,
    digits_standardised,
    learning_slowdown,
    slowdown_starts,
    vanishing_gradients,
)
from backproplab.viz.lessons import plot_slowdown, plot_vanishing


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def _neuron_by_hand(cost, w, b, x, y, eta, epochs):
    """Gradient descent on one sigmoid neuron, from the closed forms of BP1, BP3 and BP4:
    δ = (a − y) σ′(z) for the quadratic cost and δ = a − y for cross-entropy;
    ∂C/∂b = δ, ∂C/∂w = δ x. Returns the lists of w, b, C and ∂C/∂w, one entry per epoch."""
    ws, bs, cs, gs = [], [], [], []
    for _ in range(epochs + 1):
        a = _sigmoid(w * x + b)
        if cost == "quadratic":
            C, delta = 0.5 * (a - y) ** 2, (a - y) * a * (1 - a)
        else:
            C, delta = -(y * math.log(a) + (1 - y) * math.log(1 - a)), a - y
        ws.append(w)
        bs.append(b)
        cs.append(C)
        gs.append(delta * x)
        w, b = w - eta * delta * x, b - eta * delta
    return np.array(ws), np.array(bs), np.array(cs), np.array(gs)


# -- learning slowdown ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "w, b, x, y", [(2.0, 2.0, 1.0, 0.0), (0.6, 0.9, 1.0, 0.0), (-1.5, 0.3, 0.7, 0.8)]
)
def test_first_gradient_is_the_closed_form(w, b, x, y):
    s = learning_slowdown(w=w, b=b, x=x, y=y, eta=0.15, epochs=3)
    z = w * x + b
    a = _sigmoid(z)
    sigma_prime = a * (1 - a)
    q, ce = s.quadratic, s.cross_entropy
    assert q.grad_w[0] == pytest.approx((a - y) * sigma_prime * x, rel=1e-12)
    assert q.grad_b[0] == pytest.approx((a - y) * sigma_prime, rel=1e-12)
    assert ce.grad_w[0] == pytest.approx((a - y) * x, rel=1e-12)
    assert ce.grad_b[0] == pytest.approx(a - y, rel=1e-12)
    assert q.sigma_prime[0] == pytest.approx(sigma_prime, rel=1e-12)
    # the step the training loop took is that gradient: w_1 = w_0 − η ∂C/∂w
    for run in s.runs:
        assert run.w[1] == pytest.approx(w - 0.15 * run.grad_w[0], rel=1e-13, abs=1e-15)
        assert run.b[1] == pytest.approx(b - 0.15 * run.grad_b[0], rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_whole_trajectory_matches_gradient_descent_by_hand(cost):
    s = learning_slowdown(w=2.0, b=2.0, x=0.9, y=0.1, eta=0.3, epochs=120)
    run = s.quadratic if cost == "quadratic" else s.cross_entropy
    w, b, C, g = _neuron_by_hand(cost, 2.0, 2.0, 0.9, 0.1, 0.3, 120)
    np.testing.assert_allclose(run.w, w, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(run.b, b, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(run.cost, C, rtol=1e-11)
    np.testing.assert_allclose(run.grad_w, g, rtol=1e-10)
    np.testing.assert_allclose(run.a, [_sigmoid(wi * 0.9 + bi) for wi, bi in zip(w, b)],
                               rtol=1e-12)  # fmt: skip


def test_quadratic_stalls_where_cross_entropy_learns():
    """Nielsen's saturated start: z = 4, σ′(4) ≈ 0.018, so the quadratic cost's gradient is
    σ′(4) times cross-entropy's and its cost hardly moves for dozens of epochs."""
    s = learning_slowdown()  # w = b = 2, x = 1, y = 0, η = 0.15, 300 epochs
    q, ce = s.quadratic, s.cross_entropy
    sigma_prime_4 = _sigmoid(4.0) * (1 - _sigmoid(4.0))
    assert q.grad_w[0] / ce.grad_w[0] == pytest.approx(sigma_prime_4, rel=1e-12)
    assert sigma_prime_4 < 0.02
    # over the first 30 epochs: quadratic falls by under 2 %, cross-entropy by over 80 %
    assert q.cost[30] > 0.98 * q.cost[0]
    assert ce.cost[30] < 0.2 * ce.cost[0]
    # the output crosses 0.5 more than ten times later with the quadratic cost
    assert ce.epochs_until(0.5) is not None and q.epochs_until(0.5) is not None
    assert q.epochs_until(0.5) > 10 * ce.epochs_until(0.5)
    # while stalled, σ′ stays small: below 0.05 for the first 50 epochs
    assert q.sigma_prime[:50].max() < 0.05


def test_without_saturation_the_quadratic_cost_learns_too():
    """The stall comes from σ′, not from the quadratic cost as such: from Nielsen's other
    start (w = 0.6, b = 0.9, σ′ ≈ 0.15) it falls by half in the same 30 epochs."""
    saturated = learning_slowdown(epochs=30).quadratic
    fresh = learning_slowdown(w=0.6, b=0.9, epochs=30).quadratic
    assert fresh.cost[30] < 0.5 * fresh.cost[0]
    assert 1 - fresh.cost[30] / fresh.cost[0] > 20 * (1 - saturated.cost[30] / saturated.cost[0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"y": 1.5}, "y must be in"),
        ({"y": -0.1}, "y must be in"),
        ({"eta": 0.0}, "eta"),
        ({"epochs": 0}, "epochs"),
        ({"w": float("nan")}, "w must be finite"),
        ({"x": float("inf")}, "x must be finite"),
    ],
)
def test_slowdown_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        learning_slowdown(**kwargs)


def test_slowdown_rejects_a_non_number():
    with pytest.raises(TypeError, match="b must be a number"):
        learning_slowdown(b="two")


# -- vanishing gradients -------------------------------------------------------------------


@pytest.fixture(scope="module")
def vanishing():
    return vanishing_gradients()  # [64, 30×5, 10], 1000 digits, 4 epochs, batch 10: ~2 s


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_first_layer_is_slowest_already_in_a_short_run(seed):
    """One epoch on 300 digits (30 steps) shows the same ordering as the demo."""
    v = vanishing_gradients(n_samples=300, epochs=1, seed=seed)
    assert v.runs["scaled"].first_to_last < 1e-2
    assert v.runs["gaussian"].first_to_last < 0.5
    assert 1 / 3 < v.runs["he"].first_to_last < 3


@pytest.mark.slow
def test_sigmoid_gradients_vanish_towards_the_input(vanishing):
    """With N(0, 1/n_in) weights z stays where σ′ ≈ ¼ and the weights keep ‖Wᵀδ‖ ≈ ‖δ‖,
    so by BP2 every layer passed shrinks the gradient by about 4: five layers, ~1/1000."""
    scaled = vanishing.runs["scaled"].median_grad_norm
    assert scaled[0] / scaled[-1] < 1e-2
    assert np.all(np.diff(scaled) > 0)  # each layer learns slower than the one after it
    assert np.all(scaled[1:] / scaled[:-1] > 1.5)  # by a clear factor at every layer
    # N(0, 1) weights: saturation shrinks σ′ but the √n-times larger weights make up for
    # part of it; the first layer still learns slower than the output layer.
    gaussian = vanishing.runs["gaussian"]
    assert gaussian.first_to_last < 0.5


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_untrained_sigmoid_n01_net_learns_far_slower_in_its_first_layer(seed):
    """Nielsen measures at the start, on the whole training set: there, with N(0, 1)
    weights the first layer's gradient is under a tenth of the last's (1/50 to 1/13 on 300
    digits), and well below ReLU/He's ratio — which mini-batch training then evens out."""
    v = vanishing_gradients(n_samples=300, epochs=1, seed=seed, settings=("gaussian", "he"))
    gaussian, he = v.runs["gaussian"], v.runs["he"]
    assert gaussian.first_to_last_at_start < 0.1
    assert he.first_to_last_at_start > 2 * gaussian.first_to_last_at_start
    assert gaussian.first_to_last > 2 * gaussian.first_to_last_at_start  # evened out later


@pytest.mark.slow
def test_relu_with_he_keeps_every_layer_learning(vanishing):
    """ReLU's σ′ is 0 or 1 and He's 2/n_in variance keeps ‖δ^ℓ‖ about constant."""
    he = vanishing.runs["he"]
    assert 1 / 3 < he.first_to_last < 3
    assert he.first_to_last > 100 * vanishing.runs["scaled"].first_to_last
    assert he.first_to_last > vanishing.runs["gaussian"].first_to_last
    assert he.accuracy_epoch[-1] > 0.9


@pytest.mark.slow
def test_only_the_settings_with_live_gradients_learn(vanishing):
    # With every layer but the output stalled, the scaled sigmoid net stays at chance.
    assert vanishing.runs["scaled"].accuracy_epoch[-1] < 0.2
    assert vanishing.runs["he"].loss_epoch[-1] < vanishing.runs["gaussian"].loss_epoch[-1]


def _gradient_norms_by_hand(weights, biases, X, Y, activation):
    """‖∂C/∂W^ℓ‖ of the mean categorical cross-entropy of a softmax network, by a forward
    and backward pass written here: δ^L = (a^L − y)/n, δ^ℓ = (W^{ℓ+1})ᵀ δ^{ℓ+1} ⊙ σ′(z^ℓ),
    ∂C/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ."""
    if activation == "sigmoid":
        f = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        fprime = lambda z: f(z) * (1 - f(z))  # noqa: E731
    else:
        f = lambda z: np.maximum(z, 0)  # noqa: E731
        fprime = lambda z: (z > 0).astype(float)  # noqa: E731
    a, zs, acts = X.T, [], [X.T]
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = W @ a + b
        zs.append(z)
        if i == len(weights) - 1:
            e = np.exp(z - z.max(axis=0))
            a = e / e.sum(axis=0)
        else:
            a = f(z)
        acts.append(a)
    delta = (acts[-1] - Y.T) / X.shape[0]
    norms = [np.linalg.norm(delta @ acts[-2].T)]
    bias_norms = []
    for i in range(len(weights) - 2, -1, -1):
        delta = (weights[i + 1].T @ delta) * fprime(zs[i])
        norms.append(np.linalg.norm(delta @ acts[i].T))
        bias_norms.append(np.linalg.norm(delta.sum(axis=1)))  # ‖∂C/∂b^ℓ‖, hidden ℓ
    return norms[::-1], bias_norms[::-1]


@pytest.mark.parametrize("setting", list(VANISHING_SETTINGS))
def test_recorded_gradient_norms_equal_an_independent_backprop(setting):
    """One full-batch step, so the recorded norms are those of the whole data's gradient at
    the initial weights, which the backprop above computes on its own."""
    sizes = (64, 30, 30, 30, 10)
    v = vanishing_gradients(sizes=sizes, settings=[setting], epochs=1, batch_size=200,
                            n_samples=200, seed=3)  # fmt: skip
    activation, init = VANISHING_SETTINGS[setting]
    net = Network(
        sizes,
        activation=activation,
        output_activation="softmax",
        cost="cross_entropy",
        init=init,
        seed=3,
    )  # the same initial weights
    X, Y = digits_standardised(200, seed=3)
    expected, hidden_deltas = _gradient_norms_by_hand(net.weights, net.biases, X, Y, activation)
    np.testing.assert_allclose(v.runs[setting].grad_norm[0], expected, rtol=1e-10)
    # and ‖δ^ℓ‖ = ‖∂C/∂b^ℓ‖ of the hidden layers over the whole set, before training
    np.testing.assert_allclose(v.runs[setting].start_delta_norm,
                               hidden_deltas, rtol=1e-10)  # fmt: skip
    assert v.runs[setting].delta_steps[0] == 0


def test_the_digits_are_standardised_with_one_hot_targets():
    X, Y = digits_standardised(300, seed=5)
    assert X.shape == (300, 64) and Y.shape == (300, 10)
    varying = X.std(axis=0) > 0
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X[:, varying].std(axis=0), 1, rtol=1e-12)
    pixels, labels = load_digits(return_X_y=True)
    keep = np.sort(np.random.default_rng(5).choice(len(pixels), 300, replace=False))
    np.testing.assert_array_equal(Y.argmax(axis=1), labels[keep])
    assert np.all(Y.sum(axis=1) == 1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"settings": ["bogus"]}, "settings must be some of"),
        ({"settings": []}, "settings must be some of"),
        ({"sizes": (64, 10)}, "sizes must start"),
        ({"sizes": (2, 30, 10)}, "sizes must start"),
        ({"n_samples": 5000}, "n_samples must be at most 1797"),
        ({"eta": -1.0}, "eta"),
    ],
)
def test_vanishing_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vanishing_gradients(**kwargs)


# -- figures and files ---------------------------------------------------------------------


def test_slowdown_figure_draws_the_runs():
    s = learning_slowdown(epochs=60)
    fig = plot_slowdown(s)
    assert isinstance(fig, Figure)
    ax_c, ax_sp, ax_g = fig.axes
    np.testing.assert_array_equal(ax_c.lines[0].get_ydata(), s.quadratic.cost / s.quadratic.cost[0])
    np.testing.assert_array_equal(ax_sp.lines[0].get_ydata(), s.quadratic.sigma_prime)
    ce = [line for line in ax_g.lines if line.get_label().startswith("cross-entropy")][0]
    np.testing.assert_array_equal(ce.get_ydata(), np.abs(s.cross_entropy.grad_w))
    assert ax_g.get_yscale() == "log"
    assert ax_g.get_legend() is not None and ax_sp.get_legend() is not None


def _sigma_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


def test_both_starts_side_by_side_with_titles_from_the_runs():
    """σ′(4) = 0.0177 is saturated, σ′(1.5) = 0.149 is not: the titles say so, with the
    epochs each cost needs, as the runs measured them."""
    saturated, fresh = slowdown_starts()
    assert (saturated.w0, saturated.b0, fresh.w0, fresh.b0) == (2.0, 2.0, 0.6, 0.9)
    assert saturated.sigma_prime_at_start == pytest.approx(_sigma_prime(4.0))
    assert fresh.sigma_prime_at_start == pytest.approx(_sigma_prime(1.5))
    assert saturated.saturated and not fresh.saturated
    fig = plot_slowdown(saturated, fresh)
    assert len(fig.axes) == 6
    title = fig.get_suptitle()
    for s in (saturated, fresh):
        half = s.epochs_to_half()
        ws, bs = _neuron_by_hand("quadratic", s.w0, s.b0, 1.0, 0.0, 0.15, 300)[:2]
        a = np.array([_sigmoid(w * 1.0 + b) for w, b in zip(ws, bs)])
        assert half["quadratic"] == int(np.flatnonzero(a < 0.5)[0])
        assert f"a < 0.5 after {half['quadratic']} epochs with the quadratic cost" in title
        assert f"after {half['cross_entropy']} epochs with cross-entropy" in title
    columns = [ax.get_title() for ax in fig.axes[:2]]  # the top row, one column per start
    assert "σ′(z) = 0.018: saturated" in columns[0] and "0.149: not saturated" in columns[1]


def test_an_unsaturated_start_alone_is_not_called_saturated():
    """Issue: plot_slowdown(learning_slowdown(w=0.6, b=0.9)) was titled "started saturated"."""
    fig = plot_slowdown(learning_slowdown(w=0.6, b=0.9))
    texts = [fig.get_suptitle(), *(ax.get_title() for ax in fig.axes)]
    assert all("saturated" not in t.replace("not saturated", "") for t in texts), texts
    assert "(not saturated)" in fig.get_suptitle()


@pytest.mark.slow
def test_vanishing_figure_draws_each_hidden_delta_on_a_log_scale(vanishing):
    fig = plot_vanishing(vanishing)
    n = len(vanishing.runs)
    top, (ax_start, ax_speed, ax_acc) = fig.axes[:n], fig.axes[n:]
    hidden = len(vanishing.sizes) - 2
    for ax, run in zip(top, vanishing.runs.values()):
        assert ax.get_yscale() == "log" and len(ax.lines) == hidden
        for ell, line in enumerate(ax.lines):
            np.testing.assert_array_equal(line.get_ydata(), run.delta_norm[:, ell])
        assert f"{run.delta_first_to_last:.2g} untrained" in ax.get_title()
    for line, run in zip(ax_start.lines, vanishing.runs.values()):
        np.testing.assert_array_equal(line.get_ydata(), run.start_delta_norm)
    for line, run in zip(ax_speed.lines, vanishing.runs.values()):
        np.testing.assert_array_equal(line.get_ydata(), run.median_grad_norm)
    for line, run in zip(ax_acc.lines, vanishing.runs.values()):
        np.testing.assert_array_equal(line.get_ydata(), 100 * run.accuracy_epoch)
    assert top[-1].get_legend() is not None and ax_start.get_legend() is not None
    for run in vanishing.runs.values():
        assert f"{run.delta_first_to_last:.2g}" in fig.get_suptitle()


@pytest.mark.slow
def test_the_contrast_is_plain_in_the_hidden_deltas(vanishing):
    """Nielsen's measure, untrained: N(0, 1/n_in) sigmoid loses a factor of about four per
    hidden layer (σ′ ≤ ¼), ReLU with He's weights keeps ‖δ‖ within a factor of three."""
    scaled, he = vanishing.runs["scaled"], vanishing.runs["he"]
    steps = scaled.start_delta_norm[1:] / scaled.start_delta_norm[:-1]
    assert np.all(steps > 2.5) and scaled.delta_first_to_last < 0.01
    assert he.delta_first_to_last > 0.3
    assert he.delta_first_to_last > 100 * scaled.delta_first_to_last


def test_run_slowdown_writes_figure_and_summary(tmp_path, capsys):
    assert run_slowdown(tmp_path, quiet=True) == 0
    assert capsys.readouterr().out == ""
    with Image.open(tmp_path / "slowdown.png") as im:
        assert im.format == "PNG" and im.width > 800
    text = (tmp_path / "slowdown.txt").read_text()
    assert "quadratic: first dC/dw = 0.01735" in text  # (σ(4) − 0) σ′(4) · 1
    assert "cross_entropy: first dC/dw = 0.982" in text  # σ(4) − 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slowdown.png", "slowdown.txt"]


def test_demo_slowdown_writes_its_files_as_a_run_and_says_so(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["demo", "slowdown", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "a < 0.5 after epoch" in printed and f"wrote {out}/: slowdown.png slowdown.txt" in printed
    )
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "slowdown.png", "slowdown.txt"]
    assert "first dC/dw = 0.01735" in (out / "slowdown.txt").read_text()
    assert main(["demo", "slowdown", "--out", str(out), "--quiet"]) == 0  # a run's folder
    assert capsys.readouterr() == ("", "")


def test_demo_lessons_follow_the_output_policy(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["demo", "slowdown", "--out", str(blocker / "out"), "--quiet"]) == 2
    assert "not a writable folder" in capsys.readouterr().err
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    assert main(["demo", "slowdown", "--out", str(other), "--quiet"]) == 2
    assert "not a backproplab run" in capsys.readouterr().err
    assert os.listdir(other) == ["notes.txt"]
    assert main(["demo", "slowdown", "--layers", "2,3,1", "--out", str(tmp_path / "x")]) == 2
    assert "takes only --out, --quiet and --force" in capsys.readouterr().err


def test_demo_without_a_lesson_is_the_circles_demo():
    args = build_parser().parse_args(["demo"])
    assert args.lesson == "circles" and args.func is cmd_demo
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "spirals"])


@pytest.mark.slow
def test_demo_vanishing_writes_figure_and_summary(tmp_path, capsys):
    assert main(["demo", "vanishing", "--out", str(tmp_path), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    with Image.open(tmp_path / "vanishing.png") as im:
        assert im.format == "PNG" and im.width > 800
    text = (tmp_path / "vanishing.txt").read_text()
    for name in VANISHING_SETTINGS:
        assert f"  {name} " in text
