"""``backproplab sweep``: many training runs from flags, on this machine or a Dask cluster.

::

    backproplab sweep --data circles --layers 2,8,1 --grid eta=0.5,1,3 --seeds 0-9
    backproplab sweep ... --backend dask --scheduler tcp://10.0.0.5:8786

Every (setting, seed) run goes through :func:`backproplab.sweep.iter_results` (joblib,
with the ``dask`` backend when asked) and is stored in ``--out``/runs/ as soon as it
finishes (:mod:`backproplab.sweep.store`); running the same command again trains only
the runs that have no file yet. At the end the folder gets ``results.csv`` (the tidy
table), ``loss.png`` (loss curves per setting, the spread over seeds) and
``final-accuracy.png`` (the final accuracy of every setting, a dot per seed).
"""

from __future__ import annotations

import argparse
import contextlib
import math
from pathlib import Path

import numpy as np

from ..formats.text import quoted, shown
from ..validation import check_positive_int
from . import limits
from .commands import add_command, option, output_options
from .limits import parse_layers

_FLOAT_KEYS = {"eta"}
_INT_KEYS = {"epochs", "batch_size"}
_BOOL_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_seeds(text: str) -> list[int]:
    """``"0-9"`` -> 0…9; ``"0,3,7"`` and ``"0-4,9"`` as written; ``"5"`` is the seed 5.
    Each seed is from 0 to 2³² − 1, and there are at most ``MAX_RUNS`` (counted before
    any range is expanded).

    >>> parse_seeds("0-2,7")
    [0, 1, 2, 7]
    """
    from .limits import MAX_RUNS, MAX_SEED

    ranges = []
    try:
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            lo, hi = int(first), int(last) if last else int(first)
            if not 0 <= lo <= hi <= MAX_SEED:
                raise ValueError
            ranges.append((lo, hi))
    except ValueError:
        raise ValueError(
            f"--seeds must be seeds from 0 to {MAX_SEED} or ranges like 0-9 or 0,3,7, "
            f"got {quoted(text)}"
        ) from None
    count = sum(hi - lo + 1 for lo, hi in ranges)
    if count > MAX_RUNS:
        raise ValueError(f"--seeds {quoted(text)} names {count:,} seeds; at most {MAX_RUNS:,}")
    seeds = [seed for lo, hi in ranges for seed in range(lo, hi + 1)]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"--seeds names a seed twice: {quoted(text)}")
    return seeds


def _grid_value(key: str, text: str):
    if key == "sizes":
        return tuple(parse_layers(text.replace(":", ","), "--grid layers"))
    if key in _FLOAT_KEYS:
        return float(text)
    if key in _INT_KEYS:
        return int(text)
    if key == "shuffle":
        if text.lower() not in _BOOL_WORDS:
            raise ValueError
        return _BOOL_WORDS[text.lower()]
    if key == "output_activation" and text.lower() == "none":
        return None
    return text


def parse_grid(items: list[str]) -> dict[str, list]:
    """``["eta=0.5,1,3", "layers=2:8:1,2:16:1"]`` -> ``{"eta": [0.5, 1.0, 3.0], "sizes":
    [(2, 8, 1), (2, 16, 1)]}``; keys may use - or _ (``batch-size``)."""
    from ..sweep.runs import GRID_KEYS

    grid: dict[str, list] = {}
    for item in items:
        name, sep, values = item.partition("=")
        key = name.strip().replace("-", "_")
        key = "sizes" if key == "layers" else key
        if not sep or not values:
            raise ValueError(f"--grid takes KEY=V1,V2,…, got {quoted(item)}")
        if key not in GRID_KEYS:
            known = ", ".join(k.replace("_", "-") for k in GRID_KEYS if k != "sizes")
            raise ValueError(f"--grid: unknown key {quoted(name)}; choose from: layers, {known}")
        if key in grid:
            raise ValueError(
                f"--grid gives {quoted(name)} twice; list all its values in one --grid"
            )
        try:
            grid[key] = [_grid_value(key, v.strip()) for v in values.split(",")]
        except ValueError:
            raise ValueError(
                f"--grid {shown(name)}: cannot read the values {quoted(values)}"
            ) from None
    return grid


FILES = ("sweep.json", "results.csv", "loss.png", "final-accuracy.png", "final-loss.png")
FOLDERS = ("runs",)  # each finished run's file (sweep.store)


def check_plan_size(grid: dict[str, list], seeds: list[int]) -> None:
    """At most ``MAX_RUNS`` runs, counted before the grid is expanded."""
    from .limits import MAX_RUNS

    settings = math.prod(len(values) for values in grid.values())
    if settings * len(seeds) > MAX_RUNS:
        raise ValueError(
            f"the sweep asks for {settings:,} setting(s) × {len(seeds):,} seed(s) = "
            f"{settings * len(seeds):,} runs; at most {MAX_RUNS:,}"
        )


