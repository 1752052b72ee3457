"""Run files: what a training run recorded, as plain arrays and JSON, never pickle.

``backproplab demo`` and ``train`` write ``run.npz``; ``backproplab view`` rebuilds the
report from it without training. Like a model file (see :mod:`backproplab.formats.modelfile`) it is
a
zip archive in NumPy's ``.npz`` layout, written atomically, read with ``allow_pickle=False``
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
  ``classes``; ``indices.npy`` (n,): their rows in the data set (a fixed subset of at most
  a thousand samples when the data set is larger);
- ``step.npy``, ``epoch.npy``, ``loss.npy`` (S,): when each snapshot was taken and the mean
  cost over the recorded samples then;
- ``W{ℓ}.npy`` (S, n_ℓ, n_{ℓ−1}) and ``b{ℓ}.npy`` (S, n_ℓ) for ℓ = 1 … L when
  ``has_params`` (networks of at most :data:`MAX_SHOWN_PARAMS` parameters);
- ``a{ℓ}.npy`` (S, n, n_ℓ) for each recorded ℓ, only when not ``has_params``: ``a^ℓ`` of
  every recorded sample. With the parameters stored, :func:`load_run` computes ``a^ℓ``
  from them and ``X`` (the feedforward the Recorder ran, so the same numbers bit for bit)
  instead of storing the same recording twice; a file that holds them too is read as well;
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
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .archive import (
    NETWORK_KEYS,
    check_metadata_frame,
    damage_reported,
    read_json,
    read_npy_data,
    read_npy_header,
    short_repr,
)
from .files import atomic_write, open_regular
from .text import shown_path

FORMAT = "backproplab.run"
FORMAT_VERSION = 1
MAX_METADATA_BYTES = 1 << 20
MAX_SHOWN_PARAMS = 20_000  # parameters per snapshot stored (and drawn) at most
MAX_RECORDED = 1000  # samples recorded at most; larger data sets keep a fixed subset
_LIMIT = 10**6  # no dimension of a run file is larger: refuse memory bombs before reading
MAX_RUN_BYTES = 1 << 29  # 512 MiB of arrays in all: over 100 times the demo's run
_META_KEYS = NETWORK_KEYS | {
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
_HISTORY = ("loss_step", "grad_norm", "weight_norm", "loss_epoch")


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
    hist = {name: np.asarray(getattr(h, name), dtype=float) for name in _HISTORY}
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
    """Write ``run`` to ``path``; nothing appears under ``path`` until it is complete."""
    from .. import __version__

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


def _bad(path, why: str) -> ValueError:
    return ValueError(f"{shown_path(path)} is not a valid backproplab run file: {why}")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int(meta, key, path, lo=0, hi=_LIMIT) -> int:
    v = meta[key]
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise _bad(path, f"{key} must be an integer from {lo} to {hi}, got {v!r}")
    return v


def _check_metadata(meta, path) -> dict:
    check_metadata_frame(meta, FORMAT, FORMAT_VERSION, _META_KEYS, lambda why: _bad(path, why))
    sizes = meta["sizes"]
    if (
        not isinstance(sizes, list)
        or not 2 <= len(sizes) <= 64
        or not all(_is_int(n) and 1 <= n <= 100_000 for n in sizes)
    ):
        raise _bad(path, f"sizes must be a list of 2 to 64 positive integers, got {sizes!r}")
    L = len(sizes) - 1
    _int(meta, "watch", path, 1, max(L - 1, 1))
    _int(meta, "n_total", path, 1, 10**9)
    _int(meta, "steps_per_epoch", path, 1, 10**9)
    rec = meta["recorded"]
    if (
        not isinstance(rec, list)
        or not rec
        or not all(isinstance(e, int) and not isinstance(e, bool) and 0 <= e <= L for e in rec)
        or rec != sorted(set(rec))
    ):
        raise _bad(path, f"recorded must be increasing layer numbers from 0 to {L}, got {rec!r}")
    classes = meta["classes"]
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise _bad(path, "classes must be a list of strings")
    if not 1 <= len(classes) <= 1000:
        raise _bad(path, f"classes must hold 1 to 1000 labels, got {len(classes)}")
    units = meta["units"]
    if units is not None and (
        not isinstance(units, list)
        or not 1 <= len(units) <= 3
        or not all(isinstance(u, int) and 0 <= u < sizes[meta["watch"]] for u in units)
    ):
        raise _bad(path, f"units must be null or 1 to 3 unit numbers, got {units!r}")
    for key in ("activation", "output_activation", "cost", "title", "summary"):
        if not isinstance(meta[key], str):
            raise _bad(path, f"{key} must be a string")
    for key in ("has_params", "has_accuracy", "has_validation"):
        if not isinstance(meta[key], bool):
            raise _bad(path, f"{key} must be true or false")
    for key in ("gradcheck", "settings"):
        if not isinstance(meta[key], dict):
            raise _bad(path, f"{key} must be a JSON object")
    _check_gradcheck(meta["gradcheck"], path)
    if not isinstance(meta["settings"].get("training", {}), dict):
        raise _bad(path, "settings.training must be a JSON object")
    return meta


def _check_gradcheck(report: dict, path) -> None:
    """Empty (no check was run), or what :func:`from_recording` writes."""
    if not report:
        return
    kinds = {"relative_error": (int, float, type(None)), "threshold": (int, float),
             "passed": (bool,), "text": (str,)}  # fmt: skip
    if set(report) != set(kinds) or not all(
        isinstance(report[k], kind) for k, kind in kinds.items()
    ):
        raise _bad(path, f"gradcheck must hold {', '.join(kinds)} (numbers, true/false, text)")


class _Reader:
    """Reads the ``.npy`` members of a run file: every header first (:meth:`check_sizes`
    bounds what they declare, in all, before any data is read), then each array after
    checking its shape and kind against what the metadata implies."""

    def __init__(self, zf: zipfile.ZipFile, path, names):
        self.zf, self.path = zf, path
        self.headers = {}
        for member in sorted(names - {"metadata.json"}):
            header = read_npy_header(zf, member, self.bad)
            if any(d > _LIMIT for d in header.shape):
                raise self.bad(f"{member} has shape {short_repr(header.shape)}, beyond any run")
            self.headers[member.removesuffix(".npy")] = header

    def bad(self, why: str) -> ValueError:
        return _bad(self.path, why)

    def check_sizes(self) -> None:
        """The arrays hold at most ``MAX_RUN_BYTES`` in all, and fit in this machine."""
        total = sum(h.data_bytes for h in self.headers.values())
        check_run_bytes(total, self.bad)

    def shape_of(self, name: str) -> tuple:
        return self.headers[name].shape

    def read(self, name: str, shape, kinds: str, finite: bool = True) -> np.ndarray:
        """The array ``name``, checked to have ``shape`` (None: any size along that axis) and
        a dtype of one of the ``kinds`` (``"f"`` float, ``"i"`` integer)."""
        header = self.headers[name]
        got_shape, dtype = header.shape, header.dtype
        if len(got_shape) != len(shape) or any(
            want is not None and want != got for want, got in zip(shape, got_shape, strict=True)
        ):
            want = tuple("any" if s is None else s for s in shape)
            raise self.bad(f"{name}.npy has shape {short_repr(got_shape)}, expected {want}")
        if dtype.kind not in kinds or dtype.itemsize > 8:
            raise self.bad(f"{name}.npy has dtype {dtype}, expected numbers of kind {kinds}")
        arr = read_npy_data(self.zf, header, self.bad)
        if finite and not np.isfinite(arr).all():
            raise self.bad(f"{name}.npy contains NaN or infinite values")
        return arr


def check_run_bytes(n_bytes: int, bad) -> None:
    """The one bound on a run file's arrays, for writing and reading alike."""
    from ..validation import check_memory

    if n_bytes > MAX_RUN_BYTES:
        raise bad(f"its arrays declare {n_bytes:,} bytes; run files hold at most {MAX_RUN_BYTES:,}")
    try:
        check_memory(n_bytes, "the run's arrays")
    except ValueError as exc:
        raise bad(str(exc)) from None


