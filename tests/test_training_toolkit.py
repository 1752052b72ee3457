"""Training beyond plain SGD: optimizers, penalties, schedules, dropout, validation and early
stopping — each against an independent reference (network2, torch.optim, the update rules
written out, finite differences)."""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import Network, gradcheck, optim, schedules
from backproplab.engine.workspace import Workspace
from reference import max_rel_diff, network2_sgd, numpy_optimizer_steps


def _problem(rng, n=60, n_in=3, n_out=2):
    X = rng.standard_normal((n, n_in))
    Y = (rng.uniform(size=(n, n_out)) > 0.5).astype(float)
    return X, Y


# -- 1. the default is plain SGD, unchanged -------------------------------------------------------
def test_default_training_is_plain_sgd_bit_for_bit(circles):
    X, y = circles
    a, b, c = (Network([2, 3, 3, 1], seed=4) for _ in range(3))
    a.train(X, y, epochs=2, batch_size=64, eta=3.0, seed=1)
    b.train(X, y, epochs=2, batch_size=64, eta=3.0, seed=1, optimizer=optim.SGD(), l2=0.0)
    c.train(X, y, epochs=2, batch_size=64, eta=3.0, seed=1, optimizer="sgd", schedule="constant")
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.theta, c.theta)


# -- 2. L2 exactly as network2 ---------------------------------------------------------------------
def test_l2_with_cross_entropy_equals_network2(circles):
    """10 epochs, no shuffling, 1000 samples in batches of 64 (a short last batch of 40)."""
    X, y = circles
    net = Network([2, 4, 1], cost="cross_entropy", seed=3)
    w0, b0 = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    net.train(X, y, epochs=10, batch_size=64, eta=0.5, shuffle=False, l2=5.0)
    w, b = network2_sgd(w0, b0, X, y, epochs=10, batch_size=64, eta=0.5, lmbda=5.0)
    assert max_rel_diff(net.weights + net.biases, w + b) < 1e-12


# -- 3. optimizers against the rules written out, and against torch.optim -------------------------
OPTIMIZERS = [
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.8, "nesterov": True}),
    ("adam", {}),
    ("adam", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("rmsprop", {}),
    ("adagrad", {}),
]


def _make(name, hp):
    return {
        "sgd": optim.SGD,
        "adam": optim.Adam,
        "rmsprop": optim.RMSprop,
        "adagrad": optim.AdaGrad,
    }[name](**hp)


def _thirty_steps(name, hp, eta):
    """30 steps (3 epochs of 10 mini-batches of 6, no shuffling) by backproplab, and the
    gradients backprop gives along the way on an identical twin, with the reference rule."""
    rng = np.random.default_rng(11)
    X, Y = _problem(rng)
    net = Network([3, 5, 2], activation="tanh", init="xavier", seed=2)
    theta0 = net.theta.copy()
    net.train(X, Y, epochs=3, batch_size=6, eta=eta, shuffle=False, optimizer=_make(name, hp))
    return net, theta0, X, Y


