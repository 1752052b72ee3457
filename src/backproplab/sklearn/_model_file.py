"""The estimators' model-file metadata, as plain JSON and back — pure functions that know
nothing of the estimators.

An estimator's model file is the network's file (:mod:`backproplab.formats.modelfile`)
whose metadata ``extra`` holds, as JSON: ``estimator`` (the class name), ``params`` (what
``get_params`` returns), ``n_features_in``, optional ``feature_names_in``, ``n_iter``,
``loss_curve``, ``rng_state`` (the training generator's state, so training goes on after
loading exactly as without saving), and the targets' key (``classes`` or ``n_outputs``).
:meth:`BackpropEstimator.save <backproplab.sklearn._base.BackpropEstimator.save>` and
``load`` call the functions here; every value read back is checked again.
"""

from __future__ import annotations

import json
import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import unique_labels

# Label dtypes a model file can hold: unicode strings, integers, unsigned, floats, bools,
# and object arrays whose elements are all str, int, float and bool.
LABEL_KINDS = {"U", "i", "u", "f", "b", "O"}
# The class labels are read from at most 1 MiB of JSON; their array may take at most
# this much (a file declaring dtype "<U200000000" would otherwise ask for gigabytes).
MAX_LABEL_BYTES = 1 << 24  # 16 MiB
KEYS = frozenset({"estimator", "params", "n_features_in", "n_iter", "loss_curve", "rng_state"})
OPTIONAL_KEYS = frozenset({"feature_names_in"})


def params_to_json(params: dict) -> dict:
    """``get_params()`` as JSON: ``hidden_layer_sizes`` as a list, a ``RandomState`` as None
    (it has no JSON form; the generator's state is kept apart), NumPy scalars as numbers."""
    params = dict(params)
    sizes = params["hidden_layer_sizes"]
    params["hidden_layer_sizes"] = [
        int(s) for s in ([sizes] if isinstance(sizes, Integral) else sizes)
    ]
    if not isinstance(params["random_state"], Integral):
        params["random_state"] = None
    return {k: _plain(v) for k, v in params.items()}


def params_from_json(params, names) -> dict:
    """The estimator's keyword arguments from the file's ``params``; ValueError unless they
    are exactly ``names``."""
    names = set(names)
    if not isinstance(params, dict) or set(params) != names:
        raise ValueError(f"params must be an object with exactly the keys {sorted(names)}")
    params = dict(params)
    if isinstance(params["hidden_layer_sizes"], list):
        params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
    return params


def check_keys(extra: dict, target_keys) -> None:
    """ValueError unless ``extra`` has exactly the keys a model file of this kind holds."""
    keys = KEYS | set(target_keys)
    if not keys <= set(extra) <= keys | OPTIONAL_KEYS:
        missing, unknown = sorted(keys - set(extra)), sorted(set(extra) - keys - OPTIONAL_KEYS)
        raise ValueError(f"wrong keys (missing {missing}, unknown {unknown})")


def check_json(extra: dict, what: str) -> None:
    """ValueError naming ``what`` if ``extra`` cannot be written as strict JSON."""
    try:
        json.dumps(extra, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cannot save {what}: {exc}") from None


def feature_names_from_json(names, n_features: int) -> np.ndarray:
    if not (
        isinstance(names, list)
        and len(names) == n_features
        and all(isinstance(f, str) for f in names)
    ):
        raise ValueError("feature_names_in must be n_features_in strings")
    return np.array(names, dtype=object)


def loss_curve_from_json(curve, n_iter: int) -> list[float]:
    if not (
        isinstance(curve, list)
        and len(curve) == n_iter
        and all(_is_number(v) and math.isfinite(v) for v in curve)
    ):
        raise ValueError("loss_curve must be n_iter finite numbers")
    return [float(v) for v in curve]


def rng_from_state(state) -> np.random.Generator:
    """A PCG64 ``Generator`` in the saved ``state``."""
    if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
        raise ValueError("rng_state must be the state of a PCG64 generator")
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = state
    return rng


def classes_to_json(classes: np.ndarray) -> dict:
    """``classes_`` as ``{"dtype", "values"}``; ValueError for labels JSON cannot hold."""
    if classes.dtype.kind not in LABEL_KINDS:
        raise ValueError(
            f"cannot save class labels of dtype {classes.dtype}; a model file holds "
            "str, int, float and bool labels only"
        )
    values = classes.tolist()
    for v in values:
        if not isinstance(v, str | int | float | bool) or (
            isinstance(v, float) and not math.isfinite(v)
        ):
            raise ValueError(
                f"cannot save the class label {v!r} ({type(v).__name__}); a model file "
                "holds str, int, float and bool labels only (floats finite)"
            )
    return {"dtype": classes.dtype.str, "values": values}


def classes_from_json(spec) -> np.ndarray:
    """The class labels, sorted and distinct, from ``{"dtype", "values"}``; refuses a
    declared dtype that would make an absurdly large array (over ``MAX_LABEL_BYTES``)
    before any array is made."""
    if not isinstance(spec, dict) or set(spec) != {"dtype", "values"}:
        raise ValueError("classes must be an object with keys dtype and values")
    if not isinstance(spec["dtype"], str) or not isinstance(spec["values"], list):
        raise ValueError("classes must be an object with a dtype string and values")
    if len(spec["dtype"]) > 32:
        raise ValueError(f"classes has an unsupported dtype {spec['dtype'][:40]!r}")
    dtype = np.dtype(spec["dtype"])
    if dtype.kind not in LABEL_KINDS or dtype.subdtype is not None or dtype.names:
        raise ValueError(f"classes has an unsupported dtype {spec['dtype']!r}")
    values = spec["values"]
    n_bytes = len(values) * dtype.itemsize
    if n_bytes > MAX_LABEL_BYTES:
        raise ValueError(
            f"classes declare dtype {spec['dtype']!r} for {len(values)} labels: "
            f"{n_bytes:,} bytes, more than the limit of {MAX_LABEL_BYTES:,}"
        )
    if not all(isinstance(v, str | int | float | bool) for v in values):
        raise ValueError("class labels must be str, int, float or bool")
    if dtype.kind == "O":
        classes = np.empty(len(values), dtype=object)
        classes[:] = values
    else:
        classes = np.array(values, dtype=dtype)
    if len(classes) < 2 or not np.array_equal(unique_labels(classes), classes):
        raise ValueError("classes must be at least 2 distinct labels in sorted order")
    return classes


def json_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _plain(value):
    """NumPy scalars as the Python numbers JSON knows."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
