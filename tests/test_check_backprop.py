"""check_backprop: deliberately wrong implementations, each diagnosed with the right
equation and layer; correct ones (Nielsen-style, network2-style, the ladder's rungs) pass.

Every implementation here is written out by hand, in the learner's own style, without
backproplab's forward or backward passes, so the checker is tested against code it did not
write. Where a mistake sits at every layer, the first wrong equation in backprop's order is
the one nearest the output: layer L for BP1, L − 1 for BP2 (L of the case the report shows).
"""

from __future__ import annotations

import numpy as np
import pytest

from backproplab import check_backprop, ladder
from backproplab.checking.learner.battery import build_battery
from backproplab.checking.learner.mistakes import variant_backprop
from reference import finite_difference_grads


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def forward(net, x):
    """Nielsen's forward pass: the lists ``zs`` (z^1 … z^L) and ``activations`` (a^0 … a^L)."""
    activation, activations, zs = x, [x], []
    for b, w in zip(net.biases, net.weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    return zs, activations


# ---------------------------------------------------------------------------------------
# Nielsen style, right: backprop(self, x, y) -> (nabla_b, nabla_w), his layer indexing


def nielsen_right(self, x, y):
    nabla_b = [np.zeros(b.shape) for b in self.biases]
    nabla_w = [np.zeros(w.shape) for w in self.weights]
    zs, activations = forward(self, x)
    delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])  # BP1
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, self.num_layers):
        delta = np.dot(self.weights[-l + 1].transpose(), delta) * sigmoid_prime(zs[-l])  # BP2
        nabla_b[-l] = delta  # BP3
        nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())  # BP4
    return nabla_b, nabla_w


def nielsen_with(*, bp1=None, bp2=None, bp3=None, bp4=None):
    """Nielsen's backprop with one or more of its four lines replaced, each a function of
    what that line sees: bp1(self, zs, activations, y), bp2(self, zs, activations, delta, l),
    bp3(delta, zs, l), bp4(delta, activations, zs, l). l counts from the output: layer
    ℓ = L + 1 − l (l = 1 is the output layer)."""

    def backprop(self, x, y):
        L = self.num_layers - 1
        nabla_b, nabla_w = [None] * L, [None] * L
        zs, activations = forward(self, x)
        if bp1 is None:
            delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        else:
            delta = bp1(self, zs, activations, y)
        for l in range(1, self.num_layers):
            if l > 1:
                if bp2 is None:
                    delta = np.dot(self.weights[-l + 1].T, delta) * sigmoid_prime(zs[-l])
                else:
                    delta = bp2(self, zs, activations, delta, l)
            nabla_b[-l] = delta if bp3 is None else bp3(delta, zs, l)
            nabla_w[-l] = (
                np.dot(delta, activations[-l - 1].T)
                if bp4 is None
                else bp4(delta, activations, zs, l)
            )
        return nabla_b, nabla_w

    return backprop


def bp2_with(sp=None, back=None):
    """A BP2 line with its σ′ factor ``sp(self, zs, activations, l)`` or its backward product
    ``back(self, delta, l)`` replaced."""

    def bp2(self, zs, activations, delta, l):
        carried = np.dot(self.weights[-l + 1].T, delta) if back is None else back(self, delta, l)
        factor = sigmoid_prime(zs[-l]) if sp is None else sp(self, zs, activations, l)
        return carried * factor

    return bp2


# the mistakes, one line each -------------------------------------------------------------


def bp1_no_sigma_prime(self, zs, activations, y):
    return self.cost_derivative(activations[-1], y)


def bp1_factor_2(self, zs, activations, y):
    return 2 * (activations[-1] - y) * sigmoid_prime(zs[-1])  # d/da of ‖a − y‖², no ½


def bp1_cost_ignored(self, zs, activations, y):
    return (activations[-1] - y) * sigmoid_prime(zs[-1])  # never calls cost_derivative


def bp1_sign(self, zs, activations, y):
    return -self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])  # y − a


