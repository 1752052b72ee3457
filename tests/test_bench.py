"""The training-speed benchmark: its CLI, its flop count, its protocol, and that every
contestant really trains the same network (no timing is asserted)."""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks import training as bench

from backproplab import datasets


@pytest.fixture
def tiny():
    """A W1-like problem: 60 circles, sizes [2, 3, 3, 1], batches of 16 (the last has 12)."""
    X, y = datasets.circles(n_samples=60)
    return bench.make_problem(X, y, (2, 3, 3, 1), batch_size=16, eta=3.0, dtype="float64")


def _assert_same(got, want, rtol):
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=0)


@pytest.mark.slow
def test_smoke_prints_every_contestant_and_skips_missing_torch(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(bench.contestants, "_import_torch", lambda: None)  # every use looks here
    out_file = tmp_path / "bench.md"
    assert bench.main(["--smoke", "--output", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "SMOKE RUN" in out and "torch absent" in out
    table = out.split("W1 float64:")[1].split("\n\n")[0]
    for name in ("backproplab", "per-example rung", "batch-tensor rung", "scikit-learn"):
        row = next(line for line in table.splitlines() if line.startswith(name))
        assert "skipped" not in row
    torch_row = next(line for line in table.splitlines() if line.startswith("PyTorch"))
    assert "skipped (torch not installed)" in torch_row
    assert "Matrix-multiply peak" in out and "Memory of one backproplab W1 epoch" in out
    assert "not evaluated (smoke run)" in out
    markdown = out_file.read_text(encoding="utf-8")
    assert markdown.startswith("# backproplab training-speed benchmark")
    assert "| PyTorch | — | — | skipped (torch not installed) |" in markdown


def test_step_flops_by_hand():
    # sizes [2, 3, 1], m = 4; a product (p, q) @ (q, r) costs 2·p·q·r:
    #   forward  (3,2)@(2,4): 48    (1,3)@(3,4): 24
    #   BP2      (3,1)@(1,4): 24    (the input layer gets no δ)
    #   BP4      (3,4)@(4,2): 48    (1,4)@(4,3): 24
    assert bench.step_flops([2, 3, 1], 4) == 48 + 24 + 24 + 48 + 24  # 168
    # 10 samples in batches of 4: steps of 4, 4 and a short last one of 2 (half of 168)
    assert bench.epoch_flops([2, 3, 1], 10, 4) == 168 + 168 + 84


def test_step_flops_counts_the_products_the_peak_times():
    sizes = (784, 512, 256, 10)
    gemms = bench.step_gemms(sizes, 128, np.float32, np.random.default_rng(0))
    assert len(gemms) == 3 + 2 + 3
    for left, right, out in gemms:
        assert out.shape == (left.shape[0], right.shape[1]) and out.dtype == np.float32
    counted = sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in gemms)
    assert counted == bench.step_flops(sizes, 128)


def test_ladder_rungs_and_fast_path_train_the_same_weights(tiny):
    net = bench.prepare_backproplab(tiny)()
    rung3 = bench.prepare_per_example(tiny)()
    rung4 = bench.prepare_batch_tensor(tiny)()
    assert not np.allclose(net.weights[0], tiny.weights[0])  # an epoch really happened
    for weights, biases in (rung3, rung4):
        _assert_same(weights, net.weights, rtol=1e-10)
        _assert_same(biases, net.biases, rtol=1e-10)


def test_torch_trains_the_same_weights(tiny):
    pytest.importorskip("torch")
    net = bench.prepare_backproplab(tiny)()
    weights, biases = bench.torch_parameters(bench.prepare_torch(tiny)())
    _assert_same(weights, net.weights, rtol=1e-9)
    _assert_same(biases, net.biases, rtol=1e-9)


def test_sklearn_trains_one_epoch_in_the_data_dtype():
    X, y = datasets.circles(n_samples=60)
    p32 = bench.make_problem(X, y, (2, 3, 3, 1), batch_size=16, eta=3.0, dtype="float32")
    clf = bench.prepare_sklearn(p32)()
    assert all(c.dtype == np.float32 for c in clf.coefs_)
    # t_ counts the samples seen: 16 in the untimed priming step, then the 60 of the epoch
    assert clf.t_ == 16 + 60 and len(clf.loss_curve_) == 2


def test_float64_rungs_skip_float32():
    X, y = datasets.circles(n_samples=20)
    p32 = bench.make_problem(X, y, (2, 3, 1), batch_size=8, eta=1.0, dtype="float32")
    for prepare in (bench.prepare_per_example, bench.prepare_batch_tensor):
        with pytest.raises(bench.Skipped, match="float64 only"):
            prepare(p32)


@pytest.mark.slow
def test_round_robin_interleaves_primes_and_drops_the_warmup(tiny):
    calls = []

    def fake(name):
        def prepare(problem):
            return lambda: calls.append((name, problem.steps))

        return bench.Contestant(name, prepare)

    def absent(problem):
        raise bench.Skipped("not here")

    runs = [(fake("A"), tiny), (fake("B"), tiny), (bench.Contestant("C", absent), tiny)]
    with bench.tqdm(disable=True) as bar:
        results = bench.time_round_robin(
            runs, tiny.steps, rounds=2, warmup=True, bar=bar, min_seconds=0
        )
    # each run: a one-step primer, then the timed epoch; rounds go A B A B A B
    assert calls == [("A", 1), ("A", 4), ("B", 1), ("B", 4)] * 3
    assert [len(r.times) for r in results] == [2, 2, 0]
    assert results[2].skipped == "not here" and results[2].epoch_seconds is None


@pytest.mark.slow
def test_short_epochs_are_timed_several_in_a_row_from_fresh_parameters(tiny, monkeypatch):
    """After the warm-up, an epoch of 12 ms (on a fake clock) runs 5 times per timing, so
    that a timing lasts at least 50 ms; a 80 ms one still runs once."""
    clock, prepared = [0.0], []
    monkeypatch.setattr(bench.timing, "perf_counter", lambda: clock[0])

    def fake(name, seconds):
        def prepare(problem):
            prepared.append(name)

            def epoch():
                clock[0] += seconds if problem.steps > 1 else 0.0  # the primer is free

            return epoch

        return bench.Contestant(name, prepare)

    runs = [(fake("short", 0.012), tiny), (fake("long", 0.08), tiny)]
    with bench.tqdm(disable=True) as bar:
        results = bench.time_round_robin(runs, tiny.steps, rounds=2, warmup=True, bar=bar)
    assert [r.times for r in results] == [[pytest.approx(0.012)] * 2, [pytest.approx(0.08)] * 2]
    # prepared per round: a primer and 1 epoch in the warm-up; then a primer and 5 (short)
    assert prepared.count("short") == 2 + 2 * 6 and prepared.count("long") == 2 * 3


def test_prefix_times_are_scaled_to_the_epoch(tiny):
    assert tiny.prefix(2).steps == 2 and len(tiny.prefix(2).X) == 32
    assert tiny.prefix(None) is tiny and tiny.prefix(99) is tiny
    result = bench.Result("x", steps=100, epoch_steps=469, times=[3.0, 1.0, 2.0])
    assert result.epoch_seconds == pytest.approx(2.0 * 469 / 100)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--only", "W1,W9"], "unknown workload W9 in --only; known workloads: W1, W2, W3"),
        (["--only", ","], "known workloads: W1, W2, W3"),
        (["--smoke", "--only", "W3"], "--smoke runs W1 alone"),
        (["--rounds", "0"], "expected a positive integer"),
        (["--quick", "--smoke"], "not allowed with argument"),
        (["--output", "/no/such/dir/x.md"], "does not exist"),
        (["--profile", "--rounds", "3"], "--rounds does not apply to --profile"),
        (["--profile", "--quick"], "not allowed with argument"),
    ],
)
def test_bad_options_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_products_alone_does_exactly_the_epochs_flops(tiny, monkeypatch):
    """The floor row multiplies what an epoch multiplies: 3 full batches of 16 and one of
    12, each with its forward, BP2 and BP4 products."""
    done = []
    real = np.dot

    def counting(left, right, out):
        done.append(2 * left.shape[0] * left.shape[1] * right.shape[1])
        return real(left, right, out=out)

    epoch = bench.prepare_products(tiny)
    monkeypatch.setattr(bench.contestants.np, "dot", counting)
    epoch()
    assert len(done) == 4 * (3 + 2 + 3)
    assert sum(done) == bench.epoch_flops((2, 3, 3, 1), 60, 16)


