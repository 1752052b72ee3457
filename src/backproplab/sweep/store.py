"""A sweep's results folder, written run by run so an interrupted sweep can resume.

::

    OUT/sweep.json          what every run shares (data, layers, epochs, …), checked on resume
    OUT/runs/<key>.json     one finished run: its setting, seed and rows (one per epoch)
    OUT/results.csv         the tidy table of the planned runs, written at the end

Each run file is written to a temporary name and renamed when complete
(:func:`~backproplab.formats.modelfile.atomic_write_text`), so a sweep killed at any moment leaves
only
whole runs behind; running the same sweep again trains only the runs without a file. The
key of a run (:meth:`Run.key <backproplab.sweep.runs.Run.key>`) hashes its setting and
seed, so a sweep extended with more seeds or grid values reuses the runs it already has.
NaN is stored as JSON ``null``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..formats.modelfile import atomic_write_text
from .runs import METRICS, Run

FORMAT = "backproplab.sweep"
FORMAT_VERSION = 1


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
                found = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ValueError(f"{manifest} is not a sweep manifest ({exc})") from None
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

    def path(self, run: Run) -> Path:
        return self.runs_dir / f"{run.key()}.json"

    def done(self, runs: list[Run]) -> list[Run]:
        """The runs among ``runs`` that already have a file."""
        return [run for run in runs if self.path(run).exists()]

    def write(self, run: Run, rows: list[dict]) -> None:
        """Store one finished run, atomically."""
        record = {
            "setting": [[k, list(v) if isinstance(v, tuple) else v] for k, v in run.setting],
            "seed": run.seed,
            "rows": [{k: _to_json(v) for k, v in row.items()} for row in rows],
        }
        atomic_write_text(self.path(run), json.dumps(record, allow_nan=False) + "\n")

    def read(self, run: Run) -> list[dict]:
        """The rows of a stored run, as :func:`~backproplab.sweep.runs.train_run` gave them."""
        path = self.path(run)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            rows = record["rows"]
            if record["seed"] != run.seed or not isinstance(rows, list):
                raise ValueError("its seed or rows do not match the run")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a result of this run ({exc})") from None
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