WRONG_NIELSEN = {
    # name: (implementation, equation, layer counted from the output (0: L, 1: L − 1), mistake)
    "σ′ missing in BP1": (nielsen_with(bp1=bp1_no_sigma_prime), "BP1", 0, "bp1_no_sigma_prime"),
    "σ′ missing in BP2": (
        nielsen_with(bp2=bp2_with(sp=lambda self, zs, a, l: 1.0)),
        "BP2",
        1,
        "bp2_no_sigma_prime",
    ),
    "σ′ of a instead of z in BP2": (
        nielsen_with(bp2=bp2_with(sp=lambda self, zs, a, l: sigmoid_prime(a[-l]))),
        "BP2",
        1,
        "bp2_sigma_prime_of_a",
    ),
    "a(1 − a) given z in BP2": (
        nielsen_with(bp2=bp2_with(sp=lambda self, zs, a, l: zs[-l] * (1 - zs[-l]))),
        "BP2",
        1,
        "bp2_prime_form_on_z",
    ),
    "σ′ of a instead of z in BP1": (
        nielsen_with(
            bp1=lambda self, zs, a, y: self.cost_derivative(a[-1], y) * sigmoid_prime(a[-1])
        ),
        "BP1",
        0,
        "bp1_sigma_prime_of_a",
    ),
    "transposed W in BP2": (
        nielsen_with(bp2=bp2_with(back=lambda self, delta, l: np.dot(self.weights[-l + 1], delta))),
        "BP2",
        1,
        "bp2_transposed_w",
    ),
    "a^ℓ instead of a^{ℓ−1} in BP4": (
        nielsen_with(bp4=lambda delta, a, zs, l: np.dot(delta, a[-l].T)),
        "BP4",
        0,
        "bp4_a_current",
    ),
    "factor 2 of ‖a − y‖² without ½": (nielsen_with(bp1=bp1_factor_2), "BP1", 0, None),
    "off by one: σ′ of z^{ℓ+1}": (
        nielsen_with(bp2=bp2_with(sp=lambda self, zs, a, l: sigmoid_prime(zs[-l + 1]))),
        "BP2",
        1,
        "bp2_sigma_prime_next_layer",
    ),
    "off by one: W^ℓ in BP2": (
        nielsen_with(bp2=bp2_with(back=lambda self, delta, l: np.dot(self.weights[-l].T, delta))),
        "BP2",
        1,
        "bp2_weights_wrong_layer",
    ),
    "y − a": (nielsen_with(bp1=bp1_sign), "BP1", 0, "sign_flipped"),
    "transposed ∂C/∂W": (
        nielsen_with(bp4=lambda delta, a, zs, l: np.dot(a[-l - 1], delta.T)),
        "BP4",
        0,
        "bp4_transposed",
    ),
}


@pytest.mark.parametrize("name", list(WRONG_NIELSEN))
def test_each_nielsen_mistake_is_diagnosed_with_its_equation_and_layer(name):
    fn, equation, from_output, mistake = WRONG_NIELSEN[name]
    report = check_backprop(fn, style="nielsen")
    assert not report.passed
    assert report.equation == equation
    assert report.layer == report.case.n_layers - from_output
    if mistake is not None:
        assert report.mistake == mistake
    assert report.hint and report.hint in str(report)


def test_factor_2_is_named_when_the_cost_is_taken_from_cost_derivative():
    fn = nielsen_with(
        bp1=lambda self, zs, a, y: 2 * self.cost_derivative(a[-1], y) * sigmoid_prime(zs[-1])
    )
    report = check_backprop(fn, style="nielsen")
    assert (report.equation, report.layer, report.mistake) == ("BP1", 3, "factor_2")
    assert "½" in report.hint


def test_a_factor_2_that_also_hard_codes_the_cost_is_checked_as_quadratic_code():
    """2(a − y)σ′ whatever the cost: the code implements one cost, so it is checked with
    the quadratic cost only, where it is exactly factor_2."""
    report = check_backprop(WRONG_NIELSEN["factor 2 of ‖a − y‖² without ½"][0], style="nielsen")
    assert report.costs == ("quadratic",) and "same gradients whichever cost" in report.cost_note
    assert (report.equation, report.mistake) == ("BP1", "factor_2") and "½" in report.hint


def test_quadratic_only_code_passes_by_default_and_fails_when_cross_entropy_is_asked():
    """BP1 written inline as (a − y)σ′(z): right for the quadratic cost, the notebook's."""
    fn = nielsen_with(bp1=bp1_cost_ignored)
    report = check_backprop(fn, style="nielsen")
    assert report.passed and report.costs == ("quadratic",)
    assert "quadratic cost only" in str(report)
    both = check_backprop(fn, style="nielsen", costs=("quadratic", "cross_entropy"))
    assert not both.passed and (both.equation, both.mistake) == ("BP1", "cost_ignored")
    assert both.case.cost == "cross_entropy"


