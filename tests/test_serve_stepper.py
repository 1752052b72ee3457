"""The playground's backpropagation stepper (backproplab.serve.stepper): one sample's
forward and backward pass, step by step, against a network worked by hand and against
finite differences of the cost."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backproplab.engine.activations import get_activation
from backproplab.engine.costs import get_cost
from backproplab.serve import stepper


def _hand_network():
    """A [2, 2, 1] network, ReLU then sigmoid, quadratic cost, worked by hand:

    x = (1, 2), W¹ = [[1, −1], [0.5, 0.25]], b¹ = (0.5, 0)
      z¹ = (1 − 2 + 0.5, 0.5 + 0.5 + 0) = (−0.5, 1),  a¹ = ReLU(z¹) = (0, 1)
    W² = [[2, −0.5]], b² = 0.5
      z² = 2·0 − 0.5·1 + 0.5 = 0,  a² = σ(0) = 0.5;  target y = 1
    BP1  δ² = (a² − y) σ′(z²) = (−0.5)(0.25) = −0.125
    BP2  (W²)ᵀδ² = (2·(−0.125), −0.5·(−0.125)) = (−0.25, 0.0625)
         δ¹ = (−0.25·ReLU′(−0.5), 0.0625·ReLU′(1)) = (0, 0.0625)
    BP3  ∂C/∂b² = −0.125, ∂C/∂b¹ = (0, 0.0625)
    BP4  ∂C/∂W² = δ² (a¹)ᵀ = [[0, −0.125]];  ∂C/∂W¹ = δ¹ xᵀ = [[0, 0], [0.0625, 0.125]]
    update, η = 1: W² = [[2, −0.375]], b² = 0.625; W¹ = [[1, −1], [0.4375, 0.125]],
         b¹ = (0.5, −0.0625);  C before = ½(0.5 − 1)² = 0.125
    """
    W = [np.array([[1.0, -1.0], [0.5, 0.25]]), np.array([[2.0, -0.5]])]
    b = [np.array([[0.5], [0.0]]), np.array([[0.5]])]
    acts = [get_activation("relu"), get_activation("sigmoid")]
    return W, b, acts, get_cost("quadratic")


def test_the_hand_worked_example():
    W, b, acts, cost = _hand_network()
    out = stepper.walk(W, b, acts, cost, np.array([1.0, 2.0]), np.array([1.0]), eta=1.0)
    assert out["a"] == [[1.0, 2.0], [0.0, 1.0], [0.5]]
    assert out["z"] == [[], [-0.5, 1.0], [0.0]]
    assert out["delta"] == [[], [0.0, 0.0625], [-0.125]]
    assert out["grad_b"] == [[0.0, 0.0625], [-0.125]]
    assert out["grad_w"] == [[[0.0, 0.0], [0.0625, 0.125]], [[0.0, -0.125]]]
    assert out["new_w"] == [[[1.0, -1.0], [0.4375, 0.125]], [[2.0, -0.375]]]
    assert out["new_b"] == [[0.5, -0.0625], [0.625]]
    assert out["cost_before"] == 0.125
    assert out["target"] == [1.0]
    kinds = [(s["kind"], s["layer"]) for s in out["steps"]]
    assert kinds == [("input", 0), ("forward", 1), ("forward", 2), ("BP1", 2), ("BP2", 1),
                     ("BP3", 0), ("BP4", 2), ("BP4", 1), ("update", 0)]  # fmt: skip
    steps = {(s["kind"], s["layer"]): s for s in out["steps"]}
    # each line writes the numbers it combines
    assert steps["forward", 1]["lines"][0].startswith(
        "z¹₁ = W¹₁·a⁰ + b¹₁ = 1 × 1 + (−1) × 2 + 0.5 = −0.5;  a¹₁ = relu(−0.5) = 0"
    )
    assert steps["BP1", 2]["lines"] == ["δ²₁ = ∂C/∂a²₁ · σ′(z²₁) = (−0.5) × 0.25 = −0.125"]
    assert steps["BP2", 1]["lines"] == [
        "δ¹₁ = ((W²)ᵀδ²)₁ · σ′(z¹₁) = (−0.25) × 0 = 0",
        "δ¹₂ = ((W²)ᵀδ²)₂ · σ′(z¹₂) = 0.0625 × 1 = 0.0625",
    ]
    assert "∂C/∂b¹₂ = δ¹₂ = 0.0625" in steps["BP3", 0]["lines"]
    assert "∂C/∂W¹₂,₂ = δ¹₂ a⁰₂ = 0.0625 × 2 = 0.125" in steps["BP4", 1]["lines"]
    assert "W²₁,₂ ← −0.5 − 1 × (−0.125) = −0.375" in steps["update", 0]["lines"]
    assert steps["forward", 2]["shows"] == [["z", 2], ["a", 2]]
    assert steps["BP2", 1]["shows"] == [["delta", 1]]
    json.dumps(out, allow_nan=False)  # the page's message


def _cost_at(W, b, acts, cost, x, y) -> float:
    from backproplab.engine.forward import feedforward

    a = feedforward(W, b, x[:, None], acts)[1][-1]
    return float(cost.value(a, y[:, None])[0])


@pytest.mark.parametrize(
    "hidden, output, cost",
    [("tanh", "sigmoid", "quadratic"), ("sigmoid", "sigmoid", "binary_cross_entropy"),
     ("tanh", "softmax", "categorical_cross_entropy"), ("leaky_relu", "linear", "quadratic")],
)  # fmt: skip
def test_gradients_and_deltas_match_finite_differences(hidden, output, cost):
    """CS231n's check, in float64: centred differences of C_x against ∂C/∂W, and ∂C/∂b =
    δ (BP3, so the deltas too); the update lowers this sample's cost for a small η."""
    rng = np.random.default_rng(7)
    sizes = [3, 4, 3, 3 if output == "softmax" else 2]
    W = [rng.normal(size=(n, k)) for k, n in zip(sizes[:-1], sizes[1:], strict=True)]
    b = [rng.normal(size=(n, 1)) for n in sizes[1:]]
    acts = [get_activation(hidden)] * 2 + [get_activation(output)]
    c = get_cost(cost, output)
    x = rng.normal(size=3)
    y = np.eye(sizes[-1])[1] if output == "softmax" else rng.uniform(0.1, 0.9, sizes[-1])
    out = stepper.walk(W, b, acts, c, x, y, eta=1e-3)
    h = 1e-6
    for ell in range(3):
        for params, grads in ((W, out["grad_w"]), (b, out["grad_b"])):
            numeric = np.zeros_like(params[ell])
            for idx in np.ndindex(params[ell].shape):
                keep = params[ell][idx]
                params[ell][idx] = keep + h
                up = _cost_at(W, b, acts, c, x, y)
                params[ell][idx] = keep - h
                down = _cost_at(W, b, acts, c, x, y)
                params[ell][idx] = keep
                numeric[idx] = (up - down) / (2 * h)
            exact = np.asarray(grads[ell]).reshape(numeric.shape)
            assert np.allclose(exact, numeric, rtol=1e-6, atol=1e-8), (ell, exact, numeric)
        assert np.array_equal(out["delta"][ell + 1], out["grad_b"][ell])  # BP3, m = 1
    assert out["cost_after"] < out["cost_before"]


