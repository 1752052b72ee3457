"""Run files: what a training run recorded, as plain arrays and JSON, never pickle.

``backproplab demo`` and ``train`` write ``run.npz``; ``backproplab view`` rebuilds the
report from it without training. Like a model file (:mod:`backproplab.formats.modelfile`)
it is a zip archive in NumPy's ``.npz`` layout, written atomically here (:func:`save_run`)
and read by :func:`backproplab.formats.runfile_read.load_run` with ``allow_pickle=False``
after every member, header and value has been checked; anything else raises ``ValueError``.

Members (S snapshots of n recorded samples, T steps, E epochs, L layers):

- ``metadata.json``: ``format`` ("backproplab.run"), ``format_version``, ``library_version``,
  ``sizes``, ``activation``, ``output_activation``, ``cost``, ``watch`` (the watched hidden
  layer ℓ), ``recorded`` (the layers whose activations are stored), ``units`` (or null),
  ``classes`` (class labels as text), ``n_total`` (samples in the data set), ``has_params``,
  ``has_accuracy``, ``has_validation``, ``steps_per_epoch``, ``title``, ``summary``,
  ``gradcheck`` (relative error, threshold, passed, report text) and ``settings`` (what
  the run was asked to do);
- ``X.npy`` (n, n_0): the recorded samples' inputs; ``y.npy`` (n,): their class index into
  ``classes`` (a playground's regression, drawn from a :class:`Run` and never written to
  a file: ``classes`` empty and y the real-valued targets); ``indices.npy`` (n,): their
  rows in the data set (a fixed subset of at most a thousand samples when the data set is
  larger);
- ``step.npy``, ``epoch.npy``, ``loss.npy`` (S,): when each snapshot was taken and the mean
  cost over the recorded samples then;
- ``W{ℓ}.npy`` (S, n_ℓ, n_{ℓ−1}) and ``b{ℓ}.npy`` (S, n_ℓ) for ℓ = 1 … L when
  ``has_params`` (networks of at most :data:`MAX_SHOWN_PARAMS` parameters);
- ``a{ℓ}.npy`` (S, n, n_ℓ) for each recorded ℓ, only when not ``has_params``: ``a^ℓ`` of
  every recorded sample. With the parameters stored, the reader
  (:func:`~backproplab.formats.runfile_read.load_run`) computes ``a^ℓ`` from them and
  ``X`` (the feedforward the Recorder ran, so the same numbers bit for bit) instead of
  storing the same recording twice; a file that holds them too is read as well;
- ``loss_step.npy`` (T,), ``grad_norm.npy`` and ``weight_norm.npy`` (T, L) (float64, or
  float32 where the writer chose the smaller file), ``loss_epoch.npy``
  (E,), ``accuracy_epoch.npy`` (E,) when ``has_accuracy``, ``val_loss_epoch.npy`` (E,)
  when ``has_validation`` (and ``val_accuracy_epoch.npy`` when both),
  ``gradcheck_history.npy`` (k, 2): the training history, with (step, relative error) of
  each check during training.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .archive import (
    NETWORK_KEYS,
)
from .files import atomic_write

FORMAT = "backproplab.run"
FORMAT_VERSION = 1
MAX_METADATA_BYTES = 1 << 20
MAX_SHOWN_PARAMS = 20_000  # parameters per snapshot stored (and drawn) at most
MAX_RECORDED = 1000  # samples recorded at most; larger data sets keep a fixed subset
MAX_DIMENSION = 10**6  # no dimension of a run file is larger: refuse memory bombs before reading
MAX_RUN_BYTES = 1 << 29  # 512 MiB of arrays in all: over 100 times the demo's run
METADATA_KEYS = NETWORK_KEYS | {
    "watch",
    "recorded",
    "units",
    "classes",
    "n_total",
    "has_params",
    "has_accuracy",
    "has_validation",
    "steps_per_epoch",
    "title",
    "summary",
    "gradcheck",
    "settings",
}
HISTORY_KEYS = ("loss_step", "grad_norm", "weight_norm", "loss_epoch")


@dataclass
class Run:
    """One training run as recorded; the arrays are described in the module docstring."""

    sizes: list[int]
    activation: str
    output_activation: str
    cost: str
    watch: int
    classes: list[str]
    X: np.ndarray
    y: np.ndarray
    indices: np.ndarray
    n_total: int
    step: np.ndarray
    epoch: np.ndarray
    loss: np.ndarray
    layers: dict[int, np.ndarray]
    weights: list[np.ndarray] | None
    biases: list[np.ndarray] | None
    history: dict[str, np.ndarray]
    steps_per_epoch: int
    gradcheck: dict = field(default_factory=dict)
    title: str = ""
    summary: str = ""
    settings: dict = field(default_factory=dict)
    units: list[int] | None = None
    # The live playground's input features φ: raw inputs as columns (d, m) -> the network's
    # inputs (n_0, m); X then holds the raw inputs, and the panels are drawn over them.
    # None for a recorded run (X is what the network was fed). Not written to run files.
    lift: Callable[[np.ndarray], np.ndarray] | None = None
    # The live playground's journal (:mod:`backproplab.serve.journal`): its entries, or the
    # reason it cannot be replayed; the report's snippet replays it. None for a recorded
    # run. Not written to run files.
    journal: list[dict] | str | None = None

    @property
    def regression(self) -> bool:
        """Whether the targets are real numbers (``classes`` empty, ``y`` the targets)."""
        return not self.classes

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    @property
    def n_snapshots(self) -> int:
        return len(self.step)


def from_recording(
    recorder, history, *, sizes, activation, output_activation, cost, watch, labels,
    indices, n_total, gradcheck=None, title="", summary="", settings=None, units=None,
) -> Run:  # fmt: skip
    """A :class:`Run` from a :class:`~backproplab.training.callbacks.Recorder` and the ``History``.

    Args:
        labels: the recorded samples' class labels, any type, shape (n,).
        indices: their rows in the data set, shape (n,).
        gradcheck: a :class:`~backproplab.checking.gradcheck.GradcheckReport` or None.
    """
    snaps = recorder.snapshots
    classes, y = np.unique(np.asarray(labels), return_inverse=True)
    n_params = sum(W.size + b.size for W, b in zip(snaps[0].weights, snaps[0].biases, strict=True))
    keep = n_params <= MAX_SHOWN_PARAMS
    h = history.trimmed()
    hist = {name: np.asarray(getattr(h, name), dtype=float) for name in HISTORY_KEYS}
    for name in ("accuracy_epoch", "val_loss_epoch", "val_accuracy_epoch"):
        if getattr(h, name) is not None:
            hist[name] = np.asarray(getattr(h, name), dtype=float)
    checks = h.extras.get("gradcheck", [])
    hist["gradcheck_history"] = np.asarray(checks, dtype=float).reshape(len(checks), 2)
    report = {}
    if gradcheck is not None:
        report = {
            "relative_error": _finite_or_none(gradcheck.relative_error),
            "threshold": float(gradcheck.threshold),
            "passed": bool(gradcheck.passed),
            "text": str(gradcheck),
        }
    return Run(
        sizes=[int(n) for n in sizes],
        activation=activation,
        output_activation=output_activation,
        cost=cost,
        watch=int(watch),
        classes=[str(c) for c in classes],
        X=np.asarray(recorder.X, dtype=float),
        y=y.astype(np.int64),
        indices=np.asarray(indices, dtype=np.int64),
        n_total=int(n_total),
        step=np.array([s.step for s in snaps], dtype=np.int64),
        epoch=np.array([s.epoch for s in snaps], dtype=float),
        loss=np.array([s.loss for s in snaps], dtype=float),
        layers={ell: np.stack([s.layers[ell] for s in snaps]) for ell in sorted(snaps[0].layers)},
        weights=[np.stack([s.weights[i] for s in snaps]) for i in range(len(sizes) - 1)]
        if keep
        else None,
        biases=[np.stack([s.biases[i][:, 0] for s in snaps]) for i in range(len(sizes) - 1)]
        if keep
        else None,
        history=hist,
        steps_per_epoch=int(h.steps_per_epoch),
        gradcheck=report,
        title=title,
        summary=summary,
        settings=dict(settings or {}),
        units=None if units is None else [int(u) for u in units],
    )


def _finite_or_none(value) -> float | None:
    """A number for JSON: null where it is NaN or infinite (an uninformative check)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _arrays(run: Run) -> dict[str, np.ndarray]:
    out = {"X": run.X, "y": run.y, "indices": run.indices}
    out |= {"step": run.step, "epoch": run.epoch, "loss": run.loss}
    if run.weights is None:  # else computed from the parameters when read
        out |= {f"a{ell}": a for ell, a in run.layers.items()}
    else:
        out |= {f"W{i + 1}": W for i, W in enumerate(run.weights)}
        out |= {f"b{i + 1}": b for i, b in enumerate(run.biases)}
    out |= dict(run.history)
    return out