def check_plan_work(runs, fixed: dict, n_samples: int) -> None:
    """The whole plan's training within ``MAX_WORK`` multiply-adds (see
    :mod:`backproplab.cli.limits`), and each run's epochs within the history's memory."""
    from ..sweep.runs import run_options
    from .limits import check_work, training_work

    work = 0
    for run in runs:
        network, train = run_options(run, fixed)
        epochs = train.get("epochs", 1)
        check_positive_int(epochs, "--epochs")
        work += training_work(list(network["sizes"]), n_samples, epochs)
    check_work(work, f"the sweep ({len(runs):,} runs)")


@contextlib.contextmanager
def _backend(args):
    """joblib's backend for the runs: local processes, or a Dask cluster's workers."""
    backend = "dask" if args.scheduler is not None else args.backend
    if backend != "dask":
        yield args.n_jobs if args.n_jobs is not None else -1, "this machine"
        return
    try:
        import joblib
        from dask.distributed import Client
    except ImportError:
        raise ValueError(
            "--backend dask needs dask.distributed: pip install 'backproplab[sweep]'"
        ) from None
    if args.scheduler is None:
        client = Client(processes=True, dashboard_address=None)  # a local cluster to try it
    else:
        client = Client(args.scheduler, timeout="10s")
    with client, joblib.parallel_config(backend="dask"):
        yield args.n_jobs, f"Dask scheduler {client.scheduler.address}"


def _save_figure(fig, path: Path) -> None:
    from ..formats.files import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110)


def _summary(df) -> list[str]:
    """One line per setting: the final accuracy (or loss) as mean ± sd over seeds."""
    from ..viz.sweep import final_rows, grid_keys

    keys = grid_keys(df)
    metric = "accuracy" if df["accuracy"].notna().any() else "loss"
    last = final_rows(df, metric)
    groups = last.groupby(keys, sort=False, dropna=False) if keys else [("all runs", last)]
    lines = []
    for key, rows in groups:
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{k}={v}" for k, v in zip(keys, key, strict=True)) if keys else key[0]
        values = rows[metric].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        mean = float(np.mean(values)) if len(values) else math.nan
        sd = float(np.std(values, ddof=1)) if len(values) > 1 else math.nan
        diverged = int(rows["diverged"].sum())
        note = f" ({diverged} diverged)" if diverged else ""
        lines.append(f"  {label:<40} final {metric} {mean:.4f} ± {sd:.4f}{note}")
    return lines


def cmd_sweep(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from ..data.labels import encode_labels, low_target
    from ..engine.costs import output_for_cost
    from ..formats.files import atomic_write_text
    from ..sweep import check_runs, fixed_options, iter_results, plan, to_frame
    from ..sweep.store import ResultsFolder
    from ..viz.sweep import plot_sweep_final, plot_sweep_loss
    from .limits import check_layers
    from .output import check_out_folder, claim_folder
    from .pipeline import load_data

    say = (lambda *a: None) if args.quiet else print
    sizes = parse_layers(args.layers)
    check_layers(sizes)
    grid = parse_grid(args.grid)
    seeds = parse_seeds(args.seeds)
    check_plan_size(grid, seeds)
    limits.check_eta(args.eta)
    for eta in grid.get("eta", []):
        limits.check_eta(eta, "--grid eta")
    if args.validation is not None and not 0 < args.validation < 1:
        raise ValueError(f"--validation must be a fraction between 0 and 1, got {args.validation}")
    out = Path(args.out)
    inputs = [Path(args.data)] if args.data.lower().endswith(".csv") else []
    X, labels, title = load_data(args.data, args.target, args.n_samples, args.noise,
                                 args.data_seed)  # fmt: skip
    output = args.output_activation or output_for_cost(args.cost, sizes[-1])
    Y, _ = encode_labels(labels, sizes[-1], low=low_target(output or args.activation))
    options = dict(activation=args.activation, output_activation=output, cost=args.cost,
                   init=args.init, dtype=args.dtype)  # fmt: skip
    fixed = fixed_options(sizes, args.epochs, args.batch_size, args.eta, options)
    X_val = Y_val = None
    if args.validation is not None:
        from sklearn.model_selection import train_test_split

        X, X_val, Y, Y_val = train_test_split(
            X, Y, test_size=args.validation, random_state=args.data_seed, stratify=labels
        )
    runs = plan(grid, seeds)
    X, Y, X_val, Y_val = check_runs(X, Y, runs, fixed, X_val, Y_val)
    check_plan_work(runs, fixed, len(X) + (0 if X_val is None else len(X_val)))
    check_out_folder(out, command="sweep", names=FILES, inputs=inputs, force=args.force,
                     folders=FOLDERS)  # fmt: skip
    shared = {
        "data": args.data, "target": args.target, "n_samples": args.n_samples,
        "noise": args.noise, "data_seed": args.data_seed, "validation": args.validation,
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in fixed.items()},
    }  # fmt: skip
    store = ResultsFolder(out, shared)
    done = store.done(runs)
    todo = [run for run in runs if run not in set(done)]
    settings = len(runs) // len(seeds)
    say(f"sweep on {title}: {settings} setting(s) × {len(seeds)} seed(s) = {len(runs)} runs")
    if done:
        say(f"resuming: {len(done)} of {len(runs)} runs already in {out}; training {len(todo)}")
    with _backend(args) as (n_jobs, where):
        store.create()
        claim_folder(out, command="sweep", names=FILES, inputs=inputs, force=args.force,
                     folders=FOLDERS)  # fmt: skip
        if todo:
            say(f"training {len(todo)} runs on {where}")
        bar = tqdm(total=len(runs), initial=len(done), desc="runs", unit="run",
                   disable=True if args.quiet else None)  # fmt: skip
        with bar:
            for run, rows in iter_results(X, Y, todo, fixed, n_jobs=n_jobs, X_val=X_val,
                                          Y_val=Y_val):  # fmt: skip
                store.write(run, rows)
                bar.update(1)
    df = to_frame(runs, {run: store.read(run) for run in runs}, validation=X_val is not None)
    table = df.copy()
    if "sizes" in table.columns:
        table["sizes"] = [",".join(map(str, s)) for s in table["sizes"]]
    atomic_write_text(out / "results.csv", table.to_csv(index=False))
    _save_figure(plot_sweep_loss(df), out / "loss.png")
    final = "accuracy" if df["accuracy"].notna().any() else "loss"
    _save_figure(plot_sweep_final(df, final), out / f"final-{final}.png")
    say(f"trained {len(todo)} runs; results of all {len(runs)}:")
    for line in _summary(df):
        say(line)
    say(f"wrote {out}/: results.csv loss.png final-{final}.png runs/")
    return 0


