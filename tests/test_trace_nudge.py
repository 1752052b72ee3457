"""The shape trace and the nudge experiment."""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import Network
from backproplab.checking.nudge import nudge
from backproplab.checking.trace import trace


def test_trace_shows_every_layer_output_first(rng, capsys):
    net = Network([2, 3, 4, 1], seed=0)
    text = trace(net, rng.standard_normal((7, 2)), rng.uniform(size=7))
    assert capsys.readouterr().out == ""  # the library returns the text; it prints nothing
    lines = text.splitlines()
    assert "a batch of 7 samples" in lines[0]
    rows = [line.split() for line in lines[3:]]
    assert [r[0] for r in rows] == ["3", "2", "1"]
    # layer 3: z (1, 7), a (1, 7), a_prev (4, 7), delta (1, 7), dC/db (1, 1), dC/dW (1, 4)
    assert " ".join(rows[0][1:13]) == "(1, 7) (1, 7) (4, 7) (1, 7) (1, 1) (1, 4)"
    assert "BP1" in lines[3] and "BP2" in lines[5]


def test_trace_of_one_sample(rng):
    text = trace(Network([2, 3, 1], seed=0), rng.standard_normal((1, 2)), [1.0])
    assert "1 sample" in text and "(3, 1)" in text


@pytest.mark.parametrize("layer, index, param", [(3, (0, 1), "W"), (1, (2, 0), "W"), (2, 1, "b")])
def test_nudge_slope_is_the_backprop_gradient(rng, layer, index, param):
    net = Network([2, 3, 3, 1], seed=1)
    X, y = rng.standard_normal((6, 2)), rng.uniform(size=6)
    res = nudge(net, X, y, layer, index, np.linspace(-5, 5, 51), param=param)
    assert res.z.shape == (51, 6) and res.a.shape == (51, 1, 6) and res.cost.shape == (51,)
    assert res.slope == pytest.approx(res.gradient, rel=1e-6, abs=1e-10)
    # At amount 0 nothing moved: the cost is the network's own.
    assert res.cost[25] == pytest.approx(net.cost(X, y), rel=1e-15)


def test_nudge_z_moves_linearly_with_the_weight(rng):
    # z_j = Σ_k w_jk a_k + b_j, so shifting w_jk by s moves z_j by s a_k exactly.
    net = Network([2, 3, 1], seed=2)
    X = rng.standard_normal((4, 2))
    res = nudge(net, X, np.zeros(4), 1, (1, 0), [-1.0, 0.0, 2.0])
    np.testing.assert_allclose(res.z[2] - res.z[1], 2.0 * X[:, 0], rtol=1e-12)
    np.testing.assert_allclose(res.z[0] - res.z[1], -1.0 * X[:, 0], rtol=1e-12)


def test_nudge_leaves_the_network_unchanged_and_checks_its_arguments(rng):
    net = Network([2, 3, 1], seed=3)
    before = [W.copy() for W in net.weights]
    X = rng.standard_normal((4, 2))
    nudge(net, X, np.zeros(4), 2, (0, 2), np.linspace(-1, 1, 5))
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))
    with pytest.raises(ValueError, match="layer must be between 1 and 2"):
        nudge(net, X, np.zeros(4), 3, (0, 0), [0.0])
    with pytest.raises(ValueError, match="outside W1"):
        nudge(net, X, np.zeros(4), 1, (5, 0), [0.0])