def save_run(run: Run, path) -> None:
    """Write ``run`` to ``path``; nothing appears under ``path`` until it is complete.
    ValueError for a regression's run: the format holds class indices."""
    from .. import __version__

    if run.regression:
        raise ValueError("a regression's run cannot be written to a run file: its y holds "
                         "class indices; export the report instead")  # fmt: skip

    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "sizes": run.sizes,
        "activation": run.activation,
        "output_activation": run.output_activation,
        "cost": run.cost,
        "watch": run.watch,
        "recorded": sorted(run.layers),
        "units": run.units,
        "classes": run.classes,
        "n_total": run.n_total,
        "has_params": run.weights is not None,
        "has_accuracy": "accuracy_epoch" in run.history,
        "has_validation": "val_loss_epoch" in run.history,
        "steps_per_epoch": run.steps_per_epoch,
        "title": run.title,
        "summary": run.summary,
        "gradcheck": run.gradcheck,
        "settings": run.settings,
    }
    try:
        text = json.dumps(meta, allow_nan=False).encode()
    except ValueError:
        raise ValueError(
            "cannot save the run: its metadata holds NaN or an infinite number"
        ) from None
    if len(text) > MAX_METADATA_BYTES:
        raise ValueError(
            f"cannot save the run: its metadata is {len(text):,} bytes, more than the "
            f"{MAX_METADATA_BYTES:,} a run file holds"
        )
    arrays = _arrays(run)
    check_run_bytes(
        sum(np.asarray(a).nbytes for a in arrays.values()),
        lambda why: ValueError(f"cannot save the run: {why}"),
    )

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("metadata.json", text)
            for name, arr in arrays.items():
                buf = io.BytesIO()
                np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
                zf.writestr(f"{name}.npy", buf.getvalue())

    atomic_write(path, write)


def check_run_bytes(n_bytes: int, bad) -> None:
    """The one bound on a run file's arrays, for writing and reading alike."""
    from ..validation import check_memory

    if n_bytes > MAX_RUN_BYTES:
        raise bad(f"its arrays declare {n_bytes:,} bytes; run files hold at most {MAX_RUN_BYTES:,}")
    try:
        check_memory(n_bytes, "the run's arrays")
    except ValueError as exc:
        raise bad(str(exc)) from None
