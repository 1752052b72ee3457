"""Python that reproduces a run: the one generator behind the report's "Reproduce this
run" snippet and the playground's exported script.

A run file or a page can hold anything, so nothing reaches the code unchecked: every
value is checked to its type and range (``ValueError`` naming the field otherwise) and
written as ``repr`` of the checked value, never as the text it came in. The finished code
is then parsed (:func:`check_code`) and must hold only the statements, calls, names and
literal constants this module writes; anything else is ``ValueError`` too.

Two recipes:

- a run of ``backproplab train``/``demo`` (:func:`for_run`): the data set, the network
  from its seed, and the same ``Network.train`` call, which gives the saved network bit for
  bit;
- a playground session (:func:`for_session`, and :func:`for_run` on a run the playground
  exported): the same data, shuffle, split and features, the network from its seed, then
  the session's training replayed from its :mod:`journal <backproplab.serve.journal>` —
  the same ``train`` calls on the same generator, stopped at the same step when a pause
  and a change cut one mid-epoch, and the weights edited by hand set between them — so
  the script reaches the page's parameters and losses. A session that cannot be replayed
  (its loss became NaN, or it made too many changes) gets its parameters written out
  instead, with a comment saying why.
"""

from __future__ import annotations

import ast
import math

import numpy as np

MAX_TEXT = 200  # characters of a file name or column name written into code
MAX_EPOCHS = 10**6

# -- each value checked to its type and range, written as ``repr`` of the checked value --


def _int(value, name: str, lo: int, hi: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}")
    return repr(int(value))


def _float(value, name: str, lo: float, hi: float, *, open_lo: bool = False) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise ValueError(f"{name} must be a number")
    x = float(value)
    if not math.isfinite(x) or not lo <= x <= hi or (open_lo and x == lo):
        raise ValueError(f"{name} must be a finite number from {lo:g} to {hi:g}")
    return repr(x)


def _bool(value, name: str) -> str:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return repr(value)


def _choice(value, name: str, options) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(sorted(options))}")
    return repr(value)