def _read_metadata(zf: zipfile.ZipFile, path) -> dict:
    meta = read_json(zf, "metadata.json", MAX_METADATA_BYTES, lambda why: _bad(path, why))
    return _check_metadata(meta, path)


def _expected_members(meta, present: set[str]) -> set[str]:
    """The members a file with ``meta`` holds (``present``: its members, which decide
    whether a file with the parameters also holds the activations)."""
    L = len(meta["sizes"]) - 1
    names = {"X", "y", "indices", "step", "epoch", "loss", *_HISTORY, "gradcheck_history"}
    stored = {f"a{ell}" for ell in meta["recorded"]}
    if not meta["has_params"] or {f"{n}.npy" for n in stored} <= present:
        names |= stored
    if meta["has_params"]:
        names |= {f"{p}{ell}" for p in "Wb" for ell in range(1, L + 1)}
    if meta["has_accuracy"]:
        names.add("accuracy_epoch")
    if meta["has_validation"]:
        names |= {"val_loss_epoch"} | ({"val_accuracy_epoch"} if meta["has_accuracy"] else set())
    return {f"{n}.npy" for n in names} | {"metadata.json"}


def _read_arrays(r: _Reader, meta) -> Run:
    sizes, L = meta["sizes"], len(meta["sizes"]) - 1
    n = r.shape_of("y")[0] if len(r.shape_of("y")) == 1 else -1
    S = r.shape_of("step")[0] if len(r.shape_of("step")) == 1 else -1
    T = r.shape_of("loss_step")[0] if len(r.shape_of("loss_step")) == 1 else -1
    if n < 1 or S < 2 or T < 1:
        raise _bad(r.path, "y, step and loss_step must be non-empty vectors (at least 2 snapshots)")
    X = r.read("X", (n, sizes[0]), "f")
    y = r.read("y", (n,), "i")
    if y.min() < 0 or y.max() >= len(meta["classes"]):
        raise _bad(r.path, f"y holds class numbers outside 0 to {len(meta['classes']) - 1}")
    indices = r.read("indices", (n,), "i")
    if indices.min() < 0 or indices.max() >= meta["n_total"] or len(np.unique(indices)) != n:
        raise _bad(r.path, f"indices must be distinct rows from 0 to {meta['n_total'] - 1}")
    step = r.read("step", (S,), "i")
    if step[0] < 0 or np.any(np.diff(step) <= 0) or step[-1] > T:
        raise _bad(r.path, f"step must increase from 0 to at most {T} (the steps trained)")
    epoch = r.read("epoch", (S,), "f")
    loss = r.read("loss", (S,), "f", finite=False)
    weights = biases = None
    if meta["has_params"]:
        weights = [r.read(f"W{i}", (S, sizes[i], sizes[i - 1]), "f") for i in range(1, L + 1)]
        biases = [r.read(f"b{i}", (S, sizes[i]), "f") for i in range(1, L + 1)]
    if meta["has_params"] and f"a{meta['recorded'][0]}.npy" not in r.zf.namelist():
        layers = _activations(meta, X, weights, biases)
    else:
        layers = {ell: r.read(f"a{ell}", (S, n, sizes[ell]), "f") for ell in meta["recorded"]}
    E = r.shape_of("loss_epoch")[0] if len(r.shape_of("loss_epoch")) == 1 else 0
    history = {
        "loss_step": r.read("loss_step", (T,), "f", finite=False),
        "grad_norm": r.read("grad_norm", (T, L), "f", finite=False),
        "weight_norm": r.read("weight_norm", (T, L), "f", finite=False),
        "loss_epoch": r.read("loss_epoch", (E,), "f", finite=False),
        "gradcheck_history": r.read("gradcheck_history", (None, 2), "f"),
    }
    if meta["has_accuracy"]:
        history["accuracy_epoch"] = r.read("accuracy_epoch", (E,), "f", finite=False)
    if meta["has_validation"]:
        history["val_loss_epoch"] = r.read("val_loss_epoch", (E,), "f", finite=False)
        if meta["has_accuracy"]:
            history["val_accuracy_epoch"] = r.read("val_accuracy_epoch", (E,), "f", finite=False)
    return Run(
        sizes=list(sizes),
        activation=meta["activation"],
        output_activation=meta["output_activation"],
        cost=meta["cost"],
        watch=meta["watch"],
        classes=list(meta["classes"]),
        X=X,
        y=y.astype(np.int64),
        indices=indices.astype(np.int64),
        n_total=meta["n_total"],
        step=step.astype(np.int64),
        epoch=epoch,
        loss=loss,
        layers=layers,
        weights=weights,
        biases=biases,
        history=history,
        steps_per_epoch=meta["steps_per_epoch"],
        gradcheck=meta["gradcheck"],
        title=meta["title"],
        summary=meta["summary"],
        settings=meta["settings"],
        units=meta["units"],
    )


