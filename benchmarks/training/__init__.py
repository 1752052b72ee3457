"""Training-speed benchmark: one epoch of mini-batch SGD, backproplab against its peers.

    python -m benchmarks.training [--quick | --smoke | --profile] [--only W1,W3] [--rounds N]
                                [--output FILE]

Every contestant trains the same architecture (sigmoid layers), with the same batch size,
dtype, learning rate η and number of steps, on the same data, without shuffling:

- **backproplab**: ``Network(sizes, seed=0, dtype=dtype).train(X, Y, epochs=1, ...)``, the
  fast path, with ``evaluate=False`` (no extra pass over the data after the epoch);
- **per-example rung**: :func:`backproplab.checking.ladder.train_per_example`, Nielsen's loop over
  samples (float64 only);
- **batch-tensor rung**: an epoch of SGD built here on
  :func:`backproplab.checking.ladder.batch_tensor`
  (float64 only);
- **scikit-learn**: ``MLPClassifier(solver="sgd", activation="logistic")`` with momentum,
  L2 penalty and shuffling off. Its output layer is its own (softmax with log-loss for
  several classes, logistic with log-loss for two), so it is the same work up to the last layer;
- **PyTorch** (CPU, optional): ``nn.Sequential(Linear, Sigmoid, …)``, ``optim.SGD`` and the
  quadratic cost ``C = ½‖a − y‖²`` averaged over the mini-batch, exactly backproplab's;
- **products alone**: the epoch's matrix products (forward, BP2, BP4) with ``np.dot``
  and nothing else — the floor under every trainer. Its GFLOP/s on W3 is the machine's
  matrix-multiply peak for those shapes, measured in the same rounds as the others.

Timing protocol (:func:`time_round_robin`): each contestant builds fresh parameters outside
the timed region, so every repeat does the same work, then one epoch is timed with
``time.perf_counter`` (an epoch shorter than 50 ms in the warm-up round is timed several
times in a row, each from fresh parameters, and the time divided: a few milliseconds alone
would mostly measure the machine's drift). Runs are interleaved round-robin (A B C A B C …)
so that a drift in the machine's speed hits everyone alike, and one untimed warm-up round
comes first. Just
before each timed epoch the contestant runs one untimed mini-batch, so that its thread
pools are awake again after the others ran. The tables show each contestant's MEDIAN epoch
time and the ratio ``peer time / backproplab time`` (above 1: backproplab is faster). Where
whole epochs are too slow to time (the rungs on W3; everyone on W3 with ``--quick``), the
first k steps are timed, the same k for backproplab, scikit-learn and PyTorch, and the time
is scaled by ``steps per epoch / k``; such rows carry a †.

Layer sizes follow the package: ``sizes = [n_0, n_1, …, n_L]``, ``W^ℓ`` is (n_ℓ, n_{ℓ−1}).

The package, one job per module: ``workloads`` (the data, the problems, the flop count),
``contestants`` (each peer's epoch, and the products alone), ``timing`` (the round-robin
protocol), ``memory`` (the budget and the peak RSS, in a child process), ``run`` (a whole
run), ``report`` (the tables and the targets), ``profile`` (``--profile``: where a
backproplab step spends its time, part by part) and ``cli`` (the command line).
"""

from tqdm.auto import tqdm  # the progress bar a run drives; tests use it on time_round_robin

from .cli import main
from .contestants import (
    Contestant,
    Skipped,
    prepare_backproplab,
    prepare_batch_tensor,
    prepare_per_example,
    prepare_products,
    prepare_sklearn,
    prepare_torch,
    step_gemms,
    torch_parameters,
)
from .profile import step_parts
from .timing import Result, time_round_robin
from .workloads import epoch_flops, make_problem, step_flops

__all__ = [
    "Contestant",
    "Result",
    "Skipped",
    "epoch_flops",
    "main",
    "make_problem",
    "prepare_backproplab",
    "prepare_batch_tensor",
    "prepare_per_example",
    "prepare_products",
    "prepare_sklearn",
    "prepare_torch",
    "step_flops",
    "step_gemms",
    "step_parts",
    "time_round_robin",
    "torch_parameters",
    "tqdm",
]