def _text(value, name: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT or not value.isprintable():
        raise ValueError(f"{name} must be printable text of 1 to {MAX_TEXT} characters")
    return repr(value)


def _matrix(a, name: str) -> str:
    a = np.asarray(a)
    if a.dtype.kind != "f" or a.ndim != 2 or not np.isfinite(a).all():
        raise ValueError(f"{name} must be a matrix of finite numbers")
    return repr([[float(x) for x in row] for row in a])


def _sizes(value) -> list[int]:
    if not isinstance(value, list | tuple) or not 2 <= len(value) <= 64:
        raise ValueError("sizes must be a list of 2 to 64 layer sizes")
    return [int(_int(n, "a layer size", 1, 100_000)) for n in value]


def _network(sizes, activation, output_activation, cost, init, seed) -> list[str]:
    from ..engine.activations import ACTIVATIONS
    from ..engine.costs import COSTS
    from ..engine.init import INITIALISERS

    return [
        f"net = Network({_sizes(sizes)!r}, "
        f"activation={_choice(activation, 'activation', ACTIVATIONS)},",
        f"              output_activation="
        f"{_choice(output_activation, 'output_activation', ACTIVATIONS)},"
        f" cost={_choice(cost, 'cost', COSTS)},",
        f"              init={_choice(init, 'init', INITIALISERS)},"
        f" seed={_int(seed, 'seed', 0, 2**32 - 1)})",
    ]  # fmt: skip


def _encode(sizes, output_activation, problem: str = "classification") -> str:
    """The line that turns ``labels`` into the targets Y: class labels as 0/1 (or low/1)
    or one-hot rows; a regression's real numbers (a CSV's text too) as one column."""
    from ..data.labels import low_target

    if problem == "regression":
        _int(sizes[-1], "outputs of a regression", 1, 1)
        return "Y = np.array(labels, dtype='float64')[:, None]  # the real-valued targets, (n, 1)"

    low = _float(low_target(output_activation), "low target", -1.0, 0.0)
    n_out = _int(sizes[-1], "outputs", 1, 100_000)
    return f"Y, classes = encode_labels(labels, {n_out}, low={low})  # 0/1 or one-hot rows"


# -- a run of ``backproplab train`` -------------------------------------------------------
_PLAIN = {"optimizer": "sgd", "l2": 0.0, "l1": 0.0, "dropout": 0.0, "schedule": None}


def _training_option(key, value) -> str:
    from ..engine.optim import OPTIMIZERS
    from ..engine.schedules import SCHEDULES

    if key == "optimizer":
        return _choice(value, "training.optimizer", OPTIMIZERS)
    if key == "schedule":
        return _choice(value, "training.schedule", SCHEDULES)
    if key in ("l2", "l1", "min_delta"):
        return _float(value, f"training.{key}", 0.0, 1e6)
    if key == "dropout":
        return _float(value, "training.dropout", 0.0, 0.99)
    if key == "validation_fraction":
        return _float(value, "training.validation_fraction", 0.0, 1.0, open_lo=True)
    if key == "patience":
        return _int(value, "training.patience", 1, MAX_EPOCHS)
    if key == "restore_best":
        return _bool(value, "training.restore_best")
    raise ValueError("training holds an option Network.train does not take")


def _cli_lines(run) -> list[str]:
    from ..data import datasets

    s = run.settings
    data = s.get("data")
    if isinstance(data, str) and data.lower().endswith(".csv"):
        load = (f"X, labels = datasets.load_csv({_text(data, 'data')}, "
                f"target={_text(s.get('target'), 'target')})")  # fmt: skip
    else:
        name = _choice(data, "data", datasets.DATASETS)
        takes = datasets.options_of(data)
        args = ""
        if "n_samples" in s and "n_samples" in takes:
            args += f", n_samples={_int(s['n_samples'], 'n_samples', 1, 10**7)}"
        if "noise" in s and "noise" in takes:
            args += f", noise={_float(s['noise'], 'noise', 0.0, 1e6)}"
        if "seed" in takes:
            args += f", seed={_int(s.get('seed', 0), 'seed', 0, 2**32 - 1)}"
        load = f"X, labels = datasets.load({name}{args})"
    training = s.get("training") or {}
    if not isinstance(training, dict):
        raise ValueError("training must be a table of Network.train options")
    extra = "".join(
        f", {key}={_training_option(key, value)}"
        for key, value in training.items()
        if _PLAIN.get(key, "-") != value
    )
    lines = [
        "from backproplab import Network, datasets",
        "from backproplab.data.labels import encode_labels",
        "",
        load,
    ]
    if _bool(s.get("standardize", False), "standardize") == "True":
        lines.append("X = datasets.standardize(X)[0]  # each feature to mean 0, std 1")
    lines += [
        _encode(run.sizes, run.output_activation),
        *_network(
            run.sizes,
            run.activation,
            run.output_activation,
            run.cost,
            s.get("init", "gaussian"),
            s.get("seed", 0),
        ),  # fmt: skip
    ]
    if s.get("hidden_bias") is not None:
        bias = _float(s["hidden_bias"], "hidden_bias", -1e6, 1e6)
        lines += [f"for b in net.biases[:-1]:  # hidden biases start at {bias}",
                  f"    b[...] = {bias}"]  # fmt: skip
    lines += [
        f"history = net.train(X, Y, epochs={_int(s.get('epochs'), 'epochs', 1, MAX_EPOCHS)}, "
        f"batch_size={_int(s.get('batch_size'), 'batch_size', 1, 10**7)},",
        f"                    eta={_float(s.get('eta'), 'eta', 0.0, 1e6, open_lo=True)}, "
        f"seed={_int(s.get('seed', 0), 'seed', 0, 2**32 - 1)}{extra})",
        "print(net.accuracy(X, Y), history.loss_epoch[-1])",
    ]
    return lines


# -- a playground session ----------------------------------------------------------------


def _replay_lines(journal, sizes: list[int], seed: int) -> list[str]:
    """The session's training as calls and edits, each entry of ``journal`` (a list of
    :mod:`backproplab.serve.journal` entries) checked to its type and range."""
    from ..engine.optim import OPTIMIZERS
    from ..serve.journal import MAX_ENTRIES

    if not isinstance(journal, list) or len(journal) > MAX_ENTRIES:
        raise ValueError(f"journal must be a list of at most {MAX_ENTRIES} entries")
    lines = [
        "# the session's training, call by call, on its one generator (shuffles and dropout",
        "# masks); a call ends when a training setting changes or a weight is edited by hand",
        f"rng = np.random.default_rng({_int(seed, 'seed', 0, 2**32 - 1)})",
    ]
    done = 0
    for e in journal:
        kind = e.get("kind") if isinstance(e, dict) else None
        if kind == "optimizer":
            name = _choice(e.get("name"), "optimizer", OPTIMIZERS)
            lines.append(f"opt = optim.get_optimizer({name})")
        elif kind == "train":
            steps = int(_int(e.get("steps"), "steps", 1, 10**12))
            stop = (f", callbacks=[StopAfter({steps})]"
                    if _bool(e.get("partial"), "partial") == "True" else "")  # fmt: skip
            lines += [
                f"# steps {done + 1}–{done + steps}"
                + (" (stopped mid-epoch: paused, then a change)" if stop else ""),
                f"net.train(F[:n_train], Y[:n_train], "
                f"epochs={_int(e.get('epochs'), 'epochs', 1, 10**12)}, "
                f"batch_size={_int(e.get('batch_size'), 'batch_size', 1, 10**7)},",
                f"          eta={_float(e.get('eta'), 'eta', 0.0, 1e6, open_lo=True)}, "
                f"optimizer=opt, l1={_float(e.get('l1'), 'l1', 0.0, 1e6)}, "
                f"l2={_float(e.get('l2'), 'l2', 0.0, 1e6)}, "
                f"dropout={_float(e.get('dropout'), 'dropout', 0.0, 0.99)}, seed=rng{stop})",
            ]
            done += steps
        elif kind == "edit":
            layer = int(_int(e.get("layer"), "layer", 1, len(sizes) - 1))
            j = _int(e.get("j"), "row j", 0, sizes[layer] - 1)
            k = _int(e.get("k"), "column k", 0, sizes[layer - 1] - 1)
            value = _float(e.get("value"), "an edited weight", -1e6, 1e6)
            lines.append(f"net.weights[{layer - 1}][{j}, {k}] = {value}  "
                         f"# W{layer}[{j}, {k}] edited by hand after step {done}")  # fmt: skip
        else:
            raise ValueError("journal entries must be optimizer, train or edit entries")
    if journal and journal[0].get("kind") != "optimizer":
        raise ValueError("a journal starts with its optimizer")
    return lines


def _playground_lines(given: dict, sizes, d: int, params, steps: int,
                      journal=None) -> list[str]:  # fmt: skip
    """``given``: the playground's settings as a dict; ``d``: raw inputs (1 or 2);
    ``params``: ``(weights, biases)`` now, biases (n_ℓ, 1), or None; ``journal``: the
    session's journal entries to replay, or the reason it cannot be replayed (a text)."""
    from ..engine.optim import OPTIMIZERS
    from ..serve.lab import data_noise, features_for
    from ..serve.settings import DATA_SETS, FEATURES, parse_settings

    replay = isinstance(journal, list) and bool(journal)
    s = parse_settings(given)  # the playground's own check of every setting
    if s.data == "csv":
        load = ["# the uploaded CSV (rows x1,x2,label), saved as data.csv beside this script",
                "X, labels = parse_csv(Path('data.csv').read_text(encoding='utf-8'))"]  # fmt: skip
    elif s.data == "drawn":
        what = "value" if s.problem == "regression" else "class (0 or 1)"
        load = [f"# the points drawn on the page: x1, x2 and the {what} of each",
                f"P = np.array({_matrix(np.array(s.points, dtype=float), 'the drawn points')})",
                "X, labels = P[:, :2], P[:, 2]"]  # fmt: skip
    elif s.data == "toy":
        load = [f"X, labels = datasets.toy({_int(s.n_samples, 'n_samples', 1, 10**6)})"]
    else:
        noise = _float(data_noise(s.data, s.noise), "noise", 0.0, 1e6)
        load = [f"X, labels = datasets.load({_choice(s.data, 'data', DATA_SETS)}, "
                f"n_samples={_int(s.n_samples, 'n_samples', 1, 10**6)}, noise={noise}, "
                f"seed={_int(s.data_seed, 'data_seed', 0, 2**32 - 1)})"]  # fmt: skip
    _int(d, "raw inputs", 1, 2)
    features = features_for(s, d)
    if _sizes(sizes)[:-1] != [len(features), *s.hidden]:
        raise ValueError("sizes do not match the playground's features and hidden layers")
    dropout = s.dropout if len(sizes) > 2 else 0.0
    csv = s.data == "csv"
    split = [
        "# the playground's shuffle and split",
        f"order = np.random.default_rng({_int(s.data_seed, 'data_seed', 0, 2**32 - 1)})"
        ".permutation(len(X))",
        "X, Y = X[order], Y[order]",
        f"n_train = min(len(X) - 1, max(1, round(len(X) * "
        f"{_int(s.train_percent, 'train_percent', 1, 99)} / 100)))",
    ]
    if s.data == "drawn":
        split = ["n_train = len(X)  # drawn points are all training points, in the order drawn"]
    lines = [
        '"""A backproplab playground session, as a script."""',
        *(["from pathlib import Path", ""] if csv else []),
        "import numpy as np",
        "",
        f"from backproplab import Network, datasets{', optim' if replay else ''}",
        "from backproplab.data.labels import encode_labels",
        *(["from backproplab.serve.settings import parse_csv"] if csv else []),
        *(["from backproplab.training.callbacks import StopAfter"] if replay else []),
        "",
        *load,
        _encode(sizes, s.output_activation, s.problem),
        *split,
        "x1 = X[:, 0]",
        "x2 = X[:, 1]" if d == 2 else "x2 = np.zeros(len(X))",
        f"F = np.column_stack([{', '.join(FEATURES[f].code for f in features)}])"
        "  # the input features",
        *_network(sizes, s.activation, s.output_activation, s.cost, s.init, s.seed),
    ]
    if replay:
        lines += _replay_lines(journal, _sizes(sizes), s.seed)
    elif params is None:
        lines.append("# (the run file kept no parameters: this is the network as it started)")
    else:
        steps_text = _int(steps, "steps", 0, 10**12)
        why = "the session kept no journal of its training"
        if journal is not None:
            _text(journal, "journal")  # printable, one line: safe in a comment
            why = f"the session's training cannot be replayed: {journal}"
        lines += [f"# {why};", f"# so, the parameters after {steps_text} steps "
                  "(weights edited by hand included)"]  # fmt: skip
        for i, (W, b) in enumerate(zip(*params, strict=True)):
            lines.append(f"net.weights[{i}][...] = {_matrix(W, 'a weight matrix')}")
            lines.append(f"net.biases[{i}][...] = {_matrix(b, 'a bias vector')}")
    lines += [
        'print("training loss", net.cost(F[:n_train], Y[:n_train]))',
        *([] if s.data == "drawn" else ['print("test loss", net.cost(F[n_train:], Y[n_train:]))']),
        *(
            ["# train on from here: one more epoch, on the same generator and optimizer"]
            if replay
            else [
                "# train on from here: one more epoch (the optimizer's state, e.g.",
                "# Adam's moments, starts afresh)",
            ]
        ),  # fmt: skip
        f"history = net.train(F[:n_train], Y[:n_train], epochs=1, "
        f"batch_size={_int(s.batch_size, 'batch_size', 1, 10**7)},",
        f"                    eta={_float(s.eta, 'eta', 0.0, 1e6, open_lo=True)}, optimizer="
        f"{'opt' if replay else _choice(s.optimizer, 'optimizer', OPTIMIZERS)}, "
        f"l1={_float(s.l1, 'l1', 0.0, 1e6)}, l2={_float(s.l2, 'l2', 0.0, 1e6)},",
        f"                    dropout={_float(dropout, 'dropout', 0.0, 0.99)}, "
        f"seed={'rng' if replay else _int(s.seed, 'seed', 0, 2**32 - 1)})",
        'print("training loss after one more epoch", net.cost(F[:n_train], Y[:n_train]))',
    ]
    return lines


def _is_playground(settings) -> bool:
    return isinstance(settings, dict) and "train_percent" in settings and "features" in settings


def for_run(run) -> str:
    """The report's snippet for ``run`` (a :class:`~backproplab.formats.runfile.Run`).

    Raises:
        ValueError: naming the field of the run that cannot be written as code.
    """
    if _is_playground(run.settings):
        params = None
        if run.weights is not None:
            params = ([W[-1] for W in run.weights], [b[-1][:, None] for b in run.biases])
        lines = _playground_lines(run.settings, run.sizes, run.X.shape[1], params,
                                  int(run.step[-1]), run.journal)  # fmt: skip
    else:
        lines = _cli_lines(run)
    return check_code("\n".join(lines) + "\n")


def for_session(session) -> str:
    """The playground's exported script for ``session`` (on its thread)."""
    net = session.net
    params, journal = (net.weights, net.biases), session.journal.export(session.steps)
    lines = _playground_lines(session.settings.to_dict(), net.sizes, session.data.X.shape[1],
                              params, session.steps, journal)  # fmt: skip
    return check_code("\n".join(lines) + "\n")


def refusal(exc: ValueError) -> str:
    """A snippet that says why no code could be written (one comment line)."""
    return check_code(f"# This run cannot be written as code: {' '.join(str(exc).split())}\n")


# -- the check of the finished code -------------------------------------------------------
CALLS = {
    "Network", "datasets.load", "datasets.load_csv", "datasets.toy", "datasets.standardize",
    "encode_labels", "parse_csv", "Path", "Path().read_text", "np.random.default_rng",
    "np.random.default_rng().permutation", "np.column_stack", "np.sin", "np.zeros", "len",
    "min", "max", "round", "net.train", "net.cost", "net.accuracy", "print", "np.array",
    "optim.get_optimizer", "StopAfter",
}  # fmt: skip
NAMES = {
    "Network", "datasets", "encode_labels", "parse_csv", "Path", "np", "len", "min", "max",
    "round", "print", "X", "labels", "Y", "classes", "order", "n_train", "x1", "x2", "F",
    "net", "history", "b", "P", "rng", "opt", "optim", "StopAfter",
}  # fmt: skip
ATTRIBUTES = {"weights", "biases", "loss_epoch", "random"}
IMPORTS = {
    "pathlib": {"Path"},
    "numpy": set(),
    "backproplab": {"Network", "datasets", "optim"},
    "backproplab.training.callbacks": {"StopAfter"},
    "backproplab.data.labels": {"encode_labels"},
    "backproplab.serve.settings": {"parse_csv"},
}
_NODES = (
    ast.Module, ast.Expr, ast.Assign, ast.For, ast.Import, ast.ImportFrom, ast.alias, ast.Call,
    ast.keyword, ast.Attribute, ast.Name, ast.Constant, ast.List, ast.Tuple, ast.Subscript,
    ast.Slice, ast.BinOp, ast.UnaryOp, ast.Load, ast.Store, ast.Add, ast.Sub, ast.Mult,
    ast.Div, ast.Pow, ast.USub,
)  # fmt: skip


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_dotted(node.func)}()"
    return "?"


