"""Model files for the estimators: ``save`` and ``load`` on top of
:mod:`backproplab.formats.modelfile`.

The network's arrays go into the file as they are; the estimator's parameters and fitted
attributes go into the metadata's ``extra`` as plain JSON, each checked again on reading.
"""

from __future__ import annotations

import json
import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..network import Network

# Label dtypes a model file can hold: unicode strings, integers, unsigned, floats, bools,
# and object arrays whose elements are all str, int, float or bool.
_LABEL_KINDS = {"U", "i", "u", "f", "b", "O"}
# The class labels are read from at most 1 MiB of JSON; their array may take at most
# this much (a file declaring dtype "<U200000000" would otherwise ask for gigabytes).
MAX_LABEL_BYTES = 1 << 24  # 16 MiB


class _ModelFileMixin:
    """``save`` and ``load`` for :class:`~backproplab.sklearn._base._BackpropEstimator`.
    The estimator supplies the rest: its parameters, ``_targets_to_json`` and
    ``_targets_from_json`` (the classes or the output count), ``_target_keys`` (the keys
    those add to the metadata) and ``_check_network_matches``."""

    # -- model files --------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the fitted estimator to ``path``: the network's arrays plus JSON metadata
        holding the estimator's parameters and fitted attributes (see
        :mod:`backproplab.formats.modelfile`; never pickle). The state of the shuffling generator is
        stored, so training can go on after ``load`` exactly as without saving.
        ``history_`` is not stored; ``hidden_layer_sizes`` comes back as a tuple, and a
        ``RandomState`` given as ``random_state`` comes back as None.

        Raises:
            ValueError: if something (for example a class label) cannot be stored as JSON
                and read back unchanged.
        """
        check_is_fitted(self)
        params = self.get_params(deep=False)
        if isinstance(params["hidden_layer_sizes"], Integral):
            params["hidden_layer_sizes"] = [params["hidden_layer_sizes"]]
        params["hidden_layer_sizes"] = [int(s) for s in params["hidden_layer_sizes"]]
        if not isinstance(params["random_state"], Integral):
            params["random_state"] = None  # a RandomState has no JSON form; the rng state is kept
        params = {k: _plain(v) for k, v in params.items()}
        extra = {
            "estimator": type(self).__name__,
            "params": params,
            "n_features_in": int(self.n_features_in_),
            "n_iter": int(self.n_iter_),
            "loss_curve": [float(v) for v in self.loss_curve_],
            "rng_state": self._rng.bit_generator.state,
            **self._targets_to_json(),
        }
        if hasattr(self, "feature_names_in_"):
            extra["feature_names_in"] = [str(name) for name in self.feature_names_in_]
        try:
            json.dumps(extra, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cannot save {type(self).__name__}: {exc}") from None
        self.network_.save(path, extra=extra)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save`, checking everything in the file.

        Raises:
            ValueError: if the file is not a valid model file or holds something else
                (a bare Network, or the other kind of estimator).
        """
        from ..network import Network

        net, extra = Network.load(path, return_extra=True)
        name = extra.get("estimator")
        if name != cls.__name__:
            held = "a bare Network (use Network.load)" if name is None else repr(name)
            raise ValueError(f"{path} holds {held}, not a {cls.__name__}")
        try:
            return cls._from_extra(net, extra)
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            OverflowError,
            RecursionError,
        ) as exc:
            raise ValueError(f"{path}: invalid {cls.__name__} metadata: {exc!s}") from None

    @classmethod
    def _from_extra(cls, net: Network, extra: dict):
        keys = {"estimator", "params", "n_features_in", "n_iter", "loss_curve", "rng_state"}
        keys |= cls._target_keys
        optional = {"feature_names_in"}
        if not keys <= set(extra) <= keys | optional:
            missing, unknown = sorted(keys - set(extra)), sorted(set(extra) - keys - optional)
            raise ValueError(f"wrong keys (missing {missing}, unknown {unknown})")
        params = extra["params"]
        names = set(cls._get_param_names())
        if not isinstance(params, dict) or set(params) != names:
            raise ValueError(f"params must be an object with exactly the keys {sorted(names)}")
        params = dict(params)
        if isinstance(params["hidden_layer_sizes"], list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        est = cls(**params)
        est._check_parameters()
        est._hidden_sizes()
        est.n_features_in_ = _json_int(extra["n_features_in"], "n_features_in", minimum=1)
        if "feature_names_in" in extra:
            feature_names = extra["feature_names_in"]
            if not (
                isinstance(feature_names, list)
                and len(feature_names) == est.n_features_in_
                and all(isinstance(f, str) for f in feature_names)
            ):
                raise ValueError("feature_names_in must be n_features_in strings")
            est.feature_names_in_ = np.array(feature_names, dtype=object)
        if "classes" in extra:
            _check_label_array(extra["classes"])
        est._targets_from_json(extra)
        est._check_network_matches(net, "network")
        est.n_iter_ = _json_int(extra["n_iter"], "n_iter", minimum=0)
        curve = extra["loss_curve"]
        if not (
            isinstance(curve, list)
            and len(curve) == est.n_iter_
            and all(_is_number(v) and math.isfinite(v) for v in curve)
        ):
            raise ValueError("loss_curve must be n_iter finite numbers")
        est.loss_curve_ = [float(v) for v in curve]
        rng = np.random.Generator(np.random.PCG64())
        state = extra["rng_state"]
        if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
            raise ValueError("rng_state must be the state of a PCG64 generator")
        rng.bit_generator.state = state
        est.network_, est._rng = net, rng
        return est


def _check_label_array(spec) -> None:
    """Refuse class labels whose declared dtype would make an absurdly large array
    (``len(values) · itemsize`` over ``MAX_LABEL_BYTES``) or is not a plain label dtype,
    before any array is made."""
    if not isinstance(spec, dict) or not isinstance(spec.get("dtype"), str):
        raise ValueError("classes must be an object with a dtype string and values")
    if not isinstance(spec.get("values"), list) or len(spec["dtype"]) > 32:
        raise ValueError(f"classes has an unsupported dtype {spec['dtype'][:40]!r}")
    dtype = np.dtype(spec["dtype"])
    if dtype.kind not in _LABEL_KINDS or dtype.subdtype is not None or dtype.names:
        raise ValueError(f"classes has an unsupported dtype {spec['dtype']!r}")
    n_bytes = len(spec["values"]) * dtype.itemsize
    if n_bytes > MAX_LABEL_BYTES:
        raise ValueError(
            f"classes declare dtype {spec['dtype']!r} for {len(spec['values'])} labels: "
            f"{n_bytes:,} bytes, more than the limit of {MAX_LABEL_BYTES:,}"
        )


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


def _json_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value
