"""What the playground's "export" buttons download: bytes made in memory, never a path
the page chose.

- ``model``: ``model.npz``, written by :meth:`Network.save <backproplab.network.Network.save>`
  into a temporary folder of the server's own and read back;
- ``report``: the session's interactive report (:func:`backproplab.viz.page.render_report`)
  over the moments the session kept;
- ``script``: Python that builds the same data, features and network with the library and
  trains it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..data.labels import low_target
from ..viz import page
from .lab import data_noise

KINDS = ("model", "report", "script")


def export(what: str, session) -> tuple[str, str, bytes]:
    """``(file name, MIME type, bytes)`` of one export of ``session`` (its thread only)."""
    if what == "model":
        with tempfile.TemporaryDirectory(prefix="backproplab-export-") as folder:
            path = Path(folder) / "model.npz"
            session.net.save(path, extra={"playground": session.settings.to_dict(),
                                          "features": session.features})  # fmt: skip
            return "model.npz", "application/octet-stream", path.read_bytes()
    if what == "report":
        from .views import run_of

        m = session.moment()  # the newest moment is kept too
        run = run_of(m, session.kept_moments())
        return "report.html", "text/html", page.render_report(run).encode("utf-8")
    if what == "script":
        return "playground.py", "text/x-python", script(session).encode("utf-8")
    raise ValueError(f"export one of {', '.join(KINDS)}")


def script(session) -> str:
    """Python reproducing the session's setup with the library's public API."""
    s, net = session.settings, session.net
    if s.data == "csv":
        load = [
            "# the uploaded CSV: rows x1,x2,label (put its file name here)",
            "import csv",
            "rows = [r for r in csv.reader(open('data.csv')) if r]",
            "rows = [r for r in rows if r[0].strip().lstrip('-').replace('.', '', 1).isdigit()]",
            "X = np.array([[float(r[0]), float(r[1])] for r in rows])",
            "labels = np.array([r[2].strip() for r in rows])",
        ]
    elif s.data == "toy":
        load = [f"X, labels = datasets.toy({s.n_samples})"]
    else:
        noise = data_noise(s)
        load = [f"X, labels = datasets.load({s.data!r}, n_samples={s.n_samples}, "
                f"noise={noise!r}, seed={s.data_seed})"]  # fmt: skip
    n_out = net.sizes[-1]
    if n_out == 1:
        low = low_target(s.output_activation)
        targets = f"Y = np.where(y == 1, 1.0, {low})[:, None]"
    else:
        targets = f"Y = (y[:, None] == np.arange({n_out})[None, :]).astype(float)"
    features = ", ".join(FEATURE_CODE[f] for f in session.features)
    lines = [
        '"""The backproplab playground\'s setup, as a script."""',
        "import numpy as np",
        "",
        "from backproplab import Network, datasets",
        "",
        *load,
        "classes, y = np.unique(labels, return_inverse=True)",
        f"order = np.random.default_rng({s.data_seed}).permutation(len(X))",
        "X, y = X[order], y[order]",
        f"n_train = min(len(X) - 1, max(1, round(len(X) * {s.train_percent} / 100)))",
        "x1, x2 = X[:, 0], (X[:, 1] if X.shape[1] > 1 else np.zeros(len(X)))",
        f"F = np.column_stack([{features}])  # the input features",
        targets,
        f"net = Network({list(net.sizes)}, activation={s.activation!r},",
        f"              output_activation={s.output_activation!r}, cost={s.cost!r},",
        f"              init={s.init!r}, seed={s.seed})",
        f"history = net.train(F[:n_train], Y[:n_train], epochs={max(session.epochs, 1)}, "
        f"batch_size={s.batch_size},",
        f"                    eta={s.eta!r}, seed={s.seed}, optimizer={s.optimizer!r}, "
        f"l1={s.l1!r}, l2={s.l2!r},",
        f"                    dropout={s.dropout if len(net.sizes) > 2 else 0.0!r})",
        'print("training loss", net.cost(F[:n_train], Y[:n_train]))',
        'print("test loss", net.cost(F[n_train:], Y[n_train:]))',
        "",
    ]
    return "\n".join(lines)


FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1**2",
    "x2^2": "x2**2",
    "x1x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}
