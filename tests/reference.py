"""Independent references the tests compare backproplab against.

Nothing here imports backproplab's forward or backward passes: the Nielsen implementation is
a per-example loop over column vectors written from the notebook's description, and the
finite-difference gradient perturbs parameters one at a time.
"""

from __future__ import annotations

import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def nielsen_backprop(weights, biases, x, y, sigma=_sigmoid):
    """Gradients of C_x = ½‖a^L − y‖² for ONE sample x (n_in, 1), σ everywhere.

    The operations run in the order of Nielsen's network.py: σ'(z) = σ(z)(1 − σ(z)) is
    formed first, then multiplied into the error.
    """

    def sigma_prime(z):
        return sigma(z) * (1 - sigma(z))

    activation, activations, zs = x, [x], []
    for W, b in zip(weights, biases):
        z = np.dot(W, activation) + b
        zs.append(z)
        activation = sigma(z)
        activations.append(activation)
    nabla_w = [None] * len(weights)
    nabla_b = [None] * len(weights)
    delta = (activations[-1] - y) * sigma_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].T)
    for back in range(2, len(weights) + 1):
        delta = np.dot(weights[-back + 1].T, delta) * sigma_prime(zs[-back])
        nabla_b[-back] = delta
        nabla_w[-back] = np.dot(delta, activations[-back - 1].T)
    return nabla_w, nabla_b


def nielsen_sgd(weights, biases, X, Y, epochs, batch_size, eta, sigma=_sigmoid):
    """Nielsen's mini-batch SGD without shuffling: per-example backprop, summed nablas."""
    weights = [W.copy() for W in weights]
    biases = [b.copy() for b in biases]
    data = [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]
    for _ in range(epochs):
        for k in range(0, len(data), batch_size):
            batch = data[k : k + batch_size]
            nabla_w = [np.zeros(W.shape) for W in weights]
            nabla_b = [np.zeros(b.shape) for b in biases]
            for x, y in batch:
                dw, db = nielsen_backprop(weights, biases, x, y, sigma)
                nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
                nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
            weights = [W - (eta / len(batch)) * nw for W, nw in zip(weights, nabla_w)]
            biases = [b - (eta / len(batch)) * nb for b, nb in zip(biases, nabla_b)]
    return weights, biases


def finite_difference_grads(cost_of, weights, biases, eps=1e-6):
    """Central differences (C(θ+ε) − C(θ−ε)) / 2ε of ``cost_of(weights, biases)``."""
    grads = []
    for params in (weights, biases):
        out = []
        for P in params:
            G = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + eps
                plus = cost_of(weights, biases)
                P[idx] = old - eps
                minus = cost_of(weights, biases)
                P[idx] = old
                G[idx] = (plus - minus) / (2 * eps)
            out.append(G)
        grads.append(out)
    return grads[0], grads[1]


def relative_error(a_list, b_list):
    a = np.concatenate([x.ravel() for x in a_list])
    b = np.concatenate([x.ravel() for x in b_list])
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def max_rel_diff(a_list, b_list):
    """Largest element-wise |a − b| / max(|b|, tiny) over lists of arrays."""
    worst = 0.0
    for a, b in zip(a_list, b_list):
        worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))))
    return worst


def network2_sgd(weights, biases, X, Y, epochs, batch_size, eta, lmbda):
    """Nielsen's network2 with the cross-entropy cost and L2 regularisation, no shuffling:
    per example δ^L = a − y (sigmoid output), then for each mini-batch
    ``w ← (1 − ηλ/n) w − (η/m) Σ ∇w`` and ``b ← b − (η/m) Σ ∇b`` (biases not decayed)."""
    weights = [W.copy() for W in weights]
    biases = [b.copy() for b in biases]
    n = len(X)
    data = [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]
    for _ in range(epochs):
        for k in range(0, n, batch_size):
            batch = data[k : k + batch_size]
            nabla_w = [np.zeros(W.shape) for W in weights]
            nabla_b = [np.zeros(b.shape) for b in biases]
            for x, y in batch:
                activation, activations, zs = x, [x], []
                for W, b in zip(weights, biases):
                    z = np.dot(W, activation) + b
                    zs.append(z)
                    activation = _sigmoid(z)
                    activations.append(activation)
                delta = activations[-1] - y  # cross-entropy: σ' cancels
                dws, dbs = [None] * len(weights), [None] * len(weights)
                dbs[-1], dws[-1] = delta, np.dot(delta, activations[-2].T)
                for back in range(2, len(weights) + 1):
                    sp = _sigmoid(zs[-back]) * (1 - _sigmoid(zs[-back]))
                    delta = np.dot(weights[-back + 1].T, delta) * sp
                    dbs[-back], dws[-back] = delta, np.dot(delta, activations[-back - 1].T)
                nabla_w = [nw + d for nw, d in zip(nabla_w, dws)]
                nabla_b = [nb + d for nb, d in zip(nabla_b, dbs)]
            m = len(batch)
            weights = [(1 - eta * (lmbda / n)) * W - (eta / m) * nw
                       for W, nw in zip(weights, nabla_w)]  # fmt: skip
            biases = [b - (eta / m) * nb for b, nb in zip(biases, nabla_b)]
    return weights, biases


def numpy_optimizer_steps(name, theta, grads, eta, **hp):
    """The optimizers' update rules written out plainly, one step per gradient in ``grads``
    (a second implementation to compare ``backproplab.engine.optim`` with)."""
    theta = theta.copy()
    state = {"b": None, "m": np.zeros_like(theta), "v": np.zeros_like(theta)}
    for t, g in enumerate(grads, start=1):
        if name == "sgd":
            mu, nesterov = hp.get("momentum", 0.0), hp.get("nesterov", False)
            if mu:
                state["b"] = g.copy() if state["b"] is None else mu * state["b"] + g
                g = g + mu * state["b"] if nesterov else state["b"]
            theta = theta - eta * g
        elif name == "adam":
            b1, b2, eps = hp.get("beta1", 0.9), hp.get("beta2", 0.999), hp.get("eps", 1e-8)
            state["m"] = b1 * state["m"] + (1 - b1) * g
            state["v"] = b2 * state["v"] + (1 - b2) * g * g
            m_hat = state["m"] / (1 - b1**t)
            v_hat = state["v"] / (1 - b2**t)
            theta = theta - eta * m_hat / (np.sqrt(v_hat) + eps)
        elif name == "rmsprop":
            rho, eps = hp.get("rho", 0.99), hp.get("eps", 1e-8)
            state["v"] = rho * state["v"] + (1 - rho) * g * g
            theta = theta - eta * g / (np.sqrt(state["v"]) + eps)
        elif name == "adagrad":
            eps = hp.get("eps", 1e-10)
            state["v"] = state["v"] + g * g
            theta = theta - eta * g / (np.sqrt(state["v"]) + eps)
    return theta
