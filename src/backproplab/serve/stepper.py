"""One sample through the network, one equation at a time: what the playground's stepper shows.

:func:`walk` runs the engine's own passes on one sample x (a column, so m = 1):
:func:`~backproplab.engine.forward.feedforward` for every ``z^ℓ`` and ``a^ℓ``, then
:func:`~backproplab.engine.backward.backprop` with ``return_deltas=True`` for every
``δ^ℓ`` and both gradients. It computes nothing the engine does not; it only writes each
step down as an equation with the numbers it combines:

- forward, ℓ = 1 … L:  ``z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ``,  ``a^ℓ = σ(z^ℓ)``
- BP1:                  ``δ^L = ∇_a C ⊙ σ′(z^L)``
- BP2, ℓ = L−1 … 1:     ``δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ)``
- BP3:                  ``∂C/∂b^ℓ = δ^ℓ``
- BP4, ℓ = L … 1:       ``∂C/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ``
- the update:           ``θ ← θ − η ∂C/∂θ`` (plain gradient descent on this sample alone)

Layers are numbered as in :mod:`backproplab.engine.forward` (``weights[ℓ−1]`` is ``W^ℓ``,
``a^0`` the input after the feature transform); neurons count from 1 in every text a
person reads (``δ²₁``) and from 0 in the arrays. Dropout is off in this pass, as when the
network predicts.

>>> import numpy as np
>>> from backproplab.engine.activations import get_activation
>>> from backproplab.engine.costs import get_cost
>>> out = walk([np.array([[2.0]])], [np.array([[0.0]])], [get_activation("linear")],
...            get_cost("quadratic"), np.array([1.0]), np.array([1.5]), eta=0.1)
>>> [s["kind"] for s in out["steps"]]
['input', 'forward', 'BP1', 'BP3', 'BP4', 'update']
>>> out["steps"][2]["lines"][0]
'δ¹₁ = ∂C/∂a¹₁ · σ′(z¹₁) = 0.5 × 1 = 0.5'
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.activations import Softmax
from ..engine.backward import backprop, is_fused
from ..engine.costs import mean_cost
from ..engine.forward import feedforward

MAX_TERMS = 4  # a forward line writes W·a out term by term up to this many inputs
MAX_LINES = 16  # lines of one BP4 layer, and of the update, before "… more"

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sup(n: int | str) -> str:
    """``n`` in superscript digits: ``sup(12)`` is ``'¹²'``."""
    return str(n).translate(_SUP)


def sub(n: int | str) -> str:
    """``n`` in subscript digits: ``sub(3)`` is ``'₃'``."""
    return str(n).translate(_SUB)


def num(x: float) -> str:
    """A number as the equations write it: 3 significant digits, a true minus sign.

    >>> num(0.0801234), num(-1.5), num(2.0), num(1.23e-7)
    ('0.0801', '−1.5', '2', '1.23e−07')
    """
    x = float(x) + 0.0  # (−0.0 + 0.0 is 0.0: no "−0")
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.3g}"
    return text.replace("-", "−")


def factor(x: float) -> str:
    """:func:`num`, in parentheses when negative (a factor of a product)."""
    text = num(x)
    return f"({text})" if text.startswith("−") else text


def _name(q: str, ell: int, j: int | None = None) -> str:
    """``z²₁`` for q = "z", ℓ = 2, j = 0 (j 0-based, written from 1)."""
    return f"{q}{sup(ell)}" + (sub(j + 1) if j is not None else "")


def walk(weights, biases, layer_activations, cost, x, y, eta: float) -> dict:
    """The stepper's steps for one sample.

    Args:
        weights, biases: ``W^ℓ`` (n_ℓ, n_{ℓ−1}) and ``b^ℓ`` (n_ℓ, 1), ℓ = 1 … L.
        layer_activations: σ for each layer ℓ = 1 … L; ``cost``: the per-sample cost.
        x: the sample's network inputs ``a^0`` (after the feature transform), (n_0,).
        y: its target, (n_L,).
        eta: the learning rate η of the update step.

    Returns:
        A dict of plain lists (JSON-ready): ``z``, ``a``, ``delta`` per layer (``z[0]``
        and ``delta[0]`` empty: the input layer has neither), ``target``, ``grad_b``,
        ``grad_w``, ``new_b``, ``new_w``, ``cost_before`` and ``cost_after`` (this
        sample's C_x before and after the update), and ``steps``: each step's ``kind``
        (``input``, ``forward``, ``BP1``–``BP4``, ``update``), ``layer``, ``title``,
        ``equation`` (in general), ``lines`` (one per neuron or entry, with its numbers)
        and ``shows``: the ``[quantity, layer]`` pairs the step reveals.
    """
    L = len(weights)
    A0 = np.asarray(x, dtype=float).reshape(-1, 1)  # (n_0, 1): one sample, one column
    Y = np.asarray(y, dtype=float).reshape(-1, 1)  # (n_L, 1)
    zs, acts = feedforward(weights, biases, A0, layer_activations)
    grads_w, grads_b, deltas = backprop(
        weights, zs, acts, Y, layer_activations, cost, return_deltas=True
    )
    new_w = [W - eta * g for W, g in zip(weights, grads_w, strict=True)]  # θ ← θ − η ∂C/∂θ
    new_b = [b - eta * g for b, g in zip(biases, grads_b, strict=True)]
    after = feedforward(new_w, new_b, A0, layer_activations)[1][-1]
    cost_before, cost_after = mean_cost(cost, acts[-1], Y), mean_cost(cost, after, Y)

    steps = [_input_step(A0[:, 0])]
    steps += [_forward_step(ell, weights, biases, zs, acts, layer_activations) for ell in
              range(1, L + 1)]  # fmt: skip
    steps.append(_bp1_step(L, zs[-1], acts[-1], Y, deltas[-1], layer_activations[-1], cost))
    for ell in range(L - 1, 0, -1):
        steps.append(_bp2_step(ell, weights[ell], deltas, zs, acts, layer_activations))
    steps.append(_bp3_step(deltas))
    steps += [_bp4_step(ell, deltas[ell - 1], acts[ell - 1]) for ell in range(L, 0, -1)]
    steps.append(_update_step(eta, weights, biases, grads_w, grads_b, new_w, new_b,
                              cost_before, cost_after))  # fmt: skip
    return {
        "z": [[], *(z[:, 0].tolist() for z in zs)],
        "a": [a[:, 0].tolist() for a in acts],
        "delta": [[], *(d[:, 0].tolist() for d in deltas)],
        "target": Y[:, 0].tolist(),
        "grad_b": [g[:, 0].tolist() for g in grads_b],
        "grad_w": [g.tolist() for g in grads_w],
        "new_b": [b[:, 0].tolist() for b in new_b],
        "new_w": [W.tolist() for W in new_w],
        "cost_before": float(cost_before),
        "cost_after": float(cost_after),
        "eta": float(eta),
        "steps": steps,
    }


def _step(kind, layer, title, equation, lines, shows) -> dict:
    return {"kind": kind, "layer": layer, "title": title, "equation": equation,
            "lines": lines, "shows": shows}  # fmt: skip


def _input_step(a0) -> dict:
    values = ", ".join(num(v) for v in a0)
    return _step("input", 0, "the sample enters: layer 0",
                 "a⁰ = φ(x): the sample's inputs after the feature transform",
                 [f"a⁰ = ({values})"], [["a", 0]])  # fmt: skip


def _forward_step(ell, weights, biases, zs, acts, layer_activations) -> dict:
    W, b, sigma = weights[ell - 1], biases[ell - 1], layer_activations[ell - 1]
    a_prev, z, a = acts[ell - 1][:, 0], zs[ell - 1][:, 0], acts[ell][:, 0]
    lines = []
    for j in range(len(z)):
        if len(a_prev) <= MAX_TERMS:
            terms = " + ".join(f"{factor(W[j, k])} × {factor(a_prev[k])}" for k in
                               range(len(a_prev)))  # fmt: skip
        else:
            terms = f"{num(W[j] @ a_prev)}"  # the row's dot product, in one number
        z_text = f"{_name('z', ell, j)} = {_name('W', ell, j)}·{_name('a', ell - 1)} + " \
                 f"{_name('b', ell, j)} = {terms} + {factor(b[j, 0])} = {num(z[j])}"  # fmt: skip
        if isinstance(sigma, Softmax):
            a_text = f"{_name('a', ell, j)} = softmax({_name('z', ell)}){sub(j + 1)} = {num(a[j])}"
        else:
            a_text = f"{_name('a', ell, j)} = {sigma.name}({num(z[j])}) = {num(a[j])}"
        lines.append(f"{z_text};  {a_text}")
    L = len(weights)
    where = "the output layer" if ell == L else "a hidden layer"
    return _step("forward", ell, f"forward: layer {ell}, {where}",
                 f"z{sup(ell)} = W{sup(ell)} a{sup(ell - 1)} + b{sup(ell)},  "
                 f"a{sup(ell)} = σ(z{sup(ell)}) with σ = {sigma.name}",
                 lines, [["z", ell], ["a", ell]])  # fmt: skip


def _bp1_step(L, Z, A, Y, delta, output, cost) -> dict:
    a, y, d = A[:, 0], Y[:, 0], delta[:, 0]
    lines = []
    if is_fused(cost, output):
        equation = (f"δ{sup(L)} = ∇ₐC ⊙ σ′(z{sup(L)}) = a{sup(L)} − y  (BP1; with {output.name} "
                    f"and {cost.name}, σ′ cancels the cost's denominator)")  # fmt: skip
        for j in range(len(d)):
            lines.append(f"{_name('δ', L, j)} = {_name('a', L, j)} − y{sub(j + 1)} = "
                         f"{num(a[j])} − {factor(y[j])} = {num(d[j])}")  # fmt: skip
    elif isinstance(output, Softmax):
        g = cost.grad_a(A, Y)[:, 0]  # ∇_a C, (n_L,)
        s = float(a @ g)  # Σ_k a_k ∂C/∂a_k
        equation = (f"δ{sup(L)} = (J_softmax)ᵀ ∇ₐC: δ{sup(L)}ⱼ = a{sup(L)}ⱼ (∂C/∂a{sup(L)}ⱼ − "
                    f"Σₖ a{sup(L)}ₖ ∂C/∂a{sup(L)}ₖ)  (BP1 for softmax)")  # fmt: skip
        for j in range(len(d)):
            lines.append(f"{_name('δ', L, j)} = {num(a[j])} × ({num(g[j])} − {factor(s)}) = "
                         f"{num(d[j])}")  # fmt: skip
    else:
        g = cost.grad_a(A, Y)[:, 0]
        p = output.prime(Z, A)[:, 0]
        equation = f"δ{sup(L)} = ∇ₐC ⊙ σ′(z{sup(L)})  (BP1; {cost.name} cost, σ = {output.name})"
        for j in range(len(d)):
            lines.append(f"{_name('δ', L, j)} = ∂C/∂{_name('a', L, j)} · σ′({_name('z', L, j)}) "
                         f"= {factor(g[j])} × {factor(p[j])} = {num(d[j])}")  # fmt: skip
    return _step("BP1", L, f"BP1: the output layer's error δ{sup(L)}", equation, lines,
                 [["delta", L]])  # fmt: skip


def _bp2_step(ell, W_next, deltas, zs, acts, layer_activations) -> dict:
    sigma = layer_activations[ell - 1]
    back = (W_next.T @ deltas[ell])[:, 0]  # ((W^{ℓ+1})ᵀ δ^{ℓ+1}), (n_ℓ,)
    p = sigma.prime(zs[ell - 1], acts[ell])[:, 0]  # σ′(z^ℓ), (n_ℓ,)
    d = deltas[ell - 1][:, 0]
    n = ell + 1
    lines = [f"{_name('δ', ell, j)} = ((W{sup(n)})ᵀδ{sup(n)}){sub(j + 1)} · "
             f"σ′({_name('z', ell, j)}) = {factor(back[j])} × {factor(p[j])} = {num(d[j])}"
             for j in range(len(d))]  # fmt: skip
    return _step("BP2", ell, f"BP2: the error carried back to layer {ell}",
                 f"δ{sup(ell)} = ((W{sup(n)})ᵀ δ{sup(n)}) ⊙ σ′(z{sup(ell)}) with σ = {sigma.name}",
                 lines, [["delta", ell]])  # fmt: skip


def _bp3_step(deltas) -> dict:
    lines = [f"∂C/∂{_name('b', ell, j)} = {_name('δ', ell, j)} = {num(d[j, 0])}"
             for ell, d in enumerate(deltas, start=1) for j in range(len(d))]  # fmt: skip
    return _step("BP3", 0, "BP3: the gradient for the biases",
                 "∂C/∂bˡ = δˡ, for every layer ℓ", lines, [])  # fmt: skip


def _bp4_step(ell, delta, a_prev) -> dict:
    d, a = delta[:, 0], a_prev[:, 0]
    lines = [f"∂C/∂W{sup(ell)}{sub(j + 1)},{sub(k + 1)} = {_name('δ', ell, j)} "
             f"{_name('a', ell - 1, k)} = {factor(d[j])} × {factor(a[k])} = {num(d[j] * a[k])}"
             for j in range(len(d)) for k in range(len(a))]  # fmt: skip
    return _step("BP4", ell, f"BP4: the gradient for the weights W{sup(ell)}",
                 f"∂C/∂W{sup(ell)} = δ{sup(ell)} (a{sup(ell - 1)})ᵀ: entry (j, k) is "
                 f"δ{sup(ell)}ⱼ a{sup(ell - 1)}ₖ", _cut(lines), [])  # fmt: skip


def _update_step(eta, weights, biases, grads_w, grads_b, new_w, new_b, before, after) -> dict:
    lines = []
    for ell in range(1, len(weights) + 1):
        W, g, Wn = weights[ell - 1], grads_w[ell - 1], new_w[ell - 1]
        b, gb, bn = biases[ell - 1], grads_b[ell - 1], new_b[ell - 1]
        entries = [f"{_name('b', ell, j)} ← {num(b[j, 0])} − {num(eta)} × {factor(gb[j, 0])} "
                   f"= {num(bn[j, 0])}" for j in range(len(b))]  # fmt: skip
        entries += [f"W{sup(ell)}{sub(j + 1)},{sub(k + 1)} ← {num(W[j, k])} − {num(eta)} × "
                    f"{factor(g[j, k])} = {num(Wn[j, k])}"
                    for j in range(W.shape[0]) for k in range(W.shape[1])]  # fmt: skip
        lines += _cut(entries)
    lines.append(f"this sample's cost Cₓ: {num(before)} before the update, {num(after)} after")
    return _step("update", 0, "the update: one step of gradient descent on this sample",
                 f"θ ← θ − η ∂C/∂θ for every weight and bias, η = {num(eta)}", lines,
                 [])  # fmt: skip


def _cut(lines: list[str]) -> list[str]:
    """At most :data:`MAX_LINES` lines, the rest counted."""
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], f"… and {len(lines) - MAX_LINES} more"]


def message_for(session, message: dict) -> dict:
    """The ``backprop`` message answering the page's ``{"type": "backprop", "sample": i}``:
    :func:`walk` on sample i of the session's data (as the page numbers the samples it
    shows: the training set first) at the network's current weights, with what it holds
    for (the network's sizes, the training step, the version of the page's panels).
    ValueError for a sample that is not a whole number of the data's range."""
    from . import lab

    data, s, net = session.data, session.settings, session.net
    i = message.get("sample")
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(data.X):
        raise ValueError(f"sample must be a whole number from 0 to {len(data.X) - 1}; "
                         f"got {i!r:.40}")  # fmt: skip
    x = session.phi(data.X[i : i + 1].T)[:, 0]  # (n_0,): a⁰ = φ(x)
    y = lab.targets(s, data.y[i : i + 1], len(data.classes))[0]  # (n_L,)
    with np.errstate(over="ignore", invalid="ignore"):
        out = walk(net.weights, net.biases, net.layer_activations, net.cost_function, x, y,
                   s.eta)  # fmt: skip
    penalty = ", plus the penalty's" if s.l1 or s.l2 else ""
    out["steps"][-1]["lines"].append(
        f"(training itself steps with {s.optimizer} on mini-batches of "
        f"{min(s.batch_size, data.n_train)}, each step's gradient the mean over its "
        f"samples{penalty})"
    )
    if not _finite(out):
        raise ValueError("this network's values are not finite numbers (training diverged): "
                         "press reset, or lower the learning rate η")  # fmt: skip
    return {
        "type": "backprop",
        "sample": i,
        "set": "training" if i < data.n_train else "test",
        "x": data.X[i].tolist(),
        "features": list(session.features),
        "label": None if data.regression else data.classes[int(data.y[i])],  # (None: a value)
        "sizes": list(net.sizes),
        "activation": net.activation,
        "output_activation": net.output_activation,
        "cost": net.cost_function.name,
        "optimizer": s.optimizer,
        "at_step": session.steps,
        "version": session.version,
        **out,
    }


def _finite(out: dict) -> bool:
    """Whether every number :func:`walk` returned is finite (JSON holds no NaN)."""
    arrays = [np.asarray(v, dtype=float) for key in ("z", "a", "delta", "grad_b", "new_b")
              for v in out[key]]  # fmt: skip
    arrays += [np.asarray(v, dtype=float) for v in out["grad_w"] + out["new_w"]]
    arrays.append(np.array([out["cost_before"], out["cost_after"]]))
    return all(np.isfinite(a).all() for a in arrays)