def test_a_mistake_at_one_layer_only_is_found_at_that_layer():
    def bp2(self, zs, a, delta, l):
        back = np.dot(self.weights[-l + 1].T, delta)
        return back if self.num_layers - l == 1 else back * sigmoid_prime(zs[-l])  # ℓ = 1 only

    report = check_backprop(nielsen_with(bp2=bp2), style="nielsen")
    assert (report.equation, report.layer, report.mistake) == ("BP2", 1, "bp2_no_sigma_prime")
    # the layers above it are right, layer 1's δ is not, and its gradients inherit that
    verdicts = {v.layer: v for v in report.results[0].verdicts}
    assert verdicts[3].delta == "ok (BP1)" and verdicts[2].delta == "ok (BP2)"
    assert verdicts[1].delta == "WRONG (BP2)" and verdicts[1].bp4 == "inherited"


def test_bp3_alone_wrong_is_told_from_bp1_and_bp4():
    # ∂C/∂b^ℓ multiplied by σ′ once more; δ, and so ∂C/∂W, stay right
    report = check_backprop(nielsen_with(bp3=lambda d, zs, l: d * sigmoid_prime(zs[-l])))
    assert (report.equation, report.layer) == ("BP3", 3)
    top = report.results[0].verdicts[0]
    assert (top.delta, top.bp3, top.bp4) == ("ok (BP1)", "WRONG", "ok")


def test_bp4_alone_wrong_is_told_from_the_deltas():
    # every layer's ∂C/∂W built from the input x instead of a^{ℓ−1}: right at layer 1 only
    # (and of the wrong shape wherever n_0 ≠ n_{ℓ−1}: the shape is named first)
    report = check_backprop(nielsen_with(bp4=lambda d, a, zs, l: np.dot(d, a[0].T)))
    assert (report.equation, report.layer) == ("BP4", report.case.n_layers)
    assert report.mistake is None and report.hint.startswith("shape mismatch: ∂C/∂W^")
    assert [v.delta.split()[0] for v in report.results[0].verdicts] == ["ok"] * 3


# ---------------------------------------------------------------------------------------
# right implementations pass


def network2_style(self, x, y):
    """network2.py's backprop: BP1 from the cost object's delta(z, a, y)."""
    nabla_b = [np.zeros(b.shape) for b in self.biases]
    nabla_w = [np.zeros(w.shape) for w in self.weights]
    zs, activations = forward(self, x)
    delta = self.cost.delta(zs[-1], activations[-1], y)
    nabla_b[-1], nabla_w[-1] = delta, np.dot(delta, activations[-2].T)
    for l in range(2, self.num_layers):
        delta = np.dot(self.weights[-l + 1].T, delta) * sigmoid_prime(zs[-l])
        nabla_b[-l], nabla_w[-l] = delta, np.dot(delta, activations[-l - 1].T)
    return nabla_b, nabla_w


class StudentNetwork:
    """A learner's class whose backprop calls its own helper methods."""

    def __init__(self, sizes):
        raise AssertionError("the checker must not call __init__")

    def sp(self, z):
        return sigmoid_prime(z)

    def backprop(self, x, y):
        zs, activations = forward(self, x)
        delta = self.cost_derivative(activations[-1], y) * self.sp(zs[-1])
        nabla_b, nabla_w = [delta], [delta @ activations[-2].T]
        for l in range(2, self.num_layers):
            delta = (self.weights[-l + 1].T @ delta) * self.sp(zs[-l])
            nabla_b.insert(0, delta)
            nabla_w.insert(0, delta @ activations[-l - 1].T)
        return nabla_b, nabla_w


@pytest.mark.parametrize(
    "fn",
    [nielsen_right, network2_style, StudentNetwork.backprop],
    ids=["nielsen", "network2", "unbound method"],
)
def test_right_nielsen_style_implementations_pass(fn):
    report = check_backprop(fn, style="nielsen")
    assert report.passed, str(report)
    assert (report.equation, report.layer, report.hint) == (None, None, None)
    assert len(report.results) == 7 and "PASSED" in str(report)
    assert {r.case.cost for r in report.results} == {"quadratic", "cross_entropy"}


def test_a_bound_method_passes_too():
    student = object.__new__(StudentNetwork)
    assert check_backprop(student.backprop).passed


@pytest.mark.parametrize("rung", ["per_neuron", "per_example", "batch_tensor", "gemm"])
def test_the_ladders_rungs_pass(rung):
    report = check_backprop(ladder.RUNGS[rung], style="batch", samples="rows")
    assert report.passed, str(report)
    assert {r.case.n_samples for r in report.results} == {1, 5}