def _activations(meta, X, weights, biases) -> dict[int, np.ndarray]:
    """``{ℓ: a^ℓ}`` (S, n, n_ℓ) of the recorded layers at every snapshot, computed as the
    :class:`~backproplab.training.callbacks.Recorder` computed them: one feedforward of
    every recorded sample (as columns) per snapshot."""
    from ..engine.activations import get_activation
    from ..engine.forward import feedforward

    L = len(meta["sizes"]) - 1
    sigmas = [get_activation(meta["activation"])] * (L - 1)
    sigmas.append(get_activation(meta["output_activation"]))
    out = {ell: [] for ell in meta["recorded"]}
    with np.errstate(over="ignore"):  # as in training: a diverged run's values are kept
        for t in range(len(weights[0])):
            Ws = [np.ascontiguousarray(W[t]) for W in weights]
            bs = [b[t][:, None] for b in biases]
            activations = feedforward(Ws, bs, X.T, sigmas)[1]
            for ell in out:
                out[ell].append(activations[ell].T)
    return {ell: np.stack(a) for ell, a in out.items()}


def load_run(path) -> Run:
    """Read a run file written by :func:`save_run`.

    Raises:
        ValueError: if anything in the file is not as :func:`save_run` writes it
            (truncated, tampered with, or holding pickled objects).
        OSError: if the file cannot be opened.
    """
    path = Path(path)
    with open_regular(path) as f:  # a FIFO or a device is refused before a byte is read
        with damage_reported(lambda why: _bad(path, why)):
            return _load_run(f, path)


def _load_run(f, path) -> Run:
    from ..engine.activations import get_activation

    try:
        zf = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise _bad(path, "not a zip archive (truncated or another kind of file)") from None
    with zf:
        try:
            meta = _read_metadata(zf, path)
            for key in ("activation", "output_activation"):
                try:
                    get_activation(meta[key])
                except (TypeError, ValueError) as exc:
                    raise _bad(path, str(exc)) from None
            names = set(zf.namelist())
            expected = _expected_members(meta, names)
            if names != expected:
                missing, unknown = sorted(expected - names), sorted(names - expected)
                raise _bad(path, f"wrong entries (missing {missing}, unexpected {unknown})")
            reader = _Reader(zf, path, names)
            reader.check_sizes()
            return _read_arrays(reader, meta)
        except (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile, KeyError) as exc:
            raise _bad(path, f"damaged archive ({exc})") from None