def test_long_layers_are_summarised_and_big_lists_cut():
    rng = np.random.default_rng(0)
    W = [rng.normal(size=(6, 6)), rng.normal(size=(1, 6))]
    b = [np.zeros((6, 1)), np.zeros((1, 1))]
    acts = [get_activation("tanh"), get_activation("sigmoid")]
    out = stepper.walk(W, b, acts, get_cost("quadratic"), np.ones(6), np.ones(1), eta=0.1)
    forward = out["steps"][1]["lines"][0]
    assert forward.count("×") == 0  # six terms: the dot product as one number
    bp4 = next(s for s in out["steps"] if s["kind"] == "BP4" and s["layer"] == 1)
    assert len(bp4["lines"]) == stepper.MAX_LINES + 1 and bp4["lines"][-1] == "… and 20 more"


def test_numbers_as_the_equations_write_them():
    assert stepper.num(0.080123) == "0.0801"
    assert stepper.num(-0.42) == "−0.42" and stepper.factor(-0.42) == "(−0.42)"
    assert stepper.sup(12) == "¹²" and stepper.sub(3) == "₃"


class _Session:
    """What message_for reads of a session, for one built from the default settings."""

    def __init__(self):
        from backproplab.serve.session import Session
        from backproplab.serve.settings import PlaygroundSettings

        self.inner = Session(lambda m: None, lambda m: None)
        self.inner.setup(PlaygroundSettings())


def test_the_message_validates_its_sample_and_says_what_it_holds_for():
    s = _Session().inner
    m = stepper.message_for(s, {"type": "backprop", "sample": 3})
    assert m["type"] == "backprop" and m["sample"] == 3 and m["set"] == "training"
    assert m["sizes"] == list(s.net.sizes) and m["at_step"] == 0 and m["version"] == s.version
    assert m["a"][0] == s.phi(s.data.X[3:4].T)[:, 0].tolist()  # a⁰ = φ(x)
    assert m["steps"][-1]["lines"][-1].startswith("(training itself steps with sgd on mini-batches")
    last = stepper.message_for(s, {"type": "backprop", "sample": len(s.data.X) - 1})
    assert last["set"] == "test"
    json.dumps(m, allow_nan=False)
    for bad in (-1, len(s.data.X), 1.5, True, "3", None):
        with pytest.raises(ValueError, match="sample must be a whole number"):
            stepper.message_for(s, {"type": "backprop", "sample": bad})
    s.net.weights[0][0, 0] = np.inf
    with pytest.raises(ValueError, match="not finite"):
        stepper.message_for(s, {"type": "backprop", "sample": 0})


def test_through_the_socket_a_bad_sample_gets_a_message_and_the_session_goes_on():
    from test_serve import ORIGIN, _client, _opened, _until

    with _client().websocket_connect("/ws", headers=ORIGIN) as ws:
        view = _opened(ws)
        for bad in (-1, 10**6, "7", 2.5):
            ws.send_text(json.dumps({"type": "backprop", "sample": bad}))
            assert "sample must be a whole number" in _until(ws, "error")["message"]
        ws.send_text(json.dumps({"type": "backprop", "sample": 7}))
        m = _until(ws, "backprop")
        assert m["sample"] == 7 and m["sizes"] == view["status"]["sizes"]
        assert [s["kind"] for s in m["steps"]][:2] == ["input", "forward"]