@pytest.mark.parametrize("name, hp", OPTIMIZERS)
def test_optimizers_follow_their_update_rules(name, hp):
    eta = 0.05
    net, theta0, X, Y = _thirty_steps(name, hp, eta)
    twin = Network([3, 5, 2], activation="tanh", init="xavier", seed=2)
    theta, grads = theta0.copy(), []
    for _ in range(3):  # replay: each step's gradient at the reference's own parameters
        for start in range(0, 60, 6):
            twin.theta[:] = theta
            gw, gb = twin.backprop(X[start : start + 6], Y[start : start + 6])
            grads.append(np.concatenate([g.ravel() for g in gw + gb]))
            theta = numpy_optimizer_steps(name, theta0, grads, eta, **hp)  # all steps so far
    assert len(grads) == 30
    np.testing.assert_allclose(net.theta, theta, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, hp", OPTIMIZERS)
def test_optimizers_equal_torch_optim(name, hp):
    torch = pytest.importorskip("torch")
    eta = 0.05
    net, theta0, X, Y = _thirty_steps(name, hp, eta)
    start_net = Network([3, 5, 2], activation="tanh", init="xavier", seed=2)
    model = start_net.to_torch()
    torch_hp = {
        "sgd": lambda: {"momentum": hp["momentum"], "nesterov": hp.get("nesterov", False)},
        "adam": lambda: {
            "betas": (hp.get("beta1", 0.9), hp.get("beta2", 0.999)),
            "eps": hp.get("eps", 1e-8),
        },
        "rmsprop": lambda: {"alpha": 0.99, "eps": 1e-8},
        "adagrad": lambda: {"eps": 1e-10},
    }[name]()
    opt = {
        "sgd": torch.optim.SGD,
        "adam": torch.optim.Adam,
        "rmsprop": torch.optim.RMSprop,
        "adagrad": torch.optim.Adagrad,
    }[name](model.parameters(), lr=eta, **torch_hp)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(3):
        for start in range(0, 60, 6):
            opt.zero_grad()
            out = model(Xt[start : start + 6])
            loss = 0.5 * ((out - Yt[start : start + 6]) ** 2).sum(dim=1).mean()  # C = mean ½‖a−y‖²
            loss.backward()
            opt.step()
    trained = Network.from_torch(model)
    np.testing.assert_allclose(net.theta, trained.theta, rtol=1e-10, atol=1e-12)


def test_optimizer_state_is_explicit():
    adam = optim.Adam()
    theta = np.zeros(4)
    adam.init(theta)
    adam.update(theta, np.ones(4), eta=0.1)
    assert adam.t == 1 and np.allclose(adam.m, 0.1) and np.allclose(adam.v, 0.001)
    np.testing.assert_allclose(theta, -0.1, rtol=1e-6)  # Adam's first step is ≈ η sign(g)


# -- 4. gradient checks with the penalties, and with dropout's mask fixed -------------------------
@pytest.mark.parametrize("l2, l1", [(3.0, 0.0), (0.0, 2.0), (1.5, 0.5)])
def test_gradient_check_passes_with_the_penalty(l2, l1):
    rng = np.random.default_rng(5)
    X, Y = _problem(rng, n=8)
    net = Network([3, 4, 2], seed=1)
    report = gradcheck(net, X, Y, l2=l2, l1=l1, n=50)
    assert report.passed, str(report)
    plain = net.backprop(X, Y)[0][0]
    with_penalty = net.backprop(X, Y, l2=l2, l1=l1, n=50)[0][0]
    W = net.weights[0]
    np.testing.assert_allclose(with_penalty - plain, l2 / 50 * W + l1 / 50 * np.sign(W))


def test_training_loss_includes_the_penalty(circles):
    X, y = circles
    net = Network([2, 3, 1], seed=0)
    before = net.copy()
    h = net.train(X, y, epochs=1, batch_size=1000, eta=1.0, shuffle=False, l2=4.0, l1=1.0)
    assert h.loss_step[0] == pytest.approx(before.cost(X, y, l2=4.0, l1=1.0), rel=1e-12)


def test_dropout_gradient_with_a_fixed_mask_matches_finite_differences():
    """With the masks fixed, the fast path's gradient is that of the thinned network's cost,
    computed here by an independent forward pass with the masks applied."""
    rng = np.random.default_rng(8)
    net = Network([3, 6, 5, 2], activation="tanh", init="xavier", seed=3)
    X, Y = _problem(rng, n=7)
    A0, Yc = X.T.copy(), Y.T.copy()
    ws = Workspace(net.theta, net.weights, net.biases, net.layer_activations, net.cost_function)
    masks = [m.copy() for m in ws.draw_masks(7, 0.4, np.random.default_rng(0))]
    assert set(np.unique(masks[0])) <= {0.0, 1 / 0.6}
    ws.gradients(A0, Yc, masks)
    analytic = ws.grad.copy()

    def masked_cost(theta):
        W1, W2, W3 = (
            theta[:18].reshape(6, 3),
            theta[18:48].reshape(5, 6),
            theta[48:58].reshape(2, 5),
        )
        b1, b2, b3 = (
            theta[58:64].reshape(6, 1),
            theta[64:69].reshape(5, 1),
            theta[69:71].reshape(2, 1),
        )
        a1 = np.tanh(W1 @ A0 + b1) * masks[0]
        a2 = np.tanh(W2 @ a1 + b2) * masks[1]
        a3 = np.tanh(W3 @ a2 + b3)
        return 0.5 * np.sum((a3 - Yc) ** 2) / 7

    theta = net.theta.copy()
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += 1e-6
        minus[i] -= 1e-6
        numeric[i] = (masked_cost(plus) - masked_cost(minus)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_dropout_is_seeded_and_off_outside_training(circles):
    X, y = circles
    a, b = Network([2, 8, 1], seed=0), Network([2, 8, 1], seed=0)
    a.train(X, y, epochs=2, batch_size=50, eta=1.0, dropout=0.3, seed=5)
    b.train(X, y, epochs=2, batch_size=50, eta=1.0, dropout=0.3, seed=5)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.predict(X), a.predict(X))  # no mask at prediction


# -- 5. validation and early stopping ----------------------------------------------------------------
def test_validation_is_an_exact_pass_after_each_epoch(circles):
    X, y = circles
    net = Network([2, 3, 1], seed=0)
    seen = []

    class After:
        def on_epoch_end(self, net, history, epoch):
            seen.append((net.cost(X[:200], y[:200]), net.accuracy(X[:200], y[:200])))

    h = net.train(
        X[200:],
        y[200:],
        epochs=3,
        batch_size=50,
        eta=3.0,
        validation_data=(X[:200], y[:200]),
        callbacks=[After()],
    )
    np.testing.assert_allclose(h.val_loss_epoch, [c for c, _ in seen], rtol=1e-12)
    np.testing.assert_array_equal(h.val_accuracy_epoch, [a for _, a in seen])


def test_validation_fraction_holds_out_that_share_at_random(circles):
    X, y = circles
    h = Network([2, 3, 1], seed=0).train(
        X, y, epochs=1, batch_size=50, eta=1.0, validation_fraction=0.2, seed=0
    )
    assert h.steps_per_epoch == 16 and len(h.val_loss_epoch) == 1  # 800 training samples


def test_early_stopping_stops_and_restores_the_best_weights():
    """An overfitting case: 30 noisy samples, a wide network, many epochs."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 2))
    y = ((X[:, 0] + 0.8 * rng.standard_normal(30)) > 0).astype(float)
    X_val = rng.standard_normal((300, 2))
    y_val = (X_val[:, 0] > 0).astype(float)
    net = Network([2, 40, 1], cost="cross_entropy", init="xavier", seed=1)
    h = net.train(
        X,
        y,
        epochs=2000,
        batch_size=10,
        eta=0.5,
        optimizer="adam",
        validation_data=(X_val, y_val),
        patience=20,
        restore_best=True,
    )
    assert h.stopped_early and h.n_epochs < 2000
    best = int(np.argmin(h.val_loss_epoch))
    assert h.best_epoch == best and h.n_epochs == best + 1 + 20
    assert net.cost(X_val, y_val) == pytest.approx(h.val_loss_epoch[best], rel=1e-12)


# -- schedules --------------------------------------------------------------------------------------
def test_schedules_set_each_epochs_eta(circles):
    X, y = circles
    h = Network([2, 3, 1], seed=0).train(
        X, y, epochs=5, batch_size=100, eta=1.0, schedule=schedules.StepDecay(2, 0.1)
    )
    np.testing.assert_allclose(h.eta_epoch, [1, 1, 0.1, 0.1, 0.01])
    h = Network([2, 3, 1], seed=0).train(
        X, y, epochs=3, batch_size=100, eta=1.0, schedule="invscaling"
    )
    np.testing.assert_allclose(h.eta_epoch, [1, 1 / 1001**0.5, 1 / 2001**0.5])  # scikit-learn's
    h = Network([2, 3, 1], seed=0).train(X, y, epochs=5, batch_size=100, eta=1.0, schedule="cosine")
    np.testing.assert_allclose(h.eta_epoch, (1 + np.cos(np.pi * np.arange(5) / 5)) / 2)


def test_plateau_halves_eta_when_the_loss_stalls():
    s = schedules.HalveOnPlateau(patience=2)
    s.start(1.0, 10, 100)
    etas = [s.eta_for(e, [3.0, 2.0, 2.0, 2.0, 2.0, 1.0][:e]) for e in range(7)]
    assert etas == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]


# -- 7. bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "options, message",
    [
        ({"l2": -1.0}, r"l2 \(λ\) must be a finite number ≥ 0"),
        ({"l1": float("nan")}, r"l1 \(λ\) must be"),
        ({"dropout": 1.0}, r"dropout must be a probability in \[0, 1\)"),
        ({"dropout": -0.1}, "dropout must be"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'; choose one of"),
        ({"schedule": "warmup"}, "unknown schedule"),
        ({"validation_data": (np.zeros((5, 3)), np.zeros(5))}, "validation_data: X has 3 features"),
        ({"validation_data": np.zeros(3)}, "validation_data must be a pair"),
        ({"validation_fraction": 1.5}, "validation_fraction must be between 0 and 1"),
        ({"patience": 0}, "patience must be at least 1"),
        ({"restore_best": True}, "restore_best needs early stopping"),
    ],
)
def test_bad_training_options_are_clear_errors(circles, options, message):
    X, y = circles
    net = Network([2, 3, 1], seed=0)
    before = net.theta.copy()
    with pytest.raises(ValueError, match=message):
        net.train(X, y, epochs=1, batch_size=10, eta=1.0, **options)
    np.testing.assert_array_equal(net.theta, before)  # nothing was trained
