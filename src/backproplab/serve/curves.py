"""A live session's curves, kept to a bounded size however long it runs.

A playground session runs for as long as its page stays open, at tens of thousands of
steps and hundreds of epochs a second. :class:`CurveBuckets` keeps rows of numbers (one
per step, or one per epoch) as means over buckets of consecutive rows, doubling the
bucket size as needed, so that a view of a session an hour old costs what a view of a
new one does.
"""

from __future__ import annotations

import math

import numpy as np

MAX_CURVE_BUCKETS = 2000  # a curve keeps at most this many points


class CurveBuckets:
    """Rows of ``width`` numbers, kept as means over buckets of k consecutive rows; k
    doubles whenever there are more than ``max_buckets`` buckets.

    >>> c = CurveBuckets(1)
    >>> c.add(np.arange(5.0)[:, None])
    >>> c.means()[:, 0].tolist(), c.centres().tolist()
    ([0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0, 5.0])
    """

    def __init__(self, width: int, max_buckets: int = MAX_CURVE_BUCKETS):
        self.width, self.max_buckets, self.k = width, max_buckets, 1
        self.sums = np.zeros((0, width))  # per bucket
        self.count = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        """The number of buckets (points of the curve)."""
        return len(self.count)

    def add(self, rows: np.ndarray) -> None:
        """Append t rows, ``rows`` (t, width)."""
        rows = np.asarray(rows, dtype=float).reshape(-1, self.width)
        if len(self.count) and self.count[-1] < self.k and len(rows):  # fill the last bucket
            take = min(self.k - int(self.count[-1]), len(rows))
            self.sums[-1] += rows[:take].sum(axis=0)
            self.count[-1] += take
            rows = rows[take:]
        if len(rows):
            n = math.ceil(len(rows) / self.k)
            pad = n * self.k - len(rows)
            counts = np.full(n, self.k)
            counts[-1] -= pad
            padded = np.concatenate([rows, np.zeros((pad, self.width))])
            self.sums = np.concatenate([self.sums, padded.reshape(n, self.k, self.width).sum(1)])
            self.count = np.concatenate([self.count, counts])
        while len(self.count) > self.max_buckets:  # merge neighbours: k doubles
            m = len(self.count) // 2 * 2
            pairs = self.sums[:m].reshape(-1, 2, self.width).sum(1)
            self.sums = np.concatenate([pairs, self.sums[m:]])
            self.count = np.concatenate([self.count[:m].reshape(-1, 2).sum(1), self.count[m:]])
            self.k *= 2

    def means(self) -> np.ndarray:
        """Each bucket's mean row, (B, width)."""
        return self.sums / np.maximum(self.count, 1)[:, None]

    def centres(self) -> np.ndarray:
        """The row number (from 1) at the middle of each bucket, (B,)."""
        starts = np.concatenate([[0], np.cumsum(self.count)[:-1]])
        return starts + (self.count + 1) / 2

    def copy(self) -> CurveBuckets:
        out = CurveBuckets(self.width, self.max_buckets)
        out.k, out.sums, out.count = self.k, self.sums.copy(), self.count.copy()
        return out
