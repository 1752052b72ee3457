"""A training run, from the command line's settings to its files: check every input first
(so a mistake costs nothing and writes nothing), train with a progress bar while a
:class:`~backproplab.training.callbacks.Recorder` snapshots the watched hidden layer, then write
into the output folder, each file complete or not at all:

- ``run.npz``: the one record of the run, which every view is drawn from
  (``backproplab view run.npz`` draws the same report again);
- ``report.html``: one self-contained interactive page (Plotly), drawn from ``run.npz``,
  where every panel shows the same moment of training;
- ``hidden.gif``: the watched layer's representation, frame by frame, drawn once on two cores;
- ``model.npz`` (``Network.load``) and ``history.csv``, the training's figures per epoch;
- on request: ``history-steps.csv`` (``--history steps``: a row per mini-batch step) and
  ``hidden.html`` (``--hidden-page``: the report's hidden-space panel alone).

:func:`run` is the whole of it, in steps that each do one thing; :mod:`.demo` declares the
commands that call it.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import limits
from .defaults import default_output
from .output import Printer

DEFAULT_FILES = ("report.html", "hidden.gif", "run.npz", "model.npz", "history.csv")
ON_REQUEST = ("history-steps.csv", "hidden.html")  # --history steps, --hidden-page
# every name a run writes, and history.json, which earlier versions wrote
OUTPUT_FILES = DEFAULT_FILES + ON_REQUEST + ("history.json",)
PER_STEP = ("loss_step", "grad_norm", "weight_norm")  # stored as float32 in run.npz


@dataclass(frozen=True)
class Outputs:
    """Which files beyond :data:`DEFAULT_FILES` a run writes."""

    history: str = "epochs"  # "steps": history-steps.csv too
    hidden_page: bool = False


@dataclass
class TrainingPlan:
    """What ``train`` was asked to do."""

    data: str
    layers: list[int]
    activation: str
    output_activation: str | None
    cost: str
    init: str
    epochs: int
    batch_size: int
    eta: float | None  # None: the cost's (see resolve)
    seed: int
    watch_layer: int | None
    units: list[int] | None
    frames: int
    n_samples: int | None
    noise: float | None
    target: str | None
    training: dict = field(default_factory=dict)  # Network.train's further options
    standardize: bool = False
    hidden_bias: float | None = None


def resolve(s: TrainingPlan) -> TrainingPlan:
    """``s`` with the choices left open made (:mod:`.defaults`): ``init="auto"`` becomes
    an initialiser (and the ReLU family's starting bias), a missing η the cost's."""
    from dataclasses import replace

    from .defaults import default_eta, default_init, hidden_bias

    return replace(
        s,
        init=default_init(s.activation) if s.init == "auto" else s.init,
        eta=default_eta(s.cost, s.activation) if s.eta is None else s.eta,
        hidden_bias=hidden_bias(s.activation, s.init) if s.hidden_bias is None else s.hidden_bias,
    )


def load_data(data: str, target: str | None, n_samples: int | None, noise: float | None,
              seed: int):  # fmt: skip
    """``(X, labels, title)`` from ``--data`` (a bundled data set's name, made with
    ``--samples``, ``--noise`` and ``seed`` where it takes them, or FILE.csv with
    ``--target``); ``labels`` holds class labels of any type. Shared by every command
    that trains."""
    from ..data import datasets

    if data.lower().endswith(".csv"):
        if target is None:
            raise ValueError("--data FILE.csv needs --target COLUMN")
        X, y = datasets.load_csv(data, target=target)
        return X, y, f"{Path(data).name} (target {target})"
    if target is not None:
        raise ValueError("--target is only for --data FILE.csv")
    if noise is not None:
        limits.check_noise(noise)
    if data in datasets.REGRESSION:
        raise ValueError(
            f"data set {data!r} is a regression (its targets are real numbers, not classes); "
            "the command line trains classifiers: train it in the playground (backproplab "
            "serve, problem: regression) or with backproplab.sklearn.BackpropRegressor"
        )
    seeded = "seed" in datasets.options_of(data)
    X, y = datasets.load(data, n_samples=n_samples, noise=noise, seed=seed if seeded else None)
    return X, y, data


def prepare(s: TrainingPlan, out: Path):
    """Check everything and build the network; nothing is trained or written yet.

    Returns ``(net, X, labels, Y, title, watch, extra)``: X standardised if
    ``s.standardize``; ``extra`` is what the model file keeps besides the network (the
    classes, in the order of the outputs, and the inputs' scaling)."""
    from ..data.datasets import standardize
    from ..data.labels import encode_labels, low_target
    from ..network import Network
    from ..validation import check_positive_int

    check_positive_int(s.epochs, "--epochs")
    check_positive_int(s.batch_size, "--batch-size")
    limits.check_eta(s.eta)
    limits.check_frames(s.frames)
    limits.check_seed(s.seed)
    limits.check_layers(s.layers)
    limits.check_generated_data(s.n_samples, s.layers[0])
    X, labels, title = load_data(s.data, s.target, s.n_samples, s.noise, s.seed)
    if s.layers[0] != X.shape[1]:
        raise ValueError(
            f"--layers starts with {s.layers[0]} inputs but data set {title!r} has "
            f"{X.shape[1]} features"
        )
    L = len(s.layers) - 1
    watch = s.watch_layer if s.watch_layer is not None else max(L - 1, 1)
    if not 1 <= watch <= max(L - 1, 1) or (L == 1 and s.watch_layer is not None and watch != 1):
        raise ValueError(f"--watch-layer must be a hidden layer, 1 to {max(L - 1, 1)}, got {watch}")
    if s.units is not None and (
        not 1 <= len(s.units) <= 3 or not all(0 <= u < s.layers[watch] for u in s.units)
    ):
        raise ValueError(
            f"--units must name 1 to 3 of layer {watch}'s {s.layers[watch]} units "
            f"(0 to {s.layers[watch] - 1}), got {s.units}"
        )
    limits.check_training(s.layers, len(X), s.epochs, s.batch_size, s.frames, watch)
    output = default_output(s.cost, s.layers[-1], s.output_activation)
    net = Network(
        s.layers,
        activation=s.activation,
        output_activation=output,
        cost=s.cost,
        init=s.init,
        seed=s.seed,
    )
    if s.hidden_bias is not None:
        for b in net.biases[:-1]:  # views into net.theta: set in place
            b[...] = s.hidden_bias
    low = low_target(net.output_activation)
    try:
        Y, classes = encode_labels(labels, s.layers[-1], low=low)
    except ValueError as exc:
        raise ValueError(f"--layers: {exc}") from None
    scaling = None
    if s.standardize:
        X, mean, std = standardize(X)
        scaling = {"mean": mean.tolist(), "std": std.tolist()}
    extra = {"classes": classes.tolist(), "low_target": low, "standardize": scaling}
    return net, X, labels, Y, title, watch, extra


@contextmanager
def _drawing(total: int, description: str, quiet: bool):
    """A progress bar for rendering frames; yields a ``progress(done, total)`` callback."""
    with tqdm(total=total, desc=description, leave=False, disable=True if quiet else None) as bar:
        yield lambda done, n: bar.update(done - bar.n)


def make_recorder(s: TrainingPlan, X, Y, watch: int):
    """``(recorder, shown)``: a Recorder of the watched and output layers on ``shown``, a
    fixed subset of at most ``MAX_RECORDED`` samples, with ``--frames`` snapshots."""
    from ..formats.runfile import MAX_RECORDED
    from ..training.callbacks import Recorder

    steps = s.epochs * -(-len(X) // s.batch_size)
    rng = np.random.default_rng(s.seed)
    shown = np.sort(rng.choice(len(X), min(len(X), MAX_RECORDED), replace=False))
    L = len(s.layers) - 1
    every = -(-steps // (s.frames - 1))
    return Recorder(X[shown], layers=sorted({watch, L}), every=every, Y=Y[shown]), shown


def train_and_check(s: TrainingPlan, net, X, Y, title: str, recorder, quiet: bool):
    """Train with the recorder (and a progress bar), then check the gradient on 20 of the
    recorded samples. Returns ``(history, check, summary, seconds)``."""
    from ..checking.gradcheck import gradcheck
    from ..training.callbacks import ProgressBar

    steps = s.epochs * -(-len(X) // s.batch_size)
    callbacks = [recorder] + ([] if quiet else [ProgressBar(steps, "training")])
    start = time.perf_counter()
    history = net.train(
        X,
        Y,
        epochs=s.epochs,
        batch_size=s.batch_size,
        eta=s.eta,
        seed=s.seed,
        callbacks=callbacks,
        gradcheck_every=max(1, steps // 25),
        evaluate=True,  # the exact cost and accuracy of the whole set after each epoch
        **s.training,
    )
    seconds = time.perf_counter() - start
    accuracy = net.accuracy(X, Y)
    check = gradcheck(net, recorder.X[:20], recorder.Y[:20], epsilon=1e-5)
    summary = (
        f"{net} trained on {title} in {seconds:.1f} s: final loss "
        f"{history.loss_epoch[-1]:.5f}, training accuracy {accuracy:.1%}, "
        f"gradient check {'passed' if check.passed else 'FAILED'} "
        f"(relative error {check.relative_error:.1e})."
    )
    return history, check, summary, seconds


def build_run(s: TrainingPlan, net, recorder, trained, title, labels, shown, watch):
    """The :class:`~backproplab.formats.runfile.Run` that ``run.npz`` and the report hold."""
    from ..formats.runfile import from_recording

    history, check, summary, seconds = trained
    settings = {k: v for k, v in asdict(s).items() if v is not None}
    settings |= {"samples": len(labels), "steps": history.n_steps, "seconds": round(seconds, 2)}
    run = from_recording(
        recorder,
        history,
        sizes=net.sizes,
        activation=net.activation,
        output_activation=net.output_activation,
        cost=net.cost_function.name,
        watch=watch,
        labels=labels[shown],
        indices=shown,
        n_total=len(labels),
        gradcheck=check,
        title=f"backproplab: {title}",
        summary=summary,
        settings=settings,
        units=s.units,
    )
    # the per-step records to float32: half the file, and digits no picture shows (kept in
    # float64 when a value is beyond float32's range: a diverging run's norms stay finite)
    for name in PER_STEP:
        with np.errstate(over="ignore"):
            small = run.history[name].astype(np.float32)
        if np.array_equal(np.isfinite(small), np.isfinite(run.history[name])):
            run.history[name] = small
    return run


def gif_frames(s: TrainingPlan, recorder, run, watch: int):
    """What ``hidden.gif`` draws: the watched layer, or the output curve for 1-D inputs."""
    from ..viz.gif import Frames

    labels = np.asarray(run.classes)[run.y]
    if run.sizes[0] == 1:
        Y = recorder.Y[:, 0] if recorder.Y.ndim > 1 else recorder.Y
        return Frames("curve", recorder.snapshots, {"X": recorder.X, "y": Y})
    title = f"hidden layer {watch} of {s.layers}"
    kwargs = {"y": labels, "layer": watch, "units": s.units, "title": title}
    return Frames("hidden", recorder.snapshots, kwargs)


def write_files(out: Path, net, run, history, frames, quiet: bool, extra=None,
                outputs: Outputs = Outputs()) -> None:  # fmt: skip
    """Write every output file, each complete or not at all. The pages are drawn from
    ``run.npz`` as it was written, so ``backproplab view`` draws them again byte for byte."""
    from ..formats.files import atomic_write_text
    from ..formats.runfile import save_run
    from ..formats.runfile_read import load_run
    from ..training.history import epoch_csv, step_csv
    from ..viz.gif import write_gif
    from ..viz.page import write_pages

    def pages():  # while the second process starts drawing the GIF
        save_run(run, out / "run.npz")
        hidden = out / "hidden.html" if outputs.hidden_page else None
        write_pages(load_run(out / "run.npz"), out / "report.html", hidden)

    with _drawing(frames.snapshot_count, "drawing hidden.gif", quiet) as progress:
        write_gif(frames, out / "hidden.gif", progress=progress, meanwhile=pages)
    net.save(out / "model.npz", extra=extra)
    atomic_write_text(out / "history.csv", epoch_csv(history))
    if outputs.history == "steps":
        atomic_write_text(out / "history-steps.csv", step_csv(history))


def run(s: TrainingPlan, out: Path, quiet: bool = False, outputs: Outputs = Outputs()) -> int:
    """Check, train while recording, and write every file into ``out``."""
    from ..training.advice import training_warnings

    say = Printer(quiet)
    net, X, labels, Y, title, watch, extra = prepare(s, out)
    recorder, shown = make_recorder(s, X, Y, watch)
    scaled = ", standardised inputs" if s.standardize else ""
    say(
        f"training {net} on {title}: {len(X)} samples{scaled}, {s.epochs} epochs, "
        f"batch {s.batch_size}, eta {s.eta}, init {s.init}"
    )
    if X.shape[1] == 1 and s.watch_layer is not None:
        say(
            f"note: with 1-D inputs hidden.gif shows the input-to-output curve; layer "
            f"{watch} (--watch-layer) is shown in report.html's hidden space"
        )
    trained = train_and_check(s, net, X, Y, title, recorder, quiet)
    say(trained[2])
    result = build_run(s, net, recorder, trained, title, labels, shown, watch)
    frames = gif_frames(s, recorder, result, watch)
    write_files(out, net, result, trained[0], frames, quiet, extra=extra, outputs=outputs)
    for warning in training_warnings(net, X, Y, trained[0]):
        say(f"warning: {warning}")
    return 0
