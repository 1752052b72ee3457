"""A live session's loss and gradient-norm curves, kept to a bounded size.

A playground session runs for as long as its page stays open, at tens of thousands of
steps a second; :class:`StepCurves` keeps each step's loss and per-layer gradient norm as
means over buckets of consecutive steps, doubling the bucket size as needed.
"""

from __future__ import annotations

import math

import numpy as np

MAX_CURVE_BUCKETS = 2000  # the loss curves keep at most about twice this many points


class StepCurves:
    """Per-step loss and gradient norms, as means over buckets of k consecutive steps; k
    doubles whenever there are more than :data:`MAX_CURVE_BUCKETS` buckets, so a long
    session keeps a bounded curve.

    >>> c = StepCurves(1)
    >>> c.add(np.arange(5.0), np.ones((5, 1)))
    >>> c.means()[0].tolist(), c.centres().tolist()
    ([0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0, 5.0])
    """

    def __init__(self, L: int, max_buckets: int = MAX_CURVE_BUCKETS):
        self.L, self.max_buckets, self.k = L, max_buckets, 1
        self.loss, self.grad = np.zeros(0), np.zeros((0, L))  # sums per bucket
        self.count = np.zeros(0, dtype=np.int64)

    def add(self, loss: np.ndarray, grad: np.ndarray) -> None:
        """Append t steps: ``loss`` (t,), ``grad`` (t, L)."""
        if len(self.count) and self.count[-1] < self.k and len(loss):  # fill the last bucket
            take = min(self.k - int(self.count[-1]), len(loss))
            self.loss[-1] += loss[:take].sum()
            self.grad[-1] += grad[:take].sum(axis=0)
            self.count[-1] += take
            loss, grad = loss[take:], grad[take:]
        if len(loss):
            n = math.ceil(len(loss) / self.k)
            pad = n * self.k - len(loss)
            counts = np.full(n, self.k)
            counts[-1] -= pad
            padded = np.concatenate([loss, np.zeros(pad)]).reshape(n, self.k)
            gpad = np.concatenate([grad, np.zeros((pad, self.L))]).reshape(n, self.k, self.L)
            self.loss = np.concatenate([self.loss, padded.sum(axis=1)])
            self.grad = np.concatenate([self.grad, gpad.sum(axis=1)])
            self.count = np.concatenate([self.count, counts])
        while len(self.count) > self.max_buckets:  # merge neighbours: k doubles
            m = len(self.count) // 2 * 2
            tail = slice(m, None)
            self.loss = np.concatenate([self.loss[:m].reshape(-1, 2).sum(1), self.loss[tail]])
            self.grad = np.concatenate(
                [self.grad[:m].reshape(-1, 2, self.L).sum(1), self.grad[tail]]
            )
            self.count = np.concatenate([self.count[:m].reshape(-1, 2).sum(1), self.count[tail]])
            self.k *= 2

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        """``(loss (B,), grad (B, L))``: each bucket's mean."""
        c = np.maximum(self.count, 1)
        return self.loss / c, self.grad / c[:, None]

    def centres(self) -> np.ndarray:
        """The step number (from 1) at the middle of each bucket, (B,)."""
        starts = np.concatenate([[0], np.cumsum(self.count)[:-1]])
        return starts + (self.count + 1) / 2

    def copy(self) -> StepCurves:
        out = StepCurves(self.L, self.max_buckets)
        out.k, out.loss, out.grad, out.count = self.k, self.loss.copy(), self.grad.copy(), \
            self.count.copy()  # fmt: skip
        return out
