"""Limits on what a command line may ask for, checked before any work: a typo such as
``--layers 2,1000000000,1`` or ``--epochs 3000000`` is one line and exit 2, naming the
memory it would take, instead of a ``MemoryError`` minutes later.

Estimates (bytes, float64):

- the network: :func:`backproplab.validation.check_network_memory` (parameters, their
  steps and the training copy);
- generated data: ``n_samples · (n_features + 1) · 8``, twice (the generator's own arrays);
- the training history: ``steps · (1 + 2L) · 8``: the loss, and each layer's gradient
  and weight norm, at every step;
- the animation's snapshots: ``frames · min(n_samples, 1000) · (n_watched + n_out) · 8``.

Work (multiply-adds), so that no command runs for ever on a typo:

- training: ``3 · epochs · n_samples · Σ n_ℓ·n_{ℓ−1}`` per run (the forward pass and the
  two products of the backward pass), summed over a sweep's runs;
- a gradient check: ``(2·P + 1) · n_samples · Σ n_ℓ·n_{ℓ−1}`` for P parameters (two
  forward passes for each parameter nudged).

A request over :data:`MAX_WORK` (about an hour of one core) is refused naming its
estimate; so are more than :data:`MAX_LAYERS` layers (what a model file holds) and more
than :data:`MAX_RUNS` runs in a sweep.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from ..formats.text import shown
from ..validation import check_memory, check_network_memory

MAX_FRAMES = 300  # about 60 s of drawing and 30 MB of player (its limit is 60 MB); more is refused
MAX_SEED = 2**32 - 1  # what scikit-learn's random_state takes
MAX_LAYERS = 10_000  # as many as a model file holds (formats.modelfile.MAX_LAYERS)
MAX_RUNS = 10_000  # runs of one sweep (settings × seeds)
MAX_WORK = 10**13  # multiply-adds one command may ask for: about an hour of one core
MAX_ETA = 1e6  # a learning rate: far beyond any that trains, short of overflowing the weights
MAX_NOISE = 1e6  # generated data's noise: far beyond any that leaves a pattern to learn


def parse_layers(text: str, option: str = "--layers") -> list[int]:
    """``"2,3,3,1"`` -> ``[2, 3, 3, 1]``, with an error that names the option."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(
            f"{option} must be comma-separated integers like 2,3,3,1, got {shown(text)}"
        ) from None


def check_seed(seed, option: str = "--seed") -> int:
    """A seed every generator takes: an integer from 0 to 2³² − 1."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"{option} must be an integer from 0 to {MAX_SEED}, got {seed}")
    return int(seed)


def check_eta(eta, option: str = "--eta") -> float:
    """A learning rate η with 0 < η ≤ :data:`MAX_ETA`."""
    return _check_real(eta, option, 0.0, MAX_ETA, "a number above 0")


def check_noise(noise, option: str = "--noise") -> float:
    """Generated data's noise, from 0 to :data:`MAX_NOISE`."""
    return _check_real(noise, option, 0.0, MAX_NOISE, "a number from 0", closed=True)


def _check_real(value, option: str, lo: float, hi: float, what: str, closed=False) -> float:
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not (lo <= value if closed else lo < value) or value > hi:
        raise ValueError(f"{option} must be {what} up to {hi:g}, got {shown(str(value))}")
    return float(value)


def check_frames(frames) -> int:
    """``--frames``: from 2 (the start and the end) to ``MAX_FRAMES``."""
    if (
        isinstance(frames, bool)
        or not isinstance(frames, Integral)
        or not 2 <= frames <= MAX_FRAMES
    ):
        raise ValueError(
            f"--frames must be from 2 (the start and the end) to {MAX_FRAMES}, got {frames}"
        )
    return int(frames)


def check_epsilon(epsilon) -> float:
    """``--epsilon`` of a finite-difference check: a finite number in (0, 1)."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, Real) or not 0 < epsilon < 1:
        raise ValueError(
            f"--epsilon must be a number between 0 and 1 (such as 1e-7), got {epsilon}"
        )
    return float(epsilon)


def check_layers(layers: list[int], option: str = "--layers") -> None:
    """Positive sizes of a network the machine can hold."""
    if len(layers) < 2 or any(n < 1 for n in layers):
        raise ValueError(f"{option} needs at least two positive sizes, got {shown(layers)}")
    if len(layers) - 1 > MAX_LAYERS:
        raise ValueError(
            f"{option} asks for {len(layers) - 1:,} layers; at most {MAX_LAYERS:,} (what a "
            "model file holds)"
        )
    try:
        check_network_memory(layers)
    except ValueError as exc:
        raise ValueError(f"{option} {shown(','.join(map(str, layers)))}: {exc}") from None


def products(layers: list[int]) -> int:
    """Σ_ℓ n_ℓ·n_{ℓ−1}: multiply-adds of one sample's forward pass."""
    return sum(a * b for a, b in zip(layers[:-1], layers[1:], strict=True))


def training_work(layers: list[int], n_samples: int, epochs: int) -> int:
    """Multiply-adds of training: 3 products a sample a layer (forward, δ and ∇W)."""
    return 3 * epochs * n_samples * products(layers)


def check_work(work: int, what: str) -> None:
    """Refuse more than :data:`MAX_WORK` multiply-adds, naming the estimate."""
    if work > MAX_WORK:
        raise ValueError(
            f"{what} asks for about {work:.1e} multiply-adds, more than the {MAX_WORK:.0e} "
            "a command accepts (about an hour of one core); ask for less"
        )


def check_gradcheck(layers: list[int], n_samples: int) -> None:
    """A finite-difference check nudges each of P parameters twice: (2P + 1) forward
    passes over the samples."""
    n_params = sum(b * (a + 1) for a, b in zip(layers[:-1], layers[1:], strict=True))
    check_work(
        (2 * n_params + 1) * n_samples * products(layers),
        f"a gradient check of {n_params:,} parameters on {n_samples:,} samples",
    )


def check_generated_data(n_samples: int | None, n_features: int) -> None:
    if n_samples is not None and n_samples > 0:
        check_memory(2 * n_samples * (n_features + 1) * 8, f"--samples {n_samples}")


def check_training(
    layers: list[int], n_samples: int, epochs: int, batch_size: int, frames: int, watch: int
) -> None:
    """The history and the snapshots of a training run fit in memory."""
    L = len(layers) - 1
    check_work(
        training_work(layers, n_samples, epochs),
        f"training [{shown(','.join(map(str, layers)))}] for {epochs:,} epochs on "
        f"{n_samples:,} samples",
    )
    steps = epochs * math.ceil(n_samples / batch_size)
    check_memory(
        steps * (1 + 2 * L) * 8,
        f"the training history of {steps:,} steps (--epochs {epochs} on {n_samples} "
        f"samples in batches of {batch_size})",
    )
    recorded = min(n_samples, 1000)
    check_memory(
        frames * recorded * (layers[watch] + layers[-1]) * 8,
        f"{frames} snapshots of layer {watch}'s {layers[watch]} units for {recorded} samples",
    )