def test_profile_splits_a_step_into_the_engines_parts(tiny):
    parts = bench.step_parts(tiny, epochs=1)
    names = [name for name, _ in parts]
    assert names[0] == "whole step, in an epoch" and names[-1] == "the rest of the loop"
    assert {"forward pass", "loss and backward pass (BP1–BP4)", "norms of the gradient"} <= set(
        names
    )
    seconds = dict(parts[:-1])
    assert all(s > 0 for s in seconds.values())
    top_level = sum(s for name, s in parts[1:-1] if not name.startswith(" "))
    assert parts[-1][1] == pytest.approx(parts[0][1] - top_level)
    assert seconds["whole step, in an epoch"] < 1  # seconds per step of a 3-layer toy net


def test_profile_command_prints_a_table_per_dtype(capsys, tmp_path):
    out = tmp_path / "profile.md"
    assert bench.main(["--profile", "--only", "W1", "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Where a backproplab step on W1 float64 spends its time" in text
    assert "| loss and backward pass (BP1–BP4) |" in out.read_text()


def _have_revision(rev: str) -> bool:
    import subprocess

    from benchmarks.compare_versions import ROOT

    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}^{{commit}}"],
                           capture_output=True)  # fmt: skip
    return found.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _have_revision("20df48f"), reason="a clone without that revision")
def test_the_engine_before_its_contract_trains_the_same_weights(tiny, tmp_path):
    """compare_versions imports an old revision beside today's package; the default SGD of
    both gives the same weights, to rounding (η was folded into BP1 then: η/m · Δ^L; it
    is a separate update now: θ − η g)."""
    from benchmarks.compare_versions import import_version, trainer

    import backproplab

    old = import_version("20df48f", tmp_path, "backproplab_before_contract")
    nets = [trainer(package, options)(tiny)() for package, options in
            ((old, {"evaluate": False}), (backproplab, {}))]  # fmt: skip
    for W_old, W_new in zip(nets[0].weights, nets[1].weights, strict=True):
        np.testing.assert_allclose(W_new, W_old, rtol=1e-12, atol=1e-15)