def test_the_scalar_rung_passes_on_the_chains():
    report = check_backprop(
        ladder.scalar, style="batch", samples="rows", select=lambda case: set(case.sizes) == {1}
    )
    assert report.passed and len(report.results) == 2


def test_the_battery_reference_is_the_true_gradient():
    """The reference every learner is compared with, against central differences."""
    for case in build_battery("batch", ("sigmoid", "tanh", "relu"), ("quadratic", "cross_entropy")):
        acts = case.layer_activations
        cost = case.cost_function

        def mean_cost(weights, biases, case=case, acts=acts, cost=cost):
            a = case.X
            for W, b, act in zip(weights, biases, acts):
                a = act.f(W @ a + b)
            return float(cost.value(a, case.Y).mean())

        fd_w, fd_b = finite_difference_grads(
            mean_cost, [W.copy() for W in case.weights], [b.copy() for b in case.biases]
        )
        ref = variant_backprop(case)
        for got, want in zip(ref.grads_w + ref.grads_b, fd_w + fd_b):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------------------------------
# batch style: (weights, biases, X, Y) -> (grads_w, grads_b), one column per sample

PRIMES = {  # σ′ written with a = σ(z), as learners often do
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
}


def batch_backprop(mean=True, bias_mean=True, prime_of_a=False, return_deltas=False):
    """A learner's batch backprop for any of PRIMES and both costs."""

    def backprop(weights, biases, X, Y, activation="sigmoid", cost="quadratic"):
        f, prime = PRIMES[activation]
        A, As, Zs = X, [X], []
        for W, b in zip(weights, biases):
            Zs.append(W @ A + b)
            A = f(Zs[-1])
            As.append(A)
        m, L = X.shape[1], len(weights)
        gw, gb, deltas = [None] * L, [None] * L, [None] * L
        delta = A - Y if cost == "cross_entropy" else (A - Y) * prime(Zs[-1], A)
        for i in reversed(range(L)):
            deltas[i] = delta
            gb[i] = delta.sum(axis=1, keepdims=True) / (m if bias_mean else 1)
            gw[i] = delta @ As[i].T / (m if mean else 1)
            if i:
                a = As[i]
                sp = prime(a, f(a)) if prime_of_a else prime(Zs[i - 1], a)
                delta = (weights[i].T @ delta) * sp
        return (gw, gb, deltas) if return_deltas else (gw, gb)

    return backprop


def test_a_right_batch_backprop_passes_with_every_activation_and_cost():
    report = check_backprop(batch_backprop(), style="batch")
    assert report.passed, str(report)
    kinds = {(r.case.activation, r.case.cost) for r in report.results}
    assert kinds == {
        ("sigmoid", "quadratic"),
        ("tanh", "quadratic"),
        ("relu", "quadratic"),
        ("sigmoid", "cross_entropy"),
    }


def test_sums_instead_of_means_pass_with_a_one_line_note():
    """The notebook's backprop_batch returns sums; fine if the update divides by m."""
    report = check_backprop(batch_backprop(mean=False, bias_mean=False), style="batch")
    assert report.passed and report.convention == "sums"
    assert "your gradients are m × ours: sums, not means" in report.headline()
    # the batch cases are m × the reference; a batch of one sample cannot show it
    assert all(r.status == "ok" for r in report.results if r.case.n_samples == 1)
    assert any(r.status == "WRONG" for r in report.results if r.case.n_samples == 5)


def test_sum_in_bp4_only_is_bp4():
    report = check_backprop(batch_backprop(mean=False), style="batch")
    assert (report.equation, report.mistake) == ("BP4", "bp4_sum_not_mean")


def test_sigma_prime_of_a_with_other_activations():
    report = check_backprop(batch_backprop(prime_of_a=True), style="batch")
    assert (report.equation, report.mistake) == ("BP2", "bp2_sigma_prime_of_a")
    assert report.layer == report.case.n_layers - 1


def test_returned_deltas_separate_bp3_from_bp1_on_a_batch():
    # with δs returned, a BP3 summed over the batch is seen on the batch cases themselves
    fn = batch_backprop(bias_mean=False, return_deltas=True)
    report = check_backprop(fn, style="batch", activations=["sigmoid"], costs=["quadratic"])
    assert (report.equation, report.layer, report.mistake) == ("BP3", 3, "bp3_sum_not_mean")
    wrong = [r for r in report.results if r.status == "WRONG"]
    assert all(r.case.n_samples == 5 and r.first_wrong[0] == "BP3" for r in wrong)
    assert wrong[0].verdicts[0].delta == "ok (BP1)"


