"""backproplab.sweep: the table against networks trained one by one, and the same bits
through joblib's processes and a Dask cluster."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from matplotlib.collections import PathCollection

pd = pytest.importorskip("pandas")
pytest.importorskip("joblib")

from backproplab import Network, datasets  # noqa: E402
from backproplab.sweep import plan, sweep  # noqa: E402
from backproplab.sweep.runs import SweepRun, expand_grid, parse_seeds, train_run  # noqa: E402
from backproplab.sweep.store import ResultsFolder  # noqa: E402
from backproplab.viz.sweep import final_rows, plot_sweep_final, plot_sweep_loss  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return datasets.circles(n_samples=120, seed=0)


COMMON = dict(sizes=[2, 4, 1], epochs=4, batch_size=10)
GRID = {"eta": [0.5, 3.0], "activation": ["sigmoid", "tanh"]}


def test_table_is_tidy_and_equals_networks_trained_one_by_one(data):
    X, y = data
    df = sweep(X, y, grid=GRID, seeds=[0, 7], eta=1.0, **COMMON)
    assert list(df.columns) == [
        "eta",
        "activation",
        "seed",
        "epoch",
        "loss",
        "accuracy",
        "diverged",
    ]
    assert len(df) == 2 * 2 * 2 * 4
    # rows: grid order (last key fastest), then seed, then epoch
    first = df.drop_duplicates(["eta", "activation", "seed"])
    assert first[["eta", "activation", "seed"]].values.tolist() == [
        [e, a, s] for e in (0.5, 3.0) for a in ("sigmoid", "tanh") for s in (0, 7)
    ]
    for (eta, act, seed), rows in df.groupby(["eta", "activation", "seed"]):
        net = Network([2, 4, 1], activation=act, seed=seed)
        history = net.train(X, y, epochs=4, batch_size=10, eta=eta, seed=seed, evaluate=True)
        np.testing.assert_array_equal(rows["epoch"], [1, 2, 3, 4])
        np.testing.assert_array_equal(rows["loss"], history.loss_epoch)
        np.testing.assert_array_equal(rows["accuracy"], history.accuracy_epoch)
        assert rows["accuracy"].iloc[-1] == net.accuracy(X, y)
    assert not df["diverged"].any()


def test_grid_may_hold_sizes_epochs_and_dtype(data):
    X, y = data
    df = sweep(X, y, grid={"sizes": [(2, 3, 1), (2, 5, 1)], "epochs": [1, 3],
                           "dtype": [np.float32, "float64"]},
               seeds=1, batch_size=20, eta=3.0)  # fmt: skip
    assert df.groupby(["sizes", "epochs", "dtype"]).size().tolist() == [1, 1, 3, 3] * 2
    assert set(df["dtype"]) == {"float32", "float64"}
    rows = df[(df["sizes"] == (2, 5, 1)) & (df["dtype"] == "float32") & (df["epochs"] == 3)]
    net = Network([2, 5, 1], seed=0, dtype=np.float32)
    history = net.train(X, y, epochs=3, batch_size=20, eta=3.0, seed=0, evaluate=True)
    np.testing.assert_array_equal(rows["loss"], history.loss_epoch.astype(float))


def test_validation_columns_are_the_held_out_cost_and_accuracy(data):
    X, y = data
    X_val, y_val = datasets.circles(n_samples=50, seed=1)
    df = sweep(X, y, grid={}, seeds=[3], eta=3.0, X_val=X_val, Y_val=y_val, **COMMON)
    assert list(df.columns)[-3:] == ["val_loss", "val_accuracy", "diverged"]
    net = Network([2, 4, 1], seed=3)
    net.train(X, y, epochs=4, batch_size=10, eta=3.0, seed=3)
    assert df["val_loss"].iloc[-1] == net.cost(X_val, y_val)
    assert df["val_accuracy"].iloc[-1] == net.accuracy(X_val, y_val)


def test_regression_targets_leave_accuracy_nan(rng):
    X = rng.standard_normal((40, 3))
    Y = X @ np.array([[0.5], [-1.0], [0.25]])
    df = sweep(X, Y, sizes=[3, 4, 1], grid={"init": ["xavier", "he"]}, seeds=2, epochs=2,
               batch_size=8, eta=0.05, activation="tanh", output_activation="linear")  # fmt: skip
    assert df["accuracy"].isna().all() and np.isfinite(df["loss"]).all()


def test_a_diverging_run_is_kept_and_marked(data):
    X, y = data
    df = sweep(X, y, grid={"eta": [1e8, 1.0]}, seeds=[0], activation="relu",
               output_activation="linear", **COMMON)  # fmt: skip
    bad, good = df[df["eta"] == 1e8], df[df["eta"] == 1.0]
    assert bad["diverged"].all() and math.isnan(bad["loss"].iloc[-1])
    assert len(bad) < 4 + 1 and len(good) == 4 and not good["diverged"].any()
    last = final_rows(df, "accuracy")
    assert len(last) == 2


def test_local_processes_give_the_same_bits(data):
    X, y = data
    one = sweep(X, y, grid=GRID, seeds=2, eta=1.0, n_jobs=1, **COMMON)
    two = sweep(X, y, grid=GRID, seeds=2, eta=1.0, n_jobs=2, **COMMON)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_bits_as_n_jobs_1(data):
    """The issue's test: LocalCluster(n_workers=2, processes=True) equals n_jobs=1."""
    distributed = pytest.importorskip("distributed")
    import joblib

    X, y = data
    local = sweep(X, y, grid=GRID, seeds=3, eta=1.0, n_jobs=1, **COMMON)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        joblib.parallel_config(backend="dask"),
    ):
        remote = sweep(X, y, grid=GRID, seeds=3, eta=1.0, **COMMON)
        workers = client.run(lambda: 1)
    assert len(workers) == 2
    pd.testing.assert_frame_equal(local, remote, check_exact=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(grid={"momentum": [0.9]}), ValueError, "unknown grid key 'momentum'"),
        (dict(grid={"eta": []}), ValueError, "is empty"),
        (dict(grid={"eta": 0.5}), TypeError, "must be a list"),
        (dict(grid={"eta": [1.0, 1.0]}), ValueError, "repeats"),
        (dict(grid={"activation": ["sigmoid", "nope"]}), ValueError, "unknown activation"),
        (dict(grid={}, seeds=0), ValueError, "positive count"),
        (dict(grid={}, seeds=[1, 1]), ValueError, "distinct"),
        (dict(grid={}, callbacks=[]), TypeError, "unknown option"),
        (dict(grid={}, eta=None), ValueError, "eta must be given"),
        (dict(grid={"eta": [-1.0]}), ValueError, "eta"),
        (dict(grid={}, sizes=[3, 4, 1]), ValueError, "feature"),
        (dict(grid={}, X_val=np.zeros((2, 2))), ValueError, "both X_val and Y_val"),
    ],
)
def test_mistakes_raise_before_any_run(kwargs, error, message, data, monkeypatch):
    import backproplab.sweep as sweep_module

    def never(*args, **kw):
        raise AssertionError("a run was started")

    monkeypatch.setattr(sweep_module, "train_run", never)
    X, y = data
    options = {**COMMON, "eta": 1.0, "seeds": 2, **kwargs}
    with pytest.raises(error, match=message):
        sweep(X, y, **options)