def check_code(text: str) -> str:
    """``text`` if it parses and holds only this module's calls, names, imports and
    literal constants (numbers, text, True/False/None, ``...``); ValueError otherwise."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        raise ValueError("the generated code does not parse") from None
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise ValueError(f"the generated code holds a {type(node).__name__}")
        if isinstance(node, ast.Call) and _dotted(node.func) not in CALLS:
            raise ValueError(f"the generated code calls {_dotted(node.func)[:40]}")
        if isinstance(node, ast.Name) and node.id not in NAMES:
            raise ValueError(f"the generated code names {node.id[:40]}")
        if isinstance(node, ast.Attribute) and not (node.attr in ATTRIBUTES or
                                                    _dotted(node) in CALLS):  # fmt: skip
            raise ValueError(f"the generated code reads .{node.attr[:40]}")
        if isinstance(node, ast.Constant) and not (
            node.value is None or node.value is Ellipsis
            or type(node.value) in (bool, int, float, str)
        ):  # fmt: skip
            raise ValueError("the generated code holds a constant that is not a literal")
        if isinstance(node, ast.Import) and [(a.name, a.asname) for a in node.names] != [
            ("numpy", "np")
        ]:
            raise ValueError("the generated code imports something unexpected")
        if isinstance(node, ast.ImportFrom) and (
            node.module not in IMPORTS or any(a.name not in IMPORTS[node.module] or a.asname
                                              for a in node.names)
        ):  # fmt: skip
            raise ValueError("the generated code imports something unexpected")
    return text
