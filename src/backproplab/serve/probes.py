"""What the page asks of the network as it is, without training it: a gradient check and
a nudge of one weight, each on a mini-batch of the training data, and the weight a message
names. Each answer says for which network it holds (the session's ``network_id``), so the
page can clear it when the network changes.

The mini-batch comes from the session's own generator for checks (``check_rng``), never
from training's: a check changes nothing that training draws, so the exports' replay of
the training (:mod:`.journal`) holds however many checks were run.
"""

from __future__ import annotations

import math

import numpy as np

from ..checking.gradcheck import gradcheck
from ..checking.nudge import nudge

SAMPLES = 20  # a check's mini-batch, at most
EPSILON = 1e-5  # CS231n's h: a trained network's tiny gradients drown at 1e-7
NUDGE_AMOUNTS = np.linspace(-2.0, 2.0, 41)  # the weight's offsets the nudge plot shows


def check_batch(session) -> tuple[np.ndarray, np.ndarray]:
    """``(X, Y)``, rows of the training data: a mini-batch of at most :data:`SAMPLES`."""
    n = session.data.n_train
    m = min(session.settings.batch_size, SAMPLES, n)
    rows = session.check_rng.choice(n, size=m, replace=False)
    return session.X_train[rows], session.Y_train[rows]


def gradcheck_message(session) -> dict:
    """The ``gradcheck`` message: per-layer verdicts and the report's text."""
    X, Y = check_batch(session)
    s = session.settings
    report = gradcheck(session.net, X, Y, epsilon=EPSILON, l2=s.l2, l1=s.l1,
                       n=session.data.n_train)  # fmt: skip
    text = str(report)
    if s.dropout:
        text += "\n\n(checked without dropout: the cost a dropout step sees is random)"
    return {"type": "gradcheck", "passed": bool(report.passed), "verdict": report.verdict,
            "relative_error": finite(report.relative_error), "threshold": report.threshold,
            "layers": [[finite(w), finite(b)] for w, b in report.layer_errors], "text": text,
            "samples": len(X), "network": session.network_id,
            "network_text": session.network_text()}  # fmt: skip


def nudge_message(session, message: dict) -> dict:
    """The ``nudge`` message: C against the weight the message names, with backprop's slope."""
    ell, j, k = weight_index(session.net, message)
    X, Y = check_batch(session)
    r = nudge(session.net, X, Y, ell, (j, k), NUDGE_AMOUNTS)
    return {"type": "nudge", "name": r.name, "layer": ell, "j": j, "k": k, "value": r.value,
            "amounts": r.amounts.tolist(), "cost": [finite(c) for c in r.cost],
            "slope": finite(r.slope), "gradient": finite(r.gradient), "samples": len(X),
            "network": session.network_id, "network_text": session.network_text()}  # fmt: skip


def weight_index(net, message: dict) -> tuple[int, int, int]:
    """``(ℓ, j, k)`` of the weight W^ℓ[j, k] a message names; ValueError if ``net`` has none."""
    ell = whole_number(message.get("layer"), "layer", 1, len(net.weights))
    rows, cols = net.weights[ell - 1].shape
    j = whole_number(message.get("j"), "row j", 0, rows - 1)
    k = whole_number(message.get("k"), "column k", 0, cols - 1)
    return ell, j, k


def whole_number(value, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}; got {value!r:.40}")
    return value


def finite(x) -> float | None:
    """``x`` as a float for JSON, None where it is NaN or infinite."""
    x = float(x)
    return x if math.isfinite(x) else None