def test_plan_order_and_run_keys():
    runs = plan({"eta": [1, 2], "init": ["xavier", "he"]}, [5, 6])
    assert [(dict(r.setting)["eta"], dict(r.setting)["init"], r.seed) for r in runs][:3] == [
        (1.0, "xavier", 5), (1.0, "xavier", 6), (1.0, "he", 5)]  # fmt: skip
    keys = [r.key() for r in runs]
    assert len(set(keys)) == len(keys) == 8
    assert plan({"eta": [1.0]}, [5])[0].key() == plan({"eta": [1]}, [5])[0].key()
    assert expand_grid({}) == [()]
    assert parse_seeds(3) == [0, 1, 2] and parse_seeds(range(2, 4)) == [2, 3]


def test_results_folder_round_trip_and_mismatch(tmp_path, data):
    X, y = data
    run = SweepRun((("eta", 1e8), ("sizes", (2, 3, 1))), 0)
    fixed = {"epochs": 2, "batch_size": 10, "activation": "relu", "output_activation": "linear"}
    rows = train_run(X, y, run, fixed)
    assert math.isnan(rows[-1]["loss"])  # a diverged run's NaN row goes through JSON too
    store = ResultsFolder(tmp_path / "out", {"data": "circles"})
    assert not (tmp_path / "out").exists()  # checking writes nothing
    store.create()
    assert store.done([run]) == []
    store.write(run, rows)
    assert store.done([run]) == [run]
    back = store.read(run)
    assert back[0]["sizes"] == (2, 3, 1)
    pd.testing.assert_frame_equal(pd.DataFrame(back), pd.DataFrame(rows))
    json.loads(store.path(run).read_text())  # standard JSON: no NaN literals
    assert "NaN" not in store.path(run).read_text()
    with pytest.raises(ValueError, match="other settings"):
        ResultsFolder(tmp_path / "out", {"data": "moons"})


def test_figures_have_a_line_per_setting_and_a_dot_per_run(data):
    X, y = data
    df = sweep(X, y, grid=GRID, seeds=3, eta=1.0, **COMMON)
    fig = plot_sweep_loss(df)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 4
    np.testing.assert_allclose(
        ax.get_lines()[0].get_ydata(),
        df[(df.eta == 0.5) & (df.activation == "sigmoid")].groupby("epoch")["loss"].median(),
    )
    fig = plot_sweep_final(df)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "eta=0.5, activation=sigmoid"
    dots = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert dots == 12


def test_loss_figure_of_runs_that_blow_up_stays_linear(data):
    X, y = data
    df = sweep(X, y, grid={"eta": [1e8, 1.0]}, seeds=[0, 1], activation="relu",
               output_activation="linear", **COMMON)  # fmt: skip
    plot_sweep_final(df)
    ax = plot_sweep_loss(df).axes[0]
    assert ax.get_yscale() == ("linear" if df["loss"].max() >= 1e200 else "log")
