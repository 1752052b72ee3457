"""A sweep's results folder, written run by run so an interrupted sweep can resume.

::

    OUT/sweep.json          what every run shares (data, layers, epochs, …), checked on resume
    OUT/runs/<key>.json     one finished run: its setting, seed and rows (one per epoch)
    OUT/results.csv         the tidy table of the planned runs, written at the end

Each run file is written to a temporary name and renamed when complete
(:func:`~backproplab.formats.files.atomic_write_text`), so a sweep killed at any moment leaves
only
whole runs behind; running the same sweep again trains only the runs without a file. The
key of a run (:meth:`SweepRun.key <backproplab.sweep.runs.SweepRun.key>`) hashes its setting and
seed, so a sweep extended with more seeds or grid values reuses the runs it already has.
NaN is stored as JSON ``null``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..formats.files import atomic_write_text
from ..formats.text import shown, shown_path
from .runs import METRICS, SweepRun

FORMAT = "backproplab.sweep"
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 1 << 20  # sweep.json: what every run shares
MAX_RUN_FILE_BYTES = 1 << 26  # one run's rows: 64 MiB, about 400,000 epochs


def _read_json(path: Path, max_bytes: int):
    """A JSON file of the folder, read no further than ``max_bytes`` (a file someone
    put there cannot make the sweep read gigabytes)."""
    from ..formats.files import open_regular

    with open_regular(path) as f:
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError(f"larger than {max_bytes:,} bytes")
    return json.loads(raw.decode("utf-8"))


class ResultsFolder:
    """The results folder of one sweep.

    The constructor checks an existing folder and writes nothing; :meth:`create` makes it.

    Args:
        folder: where the files go.
        shared: a JSON object of everything the runs share (the data and the fixed
            options). A folder written for a different ``shared`` raises ValueError,
            so that runs of two different sweeps are never mixed.
    """

    def __init__(self, folder, shared: dict):
        self.folder = Path(folder)
        self.runs_dir = self.folder / "runs"
        self.shared = {"format": FORMAT, "format_version": FORMAT_VERSION, **shared}
        manifest = self.folder / "sweep.json"
        if manifest.exists():
            try:
                found = _read_json(manifest, MAX_MANIFEST_BYTES)
            except (OSError, ValueError, RecursionError) as exc:
                raise ValueError(
                    f"{shown_path(manifest)} is not a sweep manifest ({shown(str(exc))})"
                ) from None
            if found != json.loads(json.dumps(self.shared)):
                raise ValueError(
                    f"{self.folder} holds a sweep with other settings ("
                    f"{_differences(found, json.loads(json.dumps(self.shared)))}); choose "
                    "another --out folder or delete it"
                )

    def create(self) -> None:
        """Make the folder and its manifest (the constructor only checks them)."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.runs_dir.glob(".*.json"):  # the temporary file of a killed write
            stale.unlink(missing_ok=True)
        manifest = self.folder / "sweep.json"
        if not manifest.exists():
            atomic_write_text(manifest, json.dumps(self.shared, indent=1) + "\n")

    def path(self, run: SweepRun) -> Path:
        return self.runs_dir / f"{run.key()}.json"

    def done(self, runs: list[SweepRun]) -> list[SweepRun]:
        """The runs among ``runs`` that already have a file."""
        return [run for run in runs if self.path(run).exists()]

    def write(self, run: SweepRun, rows: list[dict]) -> None:
        """Store one finished run, atomically."""
        record = {
            "setting": [[k, list(v) if isinstance(v, tuple) else v] for k, v in run.setting],
            "seed": run.seed,
            "rows": [{k: _to_json(v) for k, v in row.items()} for row in rows],
        }
        atomic_write_text(self.path(run), json.dumps(record, allow_nan=False) + "\n")

    def read(self, run: SweepRun) -> list[dict]:
        """The rows of a stored run, as :func:`~backproplab.sweep.runs.train_run` gave them."""
        path = self.path(run)
        try:
            record = _read_json(path, MAX_RUN_FILE_BYTES)
            rows = record["rows"]
            if record["seed"] != run.seed or not isinstance(rows, list):
                raise ValueError("its seed or rows do not match the run")
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise ValueError(
                f"{shown_path(path)} is not a result of this run ({shown(str(exc))})"
            ) from None
        setting = dict(run.setting)  # the exact values (tuples for sizes)
        return [
            {
                **{k: setting.get(k, v) for k, v in row.items()},
                **{m: math.nan if row[m] is None else float(row[m]) for m in METRICS if m in row},
            }
            for row in rows
        ]


def _to_json(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return list(value) if isinstance(value, tuple) else value


def _differences(found: dict, wanted: dict) -> str:
    """What differs between the folder's settings and these, by name, with both values:
    ``options differ: epochs 6 here, 5 in the folder``.

    >>> _differences({"data": "moons", "options": {"epochs": 5, "eta": 3.0}},
    ...              {"data": "moons", "options": {"epochs": 6, "eta": 3.0}})
    'options differ: epochs 6 here, 5 in the folder'
    """
    parts = []
    for key in sorted(set(found) | set(wanted)):
        old, new = found.get(key), wanted.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            inner = [
                f"{k} {_short(new.get(k))} here, {_short(old.get(k))} in the folder"
                for k in sorted(set(old) | set(new))
                if old.get(k) != new.get(k)
            ]
            parts.append(f"{key} differ: " + "; ".join(inner))
        else:
            parts.append(f"{key} {_short(new)} here, {_short(old)} in the folder")
    return "; ".join(parts)


def _short(value, limit: int = 40) -> str:
    text = "not set" if value is None else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