# ---------------------------------------------------------------------------------------
# shapes, exceptions, time-outs


def test_the_wrong_order_of_the_pair_is_named():
    def swapped(self, x, y):
        nabla_b, nabla_w = nielsen_right(self, x, y)
        return nabla_w, nabla_b

    report = check_backprop(swapped)
    assert not report.passed and report.equation is None
    assert "wrong order" in report.hint and "(nabla_b, nabla_w)" in report.hint


def test_flat_bias_gradients_are_a_bp3_shape_mistake_with_the_trace():
    def flat(self, x, y):
        nabla_b, nabla_w = nielsen_right(self, x, y)
        return [b.ravel() for b in nabla_b], nabla_w

    report = check_backprop(flat)
    assert (report.equation, report.layer) == ("BP3", 3)
    assert "keepdims" in report.hint and "(1,)" in report.hint
    assert "backprop trace of Network([1, 1, 1, 1]" in str(report)
    assert "what your function returned" in str(report)


def test_an_exception_is_shown_with_its_case_and_line():
    def broken(self, x, y):
        zs, activations = forward(self, x)
        return undefined_name  # noqa: F821

    report = check_backprop(broken)
    assert not report.passed and report.equation is None
    assert "NameError" in report.hint and "return undefined_name" in report.hint
    assert report.case.name == "1-D chain"
    assert all(r.status == "raised" for r in report.results)


def test_python_2_code_is_told_so():
    def old(self, x, y):
        return [x for _ in xrange(3)]  # noqa: F821

    assert "Python 2" in check_backprop(old).hint


def test_a_hanging_function_is_stopped_and_the_rest_skipped():
    def hangs(self, x, y):
        while True:
            pass

    report = check_backprop(hangs, time_limit=0.2)
    assert not report.passed
    assert [r.status for r in report.results] == ["timed out"] + ["skipped"] * 6
    assert "stopped after 0.2 s" in report.hint


def test_the_learner_cannot_change_the_reference():
    def vandal(self, x, y):
        for W in self.weights:
            W *= 0
        return nielsen_right(self, x, y)

    report = check_backprop(vandal)
    assert not report.passed  # gradients of zeroed weights, while the reference kept them
    assert check_backprop(nielsen_right).passed


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="style"):
        check_backprop(nielsen_right, style="keras")
    with pytest.raises(TypeError, match="function"):
        check_backprop(42)
    with pytest.raises(ValueError, match="sigmoid only"):
        check_backprop(nielsen_right, activations=["tanh"])
    with pytest.raises(TypeError, match="is it style='batch'"):
        check_backprop(ladder.gemm, style="nielsen")
    with pytest.raises(TypeError, match="is it style='nielsen'"):
        check_backprop(nielsen_right, style="batch")
    with pytest.raises(ValueError, match="time_limit"):
        check_backprop(nielsen_right, time_limit=0)
    with pytest.raises(ValueError, match="`activation` argument"):
        check_backprop(ladder.gemm, style="batch", activations=["tanh"])


def test_the_report_as_data():
    report = check_backprop(WRONG_NIELSEN["transposed W in BP2"][0])
    data = report.to_dict()
    assert (data["passed"], data["equation"], data["layer"]) == (False, "BP2", 3)
    assert data["case"].startswith("'deep and narrow'")
    assert [c["status"] for c in data["cases"]].count("raised") == 4


def test_what_is_not_a_pair_of_gradient_lists_is_named():
    def nothing_filled(self, x, y):
        return [None] * (self.num_layers - 1), [None] * (self.num_layers - 1)

    def one_list(self, x, y):
        return nielsen_right(self, x, y)[0]

    assert "holds None for a layer" in check_backprop(nothing_filled).hint
    report = check_backprop(one_list)
    assert report.equation is None and "expected a pair (nabla_b, nabla_w)" in report.hint


def test_select_that_keeps_nothing_is_an_error():
    with pytest.raises(ValueError, match="select"):
        check_backprop(nielsen_right, select=lambda case: False)


def test_importing_backproplab_for_check_backprop_stays_light():
    import subprocess
    import sys

    code = (
        "import sys; from backproplab import check_backprop; "
        "print(sorted({m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "sklearn" not in out.stdout and "matplotlib" not in out.stdout
    assert "'numpy'" in out.stdout
