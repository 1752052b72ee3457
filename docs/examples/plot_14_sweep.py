"""
A sweep over learning rates and activations
===========================================

:func:`~backproplab.sweep.sweep` trains one network per combination of a grid and a seed,
through joblib, and returns a tidy pandas table (one row per run and epoch). The same run
is the same bits wherever it runs, so a sweep can move to a Dask cluster unchanged. It
needs the ``sweep`` extra (pandas, joblib); without it this example stops early.
"""

# %%
import importlib.util

import matplotlib.pyplot as plt

from backproplab import datasets

if importlib.util.find_spec("pandas") is None or importlib.util.find_spec("joblib") is None:
    print("pandas or joblib is not installed: skipping the sweep")
else:
    from backproplab.sweep import sweep
    from backproplab.viz.sweep import plot_sweep_final, plot_sweep_loss

    X, y = datasets.circles(n_samples=300, seed=0)
    df = sweep(X, y, sizes=[2, 8, 1],
               grid={"eta": [0.5, 3.0], "activation": ["sigmoid", "tanh"]},
               seeds=3, epochs=15, batch_size=10)
    print(df.head())
    final = df[df.epoch == df.epoch.max()]
    print(final.groupby(["eta", "activation"]).accuracy.agg(["mean", "std"]))
    plot_sweep_loss(df)
    plt.show()
    plot_sweep_final(df)
    plt.show()
