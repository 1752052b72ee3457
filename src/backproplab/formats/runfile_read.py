"""Reading a run file without trusting it (:func:`load_run`).

The metadata and every member's ``.npy`` header are read and checked first — names, types,
shapes against each other and against caps, the total size against
:func:`~backproplab.formats.runfile.check_run_bytes` — and only then the data, straight
into arrays of the declared size; anything else raises ``ValueError`` naming the file.
What a run file holds is described in :mod:`backproplab.formats.runfile`.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from .archive import (
    check_metadata_frame,
    damage_reported,
    read_json,
    read_npy_data,
    read_npy_header,
    short_repr,
)
from .files import open_regular
from .runfile import (
    FORMAT,
    FORMAT_VERSION,
    HISTORY_KEYS,
    MAX_DIMENSION,
    MAX_METADATA_BYTES,
    METADATA_KEYS,
    Run,
    check_run_bytes,
)
from .text import shown_path


def _bad(path, why: str) -> ValueError:
    return ValueError(f"{shown_path(path)} is not a valid backproplab run file: {why}")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int(meta, key, path, lo=0, hi=MAX_DIMENSION) -> int:
    v = meta[key]
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise _bad(path, f"{key} must be an integer from {lo} to {hi}, got {v!r}")
    return v


def _check_metadata(meta, path) -> dict:
    check_metadata_frame(meta, FORMAT, FORMAT_VERSION, METADATA_KEYS, lambda why: _bad(path, why))
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
            if any(d > MAX_DIMENSION for d in header.shape):
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


def _read_metadata(zf: zipfile.ZipFile, path) -> dict:
    meta = read_json(zf, "metadata.json", MAX_METADATA_BYTES, lambda why: _bad(path, why))
    return _check_metadata(meta, path)


def _expected_members(meta, present: set[str]) -> set[str]:
    """The members a file with ``meta`` holds (``present``: its members, which decide
    whether a file with the parameters also holds the activations)."""
    L = len(meta["sizes"]) - 1
    names = {"X", "y", "indices", "step", "epoch", "loss", *HISTORY_KEYS, "gradcheck_history"}
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
        # (step, relative error): a check with nothing to compare has no error (NaN)
        "gradcheck_history": r.read("gradcheck_history", (None, 2), "f", finite=False),
    }
    if not np.isfinite(history["gradcheck_history"][:, 0]).all():
        raise _bad(r.path, "gradcheck_history's steps must be finite numbers")
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
