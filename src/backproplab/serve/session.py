"""One playground tab's training session: a thread that owns one network.

The thread trains with :meth:`Network.train <backproplab.network.Network.train>` itself;
the session is a training callback, so between two mini-batches it

- takes the page's messages from its inbox (the only way anything reaches the network:
  no other thread touches it), pausing there while the page has paused, and waiting
  there (still reading messages) while playing slower than full speed (the ``speed``
  setting: each step starts 1/speed seconds after the one before);
- offers a :class:`Moment` (copies of W, b and the curves) at most every
  :data:`UPDATE_INTERVAL` seconds, and only when the page is ready for another view;
- ends the ``train`` call (its ``stop_training`` flag, which the training loop reads
  after every step) when the page changed how to train, and the loop starts a new one on
  the same network.

An error in a message is reported to the page and the session goes on; closing the tab
(:meth:`Session.close`) ends the thread at the next mini-batch.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from ..data.labels import MAX_CLASSES, target_kind
from ..engine.init import auto_init
from ..engine.optim import get_optimizer
from ..training.loop import TrainingDivergedError
from . import lab, probes
from .curves import CurveBuckets
from .journal import Journal
from .settings import (
    FEATURES,
    ONE_D_FEATURES,
    SPEEDS,
    TRAINING_FIELDS,
    PlaygroundSettings,
    paired,
    parse_csv,
    parse_settings,
    with_problem,
)

UPDATE_INTERVAL = 1 / 21  # seconds between two moments offered to the page, at least
MAX_QUEUED = 64  # messages waiting for the training thread; more are refused
MAX_KEPT_MOMENTS = 60  # moments kept for the exported report
MAX_WEIGHT = 100.0
CHUNK_STEPS = 20_000  # one ``train`` call's steps, at most: its History stays small
EXPLODE_FACTOR = 1000.0  # a step's loss this many times the first's (at least 0.1) explodes


@dataclass
class Moment:
    """What the page draws at one moment: copies, safe to read from another thread."""

    settings: PlaygroundSettings
    data: lab.Data
    features: list[str]
    net_config: dict
    weights: list
    biases: list
    steps: int
    epochs: int
    steps_per_epoch: int
    step_curves: CurveBuckets  # per step: the loss, then ‖∂C/∂W^ℓ‖ for ℓ = 1 … L
    epoch_curves: CurveBuckets  # per epoch: the step it ended at, its loss, its accuracy
    running: bool
    version: int  # changes when the panels must be built anew
    network: int = 0  # changes with the network: a new one, or a weight edited by hand


class Session:
    """One tab's training, on its own thread.

    Args:
        emit: ``emit(message: dict)``, called from the session's thread, sends a message
            to the page (must be thread-safe).
        publish: ``publish(moment: Moment)``, the same for the newest moment.
        settings: the first settings (the defaults if None).
        ready: ``ready() -> bool``, whether the page can take another view now; while it
            cannot, the session offers only the moments it must (after a change).
    """

    def __init__(self, emit, publish, settings: PlaygroundSettings | None = None, ready=None):
        self.emit, self.publish, self.ready = emit, publish, ready or (lambda: True)
        # the page's messages; a deque and an Event rather than a queue.Queue: the
        # training thread looks at it after every mini-batch, and Queue's lock and
        # exception cost 2 % of a small network's training
        self.inbox: deque = deque()
        self._mail = threading.Event()
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="backproplab-session", daemon=True)
        self.settings = settings or PlaygroundSettings()
        self.csv, self.net, self._history, self.features = None, None, None, []
        self.running, self.pending_steps = False, 0
        self.steps = self.epochs = 0
        self.version, self._restart = 0, False
        self.network_id = 0  # counts the networks: a rebuild or a hand-edited weight
        self._last_publish = -math.inf
        # playing slower than full speed: seconds between two steps (0: full speed), and
        # when the next step may start (time.perf_counter)
        self._interval, self._due = 1 / SPEEDS[self.settings.speed], 0.0
        self._explode_above: float | None = None  # a step's loss above it pauses (set by step 1)
        self._kept: list = []
        # what _rebuild makes for the settings: data, features φ, training arrays, the
        # shuffling generator, the optimizer and the curves (None until the first build)
        self.data: lab.Data | None = None
        self.phi = self.X_train = self.Y_train = None
        # training's one generator (shuffles, dropout masks), and the checks' own: a
        # gradient check or a nudge never changes what training draws
        self.rng: np.random.Generator | None = None
        self.check_rng: np.random.Generator | None = None
        self.journal: Journal | None = None  # what changed the network, for the exports
        self.optimizer = None
        self.step_curves: CurveBuckets | None = None
        self.epoch_curves: CurveBuckets | None = None
        # a train call's progress: rows of its History read so far, counters at its start
        self._read_steps = self._read_epochs = 0
        self._steps0 = self._epochs0 = 0

    # -- the page's side --------------------------------------------------------------
    def start(self) -> None:
        self.thread.start()

    def submit(self, message: dict) -> None:
        """Queue a message for the training thread; ValueError when too many wait."""
        if len(self.inbox) >= MAX_QUEUED:
            raise ValueError(f"more than {MAX_QUEUED} messages are waiting; this one was dropped")
        self.inbox.append(message)
        self._mail.set()

    def close(self) -> None:
        """Stop the session: its thread ends at the next mini-batch (or at once if idle)."""
        self.closed.set()
        self._mail.set()

    def setup(self, settings: PlaygroundSettings) -> None:
        """Build data and network for ``settings`` now, on the caller's thread (before
        :meth:`start`, or without a thread: tests and benchmarks)."""
        self._rebuild(settings, new_data=True)

    # -- the training thread ----------------------------------------------------------
    def _loop(self) -> None:
        self._guard(lambda: self._rebuild(self.settings, new_data=True))
        while not self.closed.is_set():
            if self.net is not None and (self.running or self.pending_steps):
                self._guard(self._train)
                continue
            message = self._next_message(timeout=0.25)
            if message is not None:
                self._guard(lambda m=message: self._handle(m))

    def _next_message(self, timeout: float | None = None) -> dict | None:
        """The oldest waiting message; None if there is none (after waiting up to
        ``timeout`` seconds for one, if given)."""
        if not self.inbox and timeout is not None:
            self._mail.clear()  # then look again: a message sent meanwhile sets it
            if not self.inbox:
                self._mail.wait(timeout)
        return self.inbox.popleft() if self.inbox else None

    def _guard(self, fn) -> None:
        """Run ``fn``; report a ValueError's message, or any other error, to the page."""
        try:
            fn()
        except (ValueError, TypeError) as exc:
            self.emit({"type": "error", "message": str(exc)})
        except Exception as exc:  # a session's failure is its page's, never the server's
            self.running = False
            self.emit({"type": "error", "message": f"internal error: {type(exc).__name__}: {exc}"})

    def _rebuild(self, s: PlaygroundSettings, *, new_data: bool) -> None:
        """New data (if asked) and a new network for ``s``; the counters start again."""
        data = lab.make_data(s, self.csv) if new_data else self.data
        features = lab.features_for(s, data.X.shape[1])
        net = lab.build_network(s, len(features), len(data.classes))
        self.settings, self.data, self.features, self.net = s, data, features, net
        self.phi = lab.lift(features)
        n = data.n_train
        self.X_train = self.phi(data.X[:n].T).T  # (n_train, n_0)
        self.Y_train = lab.targets(s, data.y[:n], len(data.classes))
        self.rng = np.random.default_rng(s.seed)
        self.check_rng = np.random.default_rng([s.seed, 1])
        self.optimizer = get_optimizer(s.optimizer)
        self.journal = Journal(s.optimizer, n)
        self.steps = self.epochs = 0
        self.step_curves, self.epoch_curves = CurveBuckets(len(net.sizes)), CurveBuckets(3)
        self.running, self.pending_steps = False, 0
        self._pace(s.speed)
        self._explode_above = None  # set by the first step: EXPLODE_FACTOR × its loss
        self._kept, self._history = [], None  # a train call under way ends: it trains the old
        self._restart = True  # network
        self.version += 1
        self.network_id += 1
        self._say_settings()
        self._offer(force=True)

    def _train(self) -> None:
        """One ``train`` call of at most :data:`CHUNK_STEPS` steps (whole epochs), ended
        early by a change. The loop calls again while the page plays: the optimizer's
        state and the shuffling generator carry over, so the calls train exactly as one
        long call would, and no History grows without bound."""
        s = self.settings
        self._restart, self._history = False, None
        batch_size = min(s.batch_size, self.data.n_train)
        epochs = max(1, CHUNK_STEPS // math.ceil(self.data.n_train / batch_size))
        whole = False  # the call ran all its epochs: nothing to show that views don't
        dropout = s.dropout if len(self.net.sizes) > 2 else 0.0
        journal = self.journal
        journal.begin(self.steps, batch_size=batch_size, eta=s.eta, l1=s.l1, l2=s.l2,
                      dropout=dropout)  # fmt: skip
        try:  # under the loop's own error state, the callbacks cost less (see train._epoch)
            with np.errstate(over="ignore", invalid="ignore"):
                self.net.train(
                    self.X_train, self.Y_train, epochs=epochs, batch_size=batch_size,
                    eta=s.eta, seed=self.rng, callbacks=[self], optimizer=self.optimizer,
                    l1=s.l1, l2=s.l2, dropout=dropout,
                )  # fmt: skip
            whole = not self.stop_training
        except TrainingDivergedError:
            journal.diverged(self.steps + 1)
            self._diverged(
                "nan", self.steps + 1, f"the loss became NaN or infinite at step {self.steps + 1}",
                f"the network keeps the weights of step {self.steps}",
            )  # fmt: skip
        finally:
            if journal is self.journal:  # (not when the network was rebuilt meanwhile)
                journal.end(self.steps)
            self._flush()
            if not (whole or self.closed.is_set()):
                self._offer(force=True)

    # Network.train's callbacks
    @property
    def stop_training(self) -> bool:
        """Read by the training loop after every step: end this ``train`` call when the
        tab closed or the page changed how to train."""
        return self.closed.is_set() or self._restart

    def on_train_begin(self, net, history) -> None:
        self._history, self._read_steps, self._read_epochs = history, 0, 0
        self._steps0, self._epochs0 = self.steps, self.epochs

    def on_step_end(self, net, history, step: int) -> None:
        self.steps = self._steps0 + history.n_steps
        if self.pending_steps:
            self.pending_steps -= 1
        loss = history.loss_step[history.n_steps - 1]
        if self._explode_above is None:
            self._explode_above = EXPLODE_FACTOR * max(float(loss), 0.1)
        elif loss > self._explode_above:
            self._exploded(float(loss))
        slow = self._interval >= UPDATE_INTERVAL  # every step's update is shown
        self._offer(force=not self.running or slow)
        if self._interval:
            self._due = max(self._due + self._interval, time.perf_counter())
        self._between_steps()

    def on_epoch_end(self, net, history, epoch: int) -> None:
        self.epochs = self._epochs0 + history.n_epochs

    def _between_steps(self) -> None:
        """Handle waiting messages; wait here while paused; return at once when the
        ``train`` call is to end (:attr:`stop_training`)."""
        while True:
            if self.stop_training:
                return
            if self.running or self.pending_steps:
                if not self.inbox:
                    if not self._wait_for_pace():
                        return
                    continue
                message = self.inbox.popleft()
            else:
                message = self._next_message(timeout=0.25)
                if message is None:
                    continue
            self._guard(lambda m=message: self._handle(m))

    def _exploded(self, loss: float) -> None:
        first = self._explode_above / EXPLODE_FACTOR
        self._explode_above = math.inf  # said once: play goes on if the user insists
        self._diverged(
            "explode", self.steps, f"the loss exploded at step {self.steps}: {loss:.3g}, more than "
            f"{EXPLODE_FACTOR:g} times its {first:.3g} at the first step",
            "press play to go on anyway",
        )  # fmt: skip

    def _diverged(self, kind: str, step: int, what: str, then: str) -> None:
        """Pause, and tell the page what happened at which step and what to try."""
        self.running, self.pending_steps = False, 0
        s = self.settings
        init = auto_init(s.activation)  # the activation's own family, unless that is in use
        if init == s.init:
            init = "scaled"
        text = (f"{what[0].upper()}{what[1:]}. Training paused; {then}. Try a lower learning "
                f"rate η (now {s.eta:g}; try {s.eta / 10:g}) or another initialisation (now "
                f"{s.init}; try {init}), then reset.")  # fmt: skip
        self.emit({"type": "diverged", "kind": kind, "step": step, "message": text})
        self._offer(force=True)

    def _wait_for_pace(self) -> bool:
        """Playing slower than full speed, before the next step is due: wait until it is,
        or until a message comes (True: look again). False: the next step may go."""
        if not self._interval or self.pending_steps:
            return False
        left = self._due - time.perf_counter()
        if left <= 0:
            return False
        self._mail.clear()  # then look again: a message sent meanwhile sets it
        if not self.inbox:
            self._mail.wait(left)
        return True

    def _flush(self) -> None:
        """Move what the current history recorded since the last call to the curves."""
        h = self._history
        if h is None:
            return
        n, e = h.n_steps, h.n_epochs
        if n > self._read_steps:
            rows = slice(self._read_steps, n)
            self.step_curves.add(np.column_stack([h.loss_step[rows], h.grad_norm[rows]]))
            self._read_steps = n
        if e > self._read_epochs:
            rows = slice(self._read_epochs, e)
            ended = self._steps0 + h.steps_per_epoch * np.arange(self._read_epochs + 1, e + 1)
            accuracy = h.accuracy_epoch[rows] if h.accuracy_epoch is not None else np.nan
            self.epoch_curves.add(np.column_stack(np.broadcast_arrays(
                ended, h.loss_epoch[rows], accuracy)))  # fmt: skip
            self._read_epochs = e

    def _offer(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and (now - self._last_publish < UPDATE_INTERVAL or not self.ready()):
            return
        self._last_publish = now
        self.publish(self.moment())

    def moment(self) -> Moment:
        """The session now, as copies (and kept for the exported report)."""
        self._flush()
        W = [w.copy() for w in self.net.weights]
        b = [v.copy() for v in self.net.biases]
        spe = math.ceil(self.data.n_train / min(self.settings.batch_size, self.data.n_train))
        self._keep(W, b, spe)
        return Moment(
            settings=self.settings, data=self.data, features=self.features,
            net_config=self.config(), weights=W, biases=b, steps=self.steps,
            epochs=self.epochs, steps_per_epoch=spe, step_curves=self.step_curves.copy(),
            epoch_curves=self.epoch_curves.copy(),
            running=self.running, version=self.version, network=self.network_id,
        )  # fmt: skip

    def kept_moments(self) -> list:
        """``(W, b, step, epoch)`` of the moments kept for the report, oldest first."""
        return list(self._kept)

    def _keep(self, W, b, spe) -> None:
        """Keep moments for the exported report: at most :data:`MAX_KEPT_MOMENTS`, every
        other one dropped when full (so they stay spread over the whole session)."""
        if self._kept and self._kept[-1][2] == self.steps:  # the same step, perhaps a
            self._kept.pop()  # weight edited since: the newest parameters are kept
        self._kept.append((W, b, self.steps, self.steps / spe))
        if len(self._kept) > MAX_KEPT_MOMENTS:
            self._kept = self._kept[::2] + ([self._kept[-1]] if len(self._kept) % 2 == 0 else [])

    def network_text(self) -> str:
        """Which network a result holds for, as the page says it."""
        c = self.config()
        return (f"network #{self.network_id}: {c['sizes']}, {c['activation']}, "
                f"{c['output_activation']} output, {c['cost']}, at step {self.steps}")  # fmt: skip

    def config(self) -> dict:
        net = self.net
        return {
            "sizes": list(net.sizes),
            "activation": net.activation,
            "output_activation": net.output_activation,
            "cost": net.cost_function.name,
        }

    # -- messages -----------------------------------------------------------------------
    def _handle(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "close":
            self.closed.set()  # the training loop reads stop_training after this step
            return
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise ValueError(f"unknown message type {str(kind)[:40]!r}")
        if self.net is None and kind not in ("settings", "csv"):
            raise ValueError("no network yet: fix the settings first")
        handler(self, message)

    def _on_settings(self, message) -> None:
        old = self.settings
        try:
            given, switched = with_problem(message.get("settings"), old)
            s, change = paired(parse_settings(given), old)
            self._apply_settings(s, old)
            change = "; ".join(x for x in (switched, change) if x)
            if change:  # said after the settings that show it
                self.emit({"type": "info", "message": change})
        except ValueError:  # the page's controls go back to the settings in force
            self._say_settings()
            raise

    def _apply_settings(self, s: PlaygroundSettings, old: PlaygroundSettings) -> None:
        net_fields = ("features", "hidden", "activation", "output_activation", "cost", "init",
                      "seed")  # fmt: skip
        data_changed = s.problem != old.problem or any(  # (the problem reads the labels anew)
            getattr(s, f) != getattr(old, f)
            for f in ("data", "n_samples", "noise", "train_percent", "data_seed", "points")
        )
        if data_changed or any(getattr(s, f) != getattr(old, f) for f in net_fields) or \
                self.net is None:  # fmt: skip
            self._rebuild(s, new_data=data_changed or self.net is None)
        else:
            if s.optimizer != old.optimizer:
                self.journal.end(self.steps)  # the call under way ends (TRAINING_FIELDS)
                self.optimizer = get_optimizer(s.optimizer)
                self.journal.optimizer(s.optimizer)
            if (s.watch, s.show_test) != (old.watch, old.show_test):
                self.version += 1
            if s.speed != old.speed:
                self._pace(s.speed)
            self.settings = s
            self._restart = any(getattr(s, f) != getattr(old, f) for f in TRAINING_FIELDS)
            self._say_settings()
            self._offer(force=True)

    def _say_settings(self) -> None:
        """Tell the page the settings in force, the features used and those the data allows
        (a data set of one input: the features of x1 only)."""
        d = self.data.X.shape[1] if self.data is not None else 2
        usable = list(FEATURES) if d == 2 else list(ONE_D_FEATURES)
        self.emit({"type": "settings", "settings": self.settings.to_dict(),
                   "features": self.features, "usable": usable})  # fmt: skip

    def _on_play(self, message) -> None:
        self.running = True
        self._pace(self.settings.speed)

    def _pace(self, speed: str) -> None:
        """Play at ``speed`` (a name of SPEEDS) from now on: the next step goes at once."""
        rate = SPEEDS[speed]
        self._interval = 0.0 if math.isinf(rate) else 1 / rate
        self._due = time.perf_counter()

    def _on_pause(self, message) -> None:
        self.running, self.pending_steps = False, 0
        self._offer(force=True)

    def _on_step(self, message) -> None:
        self.running = False
        self.pending_steps = 1

    def _on_reset(self, message) -> None:
        self._rebuild(self.settings, new_data=False)
        self._restart = True

    def _on_csv(self, message) -> None:
        """An uploaded CSV: numeric targets of more than MAX_CLASSES distinct values make
        a regression, anything else a classification (the page is told which, and why)."""
        csv = parse_csv(message.get("text"))
        old = self.settings
        kind = target_kind(csv[1])
        given, switched = with_problem(dict(old.to_dict(), data="csv", problem=kind), old)
        s = parse_settings(given)
        self.csv = csv
        self._rebuild(s, new_data=True)
        self._restart = True
        distinct = len(set(csv[1].tolist()))
        why = (f"its label column holds numbers of {distinct} distinct values (more than "
               f"{MAX_CLASSES}): a regression" if kind == "regression" else
               f"its label column holds {distinct} classes: a classification")  # fmt: skip
        self.emit({"type": "info", "message": f"the CSV is loaded: {why}" +
                   (f" ({switched})" if switched else "")})  # fmt: skip

    def _on_gradcheck(self, message) -> None:
        self.emit(probes.gradcheck_message(self))

    def _on_nudge(self, message) -> None:
        self.emit(probes.nudge_message(self, message))

    def _on_edit(self, message) -> None:
        ell, j, k = probes.weight_index(self.net, message)
        value = message.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value) or abs(value) > MAX_WEIGHT:  # fmt: skip
            raise ValueError(f"a weight must be a number between −{MAX_WEIGHT:g} and "
                             f"{MAX_WEIGHT:g}")  # fmt: skip
        # the train call under way ends here, so that the edit falls between two calls
        # (the exports replay it there); training goes on in a new call, a new epoch
        self.journal.end(self.steps)
        self._restart = True
        self.net.weights[ell - 1][j, k] = value  # in place: W is a view of θ
        self.journal.edit(ell, j, k, value)
        self.network_id += 1  # results for the network before the edit no longer hold
        self.emit({"type": "info", "message": f"W{ell}[{j}, {k}] set to {value:g}"})
        self._offer(force=True)

    def _on_backprop(self, message) -> None:
        from .stepper import message_for

        self.emit(message_for(self, message))

    def _on_export(self, message) -> None:
        from . import exports

        what = message.get("what")
        if what not in exports.KINDS:
            raise ValueError(f"export one of {', '.join(exports.KINDS)}")
        name, mime, raw = exports.export(what, self)
        self.emit({"type": "file", "name": name, "mime": mime,
                   "data": base64.b64encode(raw).decode("ascii")})  # fmt: skip


_HANDLERS = {
    "settings": Session._on_settings,
    "play": Session._on_play,
    "pause": Session._on_pause,
    "step": Session._on_step,
    "reset": Session._on_reset,
    "csv": Session._on_csv,
    "gradcheck": Session._on_gradcheck,
    "nudge": Session._on_nudge,
    "edit": Session._on_edit,
    "export": Session._on_export,
    "backprop": Session._on_backprop,
}
MESSAGE_TYPES = ("close", *_HANDLERS)