def register(sub) -> None:
    """Add ``sweep`` to the ``backproplab`` parser."""
    add_command(
        sub,
        "sweep",
        cmd_sweep,
        help="train a grid of settings × seeds (locally or on a Dask cluster), resumable",
        description=(
            "Train one network per grid setting and seed; results are stored run by run in --out,"
            " so running the same command again resumes."
        ),
        options=[
            option(
                "--data",
                default="circles",
                help="toy, circles, moons, xor, spirals, blobs, digits, iris, or FILE.csv",
            ),
            option("--target", help="the target column of --data FILE.csv"),
            option("--samples", dest="n_samples", type=int, default=None, help="data set size"),
            option("--noise", type=float, default=None, help="noise of generated data"),
            option("--data-seed", type=int, default=0, help="seed of the data set (default 0)"),
            option(
                "--validation",
                type=float,
                default=None,
                help="hold out this fraction of the data and evaluate it every epoch",
            ),
            option("--layers", default="2,3,3,1", help="layer sizes, input first"),
            option("--activation", default="sigmoid", help="hidden activation"),
            option(
                "--output-activation",
                default=None,
                help=(
                    "output activation (default: the one the cost is made for, else the hidden one)"
                ),
            ),
            option("--cost", default="quadratic", help="quadratic or cross-entropy"),
            option("--init", default="gaussian", help="gaussian, scaled, xavier or he"),
            option(
                "--dtype",
                default="float64",
                choices=["float32", "float64"],
                help="the networks' floating-point type",
            ),
            option("--epochs", type=int, default=30, help="passes over the data"),
            option("--batch-size", type=int, default=10, help="mini-batch size"),
            option("--eta", type=float, default=3.0, help="learning rate"),
            option(
                "--grid",
                action="append",
                default=[],
                metavar="KEY=V1,V2,…",
                help=(
                    "values to sweep, e.g. eta=0.5,1,3 or activation=sigmoid,tanh or "
                    "layers=2:8:1,2:16:1; repeat for more keys (all combinations run)"
                ),
            ),
            option("--seeds", default="0-4", help="seeds, e.g. 0-9 or 0,3,7 (default 0-4)"),
            option(
                "--n-jobs",
                type=int,
                default=None,
                help="parallel runs (default: every core locally, every Dask worker)",
            ),
            option(
                "--backend",
                choices=["local", "dask"],
                default="local",
                help="local processes (joblib's loky) or a Dask cluster",
            ),
            option(
                "--scheduler",
                default=None,
                metavar="ADDRESS",
                help=(
                    "Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --backend dask; "
                    "--backend dask without it starts a local cluster)"
                ),
            ),
            *output_options("results folder", default="backproplab-sweep"),
        ],
    )
