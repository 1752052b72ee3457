"""The Recorder's snapshots against an independent SGD, and the progress bar."""

import numpy as np
import pytest

from backproplab import Network
from backproplab.training.callbacks import ProgressBar, Recorder
from reference import nielsen_sgd


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _layers(weights, biases, X):
    """Every layer's activations, (n_samples, n_ℓ), by a plain per-layer loop."""
    a, out = X.T, [X]
    for W, b in zip(weights, biases):
        a = _sigmoid(W @ a + b)
        out.append(a.T)
    return out


def _reference_after(net0, X, Y, steps, batch_size, eta):
    """Parameters after ``steps`` SGD steps without shuffling, step by step in Nielsen's way."""
    weights, biases = net0.weights, net0.biases
    n_batches = -(-len(X) // batch_size)
    for step in range(steps):
        k = (step % n_batches) * batch_size
        weights, biases = nielsen_sgd(
            weights, biases, X[k : k + batch_size], Y[k : k + batch_size], 1, batch_size, eta
        )
    return weights, biases


def test_snapshots_equal_the_networks_activations_at_their_steps(circles):
    X, y = circles[0][::25], circles[1][::25]  # 40 samples, both classes
    net = Network([2, 3, 3, 1], seed=4)
    start = Network([2, 3, 3, 1], weights=net.weights, biases=net.biases)
    rec = Recorder(X[:7], layers=[1, 2, 3], every=7, Y=y[:7])
    net.train(X, y, epochs=3, batch_size=4, eta=2.0, shuffle=False, callbacks=[rec])

    assert [s.step for s in rec.snapshots] == [0, 7, 14, 21, 28, 30]
    assert [s.epoch for s in rec.snapshots] == pytest.approx([0, 0.7, 1.4, 2.1, 2.8, 3.0])
    for snap in rec.snapshots:
        W, b = _reference_after(start, X, y[:, None], snap.step, 4, 2.0)
        expected = _layers(W, b, X[:7])
        for ell in (1, 2, 3):
            np.testing.assert_allclose(snap.layers[ell], expected[ell], rtol=1e-12, atol=1e-14)
        assert set(snap.layers) == {1, 2, 3}
        cost = 0.5 * np.mean((expected[3][:, 0] - y[:7]) ** 2)
        assert snap.loss == pytest.approx(cost, rel=1e-12)
        for got, want in zip(snap.weights + snap.biases, W + b):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_snapshots_are_copies_not_views():
    net = Network([2, 2, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))
    rec = Recorder(X, every=1)
    net.train(X, np.arange(8) % 2, epochs=2, batch_size=4, eta=1.0, callbacks=[rec])
    first, last = rec.snapshots[0], rec.snapshots[-1]
    assert not np.array_equal(first.weights[0], last.weights[0])
    np.testing.assert_array_equal(last.weights[0], net.weights[0])
    assert sorted(first.layers) == [0, 1, 2]  # default: every layer, input included
    assert np.isnan(first.loss)  # no targets given


def test_recorder_rejects_layers_outside_the_network():
    net = Network([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match="between 0 and 2"):
        net.train(
            np.zeros((4, 2)),
            np.zeros(4),
            1,
            2,
            1.0,
            callbacks=[Recorder(np.zeros((2, 2)), layers=[3])],
        )
    with pytest.raises(ValueError, match="every"):
        Recorder(np.zeros((2, 2)), every=0)


def test_progress_bar_counts_steps_and_is_silent_off_a_terminal(capsys):
    net = Network([2, 2, 1], seed=0)
    X, y = np.zeros((6, 2)), np.arange(6) % 2
    net.train(X, y, 3, 3, 1.0, callbacks=[ProgressBar(6)])  # stderr is captured: no tty
    assert capsys.readouterr().err == ""
    shown = ProgressBar(6, disable=False)
    net.train(X, y, 3, 3, 1.0, callbacks=[shown])
    assert shown.bar.n == 6
    assert "training" in capsys.readouterr().err


class _StopAt:
    """Sets ``stop_training`` at a given step (``on_step_end``) or epoch (``on_epoch_end``)
    and notes which callbacks ran."""

    def __init__(self, step=None, epoch=None):
        self.step, self.epoch, self.stop_training = step, epoch, False
        self.steps_seen, self.epochs_seen, self.ended = [], [], False

    def on_step_end(self, net, history, step):
        self.steps_seen.append(step)
        self.stop_training = step == self.step

    def on_epoch_end(self, net, history, epoch):
        self.epochs_seen.append(epoch)
        self.stop_training = epoch == self.epoch

    def on_train_end(self, net, history):
        self.ended = True


def test_a_callback_stops_training_after_a_step_with_its_flag(circles):
    """Stopped at step 13, with 10 steps an epoch (40 samples, mini-batches of 4): exactly 13 steps
    were taken (the parameters are those of 13 Nielsen steps), the first epoch is
    recorded and the one cut short is not, every callback's on_train_end ran, and
    ``train`` returned normally."""
    X, y = circles[0][::25], circles[1][::25]
    net = Network([2, 3, 1], seed=4)
    start = net.copy()
    stop, other = _StopAt(step=13), _StopAt()
    history = net.train(
        X, y, epochs=5, batch_size=4, eta=2.0, shuffle=False, callbacks=[stop, other]
    )
    assert history.n_steps == 13 and len(history.loss_step) == 13
    assert history.n_epochs == 1 and stop.epochs_seen == [0]
    assert stop.steps_seen == other.steps_seen == list(range(1, 14))
    assert stop.ended and other.ended
    W, b = _reference_after(start, X, y[:, None], 13, 4, 2.0)
    for got, want in zip(net.weights + net.biases, W + b, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_a_callback_stops_training_after_an_epoch_and_early_stopping_still_restores(circles):
    """Stopped in on_epoch_end of epoch 2 (0-based): three epochs recorded, 30 steps; with
    ``restore_best`` the parameters put back are those of the best epoch, as without the
    stop (a twin trained exactly three epochs)."""
    X, y = circles[0][::25], circles[1][::25]
    net, twin = Network([2, 3, 1], seed=4), Network([2, 3, 1], seed=4)
    options = dict(batch_size=4, eta=2.0, shuffle=False, patience=50, restore_best=True)
    stop = _StopAt(epoch=2)
    history = net.train(X, y, epochs=8, callbacks=[stop], **options)
    assert history.n_epochs == 3 and history.n_steps == 30 and stop.ended
    twin_history = twin.train(X, y, epochs=3, **options)
    np.testing.assert_array_equal(history.loss_epoch, twin_history.loss_epoch)
    assert history.best_epoch == twin_history.best_epoch
    np.testing.assert_array_equal(net.theta, twin.theta)


def test_a_flag_set_without_being_declared_is_read_too(circles):
    """A callback that creates ``stop_training`` only when it wants to stop."""
    X, y = circles[0][::25], circles[1][::25]

    class Late:
        def on_step_end(self, net, history, step):
            if step == 3:
                self.stop_training = True

    net = Network([2, 3, 1], seed=4)
    history = net.train(X, y, epochs=5, batch_size=4, eta=2.0, callbacks=[Late()])
    assert history.n_steps == 3 and history.n_epochs == 0


def test_the_playground_ends_a_train_call_with_the_flag_when_the_settings_change():
    """The playground's session is a callback: a new network asked for while it trains
    ends the running ``train`` call through ``stop_training`` (the old network trains no
    more, no exception reaches the page), and play trains the new network."""
    import time

    from backproplab.serve.session import Session

    errors = []
    session = Session(
        lambda m: errors.append(m) if m.get("type") == "error" else None, lambda m: None
    )
    session.start()
    try:
        session.submit({"type": "play"})
        deadline = time.monotonic() + 30
        while session.steps < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        old_net, steps_before = session.net, session.steps
        session.submit({"type": "settings", "settings": {"hidden": [3]}})
        while session.net is old_net and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)  # the old call's last step ends
        frozen = old_net.theta.copy()
        time.sleep(0.2)
        np.testing.assert_array_equal(old_net.theta, frozen)  # the old train call ended
        assert steps_before >= 50 and session.net.sizes[1:-1] == [3] and not session.running
        session.submit({"type": "play"})
        while session.steps < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.steps >= 20 and not session.stop_training and errors == []
    finally:
        session.close()
        session.thread.join(timeout=10)
    assert not session.thread.is_alive() and session.stop_training
